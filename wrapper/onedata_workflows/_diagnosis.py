"""Why an execution stopped, and what to do next. Pure: it reads an Execution and its audit log.

The execution's details say which lane run decided its status and what the service
would accept (``isRetriable``, ``isRerunable``); they do not say why it stopped. The
audit log does: the reason each stop was requested with (``pause``, ``cancel``,
``interrupt``, ``failure``, ``crash``, ``op_worker_stopping``), an exception threshold
crossed, a service found unhealthy. :func:`diagnose` joins the two. The next step it
recommends is one the service accepts now: a retry or rerun exactly as
:func:`plan_repair` plans it, a resume only for a suspended execution, a force-continue
only for a failed one whose failed lane is not the last.

Without the log (none was read, or the execution has none) the diagnosis rests on
the details alone: a failure cannot then be told from a crossed threshold, nor a
user's pause from a shutdown's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any

import attrs

from ._audit import AuditLogEntry, Severity
from ._errors import NothingToRepair
from ._models import Execution, ExecutionStatus, LaneRun, Phase, RepairOperation, RepairPlan
from ._repair import plan_repair


class FailureKind(StrEnum):
    """What made an execution stop, as far as its details and audit log tell."""

    NONE = "none"
    """It finished: nothing went wrong."""
    RUNNING = "running"
    """It has not stopped (waiting or ongoing)."""
    ITEMS_FAILED = "items_failed"
    """Some items of the lane run failed, fewer than the exception threshold allows."""
    THRESHOLD_EXCEEDED = "threshold_exceeded"
    """The share of failed items crossed the lane's exception threshold: the run stopped at once."""
    RUN_FAILED = "run_failed"
    """The lane run failed as a whole (a task or the lane's preparation failed)."""
    CRASHED = "crashed"
    """An unexpected error in the provider: the execution is over for good."""
    INTERRUPTED = "interrupted"
    """A component the execution needs failed (OpenFaaS, a session, the provider going down)."""
    CANCELLED = "cancelled"
    """Someone cancelled it."""
    PAUSED = "paused"
    """Someone paused it."""
    PAUSED_BY_SHUTDOWN = "paused_by_shutdown"
    """The provider shut down; it resumes the execution by itself once it is back."""
    UNKNOWN = "unknown"
    """A status this library does not know."""


class NextStep(StrEnum):
    """What to do about an execution: the operation to call, or nothing."""

    RETRY = "retry"
    RERUN = "rerun"
    RESUME = "resume"
    FORCE_CONTINUE = "force_continue"
    NOTHING = "nothing"


MAX_ENTRIES = 50
"""The most audit-log entries a diagnosis cites (the newest)."""
_INCARNATION_STARTS = (
    "Scheduled execution.",
    "Resuming execution...",
    "Scheduled forced continuation.",
    "Scheduled manual rerun.",
    "Scheduled manual retry.",
)
_STOPPING = "Stopping execution..."
_ALWAYS_CITED = ("Scheduled automatic retry.", "Stopped execution.")
_NOT_A_CAUSE = (_STOPPING, "Initiating stop...", "Stopped execution.", "Stopped.")


@attrs.frozen
class Diagnosis:
    """Why an execution is where it is, and what to do next.

    ``run`` is the lane run that decided the status, ``entries`` the audit-log entries
    that explain it (oldest first), ``next_step`` an operation the service accepts now
    (``plan`` names the lane run for a retry or rerun) and ``alternatives`` others it
    would accept too. ``log_error`` says why the audit log could not be read, if so.
    """

    execution_id: str
    status: ExecutionStatus
    kind: FailureKind
    run: LaneRun | None
    reason: str
    entries: tuple[AuditLogEntry, ...]
    next_step: NextStep
    plan: RepairPlan | None
    alternatives: tuple[NextStep, ...] = ()
    log_read: bool = False
    """Whether the audit log was read (an empty one counts)."""
    log_error: str | None = None
    execution: Execution | None = attrs.field(default=None, repr=False, eq=False)

    @property
    def advice(self) -> str:
        """The next step in words, such as ``retry lane 2 run 1``."""
        if self.plan is not None and self.next_step in (NextStep.RETRY, NextStep.RERUN):
            return f"{self.next_step} lane {self.plan.lane_index} run {self.plan.run_number}"
        if self.next_step is NextStep.RESUME:
            return "resume the execution"
        if self.next_step is NextStep.FORCE_CONTINUE and self.run is not None:
            return f"force-continue from lane {self.run.lane_index + 1}"
        return "nothing to do"

    def __str__(self) -> str:
        return f"{self.reason}; next: {self.advice}"

    def to_dict(self) -> dict[str, Any]:
        """The diagnosis as JSON-ready data (camelCase keys, as the API spells them)."""
        return {
            "executionId": self.execution_id,
            "status": str(self.status),
            "kind": str(self.kind),
            "reason": self.reason,
            "laneIndex": self.run.lane_index if self.run is not None else None,
            "runNumber": self.run.run_number if self.run is not None else None,
            "nextStep": str(self.next_step),
            "advice": self.advice,
            "plan": None
            if self.plan is None
            else {
                "operation": str(self.plan.operation),
                "laneIndex": self.plan.lane_index,
                "runNumber": self.plan.run_number,
            },
            "alternatives": [str(step) for step in self.alternatives],
            "auditLog": {"read": self.log_read, "error": self.log_error},
            "entries": [
                {
                    "index": e.index,
                    "timestamp": e.timestamp.isoformat(timespec="milliseconds"),
                    "source": str(e.source),
                    "severity": str(e.severity),
                    "description": e.description,
                    "details": None if e.details is None else dict(e.details),
                }
                for e in self.entries
            ],
        }


def diagnose(
    execution: Execution,
    entries: Iterable[AuditLogEntry] | None = None,
    *,
    log_error: str | None = None,
) -> Diagnosis:
    """Why ``execution`` stopped (or has not), from its details and its audit-log ``entries``.

    ``entries`` are the log's, oldest first (None when it was not read; ``log_error``
    then says why). Only the current incarnation's entries count: those since it was
    last scheduled, resumed, repeated or force-continued.
    """
    log_read = entries is not None
    current = _current_incarnation(list(entries or ()))
    run = execution.current_run
    kind = _kind(execution, run, current)
    cited = _explaining(current, run)
    step, plan, alternatives = _next_step(execution, kind, run)
    reason = _reason(execution, kind, run, cited, current)
    if not log_read or log_error is not None:
        why = log_error or "it was not read"
        reason += f" (without the audit log: {why})"
    return Diagnosis(
        execution_id=execution.id,
        status=execution.status,
        kind=kind,
        run=run,
        reason=reason,
        entries=tuple(cited),
        next_step=step,
        plan=plan,
        alternatives=alternatives,
        log_read=log_read,
        log_error=log_error,
        execution=execution,
    )


def _current_incarnation(entries: list[AuditLogEntry]) -> list[AuditLogEntry]:
    """The entries since the execution was last scheduled, resumed, repeated or continued."""
    for i in range(len(entries) - 1, -1, -1):
        if entries[i].message in _INCARNATION_STARTS:
            return entries[i:]
    return entries


def _stopping_reason(entries: Sequence[AuditLogEntry]) -> str | None:
    """The reason of the last stop requested (a stronger one overrides a weaker)."""
    for entry in reversed(entries):
        if entry.message == _STOPPING and entry.reason is not None:
            return entry.reason
    return None


def _about(entry: AuditLogEntry, run: LaneRun | None) -> bool:
    """The entry concerns the whole execution, or the lane of ``run``."""
    return entry.lane_index is None or run is None or entry.lane_index == run.lane_index


def _kind(execution: Execution, run: LaneRun | None, entries: list[AuditLogEntry]) -> FailureKind:
    status = execution.status
    if not status.is_known:
        return FailureKind.UNKNOWN
    if execution.phase in (Phase.WAITING, Phase.ONGOING):
        return FailureKind.RUNNING
    simple = {
        ExecutionStatus.FINISHED: FailureKind.NONE,
        ExecutionStatus.CRASHED: FailureKind.CRASHED,
        ExecutionStatus.CANCELLED: FailureKind.CANCELLED,
        ExecutionStatus.INTERRUPTED: FailureKind.INTERRUPTED,
    }
    if status in simple:
        return simple[status]
    if status is ExecutionStatus.PAUSED:
        if _stopping_reason(entries) == "op_worker_stopping":
            return FailureKind.PAUSED_BY_SHUTDOWN
        return FailureKind.PAUSED
    # failed
    if run is not None and run.is_retriable:
        return FailureKind.ITEMS_FAILED
    if any(_crossed_threshold(entry, run) for entry in entries):
        return FailureKind.THRESHOLD_EXCEEDED
    return FailureKind.RUN_FAILED


def _crossed_threshold(entry: AuditLogEntry, run: LaneRun | None) -> bool:
    if "failed jobs threshold" not in entry.message.lower() or not _about(entry, run):
        return False
    return run is None or entry.run_number in (None, run.run_number)


def _explaining(entries: list[AuditLogEntry], run: LaneRun | None) -> list[AuditLogEntry]:
    """The entries that say why: severe ones, stops and their reasons, retries, the end.

    Those about another lane only when critical or worse: a lane prepared in advance
    can fail the run before it.
    """
    cited = [
        entry
        for entry in entries
        if entry.severity.at_least(Severity.CRITICAL)
        or (
            _about(entry, run)
            and (
                entry.severity.at_least(Severity.WARNING)
                or entry.reason is not None
                or entry.message in _ALWAYS_CITED
            )
        )
    ]
    return cited[-MAX_ENTRIES:]


def _cause(cited: list[AuditLogEntry]) -> str | None:
    """The words of the most severe entry that is more than a stop's bookkeeping.

    Of equally severe ones, the newest: after automatic retries, the last run's. A
    severity this library does not know comes after every known one.
    """
    causes = [e for e in reversed(cited) if e.message not in _NOT_A_CAUSE]
    if not causes:
        return None
    worst = min(causes, key=lambda e: e.severity.rank if e.severity.rank is not None else 8)
    text = (worst.message or worst.description or "").rstrip(".")
    detail = (worst.reason or "").rstrip(".")
    return f"{text} ({detail})" if detail and detail not in text else text


def _reason(
    execution: Execution,
    kind: FailureKind,
    run: LaneRun | None,
    cited: list[AuditLogEntry],
    entries: list[AuditLogEntry],
) -> str:
    where = f"lane {run.lane_index} run {run.run_number}" if run is not None else "its first lane"
    cause = _cause(cited)
    because = f": {cause}" if cause else ""
    by_whom = _stopping_reason(entries)
    reasons = {
        FailureKind.NONE: "it finished: every lane ran to the end",
        FailureKind.RUNNING: f"it has not stopped: it is {execution.status}, in {where}",
        FailureKind.ITEMS_FAILED: (
            f"{where} failed: some of its items failed, fewer than the lane's exception "
            f"threshold allows, and no automatic retry was left{because}"
        ),
        FailureKind.THRESHOLD_EXCEEDED: (
            f"{where} failed at once: its share of failed items crossed the lane's "
            f"exception threshold{because}"
        ),
        FailureKind.RUN_FAILED: f"{where} failed as a whole{because}",
        FailureKind.CRASHED: f"it crashed in {where}, on an unexpected error{because}",
        FailureKind.INTERRUPTED: (
            f"{where} was interrupted: something it needs failed{because}; what it had done is kept"
        ),
        FailureKind.CANCELLED: (
            f"it was cancelled in {where}" + (" by a user" if by_whom == "cancel" else "")
        ),
        FailureKind.PAUSED: f"it was paused in {where}"
        + (" by a user" if by_whom == "pause" else ""),
        FailureKind.PAUSED_BY_SHUTDOWN: (
            f"it was paused in {where} because the provider shut down; "
            "the provider resumes it by itself once it is back"
        ),
        FailureKind.UNKNOWN: (
            f"its status {str(execution.status)!r} is one this library does not know"
        ),
    }
    return reasons[kind]


def _next_step(
    execution: Execution, kind: FailureKind, run: LaneRun | None
) -> tuple[NextStep, RepairPlan | None, tuple[NextStep, ...]]:
    """A step the service accepts now, the lane run it applies to, and other accepted steps."""
    if kind in (FailureKind.PAUSED, FailureKind.PAUSED_BY_SHUTDOWN, FailureKind.INTERRUPTED):
        return NextStep.RESUME, None, ()
    failed = kind in (
        FailureKind.ITEMS_FAILED,
        FailureKind.THRESHOLD_EXCEEDED,
        FailureKind.RUN_FAILED,
    )
    if not failed and kind is not FailureKind.CANCELLED:
        return NextStep.NOTHING, None, ()
    # A cancelled run can be rerun, not retried; a cancel is a choice, so only rerun.
    operations = (
        (RepairOperation.RETRY, RepairOperation.RERUN) if failed else (RepairOperation.RERUN,)
    )
    # force_continue: a failed execution whose failed lane is not the last.
    skip = (
        (NextStep.FORCE_CONTINUE,)
        if failed and run is not None and run.lane_index < len(execution.lanes)
        else ()
    )
    try:
        plan = plan_repair(execution, operations)
    except NothingToRepair:
        return (skip[0], None, ()) if skip else (NextStep.NOTHING, None, ())
    step = NextStep(plan.operation.value)
    also_rerun = (
        (NextStep.RERUN,) if step is NextStep.RETRY and run is not None and run.is_rerunable else ()
    )
    return step, plan, also_rerun + skip
