"""The REST surface of the simulated provider: raw requests in, raw responses out.

It speaks bytes and JSON only and never imports the generated client, so tests can
use it to catch that client's mistakes. The order of checks is the service's:

1. the route (404, 405) and the authentication of a sent token (401);
2. the media type of a body (415) and of the answer (406), then the circuit breaker
   (503 when open);
3. body and query validation (400, only the first problem);
4. the entity: a caller without a token gets 401 here, before any lookup, so no 404
   tells an anonymous caller what exists; then the execution lookup (404);
5. authorization (403), then the state of the execution (400).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from enum import StrEnum
from http import HTTPStatus
from typing import Any, Literal, Protocol
from urllib.parse import parse_qsl, unquote

import attrs
import msgspec

from . import _errors as errors
from . import _listing as listing
from . import _requests as requests
from ._audit import WORKFLOW_AUDIT_LOG_NAME
from ._engine import Engine
from ._errors import ServiceError
from ._executions import Execution, Lane
from ._scenario import LaneSpec

BASE_PATH = "/api/v3/oneprovider"
ErrorShape = Literal["ctx", "plain"]
LocationStyle = Literal["documented", "as_coded"]
DumpMediaType = Literal["application/json", "application/octet-stream"]


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
    """Privileges per space; a space the user is a member of is a key, even with none."""
    inventories: set[str] = attrs.field(factory=set)
    """Automation inventories the user is a member of."""


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
        case ["automation", "execution", "stores", store_id, "dump"] if store_id:
            return ("get_execution_store_dump" if method == "GET" else None), True
    return None, False


ACTIONS = ("pause", "resume", "cancel", "force_continue", "rerun", "retry")
CONSUMES_JSON = frozenset(
    {"schedule_workflow_execution", "rerun_workflow_execution", "retry_workflow_execution"}
)
# The dump's route declares this type (its body is JSON all the same).
PRODUCES_OCTET_STREAM = frozenset({"get_execution_store_dump"})


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
        dump_media_type: DumpMediaType = "application/json",
    ) -> None:
        self.engine = engine
        self.provider_id = provider_id
        self.domain = domain
        self.error_shape = error_shape
        self.location_style = location_style
        self.dump_media_type = dump_media_type
        self._now_ms = now_ms
        self.users: dict[str, User] = {}
        self.spaces: dict[str, Space] = {}
        self.schemas: dict[str, WorkflowSchema] = {}
        self.circuit_breaker_open = False
        """When open, every request that passes authentication gets 503 ``serviceUnavailable``."""

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
            if operation in CONSUMES_JSON and not _json_media_type(request):
                return operation, RawResponse(415)
            if operation in PRODUCES_OCTET_STREAM and not _accepts_octet_stream(request):
                return operation, RawResponse(406)
            if self.circuit_breaker_open:
                # Oneprovider's breaker opens when its database runs out of disk space.
                raise errors.service_unavailable()
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
        """The user, if a member of the space with ``privilege``; 401 for no token, else 403."""
        if user is None:
            raise errors.unauthorized()
        if privilege not in user.privileges.get(space_id, frozenset()):
            raise errors.forbidden()
        return user

    def _assert_supported(self, space_id: str) -> None:
        space = self.spaces.get(space_id)
        if space is None or not space.supported:
            raise errors.space_not_supported_by(space_id, self.provider_id)

    def _authorize_action(self, user: User | None, ex: Execution) -> None:
        """The scheduling user needs the schedule privilege, anyone else manage."""
        if user is not None and user.id == ex.user_id:
            self._authorize(user, ex.space_id, Privilege.SCHEDULE)
        else:
            self._authorize(user, ex.space_id, Privilege.MANAGE)

    def _execution(self, segments: list[str], user: User | None) -> Execution:
        """The execution addressed, for a caller who sent a token (401 before any lookup)."""
        if user is None:
            raise errors.unauthorized()
        ex = self.engine.executions.get(segments[3])
        if ex is None:
            raise errors.not_found()
        return ex

    @staticmethod
    def _json_input(request: RawRequest) -> dict[str, Any]:
        """Body merged with the query string (the query wins)."""
        data = requests.parse_body(request.body)
        data.update(parse_qsl(request.query, keep_blank_values=True))
        return data

    # -- operations -----------------------------------------------------------

    def _schedule_workflow_execution(
        self, request: RawRequest, segments: list[str], user: User | None
    ) -> RawResponse:
        data = self._json_input(request)
        clean = requests.sanitize(data, requests.SCHEDULE_REQUIRED, requests.SCHEDULE_OPTIONAL)
        space_id = clean["spaceId"]
        user = self._authorize(user, space_id, Privilege.SCHEDULE)
        self._assert_supported(space_id)
        if not self.engine.onezone_reachable:
            # The schema revision (and its lambdas) come from Onezone, on every schedule.
            raise errors.no_connection_to_onezone()
        schema = self.schemas.get(clean["atmWorkflowSchemaId"])
        if schema is None:
            raise errors.not_found()
        if schema.inventory_id not in user.inventories:
            raise errors.forbidden()  # Onezone refuses the schema to a non-member
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
        """One page of a space's executions; not filtered by automation inventory.

        Authorization comes first, so there is no 404: a caller outside the space gets
        403 whether it exists or not, and a member of a space this provider does not
        support gets 400 ``spaceNotSupportedBy``.
        """
        query = dict(parse_qsl(request.query, keep_blank_values=True))
        clean = requests.sanitize(query, {}, requests.LIST_OPTIONAL)
        space_id = segments[1]
        self._authorize(user, space_id, Privilege.VIEW)
        self._assert_supported(space_id)
        phase = clean.get("phase", "ongoing")
        return json_response(200, listing.page(self.engine.in_phase(space_id, phase), phase, clean))

    def _get_workflow_execution_details(
        self, request: RawRequest, segments: list[str], user: User | None
    ) -> RawResponse:
        """Needs the view privilege and membership of the workflow's automation inventory."""
        ex = self._execution(segments, user)
        user = self._authorize(user, ex.space_id, Privilege.VIEW)
        if ex.inventory_id not in user.inventories:
            raise errors.forbidden()
        return json_response(200, self.engine.details(ex))

    def _get_execution_store_dump(
        self, request: RawRequest, segments: list[str], user: User | None
    ) -> RawResponse:
        """An audit-log store, as one JSON array (labelled ``dump_media_type``).

        The checks come in the service's order: the store (404), access to its
        execution's details (403), then its type (400 ``notSupported``).
        """
        if user is None:
            raise errors.unauthorized()
        found = self.engine.store(segments[3])
        if found is None:
            raise errors.not_found()
        ex, audit_log = found
        user = self._authorize(user, ex.space_id, Privilege.VIEW)
        if ex.inventory_id not in user.inventories:
            raise errors.forbidden()
        if not audit_log:
            raise errors.not_supported()
        at = time.strftime("%Y-%m-%d_%H-%M-%S", time.gmtime(self._now_ms() // 1000))
        name = f"{ex.id[:12]}.audit_log.{WORKFLOW_AUDIT_LOG_NAME}.{at}.json"
        headers = (
            ("content-type", self.dump_media_type),
            ("content-disposition", f'attachment; filename="{name}"'),
        )
        return RawResponse(200, headers, ex.audit_log.dump())

    def _simple_action(
        self, segments: list[str], user: User | None, action: Callable[[Execution], None]
    ) -> RawResponse:
        ex = self._execution(segments, user)
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
        data = self._json_input(request)
        clean = requests.sanitize(data, requests.LANE_RUN_REQUIRED, {})
        ex = self._execution(segments, user)
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


def _json_media_type(request: RawRequest) -> bool:
    """A body must come as exactly ``application/json``; without one, any type will do."""
    if not request.body.strip():
        return True
    return request.headers.get("content-type", "").strip().lower() == "application/json"


def _accepts_octet_stream(request: RawRequest) -> bool:
    """Whether the ``Accept`` header allows ``application/octet-stream`` (no header does)."""
    accept = request.headers.get("accept")
    if accept is None:
        return True
    for media_range in accept.split(","):
        media_type, *parameters = (part.strip().lower() for part in media_range.split(";"))
        acceptable = media_type in ("*/*", "application/*", "application/octet-stream")
        if acceptable and all(_quality(p) != 0 for p in parameters):
            return True
    return False


def _quality(parameter: str) -> float | None:
    """The weight ``q=`` gives a media range (0 refuses it); None for other parameters."""
    name, _, value = parameter.partition("=")
    if name.strip() != "q":
        return None
    try:
        return float(value)
    except ValueError:
        return None


def json_response(status: int, payload: Any, *, location: str | None = None) -> RawResponse:
    """A JSON answer. msgspec writes it: the standard library takes most of a poll's time
    for a large execution, and a served simulator answers many polls at once."""
    headers: tuple[tuple[str, str], ...] = (("content-type", "application/json"),)
    if location is not None:
        headers += (("location", location),)
    return RawResponse(status, headers, msgspec.json.encode(payload))


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
