"""What waiting costs: requests made and how late the end is seen, per poll policy.

    make bench

Lag is the time from an execution's end to the poll that sees it. The target, at every
run length from 30 s to 3 h: a p95 lag of at most max(2 s, 10 % of the length), and at
most 200 requests for a 3-hour run. A run's length is counted from the start of the
wait, which starts when the execution is scheduled. The fixed baselines start their wait
a random offset (up to one interval) later, as a poller that is already running would.

Each case is measured over many seeds by replaying the schedule of pauses that the pure
:class:`PollPolicy` gives, paced as the clients' waiter paces it. A few seeds also run
through the real :class:`WorkflowClient` against the simulator on its virtual clock, and
the benchmark fails unless both agree on every request count and lag. Every figure is
machine-independent.
"""

from __future__ import annotations

import itertools
import random
import statistics
import sys
from collections.abc import Callable, Iterable

import attrs
import httpx

from onedata_workflows import PollPolicy, WorkflowClient
from onedata_workflows.testing import FakeOneprovider, LaneSpec, Timing

SEEDS = 500
CHECKED_SEEDS = 3
# Through the real client, which takes about 0.2 ms a request: the longest fixed-interval
# cases (fixed 1 s for an hour or more, fixed 5 s for 3 h) are left to the replay.
CHECKED_MAX_REQUESTS = 1000
LENGTHS = {"30 s": 30.0, "2 min": 120.0, "10 min": 600.0, "1 h": 3600.0, "3 h": 10800.0}
MAX_REQUESTS_3H = 200
DEFAULT = "default"
POLICIES = {DEFAULT: PollPolicy()} | {
    f"fixed {s} s": PollPolicy.fixed(s) for s in (1, 5, 15, 30, 60)
}
# Every fixed interval from 0.25 s to 2 min, for the claim that none of them does better.
SCAN = [step / 4 for step in range(1, 4 * 120 + 1)]


def lag_target(length: float) -> float:
    return max(2.0, 0.1 * length)


def timeout_for(length: float) -> float:
    return 2 * length + 600  # never reached: every wait here ends on the execution's end


@attrs.frozen
class Wait:
    """One wait: the requests it made and how late it saw the end."""

    requests: int
    lag: float


def offset(policy: PollPolicy, rng: random.Random) -> float:
    """How long after the scheduling the wait starts: at once, unless it polls at fixed times."""
    return rng.uniform(0, policy.initial) if policy.maximum == policy.initial else 0.0


def replay(
    policy: PollPolicy, rng: random.Random, end: float, start: float, timeout: float
) -> Wait:
    """A wait that starts at ``start`` for an execution ending at ``end``, as the waiter paces it.

    The first look is at once; after each look that does not see the end, the pause is
    the policy's interval for the time since the first look, cut short at the deadline.
    """
    now, deadline, requests = start, start + timeout, 1
    while now < end:
        remaining = deadline - now
        if remaining <= 0:
            raise AssertionError(f"the wait timed out at {now} before the end at {end}")
        now += min(policy.interval(now - start, rng), remaining)
        requests += 1
    return Wait(requests, now - end)


def replayed(policy: PollPolicy, length: float, seed: int) -> Wait:
    rng = random.Random(seed)
    return replay(policy, rng, length, offset(policy, rng), timeout_for(length))


def with_client(policy: PollPolicy, lanes: list[LaneSpec], seed: int) -> tuple[Wait, float, float]:
    """The same wait through the real client and simulator; also when the run began and ended."""
    rng = random.Random(seed)
    fake = FakeOneprovider(seed=seed)
    wid = fake.schedule_execution(fake.add_workflow_schema(lanes)[0])
    scheduled = fake.now()
    fake.advance(offset(policy, rng))
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
        rng=rng,
    ) as client:
        length = sum(lane.duration for lane in lanes)  # an upper bound, for the timeout
        execution = client.wait_until_finished(wid, poll=policy, timeout=timeout_for(length + 60))
    assert execution.finish_time is not None
    end = execution.finish_time.timestamp()
    return Wait(requests, fake.now() - end), scheduled, end


def cross_check() -> int:
    """Run a few seeds of each case through the real client; raise if the replay differs.

    Besides a one-lane run of each length, a three-lane run checks that the changes the
    default's waiter sees on the way (lanes starting and ending) do not alter its pace.
    """
    timing = Timing()
    overhead = 3 * timing.prepare + timing.stop  # scheduled → preparing → enqueued → active; stop
    checked = 0
    for (name, policy), length, seed in itertools.product(
        POLICIES.items(), LENGTHS.values(), range(CHECKED_SEEDS)
    ):
        if replayed(policy, length, seed).requests > CHECKED_MAX_REQUESTS:
            continue
        shapes = [[LaneSpec(duration=length - overhead)]]
        if name == DEFAULT and length >= 120:
            shapes.append([LaneSpec(duration=(length - overhead) / 3)] * 3)
        for lanes in shapes:
            seen, scheduled, end = with_client(policy, lanes, seed)
            if len(lanes) == 1 and end - scheduled != length:
                raise AssertionError(f"a {length} s run lasted {end - scheduled} s")
            # On the same clock readings as the client's, so the floating point agrees too.
            rng = random.Random(seed)
            start = scheduled + offset(policy, rng)
            expected = replay(policy, rng, end, start, timeout_for(length + 60))
            if seen != expected:
                raise AssertionError(
                    f"{name}, {len(lanes)} lane(s) of {length} s, seed {seed}: "
                    f"the client made {seen}, the replay {expected}"
                )
            checked += 1
    return checked


@attrs.frozen
class Case:
    """One policy at one run length, over every seed."""

    requests_p50: float
    requests_p95: float
    lag_p50: float
    lag_p95: float

    @classmethod
    def of(cls, waits: Iterable[Wait]) -> Case:
        waits = list(waits)
        requests = [float(w.requests) for w in waits]
        lags = [w.lag for w in waits]
        return cls(p(requests, 50), p(requests, 95), p(lags, 50), p(lags, 95))


def p(values: list[float], percent: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def measure(policy: PollPolicy, length: float) -> Case:
    return Case.of(replayed(policy, length, seed) for seed in range(SEEDS))


def beats(fixed: Callable[[float], Case], default: dict[float, Case]) -> str | None:
    """Why a fixed interval does not meet the lag target with fewer requests at every length.

    None if it does. Lengths are tried shortest first, and the first failure is the answer.
    """
    for length, label in zip(LENGTHS.values(), LENGTHS, strict=True):
        case = fixed(length)
        if case.lag_p95 > lag_target(length):
            return f"misses the lag target at {label}"
        if case.requests_p50 >= default[length].requests_p50:
            return f"makes as many requests or more at {label}"
    return None


def main() -> int:
    checked = cross_check()
    results = {
        (name, length): measure(POLICIES[name], length)
        for name in POLICIES
        for length in LENGTHS.values()
    }
    default = {length: results[DEFAULT, length] for length in LENGTHS.values()}

    print(f"Over {SEEDS} seeds per case, lag in seconds; the default is {POLICIES[DEFAULT]}.\n")
    print("| run length | lag target (p95) | policy | requests p50 | requests p95 |", end="")
    print(" lag p50 | lag p95 | lag target |")
    print("|---|--:|---|--:|--:|--:|--:|---|")
    for label, length in LENGTHS.items():
        for name in POLICIES:
            case = results[name, length]
            met = case.lag_p95 <= lag_target(length)
            print(
                f"| {label} | {lag_target(length):g} s | {name} | {case.requests_p50:.0f} | "
                f"{case.requests_p95:.0f} | {case.lag_p50:.1f} | {case.lag_p95:.1f} | "
                f"{'met' if met else 'missed'} |"
            )

    default_met = (
        all(default[length].lag_p95 <= lag_target(length) for length in LENGTHS.values())
        and default[LENGTHS["3 h"]].requests_p95 <= MAX_REQUESTS_3H
    )
    print(
        f"\nThe default {'meets' if default_met else 'MISSES'} the target: p95 lag within "
        "max(2 s, 10 % of the length) at every length, and "
        f"{default[LENGTHS['3 h']].requests_p95:.0f} requests (p95) for a 3-hour run, "
        f"against at most {MAX_REQUESTS_3H}."
    )

    baselines = {
        name: beats(lambda length, n=name: results[n, length], default)
        for name in POLICIES
        if name != DEFAULT
    }
    scanned = {
        seconds: beats(lambda length, s=seconds: measure(PollPolicy.fixed(s), length), default)
        for seconds in SCAN
    }
    better = [name for name, reason in (baselines | scanned).items() if reason is None]
    print(
        f"\n{'No' if not better else 'SOME'} fixed interval meets the lag target at every "
        "length with fewer requests (p50) than the default at every length:\n"
    )
    for name, reason in baselines.items():
        print(f"- {name}: {reason or 'does'}")
    print(f"- every fixed interval from {SCAN[0]} s to {SCAN[-1]:g} s, in steps of {SCAN[0]} s:")
    for reason, group in itertools.groupby(scanned.items(), key=lambda item: item[1]):
        seconds = [s for s, _ in group]
        span = f"{seconds[0]:g} s" + (f" to {seconds[-1]:g} s" if len(seconds) > 1 else "")
        print(f"  - {len(seconds)} ({span}) {reason or 'do'}")
    print(
        f"\nThe replay agrees with the real WorkflowClient on the simulator's virtual clock: "
        f"{checked} waits ({CHECKED_SEEDS} seeds of each case of at most {CHECKED_MAX_REQUESTS} "
        "requests, and of three-lane runs for the default), the same requests and the same lag."
    )
    return 0 if default_met and not better else 1


if __name__ == "__main__":
    sys.exit(main())
