"""``make demo``: the whole story, against a simulated provider served over real HTTP.

A three-lane workflow whose second lane fails on its first run: schedule it, watch
it lane by lane, see the failure, rerun from the failed lane, wait again, end
finished. Simulated time runs fast, so it takes seconds; the client waits on the
simulation's clock, exactly as it would wait on a real provider's.
"""

from __future__ import annotations

import time
from typing import TextIO

import httpx

from .._models import RunSummary
from .._settings import DEFAULT_REQUEST_TIMEOUT
from .._sync import WorkflowClient
from .._waiting import PollPolicy
from ..testing import Clock, FakeOneprovider, LaneSpec, Outcome
from ._display import Progress, summarize

LANES = [
    LaneSpec(duration=60, items=100),
    LaneSpec(duration=120, items=100, outcomes=[Outcome.FAIL]),
    LaneSpec(duration=45, items=100),
]


def story(out: TextIO, *, speed: float = 40.0, clock: Clock | None = None) -> int:
    """Tell the story on ``out``; 0 only if it ended as told.

    ``clock`` replaces the scaled real-time clock (tests pass a virtual one).
    """
    real_start = time.monotonic()
    fake = FakeOneprovider(clock=clock) if clock is not None else FakeOneprovider(speed=speed)
    schema_id, revision = fake.add_workflow_schema(LANES, name="three-lane demo")
    start = fake.now()

    def say(text: str) -> None:
        out.write(text + "\n")
        out.flush()

    def elapsed() -> float:
        return fake.now() - start

    with fake.serve() as base_url:
        pace = f"{speed:g}x time" if clock is None else "virtual time"
        say(f"A simulated Oneprovider serves {base_url} ({pace}).")
        say("Its workflow has three lanes; the second fails on its first run.\n")
        polls = 0

        def count(request: httpx.Request) -> None:
            nonlocal polls
            polls += request.method == "GET"

        http = httpx.Client(event_hooks={"request": [count]}, timeout=DEFAULT_REQUEST_TIMEOUT)
        # The client sleeps and keeps its deadline on the simulation's clock.
        with (
            http,
            WorkflowClient(
                base_url=base_url,
                token=fake.token,
                http_client=http,
                sleep=fake.clock.sleep,
                monotonic=fake.now,
            ) as client,
        ):
            wid = client.schedule(fake.space_id, schema_id, revision)
            say(f"1. Scheduled execution {wid}.")
            say("2. Waiting, lane by lane:")
            progress = Progress(out, live=out.isatty(), elapsed=elapsed)
            poll = PollPolicy(initial=1, maximum=10)
            first = client.wait_until_finished(wid, on_update=progress, poll=poll, timeout=3600)
            progress.finish()
            failed = first.current_run
            if failed is None:
                say("   It ended without a lane run: that is not the story.")
                return 1
            where = f"lane {failed.lane_index}, run {failed.run_number} is {failed.status}"
            store = f"its failed items are in store {failed.exception_store_id}"
            say(f"\n3. It ended {first.status}: {where}; {store}.")
            plan = client.rerun_from_failed_lane(wid)
            say(f"4. Repair: {plan}.")
            say("5. Waiting again:")
            progress = Progress(out, live=out.isatty(), elapsed=elapsed)
            final = client.wait_until_finished(wid, on_update=progress, poll=poll, timeout=3600)
            progress.finish()
        summary = RunSummary(final, (plan,), polls, 0, elapsed())
        real = time.monotonic() - real_start
        say(
            "\n6. "
            + summarize(summary, real_seconds=real).replace(
                " simulated in", " of simulated time in"
            )
        )
    as_told = (
        first.status == "failed"
        and (failed.lane_index, failed.run_number) == (2, 1)
        and (plan.operation, plan.lane_index, plan.run_number) == ("rerun", 2, 1)
        and final.status == "finished"
        and [run.run_number for run in final.lane(2).runs] == [2, 1]
    )
    say("\nThe story ended as told." if as_told else "\nThe story did NOT end as told.")
    return 0 if as_told else 1
