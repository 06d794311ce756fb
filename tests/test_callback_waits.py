"""Waits driven by completion callbacks, with polling as the safety net.

The simulator runs on its virtual clock and delivers each callback over real HTTP to
a real receiver on loopback, as Oneprovider would.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from onedata_workflows import CallbackReceiver, ExecutionStatus, PollPolicy
from onedata_workflows._waiting import CALLBACK_GAP, SAFETY_POLL
from onedata_workflows.testing import FakeOneprovider, LaneSpec

from .clients import make_client


class Provider:
    """A simulated provider whose client counts the requests it sends."""

    def __init__(self, kind: str, loop: asyncio.AbstractEventLoop, **options: Any) -> None:
        self.fake = FakeOneprovider(**options)
        self.requests: list[httpx.Request] = []
        transport = self.fake.transport()

        def counting(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return transport.handle_request(request)

        self.client = make_client(
            kind,
            loop,
            base_url=self.fake.base_url,
            token=self.fake.token,
            transport=httpx.MockTransport(counting),
            sleep=self.fake.advance,
            monotonic=self.fake.now,
        )

    def schema(self, *lanes: LaneSpec) -> str:
        return self.fake.add_workflow_schema(list(lanes))[0]

    def lag(self, execution: Any) -> float:
        return self.fake.now() - execution.finish_time.timestamp()


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    with CallbackReceiver() as made:
        yield made


@pytest.mark.parametrize("length", [600, 3600])
def test_a_wait_hears_the_end_at_once_with_few_requests(
    kind: str, loop: asyncio.AbstractEventLoop, receiver: CallbackReceiver, length: int
) -> None:
    provider = Provider(kind, loop)
    schema = provider.schema(LaneSpec(duration=length))
    wid = provider.client.schedule(provider.fake.space_id, schema, 1, callback=receiver)
    assert provider.fake.callbacks == []
    execution = provider.client.wait_until_finished(wid, callbacks=receiver, timeout=2 * length)
    assert execution.status is ExecutionStatus.FINISHED
    assert provider.lag(execution) < 1.0
    assert len(provider.requests) <= 5, "schedule, a few safety looks, and the look on callback"
    assert [a.delivered for a in provider.fake.callbacks] == [True]
    assert provider.fake.callbacks[0].url.startswith(receiver.public_url)


def test_a_lost_callback_costs_time_not_the_end(
    kind: str, loop: asyncio.AbstractEventLoop, receiver: CallbackReceiver
) -> None:
    provider = Provider(kind, loop)
    provider.fake.lose_callbacks(times=None)
    wid = provider.client.schedule(
        provider.fake.space_id, provider.schema(LaneSpec(duration=300)), 1, callback=receiver
    )
    execution = provider.client.wait_until_finished(wid, callbacks=receiver)
    assert execution.status is ExecutionStatus.FINISHED
    assert provider.lag(execution) <= SAFETY_POLL.initial, "the safety look saw it"
    assert receiver.callback_count(wid) == 0
    assert provider.fake.callbacks, "the provider kept trying"
    assert all(attempt.lost for attempt in provider.fake.callbacks)


def test_a_late_callback_makes_a_late_end_and_no_secret_is_logged(
    kind: str,
    loop: asyncio.AbstractEventLoop,
    receiver: CallbackReceiver,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    provider = Provider(kind, loop)
    provider.fake.delay_callbacks(30)
    wid = provider.client.schedule(
        provider.fake.space_id, provider.schema(LaneSpec(duration=300)), 1, callback=receiver
    )
    execution = provider.client.wait_until_finished(wid, callbacks=receiver)
    assert 30 <= provider.lag(execution) < 31
    url = provider.fake.callbacks[0].url
    secret = url.rsplit("/", 1)[1]
    assert len(secret) >= 32
    assert not [r for r in caplog.records if secret in r.getMessage()], "no logger shows it"


def test_forged_callbacks_change_nothing_and_a_flood_is_rate_limited(
    kind: str, loop: asyncio.AbstractEventLoop, receiver: CallbackReceiver
) -> None:
    provider = Provider(kind, loop)
    fake = provider.fake
    wid = provider.client.schedule(
        fake.space_id, provider.schema(LaneSpec(duration=120)), 1, callback=receiver
    )
    genuine = fake.callbacks  # filled later; the URL is the receiver's slot
    forged = f"{receiver.public_url}/callbacks/0123456789abcdef/{'x' * 43}"
    flood_url = receiver.reserve().url  # a real slot, but bound to nothing

    forger = httpx.Client()
    steps = 0

    def sleep(seconds: float) -> None:
        nonlocal steps
        steps += 1
        if steps % 10 == 0:  # now and then, as someone probing would
            for url in (forged, flood_url):
                forger.post(url, json={"atmWorkflowExecutionId": wid, "status": "finished"})
        fake.advance(seconds)

    provider.client.close()
    provider.client = make_client(
        kind,
        loop,
        base_url=fake.base_url,
        token=fake.token,
        transport=fake.transport(),
        sleep=sleep,
        monotonic=fake.now,
    )
    with forger:
        execution = provider.client.wait_until_finished(wid, callbacks=receiver)
    assert execution.status is ExecutionStatus.FINISHED
    assert receiver.callback_count(wid) == len([c for c in genuine if c.delivered]) == 1
    assert receiver.stats.not_found > 0, "the forged path was refused"


def test_a_callback_flood_on_the_right_path_polls_at_most_once_a_gap(
    kind: str, loop: asyncio.AbstractEventLoop, receiver: CallbackReceiver
) -> None:
    provider = Provider(kind, loop)
    fake = provider.fake
    slot = receiver.reserve()  # what schedule(callback=receiver) does, by hand
    wid = provider.client.schedule(
        fake.space_id, provider.schema(LaneSpec(duration=60)), 1, callback=slot.url
    )
    receiver.bind(slot, wid)
    url = slot.url

    forger = httpx.Client()

    def flood(seconds: float) -> None:
        forger.post(url, json={"atmWorkflowExecutionId": wid, "status": "finished"})
        fake.advance(seconds)

    provider.client.close()
    provider.requests.clear()
    polls: list[float] = []
    transport = fake.transport()

    def counting(request: httpx.Request) -> httpx.Response:
        polls.append(fake.now())
        return transport.handle_request(request)

    client = make_client(
        kind,
        loop,
        base_url=fake.base_url,
        token=fake.token,
        transport=httpx.MockTransport(counting),
        sleep=flood,
        monotonic=fake.now,
    )
    start = fake.now()
    with forger:
        client.wait_until_finished(wid, callbacks=receiver)
    client.close()
    assert len(polls) <= (fake.now() - start) / CALLBACK_GAP + 2
    gaps = [b - a for a, b in itertools.pairwise(polls)]
    assert min(gaps) >= CALLBACK_GAP - 1e-9


def test_run_repairs_on_callbacks(
    kind: str, loop: asyncio.AbstractEventLoop, receiver: CallbackReceiver
) -> None:
    provider = Provider(kind, loop)
    schema = provider.schema(LaneSpec(duration=300), LaneSpec(duration=300, outcomes=["fail"]))
    summary = provider.client.run(provider.fake.space_id, schema, 1, callback=receiver)
    assert summary.execution.status is ExecutionStatus.FINISHED
    assert [str(plan.operation) for plan in summary.repairs] == ["rerun"]
    assert provider.lag(summary.execution) < 1.0
    statuses = [a.payload["status"] for a in provider.fake.callbacks]
    assert statuses == ["failed", "finished"], "the URL served every incarnation"
    assert summary.polls <= 6


def test_many_waits_on_callbacks_and_without(
    kind: str, loop: asyncio.AbstractEventLoop, receiver: CallbackReceiver
) -> None:
    provider = Provider(kind, loop)
    fake, client = provider.fake, provider.client
    heard = [
        client.schedule(fake.space_id, provider.schema(LaneSpec(duration=d)), 1, callback=receiver)
        for d in (500, 100, 900)
    ]
    unheard = client.schedule(fake.space_id, provider.schema(LaneSpec(duration=300)), 1)
    seen: dict[str, float] = {}
    for execution in client.as_completed([*heard, unheard], callbacks=receiver, timeout=3600):
        seen[execution.id] = provider.lag(execution)
    assert list(seen) == [heard[1], unheard, heard[0], heard[2]]
    assert all(seen[wid] < 1.0 for wid in heard)
    assert seen[unheard] <= max(PollPolicy().initial, 0.1 * 310), "polled as usual"
    for wid in heard:
        polls = [r for r in provider.requests if r.url.path.endswith(wid)]
        assert len(polls) <= 3, "a first look, perhaps a safety look, the look on callback"


def test_an_execution_the_receiver_does_not_know_is_polled_as_usual(
    kind: str, loop: asyncio.AbstractEventLoop, receiver: CallbackReceiver
) -> None:
    provider = Provider(kind, loop)
    wid = provider.client.schedule(
        provider.fake.space_id, provider.schema(LaneSpec(duration=30)), 1
    )
    execution = provider.client.wait_until_finished(wid, callbacks=receiver)
    assert provider.lag(execution) <= max(PollPolicy().initial, 0.1 * 34)
    assert len(provider.requests) > 5, "ordinary polling, not the safety net"
