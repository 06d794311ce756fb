"""The simulator's state machine: the worked example and the table of preconditions and effects."""

from __future__ import annotations

import pytest

from onedata_workflows.testing import FakeOneprovider, LaneSpec, Outcome

from .raw_api import RawApi, error_of, flags, runs

NO_FLAGS = (False, False)


def three_lanes(fake: FakeOneprovider, second: LaneSpec | None = None) -> str:
    schema_id, _ = fake.add_workflow_schema([LaneSpec(), second or LaneSpec(), LaneSpec()])
    return schema_id


def test_worked_example_step_by_step(fake: FakeOneprovider, api: RawApi) -> None:
    """semantics §3: 3 lanes, lane 2 with one automatic retry, failing twice.

    Lane 2 has no instant-failure threshold, so its retry fails only by its items.
    """
    lane2 = LaneSpec(
        max_retries=1,
        outcomes=[Outcome.FAIL_ITEMS, Outcome.FAIL_ITEMS],
        instant_failure_exception_threshold=1.0,
    )
    wid = api.schedule(three_lanes(fake, lane2))

    # 1. After schedule.
    d = api.get(wid)
    assert d["status"] == "scheduled"
    (run,) = d["lanes"][0]["runs"]
    assert run == {
        "runNumber": 1,
        "originRunNumber": None,
        "runType": "regular",
        "status": "scheduled",
        "iteratedStoreId": None,
        "exceptionStoreId": None,
        "parallelBoxes": [],
        "isRetriable": False,
        "isRerunable": False,
    }
    assert d["lanes"][1]["runs"] == d["lanes"][2]["runs"] == []

    # 2. Lane 1 prepares: the workflow is active; lane 2 is prepared in advance.
    fake.advance(1)
    d = api.get(wid)
    assert (d["status"], runs(d, 1)) == ("active", [(1, "preparing", "regular")])
    d = api.until(wid, "active")
    while not d["lanes"][1]["runs"]:
        fake.advance(0.5)
        d = api.get(wid)
    (prepared,) = d["lanes"][1]["runs"]
    assert prepared["runNumber"] is None
    assert prepared["status"] in ("preparing", "enqueued")
    assert (prepared["runType"], prepared["isRerunable"], prepared["isRetriable"]) == (
        "regular", False, False,
    )  # fmt: skip

    # 3. Lane 1 finishes, lane 2's run becomes run 1, fails, and is retried automatically.
    while runs(d, 1)[0][1] != "finished":
        fake.advance(0.5)
        d = api.get(wid)
    assert runs(d, 2)[0][0] == 1
    while len(d["lanes"][1]["runs"]) < 2:
        fake.advance(0.5)
        d = api.get(wid)
    assert d["status"] == "active"
    retry, first = d["lanes"][1]["runs"]
    assert (retry["runNumber"], retry["originRunNumber"], retry["runType"]) == (2, 1, "retry")
    assert retry["status"] == "scheduled"
    assert retry["iteratedStoreId"] == first["exceptionStoreId"]
    assert (first["runNumber"], first["status"]) == (1, "failed")
    assert flags(d, 2) == [NO_FLAGS, NO_FLAGS], "no flag is set while the workflow runs"

    # 4. Run 2 fails too: no retries left, the workflow stops and fails.
    d = api.until(wid, "stopping", step=0.25)
    assert runs(d, 2)[0] == (2, "failed", "retry")
    d = api.until(wid, "failed", step=0.25)
    assert d["lanes"][2]["runs"] == [], "the run prepared in advance is deleted"
    assert flags(d, 1) == [(True, False)]
    assert flags(d, 2) == [(True, True), (True, True)]

    # 5. Rerun lane 1 from run 1.
    lane1_store = d["lanes"][0]["runs"][0]["iteratedStoreId"]
    api.ok(wid, "rerun", {"laneIndex": 1, "laneRunNumber": 1})
    d = api.get(wid)
    assert d["status"] == "scheduled"
    rerun = d["lanes"][0]["runs"][0]
    assert (rerun["runNumber"], rerun["originRunNumber"], rerun["runType"]) == (3, 1, "rerun")
    assert (rerun["status"], rerun["exceptionStoreId"]) == ("scheduled", None)
    assert rerun["iteratedStoreId"] == lane1_store
    assert all(f == NO_FLAGS for lane in (1, 2) for f in flags(d, lane))

    # Lanes 2 and 3 run again as regular run 3, prepended to their history.
    d = api.until(wid, "finished")
    assert [r[0:3:2] for r in runs(d, 2)] == [(3, "regular"), (2, "retry"), (1, "regular")]
    assert runs(d, 3) == [(3, "finished", "regular")]


def test_worked_example_with_force_continue(fake: FakeOneprovider, api: RawApi) -> None:
    lane2 = LaneSpec(max_retries=1, outcomes=[Outcome.FAIL_ITEMS, Outcome.FAIL_ITEMS])
    wid = api.schedule(three_lanes(fake, lane2))
    api.until(wid, "failed")
    api.ok(wid, "force_continue")
    d = api.get(wid)
    assert d["status"] == "resuming"
    assert runs(d, 3) == [(2, "scheduled", "regular")]
    assert d["lanes"][2]["runs"][0]["originRunNumber"] is None
    d = api.until(wid, "finished")
    assert runs(d, 3) == [(2, "finished", "regular")]


def test_normal_end_passes_through_stopping(fake: FakeOneprovider, api: RawApi) -> None:
    wid = api.schedule(three_lanes(fake))
    seen = []
    while (status := api.status(wid)) != "finished":
        if not seen or seen[-1] != status:
            seen.append(status)
        fake.advance(0.5)
    assert seen == ["scheduled", "active", "stopping"]
    d = api.get(wid)
    assert [runs(d, lane) for lane in (1, 2, 3)] == [[(1, "finished", "regular")]] * 3
    assert all(f == (True, False) for lane in (1, 2, 3) for f in flags(d, lane))


@pytest.mark.parametrize(
    ("outcome", "workflow", "lane_run", "rerunable", "retriable"),
    [
        (Outcome.FAIL_ITEMS, "failed", "failed", True, True),
        (Outcome.FAIL, "failed", "failed", True, False),
        (Outcome.CRASH, "crashed", "crashed", False, False),
        (Outcome.INTERRUPT, "interrupted", "interrupted", False, False),
    ],
)
def test_outcomes(
    fake: FakeOneprovider,
    api: RawApi,
    outcome: Outcome,
    workflow: str,
    lane_run: str,
    rerunable: bool,
    retriable: bool,
) -> None:
    wid = api.schedule(three_lanes(fake, LaneSpec(outcomes=[outcome])))
    d = api.until(wid, workflow)
    assert runs(d, 2) == [(1, lane_run, "regular")]
    assert flags(d, 2) == [(rerunable, retriable)]
    assert d["lanes"][2]["runs"] == []
    if workflow == "interrupted":
        assert d["suspendTime"] > 0
        assert d["finishTime"] == 0
    else:
        assert d["finishTime"] > 0


def test_automatic_retries_up_to_max_retries(fake: FakeOneprovider, api: RawApi) -> None:
    lane = LaneSpec(
        max_retries=2, outcomes=[Outcome.FAIL_ITEMS] * 2, instant_failure_exception_threshold=1.0
    )
    schema_id, _ = fake.add_workflow_schema([lane, LaneSpec()])
    wid = api.schedule(schema_id)
    d = api.until(wid, "finished")
    assert runs(d, 1) == [
        (3, "finished", "retry"),
        (2, "failed", "retry"),
        (1, "failed", "regular"),
    ]
    assert [r["originRunNumber"] for r in d["lanes"][0]["runs"]] == [2, 1, None]
    assert runs(d, 2) == [(3, "finished", "regular")], "later lanes continue with the new number"
    assert flags(d, 1) == [(True, False), (True, True), (True, True)], (
        "a finished execution can still hold retriable failed runs"
    )


def test_timestamps_are_never_reset(fake: FakeOneprovider, api: RawApi) -> None:
    wid = api.schedule(three_lanes(fake, LaneSpec(outcomes=[Outcome.FAIL])))
    failed = api.until(wid, "failed")
    fake.advance(5)
    api.ok(wid, "rerun", {"laneIndex": 2, "laneRunNumber": 1})
    d = api.get(wid)
    assert d["status"] == "scheduled"
    assert d["finishTime"] == failed["finishTime"], "finishTime keeps the previous end"
    assert d["scheduleTime"] == int(fake.now())
    api.until(wid, "active")
    api.ok(wid, "pause")
    paused = api.until(wid, "paused")
    api.ok(wid, "resume")
    fake.advance(1)
    assert api.get(wid)["suspendTime"] == paused["suspendTime"], "suspendTime keeps its value"


# -- pause ------------------------------------------------------------------


@pytest.mark.parametrize("when", ["scheduled", "active", "resuming"])
def test_pause_of_waiting_or_ongoing(fake: FakeOneprovider, api: RawApi, when: str) -> None:
    wid = api.schedule(three_lanes(fake))
    if when != "scheduled":
        api.until(wid, "active")
    if when == "resuming":
        api.ok(wid, "pause")
        api.until(wid, "paused")
        api.ok(wid, "resume")
    assert api.status(wid) == when
    api.ok(wid, "pause")
    d = api.get(wid)
    assert d["status"] == "stopping"
    current = next(lane["runs"][0] for lane in d["lanes"] if lane["runs"])
    assert current["status"] == "stopping"
    d = api.until(wid, "paused")
    assert runs(d, 1)[0][:2] == (1, "paused")
    assert d["suspendTime"] == int(fake.now())
    assert flags(d, 1) == [NO_FLAGS], "suspended executions cannot be repeated"


def test_pause_while_stopping_for_a_stronger_reason_is_ignored(
    fake: FakeOneprovider, api: RawApi
) -> None:
    wid = api.schedule(three_lanes(fake))
    api.until(wid, "active")
    api.ok(wid, "cancel")
    api.ok(wid, "pause")
    assert api.until(wid, "cancelled")["status"] == "cancelled"


def test_cancel_overrides_pause(fake: FakeOneprovider, api: RawApi) -> None:
    wid = api.schedule(three_lanes(fake))
    api.until(wid, "active")
    api.ok(wid, "pause")
    api.ok(wid, "cancel")
    d = api.until(wid, "cancelled")
    assert runs(d, 1)[0][1] == "cancelled"


@pytest.mark.parametrize("suspension", ["paused", "interrupted"])
def test_pause_of_suspended_is_an_invalid_transition(
    fake: FakeOneprovider, api: RawApi, suspension: str
) -> None:
    wid = suspended(fake, api, suspension)
    response = api.act(wid, "pause")
    assert error_of(response) == (400, "atmInvalidStatusTransition")
    assert response.json()["error"]["details"] == {
        "prevStatus": suspension,
        "newStatus": "stopping",
    }


@pytest.mark.parametrize("action", ["pause", "cancel"])
def test_pause_or_cancel_of_ended(fake: FakeOneprovider, api: RawApi, action: str) -> None:
    wid = api.schedule(three_lanes(fake))
    api.until(wid, "finished")
    assert error_of(api.act(wid, action)) == (400, "atmWorkflowExecutionEnded")


@pytest.mark.parametrize(
    ("outcome", "ended"), [(Outcome.FINISH, "finished"), (Outcome.FAIL_ITEMS, "failed")]
)
@pytest.mark.parametrize("action", ["pause", "cancel"])
def test_stop_after_last_lane_ended_is_an_invalid_transition(
    fake: FakeOneprovider, api: RawApi, action: str, outcome: Outcome, ended: str
) -> None:
    schema_id, _ = fake.add_workflow_schema([LaneSpec(outcomes=[outcome])])
    wid = api.schedule(schema_id)
    api.until(wid, "stopping")
    response = api.act(wid, action)
    assert error_of(response) == (400, "atmInvalidStatusTransition")
    assert response.json()["error"]["details"] == {"prevStatus": ended, "newStatus": "stopping"}


@pytest.mark.parametrize("action", ["pause", "cancel"])
def test_stopping_a_waiting_execution_starts_it(
    fake: FakeOneprovider, api: RawApi, action: str
) -> None:
    """The stop passes through the ongoing phase, which sets startTime."""
    wid = api.schedule(three_lanes(fake))
    fake.advance(0.5)
    assert api.get(wid)["startTime"] == 0
    api.ok(wid, action)
    d = api.get(wid)
    assert (d["status"], d["startTime"]) == ("stopping", int(fake.now()))
    assert wid in api.list("ongoing")["atmWorkflowExecutions"]
    d = api.until(wid, "paused" if action == "pause" else "cancelled")
    assert d["startTime"] > 0


# -- cancel -----------------------------------------------------------------


@pytest.mark.parametrize("when", ["scheduled", "active"])
def test_cancel_of_running(fake: FakeOneprovider, api: RawApi, when: str) -> None:
    wid = api.schedule(three_lanes(fake))
    if when == "active":
        api.until(wid, "active")
    api.ok(wid, "cancel")
    assert api.status(wid) == "stopping"
    d = api.until(wid, "cancelled")
    assert flags(d, 1) == [(True, False)]


@pytest.mark.parametrize("suspension", ["paused", "interrupted"])
def test_cancel_of_suspended_happens_within_the_request(
    fake: FakeOneprovider, api: RawApi, suspension: str
) -> None:
    wid = suspended(fake, api, suspension)
    start_before = api.get(wid)["startTime"]
    fake.advance(7)
    api.ok(wid, "cancel")
    d = api.get(wid)
    assert d["status"] == "cancelled"
    assert d["finishTime"] == int(fake.now())
    assert d["startTime"] == int(fake.now()) != start_before, "cancel overwrites startTime"


def test_cancel_while_crashing_is_ignored(fake: FakeOneprovider, api: RawApi) -> None:
    wid = api.schedule(three_lanes(fake, LaneSpec(outcomes=[Outcome.CRASH])))
    api.until(wid, "stopping")
    api.ok(wid, "cancel")
    assert api.until(wid, "crashed")["status"] == "crashed"


# -- resume -----------------------------------------------------------------


@pytest.mark.parametrize("suspension", ["paused", "interrupted"])
def test_resume_continues_the_same_run(fake: FakeOneprovider, api: RawApi, suspension: str) -> None:
    wid = suspended(fake, api, suspension)
    before = api.get(wid)
    api.ok(wid, "resume")
    d = api.get(wid)
    assert d["status"] == "resuming"
    assert d["scheduleTime"] == int(fake.now())
    current = next(lane for lane in range(3, 0, -1) if runs(d, lane))
    assert runs(d, current)[0][:2] == (runs(before, current)[0][0], "resuming")
    d = api.until(wid, "finished")
    assert len(d["lanes"][current - 1]["runs"]) == len(before["lanes"][current - 1]["runs"])


@pytest.mark.parametrize(
    "when", ["scheduled", "active", "finished", "failed", "cancelled", "crashed"]
)
def test_resume_of_anything_else(fake: FakeOneprovider, api: RawApi, when: str) -> None:
    wid = execution_in(fake, api, when)
    assert error_of(api.act(wid, "resume")) == (400, "atmWorkflowExecutionNotResumable")


# -- force_continue ---------------------------------------------------------


@pytest.mark.parametrize(
    "when", ["active", "paused", "finished", "cancelled", "crashed", "failed-last"]
)
def test_force_continue_refused(fake: FakeOneprovider, api: RawApi, when: str) -> None:
    if when == "failed-last":
        schema_id, _ = fake.add_workflow_schema([LaneSpec(), LaneSpec(outcomes=[Outcome.FAIL])])
        wid = api.schedule(schema_id)
        api.until(wid, "failed")
    else:
        wid = execution_in(fake, api, when)
    assert error_of(api.act(wid, "force_continue")) == (400, "atmWorkflowExecutionNotResumable")


# -- rerun and retry --------------------------------------------------------


@pytest.mark.parametrize("action", ["rerun", "retry"])
@pytest.mark.parametrize("when", ["scheduled", "active", "paused", "interrupted"])
def test_repeat_of_not_ended(fake: FakeOneprovider, api: RawApi, action: str, when: str) -> None:
    wid = execution_in(fake, api, when)
    response = api.act(wid, action, {"laneIndex": 1, "laneRunNumber": 1})
    assert error_of(response) == (400, "atmWorkflowExecutionNotEnded")


@pytest.mark.parametrize("action", ["rerun", "retry"])
@pytest.mark.parametrize(("lane", "run"), [(4, 1), (2, 2), (1, 7)])
def test_repeat_of_unknown_lane_or_run(
    fake: FakeOneprovider, api: RawApi, action: str, lane: int, run: int
) -> None:
    wid = execution_in(fake, api, "failed")
    response = api.act(wid, action, {"laneIndex": lane, "laneRunNumber": run})
    assert error_of(response) == (404, "notFound")


@pytest.mark.parametrize(
    ("action", "error"),
    [("rerun", "atmLaneExecutionRerunFailed"), ("retry", "atmLaneExecutionRetryFailed")],
)
def test_repeat_in_crashed_execution(
    fake: FakeOneprovider, api: RawApi, action: str, error: str
) -> None:
    wid = execution_in(fake, api, "crashed")
    assert error_of(api.act(wid, action, {"laneIndex": 1, "laneRunNumber": 1})) == (400, error)


def test_retry_needs_a_run_whose_items_failed(fake: FakeOneprovider, api: RawApi) -> None:
    wid = api.schedule(three_lanes(fake, LaneSpec(outcomes=[Outcome.FAIL])))
    api.until(wid, "failed")
    finished_run = {"laneIndex": 1, "laneRunNumber": 1}
    hard_failure = {"laneIndex": 2, "laneRunNumber": 1}
    assert error_of(api.act(wid, "retry", finished_run)) == (400, "atmLaneExecutionRetryFailed")
    assert error_of(api.act(wid, "retry", hard_failure)) == (400, "atmLaneExecutionRetryFailed")
    api.ok(wid, "rerun", hard_failure)
    d = api.get(wid)
    assert runs(d, 2)[0] == (2, "scheduled", "rerun")


def test_retry_iterates_the_exception_store(fake: FakeOneprovider, api: RawApi) -> None:
    wid = api.schedule(three_lanes(fake, LaneSpec(outcomes=[Outcome.FAIL_ITEMS])))
    d = api.until(wid, "failed")
    exception_store = d["lanes"][1]["runs"][0]["exceptionStoreId"]
    api.ok(wid, "retry", {"laneIndex": 2, "laneRunNumber": 1})
    d = api.get(wid)
    retry = d["lanes"][1]["runs"][0]
    assert (retry["runNumber"], retry["originRunNumber"], retry["runType"]) == (2, 1, "retry")
    assert retry["iteratedStoreId"] == exception_store
    d = api.until(wid, "finished")
    assert runs(d, 3) == [(2, "finished", "regular")]


def test_retry_in_a_cancelled_execution(fake: FakeOneprovider, api: RawApi) -> None:
    lane1 = LaneSpec(max_retries=1, outcomes=[Outcome.FAIL_ITEMS])
    schema_id, _ = fake.add_workflow_schema([lane1, LaneSpec(duration=100)])
    wid = api.schedule(schema_id)
    while runs(api.get(wid), 2) == [] or runs(api.get(wid), 2)[0][0] is None:
        fake.advance(0.5)
    api.ok(wid, "cancel")
    d = api.until(wid, "cancelled")
    assert flags(d, 1)[1] == (True, True), "lane 1's failed run 1 stays retriable"
    api.ok(wid, "retry", {"laneIndex": 1, "laneRunNumber": 1})
    assert runs(api.get(wid), 1)[0] == (3, "scheduled", "retry")


def test_manual_repeat_of_the_failed_lane_gets_no_automatic_retries(
    fake: FakeOneprovider, api: RawApi
) -> None:
    lane2 = LaneSpec(max_retries=1, outcomes=[Outcome.FAIL_ITEMS] * 3)
    lane3 = LaneSpec(max_retries=1, outcomes=[Outcome.FAIL_ITEMS])
    wid = api.schedule(_schema(fake, [LaneSpec(), lane2, lane3]))
    api.until(wid, "failed")
    api.ok(wid, "rerun", {"laneIndex": 2, "laneRunNumber": 2})
    d = api.until(wid, "failed")
    assert runs(d, 2)[0] == (3, "failed", "rerun"), "no automatic retry after the rerun"
    assert runs(d, 3) == []


def test_later_lanes_keep_their_automatic_retries(fake: FakeOneprovider, api: RawApi) -> None:
    lane2 = LaneSpec(outcomes=[Outcome.FAIL_ITEMS])
    lane3 = LaneSpec(max_retries=1, outcomes=[Outcome.FAIL_ITEMS])
    wid = api.schedule(_schema(fake, [LaneSpec(), lane2, lane3]))
    api.until(wid, "failed")
    api.ok(wid, "retry", {"laneIndex": 2, "laneRunNumber": 1})
    d = api.until(wid, "finished")
    assert runs(d, 3) == [(3, "finished", "retry"), (2, "failed", "regular")]


def test_a_rerun_of_a_run_never_prepared_reports_retry_until_prepared(
    fake: FakeOneprovider, api: RawApi
) -> None:
    """The service tells rerun from retry by comparing store ids, both unset here."""
    wid = api.schedule(three_lanes(fake))
    api.ok(wid, "cancel")  # while scheduled: lane 1's run is never prepared
    d = api.until(wid, "cancelled")
    never = d["lanes"][0]["runs"][0]
    assert (never["iteratedStoreId"], never["exceptionStoreId"]) == (None, None)
    assert (never["isRerunable"], never["isRetriable"]) == (True, False)
    api.ok(wid, "rerun", {"laneIndex": 1, "laneRunNumber": 1})
    d = api.get(wid)
    assert runs(d, 1)[0] == (2, "scheduled", "retry")
    assert d["lanes"][0]["runs"][0]["originRunNumber"] == 1
    while d["lanes"][0]["runs"][0]["iteratedStoreId"] is None:
        fake.advance(0.5)
        d = api.get(wid)
    assert runs(d, 1)[0][2] == "rerun", "prepared, it iterates the lane's store"
    assert api.until(wid, "finished")["lanes"][0]["runs"][0]["runType"] == "rerun"


# -- delete -----------------------------------------------------------------


@pytest.mark.parametrize("when", ["scheduled", "active"])
def test_delete_of_running(fake: FakeOneprovider, api: RawApi, when: str) -> None:
    wid = execution_in(fake, api, when)
    assert error_of(api.act(wid, "delete")) == (400, "atmWorkflowExecutionNotStopped")


@pytest.mark.parametrize(
    "when", ["paused", "interrupted", "finished", "failed", "cancelled", "crashed"]
)
def test_delete_of_stopped(fake: FakeOneprovider, api: RawApi, when: str) -> None:
    wid = execution_in(fake, api, when)
    api.ok(wid, "delete")
    assert error_of(api.http.get(f"/automation/execution/workflows/{wid}")) == (404, "notFound")
    assert error_of(api.act(wid, "delete")) == (404, "notFound")
    assert wid not in api.list(phase=api_phase(when))["atmWorkflowExecutions"]


# -- helpers ----------------------------------------------------------------


def _schema(fake: FakeOneprovider, lanes: list[LaneSpec]) -> str:
    return fake.add_workflow_schema(lanes)[0]


def api_phase(status: str) -> str:
    return {"paused": "suspended", "interrupted": "suspended"}.get(status, "ended")


def suspended(fake: FakeOneprovider, api: RawApi, how: str) -> str:
    if how == "interrupted":
        wid = api.schedule(three_lanes(fake, LaneSpec(outcomes=[Outcome.INTERRUPT])))
        api.until(wid, "interrupted")
        return wid
    wid = api.schedule(three_lanes(fake))
    api.until(wid, "active")
    api.ok(wid, "pause")
    api.until(wid, "paused")
    return wid


def execution_in(fake: FakeOneprovider, api: RawApi, status: str) -> str:
    """A fresh execution brought to ``status``."""
    if status in ("paused", "interrupted"):
        return suspended(fake, api, status)
    outcome = {"failed": Outcome.FAIL_ITEMS, "crashed": Outcome.CRASH}.get(status, Outcome.FINISH)
    wid = api.schedule(three_lanes(fake, LaneSpec(outcomes=[outcome])))
    if status == "scheduled":
        return wid
    if status == "cancelled":
        api.ok(wid, "cancel")
    api.until(wid, "finished" if status == "finished" else status)
    return wid
