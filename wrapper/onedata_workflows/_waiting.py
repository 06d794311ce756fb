"""Waiting for executions, as pure decisions: when to poll next, what changed, when to stop.

Nothing here sends a request or reads a clock. The clients feed a :class:`Waiter`
each observation (an execution, or the error a poll raised) with the current time
and do what it answers, so the sync and async clients wait in exactly the same way.
"""

from __future__ import annotations

import logging
import random
from enum import Enum

import attrs

from ._errors import (
    ApiError,
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    OnedataError,
    UnauthorizedError,
)
from ._models import Execution, ExecutionStatus, LaneRunStatus
from ._repair import RepairPlan

logger = logging.getLogger("onedata_workflows")

DEFAULT_TIMEOUT = 3600.0
"""A wait gives up after an hour unless told otherwise."""


@attrs.frozen(kw_only=True)
class PollPolicy:
    """How often to look: from ``initial`` seconds, doubling up to ``maximum``, with full jitter.

    The n-th pause is drawn uniformly between ``initial`` and
    ``min(maximum, initial * multiplier**n)``: quick runs are seen ending quickly,
    long ones cost few requests, and many waiters do not poll in step. Any
    change seen resets the pause to ``initial``.
    """

    initial: float = attrs.field(default=1.0, validator=attrs.validators.gt(0))
    maximum: float = attrs.field(default=60.0)
    multiplier: float = attrs.field(default=2.0, validator=attrs.validators.ge(1))
    jitter: bool = True

    @maximum.validator
    def _check_maximum(self, attribute: attrs.Attribute[float], value: float) -> None:
        if value < self.initial:
            raise ValueError(f"maximum ({value}) must be at least initial ({self.initial})")

    def interval(self, step: int, rng: random.Random) -> float:
        """The pause before poll number ``step + 1`` since the last change (step from 0)."""
        ceiling = min(self.maximum, self.initial * self.multiplier ** min(step, 64))
        return rng.uniform(self.initial, ceiling) if self.jitter else ceiling


class EventKind(Enum):
    """What changed between two looks at an execution."""

    EXECUTION_STATUS = "execution status"
    LANE_RUN_STATUS = "lane run status"
    NEW_LANE_RUN = "new lane run"


@attrs.frozen
class ExecutionEvent:
    """One real change between two looks at an execution."""

    kind: EventKind
    execution: Execution = attrs.field(repr=False)
    """The execution as seen after the change."""
    old: str | None
    """The previous status (None for a new lane run)."""
    new: str
    lane_index: int | None = None
    run_number: int | None = None

    def __str__(self) -> str:
        where = f"lane {self.lane_index} run {self.run_number}: " if self.lane_index else ""
        if self.kind is EventKind.NEW_LANE_RUN:
            return f"{where}new run, {self.new}"
        if self.old is None:
            return f"{where}{self.new}"
        return f"{where}{self.old} → {self.new}"


def changes(old: Execution | None, new: Execution) -> list[ExecutionEvent]:
    """The events between two looks.

    The first look (``old`` is None) gives one event, the status it found: the runs
    already there are where the wait starts, not changes.
    """
    if old is None:
        return [ExecutionEvent(EventKind.EXECUTION_STATUS, new, None, new.status)]
    events = []
    if old.status != new.status:
        events.append(ExecutionEvent(EventKind.EXECUTION_STATUS, new, old.status, new.status))
    before = _runs(old)
    for (lane, number), status in _runs(new).items():
        if (lane, number) not in before:
            events.append(ExecutionEvent(EventKind.NEW_LANE_RUN, new, None, status, lane, number))
        elif before[lane, number] != status:
            events.append(
                ExecutionEvent(
                    EventKind.LANE_RUN_STATUS, new, before[lane, number], status, lane, number
                )
            )
    return events


def _runs(execution: Execution) -> dict[tuple[int, int], LaneRunStatus]:
    # Runs prepared in advance have no number yet; they count once they get one.
    return {
        (run.lane_index, run.run_number): run.status
        for lane in execution.lanes
        for run in lane.runs
        if run.run_number is not None
    }


def is_transient(error: OnedataError) -> bool:
    """Whether polling should go on after this error (within the deadline)."""
    if isinstance(error, UnauthorizedError | ForbiddenError | NotFoundError | BadRequestError):
        return False
    if isinstance(error, ApiError):
        return error.status >= 500 or error.status in (408, 429)
    return True  # transport failures and unreadable bodies


@attrs.frozen
class Decision:
    """What a waiter wants next."""

    events: tuple[ExecutionEvent, ...] = ()
    done: bool = False
    timed_out: bool = False
    sleep: float = 0.0


@attrs.define
class Waiter:
    """Follows one execution until it stops, its deadline passes, or an error ends the wait."""

    policy: PollPolicy
    deadline: float
    wait_through_suspension: bool = False
    rng: random.Random = attrs.field(factory=random.Random)
    last: Execution | None = None
    polls: int = 0
    transient_errors: int = 0
    last_error: OnedataError | None = None
    _step: int = 0
    _unknown_logged: set[str] = attrs.field(factory=set)

    def is_done(self, execution: Execution) -> bool:
        if execution.is_ended:
            return True
        return execution.is_suspended and not self.wait_through_suspension

    def observe(self, execution: Execution, now: float) -> Decision:
        """A poll succeeded."""
        self.polls += 1
        events = tuple(changes(self.last, execution))
        self.last = execution
        if self.is_done(execution):
            return Decision(events, done=True)
        if not execution.status.is_known and execution.status not in self._unknown_logged:
            # Not a reason to stop, nor to poll faster: keep looking, with backoff.
            self._unknown_logged.add(execution.status)
            logger.warning(
                "execution %s has status %r, unknown to this library; still waiting",
                execution.id,
                str(execution.status),
            )
        self._step = 0 if events and self.polls > 1 else self._step + 1
        return self._pause(events, self.policy.interval(self._step, self.rng), now)

    def failed(self, error: OnedataError, now: float) -> Decision:
        """A poll raised ``error``; re-raises it unless it is worth polling through."""
        self.polls += 1
        if not is_transient(error):
            raise error
        self.transient_errors += 1
        self.last_error = error
        self._step += 1
        pause = self.policy.interval(self._step, self.rng)
        retry_after = error.retry_after if isinstance(error, ApiError) else None
        if retry_after is not None:
            pause = max(pause, retry_after)
        logger.warning(
            "polling %s: %s (transient, %d so far)", self._subject(), error, self.transient_errors
        )
        return self._pause((), pause, now)

    def _pause(self, events: tuple[ExecutionEvent, ...], pause: float, now: float) -> Decision:
        remaining = self.deadline - now
        if remaining <= 0:
            return Decision(events, timed_out=True)
        # Never sleep past the deadline: the last look happens at the deadline itself.
        return Decision(events, sleep=min(pause, remaining))

    def _subject(self) -> str:
        return f"execution {self.last.id}" if self.last is not None else "the execution"


TERMINAL_FAILURES = frozenset(
    {ExecutionStatus.FAILED, ExecutionStatus.CANCELLED, ExecutionStatus.CRASHED}
)


@attrs.define
class Board:
    """Many waiters sharing one deadline: which executions to poll now, and what finished."""

    waiters: dict[str, Waiter]
    due: dict[str, float]
    timed_out: bool = False

    def ready(self, now: float) -> list[str]:
        return [wid for wid, at in self.due.items() if at <= now]

    def wake_in(self, now: float) -> float:
        return max(0.0, min(self.due.values()) - now)

    def record(self, wid: str, outcome: Execution | OnedataError, now: float) -> Execution | None:
        """Feed one poll's outcome; the execution if it is finished (fatal errors raise)."""
        waiter = self.waiters[wid]
        if isinstance(outcome, OnedataError):
            decision = waiter.failed(outcome, now)
        else:
            decision = waiter.observe(outcome, now)
        if decision.done:
            del self.due[wid]
            return waiter.last
        if decision.timed_out:
            self.timed_out = True
        self.due[wid] = now + decision.sleep
        return None

    @property
    def unfinished(self) -> dict[str, Execution | None]:
        return {wid: self.waiters[wid].last for wid in self.due}

    @property
    def polls(self) -> int:
        return sum(w.polls for w in self.waiters.values())

    @property
    def transient_errors(self) -> int:
        return sum(w.transient_errors for w in self.waiters.values())


@attrs.frozen
class RunSummary:
    """What ``run`` did: the final execution, the repairs made, and what waiting cost."""

    execution: Execution
    repairs: tuple[RepairPlan, ...]
    polls: int
    transient_errors: int
    elapsed: float
    """Seconds from scheduling to the end, on the client's monotonic clock."""

    @property
    def succeeded(self) -> bool:
        return self.execution.status is ExecutionStatus.FINISHED
