"""The generated low-level client: it reads what the service sends, including what it will send."""

from __future__ import annotations

import copy
import importlib
import json
from typing import Any

import pytest

from oneprovider_automation_client.models import (
    ErrorContext,
    ErrorResponse,
    LaneRunSelector,
    LaneRunStatus,
    LaneRunType,
    LogLevel,
    OnedataService,
    WorkflowExecutionDetails,
    WorkflowExecutionScheduleRequest,
    WorkflowExecutionStatus,
)

from .conftest import PUBLISHED, published
from .test_spec import OPERATIONS


def corrected_details(details: dict[str, Any]) -> dict[str, Any]:
    """Apply the corrections that openapi.yaml documents to a published details example."""
    fixed = copy.deepcopy(details)
    # "enqueued" is a lane-run status; a workflow whose lane run is enqueued is active.
    if fixed["status"] == "enqueued":
        fixed["status"] = "active"
    for lane in fixed["lanes"]:
        for run in lane["runs"]:
            # "pending" is a task status; a prepared lane run waiting for tasks is enqueued.
            if run["status"] == "pending":
                run["status"] = "enqueued"
            if isinstance(run["parallelBoxes"], dict):
                run["parallelBoxes"] = [run["parallelBoxes"]]
    return fixed


def curl_example() -> dict[str, Any]:
    """The example in the reference's code block, minus the `...` that makes it invalid JSON."""
    text = (PUBLISHED / "details-curl-example.txt").read_text()
    without_ellipsis = text.replace("},\n                ...\n", "}\n")
    loaded: dict[str, Any] = json.loads(without_ellipsis)
    return loaded


@pytest.mark.parametrize(
    "example",
    [published("details-response-example.json"), curl_example()],
    ids=["response-example", "curl-example"],
)
def test_published_details_parse_once_corrected(example: dict[str, Any]) -> None:
    details = WorkflowExecutionDetails.from_dict(corrected_details(example))

    assert details.status is WorkflowExecutionStatus.ACTIVE
    run = details.lanes[0].runs[0]
    assert run.status is LaneRunStatus.ENQUEUED
    assert isinstance(run.run_type, LaneRunType)
    assert run.parallel_boxes[0].schema_id == "0068146d662adc878f699bf82af08b9ddbd9ab"
    box_tasks = run.parallel_boxes[0].task_registry.additional_properties
    assert box_tasks == {
        "d92b861a5edfb08b920e0e80f4670a87f48176": "1697f7c1f46e0e22bb426bead5a3cb47chda3d"
    }
    assert details.to_dict() == corrected_details(example)


def test_regular_run_with_null_origin_parses() -> None:
    """Onedata's own generated client rejects this, though every regular run carries it."""
    details = WorkflowExecutionDetails.from_dict(
        corrected_details(published("details-response-example.json"))
    )
    run = details.lanes[0].runs[0]
    assert (run.run_number, run.origin_run_number, run.run_type) == (1, None, LaneRunType.REGULAR)


def test_run_prepared_in_advance_parses() -> None:
    example = corrected_details(published("details-response-example.json"))
    example["lanes"][0]["runs"][0].update(
        runNumber=None, iteratedStoreId=None, exceptionStoreId=None, parallelBoxes=[]
    )
    example["systemAuditLogStoreId"] = None
    run = WorkflowExecutionDetails.from_dict(example).lanes[0].runs[0]
    assert (run.run_number, run.iterated_store_id, run.exception_store_id) == (None, None, None)
    assert run.parallel_boxes == []


def test_unknown_statuses_parse_and_are_kept() -> None:
    """`enqueued`, `pending` (documentation mistakes) and `somethingNew` (a newer release)."""
    example = published("details-response-example.json")  # workflow "enqueued", run "pending"
    example["lanes"][0]["runs"][0]["parallelBoxes"] = [
        example["lanes"][0]["runs"][0]["parallelBoxes"]
    ]
    newer_run = copy.deepcopy(example["lanes"][0]["runs"][0])
    newer_run.update(runNumber=2, originRunNumber=1, status="somethingNew", runType="replay")
    example["lanes"][0]["runs"].insert(0, newer_run)

    details = WorkflowExecutionDetails.from_dict(example)

    assert details.status == "enqueued"
    assert not isinstance(details.status, WorkflowExecutionStatus)
    newest, oldest = details.lanes[0].runs
    assert (newest.status, newest.run_type) == ("somethingNew", "replay")
    assert not isinstance(newest.status, LaneRunStatus)
    assert oldest.status == "pending"
    assert details.to_dict() == example, "unknown values survive a round trip"


def test_unknown_fields_are_kept() -> None:
    example = corrected_details(published("details-response-example.json"))
    example["newTopLevelField"] = {"a": 1}
    example["lanes"][0]["runs"][0]["newRunField"] = True
    details = WorkflowExecutionDetails.from_dict(example)
    assert details["newTopLevelField"] == {"a": 1}
    assert details.lanes[0].runs[0]["newRunField"] is True


def test_error_with_ctx_parses() -> None:
    error = ErrorResponse.from_dict(published("error-example.json")).error
    assert error.id == "example"
    assert isinstance(error.ctx, ErrorContext)
    assert error.ctx.service is OnedataService.OPW
    assert error.ctx.timestamp == 1750762637248


@pytest.mark.parametrize(
    "body",
    [
        {"error": {"id": "notFound", "description": "The resource could not be found."}},
        {"error": {"id": "notFound", "description": "gone", "ctx": None, "details": None}},
        {"error": {"id": "x", "description": "y", "ctx": {"service": "onf", "module": "m"}}},
        {
            "error": {
                "id": "badValueTooLow",
                "description": "d",
                "details": {"key": "k", "limit": 1},
            }
        },
    ],
    ids=["no-ctx", "null-ctx-and-details", "unknown-service-partial-ctx", "details"],
)
def test_error_shapes_parse(body: dict[str, Any]) -> None:
    error = ErrorResponse.from_dict(body).error
    assert error.id == body["error"]["id"]
    assert ErrorResponse.from_dict(body).to_dict() == body


def test_schedule_request_sends_integer_revision() -> None:
    body = published("schedule-request-example.json")
    request = WorkflowExecutionScheduleRequest.from_dict(body)
    assert request.log_level is LogLevel.DEBUG
    assert request.to_dict() == body
    assert isinstance(request.to_dict()["atmWorkflowSchemaRevisionNumber"], int)


def test_lane_run_selector_round_trips() -> None:
    body = published("rerun-request-example.json")
    assert LaneRunSelector.from_dict(body).to_dict() == body


# The path of every operation, with an id that needs escaping to stay one path segment.
WID = "a/b c"


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_each_operation_builds_its_route(operation_id: str) -> None:
    # The generator groups operations by their tag.
    tag = "execution_store" if "/stores/" in OPERATIONS[operation_id][1] else "workflow_execution"
    module = importlib.import_module(f"oneprovider_automation_client.api.{tag}.{operation_id}")
    for variant in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
        assert callable(getattr(module, variant))
    method, path = OPERATIONS[operation_id]
    if operation_id == "schedule_workflow_execution":
        kwargs = module._get_kwargs(
            body=WorkflowExecutionScheduleRequest.from_dict(
                published("schedule-request-example.json")
            )
        )
    elif operation_id == "list_workflow_executions":
        kwargs = module._get_kwargs(WID)
    elif operation_id in ("rerun_workflow_execution", "retry_workflow_execution"):
        kwargs = module._get_kwargs(WID, body=LaneRunSelector(lane_index=2, lane_run_number=3))
        assert kwargs["json"] == {"laneIndex": 2, "laneRunNumber": 3}
        assert kwargs["headers"]["Content-Type"] == "application/json"
    else:
        kwargs = module._get_kwargs(WID)
    assert kwargs["method"] == method
    escaped = path
    for parameter in ("{wid}", "{sid}", "{storeId}"):
        escaped = escaped.replace(parameter, "a%2Fb%20c")
    assert kwargs["url"] == escaped
