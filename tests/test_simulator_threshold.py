"""A lane's instant-failure exception threshold: too many failed items fail the run at once."""

from __future__ import annotations

import pytest

from onedata_workflows.testing import FakeOneprovider, LaneSpec, Outcome

from .raw_api import RawApi, error_of, flags, runs

SELECTOR = {"laneIndex": 1, "laneRunNumber": 1}


def scheduled(fake: FakeOneprovider, api: RawApi, lane: LaneSpec) -> str:
    schema_id, _ = fake.add_workflow_schema([lane, LaneSpec()])
    return api.schedule(schema_id)


def test_passing_the_threshold_fails_the_run_at_once(fake: FakeOneprovider, api: RawApi) -> None:
    lane = LaneSpec(
        duration=100, failing_items=3, max_retries=2, outcomes=[Outcome.FAIL_ITEMS] * 3
    )  # 30 % of the items fail; the default threshold is 10 %
    wid = scheduled(fake, api, lane)
    active = api.until(wid, "active")
    d = api.until(wid, "stopping")
    assert runs(d, 1) == [(1, "stopping", "regular")], "it stops, it does not end by itself"
    d = api.until(wid, "failed")
    assert d["finishTime"] - active["startTime"] < 100, "at the first failed item, not the end"
    assert runs(d, 1) == [(1, "failed", "regular")], "no automatic retry"
    assert d["lanes"][1]["runs"] == []
    assert flags(d, 1) == [(True, False)], "rerunable, not retriable"
    assert error_of(api.act(wid, "retry", SELECTOR)) == (400, "atmLaneExecutionRetryFailed")
    api.ok(wid, "rerun", SELECTOR)
    assert runs(api.get(wid), 1)[0] == (2, "scheduled", "rerun")


def test_below_the_threshold_items_fail_as_usual(fake: FakeOneprovider, api: RawApi) -> None:
    lane = LaneSpec(
        failing_items=3,
        max_retries=1,
        outcomes=[Outcome.FAIL_ITEMS, Outcome.FAIL_ITEMS],
        instant_failure_exception_threshold=0.5,
    )
    wid = scheduled(fake, api, lane)
    d = api.until(wid, "failed")
    assert runs(d, 1) == [(2, "failed", "retry"), (1, "failed", "regular")]
    # Run 1 failed by its items (30 %); the retry over those 3 items fails them all.
    assert flags(d, 1) == [(True, False), (True, True)]


def test_a_share_equal_to_the_threshold_does_not_pass_it(
    fake: FakeOneprovider, api: RawApi
) -> None:
    lane = LaneSpec(items=10, failing_items=1, outcomes=[Outcome.FAIL_ITEMS])
    d = api.until(scheduled(fake, api, lane), "failed")
    assert flags(d, 1) == [(True, True)]


def test_a_retry_whose_items_fail_again_passes_the_default_threshold(
    fake: FakeOneprovider, api: RawApi
) -> None:
    lane = LaneSpec(outcomes=[Outcome.FAIL_ITEMS, Outcome.FAIL_ITEMS])
    wid = scheduled(fake, api, lane)
    api.until(wid, "failed")
    api.ok(wid, "retry", SELECTOR)
    d = api.until(wid, "failed")
    assert runs(d, 1) == [(2, "failed", "retry"), (1, "failed", "regular")]
    assert flags(d, 1) == [(True, False), (True, True)]


@pytest.mark.parametrize("threshold", [-0.1, 1.5])
def test_the_threshold_is_a_share(threshold: float) -> None:
    with pytest.raises(ValueError, match="instant_failure_exception_threshold"):
        LaneSpec(instant_failure_exception_threshold=threshold)
