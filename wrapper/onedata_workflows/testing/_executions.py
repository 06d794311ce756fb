"""The records the simulated service keeps: executions, their lanes and lane runs.

What the REST API shows is derived from these in :meth:`Engine.details`; the fields
below the API's (outcome, remaining work, the stopping reason) are what the service
keeps to itself.
"""

from __future__ import annotations

import random
from enum import IntEnum
from typing import Any

import attrs

from ._audit import ExecutionLog
from ._scenario import LaneSpec, Outcome

WAITING = frozenset({"scheduled", "resuming"})
ONGOING = frozenset({"active", "stopping"})
SUSPENDED = frozenset({"paused", "interrupted"})
ENDED = frozenset({"finished", "failed", "cancelled", "crashed"})
REPEATABLE = frozenset({"finished", "failed", "cancelled"})
PHASES = {"waiting": WAITING, "ongoing": ONGOING, "suspended": SUSPENDED, "ended": ENDED}


class StopReason(IntEnum):
    """Why a lane run is stopping; a stronger (higher) reason overrides a weaker one."""

    OP_WORKER_STOPPING = 0
    PAUSE = 1
    INTERRUPT = 2
    FAILURE = 3
    CANCEL = 4
    CRASH = 5


FINAL_STATUS = {
    StopReason.OP_WORKER_STOPPING: "paused",
    StopReason.PAUSE: "paused",
    StopReason.INTERRUPT: "interrupted",
    StopReason.FAILURE: "failed",
    StopReason.CANCEL: "cancelled",
    StopReason.CRASH: "crashed",
}


@attrs.define(eq=False)
class LaneRun:
    run_number: int | None
    origin_run_number: int | None
    status: str
    iterated_store_id: str | None = None
    exception_store_id: str | None = None
    parallel_boxes: list[dict[str, Any]] = attrs.field(factory=list)
    stopping_reason: StopReason | None = None
    # What the simulation needs and the API does not show.
    items: int = 0
    failing_items: int = 0
    """Items that fail in this run (for a ``FAIL_ITEMS`` outcome)."""
    outcome: Outcome = Outcome.FINISH
    crosses_threshold: bool = False
    """Its share of failed items passes the lane's threshold: it fails at the first one."""
    work_left: float = 0.0
    """Active seconds until the outcome happens."""
    tail: float = 0.0
    """Active seconds after an interruption, once resumed."""
    work_due: float | None = None
    was_active: bool = False


@attrs.define(eq=False)
class Lane:
    spec: LaneSpec
    schema_id: str
    store_id: str
    box_schema_ids: list[str]
    task_schema_ids: list[list[str]]
    runs: list[LaneRun] = attrs.field(factory=list)
    retries_left: int = 0
    attempts: int = 0

    def run_type(self, run: LaneRun) -> str:
        """``regular``, ``rerun`` or ``retry``, inferred as the service infers it.

        A repeated run is a retry when it iterates its origin's exception store, a
        rerun otherwise. The service compares the two store ids, so a rerun of a run
        that was never prepared (both still unset) reports ``retry`` until it is
        prepared and gets a store to iterate.
        """
        if run.origin_run_number is None:
            return "regular"
        origin = next((r for r in self.runs if r.run_number == run.origin_run_number), None)
        if origin is not None and run.iterated_store_id == origin.exception_store_id:
            return "retry"
        return "rerun"


@attrs.define(eq=False)
class Execution:
    id: str
    seq: int
    schema_snapshot_id: str
    name: str
    inventory_id: str
    space_id: str
    user_id: str
    lanes: list[Lane]
    lambda_registry: dict[str, str]
    store_registry: dict[str, str]
    audit_log_store_id: str | None
    """None for an execution without an audit log (made by a release before them)."""
    audit_log: ExecutionLog
    callback: str | None
    log_level: str
    status: str = "scheduled"
    schedule_time: int = 0
    start_time: int = 0
    suspend_time: int = 0
    finish_time: int = 0
    current_lane: int = 0
    current_run_num: int = 1
    incarnation: int = 1
    epoch: int = 0
    """Bumped to drop the events that a stop, resume or repeat made stale."""

    @property
    def current_run(self) -> LaneRun:
        return self.lanes[self.current_lane].runs[0]

    def where(self, run: LaneRun) -> tuple[int, int | None]:
        """The 1-based lane index and the run number of one of its lane runs."""
        index = next(i for i, lane in enumerate(self.lanes) if run in lane.runs)
        return index + 1, run.run_number

    def stores(self) -> dict[str, bool]:
        """Every store of the execution that the API names, and whether it is an audit log."""
        found = {store_id: False for store_id in self.store_registry.values()}
        for lane in self.lanes:
            for run in lane.runs:
                for store_id in (run.iterated_store_id, run.exception_store_id):
                    if store_id is not None:
                        found[store_id] = False
        if self.audit_log_store_id is not None:
            found[self.audit_log_store_id] = True
        return found

    def phase_time(self, phase: str) -> int:
        """The timestamp that orders this execution in the list of ``phase``."""
        return {
            "waiting": self.schedule_time,
            "ongoing": self.start_time,
            "suspended": self.suspend_time,
            "ended": self.finish_time,
        }[phase]


@attrs.frozen
class Notification:
    """A completion callback due to be sent."""

    url: str
    payload: dict[str, str]


class Ids:
    """Onedata-looking ids (32 hex digits, ``ch``, 4 hex digits), reproducible from a seed."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def __call__(self) -> str:
        return f"{self._rng.getrandbits(128):032x}ch{self._rng.getrandbits(16):04x}"
