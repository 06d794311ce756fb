"""Check simulator traffic against openapi.yaml, with the response enums closed.

The spec leaves response enums open so that clients survive new values; the
simulator, being our own, must only ever send the values the spec names.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import yaml
from jsonschema import Draft202012Validator
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from onedata_workflows.testing import RawRequest, RawResponse

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"


def closed(node: Any) -> Any:
    """The spec with every ``anyOf: [$ref Enum, {type: string}]`` narrowed to the enum."""
    if isinstance(node, dict):
        options = node.get("anyOf")
        if isinstance(options, list) and len(options) == 2 and options[1] == {"type": "string"}:
            rest = {k: v for k, v in node.items() if k != "anyOf"}
            return {**rest, **options[0]} if "$ref" not in rest else options[0]
        return {k: closed(v) for k, v in node.items()}
    if isinstance(node, list):
        return [closed(v) for v in node]
    return node


def load_spec() -> dict[str, Any]:
    with SPEC_PATH.open() as f:
        spec: dict[str, Any] = yaml.safe_load(f)
    return spec


@functools.cache
def strict_spec() -> dict[str, Any]:
    spec: dict[str, Any] = closed(copy.deepcopy(load_spec()))
    return spec


@functools.cache
def strict_openapi() -> OpenAPI:
    return OpenAPI.from_dict(strict_spec())


@functools.cache
def operations() -> dict[str, tuple[str, dict[str, Any]]]:
    """operationId -> (method, operation object)."""
    found = {}
    for item in strict_spec()["paths"].values():
        shared = item.get("parameters", [])
        for method, op in item.items():
            if method != "parameters":
                found[op["operationId"]] = (
                    method,
                    {**op, "parameters": shared + op.get("parameters", [])},
                )
    return found


def deref(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = strict_spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


class ContractChecker:
    """An ``on_exchange`` hook that records every exchange openapi.yaml does not allow.

    Responses are always checked; requests when the simulator accepted them (2xx),
    except inside :meth:`lenient`, for tests that send what the service tolerates
    but the spec does not describe (numeric strings, query overrides).
    """

    def __init__(self) -> None:
        self.checked = 0
        self.problems: list[str] = []
        self._lenient = False

    @contextlib.contextmanager
    def lenient(self) -> Iterator[None]:
        self._lenient = True
        try:
            yield
        finally:
            self._lenient = False

    def __call__(self, operation: str | None, request: RawRequest, response: RawResponse) -> None:
        if operation is None:
            return  # not an operation of the API (unknown path or method)
        self.checked += 1
        where = f"{request.method} {request.path} -> {response.status}"
        _method, op = operations()[operation]
        self.problems += [f"{where}: {p}" for p in self._response_problems(op, response)]
        if 200 <= response.status < 300 and not self._lenient:
            self.problems += [f"{where}: request {p}" for p in self._request_problems(op, request)]

    @staticmethod
    def _response_problems(op: dict[str, Any], response: RawResponse) -> list[str]:
        documented = op["responses"].get(str(response.status))
        if documented is None:
            return [f"status {response.status} is not documented"]
        documented = deref(documented)
        headers = dict(response.headers)
        problems = [
            f"missing header {h}" for h in documented.get("headers", {}) if h.lower() not in headers
        ]
        content = documented.get("content")
        if content is None:
            return problems + ([f"unexpected body {response.body[:80]!r}"] if response.body else [])
        media_type = headers.get("content-type")
        if media_type not in content:
            return [*problems, f"content-type {media_type} not documented"]
        try:
            body = json.loads(response.body)
        except ValueError:
            return [*problems, "body is not JSON"]
        # Every body is JSON, whatever it is labelled (the dump may come as octet-stream).
        schema = content[media_type]["schema"]
        return problems + [
            f"body: {e.message} at {list(e.absolute_path)}"
            for e in _schema_validator(schema).iter_errors(body)
        ]

    @staticmethod
    def _request_problems(op: dict[str, Any], request: RawRequest) -> list[str]:
        problems = []
        query = dict(parse_qsl(request.query, keep_blank_values=True))
        params = {p["name"]: p for p in map(deref, op["parameters"]) if p["in"] == "query"}
        for name, value in query.items():
            if name not in params:
                problems.append(f"query parameter {name} is not documented")
                continue
            schema = params[name]["schema"]
            parsed: Any = value
            if deref(schema).get("type") == "integer":
                try:
                    parsed = int(value)
                except ValueError:
                    problems.append(f"query {name}={value!r} is not an integer")
                    continue
            problems += [
                f"query {name}: {e.message}" for e in _schema_validator(schema).iter_errors(parsed)
            ]
        body_spec = op.get("requestBody")
        if body_spec is not None:
            schema = deref(body_spec)["content"]["application/json"]["schema"]
            try:
                body = json.loads(request.body or b"null")
            except ValueError:
                return [*problems, "request body is not JSON"]
            problems += [f"body: {e.message}" for e in _schema_validator(schema).iter_errors(body)]
        return problems


def _schema_validator(schema: dict[str, Any]) -> Draft202012Validator:
    return _cached_validator(json.dumps(schema, sort_keys=True))


@functools.cache
def _cached_validator(schema_json: str) -> Draft202012Validator:
    return Draft202012Validator(
        {**json.loads(schema_json), "components": strict_spec()["components"]}
    )


class OpenApiCoreChecker:
    """The same check done by openapi-core: slower, but written by other people."""

    def __init__(self) -> None:
        self.openapi = strict_openapi()
        self.checked = 0
        self.problems: list[str] = []

    def __call__(self, operation: str | None, request: RawRequest, response: RawResponse) -> None:
        if operation is None:
            return  # not an operation of the API (unknown path or method)
        mock_request = MockRequest(
            "https://oneprovider.test",
            request.method.lower(),
            request.path,
            args=dict(parse_qsl(request.query, keep_blank_values=True)),
            headers=dict(request.headers),
            data=request.body or None,
            content_type=request.headers.get("content-type", "application/json"),
        )
        headers = dict(response.headers)
        mock_response = MockResponse(
            response.body,
            status_code=response.status,
            headers=headers,
            content_type=headers.get("content-type", "application/json"),
        )
        where = f"{request.method} {request.path} -> {response.status}"
        if 200 <= response.status < 300:
            # Only requests the simulator accepted must be valid ones.
            result = self.openapi.unmarshal_request(mock_request)
            if result.errors:
                self.problems.append(f"{where}: request {result.errors}")
        result = self.openapi.unmarshal_response(mock_request, mock_response)
        if result.errors:
            self.problems.append(f"{where}: response {[str(e) for e in result.errors]}")
        self.checked += 1
