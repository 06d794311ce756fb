"""Contains all the data models used in inputs/outputs"""

from .audit_log_entry import AuditLogEntry
from .audit_log_entry_content import AuditLogEntryContent
from .audit_log_entry_content_details import AuditLogEntryContentDetails
from .audit_log_entry_source import AuditLogEntrySource
from .audit_log_referenced_elements import AuditLogReferencedElements
from .audit_log_severity import AuditLogSeverity
from .error_context import ErrorContext
from .error_details import ErrorDetails
from .error_response import ErrorResponse
from .lane import Lane
from .lane_run import LaneRun
from .lane_run_selector import LaneRunSelector
from .lane_run_status import LaneRunStatus
from .lane_run_type import LaneRunType
from .log_level import LogLevel
from .onedata_error import OnedataError
from .onedata_service import OnedataService
from .parallel_box import ParallelBox
from .parallel_box_task_registry import ParallelBoxTaskRegistry
from .workflow_execution_created import WorkflowExecutionCreated
from .workflow_execution_details import WorkflowExecutionDetails
from .workflow_execution_details_lambda_snapshot_registry import (
    WorkflowExecutionDetailsLambdaSnapshotRegistry,
)
from .workflow_execution_details_store_registry import (
    WorkflowExecutionDetailsStoreRegistry,
)
from .workflow_execution_list import WorkflowExecutionList
from .workflow_execution_phase import WorkflowExecutionPhase
from .workflow_execution_schedule_request import WorkflowExecutionScheduleRequest
from .workflow_execution_schedule_request_store_initial_content_overlay import (
    WorkflowExecutionScheduleRequestStoreInitialContentOverlay,
)
from .workflow_execution_status import WorkflowExecutionStatus

__all__ = (
    "AuditLogEntry",
    "AuditLogEntryContent",
    "AuditLogEntryContentDetails",
    "AuditLogEntrySource",
    "AuditLogReferencedElements",
    "AuditLogSeverity",
    "ErrorContext",
    "ErrorDetails",
    "ErrorResponse",
    "Lane",
    "LaneRun",
    "LaneRunSelector",
    "LaneRunStatus",
    "LaneRunType",
    "LogLevel",
    "OnedataError",
    "OnedataService",
    "ParallelBox",
    "ParallelBoxTaskRegistry",
    "WorkflowExecutionCreated",
    "WorkflowExecutionDetails",
    "WorkflowExecutionDetailsLambdaSnapshotRegistry",
    "WorkflowExecutionDetailsStoreRegistry",
    "WorkflowExecutionList",
    "WorkflowExecutionPhase",
    "WorkflowExecutionScheduleRequest",
    "WorkflowExecutionScheduleRequestStoreInitialContentOverlay",
    "WorkflowExecutionStatus",
)
