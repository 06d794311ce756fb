"""What waiting on callbacks costs and gains, against polling, over real HTTP.

    make bench

The simulated provider is served over HTTP on loopback and delivers each completion
callback over HTTP to a real CallbackReceiver, on the simulator's virtual clock; the
client talks to it over HTTP too. Each case runs 20 times with different seeds: the
requests the client sent for the execution (schedule included) and the lag between
the execution's end and the wait's return, p50 and p95. Targets: at most 5 requests
and a p95 lag under 1 s, for 10-minute and 1-hour runs.
"""

from __future__ import annotations

import random
import statistics
import sys

import httpx

from onedata_workflows import CallbackReceiver, PollPolicy, WorkflowClient
from onedata_workflows.testing import FakeOneprovider, LaneSpec

RUNS = 20
LENGTHS = {"10 min": 600.0, "1 h": 3600.0}
MAX_REQUESTS = 5
MAX_LAG = 1.0


def wait_once(how: str, length: float, seed: int) -> tuple[int, float]:
    """Requests sent and lag (s) for one wait on a run of ``length`` seconds."""
    fake = FakeOneprovider(seed=seed)
    schema, revision = fake.add_workflow_schema([LaneSpec(duration=length)])
    sent = 0

    def count(request: httpx.Request) -> None:
        nonlocal sent
        sent += 1

    poll = PollPolicy.fixed(1) if how == "fixed 1 s" else None
    with (
        fake.serve() as base_url,
        CallbackReceiver() as receiver,
        httpx.Client(event_hooks={"request": [count]}) as http,
        WorkflowClient(
            base_url=base_url,
            token=fake.token,
            http_client=http,
            sleep=fake.advance,
            monotonic=fake.now,
            rng=random.Random(seed),
        ) as client,
    ):
        listening = how == "callbacks"
        wid = client.schedule(
            fake.space_id, schema, revision, callback=receiver if listening else None
        )
        execution = client.wait_until_finished(
            wid, poll=poll, timeout=2 * length, callbacks=receiver if listening else None
        )
    assert execution.finish_time is not None
    return sent, fake.now() - execution.finish_time.timestamp()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> int:
    print(f"Over {RUNS} runs per case, over HTTP on loopback, on the virtual clock.\n")
    print("| run | waiting | requests p50 | requests p95 | lag p50 (s) | lag p95 (s) | target |")
    print("|---|---|--:|--:|--:|--:|---|")
    missed = []
    for label, length in LENGTHS.items():
        for how in ("callbacks", "default polling", "fixed 1 s"):
            results = [wait_once(how, length, seed) for seed in range(RUNS)]
            requests = [float(r) for r, _ in results]
            lags = [lag for _, lag in results]
            verdict = "-"
            if how == "callbacks":
                met = (
                    percentile(requests, 0.95) <= MAX_REQUESTS and percentile(lags, 0.95) < MAX_LAG
                )
                verdict = "met" if met else "missed"
                if not met:
                    missed.append(label)
            print(
                f"| {label} | {how} | {statistics.median(requests):.0f} | "
                f"{percentile(requests, 0.95):.0f} | {statistics.median(lags):.2f} | "
                f"{percentile(lags, 0.95):.2f} | {verdict} |"
            )
    print(
        f"\nTarget for callbacks: at most {MAX_REQUESTS} requests and a p95 lag under "
        f"{MAX_LAG:g} s: " + ("met at every length." if not missed else f"missed at {missed}.")
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
