"""The REST surface of the simulated provider: raw requests in, raw responses out.

It speaks bytes and JSON only and never imports the generated client, so tests can
use it to catch that client's mistakes. The order of checks is the service's:
authentication of a sent token, media type, body and query validation, then the
execution lookup (404), then authorization (401 for no token, 403), then the state.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Mapping
from enum import StrEnum
from http import HTTPStatus
from typing import Any, Literal, Protocol
from urllib.parse import parse_qsl, unquote

import attrs

from . import _errors as errors
from . import _requests as requests
from ._engine import Engine
from ._errors import ServiceError
from ._executions import Execution, Lane
from ._scenario import LaneSpec

BASE_PATH = "/api/v3/oneprovider"
ErrorShape = Literal["ctx", "plain"]
LocationStyle = Literal["documented", "as_coded"]


class Privilege(StrEnum):
    """Space privileges that the workflow-execution operations check."""

    VIEW = "space_view_atm_workflow_executions"
    SCHEDULE = "space_schedule_atm_workflow_executions"
    MANAGE = "space_manage_atm_workflow_executions"


@attrs.frozen
class RawRequest:
    """An HTTP request as it arrived: the path still percent-encoded, headers lower-cased."""

    method: str
    path: str
    query: str = ""
    headers: Mapping[str, str] = attrs.field(factory=dict)
    body: bytes = b""


@attrs.frozen
class RawResponse:
    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body)


class Exchange(Protocol):
    """What the transports need of a provider: one raw request in, one raw answer out.

    ``exchange`` raises :class:`~._faults.Disconnect` for an answer that never comes;
    ``sync`` brings simulated time up to date (a served provider calls it on a timer).
    """

    def exchange(self, request: RawRequest) -> RawResponse: ...

    def sync(self) -> None: ...


@attrs.define
class User:
    id: str
    privileges: dict[str, frozenset[Privilege]]


@attrs.define
class Space:
    id: str
    supported: bool = True


@attrs.define
class WorkflowSchema:
    id: str
    name: str
    inventory_id: str
    revisions: dict[int, tuple[LaneSpec, ...]]


Handler = Callable[[RawRequest, list[str], "User | None"], RawResponse]


def route(method: str, segments: list[str]) -> tuple[str | None, bool]:
    """The operationId for a request, and whether its path exists at all."""
    match segments:
        case ["automation", "execution", "workflows"]:
            return ("schedule_workflow_execution" if method == "POST" else None), True
        case ["spaces", sid, "automation", "execution", "workflows"] if sid:
            return ("list_workflow_executions" if method == "GET" else None), True
        case ["automation", "execution", "workflows", wid] if wid:
            operations = {
                "GET": "get_workflow_execution_details",
                "DELETE": "delete_workflow_execution",
            }
            return operations.get(method), True
        case ["automation", "execution", "workflows", wid, action] if wid and action in ACTIONS:
            return (f"{action}_workflow_execution" if method == "POST" else None), True
    return None, False


ACTIONS = ("pause", "resume", "cancel", "force_continue", "rerun", "retry")


def split_path(path: str) -> list[str] | None:
    """The percent-decoded segments after the base path, or None outside it."""
    if not path.startswith(BASE_PATH + "/"):
        return None
    return [unquote(part) for part in path[len(BASE_PATH) + 1 :].split("/")]


class Service:
    """Users, spaces, workflow schemas and the engine, behind Oneprovider's REST rules."""

    def __init__(
        self,
        engine: Engine,
        *,
        provider_id: str,
        domain: str,
        error_shape: ErrorShape,
        location_style: LocationStyle,
        now_ms: Callable[[], int],
    ) -> None:
        self.engine = engine
        self.provider_id = provider_id
        self.domain = domain
        self.error_shape = error_shape
        self.location_style = location_style
        self._now_ms = now_ms
        self.users: dict[str, User] = {}
        self.spaces: dict[str, Space] = {}
        self.schemas: dict[str, WorkflowSchema] = {}

    # -- the entry point ------------------------------------------------------

    @staticmethod
    def operation_of(request: RawRequest) -> str | None:
        """The operationId a request addresses, if any."""
        segments = split_path(request.path)
        return route(request.method, segments)[0] if segments else None

    def handle(self, request: RawRequest) -> tuple[str | None, RawResponse]:
        """Answer one request; also return its operationId (None for unknown routes)."""
        segments = split_path(request.path)
        operation, exists = route(request.method, segments) if segments else (None, False)
        try:
            if not exists or segments is None:
                raise errors.not_found()
            if operation is None:
                allowed = self._methods_of(segments)
                return None, RawResponse(405, (("allow", allowed),))
            user = self._authenticate(request.headers)
            handler: Handler = getattr(self, f"_{operation}")
            return operation, handler(request, segments, user)
        except ServiceError as error:
            return operation, self.error_response(error)

    @staticmethod
    def _methods_of(segments: list[str]) -> str:
        return ", ".join(m for m in ("GET", "POST", "DELETE") if route(m, segments)[0])

    def error_response(self, error: ServiceError) -> RawResponse:
        body: dict[str, Any] = {"id": error.error_id, "description": error.description}
        if error.details is not None:
            body["details"] = error.details
        if self.error_shape == "ctx":
            body["ctx"] = {
                "timestamp": self._now_ms(),
                "serviceReleaseVersion": "25.0",
                "serviceId": self.provider_id,
                "serviceDomain": self.domain,
                "serviceBuildVersion": "simulated",
                "service": "opw",
                "onedataErrorsRevision": "simulated",
                "module": "onedata_workflows.testing",
                "line": 1,
            }
        return json_response(error.status, {"error": body})

    # -- authentication and authorization ------------------------------------

    def _authenticate(self, headers: Mapping[str, str]) -> User | None:
        """The user behind a sent token; None when no token was sent (a guest).

        A token that was sent but is not valid fails at once, before anything else.
        """
        token = headers.get("x-auth-token")
        if token is None:
            scheme, _, credentials = headers.get("authorization", "").partition(" ")
            token = credentials.strip() if scheme.lower() == "bearer" else None
        if token is None:
            return None
        user = self.users.get(token)
        if user is None:
            raise errors.unauthorized()
        return user

    @staticmethod
    def _authorize(user: User | None, space_id: str, privilege: Privilege) -> User:
        if user is None:
            raise errors.unauthorized()
        if privilege not in user.privileges.get(space_id, frozenset()):
            raise errors.forbidden()
        return user

    def _authorize_action(self, user: User | None, ex: Execution) -> None:
        """The scheduling user needs the schedule privilege, anyone else manage."""
        if user is not None and user.id == ex.user_id:
            self._authorize(user, ex.space_id, Privilege.SCHEDULE)
        else:
            self._authorize(user, ex.space_id, Privilege.MANAGE)

    def _execution(self, segments: list[str]) -> Execution:
        ex = self.engine.executions.get(segments[3])
        if ex is None:
            raise errors.not_found()
        return ex

    @staticmethod
    def _json_input(request: RawRequest) -> dict[str, Any]:
        """Body merged with the query string (the query wins), after the media-type check."""
        if request.body.strip():
            media_type = request.headers.get("content-type", "")
            if media_type.strip().lower() != "application/json":
                raise _UnsupportedMediaType
        data = requests.parse_body(request.body)
        data.update(parse_qsl(request.query, keep_blank_values=True))
        return data

    # -- operations -----------------------------------------------------------

    def _schedule_workflow_execution(
        self, request: RawRequest, segments: list[str], user: User | None
    ) -> RawResponse:
        try:
            data = self._json_input(request)
        except _UnsupportedMediaType:
            return RawResponse(415)
        clean = requests.sanitize(data, requests.SCHEDULE_REQUIRED, requests.SCHEDULE_OPTIONAL)
        space_id = clean["spaceId"]
        user = self._authorize(user, space_id, Privilege.SCHEDULE)
        space = self.spaces.get(space_id)
        if space is None or not space.supported:
            raise errors.space_not_supported_by(space_id, self.provider_id)
        schema = self.schemas.get(clean["atmWorkflowSchemaId"])
        if schema is None:
            raise errors.not_found()
        lanes = schema.revisions.get(clean["atmWorkflowSchemaRevisionNumber"])
        if lanes is None:
            raise errors.not_found()
        ex = self.schedule(
            schema, lanes, space_id, user.id, clean.get("callback"), clean.get("logLevel", "info")
        )
        return json_response(201, {"atmWorkflowExecutionId": ex.id}, location=self._location(ex.id))

    def schedule(
        self,
        schema: WorkflowSchema,
        lanes: tuple[LaneSpec, ...],
        space_id: str,
        user_id: str,
        callback: str | None,
        log_level: str,
    ) -> Execution:
        if not lanes:
            raise errors.workflow_empty()
        ids = self.engine.ids
        lane_states = [
            Lane(
                spec=spec,
                schema_id=ids(),
                store_id=ids(),
                box_schema_ids=[ids() for _ in range(spec.parallel_boxes)],
                task_schema_ids=[
                    [ids() for _ in range(spec.tasks_per_box)] for _ in range(spec.parallel_boxes)
                ],
            )
            for spec in lanes
        ]
        return self.engine.schedule(
            space_id=space_id,
            user_id=user_id,
            name=schema.name,
            inventory_id=schema.inventory_id,
            lanes=lane_states,
            store_registry={ids(): lane.store_id for lane in lane_states},
            lambda_registry={ids(): ids() for _ in lane_states},
            callback=callback,
            log_level=log_level,
        )

    def _location(self, wid: str) -> str:
        if self.location_style == "as_coded":
            # As the service builds it: explicit port, no '/' after the base path.
            return f"https://{self.domain}:443{BASE_PATH}automation/execution/workflows/{wid}"
        return f"https://{self.domain}{BASE_PATH}/automation/execution/workflows/{wid}"

    def _list_workflow_executions(
        self, request: RawRequest, segments: list[str], user: User | None
    ) -> RawResponse:
        query = dict(parse_qsl(request.query, keep_blank_values=True))
        clean = requests.sanitize(query, {}, requests.LIST_OPTIONAL)
        space_id = segments[1]
        if space_id not in self.spaces:
            raise errors.not_found()
        self._authorize(user, space_id, Privilege.VIEW)
        phase = clean.get("phase", "ongoing")
        limit = clean.get("limit", 1000)
        entries = list(self.engine.in_phase(space_id, phase))
        start = 0
        if "token" in clean:
            after = _decode_token(clean["token"])
            start = sum(1 for e in entries if (e.phase_time(phase), e.seq) >= after)
        start = max(0, start + clean.get("offset", 0))
        page = entries[start : start + limit]
        is_last = start + limit >= len(entries)
        next_token = None if is_last else _encode_token(page[-1].phase_time(phase), page[-1].seq)
        return json_response(
            200,
            {
                "atmWorkflowExecutions": [e.id for e in page],
                "nextPageToken": next_token,
                "isLast": is_last,
            },
        )

    def _get_workflow_execution_details(
        self, request: RawRequest, segments: list[str], user: User | None
    ) -> RawResponse:
        ex = self._execution(segments)
        self._authorize(user, ex.space_id, Privilege.VIEW)
        return json_response(200, self.engine.details(ex))

    def _simple_action(
        self, segments: list[str], user: User | None, action: Callable[[Execution], None]
    ) -> RawResponse:
        ex = self._execution(segments)
        self._authorize_action(user, ex)
        action(ex)
        return RawResponse(204)

    def _delete_workflow_execution(
        self, request: RawRequest, segments: list[str], user: User | None
    ) -> RawResponse:
        return self._simple_action(segments, user, self.engine.delete)

    def _pause_workflow_execution(
        self, request: RawRequest, segments: list[str], user: User | None
    ) -> RawResponse:
        return self._simple_action(segments, user, self.engine.pause)

    def _resume_workflow_execution(
        self, request: RawRequest, segments: list[str], user: User | None
    ) -> RawResponse:
        return self._simple_action(segments, user, self.engine.resume)

    def _cancel_workflow_execution(
        self, request: RawRequest, segments: list[str], user: User | None
    ) -> RawResponse:
        return self._simple_action(segments, user, self.engine.cancel)

    def _force_continue_workflow_execution(
        self, request: RawRequest, segments: list[str], user: User | None
    ) -> RawResponse:
        return self._simple_action(segments, user, self.engine.force_continue)

    def _repeat(
        self, request: RawRequest, segments: list[str], user: User | None, kind: str
    ) -> RawResponse:
        try:
            data = self._json_input(request)
        except _UnsupportedMediaType:
            return RawResponse(415)
        clean = requests.sanitize(data, requests.LANE_RUN_REQUIRED, {})
        ex = self._execution(segments)
        self._authorize_action(user, ex)
        self.engine.repeat(ex, clean["laneIndex"], clean["laneRunNumber"], kind)
        return RawResponse(204)

    def _rerun_workflow_execution(
        self, request: RawRequest, segments: list[str], user: User | None
    ) -> RawResponse:
        return self._repeat(request, segments, user, "rerun")

    def _retry_workflow_execution(
        self, request: RawRequest, segments: list[str], user: User | None
    ) -> RawResponse:
        return self._repeat(request, segments, user, "retry")


class _UnsupportedMediaType(Exception):
    """A body was sent with another media type: 415 with an empty body."""


def json_response(status: int, payload: Any, *, location: str | None = None) -> RawResponse:
    headers: tuple[tuple[str, str], ...] = (("content-type", "application/json"),)
    if location is not None:
        headers += (("location", location),)
    return RawResponse(status, headers, json.dumps(payload).encode())


def _encode_token(timestamp: int, seq: int) -> str:
    return base64.urlsafe_b64encode(f"{timestamp}:{seq}".encode()).decode().rstrip("=")


def _decode_token(token: str) -> tuple[int, int]:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        timestamp, seq = text.split(":")
        return int(timestamp), int(seq)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise errors.bad_data("token") from None


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
