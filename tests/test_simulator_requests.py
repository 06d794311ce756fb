"""The simulator's request handling: validation, authorization, listing, error bodies."""

from __future__ import annotations

from typing import Any

import pytest

from onedata_workflows.testing import FakeOneprovider, LaneSpec, Outcome, Privilege

from .contract import ContractChecker
from .raw_api import WORKFLOWS, RawApi, error_of, runs

LOG_LEVELS = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"]


@pytest.fixture
def schema_id(fake: FakeOneprovider) -> str:
    return fake.add_workflow_schema([LaneSpec(), LaneSpec(outcomes=[Outcome.FAIL_ITEMS])])[0]


@pytest.fixture
def failed(api: RawApi, schema_id: str) -> str:
    wid = api.schedule(schema_id)
    api.until(wid, "failed")
    return wid


def schedule_error(api: RawApi, body: Any) -> tuple[int, str, Any]:
    response = api.http.post(WORKFLOWS, json=body)
    error = response.json()["error"]
    return response.status_code, error["id"], error.get("details")


# -- §5: the sanitizer --------------------------------------------------------


def test_required_keys_are_checked_in_sorted_order(api: RawApi, schema_id: str) -> None:
    assert schedule_error(api, {}) == (
        400, "missingRequiredValue", {"key": "atmWorkflowSchemaId"},
    )  # fmt: skip
    body: dict[str, Any] = {"atmWorkflowSchemaId": schema_id}
    assert schedule_error(api, body)[2] == {"key": "atmWorkflowSchemaRevisionNumber"}
    body["atmWorkflowSchemaRevisionNumber"] = 1
    assert schedule_error(api, body)[2] == {"key": "spaceId"}


def test_first_violation_wins(api: RawApi, failed: str) -> None:
    response = api.act(failed, "rerun", {"laneRunNumber": 0, "laneIndex": "x"})
    assert error_of(response) == (400, "badValueInteger")
    assert response.json()["error"]["details"] == {"key": "laneIndex"}
    response = api.act(failed, "rerun", {"laneRunNumber": 0})
    assert response.json()["error"]["details"] == {"key": "laneIndex"}, "required before the rest"


def test_required_before_optional(api: RawApi) -> None:
    _, error_id, details = schedule_error(api, {"logLevel": "loud"})
    assert (error_id, details) == ("missingRequiredValue", {"key": "atmWorkflowSchemaId"})


@pytest.mark.parametrize("key", ["laneIndex", "laneRunNumber"])
def test_null_counts_as_missing(api: RawApi, failed: str, key: str) -> None:
    body = {"laneIndex": 2, "laneRunNumber": 1, key: None}
    response = api.act(failed, "rerun", body)
    assert error_of(response) == (400, "missingRequiredValue")
    assert response.json()["error"]["details"] == {"key": key}


def test_optional_null_is_absent(api: RawApi, schema_id: str, contract: ContractChecker) -> None:
    with contract.lenient():  # the spec does not admit null for these
        assert api.schedule_response(schema_id, logLevel=None, callback=None).status_code == 201


def test_numeric_strings_are_integers(
    api: RawApi, schema_id: str, failed: str, contract: ContractChecker
) -> None:
    with contract.lenient():
        assert api.schedule_response(schema_id, "1").status_code == 201
        api.ok(failed, "retry", {"laneIndex": "2", "laneRunNumber": "+1"})
    assert runs(api.get(failed), 2)[0] == (2, "scheduled", "retry")


@pytest.mark.parametrize("value", [2.0, True, [], {}, "two", "2.0", " 2", ""])
def test_bad_integers(api: RawApi, failed: str, value: Any) -> None:
    response = api.act(failed, "rerun", {"laneIndex": value, "laneRunNumber": 1})
    assert error_of(response) == (400, "badValueInteger")
    assert response.json()["error"]["details"] == {"key": "laneIndex"}


@pytest.mark.parametrize("value", [0, -3, "0", "-1"])
def test_integers_below_one(api: RawApi, failed: str, value: Any) -> None:
    response = api.act(failed, "retry", {"laneIndex": 1, "laneRunNumber": value})
    assert error_of(response) == (400, "badValueTooLow")
    assert response.json()["error"]["details"] == {"key": "laneRunNumber", "limit": 1}


@pytest.mark.parametrize(
    ("value", "error_id"), [(7, "badValueString"), ([], "badValueString"), ("", "badValueEmpty")]
)
def test_bad_strings(api: RawApi, schema_id: str, value: Any, error_id: str) -> None:
    body = {
        "spaceId": value,
        "atmWorkflowSchemaId": schema_id,
        "atmWorkflowSchemaRevisionNumber": 1,
    }
    assert schedule_error(api, body) == (400, error_id, {"key": "spaceId"})


def test_booleans_become_strings(api: RawApi, schema_id: str) -> None:
    body = {"spaceId": True, "atmWorkflowSchemaId": schema_id, "atmWorkflowSchemaRevisionNumber": 1}
    assert schedule_error(api, body)[:2] == (403, "forbidden"), "no privileges in space 'true'"


def test_log_level(api: RawApi, schema_id: str) -> None:
    response = api.schedule_response(schema_id, logLevel="verbose")
    assert error_of(response) == (400, "badValueNotAllowed")
    assert response.json()["error"]["details"] == {"key": "logLevel", "allowed": LOG_LEVELS}
    assert error_of(api.schedule_response(schema_id, logLevel=3)) == (400, "badValueString")
    for level in LOG_LEVELS:
        assert api.schedule_response(schema_id, logLevel=level).status_code == 201


@pytest.mark.parametrize("overlay", [[], "x", 3])
def test_store_overlay_must_be_an_object(api: RawApi, schema_id: str, overlay: Any) -> None:
    response = api.schedule_response(schema_id, storeInitialContentOverlay=overlay)
    assert error_of(response) == (400, "badValueJSON")


@pytest.mark.parametrize("url", ["ftp://host/x", "not a url", "http://", "https:///path"])
def test_callback_must_be_an_http_url(api: RawApi, schema_id: str, url: str) -> None:
    response = api.schedule_response(schema_id, callback=url)
    assert error_of(response) == (400, "badData")
    assert response.json()["error"]["details"] == {"key": "callback"}


@pytest.mark.parametrize("body", [b"{", b"[]", b"3", b'"x"', b"\xff"])
@pytest.mark.parametrize("target", ["schedule", "rerun"])
def test_malformed_bodies(api: RawApi, failed: str, body: bytes, target: str) -> None:
    url = WORKFLOWS if target == "schedule" else f"{WORKFLOWS}/{failed}/rerun"
    response = api.http.post(url, content=body, headers={"content-type": "application/json"})
    assert error_of(response) == (400, "malformedData")
    assert "details" not in response.json()["error"]


def test_empty_body_is_an_empty_object(api: RawApi, failed: str) -> None:
    response = api.http.post(f"{WORKFLOWS}/{failed}/rerun")
    assert error_of(response) == (400, "missingRequiredValue")


@pytest.mark.parametrize("media_type", ["text/plain", "application/json; charset=utf-8", ""])
def test_a_body_in_another_media_type_gets_415(api: RawApi, failed: str, media_type: str) -> None:
    body = b'{"laneIndex": 1, "laneRunNumber": 1}'
    headers = {"content-type": media_type} if media_type else {}
    response = api.http.post(f"{WORKFLOWS}/{failed}/rerun", content=body, headers=headers)
    assert (response.status_code, response.content) == (415, b"")


def test_the_query_overrides_the_body(api: RawApi, failed: str, contract: ContractChecker) -> None:
    with contract.lenient():
        response = api.http.post(
            f"{WORKFLOWS}/{failed}/rerun",
            params={"laneIndex": "2"},
            json={"laneIndex": 5, "laneRunNumber": 1},
        )
    assert response.status_code == 204
    assert runs(api.get(failed), 2)[0] == (2, "scheduled", "rerun")


def test_actions_take_any_media_type_without_a_body(api: RawApi, failed: str) -> None:
    api.ok(failed, "rerun", {"laneIndex": 2, "laneRunNumber": 1})
    response = api.http.post(f"{WORKFLOWS}/{failed}/cancel", headers={"content-type": "text/plain"})
    assert response.status_code == 204


def test_actions_ignore_their_body(api: RawApi, failed: str) -> None:
    response = api.http.post(
        f"{WORKFLOWS}/{failed}/force_continue", content=b"not json", headers={"content-type": "x/y"}
    )
    assert error_of(response) == (400, "atmWorkflowExecutionNotResumable")


# -- the order of checks ------------------------------------------------------


def test_body_is_checked_before_the_execution_exists(api: RawApi) -> None:
    assert error_of(api.act("nope", "rerun", {})) == (400, "missingRequiredValue")
    assert error_of(api.act("nope", "rerun", {"laneIndex": 1, "laneRunNumber": 1})) == (
        404, "notFound",
    )  # fmt: skip


def test_existence_before_authorization(fake: FakeOneprovider, failed: str) -> None:
    outsider = fake.add_user({})
    with RawApi(fake, outsider) as api:
        assert error_of(api.act("nope", "pause")) == (404, "notFound")
        assert error_of(api.act(failed, "pause")) == (403, "forbidden")
        assert error_of(api.http.get(f"{WORKFLOWS}/{failed}")) == (403, "forbidden")


def test_authorization_before_state(fake: FakeOneprovider, failed: str) -> None:
    viewer = fake.add_user({fake.space_id: [Privilege.VIEW]})
    with RawApi(fake, viewer) as api:
        assert api.get(failed)["status"] == "failed"
        assert error_of(api.act(failed, "resume")) == (403, "forbidden")


def test_an_invalid_token_fails_first(fake: FakeOneprovider) -> None:
    with RawApi(fake, "not-a-token") as api:
        assert error_of(api.act("nope", "rerun", {})) == (401, "unauthorized")


# -- users and privileges -----------------------------------------------------


def test_bearer_token(fake: FakeOneprovider, failed: str) -> None:
    with RawApi(fake) as api:
        del api.http.headers["X-Auth-Token"]
        api.http.headers["Authorization"] = f"Bearer {fake.token}"
        assert api.get(failed)["status"] == "failed"


def test_privileges(fake: FakeOneprovider, schema_id: str) -> None:
    space = fake.space_id
    viewer = fake.add_user({space: [Privilege.VIEW]})
    scheduler = fake.add_user({space: [Privilege.VIEW, Privilege.SCHEDULE]})
    manager = fake.add_user({space: [Privilege.VIEW, Privilege.MANAGE]})
    with RawApi(fake, viewer) as v, RawApi(fake, scheduler) as s, RawApi(fake, manager) as m:
        assert error_of(v.schedule_response(schema_id)) == (403, "forbidden")
        assert v.list()["atmWorkflowExecutions"] == []
        own = s.schedule(schema_id)
        assert v.get(own)["userId"] == fake.user_of(scheduler)
        s.ok(own, "pause")  # the scheduling user needs only the schedule privilege
        others = m.schedule_response(schema_id)
        assert error_of(others) == (403, "forbidden"), "manage does not allow scheduling"
        theirs = RawApi(fake).schedule(schema_id)
        assert error_of(s.act(theirs, "pause")) == (403, "forbidden")
        m.ok(theirs, "pause")  # anyone else's needs manage


def test_no_privileges_in_another_space(fake: FakeOneprovider, schema_id: str) -> None:
    other = fake.add_space()
    outsider = fake.add_user({other: list(Privilege)})
    wid = RawApi(fake).schedule(schema_id)
    with RawApi(fake, outsider) as api:
        assert error_of(api.http.get(f"{WORKFLOWS}/{wid}")) == (403, "forbidden")
        assert error_of(api.http.get(f"/spaces/{fake.space_id}{WORKFLOWS}")) == (403, "forbidden")


def test_unsupported_space(fake: FakeOneprovider, api: RawApi, schema_id: str) -> None:
    space = fake.add_space(supported=False)
    user = fake.add_user({space: list(Privilege)})
    body = {
        "spaceId": space,
        "atmWorkflowSchemaId": schema_id,
        "atmWorkflowSchemaRevisionNumber": 1,
    }
    with RawApi(fake, user) as api:
        status, error_id, details = schedule_error(api, body)
    assert (status, error_id) == (400, "spaceNotSupportedBy")
    assert details == {"spaceId": space, "providerId": fake.provider_id}


def test_unknown_schema_or_revision(api: RawApi, schema_id: str) -> None:
    assert error_of(api.schedule_response("nope")) == (404, "notFound")
    assert error_of(api.schedule_response(schema_id, 2)) == (404, "notFound")


def test_schema_revisions(fake: FakeOneprovider, api: RawApi, schema_id: str) -> None:
    same, revision = fake.add_workflow_schema([LaneSpec()], schema_id=schema_id)
    assert (same, revision) == (schema_id, 2)
    assert len(api.get(api.schedule(schema_id, 2))["lanes"]) == 1


# -- schedule's answer, the error envelope ------------------------------------


def test_schedule_answers_id_and_location(
    fake: FakeOneprovider, api: RawApi, schema_id: str
) -> None:
    response = api.schedule_response(schema_id)
    wid = response.json()["atmWorkflowExecutionId"]
    assert response.headers["location"] == f"{fake.base_url}{WORKFLOWS}/{wid}"
    assert api.status(wid) == "scheduled", "the execution exists before the answer"


def test_location_as_the_service_codes_it(schema_id: str) -> None:
    fake = FakeOneprovider(location_style="as_coded")
    schema_id, _ = fake.add_workflow_schema([LaneSpec()])
    with RawApi(fake) as api:
        response = api.schedule_response(schema_id)
    wid = response.json()["atmWorkflowExecutionId"]
    expected = (
        f"https://oneprovider.test:443/api/v3/oneproviderautomation/execution/workflows/{wid}"
    )
    assert response.headers["location"] == expected


def test_error_envelope_with_ctx(fake: FakeOneprovider, api: RawApi) -> None:
    error = api.http.get(f"{WORKFLOWS}/nope").json()["error"]
    assert error["ctx"]["service"] == "opw"
    assert error["ctx"]["timestamp"] == int(fake.now() * 1000)
    assert set(error["ctx"]) == {
        "timestamp", "serviceReleaseVersion", "serviceId", "serviceDomain", "serviceBuildVersion",
        "service", "onedataErrorsRevision", "module", "line",
    }  # fmt: skip


def test_error_envelope_without_ctx() -> None:
    with RawApi(FakeOneprovider(error_shape="plain")) as api:
        body = api.http.get(f"{WORKFLOWS}/nope").json()
    assert body == {"error": {"id": "notFound", "description": "The resource could not be found."}}


def test_ids_are_path_segments(api: RawApi) -> None:
    assert error_of(api.http.get(f"{WORKFLOWS}/a%2Fpause")) == (404, "notFound")
    assert api.http.get(f"{WORKFLOWS}/x/unknown").status_code == 404
    response = api.http.put(f"{WORKFLOWS}/x")
    assert (response.status_code, response.headers["allow"]) == (405, "GET, DELETE")


# -- descriptions in the service's own words (ctool's errors.erl) -------------------


def test_error_descriptions_are_the_services(
    fake: FakeOneprovider, api: RawApi, failed: str
) -> None:
    def description(response: Any) -> str:
        text: str = response.json()["error"]["description"]
        return text

    assert description(api.act(failed, "rerun", {})) == "Missing required value: laneIndex."
    assert description(api.act(failed, "pause")) == (
        "Specified automation workflow execution has already ended."
    )
    assert description(api.act(failed, "retry", {"laneIndex": 1, "laneRunNumber": 1})) == (
        "Failed to retry specified lane execution. Lane execution can be retried\n"
        "        only if all items have been processed but some of them failed."
    )
    rerun = api.act(failed, "rerun", {"laneIndex": 2, "laneRunNumber": 1})
    assert rerun.status_code == 204
    assert description(api.act(failed, "resume")) == (
        "Specified automation workflow execution cannot be resumed."
    )
    stranger = fake.add_user({})
    with RawApi(fake, stranger) as other:
        forbidden = other.http.get(f"{WORKFLOWS}/{failed}")
    assert description(forbidden) == "You are not authorized to perform this operation."
    bad_limit = api.http.get(f"/spaces/{fake.space_id}{WORKFLOWS}", params={"limit": "0"})
    assert description(bad_limit) == 'Bad value: provided "limit" must be between <1, 1000>.'


def test_invalid_status_transition_says_see_details(fake: FakeOneprovider, api: RawApi) -> None:
    schema_id, _ = fake.add_workflow_schema([LaneSpec()])
    wid = api.schedule(schema_id)
    api.until(wid, "active")
    api.ok(wid, "pause")
    api.until(wid, "paused")
    error = api.act(wid, "pause").json()["error"]
    assert error["description"] == "Invalid status transition (see details)."
    assert error["details"] == {"prevStatus": "paused", "newStatus": "stopping"}
