"""Waiting for executions, on the simulator's virtual clock: nothing here sleeps."""

from __future__ import annotations

import asyncio
import inspect
import logging
import random
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onedata_workflows import (
    AsyncWorkflowClient,
    EventKind,
    ExecutionFailed,
    ExecutionStatus,
    NotFoundError,
    PollPolicy,
    UnauthorizedError,
    WaitTimeout,
    WorkflowClient,
)
from onedata_workflows._waiting import Waiter
from onedata_workflows.testing import FakeOneprovider, Fault, LaneSpec, Outcome

from .clients import make_client

START = 1_767_225_600.0
# Polls every half second: it sees every step (the shortest last a second), so exact
# sequences can be asserted. The default policy may skip a short step, by design.
FINE = PollPolicy(initial=0.5, maximum=0.5, jitter=False)


def schedule(fake: FakeOneprovider, *lanes: LaneSpec) -> str:
    return fake.schedule_execution(fake.add_workflow_schema(list(lanes))[0])


def simulated(fake: FakeOneprovider) -> float:
    return fake.now() - START


def test_a_quick_run_is_seen_ending_quickly(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = schedule(fake, LaneSpec(duration=3))
    execution = virtual_client.wait_until_finished(wid)
    assert execution.status is ExecutionStatus.FINISHED
    ended = execution.finish_time.timestamp() - START
    assert simulated(fake) - ended <= 2 * PollPolicy().initial + 1, (
        "seen within a couple of seconds"
    )


def test_an_hours_long_run_is_seen_ending(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = schedule(fake, LaneSpec(duration=3 * 3600))
    execution = virtual_client.wait_until_finished(wid, timeout=4 * 3600)
    assert execution.status is ExecutionStatus.FINISHED
    ended = execution.finish_time.timestamp() - START
    assert simulated(fake) - ended <= PollPolicy().maximum, "seen within one ceiling interval"


def test_poll_count_for_a_long_run(fake: FakeOneprovider) -> None:
    wid = schedule(fake, LaneSpec(duration=3 * 3600))
    counted: list[httpx.Request] = []
    transport = fake.transport()

    def counting(request: httpx.Request) -> httpx.Response:
        counted.append(request)
        return transport.handle_request(request)

    with WorkflowClient(
        base_url=fake.base_url,
        token=fake.token,
        transport=httpx.MockTransport(counting),
        sleep=fake.advance,
        monotonic=fake.now,
    ) as client:
        client.wait_until_finished(wid, timeout=4 * 3600)
    # Full jitter between 1 s and the 60 s ceiling averages ~30 s: two requests a minute,
    # against 10 800 for a fixed 1 s poll.
    assert len(counted) <= 3 * 3600 / 25


def test_stopping_is_never_the_end(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = schedule(fake, LaneSpec(duration=2))
    statuses = [
        e.new for e in virtual_client.watch(wid, poll=FINE) if e.kind is EventKind.EXECUTION_STATUS
    ]
    assert statuses[-2:] == ["stopping", "finished"]


def test_events_fire_once_per_change_and_match_watch(
    virtual_client: Any, fake: FakeOneprovider
) -> None:
    lanes = [
        LaneSpec(duration=5),
        LaneSpec(duration=5, max_retries=1, outcomes=[Outcome.FAIL_ITEMS]),
    ]
    seen: list[Any] = []
    virtual_client.wait_until_finished(schedule(fake, *lanes), on_update=seen.append, poll=FINE)
    watched = list(virtual_client.watch(schedule(fake, *lanes), poll=FINE))
    describe = [(e.kind, e.old, e.new, e.lane_index, e.run_number) for e in seen]
    assert describe == [(e.kind, e.old, e.new, e.lane_index, e.run_number) for e in watched]
    assert len(set(describe)) == len(describe), "no change is reported twice"
    assert (EventKind.NEW_LANE_RUN, None, "scheduled", 2, 2) in describe, "the automatic retry"
    assert (EventKind.LANE_RUN_STATUS, "active", "failed", 2, 1) in describe
    assert describe[0] == (EventKind.EXECUTION_STATUS, None, "scheduled", None, None)
    assert describe[-1][:3] == (EventKind.EXECUTION_STATUS, "stopping", "finished")


def test_a_suspension_ends_the_wait_by_default(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = schedule(fake, LaneSpec(outcomes=[Outcome.INTERRUPT]))
    execution = virtual_client.wait_until_finished(wid)
    assert execution.status is ExecutionStatus.INTERRUPTED
    assert execution.is_suspended


def test_pause_and_resume_during_a_wait(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = schedule(fake, LaneSpec(duration=100))
    statuses: list[str] = []

    def operator(event: Any) -> None:
        # Someone pauses the execution mid-run and resumes it a little later.
        if event.kind is not EventKind.EXECUTION_STATUS:
            return
        statuses.append(event.new)
        if event.new == "active" and "paused" not in statuses:
            fake_client.pause(wid)
        if event.new == "paused":
            fake.advance(10)
            fake_client.resume(wid)

    with WorkflowClient(
        base_url=fake.base_url, token=fake.token, transport=fake.transport()
    ) as fake_client:
        execution = virtual_client.wait_until_finished(
            wid, on_update=operator, wait_through_suspension=True, poll=FINE
        )
    assert execution.status is ExecutionStatus.FINISHED
    assert statuses == [
        "scheduled",
        "active",
        "stopping",
        "paused",
        "resuming",
        "active",
        "stopping",
        "finished",
    ]


def test_an_unknown_status_is_polled_through_and_logged_once(
    fake: FakeOneprovider, caplog: pytest.LogCaptureFixture
) -> None:
    wid = schedule(fake, LaneSpec(duration=30))
    transport = fake.transport()
    pauses: list[float] = []

    def newer_provider(request: httpx.Request) -> httpx.Response:
        response = transport.handle_request(request)
        body = response.json()
        if body.get("status") == "active":
            body["status"] = "rebalancing"  # a status this library does not know
        return httpx.Response(response.status_code, json=body)

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        fake.advance(seconds)

    caplog.set_level(logging.WARNING, logger="onedata_workflows")
    with WorkflowClient(
        base_url=fake.base_url,
        token=fake.token,
        transport=httpx.MockTransport(newer_provider),
        sleep=sleep,
        monotonic=fake.now,
    ) as client:
        execution = client.wait_until_finished(wid)
    assert execution.status is ExecutionStatus.FINISHED, "no early return on the unknown status"
    assert [r.getMessage() for r in caplog.records].count(
        f"execution {wid} has status 'rebalancing', unknown to this library; still waiting"
    ) == 1
    assert min(pauses) >= PollPolicy().initial, "no tight loop"
    assert max(pauses) > 4 * PollPolicy().initial, "it backs off"


@pytest.mark.parametrize(
    "faults",
    [
        [Fault.http_status(503)],
        [Fault.refuse(), Fault.reset()],
        [Fault.html(502), Fault.truncated(), Fault.http_status(504)],
    ],
)
def test_transient_failures_are_polled_through(
    virtual_client: Any, fake: FakeOneprovider, faults: list[Fault]
) -> None:
    wid = schedule(fake, LaneSpec(duration=120), LaneSpec(duration=60))
    fake.inject_random(faults, rate=0.3)
    execution = virtual_client.wait_until_finished(wid)
    assert execution.status is ExecutionStatus.FINISHED
    assert sum(fake.injected.values()) > 3


def test_transient_failures_are_counted_and_reported(fake: FakeOneprovider) -> None:
    wid = schedule(fake, LaneSpec(duration=1000))
    fake.inject(Fault.http_status(503), times=None)
    with (
        WorkflowClient(
            base_url=fake.base_url,
            token=fake.token,
            transport=fake.transport(),
            sleep=fake.advance,
            monotonic=fake.now,
        ) as client,
        pytest.raises(WaitTimeout) as timeout,
    ):
        client.wait_until_finished(wid, timeout=120)
    assert timeout.value.execution is None, "no poll ever succeeded"
    assert timeout.value.transient_errors == timeout.value.polls == fake.injected["status 503"]
    assert "503" in str(timeout.value.last_error)


def test_retry_after_is_honoured_while_waiting(fake: FakeOneprovider) -> None:
    wid = schedule(fake, LaneSpec(duration=200))
    pauses: list[float] = []
    fake.inject(Fault.http_status(503, retry_after=45), operation="get_workflow_execution_details")

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        fake.advance(seconds)

    with WorkflowClient(
        base_url=fake.base_url,
        token=fake.token,
        transport=fake.transport(),
        sleep=sleep,
        monotonic=fake.now,
    ) as client:
        client.wait_until_finished(wid)
    assert pauses[0] == 45


@pytest.mark.parametrize("error", ["404", "401"])
def test_fatal_errors_end_the_wait_at_once(
    fake: FakeOneprovider, loop: asyncio.AbstractEventLoop, error: str
) -> None:
    wid = schedule(fake, LaneSpec(duration=100))
    token = fake.token if error == "404" else "revoked-token-0000"
    client = make_client(
        "sync",
        loop,
        base_url=fake.base_url,
        token=token,
        transport=fake.transport(),
        sleep=fake.advance,
        monotonic=fake.now,
    )
    before = fake.now()
    with pytest.raises(NotFoundError if error == "404" else UnauthorizedError):
        client.wait_until_finished("gone" if error == "404" else wid)
    assert fake.now() == before, "no pause, no retry"


@pytest.mark.parametrize("latency", [0.0, 2.5])
def test_deadline_overshoot_is_at_most_one_request(
    virtual_client: Any, fake: FakeOneprovider, latency: float
) -> None:
    wid = schedule(fake, LaneSpec(duration=10_000))
    if latency:
        fake.inject(Fault.latency(latency), times=None)
    start = fake.now()
    with pytest.raises(WaitTimeout) as timeout:
        virtual_client.wait_until_finished(wid, timeout=300)
    overshoot = fake.now() - start - 300
    assert 0 <= overshoot <= latency + 1e-6
    assert timeout.value.execution.status is ExecutionStatus.ACTIVE
    assert not timeout.value.cancelled
    assert fake.execution(wid)["status"] == "active", "left running"


def test_cancel_on_timeout(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = schedule(fake, LaneSpec(duration=10_000))
    with pytest.raises(WaitTimeout) as timeout:
        virtual_client.wait_until_finished(wid, timeout=60, cancel_on_timeout=True)
    assert timeout.value.cancelled
    assert fake.execution(wid)["status"] == "stopping"
    assert "cancelled" in str(timeout.value)


@pytest.mark.parametrize(
    ("outcome", "status"), [(Outcome.FAIL, "failed"), (Outcome.CRASH, "crashed")]
)
def test_raise_on_failure(
    virtual_client: Any, fake: FakeOneprovider, outcome: Outcome, status: str
) -> None:
    wid = schedule(fake, LaneSpec(), LaneSpec(outcomes=[outcome]), LaneSpec())
    assert virtual_client.wait_until_finished(wid).status == status, "returned by default"
    with pytest.raises(ExecutionFailed) as failed:
        virtual_client.wait_until_finished(wid, raise_on_failure=True)
    assert failed.value.lane_index == 2
    assert failed.value.run.run_number == 1
    assert (
        failed.value.exception_store_id
        == fake.execution(wid)["lanes"][1]["runs"][0]["exceptionStoreId"]
    )
    assert failed.value.execution.status == status


def test_bad_wait_arguments(virtual_client: Any) -> None:
    with pytest.raises(ValueError, match="timeout"):
        virtual_client.wait_until_finished("w", timeout=0)
    with pytest.raises(ValueError, match="wid"):
        virtual_client.wait_until_finished("")
    with pytest.raises(ValueError, match="maximum"):
        PollPolicy(initial=10, maximum=1)


# -- many at once ----------------------------------------------------------------


def test_as_completed_yields_in_finishing_order(virtual_client: Any, fake: FakeOneprovider) -> None:
    durations = [300, 20, 120, 60, 5]
    wids = [schedule(fake, LaneSpec(duration=d)) for d in durations]
    finished = [e.id for e in virtual_client.as_completed(wids, concurrency=2)]
    by_duration = [wid for _, wid in sorted(zip(durations, wids, strict=True))]
    assert finished == by_duration
    results = virtual_client.wait_for_many(wids)
    assert list(results) == wids
    assert all(e.status is ExecutionStatus.FINISHED for e in results.values())


def test_many_with_a_deadline(virtual_client: Any, fake: FakeOneprovider) -> None:
    quick, slow = schedule(fake, LaneSpec(duration=5)), schedule(fake, LaneSpec(duration=10_000))
    with pytest.raises(WaitTimeout) as timeout:
        virtual_client.wait_for_many([quick, slow], timeout=100)
    assert list(timeout.value.pending) == [slow]
    assert timeout.value.pending[slow].status is ExecutionStatus.ACTIVE


def test_concurrency_is_bounded(fake: FakeOneprovider) -> None:
    wids = [schedule(fake, LaneSpec(duration=10 * (i + 1))) for i in range(12)]
    transport = fake.transport()
    in_flight = peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        for _ in range(3):
            await asyncio.sleep(0)  # let the other polls start
        in_flight -= 1
        return await transport.handle_async_request(request)

    async def scenario() -> None:
        async def sleep(seconds: float) -> None:
            fake.advance(seconds)

        async with AsyncWorkflowClient(
            base_url=fake.base_url,
            token=fake.token,
            sleep=sleep,
            monotonic=fake.now,
            transport=httpx.MockTransport(handler),
        ) as client:
            results = await client.wait_for_many(wids, concurrency=3)
        assert len(results) == 12

    asyncio.run(scenario())
    assert peak == 3


def test_sync_and_async_twins_share_their_defaults() -> None:
    for name in (
        "wait_until_finished",
        "watch",
        "rerun_from_failed_lane",
        "retry_failed_lane",
        "run",
        "as_completed",
        "wait_for_many",
        "schedule",
        "list",
    ):
        sync = inspect.signature(getattr(WorkflowClient, name)).parameters
        asynchronous = inspect.signature(getattr(AsyncWorkflowClient, name)).parameters
        assert list(sync) == list(asynchronous), name
        assert [p.default for p in sync.values()] == [p.default for p in asynchronous.values()], (
            name
        )


# -- the pure decisions -------------------------------------------------------


@settings(max_examples=300)
@given(
    initial=st.floats(min_value=0.01, max_value=60),
    spread=st.floats(min_value=1, max_value=100),
    multiplier=st.floats(min_value=1, max_value=4),
    step=st.integers(min_value=0, max_value=200),
    seed=st.integers(),
)
def test_poll_intervals_stay_within_bounds(
    initial: float, spread: float, multiplier: float, step: int, seed: int
) -> None:
    policy = PollPolicy(initial=initial, maximum=initial * spread, multiplier=multiplier)
    interval = policy.interval(step, random.Random(seed))
    assert initial <= interval <= policy.maximum + 1e-9


@settings(max_examples=300)
@given(
    now=st.floats(min_value=0, max_value=1e6),
    remaining=st.floats(min_value=-100, max_value=1e4),
    failures=st.integers(min_value=0, max_value=20),
    retry_after=st.none() | st.floats(min_value=0, max_value=1e5),
    seed=st.integers(),
)
def test_pauses_never_cross_the_deadline(
    now: float, remaining: float, failures: int, retry_after: float | None, seed: int
) -> None:
    from onedata_workflows import ServerError

    waiter = Waiter(PollPolicy(), now, now + remaining, rng=random.Random(seed))
    for _ in range(failures + 1):
        decision = waiter.record(ServerError(503, None, "x", retry_after=retry_after), now)
        if waiter.deadline - now <= 0:
            assert decision.timed_out
        else:
            assert 0 <= decision.sleep <= waiter.deadline - now
            assert not decision.timed_out
