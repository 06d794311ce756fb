# Generated from openapi.yaml by tools/wire.py; do not edit.
"""The bodies of the API's success answers as the client decodes them, one struct per schema.

Each struct accepts what its schema in openapi.yaml accepts (see tools/wire.py);
``_calls`` decodes answers into them and ``_models`` builds the public views.
Instances hold decoded JSON only, which cannot form reference cycles, so the
garbage collector does not track them.
"""

from typing import Annotated

from msgspec import UNSET, Meta, Struct, UnsetType, field


class WorkflowExecutionList(Struct, frozen=True, kw_only=True, gc=False):
    """One page of execution ids."""

    atm_workflow_executions: tuple[str, ...] = field(name="atmWorkflowExecutions")
    next_page_token: str | None = field(default=None, name="nextPageToken")
    is_last: bool = field(name="isLast")


class WorkflowExecutionCreated(Struct, frozen=True, kw_only=True, gc=False):
    """Identifies the execution that was just scheduled."""

    atm_workflow_execution_id: str = field(name="atmWorkflowExecutionId")


class ParallelBox(Struct, frozen=True, kw_only=True, gc=False):
    """A group of tasks that run side by side within a lane run."""

    schema_id: str = field(name="schemaId")
    task_registry: dict[str, str] = field(name="taskRegistry")


class LaneRun(Struct, frozen=True, kw_only=True, gc=False):
    """One run of a lane."""

    run_number: Annotated[int, Meta(ge=1, le=9007199254740991)] | None = field(name="runNumber")
    origin_run_number: Annotated[int, Meta(ge=1, le=9007199254740991)] | None = field(
        name="originRunNumber"
    )
    run_type: str = field(name="runType")
    status: str = field(name="status")
    iterated_store_id: str | None = field(name="iteratedStoreId")
    exception_store_id: str | None = field(name="exceptionStoreId")
    parallel_boxes: tuple[ParallelBox, ...] = field(name="parallelBoxes")
    is_retriable: bool = field(name="isRetriable")
    is_rerunable: bool = field(name="isRerunable")


class Lane(Struct, frozen=True, kw_only=True, gc=False):
    """One lane of the execution and every run it has had."""

    schema_id: str = field(name="schemaId")
    runs: tuple[LaneRun, ...] = field(name="runs")


class WorkflowExecutionDetails(Struct, frozen=True, kw_only=True, gc=False):
    """The full state of an execution."""

    atm_workflow_execution_id: str = field(name="atmWorkflowExecutionId")
    atm_workflow_schema_snapshot_id: str = field(name="atmWorkflowSchemaSnapshotId")
    name: str = field(name="name")
    atm_inventory_id: str = field(name="atmInventoryId")
    space_id: str = field(name="spaceId")
    user_id: str = field(name="userId")
    status: str = field(name="status")
    schedule_time: Annotated[int, Meta(ge=0, le=253402300799)] = field(name="scheduleTime")
    start_time: Annotated[int, Meta(ge=0, le=253402300799)] = field(name="startTime")
    suspend_time: Annotated[int, Meta(ge=0, le=253402300799)] = field(name="suspendTime")
    finish_time: Annotated[int, Meta(ge=0, le=253402300799)] = field(name="finishTime")
    lambda_snapshot_registry: dict[str, str] = field(name="lambdaSnapshotRegistry")
    store_registry: dict[str, str] = field(name="storeRegistry")
    system_audit_log_store_id: str | None = field(name="systemAuditLogStoreId")
    lanes: tuple[Lane, ...] = field(name="lanes")


class AuditLogReferencedElements(Struct, frozen=True, kw_only=True, gc=False):
    """What the entry is about."""

    tasks: tuple[str, ...] | UnsetType = field(default=UNSET, name="tasks")
    item_trace_ids: tuple[str, ...] | UnsetType = field(default=UNSET, name="itemTraceIds")


class AuditLogEntryContent(Struct, frozen=True, kw_only=True, gc=False):
    """What the entry says."""

    description: str | UnsetType = field(default=UNSET, name="description")
    details: dict[str, object] | UnsetType = field(default=UNSET, name="details")
    referenced_elements: AuditLogReferencedElements | UnsetType = field(
        default=UNSET, name="referencedElements"
    )


class AuditLogEntry(Struct, frozen=True, kw_only=True, gc=False):
    """One entry of an audit log."""

    index: str = field(name="index")
    timestamp: Annotated[int, Meta(ge=0, le=253402300799999)] = field(name="timestamp")
    source: str = field(name="source")
    severity: str = field(name="severity")
    content: AuditLogEntryContent = field(name="content")


AuditLogDump = tuple[AuditLogEntry, ...]
"""The entries of an audit log, oldest first."""
