"""Waiting for executions, on the simulator's virtual clock: nothing here sleeps."""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from typing import Any

import attrs
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onedata_workflows import (
    AsyncWorkflowClient,
    ConnectionFailed,
    EventKind,
    ExecutionFailed,
    ExecutionStatus,
    NotFoundError,
    PollPolicy,
    RetryPolicy,
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
    assert simulated(fake) - ended <= PollPolicy().initial, "seen within the first pause"


# A lane runs after three one-second steps (scheduled, preparing, enqueued) and is
# followed by one (stopping): a lane of ``length - 4`` seconds makes a run of ``length``.
STEPS = 4


def lag_and_requests(
    kind: str, loop: asyncio.AbstractEventLoop, length: float, seed: int
) -> tuple[float, int]:
    """How late a default wait sees the end of a run of ``length`` seconds, and its requests."""
    fake = FakeOneprovider()
    wid = schedule(fake, LaneSpec(duration=length - STEPS))
    transport = fake.transport()
    requests = 0

    def counting(request: httpx.Request) -> httpx.Response:
        nonlocal requests
        requests += 1
        return transport.handle_request(request)

    client = make_client(
        kind,
        loop,
        base_url=fake.base_url,
        token=fake.token,
        transport=httpx.MockTransport(counting),
        sleep=fake.advance,
        monotonic=fake.now,
        rng=random.Random(seed),
    )
    execution = client.wait_until_finished(wid, timeout=2 * length)
    client.close()
    ended = execution.finish_time.timestamp() - START
    assert ended == length
    return simulated(fake) - ended, requests


@pytest.mark.parametrize("length", [30, 120, 600, 3600, 3 * 3600])
def test_the_end_is_seen_within_a_tenth_of_the_wait(
    kind: str, length: int, loop: asyncio.AbstractEventLoop
) -> None:
    policy = PollPolicy()
    for seed in range(3):
        lag, requests = lag_and_requests(kind, loop, length, seed)
        # For every draw, not only at the 95th percentile: jitter only ever shortens a pause.
        assert lag <= max(policy.initial, policy.fraction * length)
        assert lag <= max(2, 0.1 * length)
        if length >= 3 * 3600:
            assert requests <= 200


def test_a_busy_workflow_is_polled_at_the_pace_of_a_quiet_one(
    kind: str, loop: asyncio.AbstractEventLoop
) -> None:
    """Changes seen on the way (lanes starting and ending) do not make the waiter poll faster."""

    def pauses(*lanes: LaneSpec) -> tuple[list[float], int]:
        fake = FakeOneprovider()
        slept: list[float] = []

        def sleep(seconds: float) -> None:
            slept.append(seconds)
            fake.advance(seconds)

        with make_client(
            kind,
            loop,
            base_url=fake.base_url,
            token=fake.token,
            transport=fake.transport(),
            sleep=sleep,
            monotonic=fake.now,
            rng=random.Random(7),
        ) as client:
            events = list(client.watch(schedule(fake, *lanes), timeout=3600))
        return slept, len(events)

    busy, changes = pauses(*[LaneSpec(duration=60)] * 10)
    quiet, _ = pauses(LaneSpec(duration=1000))
    assert changes > 20, "lanes starting and ending"
    shared = min(len(busy), len(quiet)) - 1  # the last pause of each may be cut by its end
    assert busy[:shared] == quiet[:shared]


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
    kind: str,
    loop: asyncio.AbstractEventLoop,
    fake: FakeOneprovider,
    caplog: pytest.LogCaptureFixture,
) -> None:
    wid = schedule(fake, LaneSpec(duration=300))
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
    with make_client(
        kind,
        loop,
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
    assert min(pauses) >= PollPolicy().initial / 2, "no tight loop"
    assert max(pauses) > 4 * PollPolicy().initial, "the pauses grow"


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


def test_transient_failures_are_counted_and_reported(
    virtual_client: Any, fake: FakeOneprovider
) -> None:
    wid = schedule(fake, LaneSpec(duration=1000))
    fake.inject(Fault.http_status(503), times=None)
    with pytest.raises(WaitTimeout) as timeout:
        virtual_client.wait_until_finished(wid, timeout=120)
    assert timeout.value.execution is None, "no poll ever succeeded"
    assert timeout.value.transient_errors == timeout.value.polls == fake.injected["status 503"]
    assert "503" in str(timeout.value.last_error)


def test_retry_after_is_honoured_while_waiting(
    kind: str, loop: asyncio.AbstractEventLoop, fake: FakeOneprovider
) -> None:
    wid = schedule(fake, LaneSpec(duration=200))
    pauses: list[float] = []
    fake.inject(Fault.http_status(503, retry_after=45), operation="get_workflow_execution_details")

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        fake.advance(seconds)

    with make_client(
        kind,
        loop,
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
    kind: str, fake: FakeOneprovider, loop: asyncio.AbstractEventLoop, error: str
) -> None:
    wid = schedule(fake, LaneSpec(duration=100))
    token = fake.token if error == "404" else "revoked-token-0000"
    client = make_client(
        kind,
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


def test_concurrency_is_bounded(
    kind: str, loop: asyncio.AbstractEventLoop, fake: FakeOneprovider
) -> None:
    wids = [schedule(fake, LaneSpec(duration=10 * (i + 1))) for i in range(12)]
    transport = fake.transport()
    in_flight = peak = 0
    lock = threading.Condition()

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
            lock.notify_all()
            # Until the bound has been reached once, hold each poll until it is.
            lock.wait_for(lambda: peak >= 3, timeout=5)
        response = transport.handle_request(request)
        with lock:
            in_flight -= 1
        return response

    async def async_handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        for _ in range(3):
            await asyncio.sleep(0)  # let the other polls start
        in_flight -= 1
        return await transport.handle_async_request(request)

    with make_client(
        kind,
        loop,
        base_url=fake.base_url,
        token=fake.token,
        sleep=fake.advance,
        monotonic=fake.now,
        transport=httpx.MockTransport(handler if kind == "sync" else async_handler),
    ) as client:
        results = client.wait_for_many(wids, concurrency=3)
    assert len(results) == 12
    assert peak == 3


def test_watch_and_as_completed_poll_only_when_asked(
    kind: str, loop: asyncio.AbstractEventLoop, fake: FakeOneprovider
) -> None:
    wids = [schedule(fake, LaneSpec(duration=d)) for d in (5, 500)]
    sent: list[httpx.Request] = []
    transport = fake.transport()

    def counting(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return transport.handle_request(request)

    client = make_client(
        kind,
        loop,
        base_url=fake.base_url,
        token=fake.token,
        transport=httpx.MockTransport(counting),
        sleep=fake.advance,
        monotonic=fake.now,
    )
    events = client.watch(wids[0])
    completed = client.as_completed(wids)
    assert sent == [], "nothing is sent until the first item is asked for"
    first = next(events)
    assert (first.kind, first.new) == (EventKind.EXECUTION_STATUS, "scheduled")
    assert len(sent) == 1, "one poll gave the first event"
    events.close()
    sent.clear()
    assert next(completed).id == wids[0]
    assert fake.execution(wids[1])["status"] == "active", "the slow one is not waited for"
    polled = len(sent)
    completed.close()
    fake.advance(600)
    assert len(sent) == polled, "a closed iterator polls no more"
    client.close()


def test_an_async_wait_can_be_cancelled_midway(fake: FakeOneprovider) -> None:
    wid = schedule(fake, LaneSpec(duration=10_000))
    polls = 0

    async def scenario() -> None:
        nonlocal polls
        first_poll = asyncio.Event()

        async def sleep(seconds: float) -> None:
            fake.advance(seconds)
            first_poll.set()
            await asyncio.sleep(0)

        def counting(request: httpx.Request) -> httpx.Response:
            nonlocal polls
            polls += 1
            return fake.transport().handle_request(request)

        async with AsyncWorkflowClient(
            base_url=fake.base_url,
            token=fake.token,
            transport=httpx.MockTransport(counting),
            sleep=sleep,
            monotonic=fake.now,
        ) as client:
            for wait in (
                client.wait_until_finished(wid),
                client.wait_for_many([wid, schedule(fake, LaneSpec(duration=9_000))]),
            ):
                first_poll.clear()
                task = asyncio.ensure_future(wait)
                await first_poll.wait()
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
            before = polls
            for _ in range(20):
                await asyncio.sleep(0)
            assert polls == before, "nothing polls on after the cancel"
            assert (await client.get(wid)).status is ExecutionStatus.ACTIVE, "still usable"

    asyncio.run(scenario())
    assert fake.execution(wid)["status"] == "active", "cancelling a wait cancels no execution"


# -- the pure decisions -------------------------------------------------------


policies = st.builds(
    lambda initial, spread, fraction, jitter: PollPolicy(
        initial=initial, maximum=initial * spread, fraction=fraction, jitter=jitter
    ),
    initial=st.floats(min_value=0.01, max_value=60),
    spread=st.floats(min_value=1, max_value=1000),
    fraction=st.floats(min_value=0, max_value=1),
    jitter=st.booleans(),
)
elapsed_times = st.floats(min_value=0, max_value=1e7)


@settings(max_examples=300)
@given(policy=policies, elapsed=elapsed_times, failures=st.integers(0, 200), seed=st.integers())
def test_pauses_stay_within_bounds(
    policy: PollPolicy, elapsed: float, failures: int, seed: int
) -> None:
    pause = policy.interval(elapsed, random.Random(seed), failures)
    shortest = policy.initial / 2 if policy.jitter else policy.initial
    assert shortest <= pause <= policy.maximum


@settings(max_examples=300)
@given(policy=policies, elapsed=elapsed_times, seed=st.integers())
def test_a_pause_is_at_most_the_share_of_the_time_waited(
    policy: PollPolicy, elapsed: float, seed: int
) -> None:
    """So an end is seen at most ``max(initial, fraction * length)`` late, jitter or not."""
    pause = policy.interval(elapsed, random.Random(seed))
    ceiling = min(policy.maximum, max(policy.initial, policy.fraction * elapsed))
    assert pause <= ceiling
    if policy.jitter:
        assert pause >= ceiling / 2
    else:
        assert pause == ceiling


@settings(max_examples=300)
@given(
    policy=policies,
    elapsed=elapsed_times,
    more=st.floats(min_value=0, max_value=1e7),
    failures=st.integers(0, 100),
    seed=st.integers(),
)
def test_pauses_grow_with_the_time_waited_and_with_errors(
    policy: PollPolicy, elapsed: float, more: float, failures: int, seed: int
) -> None:
    def pause(elapsed: float, failures: int) -> float:
        return policy.interval(elapsed, random.Random(seed), failures)

    assert pause(elapsed, failures) <= pause(elapsed + more, failures)
    assert pause(elapsed, failures) <= pause(elapsed, failures + 1)


def test_the_default_pauses() -> None:
    policy = attrs.evolve(PollPolicy(), jitter=False)
    rng = random.Random(0)
    assert [policy.interval(t, rng) for t in (0, 10, 25, 100, 3600, 7500, 86400)] == [
        2,
        2,
        2,
        8,
        288,
        600,
        600,
    ]


def test_a_fixed_interval() -> None:
    fixed = PollPolicy.fixed(10)
    assert fixed == PollPolicy(initial=10, maximum=10, jitter=False)
    rng = random.Random(0)
    assert {fixed.interval(t, rng, failures) for t in (0, 5, 1e6) for failures in (0, 3)} == {10}


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        ({"initial": 0}, "initial"),
        ({"initial": -1}, "initial"),
        ({"initial": float("nan")}, "initial"),
        ({"initial": 10, "maximum": 1}, "maximum"),
        ({"maximum": float("nan")}, "maximum"),
        ({"fraction": -0.1}, "fraction"),
        ({"fraction": 1.5}, "fraction"),
        ({"fraction": float("nan")}, "fraction"),
    ],
)
def test_bad_poll_policies(arguments: dict[str, float], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        PollPolicy(**arguments)


def test_transient_errors_in_a_row_lengthen_the_pause_until_a_look_succeeds(
    fake: FakeOneprovider,
) -> None:
    from onedata_workflows import ServerError

    with WorkflowClient(
        base_url=fake.base_url, token=fake.token, transport=fake.transport()
    ) as client:
        execution = client.get(schedule(fake, LaneSpec(duration=100)))
    waiter = Waiter(PollPolicy(jitter=False), started=0, deadline=1000)
    error = ServerError(503, None, "unavailable")
    assert [waiter.record(error, now).sleep for now in (0, 4, 12)] == [4, 8, 16]
    assert waiter.record(execution, 28).sleep == 2.24, "8 % of the 28 s waited"
    assert waiter.record(error, 30).sleep == 4.8


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


def test_hanging_polls_delay_no_one_and_the_deadline_holds(
    kind: str, loop: asyncio.AbstractEventLoop, fake: FakeOneprovider
) -> None:
    """One execution's polls hang: the others are still seen on time, and the wait ends
    within one request timeout of its deadline, the hanging polls abandoned."""
    quick, slow, stuck = (schedule(fake, LaneSpec(duration=d)) for d in (20, 10_000, 10_000))
    transport = fake.transport()
    release = threading.Event()
    hung = 0

    def is_stuck(request: httpx.Request) -> bool:
        nonlocal hung
        if request.url.path.endswith(stuck) and fake.now() > START + 5:
            hung += 1
            return True
        return False

    def handler(request: httpx.Request) -> httpx.Response:
        if is_stuck(request):
            release.wait(timeout=60)
        return transport.handle_request(request)

    async def async_handler(request: httpx.Request) -> httpx.Response:
        if is_stuck(request):
            await asyncio.Event().wait()  # until cancelled
        return transport.handle_request(request)

    client = make_client(
        kind,
        loop,
        base_url=fake.base_url,
        token=fake.token,
        timeout=httpx.Timeout(0.2),
        transport=httpx.MockTransport(handler if kind == "sync" else async_handler),
        sleep=fake.advance,
        monotonic=fake.now,
    )
    seen: dict[str, float] = {}

    def follow() -> None:
        for execution in client.as_completed([quick, slow, stuck], timeout=300):
            seen[execution.id] = fake.now()

    try:
        with pytest.raises(WaitTimeout) as timeout:
            follow()
    finally:
        release.set()
        client.close()
    assert list(seen) == [quick]
    finished = fake.execution(quick)["finishTime"]
    assert seen[quick] - finished <= max(PollPolicy().initial, 0.1 * (seen[quick] - START))
    assert hung >= 1, "the stuck execution's polls did hang"
    overshoot = fake.now() - START - 300
    assert 0 <= overshoot <= 0.2, "within one request timeout of the deadline"
    assert set(timeout.value.pending) == {slow, stuck}
    assert timeout.value.pending[slow].status is ExecutionStatus.ACTIVE


def test_a_wait_that_could_never_progress_fails_at_once(
    kind: str, loop: asyncio.AbstractEventLoop, fake: FakeOneprovider
) -> None:
    wid = schedule(fake, LaneSpec(duration=100))
    real_time = make_client(
        kind, loop, base_url=fake.base_url, token=fake.token, transport=fake.transport()
    )
    with pytest.raises(RuntimeError, match=r"virtual clock.*fake\.client\(\)"):
        real_time.wait_until_finished(wid)
    with pytest.raises(RuntimeError, match="virtual clock"):
        real_time.as_completed([wid])
    assert real_time.get(wid).status is ExecutionStatus.SCHEDULED, "other calls work"
    real_time.close()
    one_clock_only = make_client(
        kind,
        loop,
        base_url=fake.base_url,
        token=fake.token,
        transport=httpx.MockTransport(fake.transport().handle_request),
        sleep=fake.advance,
    )
    with pytest.raises(RuntimeError, match="must follow one clock"):
        one_clock_only.wait_until_finished(wid)
    one_clock_only.close()


@pytest.mark.parametrize("graceful", [True, False])
def test_waits_follow_a_provider_restart(
    kind: str, loop: asyncio.AbstractEventLoop, graceful: bool
) -> None:
    """Paused by a shutdown or cut off by a crash, the execution resumes by itself
    after the restart: the wait sees it through to the end."""
    fake = FakeOneprovider()
    wid = schedule(fake, LaneSpec(duration=600))
    statuses: list[str] = []

    def sleep(seconds: float) -> None:
        now = fake.now() - START
        if now < 200 <= now + seconds:
            fake.stop_provider(graceful=graceful)
        if now < 260 <= now + seconds:
            fake.restart_provider()
        fake.advance(seconds)

    client = make_client(
        kind,
        loop,
        base_url=fake.base_url,
        token=fake.token,
        transport=fake.transport(),
        sleep=sleep,
        monotonic=fake.now,
    )
    execution = client.wait_until_finished(
        wid,
        poll=PollPolicy.fixed(3),
        on_update=lambda e: statuses.append(e.new) if e.lane_index is None else None,
    )
    client.close()
    assert execution.status is ExecutionStatus.FINISHED
    if graceful:
        assert "paused" in statuses, "seen paused after the restart, and not taken as the end"


def test_many_waits_reuse_their_connections_and_keep_little(
    kind: str, loop: asyncio.AbstractEventLoop, fake: FakeOneprovider
) -> None:
    """Over HTTP, at most ``concurrency`` connections are opened and all are kept alive;
    an ended execution's waiter goes, and unfinished ones keep no answer body."""
    quick = [schedule(fake, LaneSpec(duration=30 + i)) for i in range(30)]
    slow = schedule(fake, LaneSpec(duration=10_000))
    with fake.serve() as base_url:
        client = make_client(
            kind,
            loop,
            base_url=base_url,
            token=fake.token,
            sleep=fake.advance,
            monotonic=fake.now,
            max_connections=50,
        )
        transport = client._http._transport
        assert sum(transport._sizes) == 50
        opened: list[object] = []

        def note(*_: object) -> None:
            opened.extend(c for c in transport.connections if c not in opened)

        client._http.event_hooks["response"].append(hook_for(kind, note))
        with pytest.raises(WaitTimeout) as timeout:
            client.wait_for_many([*quick, slow], timeout=600, concurrency=4)
        client.close()
    assert 1 <= len(opened) <= 4, "never more connections than polls at once"
    for shard in transport._shards.values():
        assert shard._pool._max_connections == shard._pool._max_keepalive_connections
    assert list(timeout.value.pending) == [slow]
    with pytest.raises(AttributeError, match="not kept"):
        timeout.value.pending[slow].raw  # noqa: B018


def test_many_waits_send_no_more_polls_at_once_than_the_pool_has_connections(
    kind: str, loop: asyncio.AbstractEventLoop, fake: FakeOneprovider
) -> None:
    """Polls past ``max_connections`` would queue in the pool behind other polls."""
    wids = [schedule(fake, LaneSpec(duration=30 + i)) for i in range(12)]
    in_flight = [0, 0]
    lock = threading.Lock()

    def sent(*_: object) -> None:
        with lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight)

    def answered(*_: object) -> None:
        with lock:
            in_flight[0] -= 1

    with fake.serve() as base_url:
        client = make_client(
            kind,
            loop,
            base_url=base_url,
            token=fake.token,
            sleep=fake.advance,
            monotonic=fake.now,
            max_connections=2,
        )
        hooks = client._http.event_hooks
        hooks["request"].append(hook_for(kind, sent))
        hooks["response"].append(hook_for(kind, answered))
        finished = client.wait_for_many(wids, timeout=3600, concurrency=8)
        client.close()
    assert all(execution.status == "finished" for execution in finished.values())
    assert in_flight[1] == 2


def hook_for(kind: str, hook: Any) -> Any:
    """An httpx event hook for a client of ``kind``: the async client awaits its hooks."""
    if kind == "sync":
        return hook

    async def call(*args: object) -> None:
        hook(*args)

    return call


def test_a_wait_that_cannot_reach_the_provider_fails_at_once(
    kind: str, loop: asyncio.AbstractEventLoop
) -> None:
    """A mistyped host is not an outage to wait through: the wait never started."""
    attempts: list[httpx.Request] = []

    def unreachable(request: httpx.Request) -> httpx.Response:
        attempts.append(request)
        raise httpx.ConnectError("name or service not known", request=request)

    pauses: list[float] = []
    client = make_client(
        kind,
        loop,
        base_url="https://provider.invalid/api/v3/oneprovider",
        token="t" * 16,
        transport=httpx.MockTransport(unreachable),
        sleep=pauses.append,
    )
    with pytest.raises(ConnectionFailed, match="before it was sent"):
        client.wait_until_finished("w", timeout=3600)
    assert len(attempts) == 1 + RetryPolicy().attempts, "one look, then tried as any call"
    assert sum(pauses) < 60, "not an hour"
