"""``make demo``: the whole story, against a simulated provider served over real HTTP.

A three-lane workflow whose second lane fails on its first run: schedule it, watch
it lane by lane, see the failure, rerun from the failed lane, wait again, end
finished. Simulated time runs fast, so it takes seconds; the client waits on the
simulation's clock, exactly as it would wait on a real provider's, and every time
shown is the simulation's (the story says so).
"""

from __future__ import annotations

import time
from typing import TextIO

import httpx

from .._models import Execution, RunSummary
from .._settings import DEFAULT_REQUEST_TIMEOUT
from .._sync import WorkflowClient
from .._waiting import PollPolicy
from ..testing import Clock, FakeOneprovider, LaneSpec, Outcome
from ._display import summarize
from ._output import Output, Progress, status_style, ticking

LANES = [
    LaneSpec(duration=60, items=100),
    LaneSpec(duration=120, items=100, outcomes=[Outcome.FAIL]),
    LaneSpec(duration=45, items=100),
]
RUN_NUMBERS = (
    "Run numbers count the execution's passes, not one lane's tries: after a rerun of "
    "lane 2, its new run is run 2, and so is the run of lane 3 that follows it."
)


def story(
    out: TextIO | Output,
    *,
    speed: float = 40.0,
    clock: Clock | None = None,
    utc: bool = False,
) -> int:
    """Tell the story on ``out``; 0 only if it ended as told.

    ``clock`` replaces the scaled real-time clock (tests pass a virtual one).
    """
    output = out if isinstance(out, Output) else Output(out, out)
    real_start = time.monotonic()
    fake = FakeOneprovider(clock=clock) if clock is not None else FakeOneprovider(speed=speed)
    schema_id, revision = fake.add_workflow_schema(LANES, name="three-lane demo")
    start = fake.now()
    say = output.line
    shown: list[Progress | None] = [None]

    def watch() -> Progress | None:
        shown[0] = output.progress(
            elapsed=lambda: fake.now() - start,
            wall=fake.now,
            follow=None,
            real_time=clock is None,
            utc=utc,
        )
        return shown[0]

    with fake.serve() as base_url:
        if clock is None:
            pace = f"Its clock runs {speed:g}x faster than real time"
        else:
            pace = "Its clock is virtual: it moves only when the client waits"
        say(f"A simulated Oneprovider serves {base_url}.")
        say(f"{pace}: every time shown below is simulated.")
        say("Its workflow has three lanes; the second fails on its first run.")
        say(RUN_NUMBERS + "\n")
        polls = 0

        def count(request: httpx.Request) -> None:
            nonlocal polls
            polls += request.method == "GET"

        http = httpx.Client(event_hooks={"request": [count]}, timeout=DEFAULT_REQUEST_TIMEOUT)
        # The client sleeps and keeps its deadline on the simulation's clock; the live
        # display ticks a few times per real second.
        step = 1.0 if clock is not None else max(1.0, speed / 4)
        with (
            http,
            WorkflowClient(
                base_url=base_url,
                token=fake.token,
                http_client=http,
                sleep=ticking(fake.clock.sleep, lambda: shown[0], step),
                monotonic=fake.now,
            ) as client,
        ):
            wid = client.schedule(fake.space_id, schema_id, revision)
            say(f"1. Scheduled execution {wid}.")
            say("2. Waiting, lane by lane:")
            poll = PollPolicy(initial=1, maximum=10)
            first = _wait(client, wid, watch(), poll)
            failed = first.current_run
            if failed is None:
                say("   It ended without a lane run: that is not the story.")
                return 1
            where = f"lane {failed.lane_index}, run {failed.run_number} is {failed.status}"
            store = f"its failed items are in store {failed.exception_store_id}"
            say(f"\n3. It ended {first.status}: {where}; {store}.", status_style(first.status))
            plan = client.rerun_from_failed_lane(wid)
            say(f"4. Repair: {plan}.")
            say("5. Waiting again:")
            final = _wait(client, wid, watch(), poll)
        summary = RunSummary(final, (plan,), polls, 0, fake.now() - start)
        real = time.monotonic() - real_start
        parts = summarize(summary, simulated=True)
        parts[0] = f"\n6. {parts[0]}"
        parts[-1] = f"{parts[-1]} ({real:.1f}s real)"
        output.show(parts, status_style(final.status))
    as_told = (
        first.status == "failed"
        and (failed.lane_index, failed.run_number) == (2, 1)
        and (plan.operation, plan.lane_index, plan.run_number) == ("rerun", 2, 1)
        and final.status == "finished"
        and [run.run_number for run in final.lane(2).runs] == [2, 1]
    )
    if as_told:
        say("\nThe story ended as told.", "green")
    else:
        say("\nThe story did NOT end as told.", "bold red")
    return 0 if as_told else 1


def _wait(
    client: WorkflowClient, wid: str, progress: Progress | None, poll: PollPolicy
) -> Execution:
    try:
        return client.wait_until_finished(wid, on_update=progress, poll=poll, timeout=3600)
    finally:
        if progress is not None:
            progress.close()
