"""The provider going down and coming back, overload, and Onezone out of reach."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import httpx
import pytest

from onedata_workflows.testing import FakeOneprovider, LaneSpec, Outcome, Timing

from .raw_api import WORKFLOWS, RawApi, error_of, runs

URL = "https://tools.example.com/onedata-callback"


class Callbacks:
    """Records the statuses each completion callback carried."""

    def __init__(self) -> None:
        self.statuses: list[str] = []

    def __call__(self, url: str, payload: Mapping[str, str]) -> bool:
        self.statuses.append(payload["status"])
        return True


@pytest.fixture
def callbacks() -> Callbacks:
    return Callbacks()


@pytest.fixture
def fake(callbacks: Callbacks) -> FakeOneprovider:
    return FakeOneprovider(callback_sender=callbacks)


@pytest.fixture
def api(fake: FakeOneprovider) -> Iterator[RawApi]:
    with RawApi(fake) as raw:
        yield raw


def long_running(fake: FakeOneprovider, api: RawApi, *outcomes: Outcome) -> str:
    schema_id, _ = fake.add_workflow_schema([LaneSpec(duration=100, outcomes=list(outcomes))])
    return api.schedule(schema_id, callback=URL)


def status(fake: FakeOneprovider, wid: str) -> str:
    """The status as the provider holds it, readable while it answers nothing."""
    value: str = fake.execution(wid)["status"]
    return value


# -- stopping and restarting the provider -----------------------------------------


def test_a_stopped_provider_refuses_connections(fake: FakeOneprovider, api: RawApi) -> None:
    wid = long_running(fake, api)
    fake.stop_provider()
    assert not fake.running
    with pytest.raises(httpx.ConnectError):
        api.http.get(f"{WORKFLOWS}/{wid}")
    fake.restart_provider()
    assert api.status(wid) == "paused"


def test_a_graceful_stop_pauses_and_the_restart_resumes(
    fake: FakeOneprovider, api: RawApi, callbacks: Callbacks
) -> None:
    wid = long_running(fake, api)
    api.until(wid, "active")
    fake.advance(30)
    fake.stop_provider()
    assert status(fake, wid) == "paused"
    fake.advance(3600)
    assert status(fake, wid) == "paused", "nothing moves while the provider is down"
    fake.restart_provider()
    fake.advance(Timing().restart - 1)
    assert api.status(wid) == "paused", "the restart procedure comes a little later"
    fake.advance(1)
    d = api.get(wid)
    assert d["status"] == "resuming"
    assert runs(d, 1) == [(1, "resuming", "regular")], "the same run goes on"
    d = api.until(wid, "finished")
    assert runs(d, 1) == [(1, "finished", "regular")]
    assert callbacks.statuses == ["paused", "finished"]


def test_a_crash_interrupts_and_the_restart_resumes(
    fake: FakeOneprovider, api: RawApi, callbacks: Callbacks
) -> None:
    wid = long_running(fake, api)
    api.until(wid, "active")
    fake.stop_provider(graceful=False)
    assert status(fake, wid) == "active", "left running on paper"
    fake.restart_provider()
    assert api.status(wid) == "active"
    fake.advance(Timing().restart)
    d = api.get(wid)
    assert d["status"] == "resuming"
    assert d["suspendTime"] == int(fake.now()), "it was interrupted on the way"
    assert callbacks.statuses == ["interrupted"]
    d = api.until(wid, "finished")
    assert runs(d, 1) == [(1, "finished", "regular")]
    assert callbacks.statuses == ["interrupted", "finished"]


def test_a_crash_keeps_the_work_done(fake: FakeOneprovider, api: RawApi) -> None:
    wid = long_running(fake, api)  # 100 s of work
    api.until(wid, "active")
    fake.advance(80)
    fake.stop_provider(graceful=False)
    fake.advance(1000)
    fake.restart_provider()
    resumed_at = fake.now() + Timing().restart
    d = api.until(wid, "finished")
    assert d["finishTime"] - resumed_at < 50, "only the 20 s left are done after the restart"


def test_user_suspensions_survive_a_restart(fake: FakeOneprovider, api: RawApi) -> None:
    wid = long_running(fake, api)
    api.until(wid, "active")
    api.ok(wid, "pause")
    api.until(wid, "paused")
    fake.restart_provider()
    fake.advance(600)
    assert api.status(wid) == "paused"


def test_a_stop_in_progress_for_a_stronger_reason_ends_with_it(
    fake: FakeOneprovider, api: RawApi, callbacks: Callbacks
) -> None:
    wid = long_running(fake, api)
    api.until(wid, "active")
    api.ok(wid, "cancel")
    fake.stop_provider(graceful=False)
    assert status(fake, wid) == "stopping"
    fake.restart_provider()
    fake.advance(600)
    assert api.status(wid) == "cancelled"
    assert callbacks.statuses == ["cancelled"]


def test_a_waiting_execution_is_paused_and_resumed(fake: FakeOneprovider, api: RawApi) -> None:
    wid = long_running(fake, api)
    fake.stop_provider()
    assert fake.execution(wid)["startTime"] > 0, "stopping passes through the ongoing phase"
    fake.restart_provider()
    assert api.until(wid, "finished")["status"] == "finished"


def test_the_restart_procedure_waits_for_onezone(fake: FakeOneprovider, api: RawApi) -> None:
    wid = long_running(fake, api)
    api.until(wid, "active")
    fake.stop_provider()
    fake.disconnect_onezone()
    fake.restart_provider()
    fake.advance(10 * Timing().restart)
    assert api.status(wid) == "paused"
    fake.reconnect_onezone()
    fake.advance(Timing().restart)
    assert api.status(wid) == "resuming"


def test_restarting_a_running_provider_stops_it_gracefully_first(
    fake: FakeOneprovider, api: RawApi
) -> None:
    wid = long_running(fake, api)
    api.until(wid, "active")
    fake.restart_provider()
    assert fake.running
    assert api.status(wid) == "paused"
    fake.advance(Timing().restart)
    assert api.status(wid) == "resuming"


def test_nothing_is_scheduled_directly_on_a_stopped_provider(fake: FakeOneprovider) -> None:
    schema_id, _ = fake.add_workflow_schema([LaneSpec()])
    fake.stop_provider()
    with pytest.raises(RuntimeError, match="stopped"):
        fake.schedule_execution(schema_id)


# -- overload: the circuit breaker ------------------------------------------------


def test_an_open_circuit_breaker_refuses_every_request(fake: FakeOneprovider, api: RawApi) -> None:
    wid = long_running(fake, api)
    schema_id, _ = fake.add_workflow_schema([LaneSpec()])
    fake.open_circuit_breaker()
    answers = [
        api.http.get(f"{WORKFLOWS}/{wid}"),
        api.http.get(f"/spaces/{fake.space_id}{WORKFLOWS}"),
        api.schedule_response(schema_id),
        api.act(wid, "pause"),
        api.act("no-such-execution", "rerun", {}),
    ]
    for response in answers:
        assert error_of(response) == (503, "serviceUnavailable")
        assert response.json()["error"]["description"] == (
            "Service required for this operation is offline."
        )
    with RawApi(fake, "not-a-token") as stranger:
        assert error_of(stranger.http.get(f"{WORKFLOWS}/{wid}")) == (401, "unauthorized")
    fake.advance(200)
    fake.close_circuit_breaker()
    assert api.status(wid) == "finished", "executions went on meanwhile"


def test_the_circuit_breaker_can_close_by_itself(fake: FakeOneprovider, api: RawApi) -> None:
    wid = long_running(fake, api)
    fake.open_circuit_breaker(seconds=30)
    fake.advance(29)
    assert error_of(api.http.get(f"{WORKFLOWS}/{wid}")) == (503, "serviceUnavailable")
    fake.advance(1)
    assert api.status(wid) == "active"


# -- Onezone out of reach -------------------------------------------------------------


def test_scheduling_needs_onezone(fake: FakeOneprovider, api: RawApi) -> None:
    wid = long_running(fake, api)
    schema_id, _ = fake.add_workflow_schema([LaneSpec()])
    fake.disconnect_onezone(seconds=60)
    response = api.schedule_response(schema_id)
    assert error_of(response) == (503, "noConnectionToOnezone")
    assert response.json()["error"]["description"] == "No connection to Onezone."
    assert error_of(api.schedule_response(schema_id, logLevel="loud")) == (
        400, "badValueNotAllowed",
    ), "the request is validated first"  # fmt: skip
    assert api.status(wid) == "scheduled", "other operations go on"
    assert api.list("waiting")["atmWorkflowExecutions"] == [wid]
    api.ok(wid, "pause")
    fake.advance(60)
    assert api.schedule_response(schema_id).status_code == 201
