"""Waiting for executions, as pure decisions: when to poll next, what changed, when to stop.

Nothing here sends a request, reads a clock or logs. The clients feed a :class:`Waiter`
each observation (an execution, or the error a poll raised) with the current time
through :meth:`Waiter.record` and do what it answers; a :class:`Board` does the same
for many executions at once. So the sync and async clients wait in exactly the same way.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Iterable
from enum import Enum

import attrs

from ._errors import (
    ApiError,
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    OnedataError,
    TransportError,
    UnauthorizedError,
    WaitTimeout,
)
from ._models import Execution, ExecutionStatus, LaneRunStatus

DEFAULT_WAIT_TIMEOUT = 3600.0
"""A wait gives up after an hour unless told otherwise."""
RESTART_GRACE = 120.0
"""Seconds after the provider could not be reached in which a suspension is not the end.

A provider that shut down pauses its executions and, once back, resumes them by
itself a little later; one that crashed interrupts and resumes them. A wait that saw
the provider gone keeps looking this long before it takes a suspension as final.
"""
RESTART_PACE = 5.0
"""The longest pause while a suspension may still be a restart's."""
CALLBACK_GAP = 1.0
"""Seconds at least between two polls of one execution that callbacks asked for."""


@attrs.frozen(kw_only=True)
class PollPolicy:
    """How often to look: pauses that grow with the time already waited.

    ``t`` seconds into a wait, the next pause is ``fraction * t``, at least ``initial``
    and at most ``maximum``. An end is then seen at most ``max(initial, fraction * t)``
    late, and requests grow with the logarithm of the wait: by default a 30 s run is
    seen ending within 2.4 s after about 20 requests, a 3-hour one within 10 minutes
    after about 125. ``jitter`` draws each pause between half of it and all of it, so
    many waiters do not poll in step and no end is seen later for it. Each transient
    error in a row doubles the pause, up to ``maximum``. A change in the execution
    resets nothing: it says little about when the end comes, and a workflow of many
    lanes changes often.

    ``PollPolicy.fixed(10)``, like ``PollPolicy(initial=10, maximum=10, jitter=False)``,
    looks every 10 s.
    """

    initial: float = attrs.field(default=2.0, validator=attrs.validators.gt(0))
    """The pause at the start of a wait, and the shortest one (before jitter)."""
    maximum: float = attrs.field(default=600.0)
    """The longest pause: a long wait sees the end at most this late."""
    fraction: float = attrs.field(
        default=0.08, validator=[attrs.validators.ge(0), attrs.validators.le(1)]
    )
    """The pause as a share of the time waited so far.

    A little under 10 %, so that an end is seen within 10 % of the run's length even
    when the wait began before the run did or a request was slow.
    """
    jitter: bool = True

    @maximum.validator
    def _check_maximum(self, attribute: attrs.Attribute[float], value: float) -> None:
        if not value >= self.initial:
            raise ValueError(f"maximum ({value}) must be at least initial ({self.initial})")

    @classmethod
    def fixed(cls, seconds: float) -> PollPolicy:
        """Look every ``seconds``, however long the wait, without jitter."""
        return cls(initial=seconds, maximum=seconds, jitter=False)

    def interval(self, elapsed: float, rng: random.Random, failures: int = 0) -> float:
        """The pause before the next look, ``elapsed`` seconds after the first.

        ``failures`` counts the transient errors in a row that the last looks met.
        """
        pause = max(self.initial, self.fraction * elapsed) * 2.0 ** min(failures, 64)
        pause = min(self.maximum, pause)
        return rng.uniform(pause / 2, pause) if self.jitter else pause


SAFETY_POLL = PollPolicy(initial=1200, maximum=3600, fraction=1.0, jitter=False)
"""How often a wait that hears callbacks still looks: after 20 min, then as long again.

A callback says when to look; these looks only make up for one that was lost, so a
lost callback costs at most as long again as the wait had lasted (20 min at first).
"""


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


TERMINAL_FAILURES = frozenset(
    {ExecutionStatus.FAILED, ExecutionStatus.CANCELLED, ExecutionStatus.CRASHED}
)


@attrs.frozen
class Decision:
    """What a waiter wants after an observation: events to report, then stop, raise or sleep."""

    events: tuple[ExecutionEvent, ...] = ()
    done: bool = False
    """The execution stopped where the wait ends."""
    timed_out: bool = False
    """The deadline has passed."""
    fatal: OnedataError | None = None
    """An error that ends the wait: the driver raises it."""
    sleep: float = 0.0
    """Seconds until the next poll (never past the deadline)."""
    warning: str | None = None
    """Something worth a log line (a transient error, a status this library does not know)."""


@attrs.define
class Waiter:
    """Follows one execution until it stops, its deadline passes, or an error ends the wait."""

    policy: PollPolicy
    started: float
    deadline: float
    wait_through_suspension: bool = False
    rng: random.Random = attrs.field(factory=random.Random)
    reports_changes: bool = True
    """False where nobody reads the events (many waits): they are not worked out."""
    last: Execution | None = None
    polls: int = 0
    transient_errors: int = 0
    last_error: OnedataError | None = None
    last_polled: float = -float("inf")
    """When the last poll's outcome came."""
    paced_from: float = attrs.field(
        default=attrs.Factory(lambda self: self.started, takes_self=True)
    )
    """Pauses grow with the time since this moment: the start, or the last repair."""
    _failures: int = 0
    """Transient errors in a row: each doubles the pause."""
    _unreachable_at: float | None = None
    """When a poll last found the provider unreachable or unavailable."""
    _suspended_since: float | None = None
    """When the suspension the execution is in was first seen."""
    _unknown_seen: set[str] = attrs.field(factory=set)

    @classmethod
    def starting(
        cls,
        now: float,
        timeout: float,
        policy: PollPolicy,
        *,
        wait_through_suspension: bool,
        rng: random.Random,
    ) -> Waiter:
        """A waiter whose deadline is ``timeout`` seconds from ``now``."""
        return cls(policy, now, now + timeout, wait_through_suspension, rng)

    def is_done(self, execution: Execution) -> bool:
        if execution.is_ended:
            return True
        return execution.is_suspended and not self.wait_through_suspension

    def record(self, outcome: Execution | OnedataError, now: float) -> Decision:
        """One poll's outcome (the execution, or the error it raised) at ``now``."""
        self.polls += 1
        self.last_polled = now
        if isinstance(outcome, OnedataError):
            return self._failed(outcome, now)
        events = tuple(changes(self.last, outcome)) if self.reports_changes else ()
        self.last = outcome
        restarting = self._maybe_restarting(outcome, now)
        if self.is_done(outcome) and not restarting:
            return Decision(events, done=True)
        warning = None
        if not outcome.status.is_known and outcome.status not in self._unknown_seen:
            # Not a reason to stop, nor to poll faster: keep looking at the usual pace.
            self._unknown_seen.add(outcome.status)
            warning = (
                f"execution {outcome.id} has status {str(outcome.status)!r}, "
                "unknown to this library; still waiting"
            )
        self._failures = 0
        pause = self._interval(now)
        return self._pause(events, min(pause, RESTART_PACE) if restarting else pause, now, warning)

    def _maybe_restarting(self, execution: Execution, now: float) -> bool:
        """A suspension that may be a restarting provider's, which resumes by itself.

        Only one first seen soon after the provider could not be reached, and only for
        :data:`RESTART_GRACE` from that first sight: failures that keep coming (a
        flaky network) never hold a wait for longer.
        """
        if not execution.is_suspended:
            self._suspended_since = None
            return False
        if self._suspended_since is None:
            self._suspended_since = now
        return (
            self._unreachable_at is not None
            and self._suspended_since - self._unreachable_at < RESTART_GRACE
            and now - self._suspended_since < RESTART_GRACE
        )

    def _failed(self, error: OnedataError, now: float) -> Decision:
        if not is_transient(error):
            return Decision(fatal=error)
        self.transient_errors += 1
        self.last_error = error
        if isinstance(error, TransportError) or (
            isinstance(error, ApiError) and error.status == 503
        ):
            self._unreachable_at = now
        self._failures += 1
        pause = self._interval(now)
        retry_after = error.retry_after if isinstance(error, ApiError) else None
        if retry_after is not None:
            pause = max(pause, retry_after)
        subject = f"execution {self.last.id}" if self.last is not None else "the execution"
        warning = f"polling {subject}: {error} (transient, {self.transient_errors} so far)"
        return self._pause((), pause, now, warning)

    def _interval(self, now: float) -> float:
        return self.policy.interval(now - self.paced_from, self.rng, self._failures)

    def _pause(
        self, events: tuple[ExecutionEvent, ...], pause: float, now: float, warning: str | None
    ) -> Decision:
        remaining = self.deadline - now
        if remaining <= 0:
            return Decision(events, timed_out=True, warning=warning)
        # Never sleep past the deadline: the last look happens at the deadline itself.
        return Decision(events, sleep=min(pause, remaining), warning=warning)

    def timeout_error(self, *, cancelled: bool = False) -> WaitTimeout:
        """The error for this wait reaching its deadline."""
        return WaitTimeout(
            self.last,
            self.deadline - self.started,
            cancelled=cancelled,
            polls=self.polls,
            transient_errors=self.transient_errors,
            last_error=self.last_error,
        )

    def ending(self) -> str:
        """A line for the log about how the wait ended."""
        assert self.last is not None
        return (
            f"execution {self.last.id} is {self.last.status} after {self.polls} polls "
            f"({self.transient_errors} transient errors)"
        )


@attrs.define
class Board:
    """Many waiters sharing one deadline, each polled on its own schedule.

    A due-time queue: :meth:`take` hands out the executions whose poll is due, earliest
    first, as many as there is room for; :meth:`record` takes each poll's outcome as it
    comes, so a slow poll never holds up another execution; :meth:`expedite` brings a
    poll forward when a callback says there is news. At the deadline, the polls due get
    one last look if there is room, and the rest expire.
    """

    waiters: dict[str, Waiter]
    """The waiters of the executions not yet ended; an ended one's goes."""
    started: float
    deadline: float
    _due: dict[str, float] = attrs.field(factory=dict)
    """When each execution's next poll is due; absent while polled, finished or expired."""
    _queue: list[tuple[float, int, str]] = attrs.field(factory=list)
    """The same moments as a heap; an entry that ``_due`` no longer holds is stale."""
    _order: int = 0
    in_flight: set[str] = attrs.field(factory=set)
    expired: set[str] = attrs.field(factory=set)
    _polls_of_ended: int = 0
    _errors_of_ended: int = 0

    @classmethod
    def starting(
        cls,
        wids: Iterable[str],
        now: float,
        timeout: float,
        policy: Callable[[str], PollPolicy],
        *,
        wait_through_suspension: bool,
        rng: random.Random,
    ) -> Board:
        """A board for each distinct id, polled as ``policy(id)`` says; every first poll now."""
        waiters = {
            wid: Waiter(
                policy(wid), now, now + timeout, wait_through_suspension, rng, reports_changes=False
            )
            for wid in dict.fromkeys(wids)
        }
        board = cls(waiters, now, now + timeout)
        for wid in waiters:
            board._schedule(wid, now)
        return board

    def _schedule(self, wid: str, at: float) -> None:
        self._due[wid] = at
        heapq.heappush(self._queue, (at, self._order, wid))
        self._order += 1

    def _next(self) -> tuple[float, str] | None:
        """The earliest due poll, dropping stale entries on the way."""
        while self._queue:
            at, _, wid = self._queue[0]
            if self._due.get(wid) == at:
                return at, wid
            heapq.heappop(self._queue)
        return None

    @property
    def pending(self) -> bool:
        """Some execution is still due a poll or being polled."""
        return bool(self._due or self.in_flight)

    def take(self, now: float, room: int) -> list[str]:
        """The executions to poll now, earliest due first, at most ``room`` of them."""
        taken: list[str] = []
        while len(taken) < room and (head := self._next()) is not None and head[0] <= now:
            heapq.heappop(self._queue)
            wid = head[1]
            del self._due[wid]
            taken.append(wid)
            self.in_flight.add(wid)
        if now >= self.deadline:
            # The last look was only for those there was room for.
            self.expired.update(self._due)
            self._due.clear()
            self._queue.clear()
        return taken

    def expedite(self, wid: str, now: float, gap: float) -> None:
        """Poll ``wid`` now, or ``gap`` seconds after its last poll if that is later."""
        due = self._due.get(wid)
        if due is None:
            return  # being polled, or done with
        at = max(now, self.waiters[wid].last_polled + gap)
        if at < due:
            self._schedule(wid, at)

    def due_in(self, now: float) -> float | None:
        """Seconds until the next poll is due; None when none is waiting its turn."""
        head = self._next()
        return None if head is None else max(0.0, head[0] - now)

    def wake_in(self, now: float, grace: float) -> float | None:
        """Seconds until there is something to do; None when nothing ever will be.

        Polls in flight get ``grace`` seconds past the deadline, then :meth:`overdue`.
        """
        head = self._next()
        moments = [head[0]] if head is not None else []
        if self.in_flight:
            moments.append(self.deadline + grace)
        return max(0.0, min(moments) - now) if moments else None

    def overdue(self, now: float, grace: float) -> bool:
        """Polls are still in flight ``grace`` seconds past the deadline."""
        return bool(self.in_flight) and now >= self.deadline + grace

    def abandon(self) -> None:
        """The polls in flight were cancelled: their executions expire unseen."""
        self.expired.update(self.in_flight)
        self.in_flight.clear()

    def record(self, wid: str, outcome: Execution | OnedataError, now: float) -> Decision:
        """One poll's outcome; the decision says whether the execution stopped."""
        self.in_flight.discard(wid)
        waiter = self.waiters[wid]
        decision = waiter.record(outcome, now)
        if decision.done:
            # What a waiter keeps is what its decisions need; an ended one needs nothing.
            del self.waiters[wid]
            self._polls_of_ended += waiter.polls
            self._errors_of_ended += waiter.transient_errors
            return decision
        if isinstance(outcome, Execution):
            outcome._release_body()  # kept as the last state seen; its raw is not asked for
        if decision.timed_out:
            self.expired.add(wid)
        elif decision.fatal is None:
            self._schedule(wid, now + decision.sleep)
        return decision

    def timeout_error(self) -> WaitTimeout:
        """The error for the deadline passing with executions unfinished."""
        waiters = self.waiters.values()
        return WaitTimeout(
            None,
            self.deadline - self.started,
            polls=self._polls_of_ended + sum(w.polls for w in waiters),
            transient_errors=self._errors_of_ended + sum(w.transient_errors for w in waiters),
            pending={wid: self.waiters[wid].last for wid in self.waiters if wid in self.expired},
        )
