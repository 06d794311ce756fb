"""Who may see and do what: anonymous callers, space membership, automation inventories."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from onedata_workflows.testing import FakeOneprovider, LaneSpec, Outcome, Privilege

from .raw_api import WORKFLOWS, RawApi, error_of

SELECTOR = {"laneIndex": 1, "laneRunNumber": 1}


@pytest.fixture
def failed(fake: FakeOneprovider, api: RawApi) -> str:
    schema_id, _ = fake.add_workflow_schema([LaneSpec(outcomes=[Outcome.FAIL_ITEMS])])
    wid = api.schedule(schema_id)
    api.until(wid, "failed")
    return wid


@pytest.fixture
def anonymous(fake: FakeOneprovider) -> Iterator[httpx.Client]:
    with httpx.Client(transport=fake.transport(), base_url=fake.base_url) as http:
        yield http


# -- a request without a token: 401 before any lookup --------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("DELETE", "", None),
        ("POST", "/pause", None),
        ("POST", "/resume", None),
        ("POST", "/cancel", None),
        ("POST", "/force_continue", None),
        ("POST", "/rerun", SELECTOR),
        ("POST", "/retry", SELECTOR),
    ],
)
def test_anonymous_callers_cannot_tell_what_exists(
    anonymous: httpx.Client, failed: str, method: str, suffix: str, body: object
) -> None:
    existing = anonymous.request(method, f"{WORKFLOWS}/{failed}{suffix}", json=body)
    unknown = anonymous.request(method, f"{WORKFLOWS}/no-such-execution{suffix}", json=body)
    assert error_of(existing) == error_of(unknown) == (401, "unauthorized")
    assert existing.json()["error"]["description"] == unknown.json()["error"]["description"]


def test_anonymous_listing_is_401_for_any_space(
    fake: FakeOneprovider, anonymous: httpx.Client
) -> None:
    assert error_of(anonymous.get(f"/spaces/{fake.space_id}{WORKFLOWS}")) == (401, "unauthorized")
    assert error_of(anonymous.get(f"/spaces/no-such-space{WORKFLOWS}")) == (401, "unauthorized")


def test_anonymous_bodies_are_still_validated_first(anonymous: httpx.Client) -> None:
    """Validation reveals nothing about what exists, and the service does it first."""
    response = anonymous.post(f"{WORKFLOWS}/no-such-execution/rerun", json={})
    assert error_of(response) == (400, "missingRequiredValue")


# -- listing a space: 403 outside it, 400 where it is not supported, never 404 --


def test_listing_by_a_non_member_is_403_whether_the_space_exists_or_not(
    fake: FakeOneprovider,
) -> None:
    outsider = fake.add_user({fake.add_space(): list(Privilege)})
    with RawApi(fake, outsider) as api:
        for space in (fake.space_id, "no-such-space"):
            assert error_of(api.http.get(f"/spaces/{space}{WORKFLOWS}")) == (403, "forbidden")


def test_listing_by_a_member_without_the_view_privilege_is_403(fake: FakeOneprovider) -> None:
    member = fake.add_user({fake.space_id: [Privilege.SCHEDULE, Privilege.MANAGE]})
    with RawApi(fake, member) as api:
        assert error_of(api.http.get(f"/spaces/{fake.space_id}{WORKFLOWS}")) == (403, "forbidden")


def test_listing_a_space_this_provider_does_not_support(fake: FakeOneprovider) -> None:
    elsewhere = fake.add_space(supported=False)
    viewer = fake.add_user({elsewhere: [Privilege.VIEW]})
    bystander = fake.add_user({elsewhere: []})
    with RawApi(fake, viewer) as api:
        response = api.http.get(f"/spaces/{elsewhere}{WORKFLOWS}")
    assert error_of(response) == (400, "spaceNotSupportedBy")
    assert response.json()["error"]["details"] == {
        "spaceId": elsewhere,
        "providerId": fake.provider_id,
    }
    with RawApi(fake, bystander) as api:
        response = api.http.get(f"/spaces/{elsewhere}{WORKFLOWS}")
    assert error_of(response) == (403, "forbidden"), "authorization comes first"


# -- automation inventories ----------------------------------------------------------


def test_details_need_membership_of_the_workflows_inventory(
    fake: FakeOneprovider, api: RawApi
) -> None:
    schema_id, _ = fake.add_workflow_schema([LaneSpec()], inventory_id=fake.add_inventory())
    wid = api.schedule(schema_id)
    assert api.get(wid)["atmInventoryId"] != fake.inventory_id, "the default user is a member"
    stranger = fake.add_user({fake.space_id: [Privilege.VIEW]})
    with RawApi(fake, stranger) as other:
        assert error_of(other.http.get(f"{WORKFLOWS}/{wid}")) == (403, "forbidden")
        listed = other.list("waiting")["atmWorkflowExecutions"]
    assert listed == [wid], "listing is not filtered by inventory"


def test_inventory_members_read_the_details(fake: FakeOneprovider, api: RawApi) -> None:
    inventory = fake.add_inventory()
    schema_id, _ = fake.add_workflow_schema([LaneSpec()], inventory_id=inventory)
    wid = api.schedule(schema_id)
    member = fake.add_user({fake.space_id: [Privilege.VIEW]}, inventories=[inventory])
    with RawApi(fake, member) as other:
        assert other.get(wid)["atmInventoryId"] == inventory


def test_scheduling_needs_membership_of_the_schemas_inventory(fake: FakeOneprovider) -> None:
    inventory = fake.add_inventory(members=[])
    schema_id, _ = fake.add_workflow_schema([LaneSpec()], inventory_id=inventory)
    member = fake.add_user({fake.space_id: list(Privilege)}, inventories=[inventory])
    with RawApi(fake) as outsider, RawApi(fake, member) as api:
        assert error_of(outsider.schedule_response(schema_id)) == (403, "forbidden")
        assert error_of(outsider.schedule_response("no-such-schema")) == (404, "notFound")
        assert api.schedule_response(schema_id).status_code == 201


def test_actions_need_only_the_space_privileges(fake: FakeOneprovider, api: RawApi) -> None:
    wid = api.schedule(fake.add_workflow_schema([LaneSpec(duration=100)])[0])
    manager = fake.add_user({fake.space_id: [Privilege.MANAGE]}, inventories=[])
    with RawApi(fake, manager) as other:
        other.ok(wid, "pause")
        assert error_of(other.http.get(f"{WORKFLOWS}/{wid}")) == (403, "forbidden")
