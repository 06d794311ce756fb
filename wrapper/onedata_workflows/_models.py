"""What the clients return: executions, lanes, lane runs, repair plans and run summaries.

Statuses are open enums: a value from a newer provider is kept, not refused.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Self

import attrs

from oneprovider_automation_client.models import LaneRun as RawLaneRun
from oneprovider_automation_client.models import WorkflowExecutionDetails

if TYPE_CHECKING:
    from ._diagnosis import Diagnosis


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
    """Onedata's epoch seconds as an aware datetime; 0 means "never"."""
    return datetime.fromtimestamp(seconds, UTC) if seconds else None


@attrs.frozen
class LaneRun:
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
    raw: RawLaneRun = attrs.field(repr=False, eq=False)
    """The generated model this was read from."""

    @classmethod
    def from_model(cls, lane_index: int, raw: RawLaneRun) -> LaneRun:
        return cls(
            lane_index=lane_index,
            run_number=raw.run_number,
            origin_run_number=raw.origin_run_number,
            run_type=RunType(raw.run_type),
            status=LaneRunStatus(raw.status),
            iterated_store_id=raw.iterated_store_id,
            exception_store_id=raw.exception_store_id,
            is_rerunable=raw.is_rerunable,
            is_retriable=raw.is_retriable,
            raw=raw,
        )


@attrs.frozen
class Lane:
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


@attrs.frozen
class Execution:
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
    raw: WorkflowExecutionDetails = attrs.field(repr=False, eq=False)
    """The generated model this was read from."""

    @classmethod
    def from_model(cls, raw: WorkflowExecutionDetails) -> Execution:
        lanes = tuple(
            Lane(
                index=i,
                schema_id=lane.schema_id,
                runs=tuple(LaneRun.from_model(i, run) for run in lane.runs),
            )
            for i, lane in enumerate(raw.lanes, start=1)
        )
        return cls(
            id=raw.atm_workflow_execution_id,
            name=raw.name,
            status=ExecutionStatus(raw.status),
            space_id=raw.space_id,
            user_id=raw.user_id,
            inventory_id=raw.atm_inventory_id,
            schema_snapshot_id=raw.atm_workflow_schema_snapshot_id,
            schedule_time=_timestamp(raw.schedule_time),
            start_time=_timestamp(raw.start_time),
            suspend_time=_timestamp(raw.suspend_time),
            finish_time=_timestamp(raw.finish_time),
            lanes=lanes,
            raw=raw,
        )

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
