"""Every error the library raises, so that callers know what to catch.

    OnedataError                  anything this library raises about a call
    ├── ApiError                  the provider answered with an error status
    │   ├── BadRequestError       400: invalid request, or an operation the state forbids
    │   ├── UnauthorizedError     401: no valid token
    │   ├── ForbiddenError        403: the token's user lacks a privilege
    │   ├── NotFoundError         404: no such execution (or lane, run, schema)
    │   └── ServerError           5xx, including non-standard codes such as 520
    ├── ResponseParseError        a success answer whose body the models cannot read
    ├── TransportError            no answer at all (the message names the httpx error)
    │   ├── ConnectionFailed      a read's connection failed or was dropped
    │   ├── RequestTimeout        a read was not answered in time
    │   └── OutcomeUnknown        a change was sent and no answer came: it may have happened
    ├── WaitTimeout               a wait reached its deadline (carries the last execution seen)
    ├── ExecutionFailed           a wait ended failed, cancelled or crashed (when asked to raise);
    │                             carries the diagnosis: why, and what to do next
    ├── NothingToRepair           no lane run can be rerun or retried; says why for each
    └── NoAuditLog                the execution has no audit log (its store id is null)

Bad arguments raise ``ValueError`` before anything is sent (a wrong type raises
``ArgumentTypeError``, both a ``TypeError`` and a ``ValueError``). No message,
attribute or exception chain holds the access token.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._diagnosis import Diagnosis
    from ._models import Candidate, Execution, LaneRun


class OnedataError(Exception):
    """Base of everything this library raises about a call."""


class ApiError(OnedataError):
    """The provider answered with an error status.

    ``error_id`` is Onedata's stable error identifier (``notFound``,
    ``atmWorkflowExecutionNotEnded``, ...); it is None when the body was not an
    Onedata error, as with a proxy's HTML page. Key decisions off ``error_id``.
    """

    def __init__(
        self,
        status: int,
        error_id: str | None,
        description: str,
        *,
        details: dict[str, Any] | None = None,
        ctx: dict[str, Any] | None = None,
        body_snippet: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.error_id = error_id
        self.description = description
        self.details = details
        self.ctx = ctx
        self.body_snippet = body_snippet
        self.retry_after = retry_after
        """Seconds the provider asked to wait (``Retry-After``), if it said."""
        label = f"HTTP {status} {error_id}" if error_id else f"HTTP {status}"
        super().__init__(f"{label}: {description}")


class BadRequestError(ApiError):
    """400: the request was invalid, or the execution's state does not allow it."""


class UnauthorizedError(ApiError):
    """401: no token, or a token the provider does not accept."""


class ForbiddenError(ApiError):
    """403: the token's user lacks the privilege the operation needs."""


class NotFoundError(ApiError):
    """404: no such execution, lane, lane run, space or workflow schema."""


class ServerError(ApiError):
    """5xx: the provider (or a proxy in front of it) failed."""


class ResponseParseError(OnedataError):
    """A success answer whose body could not be read: not JSON, truncated, or the wrong shape."""

    def __init__(self, status: int, body_snippet: str, reason: str) -> None:
        self.status = status
        self.body_snippet = body_snippet
        self.reason = reason
        super().__init__(
            f"HTTP {status} with a body that cannot be read ({reason}): {body_snippet!r}"
        )


class TransportError(OnedataError):
    """No answer came back. ``request_sent`` is False when it provably never left."""

    def __init__(self, message: str, *, request_sent: bool) -> None:
        self.request_sent = request_sent
        super().__init__(message)


class ConnectionFailed(TransportError):
    """The connection could not be made, or was dropped before an answer came."""


class RequestTimeout(TransportError):
    """The provider did not answer within the timeout."""


class OutcomeUnknown(TransportError):
    """A schedule or an action may have reached the provider, and no answer came back.

    Whether it took effect is unknown, so it is never sent again on its own: look
    (``get``, or ``list`` for a schedule) before repeating it. ``timed_out`` tells a
    missing answer from a dropped connection. A change that provably never left
    raises :class:`ConnectionFailed` or :class:`RequestTimeout` instead.
    """

    def __init__(self, message: str, *, timed_out: bool) -> None:
        self.timed_out = timed_out
        super().__init__(message, request_sent=True)


class WaitTimeout(OnedataError):
    """A wait reached its deadline. The execution goes on unless it was cancelled on timeout.

    ``execution`` is the last state seen (None if no poll succeeded); ``pending`` maps
    each execution a multi-wait was still waiting for to its last state.
    """

    def __init__(
        self,
        execution: Execution | None,
        timeout: float,
        *,
        cancelled: bool = False,
        polls: int = 0,
        transient_errors: int = 0,
        last_error: OnedataError | None = None,
        pending: Mapping[str, Execution | None] | None = None,
    ) -> None:
        self.execution = execution
        self.timeout = timeout
        self.cancelled = cancelled
        self.polls = polls
        self.transient_errors = transient_errors
        self.last_error = last_error
        self.pending = dict(pending or {})
        if pending:
            seen = f"{len(self.pending)} executions still unfinished"
        else:
            seen = f"last seen {execution.status}" if execution is not None else "never seen"
        action = "it was cancelled" if cancelled else "left running"
        errors = f", {transient_errors} transient errors" if transient_errors else ""
        super().__init__(
            f"gave up waiting after {timeout:g}s ({seen}, {polls} polls{errors}); {action}"
        )


class ExecutionFailed(OnedataError):
    """A waited-for execution ended ``failed``, ``cancelled`` or ``crashed``.

    ``lane_index``, ``run`` and ``exception_store_id`` point at the lane run that
    decided it (its exception store holds the items that failed). ``diagnosis`` says
    why and what to do next, and ``reason`` is its one line: the clients read the
    execution's audit log for it once, when they raise (from the details alone if the
    log cannot be read).
    """

    def __init__(self, execution: Execution, diagnosis: Diagnosis | None = None) -> None:
        self.execution = execution
        self.diagnosis = diagnosis
        run = execution.current_run
        self.run: LaneRun | None = run
        self.lane_index: int | None = run.lane_index if run is not None else None
        self.exception_store_id: str | None = run.exception_store_id if run is not None else None
        if diagnosis is not None:
            why = f": {diagnosis.reason}"
        else:
            why = f" in lane {run.lane_index}, run {run.run_number}" if run is not None else ""
        super().__init__(f"execution {execution.id} ended {execution.status}{why}")

    @property
    def reason(self) -> str | None:
        """Why it ended so, in one line (None without a diagnosis)."""
        return self.diagnosis.reason if self.diagnosis is not None else None


class NothingToRepair(OnedataError):
    """No lane run of the execution can be rerun or retried; ``candidates`` say why not.

    ``why_not`` is that in one line. ``diagnosis`` says why the execution stopped and
    what can be done instead (resume, force-continue, or nothing): the clients add it,
    from the audit log; ``plan_repair`` alone leaves it None.
    """

    def __init__(
        self,
        execution_id: str,
        candidates: Sequence[Candidate],
        reason: str,
        *,
        execution: Execution | None = None,
        diagnosis: Diagnosis | None = None,
    ) -> None:
        self.execution_id = execution_id
        self.candidates = list(candidates)
        self.why_not = reason
        """Why no lane run qualifies, in one line."""
        self.execution = execution
        self.diagnosis = diagnosis
        reasons = "; ".join(str(c) for c in self.candidates) or reason
        super().__init__(f"nothing to repair in execution {execution_id}: {reasons}")

    @property
    def reason(self) -> str | None:
        """Why the execution stopped, in one line (None without a diagnosis)."""
        return self.diagnosis.reason if self.diagnosis is not None else None


class NoAuditLog(OnedataError):
    """The execution has no audit log: its ``systemAuditLogStoreId`` is null.

    The service writes the id null-safe; an execution made by a release before audit
    logs, or whose log store is gone, has none.
    """

    def __init__(self, execution_id: str) -> None:
        self.execution_id = execution_id
        super().__init__(
            f"execution {execution_id} has no audit log (systemAuditLogStoreId is null)"
        )
