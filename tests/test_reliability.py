"""The promises under fire: many executions, real HTTP, faults of every kind.

200 executions of mixed outcomes are scheduled and then waited for by the async
client over HTTP, while 30 % of the requests fail in every way a network and a
provider can fail: a 503, a proxy's HTML 502, a connection dropped before or after
the provider acted, a truncated body, an answer held back past the read timeout.
Every execution must be seen at its true final status, none may be created twice,
and the token must not show anywhere.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from typing import Any

import httpx
import pytest

from onedata_workflows import (
    ApiError,
    AsyncWorkflowClient,
    OnedataError,
    OutcomeUnknown,
    ResponseParseError,
    RetryPolicy,
)
from onedata_workflows.testing import FakeOneprovider, Fault, LaneSpec, Outcome

from .test_secrets import texts_of

EXECUTIONS = 200
RATE = 0.3
READ_TIMEOUT = 0.25  # real seconds; a stalled answer comes after it
FAULTS = [
    Fault.http_status(503),
    Fault.html(502),
    Fault.reset(),
    Fault.reset(processed=True),
    Fault.truncated(),
    Fault.stall(2 * READ_TIMEOUT),
]
# A fault after which the provider has acted although the client got no answer.
ACTED = ("reset after processing", "truncate", f"stall {2 * READ_TIMEOUT:g}s")
OUTCOMES = {
    Outcome.FINISH: "finished",
    Outcome.FAIL_ITEMS: "failed",
    Outcome.FAIL: "failed",
    Outcome.CRASH: "crashed",
    Outcome.INTERRUPT: "interrupted",
}


def test_every_execution_reaches_its_true_status_under_faults(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = FakeOneprovider(seed=7)
    rng = random.Random(7)
    schemas = {
        outcome: fake.add_workflow_schema(
            [LaneSpec(duration=rng.choice([30, 90, 300]), outcomes=[outcome])]
        )[0]
        for outcome in OUTCOMES
    }
    plan = [rng.choice(list(OUTCOMES)) for _ in range(EXECUTIONS)]
    errors: list[OnedataError] = []

    async def sleep(seconds: float) -> None:
        fake.advance(seconds)

    async def scenario(base_url: str) -> tuple[dict[str, Outcome], int, dict[str, Any], int]:
        async with AsyncWorkflowClient(
            base_url=base_url,
            token=fake.token,
            timeout=httpx.Timeout(READ_TIMEOUT),
            retry=RetryPolicy(initial_backoff=0, max_backoff=0),
            sleep=sleep,
            monotonic=fake.now,
        ) as client:
            # Scheduling under faults: an answer that says "not done" may be tried
            # again; an answer that never came, or came garbled, may not.
            fake.inject_random(FAULTS, rate=RATE)
            scheduled: dict[str, Outcome] = {}
            unanswered = 0
            for outcome in plan:
                while True:
                    try:
                        wid = await client.schedule(fake.space_id, schemas[outcome], 1)
                    except (OutcomeUnknown, ResponseParseError) as error:
                        errors.append(error)
                        unanswered += 1
                    except ApiError as error:
                        errors.append(error)
                        continue
                    else:
                        scheduled[wid] = outcome
                    break
            injected_while_scheduling = dict(fake.injected)
            fake.clear_faults()
            everything = [
                wid
                for phase in ("waiting", "ongoing", "suspended", "ended")
                async for wid in client.list(fake.space_id, phase=phase)
            ]
            assert len(everything) == len(set(everything))
            # Waiting under faults, for every execution there is.
            fake.inject_random(FAULTS, rate=RATE)
            finished = {
                execution.id: execution
                async for execution in client.as_completed(
                    everything, timeout=4 * 3600, concurrency=16
                )
            }
        assert set(finished) == set(everything)
        for wid, execution in finished.items():
            assert execution.status == fake.execution(wid)["status"], "its true final status"
            if wid in scheduled:
                assert execution.status == OUTCOMES[scheduled[wid]]
        return scheduled, unanswered, injected_while_scheduling, len(everything)

    with fake.serve() as base_url:
        scheduled, unanswered, at_schedule, created = asyncio.run(scenario(base_url))

    acted_unanswered = sum(at_schedule.get(label, 0) for label in ACTED)
    assert created == len(scheduled) + acted_unanswered, "nothing was created twice"
    assert unanswered >= acted_unanswered
    assert len(scheduled) >= EXECUTIONS - unanswered
    injected = Counter(fake.injected)
    for fault in FAULTS:
        assert injected[fault.label] >= 20, f"{fault.label} was injected often enough"
    printed = [text for error in errors for text in texts_of(error)]
    printed += [record.getMessage() for record in caplog.records]
    assert not [text for text in printed if fake.token in text], "the token never shows"
