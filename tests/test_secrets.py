"""The token never shows: not in a repr, a log record at any level, or an exception."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from onedata_workflows import OnedataError, RetryPolicy
from onedata_workflows.testing import FakeOneprovider, Fault, LaneSpec, Outcome

from .clients import make_client

SECRET = "MDAxY2xvY2F0aW9uIG9uZXpvbmUKMDAzYmlkZW50aWZpZXIgc2VjcmV0LXRva2Vu"


def texts_of(value: Any, depth: int = 0, seen: set[int] | None = None) -> list[str]:
    """Every way a value can end up printed: itself and, for an error, everything it holds.

    A client must hold its token; an error, its attributes and its chain never may.
    """
    seen = set() if seen is None else seen
    if id(value) in seen or depth > 6:
        return []
    seen.add(id(value))
    found = [str(value), repr(value)]
    inner: list[Any] = []
    if isinstance(value, BaseException):
        inner += [*value.args, value.__cause__, value.__context__]
    if isinstance(value, dict):
        inner += [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set | frozenset):
        inner += list(value)
    elif (isinstance(value, BaseException) or depth > 0) and hasattr(value, "__dict__"):
        inner += list(vars(value).values())
    for item in inner:
        if item is not None and not callable(item):
            found += texts_of(item, depth + 1, seen)
    return found


def echo_token(request: httpx.Request) -> httpx.Response:
    """A misbehaving provider that repeats the token it was sent."""
    token = request.headers["x-auth-token"]
    if request.url.path.endswith("/html"):
        return httpx.Response(502, content=f"<p>bad gateway for {token}</p>".encode())
    if request.url.path.endswith("/details"):
        body = {
            "error": {
                "id": "badValueString",
                "description": "x" * 295 + token,  # the token straddles the excerpt's cut
                "details": {"key": token, "nested": [{"hint": f"you sent {token}"}]},
                "ctx": {"serviceId": token},
            }
        }
        return httpx.Response(400, json=body)
    if request.url.path.endswith("/garbage"):
        return httpx.Response(200, content=b'{"atmWorkflowExecutionId": "' + token.encode())
    if request.url.path.endswith("/dump"):  # an audit-log dump that breaks the spec
        return httpx.Response(200, content=b'[{"index": "' + token.encode() + b'", "x": [}]')
    body = {"error": {"id": "unauthorized", "description": f"token {token} is not valid"}}
    return httpx.Response(401, json=body)


def test_token_never_printed(
    kind: str, loop: asyncio.AbstractEventLoop, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, httpx's and httpcore's included
    fake = FakeOneprovider()
    fake.add_user({})  # another user: the secret below is not the fake's own token
    token = fake.token
    schema_id, _ = fake.add_workflow_schema([LaneSpec(), LaneSpec(outcomes=[Outcome.FAIL])])
    printed: list[str] = []
    seen: list[Any] = []

    def attempt(call: Callable[[], Any]) -> None:
        try:
            seen.append(call())
        except OnedataError as error:
            seen.append(error)

    with (
        fake.serve() as base_url,
        make_client(kind, loop, base_url=base_url, token=token, sleep=lambda s: None) as client,
    ):
        seen.append(client)
        wid = client.schedule(fake.space_id, schema_id, 1)
        seen.append(wid)
        fake.advance(60)
        seen.append(client.get(wid))
        fake.inject(Fault.http_status(503), times=2)
        fake.inject(Fault.html(502))
        fake.inject(Fault.truncated())
        fake.inject(Fault.reset(processed=True))
        for _ in range(4):
            attempt(lambda: client.get(wid))
        attempt(lambda: client.resume(wid))
        attempt(lambda: client.get("missing"))
        attempt(lambda: client.cancel(wid))
    with make_client(kind, loop, base_url="http://127.0.0.1:9/api", token=token,
                     retry=RetryPolicy.disabled()) as closed_port:  # fmt: skip
        attempt(lambda: closed_port.get(wid))
    with make_client(kind, loop, base_url="https://p.test/api", token=SECRET,
                     transport=httpx.MockTransport(echo_token)) as echoing:  # fmt: skip
        attempt(lambda: echoing.get("x"))
        attempt(lambda: echoing.get("html"))
        attempt(lambda: echoing.get("details"))
        attempt(lambda: echoing.get("garbage"))
        attempt(lambda: echoing.dump_audit_log("s"))

    errors = [s for s in seen if isinstance(s, OnedataError)]
    assert len(errors) >= 6, "the scenario produced the errors it is meant to check"
    assert any("[token]" in str(e) for e in errors), "the echoed token was blanked"
    for value in seen:
        printed += texts_of(value)
    records = caplog.records
    assert any(r.name == "onedata_workflows" for r in records)
    assert any(r.name.startswith("httpcore") for r in records), "httpx's own debug logs were on"
    printed += [record.getMessage() for record in records]
    printed += [json.dumps(record.args, default=repr) for record in records if record.args]
    for secret in (token, SECRET):
        leaks = [text for text in printed if secret in text]
        assert leaks == [], f"the token leaked in {leaks[:3]}"


@pytest.mark.parametrize(
    "bad",
    [SECRET + " ", " " + SECRET, SECRET + "\n", SECRET[:20] + "\r\n" + SECRET[20:], SECRET + "é"],
)
def test_a_token_that_cannot_be_a_header_is_refused_without_showing_it(
    kind: str, loop: asyncio.AbstractEventLoop, bad: str
) -> None:
    sent: list[httpx.Request] = []
    transport = httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200))
    with pytest.raises(ValueError, match="token") as refused:
        make_client(kind, loop, base_url="https://p.test/api", token=bad, transport=transport)
    assert all(SECRET[:12] not in text for text in texts_of(refused.value))
    assert sent == []
