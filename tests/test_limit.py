"""How many polls a many-wait keeps in flight (``_limit``), against modelled servers."""

from __future__ import annotations

import math
import random

from onedata_workflows._limit import FLOOR, GROW_BELOW, SHRINK_ABOVE, InFlightLimit


def network(limit: InFlightLimit, median: float, n: int = 8000, spread: float = 0.1) -> None:
    """``n`` answers over a network, every slot in use: each takes ``median`` seconds
    give or take (log-normal), however many are out."""
    rng = random.Random(7)
    for _ in range(n):
        limit.record(median * math.exp(rng.gauss(0, spread)), limit.limit)


def server(limit: InFlightLimit, capacity: int, n: int = 8000) -> None:
    """``n`` answers from a server that answers ``capacity`` at once in 10 ms: with more
    out, answers wait in its queue."""
    for _ in range(n):
        limit.record(0.01 * max(1.0, limit.limit / capacity), limit.limit)


def test_over_a_network_the_limit_climbs_to_the_ceiling_however_answers_vary() -> None:
    limit = InFlightLimit.up_to(100)
    assert limit.limit == FLOOR
    network(limit, 0.05)
    assert limit.limit == 100


def test_documents_of_mixed_sizes_over_a_network_are_not_taken_for_queueing() -> None:
    limit = InFlightLimit.up_to(100)
    for i in range(8000):
        limit.record(0.05 + (0.002 if i % 5 == 0 else 0.008), limit.limit)
    assert limit.limit == 100


def test_one_freak_quick_answer_changes_nothing() -> None:
    limit = InFlightLimit.up_to(100)
    network(limit, 0.05)
    limit.record(0.001, 100)
    network(limit, 0.05)
    assert limit.limit == 100


def test_answers_that_slowed_for_good_keep_the_floor() -> None:
    """The quickest answers are not forgotten: answers twice as slow for good pass for
    queueing, and the wait goes on with the default concurrency."""
    limit = InFlightLimit.up_to(100)
    network(limit, 0.04)
    assert limit.limit == 100
    network(limit, 0.1, n=200)
    assert limit.limit == FLOOR


def test_on_a_saturated_server_it_settles_where_answers_stop_slowing_down() -> None:
    limit = InFlightLimit.up_to(100)
    server(limit, capacity=20)
    settled = set()
    for _ in range(500):
        server(limit, capacity=20, n=1)
        settled.add(limit.limit)
    assert min(settled) >= 20 * GROW_BELOW - 1, "the server's capacity is used"
    assert max(settled) <= 20 * SHRINK_ABOVE + 1, "and answers wait at most as long again"


def test_it_follows_a_server_that_slows_down_and_recovers() -> None:
    limit = InFlightLimit.up_to(100)
    server(limit, capacity=40)
    assert 40 * GROW_BELOW - 1 <= limit.limit <= 40 * SHRINK_ABOVE + 1
    server(limit, capacity=12)
    assert 12 * GROW_BELOW - 1 <= limit.limit <= 12 * SHRINK_ABOVE + 1
    server(limit, capacity=1000)
    assert limit.limit == 100


def test_never_below_the_floor_however_slow_the_answers() -> None:
    limit = InFlightLimit.up_to(100)
    for step in range(1, 2000):
        limit.record(0.01 * step, limit.limit)  # every answer slower than the last
        assert limit.limit >= FLOOR


def test_a_ceiling_under_the_floor_is_kept_as_it_is() -> None:
    limit = InFlightLimit.up_to(3)
    network(limit, 0.01)
    server(limit, capacity=1)
    assert limit.limit == 3


def test_slots_not_in_use_are_not_added_to() -> None:
    limit = InFlightLimit.up_to(100)
    for _ in range(1000):
        limit.record(0.05, 2)
    assert limit.limit == FLOOR


def test_the_first_answers_which_open_connections_do_not_set_the_pace() -> None:
    """Eight slow first answers (connecting) and then a saturated server: the limit
    does not climb on the strength of the slow start."""
    limit = InFlightLimit.up_to(100)
    for _ in range(FLOOR):
        limit.record(0.1, FLOOR)
    server(limit, capacity=8)
    assert limit.limit <= 3 * 8, "not the ceiling it would reach at their pace"


def test_hanging_polls_hold_no_slot_but_count_against_the_ceiling() -> None:
    limit = InFlightLimit.up_to(100)
    assert limit.room([0.01] * FLOOR) == 0, "eight answering polls fill the floor"
    assert limit.room([30.0] * FLOOR) == FLOOR, "eight hanging ones hold up no other poll"
    assert limit.room([30.0] * 95 + [0.01] * 3) == 2, "up to the ceiling"
    network(limit, 0.5)
    assert limit.room([1.5] * 100) == 0
    assert limit.room([1.5] * 50) == 50, "answers take 0.5 s: out 1.5 s is not hanging yet"
