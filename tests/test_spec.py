"""openapi.yaml: valid, complete, and saying what the service really does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from .conftest import published

OPERATIONS = {
    "schedule_workflow_execution": ("post", "/automation/execution/workflows"),
    "list_workflow_executions": ("get", "/spaces/{sid}/automation/execution/workflows"),
    "get_workflow_execution_details": ("get", "/automation/execution/workflows/{wid}"),
    "delete_workflow_execution": ("delete", "/automation/execution/workflows/{wid}"),
    "pause_workflow_execution": ("post", "/automation/execution/workflows/{wid}/pause"),
    "resume_workflow_execution": ("post", "/automation/execution/workflows/{wid}/resume"),
    "cancel_workflow_execution": ("post", "/automation/execution/workflows/{wid}/cancel"),
    "force_continue_workflow_execution": (
        "post",
        "/automation/execution/workflows/{wid}/force_continue",
    ),
    "rerun_workflow_execution": ("post", "/automation/execution/workflows/{wid}/rerun"),
    "retry_workflow_execution": ("post", "/automation/execution/workflows/{wid}/retry"),
    "get_execution_store_dump": ("get", "/automation/execution/stores/{storeId}/dump"),
}
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def deref(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def schema_validator(spec: dict[str, Any], schema: dict[str, Any]) -> OAS31Validator:
    """A validator for ``schema`` whose ``#/components/...`` references resolve."""
    # Unknown keywords are ignored, so the components can ride along at the root,
    # where the references point.
    return OAS31Validator({**schema, "components": spec["components"]})


def component(spec: dict[str, Any], name: str) -> OAS31Validator:
    return schema_validator(spec, {"$ref": f"#/components/schemas/{name}"})


def test_spec_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["openapi"].startswith("3.1.")


def test_base_path_and_both_auth_headers(spec: dict[str, Any]) -> None:
    assert spec["servers"][0]["url"] == "https://{host}/api/v3/oneprovider"
    schemes = spec["components"]["securitySchemes"]
    in_header = {s.get("name") for s in schemes.values() if s["type"] == "apiKey"}
    assert in_header == {"X-Auth-Token"}
    assert any(s["type"] == "http" and s["scheme"] == "bearer" for s in schemes.values())
    assert len(spec["security"]) == 2, "either header alone must be enough"


def test_every_operation_with_its_id(spec: dict[str, Any]) -> None:
    found = {op["operationId"]: (method, path) for path, method, op in operations(spec)}
    assert found == OPERATIONS


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
@pytest.mark.parametrize("status", ["400", "401", "403", "404", "500", "503"])
def test_every_operation_documents_onedata_errors(
    spec: dict[str, Any], operation_id: str, status: str
) -> None:
    method, path = OPERATIONS[operation_id]
    responses = spec["paths"][path][method]["responses"]
    if (operation_id, status) == ("list_workflow_executions", "404"):
        assert status not in responses, "listing authorizes first: 403, never 404"
        return
    response = deref(spec, responses[status])
    schema = response["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/ErrorResponse"}


def test_listing_says_who_gets_403_and_400(spec: dict[str, Any]) -> None:
    responses = spec["paths"]["/spaces/{sid}/automation/execution/workflows"]["get"]["responses"]
    assert "not a member" in responses["403"]["description"]
    assert "spaceNotSupportedBy" in responses["400"]["description"]
    assert "badData" in responses["400"]["description"], "the choice for a bad token is stated"


@pytest.mark.parametrize(
    ("operation_id", "status"),
    [
        ("schedule_workflow_execution", "201"),
        ("list_workflow_executions", "200"),
        ("get_workflow_execution_details", "200"),
        ("delete_workflow_execution", "204"),
        ("pause_workflow_execution", "204"),
        ("resume_workflow_execution", "204"),
        ("cancel_workflow_execution", "204"),
        ("force_continue_workflow_execution", "204"),
        ("rerun_workflow_execution", "204"),
        ("retry_workflow_execution", "204"),
        ("get_execution_store_dump", "200"),
    ],
)
def test_success_status(spec: dict[str, Any], operation_id: str, status: str) -> None:
    method, path = OPERATIONS[operation_id]
    successes = [s for s in spec["paths"][path][method]["responses"] if s.startswith("2")]
    assert successes == [status]


def test_schedule_returns_id_and_location(spec: dict[str, Any]) -> None:
    created = spec["paths"]["/automation/execution/workflows"]["post"]["responses"]["201"]
    assert "Location" in created["headers"]
    assert component(spec, "WorkflowExecutionCreated").is_valid(
        published("schedule-response-example.json")
    )


def test_list_takes_phase_limit_offset_token(spec: dict[str, Any]) -> None:
    op = spec["paths"]["/spaces/{sid}/automation/execution/workflows"]["get"]
    query = {p["name"] for p in op["parameters"] if p["in"] == "query"}
    assert query == {"phase", "limit", "offset", "token"}
    phases = spec["components"]["schemas"]["WorkflowExecutionPhase"]["enum"]
    assert phases == ["waiting", "ongoing", "suspended", "ended"]
    listing = component(spec, "WorkflowExecutionList")
    assert listing.is_valid({"atmWorkflowExecutions": [], "nextPageToken": None, "isLast": True})


def all_examples(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """Every (where, schema, example) pair in the document."""

    def media(where: str, content: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
        for media_type, body in content.items():
            schema = body.get("schema", {})
            if "example" in body:
                yield f"{where} {media_type}", schema, body["example"]
            for name, example in body.get("examples", {}).items():
                yield f"{where} {media_type} {name}", schema, example["value"]

    def schemas(where: str, node: Any) -> Iterator[tuple[str, dict[str, Any], Any]]:
        if isinstance(node, dict):
            if "example" in node:
                yield where, node, node["example"]
            for i, example in enumerate(node.get("examples", [])):
                yield f"{where}[{i}]", node, example
            for key, child in node.items():
                if key not in ("example", "examples"):
                    yield from schemas(f"{where}/{key}", child)
        elif isinstance(node, list):
            for i, child in enumerate(node):
                yield from schemas(f"{where}/{i}", child)

    yield from schemas("#/components/schemas", spec["components"]["schemas"])
    for name, response in spec["components"]["responses"].items():
        yield from media(f"response {name}", response.get("content", {}))
    for name, body in spec["components"]["requestBodies"].items():
        yield from media(f"request body {name}", body["content"])
    for path, method, op in operations(spec):
        if "content" in op.get("requestBody", {}):
            yield from media(f"{method} {path} request", op["requestBody"]["content"])
        for status, response in op["responses"].items():
            yield from media(f"{method} {path} {status}", response.get("content", {}))


def test_every_example_validates_against_its_schema(spec: dict[str, Any]) -> None:
    examples = list(all_examples(spec))
    assert len(examples) >= 10
    for where, schema, example in examples:
        errors = [e.message for e in schema_validator(spec, schema).iter_errors(example)]
        assert not errors, f"example at {where}: {errors}"


def test_schemas_carry_every_documented_field(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    details_doc = published("details-response-example.json")
    run_doc = details_doc["lanes"][0]["runs"][0]
    assert set(schemas["WorkflowExecutionDetails"]["properties"]) == set(details_doc)
    assert set(schemas["WorkflowExecutionDetails"]["required"]) == set(details_doc)
    assert set(schemas["LaneRun"]["properties"]) == set(run_doc)
    assert set(schemas["LaneRun"]["required"]) == set(run_doc)
    assert set(schemas["Lane"]["properties"]) == {"schemaId", "runs"}
    assert set(schemas["ParallelBox"]["properties"]) == {"schemaId", "taskRegistry"}
    ctx_doc = published("error-example.json")["error"]["ctx"]
    assert set(schemas["ErrorContext"]["properties"]) == set(ctx_doc)
    assert set(schemas["WorkflowExecutionScheduleRequest"]["properties"]) == set(
        published("schedule-request-example.json")
    )


def test_enums_match_the_service(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert set(schemas["WorkflowExecutionStatus"]["enum"]) == {
        "scheduled", "resuming", "active", "stopping", "paused",
        "interrupted", "finished", "failed", "cancelled", "crashed",
    }  # fmt: skip
    assert set(schemas["LaneRunStatus"]["enum"]) == {
        "scheduled", "preparing", "enqueued", "resuming", "active", "stopping",
        "paused", "interrupted", "finished", "failed", "cancelled", "crashed",
    }  # fmt: skip
    assert schemas["LaneRunType"]["enum"] == ["regular", "rerun", "retry"]
    assert schemas["OnedataService"]["enum"] == ["ozw", "opw", "ozp", "opp"]
    assert schemas["LogLevel"]["enum"] == [
        "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("schema", "field", "known", "unknown"),
    [
        ("WorkflowExecutionDetails", "status", "WorkflowExecutionStatus", "somethingNew"),
        ("LaneRun", "status", "LaneRunStatus", "somethingNew"),
        ("LaneRun", "runType", "LaneRunType", "replay"),
        ("ErrorContext", "service", "OnedataService", "onf"),
    ],
)
def test_response_enums_are_open(
    spec: dict[str, Any], schema: str, field: str, known: str, unknown: str
) -> None:
    prop = spec["components"]["schemas"][schema]["properties"][field]
    assert prop["anyOf"][0] == {"$ref": f"#/components/schemas/{known}"}
    validator = schema_validator(spec, prop)
    assert validator.is_valid(unknown)
    assert not validator.is_valid(7)


def test_corrections_to_the_published_reference(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    log_level = schemas["WorkflowExecutionScheduleRequest"]["properties"]["logLevel"]
    assert log_level["default"] == "info"
    audit_log = schemas["WorkflowExecutionDetails"]["properties"]["systemAuditLogStoreId"]
    assert "null" in audit_log["type"]
    assert "undefined_to_null" in audit_log["description"], "the nullability is explained"
    revision = schemas["WorkflowExecutionScheduleRequest"]["properties"][
        "atmWorkflowSchemaRevisionNumber"
    ]
    assert (revision["type"], revision["minimum"]) == ("integer", 1)
    run = schemas["LaneRun"]["properties"]
    for nullable in ("runNumber", "originRunNumber", "iteratedStoreId", "exceptionStoreId"):
        assert "null" in run[nullable]["type"], nullable
    assert run["parallelBoxes"]["type"] == "array"
    assert "ctx" not in schemas["OnedataError"]["required"]
    selector = schemas["LaneRunSelector"]["properties"]
    assert selector["laneIndex"]["minimum"] == 1
    assert "runNumber" in selector["laneRunNumber"]["description"]
    assert "1-based" in selector["laneIndex"]["description"]


def test_the_published_error_example_and_the_shape_without_ctx_both_validate(
    spec: dict[str, Any],
) -> None:
    error = component(spec, "ErrorResponse")
    with_ctx = published("error-example.json")
    assert error.is_valid(with_ctx)
    del with_ctx["error"]["ctx"]
    assert error.is_valid(with_ctx)
    assert not error.is_valid({"error": "Not found", "error_description": "obsolete shape"})


def test_published_requests_validate(spec: dict[str, Any]) -> None:
    assert component(spec, "WorkflowExecutionScheduleRequest").is_valid(
        published("schedule-request-example.json")
    )
    assert component(spec, "LaneRunSelector").is_valid(published("rerun-request-example.json"))
    assert not component(spec, "LaneRunSelector").is_valid({"laneIndex": 0, "laneRunNumber": 1})


def test_the_published_examples_are_kept_corrected(spec: dict[str, Any]) -> None:
    """The published examples carry statuses outside the enums; the spec keeps them, fixed."""
    details = spec["paths"]["/automation/execution/workflows/{wid}"]["get"]["responses"]["200"]
    examples = details["content"]["application/json"]["examples"]
    published_doc = published("details-response-example.json")
    assert (published_doc["status"], published_doc["lanes"][0]["runs"][0]["status"]) == (
        "enqueued", "pending",
    )  # fmt: skip
    for name in ("published", "retryRun"):
        text = " ".join(examples[name]["description"].split())
        assert "`enqueued` is a lane-run status" in text
        assert "`pending` is a task status" in text
        value = examples[name]["value"]
        assert value["status"] == "active"
        assert {run["status"] for lane in value["lanes"] for run in lane["runs"]} <= {
            "enqueued", "finished", "failed",
        }  # fmt: skip
    retry = examples["retryRun"]["value"]["lanes"][0]["runs"]
    assert (retry[0]["runType"], retry[0]["originRunNumber"]) == ("retry", 1)
    assert retry[0]["iteratedStoreId"] == retry[-1]["exceptionStoreId"]
    lane_run = spec["components"]["schemas"]["LaneRun"]
    assert (lane_run["example"]["runType"], lane_run["example"]["status"]) == ("retry", "enqueued")
    assert "`pending`" in lane_run["description"]


def test_the_audit_log_dump_as_the_service_answers(spec: dict[str, Any]) -> None:
    op = spec["paths"]["/automation/execution/stores/{storeId}/dump"]["get"]
    description = " ".join(op["description"].split())
    assert "21.02.4" in description, "where the service has it from, since the reference lacks it"
    assert "Accept: */*" in description
    ok = op["responses"]["200"]
    assert "Content-Disposition" in ok["headers"]
    assert set(ok["content"]) == {"application/json", "application/octet-stream"}
    for media in ok["content"].values():
        assert media["schema"] == {"$ref": "#/components/schemas/AuditLogDump"}
    assert "notSupported" in op["responses"]["400"]["description"]
    assert "content" not in op["responses"]["406"], "406 comes with an empty body"
    dump = component(spec, "AuditLogDump")
    entry = {
        "index": "3",
        "timestamp": 1626107125051,
        "source": "system",
        "severity": "notice",
        "content": {"description": "Stopping execution...", "details": {"reason": "pause"}},
    }
    assert dump.is_valid([entry, {**entry, "severity": "verbose", "source": "engine"}])
    assert dump.is_valid([{**entry, "content": {"anything": "a lambda logged"}}])
    for broken in (
        {**entry, "timestamp": "yesterday"},
        {**entry, "index": 3},
        {k: v for k, v in entry.items() if k != "severity"},
        {**entry, "content": {"description": 5}},
        {**entry, "content": {"referencedElements": {"tasks": "t1"}}},
    ):
        assert not dump.is_valid([broken]), broken
    severities = spec["components"]["schemas"]["AuditLogSeverity"]["enum"]
    assert severities == spec["components"]["schemas"]["LogLevel"]["enum"]


@pytest.mark.parametrize("field", ["severity", "source"])
def test_audit_log_enums_are_open(spec: dict[str, Any], field: str) -> None:
    prop = spec["components"]["schemas"]["AuditLogEntry"]["properties"][field]
    assert prop["anyOf"][1] == {"type": "string"}
    assert schema_validator(spec, prop).is_valid("somethingNew")
