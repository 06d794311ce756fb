"""What the clients return: executions, lanes, lane runs, repair plans and run summaries.

Statuses are open enums: a value from a newer provider is kept, not refused.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Self

import attrs
import msgspec

if TYPE_CHECKING:  # the generated client is imported when a raw model is first asked for
    from oneprovider_automation_client.models import LaneRun as RawLaneRun
    from oneprovider_automation_client.models import WorkflowExecutionDetails

    from ._diagnosis import Diagnosis

from . import _wire
from ._reading import decode


class _OpenEnum(StrEnum):
    """A string enum that keeps values it does not know instead of failing.

    An unknown value (from a newer provider) becomes a member-like object whose
    ``name`` is ``"UNKNOWN"``, that compares equal to its string, and whose
    ``is_known`` is False.
    """

    @classmethod
    def _missing_(cls, value: object) -> Self | None:
        if not isinstance(value, str):
            return None
        unknown = str.__new__(cls, value)
        unknown._name_ = "UNKNOWN"
        unknown._value_ = value
        return unknown

    @property
    def is_known(self) -> bool:
        return self._name_ != "UNKNOWN"


class ExecutionStatus(_OpenEnum):
    """Status of a workflow execution."""

    SCHEDULED = "scheduled"
    RESUMING = "resuming"
    ACTIVE = "active"
    STOPPING = "stopping"
    PAUSED = "paused"
    INTERRUPTED = "interrupted"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"
    CRASHED = "crashed"


class LaneRunStatus(_OpenEnum):
    """Status of one lane run."""

    SCHEDULED = "scheduled"
    PREPARING = "preparing"
    ENQUEUED = "enqueued"
    RESUMING = "resuming"
    ACTIVE = "active"
    STOPPING = "stopping"
    PAUSED = "paused"
    INTERRUPTED = "interrupted"
    FINISHED = "finished"
    FAILED = "failed"
    CANCELLED = "cancelled"
    CRASHED = "crashed"


class RunType(_OpenEnum):
    """How a lane run came to be."""

    REGULAR = "regular"
    RERUN = "rerun"
    RETRY = "retry"


class Phase(StrEnum):
    """The groups of statuses that the listing endpoint filters by."""

    WAITING = "waiting"
    ONGOING = "ongoing"
    SUSPENDED = "suspended"
    ENDED = "ended"


PHASE_OF: dict[ExecutionStatus, Phase] = {
    ExecutionStatus.SCHEDULED: Phase.WAITING,
    ExecutionStatus.RESUMING: Phase.WAITING,
    ExecutionStatus.ACTIVE: Phase.ONGOING,
    ExecutionStatus.STOPPING: Phase.ONGOING,
    ExecutionStatus.PAUSED: Phase.SUSPENDED,
    ExecutionStatus.INTERRUPTED: Phase.SUSPENDED,
    ExecutionStatus.FINISHED: Phase.ENDED,
    ExecutionStatus.FAILED: Phase.ENDED,
    ExecutionStatus.CANCELLED: Phase.ENDED,
    ExecutionStatus.CRASHED: Phase.ENDED,
}


def _timestamp(seconds: int) -> datetime | None:
    """Onedata's epoch seconds as an aware datetime; 0 means "never".

    The decoder has bounded ``seconds`` to what the spec allows, which every
    platform's ``fromtimestamp`` can represent.
    """
    return datetime.fromtimestamp(seconds, UTC) if seconds else None


def _members(enum: type[_OpenEnum]) -> dict[str, Any]:
    return {member.value: member for member in enum}


# Dictionary look-ups: calling an enum class costs ten times more, on every lane run of every poll.
_EXECUTION_STATUSES = _members(ExecutionStatus)
_LANE_RUN_STATUSES = _members(LaneRunStatus)
_RUN_TYPES = _members(RunType)


class _Body:
    """The answer a view was read from, parsed into the generated model on first use."""

    __slots__ = ("_state",)

    def __init__(self, state: bytes | WorkflowExecutionDetails) -> None:
        self._state: bytes | WorkflowExecutionDetails | None = state

    def release(self) -> None:
        """Drop the body: a view kept only as a last state seen need not hold it."""
        self._state = None

    def model(self) -> WorkflowExecutionDetails:
        # One slot, read once: a thread that finds the bytes parses them itself, and
        # the model replaces the bytes, which it holds in full.
        state = self._state
        if state is None:
            raise AttributeError(
                "the answer behind this execution was not kept (a many-wait keeps only the "
                "last state seen): get() it again for its raw model"
            )
        if isinstance(state, bytes):
            # The decoder accepted this body, so the generated parser reads it.
            from oneprovider_automation_client.models import WorkflowExecutionDetails

            state = WorkflowExecutionDetails.from_dict(json.loads(state))
            self._state = state
        return state


class _View(msgspec.Struct, frozen=True, gc=False):
    """A read-only view: compared, hashed and shown by its public fields only.

    Views hold decoded JSON and their body, which cannot form reference cycles,
    so the garbage collector does not track them (a poll of a large execution makes
    thousands). Fields whose names start with ``_`` say where the view came from.
    """

    def _public(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _public_fields(type(self)))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _View)
        return self._public() == other._public()

    def __hash__(self) -> int:
        return hash(self._public())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in _public_fields(type(self)))
        return f"{type(self).__name__}({shown})"

    def __rich_repr__(self) -> list[tuple[str, Any]]:
        return [(name, getattr(self, name)) for name in _public_fields(type(self))]


def _no_raw(view: _View) -> AttributeError:
    return AttributeError(
        f"{type(view).__name__} built by hand has no raw: it was read from no answer"
    )


@functools.cache
def _public_fields(cls: type[_View]) -> tuple[str, ...]:
    return tuple(name for name in cls.__struct_fields__ if not name.startswith("_"))


class LaneRun(_View, frozen=True, gc=False):
    """One run of a lane. ``run_number`` is execution-wide; None for a run prepared in advance."""

    lane_index: int
    run_number: int | None
    origin_run_number: int | None
    run_type: RunType
    status: LaneRunStatus
    iterated_store_id: str | None
    exception_store_id: str | None
    is_rerunable: bool
    is_retriable: bool
    _source: _Body | RawLaneRun | None = None
    """The answer this was read from, or the generated run; None for a view built by hand."""
    _position: int = 0
    """Where the run stands in its lane's ``runs``."""

    @classmethod
    def from_model(cls, lane_index: int, raw: RawLaneRun) -> LaneRun:
        """The view of a generated lane run of lane ``lane_index``; ``raw`` is kept as it is."""
        return cls(
            lane_index,
            raw.run_number,
            raw.origin_run_number,
            RunType(raw.run_type),
            LaneRunStatus(raw.status),
            raw.iterated_store_id,
            raw.exception_store_id,
            raw.is_rerunable,
            raw.is_retriable,
            raw,
        )

    @property
    def raw(self) -> RawLaneRun:
        """The generated model of this run, built from the answer on first use."""
        source = self._source
        if isinstance(source, _Body):
            return source.model().lanes[self.lane_index - 1].runs[self._position]
        if source is None:
            raise _no_raw(self)
        return source


class Lane(_View, frozen=True, gc=False):
    """One lane (``index`` is 1-based, as the API counts) and its runs, newest first."""

    index: int
    schema_id: str
    runs: tuple[LaneRun, ...]

    @property
    def latest_run(self) -> LaneRun | None:
        """The newest run that has a run number (runs prepared in advance have none)."""
        return next((r for r in self.runs if r.run_number is not None), None)

    def run(self, run_number: int) -> LaneRun:
        """The run with this execution-wide run number."""
        for candidate in self.runs:
            if candidate.run_number == run_number:
                return candidate
        raise KeyError(f"lane {self.index} has no run {run_number}")


class Execution(_View, frozen=True, gc=False):
    """A workflow execution as ``get`` returned it. Timestamps are aware datetimes or None."""

    id: str
    name: str
    status: ExecutionStatus
    space_id: str
    user_id: str
    inventory_id: str
    schema_snapshot_id: str
    schedule_time: datetime | None
    start_time: datetime | None
    suspend_time: datetime | None
    finish_time: datetime | None
    lanes: tuple[Lane, ...]
    audit_log_store_id: str | None = None
    """The id of its system audit log store (``systemAuditLogStoreId``); None if it has none."""
    _source: _Body | None = None
    """The answer this was read from; None for a view built by hand."""

    @classmethod
    def _from_wire(
        cls, details: _wire.WorkflowExecutionDetails, source: bytes | WorkflowExecutionDetails
    ) -> Execution:
        """The view of ``details``, decoded from ``source``: the body, kept for ``raw``, or raw."""
        body = _Body(source)
        statuses, types = _LANE_RUN_STATUSES, _RUN_TYPES
        lanes = []
        for index, lane in enumerate(details.lanes, start=1):
            runs = tuple(
                [
                    LaneRun(
                        index,
                        run.run_number,
                        run.origin_run_number,
                        types.get(run.run_type) or RunType(run.run_type),
                        statuses.get(run.status) or LaneRunStatus(run.status),
                        run.iterated_store_id,
                        run.exception_store_id,
                        run.is_rerunable,
                        run.is_retriable,
                        body,
                        position,
                    )
                    for position, run in enumerate(lane.runs)
                ]
            )
            lanes.append(Lane(index, lane.schema_id, runs))
        status = details.status
        return cls(
            details.atm_workflow_execution_id,
            details.name,
            _EXECUTION_STATUSES.get(status) or ExecutionStatus(status),
            details.space_id,
            details.user_id,
            details.atm_inventory_id,
            details.atm_workflow_schema_snapshot_id,
            _timestamp(details.schedule_time),
            _timestamp(details.start_time),
            _timestamp(details.suspend_time),
            _timestamp(details.finish_time),
            tuple(lanes),
            details.system_audit_log_store_id,
            body,
        )

    @classmethod
    def from_model(cls, raw: WorkflowExecutionDetails) -> Execution:
        """The view of a generated model (as the generated client returns it)."""
        content = json.dumps(raw.to_dict()).encode()
        return cls._from_wire(decode(_wire.WorkflowExecutionDetails, content), raw)

    @property
    def raw(self) -> WorkflowExecutionDetails:
        """The generated model of the answer, built from it on first use."""
        if self._source is None:
            raise _no_raw(self)
        return self._source.model()

    def _release_body(self) -> None:
        """Drop the answer kept for :attr:`raw` (see :meth:`_Body.release`)."""
        if self._source is not None:
            self._source.release()

    @property
    def phase(self) -> Phase | None:
        """The status's phase; None for a status this library does not know."""
        return PHASE_OF.get(self.status)

    @property
    def is_ended(self) -> bool:
        """finished, failed, cancelled or crashed (rerun, retry or force-continue can revive it)."""
        return self.phase is Phase.ENDED

    @property
    def is_suspended(self) -> bool:
        """paused or interrupted: it waits for a resume or a cancel."""
        return self.phase is Phase.SUSPENDED

    @property
    def is_status_known(self) -> bool:
        return self.status.is_known

    @property
    def current_run(self) -> LaneRun | None:
        """The lane run that decides the execution's status.

        It holds the highest run number, in the highest lane that has a run with it
        (lanes of the same pass share a number).
        """
        numbered = [run for lane in self.lanes for run in lane.runs if run.run_number is not None]
        if not numbered:
            return None
        return max(numbered, key=lambda run: (run.run_number or 0, run.lane_index))

    def lane(self, index: int) -> Lane:
        """Lane ``index``, counted from 1 as the API does."""
        if not 1 <= index <= len(self.lanes):
            raise IndexError(f"lane {index} does not exist (the execution has {len(self.lanes)})")
        return self.lanes[index - 1]


class ExecutionId(str):
    """The id of a newly scheduled execution, with the ``Location`` header that came with it.

    ``location`` is informational only: its form differs between releases (some omit
    a ``/``), so the client addresses the execution by the id from the body.
    """

    location: str | None

    def __new__(cls, value: str, location: str | None = None) -> Self:
        instance = super().__new__(cls, value)
        instance.location = location
        return instance


class RepairOperation(StrEnum):
    """The two ways to repeat a lane run."""

    RETRY = "retry"
    """Repeat only the items that failed (the run's exception store)."""
    RERUN = "rerun"
    """Repeat every item the run iterated."""


@attrs.frozen
class Candidate:
    """A lane run that was considered and turned down."""

    lane_index: int
    run_number: int | None
    status: str
    reason: str

    def __str__(self) -> str:
        return f"lane {self.lane_index} run {self.run_number} ({self.status}): {self.reason}"


@attrs.frozen
class RepairPlan:
    """Which operation to call on which lane run, and why."""

    execution_id: str
    operation: RepairOperation
    lane_index: int
    run_number: int
    reason: str
    performed: bool = False
    """False for a dry run."""
    execution: Execution | None = attrs.field(default=None, repr=False)
    """The execution after the repair, when the caller asked to wait for it."""

    def __str__(self) -> str:
        done = "" if self.performed else " (not performed)"
        return f"{self.operation} lane {self.lane_index} run {self.run_number}{done}: {self.reason}"


@attrs.frozen
class RunSummary:
    """What ``run`` did: the final execution, the repairs made, and what waiting cost."""

    execution: Execution
    repairs: tuple[RepairPlan, ...]
    polls: int
    transient_errors: int
    elapsed: float
    """Seconds from scheduling to the end, on the client's monotonic clock."""
    diagnosis: Diagnosis | None = attrs.field(default=None, repr=False)
    """Why the execution did not finish, and what to do next; None when it finished."""

    @property
    def succeeded(self) -> bool:
        return self.execution.status is ExecutionStatus.FINISHED

    @property
    def reason(self) -> str | None:
        """Why the execution did not finish, in one line; None when it finished."""
        return self.diagnosis.reason if self.diagnosis is not None else None
