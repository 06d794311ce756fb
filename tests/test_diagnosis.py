"""Why an execution stopped: every kind of failure staged on the simulator, with both clients.

Each diagnosis is checked for its kind, its lane run, the entries it cites, and a next
step that the simulator then accepts when it is carried out (and so is every
alternative it names, on an execution staged the same way).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings

from onedata_workflows import (
    Diagnosis,
    ExecutionFailed,
    ExecutionStatus,
    FailureKind,
    NextStep,
    NothingToRepair,
    diagnose,
    plan_repair,
)
from onedata_workflows._audit import DumpReader
from onedata_workflows.testing import FakeOneprovider, Fault, LaneSpec, Outcome

from .clients import make_client
from .test_repair import execution_of, executions

Stage = Callable[[FakeOneprovider], str]


def scheduled(fake: FakeOneprovider, *lanes: LaneSpec) -> str:
    return fake.schedule_execution(fake.add_workflow_schema(list(lanes))[0])


def ended(*lanes: LaneSpec) -> Stage:
    def stage(fake: FakeOneprovider) -> str:
        wid = scheduled(fake, *lanes)
        fake.advance(300)
        return wid

    return stage


def user(action: str) -> Stage:
    def stage(fake: FakeOneprovider) -> str:
        wid = scheduled(fake, LaneSpec(duration=100), LaneSpec())
        fake.advance(10)
        with fake.client() as client:
            getattr(client, action)(wid)
        fake.advance(5)
        return wid

    return stage


def shutdown(fake: FakeOneprovider) -> str:
    wid = scheduled(fake, LaneSpec(duration=100))
    fake.advance(10)
    fake.stop_provider()
    fake.restart_provider()  # its restart procedure resumes the execution 10 s later
    return wid


def running(fake: FakeOneprovider) -> str:
    wid = scheduled(fake, LaneSpec(duration=100))
    fake.advance(10)
    return wid


ITEMS = LaneSpec(outcomes=[Outcome.FAIL_ITEMS], instant_failure_exception_threshold=1.0)
RETRIED = LaneSpec(
    max_retries=1,
    outcomes=[Outcome.FAIL_ITEMS, Outcome.FAIL_ITEMS],
    instant_failure_exception_threshold=1.0,
)
THRESHOLD = LaneSpec(failing_items=3, max_retries=2, outcomes=[Outcome.FAIL_ITEMS])

# name: (staging, status, kind, (lane, run), next step, alternatives, words of the reason)
CASES: dict[
    str, tuple[Stage, str, FailureKind, tuple[int, int], NextStep, tuple[str, ...], str]
] = {
    "items failed": (
        ended(LaneSpec(), ITEMS, LaneSpec()),
        "failed",
        FailureKind.ITEMS_FAILED,
        (2, 1),
        NextStep.RETRY,
        ("rerun", "force_continue"),
        "1 of 10 items failed",
    ),
    "items failed after an automatic retry": (
        ended(RETRIED),
        "failed",
        FailureKind.ITEMS_FAILED,
        (1, 2),
        NextStep.RETRY,
        ("rerun",),
        "no automatic retry was left",
    ),
    "threshold crossed": (
        ended(THRESHOLD, LaneSpec()),
        "failed",
        FailureKind.THRESHOLD_EXCEEDED,
        (1, 1),
        NextStep.RERUN,
        ("force_continue",),
        "Exceeeded allowed failed jobs threshold",
    ),
    "threshold crossed in the last lane": (
        ended(LaneSpec(), THRESHOLD),
        "failed",
        FailureKind.THRESHOLD_EXCEEDED,
        (2, 1),
        NextStep.RERUN,
        (),
        "exception threshold",
    ),
    "the whole run failed": (
        ended(LaneSpec(outcomes=[Outcome.FAIL]), LaneSpec()),
        "failed",
        FailureKind.RUN_FAILED,
        (1, 1),
        NextStep.RERUN,
        ("force_continue",),
        "Failed to process streamed results",
    ),
    "crashed": (
        ended(LaneSpec(), LaneSpec(outcomes=[Outcome.CRASH])),
        "crashed",
        FailureKind.CRASHED,
        (2, 1),
        NextStep.NOTHING,
        (),
        "Unexpected emergency occured (internalServerError",
    ),
    "interrupted by infrastructure": (
        ended(LaneSpec(outcomes=[Outcome.INTERRUPT])),
        "interrupted",
        FailureKind.INTERRUPTED,
        (1, 1),
        NextStep.RESUME,
        (),
        "OpenFaaS service is not healthy",
    ),
    "cancelled": (
        user("cancel"),
        "cancelled",
        FailureKind.CANCELLED,
        (1, 1),
        NextStep.RERUN,
        (),
        "cancelled in lane 1 run 1 by a user",
    ),
    "paused by a user": (
        user("pause"),
        "paused",
        FailureKind.PAUSED,
        (1, 1),
        NextStep.RESUME,
        (),
        "paused in lane 1 run 1 by a user",
    ),
    "paused by a shutdown": (
        shutdown,
        "paused",
        FailureKind.PAUSED_BY_SHUTDOWN,
        (1, 1),
        NextStep.RESUME,
        (),
        "the provider shut down",
    ),
    "finished": (
        ended(LaneSpec()),
        "finished",
        FailureKind.NONE,
        (1, 1),
        NextStep.NOTHING,
        (),
        "it finished",
    ),
    "still running": (
        running,
        "active",
        FailureKind.RUNNING,
        (1, 1),
        NextStep.NOTHING,
        (),
        "it has not stopped",
    ),
}


def carry_out(client: Any, wid: str, step: NextStep, diagnosis: Diagnosis) -> None:
    """Call the operation a step names; raises if the provider refuses it."""
    if step in (NextStep.RETRY, NextStep.RERUN):
        plan, run = diagnosis.plan, diagnosis.run
        assert run is not None
        # The plan names the run of the step it plans; an alternative rerun, the failed run.
        if plan is not None and plan.operation == step:
            getattr(client, str(step))(wid, plan.lane_index, plan.run_number)
        else:
            getattr(client, str(step))(wid, run.lane_index, run.run_number)
    elif step is NextStep.RESUME:
        client.resume(wid)
    elif step is NextStep.FORCE_CONTINUE:
        client.force_continue(wid)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_kind_of_failure(virtual_client: Any, fake: FakeOneprovider, case: str) -> None:
    stage, status, kind, (lane, run), step, alternatives, words = CASES[case]
    wid = stage(fake)
    diagnosis = virtual_client.diagnose(wid)
    assert diagnosis.status == status
    assert diagnosis.kind is kind, diagnosis.reason
    assert (diagnosis.run.lane_index, diagnosis.run.run_number) == (lane, run)
    assert words in diagnosis.reason, diagnosis.reason
    assert diagnosis.next_step is step
    assert diagnosis.alternatives == tuple(NextStep(a) for a in alternatives)
    assert diagnosis.log_read
    assert diagnosis.log_error is None
    assert diagnosis.execution.id == wid
    assert diagnosis.to_dict()["kind"] == str(kind)
    assert str(diagnosis).startswith(diagnosis.reason)
    if step in (NextStep.RETRY, NextStep.RERUN):
        assert diagnosis.plan is not None
        assert diagnosis.plan == plan_repair(diagnosis.execution, (diagnosis.plan.operation,)), (
            "exactly what plan_repair plans"
        )
    carry_out(virtual_client, wid, step, diagnosis)  # accepted: it raises if refused
    for other in diagnosis.alternatives:
        again = stage(fake)
        carry_out(virtual_client, again, other, virtual_client.diagnose(again))


def test_the_entries_that_explain_it(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = ended(LaneSpec(), THRESHOLD, LaneSpec())(fake)
    diagnosis = virtual_client.diagnose(wid)
    said = [e.description for e in diagnosis.entries]
    assert said == [
        "[Lane: 2, Run: 1, PBox: 1, Task: 1] Exceeeded allowed failed jobs threshold.",
        "Stopping execution...",
        "[Lane: 2, Run: 1] Initiating stop...",
        "Stopped execution.",
    ]
    data = diagnosis.to_dict()
    assert data["plan"] == {"operation": "rerun", "laneIndex": 2, "runNumber": 1}
    assert data["entries"][1]["details"] == {"reason": "failure"}
    assert data["auditLog"] == {"read": True, "error": None}


def test_only_the_current_incarnation_counts(virtual_client: Any, fake: FakeOneprovider) -> None:
    lane = LaneSpec(
        outcomes=[Outcome.FAIL, Outcome.FAIL_ITEMS], instant_failure_exception_threshold=1.0
    )
    wid = ended(lane)(fake)
    assert virtual_client.diagnose(wid).kind is FailureKind.RUN_FAILED
    virtual_client.rerun(wid, 1, 1)
    fake.advance(300)
    diagnosis = virtual_client.diagnose(wid)
    assert diagnosis.kind is FailureKind.ITEMS_FAILED
    assert (diagnosis.run.run_number, diagnosis.plan.operation) == (2, "retry")
    assert not any("streamed results" in (e.description or "") for e in diagnosis.entries)


def test_without_the_audit_log(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = ended(THRESHOLD, LaneSpec())(fake)
    fake.remove_audit_log(wid)
    diagnosis = virtual_client.diagnose(wid)
    assert diagnosis.kind is FailureKind.RUN_FAILED, "a threshold cannot be told without the log"
    assert (diagnosis.log_read, diagnosis.log_error) == (False, "the execution has no audit log")
    assert "without the audit log: the execution has no audit log" in diagnosis.reason
    assert diagnosis.next_step is NextStep.RERUN
    paused = user("pause")(fake)
    fake.remove_audit_log(paused)
    assert virtual_client.diagnose(paused).kind is FailureKind.PAUSED


def test_a_log_that_cannot_be_read_leaves_the_details(
    virtual_client: Any, fake: FakeOneprovider
) -> None:
    wid = ended(ITEMS)(fake)
    fake.inject(Fault.http_status(500), operation="get_execution_store_dump", times=None)
    diagnosis = virtual_client.diagnose(wid)
    assert (diagnosis.kind, diagnosis.next_step) == (FailureKind.ITEMS_FAILED, NextStep.RETRY)
    assert not diagnosis.log_read
    assert diagnosis.log_error is not None
    assert "HTTP 500 internalServerError" in diagnosis.log_error


# -- the errors and the summary carry the reason ---------------------------------------


def test_execution_failed_says_why(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = ended(LaneSpec(), THRESHOLD)(fake)
    with pytest.raises(ExecutionFailed) as failed:
        virtual_client.wait_until_finished(wid, raise_on_failure=True)
    diagnosis = failed.value.diagnosis
    assert diagnosis.kind is FailureKind.THRESHOLD_EXCEEDED
    assert diagnosis.log_read
    assert failed.value.reason == diagnosis.reason
    assert "exception threshold" in str(failed.value)
    assert failed.value.lane_index == 2


def test_a_log_that_fails_does_not_hide_the_failure(
    virtual_client: Any, fake: FakeOneprovider
) -> None:
    wid = ended(LaneSpec(outcomes=[Outcome.CRASH]))(fake)
    fake.inject(Fault.refuse(), operation="get_execution_store_dump", times=None)
    with pytest.raises(ExecutionFailed) as failed:
        virtual_client.wait_until_finished(wid, raise_on_failure=True)
    assert failed.value.diagnosis.kind is FailureKind.CRASHED
    assert failed.value.diagnosis.log_error is not None
    assert fake.injected == {"refuse": 1}, "one attempt at the log: no retries"
    assert failed.value.__context__ is None


def test_nothing_to_repair_says_why(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = ended(LaneSpec(outcomes=[Outcome.INTERRUPT]))(fake)
    with pytest.raises(NothingToRepair) as nothing:
        virtual_client.rerun_from_failed_lane(wid)
    diagnosis = nothing.value.diagnosis
    assert diagnosis is not None
    assert (diagnosis.kind, diagnosis.next_step) == (FailureKind.INTERRUPTED, NextStep.RESUME)
    assert diagnosis.log_read
    assert "OpenFaaS" in (nothing.value.reason or "")
    assert nothing.value.why_not


def test_nothing_to_repair_from_plan_repair_alone() -> None:
    fake = FakeOneprovider()
    wid = ended(LaneSpec(outcomes=[Outcome.CRASH]))(fake)
    with fake.client() as client:
        execution = client.get(wid)
    with pytest.raises(NothingToRepair) as nothing:
        plan_repair(execution)
    assert nothing.value.diagnosis is None, "the pure decision reads no log"
    assert nothing.value.execution is execution
    diagnosis = diagnose(nothing.value.execution)
    assert (diagnosis.kind, diagnosis.log_read) == (FailureKind.CRASHED, False)


def test_runs_summary_says_why(virtual_client: Any, fake: FakeOneprovider) -> None:
    schema_id, revision = fake.add_workflow_schema([LaneSpec(outcomes=[Outcome.FAIL] * 3)])
    summary = virtual_client.run(fake.space_id, schema_id, revision, max_repairs=1)
    assert summary.execution.status is ExecutionStatus.FAILED
    assert summary.diagnosis.kind is FailureKind.RUN_FAILED
    assert summary.diagnosis.run.run_number == 2
    assert summary.reason == summary.diagnosis.reason
    schema_id, revision = fake.add_workflow_schema([LaneSpec()])
    done = virtual_client.run(fake.space_id, schema_id, revision)
    assert (done.diagnosis, done.reason) == (None, None)


# -- the decision itself ------------------------------------------------------------


@settings(max_examples=400)
@given(execution=executions())
def test_the_next_step_is_always_one_the_service_accepts(execution: Any) -> None:
    diagnosis = diagnose(execution, [])
    run = execution.current_run
    for step in (diagnosis.next_step, *diagnosis.alternatives):
        if step is NextStep.RETRY:
            assert diagnosis.plan is not None
            target = execution.lane(diagnosis.plan.lane_index).run(diagnosis.plan.run_number)
            assert target.is_retriable
        elif step is NextStep.RERUN:
            target = (
                execution.lane(diagnosis.plan.lane_index).run(diagnosis.plan.run_number)
                if diagnosis.plan is not None and diagnosis.plan.operation == "rerun"
                else run
            )
            assert target.is_rerunable
        elif step is NextStep.RESUME:
            assert execution.status in ("paused", "interrupted")
        elif step is NextStep.FORCE_CONTINUE:
            assert execution.status == "failed"
            assert run.lane_index < len(execution.lanes)
    if diagnosis.next_step is NextStep.NOTHING:
        assert diagnosis.plan is None


@pytest.mark.parametrize("case", ["threshold crossed", "paused by a shutdown", "crashed"])
def test_over_http(kind: str, loop: Any, case: str) -> None:
    """The served simulator, as a client elsewhere sees it: every exchange checked by the spec."""
    stage, _status, failure, _run, step, _alternatives, _words = CASES[case]
    fake = FakeOneprovider()
    wid = stage(fake)
    with (
        fake.serve() as base_url,
        make_client(
            kind, loop, base_url=base_url, token=fake.token, sleep=fake.sleep, monotonic=fake.now
        ) as client,
    ):
        diagnosis = client.diagnose(wid)
        assert (diagnosis.kind, diagnosis.next_step, diagnosis.log_read) == (failure, step, True)
        carry_out(client, wid, step, diagnosis)


def test_an_execution_already_read_saves_a_request(
    virtual_client: Any, fake: FakeOneprovider
) -> None:
    wid = ended(LaneSpec(outcomes=[Outcome.FAIL]))(fake)
    execution = virtual_client.wait_until_finished(wid)
    seen: list[str | None] = []
    fake.on_exchange = lambda operation, request, response: seen.append(operation)
    diagnosis = virtual_client.diagnose(execution)
    assert seen == ["get_execution_store_dump"]
    assert diagnosis == virtual_client.diagnose(wid)


# -- logs as the service writes them, beyond what the simulator stages --------------------


def run_of(number: int, status: str, *, retriable: bool = False) -> dict[str, Any]:
    return {
        "runNumber": number,
        "originRunNumber": None,
        "runType": "regular",
        "status": status,
        "iteratedStoreId": "s",
        "exceptionStoreId": "e",
        "parallelBoxes": [],
        "isRetriable": retriable,
        "isRerunable": True,
    }


def log_of(*entries: tuple[str, str, dict[str, Any] | None]) -> list[Any]:
    reader = DumpReader("store")
    reader.feed(
        json.dumps(
            [
                {
                    "index": str(i),
                    "timestamp": 1_700_000_000_000 + i,
                    "source": "system",
                    "severity": severity,
                    "content": {"description": text, **({"details": d} if d else {})},
                }
                for i, (severity, text, d) in enumerate(entries)
            ]
        ).encode()
    )
    return list(reader.close())


def test_a_lane_that_failed_to_prepare() -> None:
    execution = execution_of(
        "failed",
        [
            {"schemaId": "a", "runs": [run_of(1, "finished")]},
            {"schemaId": "b", "runs": [run_of(1, "failed")]},
            {"schemaId": "c", "runs": []},
        ],
    )
    entries = log_of(
        ("notice", "Scheduled execution.", None),
        (
            "critical",
            "[Lane: 3] Failed to prepare next run.",
            {"reason": {"id": "atmStoreCreationFailed", "description": "Failed to create store."}},
        ),
        ("notice", "Stopping execution...", {"reason": "failure"}),
        ("notice", "Stopped execution.", {"status": "failed"}),
    )
    diagnosis = diagnose(execution, entries)
    assert diagnosis.kind is FailureKind.RUN_FAILED
    assert (
        "Failed to prepare next run (atmStoreCreationFailed: Failed to create store)"
        in diagnosis.reason
    )
    assert (diagnosis.next_step, diagnosis.alternatives) == (
        NextStep.RERUN,
        (NextStep.FORCE_CONTINUE,),
    )
    assert [e.lane_index for e in diagnosis.entries] == [3, None, None]


def test_a_session_lost_and_a_user_entry() -> None:
    execution = execution_of("interrupted", [{"schemaId": "a", "runs": [run_of(4, "interrupted")]}])
    entries = log_of(
        ("notice", "Resuming execution...", None),
        ("critical", "Failed to acquire user session.", {"reason": {"id": "unauthorized"}}),
        ("notice", "Stopping execution...", {"reason": "interrupt"}),
        ("verbose", "[Task: 1a2b...] something new", None),
    )
    diagnosis = diagnose(execution, entries)
    assert diagnosis.kind is FailureKind.INTERRUPTED
    assert "Failed to acquire user session (unauthorized)" in diagnosis.reason
    assert diagnosis.entries[-1].message == "something new", "an unknown severity is cited"
    assert diagnose(execution, []).reason.endswith("what it had done is kept")
