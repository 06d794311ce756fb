"""How many polls a many-wait keeps in flight (``_limit``), against modelled servers."""

from __future__ import annotations

from onedata_workflows._limit import FLOOR, GROW_BELOW, SHRINK_ABOVE, InFlightLimit


def run(
    limit: InFlightLimit, answer: float | None = None, capacity: int = 0, n: int = 3000
) -> None:
    """``n`` answers with every slot in use: each takes ``answer`` seconds, or, on a server
    that answers ``capacity`` at once in 10 ms, longer as more wait in its queue."""
    for _ in range(n):
        out = limit.limit
        seconds = answer if answer is not None else 0.01 * max(1.0, out / capacity)
        limit.record(seconds, out)


def test_over_a_network_the_limit_climbs_to_the_ceiling() -> None:
    limit = InFlightLimit.up_to(100)
    assert limit.limit == FLOOR
    run(limit, answer=0.05, n=200)
    assert limit.limit == 100


def test_on_a_saturated_server_it_settles_where_few_answers_queue() -> None:
    limit = InFlightLimit.up_to(100)
    run(limit, capacity=20)
    settled = set()
    for _ in range(500):
        run(limit, capacity=20, n=1)
        settled.add(limit.limit)
    assert min(settled) >= 20, "the server's capacity is used"
    assert max(settled) <= 20 * SHRINK_ABOVE + 1, "and answers wait at most as long again"
    assert min(settled) >= 20 * GROW_BELOW - 1


def test_it_follows_a_server_that_slows_down_and_recovers() -> None:
    limit = InFlightLimit.up_to(100)
    run(limit, capacity=40)
    assert 40 * GROW_BELOW - 1 <= limit.limit <= 40 * SHRINK_ABOVE + 1
    run(limit, capacity=12)
    assert 12 * GROW_BELOW - 1 <= limit.limit <= 12 * SHRINK_ABOVE + 1
    run(limit, capacity=1000)
    assert limit.limit == 100


def test_never_below_the_floor_however_slow_the_answers() -> None:
    limit = InFlightLimit.up_to(100)
    for step in range(1, 2000):
        limit.record(0.01 * step, limit.limit)  # every answer slower than the last
        assert limit.limit >= FLOOR


def test_a_ceiling_under_the_floor_is_kept_as_it_is() -> None:
    limit = InFlightLimit.up_to(3)
    run(limit, answer=0.01)
    run(limit, capacity=1)
    assert limit.limit == 3


def test_slots_not_in_use_are_not_added_to() -> None:
    limit = InFlightLimit.up_to(100)
    for _ in range(1000):
        limit.record(0.05, 2)
    assert limit.limit == FLOOR
