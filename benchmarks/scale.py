"""Following many executions at once: correctness, connections, memory, lag and CPU.

    make bench

A simulated provider in its own process serves N executions over HTTP, on a clock
running ``SPEED`` times faster than real time; every execution has ten lanes of five
parallel boxes and runs up to five times a lane (10 x 5 x 5 documents at the end).
A client, in a process of its own so that its peak memory is its own, waits for all
of them with ``as_completed`` on the provider's clock, and reports:

- whether every execution was seen at its true final status;
- the connections it opened (every connection its pool ever held);
- its peak RSS;
- the lag between each execution's end and the moment it was yielded (simulated s);
- its CPU time per poll, to compare the async client with the sync one.

Targets: every execution at its true status; connections opened at most the
concurrency; peak RSS at most 150 MB for 5,000 executions; lag at concurrency 100 no
worse than at 8 (medians of three runs each); async CPU per poll at most 1.5x the
sync client's.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
import statistics
import sys
import time
from multiprocessing.connection import Connection
from typing import Any

import httpx

SPEED = 10.0
SEED = 3
REPEATS = 3


class _Gate:
    """A monotonic clock that stands still until opened, so scheduling takes no time."""

    def __init__(self) -> None:
        self.opened_at: float | None = None

    def open(self) -> None:
        self.opened_at = time.monotonic()

    def __call__(self) -> float:
        return 0.0 if self.opened_at is None else time.monotonic() - self.opened_at


def provider(count: int, pipe: Connection) -> None:
    """Serve ``count`` executions until told to stop; first send how to reach them.

    Lanes last longer the more executions there are, so that each is seen running a
    few times: one process of simulator answers a few hundred polls a second.
    """
    from onedata_workflows.testing import FakeOneprovider, LaneSpec, Outcome, ScaledClock

    gate = _Gate()
    fake = FakeOneprovider(clock=ScaledClock(SPEED, monotonic=gate), seed=SEED)
    schemas = []
    stretch = max(1, count // 1000)
    for duration in (5 * stretch, 10 * stretch, 15 * stretch):
        lanes = [
            LaneSpec(
                duration=duration,
                items=100,
                parallel_boxes=5,
                max_retries=4,
                failing_items=1,
                instant_failure_exception_threshold=1.0,
                outcomes=[Outcome.FAIL_ITEMS] * (index % 5),
            )
            for index in range(10)
        ]
        schemas.append(fake.add_workflow_schema(lanes)[0])
    wids = [fake.schedule_execution(schemas[i % len(schemas)]) for i in range(count)]
    start = fake.now()
    with fake.serve() as base_url:
        gate.open()  # every execution scheduled at the same moment: time starts now
        pipe.send((base_url, fake.token, wids, start, gate.opened_at))
        pipe.recv()  # the client is done: report the true statuses
        pipe.send({wid: fake.execution(wid)["status"] for wid in wids})


def client(
    kind: str,
    base_url: str,
    token: str,
    wids: list[str],
    start: float,
    origin: float,
    concurrency: int,
    pipe: Connection,
) -> None:
    """Wait for every execution; send back what was seen and what it cost."""
    from onedata_workflows import AsyncWorkflowClient, WorkflowClient

    def now() -> float:
        return start + (time.monotonic() - origin) * SPEED

    def sleep(seconds: float) -> None:
        time.sleep(seconds / SPEED)

    async def asleep(seconds: float) -> None:
        await asyncio.sleep(seconds / SPEED)

    seen: dict[str, tuple[str, float]] = {}
    connections: set[object] = set()  # every connection the pool ever held
    polls: list[int] = []
    options: dict[str, Any] = {
        "base_url": base_url,
        "token": token,
        "monotonic": now,
        "max_connections": concurrency,
    }
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    if kind == "sync":
        with WorkflowClient(**options, sleep=sleep) as sync_client:
            pool = sync_client._http._transport  # type: ignore[attr-defined]

            def note(response: httpx.Response) -> None:
                polls.append(1)
                connections.update(pool.connections)

            sync_client._http.event_hooks["response"].append(note)
            for execution in sync_client.as_completed(
                wids, concurrency=concurrency, timeout=24 * 3600
            ):
                assert execution.finish_time is not None
                seen[execution.id] = (execution.status, now() - execution.finish_time.timestamp())
    else:

        async def follow() -> None:
            async with AsyncWorkflowClient(**options, sleep=asleep) as async_client:
                pool = async_client._http._transport  # type: ignore[attr-defined]

                async def note(response: httpx.Response) -> None:
                    polls.append(1)
                    connections.update(pool.connections)

                async_client._http.event_hooks["response"].append(note)
                async for execution in async_client.as_completed(
                    wids, concurrency=concurrency, timeout=24 * 3600
                ):
                    assert execution.finish_time is not None
                    lag = now() - execution.finish_time.timestamp()
                    seen[execution.id] = (execution.status, lag)

        asyncio.run(follow())
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    pipe.send(
        {
            "seen": seen,
            "connections": len(connections),
            "rss_mb": cpu.ru_maxrss / 1024,
            "cpu": cpu.ru_utime + cpu.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime,
            "polls": len(polls),
        }
    )


def case(kind: str, count: int, concurrency: int) -> dict[str, Any]:
    """One provider and one client, each in its own process."""
    context = multiprocessing.get_context("spawn")
    to_provider, provider_end = context.Pipe()
    serving = context.Process(target=provider, args=(count, provider_end), daemon=True)
    serving.start()
    base_url, token, wids, start, origin = to_provider.recv()
    to_client, client_end = context.Pipe()
    following = context.Process(
        target=client,
        args=(kind, base_url, token, wids, start, origin, concurrency, client_end),
        daemon=True,
    )
    began = time.monotonic()
    following.start()
    result: dict[str, Any] = to_client.recv()
    following.join()
    result["seconds"] = time.monotonic() - began
    to_provider.send("done")
    truth: dict[str, str] = to_provider.recv()
    serving.join()
    seen: dict[str, tuple[str, float]] = result.pop("seen")
    result["correct"] = len(seen) == count and all(
        seen[wid][0] == status for wid, status in truth.items()
    )
    lags = sorted(lag for _, lag in seen.values())
    result["lag_p50"] = statistics.median(lags)
    result["lag_p95"] = lags[int(0.95 * (len(lags) - 1))]
    result["cpu_per_poll_ms"] = 1000 * result["cpu"] / max(1, result["polls"])
    return result


def main() -> int:
    small, large = (int(n) for n in sys.argv[1:3]) if len(sys.argv) > 2 else (1000, 5000)
    # Lag varies by some 15 % from run to run on a shared machine: the two lag cases run
    # REPEATS times, taking turns, and are compared by their medians.
    cases = [
        ("sync", small, 8),
        *[("async", small, concurrency) for _ in range(REPEATS) for concurrency in (8, 100)],
        ("async", large, 100),
    ]
    print(f"Executions at {SPEED:g}x real time, lag in simulated seconds.\n")
    print(
        "| client | executions | concurrency | all true | connections | peak RSS (MB) "
        "| lag p50 | lag p95 | polls | CPU per poll (ms) | real (s) |"
    )
    print("|---|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|")
    results: dict[tuple[str, int, int], list[dict[str, Any]]] = {}
    for kind, count, concurrency in cases:
        result = case(kind, count, concurrency)
        results.setdefault((kind, count, concurrency), []).append(result)
        print(
            f"| {kind} | {count} | {concurrency} | {'yes' if result['correct'] else 'NO'} "
            f"| {result['connections']} | {result['rss_mb']:.0f} | {result['lag_p50']:.1f} "
            f"| {result['lag_p95']:.1f} | {result['polls']} | {result['cpu_per_poll_ms']:.2f} "
            f"| {result['seconds']:.0f} |"
        )

    def median(key: tuple[str, int, int], field: str) -> float:
        return statistics.median(r[field] for r in results[key])

    few, many = ("async", small, 8), ("async", small, 100)
    print(
        f"\nMedians over {REPEATS} runs each, concurrency 8 against 100: lag p50 "
        f"{median(few, 'lag_p50'):.1f} against {median(many, 'lag_p50'):.1f}, lag p95 "
        f"{median(few, 'lag_p95'):.1f} against {median(many, 'lag_p95'):.1f}."
    )
    every = [r for runs in results.values() for r in runs]
    checks = {
        "every execution seen at its true status": all(r["correct"] for r in every),
        "connections opened at most the concurrency": all(
            r["connections"] <= c for (_, _, c), runs in results.items() for r in runs
        ),
        "peak RSS at most 150 MB for 5,000 executions": median(("async", large, 100), "rss_mb")
        <= 150,
        "lag (p50 and p95) at concurrency 100 no worse than at 8, within 10 %": all(
            median(many, field) <= 1.1 * median(few, field) for field in ("lag_p50", "lag_p95")
        ),
        "async CPU per poll at most 1.5x the sync client's": median(few, "cpu_per_poll_ms")
        <= 1.5 * median(("sync", small, 8), "cpu_per_poll_ms"),
    }
    print()
    for name, met in checks.items():
        print(f"- {name}: {'met' if met else 'MISSED'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
