"""What waiting costs: requests made and how late the end is seen, per poll policy.

    make bench

Each policy waits for the same executions (runs of 30 s, 10 min and 3 h) on the
simulator's virtual clock, so the figures are exact and machine-independent. The
baselines are fixed intervals, as many SDKs poll.
"""

from __future__ import annotations

import httpx

from onedata_workflows import PollPolicy, WorkflowClient
from onedata_workflows.testing import FakeOneprovider, LaneSpec

DURATIONS = {"30 s": 30.0, "10 min": 600.0, "3 h": 3 * 3600.0}
POLICIES = {
    "default (1 s .. 60 s, full jitter)": PollPolicy(),
    "fixed 1 s": PollPolicy(initial=1, maximum=1, jitter=False),
    "fixed 10 s": PollPolicy(initial=10, maximum=10, jitter=False),
}


def measure(policy: PollPolicy, duration: float) -> tuple[int, float]:
    """Requests made, and seconds between the end and the wait returning."""
    fake = FakeOneprovider(seed=1)
    wid = fake.schedule_execution(fake.add_workflow_schema([LaneSpec(duration=duration)])[0])
    requests = 0

    def count(request: httpx.Request) -> None:
        nonlocal requests
        requests += 1

    http = httpx.Client(transport=fake.transport(), event_hooks={"request": [count]})
    with WorkflowClient(
        base_url=fake.base_url,
        token=fake.token,
        http_client=http,
        sleep=fake.advance,
        monotonic=fake.now,
    ) as client:
        execution = client.wait_until_finished(wid, poll=policy, timeout=duration * 2 + 120)
    assert execution.finish_time is not None
    return requests, fake.now() - execution.finish_time.timestamp()


def main() -> None:
    results = {(p, d): measure(POLICIES[p], DURATIONS[d]) for p in POLICIES for d in DURATIONS}
    print(f"{'policy':36s}" + "".join(f"{d:>22s}" for d in DURATIONS))
    for name in POLICIES:
        cells = "".join(
            f"{results[name, d][0]:>8d} req {results[name, d][1]:>6.1f}s late" for d in DURATIONS
        )
        print(f"{name:36s}{cells}")
    ratio = results["fixed 1 s", "3 h"][0] / results["default (1 s .. 60 s, full jitter)", "3 h"][0]
    print(f"3 h run: fixed 1 s makes {ratio:.0f}x the requests of the default")


if __name__ == "__main__":
    main()
