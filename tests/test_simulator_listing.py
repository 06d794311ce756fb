"""Paging through a space's executions the way the service pages: order, isLast, tokens."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from onedata_workflows.testing import FakeOneprovider, LaneSpec

from .contract import ContractChecker
from .raw_api import WORKFLOWS, RawApi, error_of

PHASES = ["waiting", "ongoing", "suspended", "ended"]

EPOCH_INFINITY = 9_999_999_999


def waiting(fake: FakeOneprovider, api: RawApi, count: int) -> list[str]:
    """``count`` executions scheduled at the same instant, all still waiting."""
    schema_id, _ = fake.add_workflow_schema([LaneSpec(duration=1000)])
    return [api.schedule(schema_id) for _ in range(count)]


def decode(token: str) -> str:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()


def test_same_timestamp_in_ascending_order_of_id(fake: FakeOneprovider, api: RawApi) -> None:
    wids = waiting(fake, api, 6)
    assert len({api.get(wid)["scheduleTime"] for wid in wids}) == 1
    assert api.list("waiting")["atmWorkflowExecutions"] == sorted(wids)


def test_newer_first_then_id(fake: FakeOneprovider, api: RawApi) -> None:
    older = waiting(fake, api, 2)
    fake.advance(0.5)  # still waiting: preparing starts a second after scheduling
    newer = waiting(fake, api, 2)
    listed = api.list("waiting")["atmWorkflowExecutions"]
    assert listed == sorted(newer) + sorted(older)


def test_a_page_that_fills_limit_is_not_the_last(fake: FakeOneprovider, api: RawApi) -> None:
    wids = sorted(waiting(fake, api, 3))
    first = api.list("waiting", limit=3)
    assert first["atmWorkflowExecutions"] == wids
    assert first["isLast"] is False
    assert first["nextPageToken"] is not None
    after = api.list("waiting", limit=3, token=first["nextPageToken"])
    assert after == {"atmWorkflowExecutions": [], "nextPageToken": None, "isLast": True}
    assert api.list("waiting", limit=4)["isLast"] is True, "a short page is the last"


def test_the_token_is_the_index_of_the_last_entry(fake: FakeOneprovider, api: RawApi) -> None:
    wids = sorted(waiting(fake, api, 3))
    page = api.list("waiting", limit=2)
    schedule_time = api.get(wids[1])["scheduleTime"]
    assert decode(page["nextPageToken"]) == f"{EPOCH_INFINITY - schedule_time}{wids[1]}"
    assert "=" not in page["nextPageToken"], "base64url without padding"


def test_the_next_page_starts_after_the_token_even_if_its_entry_moved_on(
    fake: FakeOneprovider, api: RawApi
) -> None:
    first_wave = sorted(waiting(fake, api, 2))
    fake.advance(0.5)
    second_wave = sorted(waiting(fake, api, 2))
    page = api.list("waiting", limit=3)
    assert page["atmWorkflowExecutions"] == [*second_wave, first_wave[0]]
    api.ok(first_wave[0], "cancel")  # the entry the token names leaves the waiting phase
    rest = api.list("waiting", limit=3, token=page["nextPageToken"])
    assert rest["atmWorkflowExecutions"] == [first_wave[1]]


@pytest.mark.parametrize(
    "token",
    [
        "!!!",
        "a b",
        base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode(),
        base64.urlsafe_b64encode(b"\x00\x01").decode(),
    ],
)
def test_a_token_that_cannot_be_decoded_is_bad_data(api: RawApi, token: str) -> None:
    response = api.http.get(f"/spaces/{api.fake.space_id}{WORKFLOWS}", params={"token": token})
    assert error_of(response) == (400, "badData")
    assert response.json()["error"]["details"] == {"key": "token"}


def test_an_empty_token_is_an_empty_value(api: RawApi) -> None:
    response = api.http.get(f"/spaces/{api.fake.space_id}{WORKFLOWS}", params={"token": ""})
    assert error_of(response) == (400, "badValueEmpty")


def test_a_raw_index_starts_at_its_entry(
    fake: FakeOneprovider, api: RawApi, contract: ContractChecker
) -> None:
    wids = sorted(waiting(fake, api, 3))
    index = decode(api.list("waiting", limit=1)["nextPageToken"])
    with contract.lenient():  # the service takes `index`; the published reference omits it
        page = api.list("waiting", index=index)
    assert page["atmWorkflowExecutions"] == wids, "inclusive, unlike a token"


# -- phases, limit, offset, validation ---------------------------------------------


def test_listing_by_phase_newest_first(fake: FakeOneprovider, api: RawApi) -> None:
    slow, _ = fake.add_workflow_schema([LaneSpec(duration=1000)])
    first = api.schedule(slow)
    fake.advance(1)
    second = api.schedule(slow)
    fake.advance(1)
    third = api.schedule(slow)
    assert api.list("waiting")["atmWorkflowExecutions"] == [third]
    assert api.list()["atmWorkflowExecutions"] == [second, first], "ongoing by default"
    api.ok(first, "pause")
    fake.advance(5)
    api.ok(second, "cancel")
    fake.advance(5)
    assert api.list("suspended")["atmWorkflowExecutions"] == [first]
    assert api.list("ended")["atmWorkflowExecutions"] == [second]
    assert api.list("ongoing")["atmWorkflowExecutions"] == [third]
    api.ok(first, "resume")
    assert api.list("waiting")["atmWorkflowExecutions"] == [first], "it moves with its phase"


def test_paging_with_limit_token_and_offset(fake: FakeOneprovider, api: RawApi) -> None:
    quick, _ = fake.add_workflow_schema([LaneSpec(duration=1)])
    wids = []
    for _ in range(7):
        wids.append(api.schedule(quick))
        fake.advance(1)
    fake.advance(60)
    newest_first = api.list("ended")["atmWorkflowExecutions"]
    assert sorted(newest_first) == sorted(wids)
    assert newest_first == wids[::-1], "finished in scheduling order"

    seen, token = [], None
    while True:
        page = api.list("ended", limit=3, **({"token": token} if token else {}))
        seen += page["atmWorkflowExecutions"]
        token = page["nextPageToken"]
        if page["isLast"]:
            assert token is None
            break
        assert token is not None
    assert seen == newest_first

    assert api.list("ended", limit=2, offset=3)["atmWorkflowExecutions"] == newest_first[3:5]
    after_two = api.list("ended", limit=2)["nextPageToken"]
    back_one = api.list("ended", limit=2, token=after_two, offset=-1)
    assert back_one["atmWorkflowExecutions"] == newest_first[1:3]
    assert api.list("ended", offset=100) == {
        "atmWorkflowExecutions": [], "nextPageToken": None, "isLast": True,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("params", "error_id", "details"),
    [
        ({"phase": "running"}, "badValueNotAllowed", {"key": "phase", "allowed": PHASES}),
        ({"limit": "0"}, "badValueNotInRange", {"key": "limit", "low": 1, "high": 1000}),
        ({"limit": "1001"}, "badValueNotInRange", {"key": "limit", "low": 1, "high": 1000}),
        ({"offset": "x"}, "badValueInteger", {"key": "offset"}),
        ({"token": "!!!"}, "badData", {"key": "token"}),
    ],
)  # fmt: skip
def test_listing_validation(
    api: RawApi, params: dict[str, str], error_id: str, details: dict[str, Any]
) -> None:
    response = api.http.get(f"/spaces/{api.fake.space_id}{WORKFLOWS}", params=params)
    assert error_of(response) == (400, error_id)
    assert response.json()["error"]["details"] == details
