"""Which lane run to rerun or retry after a failure, and why. Pure: it reads an Execution.

In a failed execution the failed lane run is the current one: the highest run
number, in the highest lane holding it. The service's own flags say what it will
accept: ``isRetriable`` (only some items failed: repeat just those) and
``isRerunable`` (repeat every item the run iterated).
"""

from __future__ import annotations

from ._errors import NothingToRepair
from ._models import Candidate, Execution, ExecutionStatus, LaneRun, RepairOperation, RepairPlan


def plan_repair(
    execution: Execution,
    operations: tuple[RepairOperation, ...] = (RepairOperation.RETRY, RepairOperation.RERUN),
    *,
    whole_lane: bool = False,
) -> RepairPlan:
    """The first of ``operations`` that the failed lane run allows.

    ``whole_lane`` reruns the lane from its original regular run, following
    ``originRunNumber`` back, instead of replaying only the last retry's items.
    Raises :class:`NothingToRepair`, naming every run considered and why not.
    """
    if not execution.is_ended:
        raise _nothing(execution, f"it is {execution.status}, not ended")
    if execution.status is ExecutionStatus.CRASHED:
        raise _nothing(execution, "it crashed, and a crashed execution can only be deleted")
    if execution.status is ExecutionStatus.FINISHED:
        raise _nothing(execution, "it finished: nothing failed")
    failed = execution.current_run
    if failed is None or failed.run_number is None:
        raise _nothing(execution, "no lane run has run")
    turned_down = []
    for operation in operations:
        target = (
            _origin(execution, failed)
            if whole_lane and operation is RepairOperation.RERUN
            else failed
        )
        why_not = _refusal(target, operation)
        if why_not is None:
            assert target.run_number is not None
            return RepairPlan(
                execution.id,
                operation,
                target.lane_index,
                target.run_number,
                _reason(target, operation, failed),
            )
        turned_down.append(
            Candidate(
                target.lane_index, target.run_number, target.status, f"no {operation}: {why_not}"
            )
        )
    raise NothingToRepair(execution.id, turned_down, "no lane run qualifies", execution=execution)


def _origin(execution: Execution, run: LaneRun) -> LaneRun:
    """The regular run that ``run`` descends from, in the same lane (itself if regular)."""
    lane = execution.lane(run.lane_index)
    # An origin is always an older run: following only smaller numbers cannot loop,
    # whatever a provider sends.
    while run.origin_run_number is not None and run.origin_run_number < (run.run_number or 0):
        try:
            run = lane.run(run.origin_run_number)
        except KeyError:
            break
    return run


def _refusal(run: LaneRun, operation: RepairOperation) -> str | None:
    if operation is RepairOperation.RETRY and not run.is_retriable:
        if run.status != "failed":
            return f"retry needs a failed run, this one is {run.status}"
        return "the run failed as a whole (not item by item), so isRetriable is false"
    if operation is RepairOperation.RERUN and not run.is_rerunable:
        return f"isRerunable is false for a run that is {run.status}"
    return None


def _reason(target: LaneRun, operation: RepairOperation, failed: LaneRun) -> str:
    what = f"lane {failed.lane_index} run {failed.run_number} ended {failed.status}"
    if target is not failed:
        return f"{what}; rerunning the lane from its regular run {target.run_number}"
    if operation is RepairOperation.RETRY:
        return f"{what} with some items failed; retrying those items"
    return f"{what}; rerunning all of its items"


def _nothing(execution: Execution, reason: str) -> NothingToRepair:
    run = execution.current_run
    candidates = []
    if run is not None:
        candidates.append(
            Candidate(
                run.lane_index,
                run.run_number,
                run.status,
                f"the execution is {execution.status}: {reason}",
            )
        )
    return NothingToRepair(execution.id, candidates, reason, execution=execution)
