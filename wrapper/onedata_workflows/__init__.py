"""Drive Onedata automation workflow executions from Python.

    from onedata_workflows import WorkflowClient

    with WorkflowClient.from_env() as client:          # ONEPROVIDER_HOST, ONEDATA_TOKEN
        wid = client.schedule(space_id, schema_id, revision=1)
        execution = client.wait_until_finished(wid, timeout=3600)
        if execution.status == "failed":
            print(client.diagnose(wid))                 # why, from its audit log, and what next
            client.rerun_from_failed_lane(wid, wait=True)

The simulated provider for tests lives in :mod:`onedata_workflows.testing`.
"""

from typing import TYPE_CHECKING
from typing import Any as _Any

from ._async import AsyncWorkflowClient
from ._audit import DEFAULT_MAX_DUMP_BYTES, AuditLog, AuditLogEntry, LogSource, Severity
from ._diagnosis import Diagnosis, FailureKind, NextStep, diagnose
from ._errors import (
    ApiError,
    BadRequestError,
    ConnectionFailed,
    ExecutionFailed,
    ForbiddenError,
    NoAuditLog,
    NotFoundError,
    NothingToRepair,
    OnedataError,
    OutcomeUnknown,
    RequestTimeout,
    ResponseParseError,
    ServerError,
    TransportError,
    UnauthorizedError,
    WaitTimeout,
)
from ._models import (
    Candidate,
    Execution,
    ExecutionId,
    ExecutionStatus,
    Lane,
    LaneRun,
    LaneRunStatus,
    Phase,
    RepairOperation,
    RepairPlan,
    RunSummary,
    RunType,
)
from ._repair import plan_repair
from ._retry import CallKind, RetryPolicy
from ._settings import DEFAULT_REQUEST_TIMEOUT
from ._sync import WorkflowClient
from ._waiting import DEFAULT_WAIT_TIMEOUT, EventKind, ExecutionEvent, PollPolicy

if TYPE_CHECKING:
    from ._callbacks import CallbackReceiver, CallbackSlot, ReceiverStats

__version__ = "0.1.0"
# Loaded when first asked for: the receiver brings a server and asyncio with it.
_CALLBACK_NAMES = ("CallbackReceiver", "CallbackSlot", "ReceiverStats")


def __getattr__(name: str) -> _Any:
    if name in _CALLBACK_NAMES:
        from . import _callbacks

        return getattr(_callbacks, name)
    if name == "DEFAULT_TIMEOUT":
        import warnings

        warnings.warn(
            "DEFAULT_TIMEOUT is now DEFAULT_REQUEST_TIMEOUT (beside DEFAULT_WAIT_TIMEOUT)",
            DeprecationWarning,
            stacklevel=2,
        )
        return DEFAULT_REQUEST_TIMEOUT
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_MAX_DUMP_BYTES",
    "DEFAULT_REQUEST_TIMEOUT",
    "DEFAULT_WAIT_TIMEOUT",
    "ApiError",
    "AsyncWorkflowClient",
    "AuditLog",
    "AuditLogEntry",
    "BadRequestError",
    "CallKind",
    "CallbackReceiver",
    "CallbackSlot",
    "Candidate",
    "ConnectionFailed",
    "Diagnosis",
    "EventKind",
    "Execution",
    "ExecutionEvent",
    "ExecutionFailed",
    "ExecutionId",
    "ExecutionStatus",
    "FailureKind",
    "ForbiddenError",
    "Lane",
    "LaneRun",
    "LaneRunStatus",
    "LogSource",
    "NextStep",
    "NoAuditLog",
    "NotFoundError",
    "NothingToRepair",
    "OnedataError",
    "OutcomeUnknown",
    "Phase",
    "PollPolicy",
    "ReceiverStats",
    "RepairOperation",
    "RepairPlan",
    "RequestTimeout",
    "ResponseParseError",
    "RetryPolicy",
    "RunSummary",
    "RunType",
    "ServerError",
    "Severity",
    "TransportError",
    "UnauthorizedError",
    "WaitTimeout",
    "WorkflowClient",
    "__version__",
    "diagnose",
    "plan_repair",
]
