"""The API's calls: how each request is built, and how whatever comes back is read.

Requests are built by the generated client (``oneprovider_automation_client``);
success answers are decoded by ``_reading`` into the structs that ``tools/wire.py``
derives from openapi.yaml, and executions become the views of ``_models``.
Everything else that can come back (an error status, a body that is not what the
spec says, no answer at all) becomes one of the library's typed errors here, with
the token blanked and no raw body kept in an exception chain. Nothing here does
I/O: the clients send what these functions build.
"""

from __future__ import annotations

import importlib
import json
import socket
import ssl
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from types import ModuleType
from typing import Any, Generic, Protocol, TypeVar

import attrs
import httpx

from . import _arguments as arguments
from ._audit import AuditLog, DumpReader, file_name_of
from ._auth import redact, snippet
from ._errors import (
    ApiError,
    BadRequestError,
    ConnectionFailed,
    ForbiddenError,
    NotFoundError,
    OutcomeUnknown,
    RequestTimeout,
    ResponseParseError,
    ServerError,
    TransportError,
    UnauthorizedError,
)
from ._models import Execution, ExecutionId, Phase
from ._reading import Unreadable, decode
from ._retry import CallKind
from ._wire import WorkflowExecutionCreated, WorkflowExecutionDetails, WorkflowExecutionList

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


_API = "oneprovider_automation_client.api.workflow_execution"


def _generated(operation: str) -> ModuleType:
    """The generated module of an operation, imported when a call first needs it.

    The generated client takes longer to import than httpx itself, so
    ``import onedata_workflows`` leaves it until a request is built.
    """
    return importlib.import_module(
        f"oneprovider_automation_client.api.workflow_execution.{operation}"
    )


@attrs.frozen
class Call(Generic[T]):
    """One request to make, how safe it is to repeat, and how to read its success."""

    operation: str
    kind: CallKind
    kwargs: dict[str, Any]
    success: int
    read: Callable[[httpx.Response], T]


def _no_body(response: httpx.Response) -> None:
    return None


def _created(response: httpx.Response) -> ExecutionId:
    wid = decode(WorkflowExecutionCreated, response.content).atm_workflow_execution_id
    try:
        arguments.check_id("atmWorkflowExecutionId", wid)
    except ValueError as problem:
        # Every later call would refuse this id (``run`` makes them at once).
        raise Unreadable(f"the new execution's id cannot address it: {problem}") from None
    return ExecutionId(wid, response.headers.get("location"))


def _execution(response: httpx.Response) -> Execution:
    content = response.content
    return Execution._from_wire(decode(WorkflowExecutionDetails, content), content)


def _page(response: httpx.Response) -> WorkflowExecutionList:
    return decode(WorkflowExecutionList, response.content)


# -- building -----------------------------------------------------------------


def schedule_call(
    space_id: str,
    schema_id: str,
    revision: int,
    store_initial_content: Mapping[str, Any] | None,
    log_level: str | None,
    callback: str | None,
) -> Call[ExecutionId]:
    from oneprovider_automation_client import models
    from oneprovider_automation_client.types import UNSET

    overlay: Any = UNSET
    if store_initial_content is not None:
        overlay = models.WorkflowExecutionScheduleRequestStoreInitialContentOverlay()
        overlay.additional_properties = dict(arguments.check_store_content(store_initial_content))
    body = models.WorkflowExecutionScheduleRequest(
        space_id=arguments.check_id("space_id", space_id),
        atm_workflow_schema_id=arguments.check_id("schema_id", schema_id),
        atm_workflow_schema_revision_number=arguments.check_number("revision", revision),
        store_initial_content_overlay=overlay,
        log_level=UNSET if log_level is None else arguments.check_log_level(log_level),
        callback=UNSET if callback is None else arguments.check_text("callback", callback),
    )
    kwargs = _generated("schedule_workflow_execution")._get_kwargs(body=body)
    return Call("schedule_workflow_execution", CallKind.SCHEDULE, kwargs, 201, _created)


def get_call(wid: str) -> Call[Execution]:
    kwargs = _generated("get_workflow_execution_details")._get_kwargs(
        arguments.check_id("wid", wid)
    )
    return Call("get_workflow_execution_details", CallKind.READ, kwargs, 200, _execution)


def list_call(
    space_id: str, phase: Phase | str | None, page_size: int, page_token: str | None
) -> Call[WorkflowExecutionList]:
    if phase is not None and phase not in tuple(Phase):
        raise ValueError(f"phase must be one of {', '.join(Phase)}, not {phase!r}")
    from oneprovider_automation_client.models import WorkflowExecutionPhase
    from oneprovider_automation_client.types import UNSET

    kwargs = _generated("list_workflow_executions")._get_kwargs(
        arguments.check_id("space_id", space_id),
        phase=UNSET if phase is None else WorkflowExecutionPhase(Phase(phase).value),
        limit=arguments.check_page_size(page_size),
        offset=UNSET,
        token=UNSET if page_token is None else page_token,
    )
    return Call("list_workflow_executions", CallKind.READ, kwargs, 200, _page)


def action_call(operation: str, wid: str) -> Call[None]:
    kwargs = _generated(operation)._get_kwargs(arguments.check_id("wid", wid))
    return Call(operation, CallKind.ACTION, kwargs, 204, _no_body)


def repeat_call(operation: str, wid: str, lane_index: int, run_number: int) -> Call[None]:
    from oneprovider_automation_client.models import LaneRunSelector

    selector = LaneRunSelector(
        lane_index=arguments.check_number("lane_index", lane_index),
        lane_run_number=arguments.check_number("run_number", run_number),
    )
    kwargs = _generated(operation)._get_kwargs(arguments.check_id("wid", wid), body=selector)
    return Call(operation, CallKind.ACTION, kwargs, 204, _no_body)


def next_page(
    space_id: str,
    phase: Phase | str | None,
    page_size: int,
    page: WorkflowExecutionList,
    response: httpx.Response,
    seen: set[str],
    secret: str,
) -> Call[WorkflowExecutionList] | None:
    """The call for the page after ``page``; None at the end.

    A token that comes back a second time would make the listing endless, so it is
    an error rather than a loop.
    """
    if page.is_last:
        return None
    token = page.next_page_token
    if not token:
        raise ResponseParseError(
            response.status_code,
            snippet(response.content, secret),
            "isLast is false but no nextPageToken says where the next page starts",
        )
    if token in seen:
        raise ResponseParseError(
            response.status_code,
            snippet(response.content, secret),
            "nextPageToken repeats an earlier page's: the listing would never end",
        )
    seen.add(token)
    return list_call(space_id, phase, page_size, token)


# -- answers read as they arrive -----------------------------------------------


class ChunkReader(Protocol[T_co]):
    """Reads a body piece by piece: ``feed`` each piece, then ``close`` for the result.

    Both raise only :class:`ResponseParseError`.
    """

    def feed(self, chunk: bytes) -> None: ...

    def close(self) -> T_co: ...


@attrs.frozen
class StreamedCall(Call[T]):
    """A call whose success is read as it arrives, so that a large body never sits whole.

    ``reader(response, secret)`` makes the reader of one answer; ``read`` reads an
    answer that came whole with the same reader.
    """

    reader: Callable[[httpx.Response, str], ChunkReader[T]] = attrs.field(kw_only=True)


def dump_call(store_id: str, *, tail: int | None, max_bytes: int) -> StreamedCall[AuditLog]:
    """The dump of an audit-log store, read entry by entry as it arrives.

    The route declares ``application/octet-stream``: ``Accept: */*`` takes it (a
    narrower ``Accept`` would get 406), and the body is read as JSON whatever its label.
    """
    store_id = arguments.check_id("store_id", store_id)
    if tail is not None:
        tail = arguments.check_count("tail", tail)
    max_bytes = arguments.check_count("max_bytes", max_bytes)
    generated = importlib.import_module(
        "oneprovider_automation_client.api.execution_store.get_execution_store_dump"
    )
    kwargs = generated._get_kwargs(store_id)
    kwargs["headers"] = {**kwargs.get("headers", {}), "Accept": "*/*"}

    def reader(response: httpx.Response, secret: str) -> DumpReader:
        return DumpReader(
            store_id,
            tail=tail,
            max_bytes=max_bytes,
            file_name=file_name_of(response.headers.get("content-disposition")),
            secret=secret,
        )

    def read_whole(response: httpx.Response) -> AuditLog:
        whole = reader(response, "")
        whole.feed(response.content)
        return whole.close()

    return StreamedCall(
        "get_execution_store_dump", CallKind.READ, kwargs, 200, read_whole, reader=reader
    )


# -- reading ------------------------------------------------------------------


def read(call: Call[T], response: httpx.Response, *, secret: str, now: float) -> T:
    """The call's result, or the typed error for whatever came back."""
    status = response.status_code
    if status != call.success and not (call.success == 204 and 200 <= status < 300):
        if 200 <= status < 300:
            raise ResponseParseError(
                status, snippet(response.content, secret), f"expected HTTP {call.success}"
            )
        raise api_error(response, now, secret)
    try:
        return call.read(response)
    except Unreadable as exc:
        reason = redact(str(exc)[:300], secret)
    except Exception as exc:  # whatever a body breaks, the caller gets one type
        reason = redact(f"{type(exc).__name__}: {exc}"[:200], secret)
    # Raised outside the handler, so no exception chain keeps the body.
    raise ResponseParseError(status, snippet(response.content, secret), reason)


NAME_NOT_RESOLVED = "the host name does not resolve"
REFUSED = "the connection was refused"
TLS_UNVERIFIED = "TLS certificate verification failed"


def transport_error(call: Call[Any], exc: httpx.HTTPError, secret: str) -> TransportError:
    """What a failure to get an answer means, and whether the request may have arrived.

    The message reads ``<operation> failed <when>: <cause> (<httpx's words>)``, the
    cause in plain words where it is known. The httpx error is described, not
    chained: it holds the request, token and all.
    """
    # Only these prove that the request never left: no connection carried it.
    never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
    timed_out = isinstance(exc, httpx.TimeoutException)
    what = "timed out" if timed_out else "failed"
    sent = "before it was sent" if never_sent else "after it may have been sent"
    words = redact(f"{type(exc).__name__}: {exc}"[:300], secret)
    cause = _cause(exc)
    message = f"{call.operation} {what} {sent}: {f'{cause} ({words})' if cause else words}"
    if not never_sent and call.kind is not CallKind.READ:
        return OutcomeUnknown(
            message + "; it may or may not have taken effect", timed_out=timed_out
        )
    kind = RequestTimeout if timed_out else ConnectionFailed
    return kind(message, request_sent=not never_sent)


def _cause(exc: BaseException) -> str | None:
    """The cause of a failed connection in plain words, from the errors under httpx's."""
    if isinstance(exc, httpx.ConnectTimeout):
        return "no connection within the connect timeout"
    if isinstance(exc, httpx.ReadTimeout):
        return "no answer within the read timeout"
    seen: BaseException | None = exc
    for _ in range(8):  # httpx -> httpcore -> the socket's error
        if seen is None:
            break
        if isinstance(seen, socket.gaierror):
            return NAME_NOT_RESOLVED
        if isinstance(seen, ConnectionRefusedError):
            return REFUSED
        if isinstance(seen, ssl.SSLCertVerificationError):
            return f"{TLS_UNVERIFIED}: {seen.verify_message}"
        seen = seen.__cause__ or seen.__context__
    return None


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date)."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - now
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    return max(0.0, seconds) if seconds == seconds else None  # NaN says nothing


_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
}


def api_error(response: httpx.Response, now: float, secret: str | None = None) -> ApiError:
    """The typed error for an error answer, whatever its body."""
    status = response.status_code
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else ApiError)
    retry_after = parse_retry_after(response.headers.get("retry-after"), now)
    error_id, description, details, ctx = _onedata_error(response.content, secret)
    if error_id is None:
        kind = response.headers.get("content-type", "no content type")
        description = f"the body is not an Onedata error ({kind}, {len(response.content)} bytes)"
    return cls(
        status,
        error_id,
        redact(description, secret),
        details=details,
        ctx=ctx,
        body_snippet=snippet(response.content, secret),
        retry_after=retry_after,
    )


def _onedata_error(
    content: bytes, secret: str | None
) -> tuple[str | None, str, dict[str, Any] | None, dict[str, Any] | None]:
    """(id, description, details, ctx) of an Onedata error body, read by the generated model."""
    try:
        from oneprovider_automation_client.models import (
            ErrorContext,
            ErrorDetails,
            ErrorResponse,
        )

        error = ErrorResponse.from_dict(json.loads(content)).error
        if not isinstance(error.id, str) or not isinstance(error.description, str):
            return None, "", None, None
        details = error.details.to_dict() if isinstance(error.details, ErrorDetails) else None
        ctx = error.ctx.to_dict() if isinstance(error.ctx, ErrorContext) else None
        return error.id, error.description, _redacted(details, secret), _redacted(ctx, secret)
    except Exception:  # any unreadable body is simply not an Onedata error
        return None, "", None, None


def _redacted(data: Any, secret: str | None) -> Any:
    """``data`` (parsed JSON) with the token blanked from every string in it."""
    if isinstance(data, str):
        return redact(data, secret)
    if isinstance(data, dict):
        return {redact(str(k), secret): _redacted(v, secret) for k, v in data.items()}
    if isinstance(data, list):
        return [_redacted(item, secret) for item in data]
    return data
