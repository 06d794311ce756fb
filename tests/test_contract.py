"""The checker that every simulator exchange goes through must itself catch violations."""

from __future__ import annotations

import json
from typing import Any

import pytest

from onedata_workflows.testing import FakeOneprovider, LaneSpec, RawRequest, RawResponse

from .contract import ContractChecker, OpenApiCoreChecker
from .raw_api import RawApi

JSON = (("content-type", "application/json"),)


def details_response(fake: FakeOneprovider, **changes: Any) -> tuple[RawRequest, RawResponse]:
    schema_id, _ = fake.add_workflow_schema([LaneSpec()])
    wid = fake.schedule_execution(schema_id)
    fake.advance(5)
    details = fake.execution(wid)
    details.update(changes)
    request = RawRequest(
        "GET",
        f"/api/v3/oneprovider/automation/execution/workflows/{wid}",
        headers={"x-auth-token": fake.token},
    )
    return request, RawResponse(200, JSON, json.dumps(details).encode())


@pytest.mark.parametrize("checker_type", [ContractChecker, OpenApiCoreChecker])
@pytest.mark.parametrize(
    "change",
    [
        {"status": "pending"},  # a task status, and open only for clients
        {"startTime": "yesterday"},
        {"lanes": [{"schemaId": "x", "runs": [{"runNumber": 1}]}]},
    ],
)
def test_bad_details_are_caught(checker_type: Any, change: dict[str, Any]) -> None:
    checker = checker_type()
    request, response = details_response(FakeOneprovider(), **change)
    checker("get_workflow_execution_details", request, response)
    assert checker.problems


@pytest.mark.parametrize("checker_type", [ContractChecker, OpenApiCoreChecker])
def test_good_details_and_errors_pass(checker_type: Any) -> None:
    checker = checker_type()
    request, response = details_response(FakeOneprovider())
    checker("get_workflow_execution_details", request, response)
    error = {"error": {"id": "notFound", "description": "gone"}}
    checker(
        "get_workflow_execution_details",
        request,
        RawResponse(404, JSON, json.dumps(error).encode()),
    )
    assert checker.problems == []


def test_undocumented_status_and_body_are_caught() -> None:
    checker = ContractChecker()
    request, _ = details_response(FakeOneprovider())
    checker("get_workflow_execution_details", request, RawResponse(418))
    with checker.lenient():  # only the responses are wrong here
        checker("pause_workflow_execution", request, RawResponse(204, JSON, b"{}"))
        checker(
            "schedule_workflow_execution",
            request,
            RawResponse(201, JSON, b'{"atmWorkflowExecutionId": "x"}'),
        )
    assert len(checker.problems) == 3
    assert "missing header Location" in checker.problems[2]


def test_accepted_off_spec_requests_are_caught(
    fake: FakeOneprovider, contract: ContractChecker
) -> None:
    schema_id, _ = fake.add_workflow_schema([LaneSpec()])
    with RawApi(fake) as api:
        api.schedule(schema_id, revision="1")  # type: ignore[arg-type]
        assert any("request body" in p for p in contract.problems)
        contract.problems.clear()
        with contract.lenient():
            api.schedule(schema_id, revision="1")  # type: ignore[arg-type]
        assert contract.problems == []
        api.http.get("/automation/execution/workflows/x")
        assert contract.checked == 3, "every exchange went through the checker"
