"""Repairing failed lanes, and run(): schedule, wait, repair."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onedata_workflows import (
    Execution,
    ExecutionFailed,
    ExecutionStatus,
    NothingToRepair,
    RepairOperation,
    plan_repair,
)
from onedata_workflows.testing import FakeOneprovider, LaneSpec, Outcome
from oneprovider_automation_client.models import WorkflowExecutionDetails


def failed_in_lane_2(fake: FakeOneprovider, *outcomes: Outcome, max_retries: int = 0) -> str:
    lanes = [LaneSpec(), LaneSpec(outcomes=list(outcomes), max_retries=max_retries), LaneSpec()]
    wid = fake.schedule_execution(fake.add_workflow_schema(lanes)[0])
    fake.advance(200)
    assert fake.execution(wid)["status"] == "failed"
    return wid


def test_rerun_from_failed_lane(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = failed_in_lane_2(fake, Outcome.FAIL)
    plan = virtual_client.rerun_from_failed_lane(wid, wait=True)
    assert (plan.operation, plan.lane_index, plan.run_number) == (RepairOperation.RERUN, 2, 1)
    assert plan.performed
    assert "lane 2 run 1 ended failed" in plan.reason
    assert plan.execution.status is ExecutionStatus.FINISHED
    lane2 = plan.execution.lane(2)
    assert [(r.run_number, r.run_type, r.origin_run_number) for r in lane2.runs] == [
        (2, "rerun", 1),
        (1, "regular", None),
    ]


def test_dry_run_calls_nothing(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = failed_in_lane_2(fake, Outcome.FAIL_ITEMS)
    plan = virtual_client.retry_failed_lane(wid, dry_run=True)
    assert (plan.operation, plan.lane_index, plan.run_number, plan.performed) == (
        "retry",
        2,
        1,
        False,
    )
    assert "(not performed)" in str(plan)
    assert fake.execution(wid)["status"] == "failed"


def test_retry_failed_lane(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = failed_in_lane_2(fake, Outcome.FAIL_ITEMS)
    plan = virtual_client.retry_failed_lane(wid)
    assert (plan.operation, plan.run_number) == ("retry", 1)
    assert fake.execution(wid)["lanes"][1]["runs"][0]["runType"] == "retry"
    assert virtual_client.wait_until_finished(wid).status is ExecutionStatus.FINISHED


def test_retry_of_a_hard_failure_says_why_not(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = failed_in_lane_2(fake, Outcome.FAIL)
    with pytest.raises(NothingToRepair) as nothing:
        virtual_client.retry_failed_lane(wid)
    (candidate,) = nothing.value.candidates
    assert (candidate.lane_index, candidate.run_number, candidate.status) == (2, 1, "failed")
    assert "isRetriable is false" in candidate.reason
    assert fake.execution(wid)["status"] == "failed", "nothing was called"


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [(Outcome.CRASH, "crashed"), (Outcome.FINISH, "nothing failed"), (None, "not ended")],
)
def test_nothing_to_repair(
    virtual_client: Any, fake: FakeOneprovider, outcome: Outcome | None, reason: str
) -> None:
    lanes = [
        LaneSpec(duration=1000 if outcome is None else 10, outcomes=[outcome or Outcome.FINISH])
    ]
    wid = fake.schedule_execution(fake.add_workflow_schema(lanes)[0])
    fake.advance(50)
    for repair in (virtual_client.rerun_from_failed_lane, virtual_client.retry_failed_lane):
        with pytest.raises(NothingToRepair, match=reason) as nothing:
            repair(wid)
        assert nothing.value.execution_id == wid
        assert all(reason in c.reason for c in nothing.value.candidates)


def test_whole_lane_rerun_goes_back_to_the_regular_run(
    virtual_client: Any, fake: FakeOneprovider
) -> None:
    wid = failed_in_lane_2(fake, Outcome.FAIL_ITEMS, Outcome.FAIL_ITEMS, max_retries=1)
    assert virtual_client.rerun_from_failed_lane(wid, dry_run=True).run_number == 2, "the retry run"
    plan = virtual_client.rerun_from_failed_lane(wid, whole_lane=True)
    assert (plan.lane_index, plan.run_number) == (2, 1)
    assert "from its regular run 1" in plan.reason
    rerun = fake.execution(wid)["lanes"][1]["runs"][0]
    assert (rerun["runType"], rerun["originRunNumber"]) == ("rerun", 1)


# -- run ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "operation"), [(Outcome.FAIL_ITEMS, "retry"), (Outcome.FAIL, "rerun")]
)
def test_run_repairs_and_finishes(
    virtual_client: Any, fake: FakeOneprovider, outcome: Outcome, operation: str
) -> None:
    schema_id, revision = fake.add_workflow_schema(
        [LaneSpec(), LaneSpec(outcomes=[outcome]), LaneSpec()]
    )
    repaired: list[Any] = []
    summary = virtual_client.run(fake.space_id, schema_id, revision, on_repair=repaired.append)
    assert summary.succeeded
    assert summary.execution.status is ExecutionStatus.FINISHED
    assert [(r.operation, r.lane_index, r.run_number) for r in summary.repairs] == [
        (operation, 2, 1)
    ]
    assert list(summary.repairs) == repaired
    assert summary.polls > 3
    assert summary.elapsed == pytest.approx(
        fake.now() - summary.execution.schedule_time.timestamp(), abs=200
    )


def test_run_gives_up_after_max_repairs(virtual_client: Any, fake: FakeOneprovider) -> None:
    schema_id, revision = fake.add_workflow_schema([LaneSpec(outcomes=[Outcome.FAIL] * 5)])
    summary = virtual_client.run(fake.space_id, schema_id, revision, max_repairs=2)
    assert summary.execution.status is ExecutionStatus.FAILED
    assert [r.run_number for r in summary.repairs] == [1, 2]
    none = virtual_client.run(fake.space_id, schema_id, revision, max_repairs=0)
    assert (none.execution.status, none.repairs) == (ExecutionStatus.FAILED, ())
    with pytest.raises(ExecutionFailed):
        virtual_client.run(fake.space_id, schema_id, revision, max_repairs=1, raise_on_failure=True)
    with pytest.raises(ValueError, match="max_repairs"):
        virtual_client.run(fake.space_id, schema_id, revision, max_repairs=-1)


def test_run_does_not_repair_a_crash(virtual_client: Any, fake: FakeOneprovider) -> None:
    schema_id, revision = fake.add_workflow_schema([LaneSpec(outcomes=[Outcome.CRASH])])
    summary = virtual_client.run(fake.space_id, schema_id, revision, max_repairs=3)
    assert (summary.execution.status, summary.repairs) == (ExecutionStatus.CRASHED, ())


def test_run_bounds_the_whole_story(virtual_client: Any, fake: FakeOneprovider) -> None:
    from onedata_workflows import WaitTimeout

    schema_id, revision = fake.add_workflow_schema(
        [LaneSpec(duration=500, outcomes=[Outcome.FAIL])]
    )
    start = fake.now()
    with pytest.raises(WaitTimeout):
        virtual_client.run(fake.space_id, schema_id, revision, timeout=400)
    assert fake.now() - start == pytest.approx(400)


# -- the pure plan -----------------------------------------------------------

STATUSES = [
    "scheduled",
    "active",
    "stopping",
    "paused",
    "interrupted",
    "finished",
    "failed",
    "cancelled",
    "crashed",
    "novel",
]
RUN_STATUSES = [
    "scheduled",
    "preparing",
    "active",
    "finished",
    "failed",
    "cancelled",
    "crashed",
    "odd",
]


def execution_of(status: str, lanes: list[dict[str, Any]]) -> Execution:
    """An execution read from a details document with these lanes, as the service sends it."""
    details = {
        "atmWorkflowExecutionId": "wid",
        "atmWorkflowSchemaSnapshotId": "s",
        "name": "n",
        "atmInventoryId": "i",
        "spaceId": "s",
        "userId": "u",
        "status": status,
        "scheduleTime": 1,
        "startTime": 0,
        "suspendTime": 0,
        "finishTime": 0,
        "lambdaSnapshotRegistry": {},
        "storeRegistry": {},
        "systemAuditLogStoreId": None,
        "lanes": lanes,
    }
    return Execution.from_model(WorkflowExecutionDetails.from_dict(details))


@st.composite
def executions(draw: st.DrawFn) -> Execution:
    lanes = []
    number = 0
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        runs = []
        for _ in range(draw(st.integers(min_value=0, max_value=3))):
            number += draw(st.integers(min_value=0, max_value=2))
            runs.insert(
                0,
                {
                    "runNumber": max(number, 1),
                    "originRunNumber": draw(st.none() | st.integers(min_value=1, max_value=6)),
                    "runType": draw(st.sampled_from(["regular", "rerun", "retry"])),
                    "status": draw(st.sampled_from(RUN_STATUSES)),
                    "iteratedStoreId": None,
                    "exceptionStoreId": draw(st.none() | st.just("store")),
                    "parallelBoxes": [],
                    "isRetriable": draw(st.booleans()),
                    "isRerunable": draw(st.booleans()),
                },
            )
        lanes.append({"schemaId": "lane", "runs": runs})
    return execution_of(draw(st.sampled_from(STATUSES)), lanes)


@settings(max_examples=400)
@given(
    execution=executions(),
    operations=st.sampled_from([("retry", "rerun"), ("rerun",), ("retry",), ("rerun", "retry")]),
    whole_lane=st.booleans(),
)
def test_a_plan_always_names_a_run_that_allows_its_operation(
    execution: Execution, operations: tuple[str, ...], whole_lane: bool
) -> None:
    try:
        plan = plan_repair(
            execution, tuple(RepairOperation(o) for o in operations), whole_lane=whole_lane
        )
    except NothingToRepair:
        return  # refusing is always allowed; the property is about the plans made
    assert plan.operation in operations
    run = execution.lane(plan.lane_index).run(plan.run_number)
    allowed = run.is_retriable if plan.operation is RepairOperation.RETRY else run.is_rerunable
    assert allowed
    assert execution.status in ("failed", "cancelled")


def test_a_cycle_of_origins_does_not_hang() -> None:
    """Found by the property above: origins pointing at each other once looped forever."""

    def run(number: int, origin: int) -> dict[str, Any]:
        return {
            "runNumber": number,
            "originRunNumber": origin,
            "runType": "rerun",
            "status": "failed",
            "iteratedStoreId": "s",
            "exceptionStoreId": "e",
            "parallelBoxes": [],
            "isRetriable": True,
            "isRerunable": True,
        }

    execution = execution_of("failed", [{"schemaId": "l", "runs": [run(2, 1), run(1, 2)]}])
    plan = plan_repair(execution, (RepairOperation.RERUN,), whole_lane=True)
    assert (plan.lane_index, plan.run_number) == (1, 1)
