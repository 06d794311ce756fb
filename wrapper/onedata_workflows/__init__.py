"""Drive Onedata automation workflow executions from Python.

    from onedata_workflows import WorkflowClient

    with WorkflowClient.from_env() as client:          # ONEPROVIDER_HOST, ONEDATA_TOKEN
        wid = client.schedule(space_id, schema_id, revision=1)
        execution = client.wait_until_finished(wid, timeout=3600)
        if execution.status == "failed":
            client.rerun_from_failed_lane(wid, wait=True)

The simulated provider for tests lives in :mod:`onedata_workflows.testing`.
"""

from importlib.metadata import version as _version

from ._client import DEFAULT_TIMEOUT, AsyncWorkflowClient, ExecutionId, WorkflowClient
from ._errors import (
    ApiError,
    BadRequestError,
    ConnectionFailed,
    ExecutionFailed,
    ForbiddenError,
    NotFoundError,
    NothingToRepair,
    OnedataError,
    RequestTimeout,
    ResponseParseError,
    ServerError,
    TransportError,
    UnauthorizedError,
    WaitTimeout,
)
from ._models import Execution, ExecutionStatus, Lane, LaneRun, LaneRunStatus, Phase, RunType
from ._repair import Candidate, RepairOperation, RepairPlan, plan_repair
from ._retry import CallKind, RetryPolicy
from ._waiting import EventKind, ExecutionEvent, PollPolicy, RunSummary

__version__ = _version("onedata-workflows")

__all__ = [
    "DEFAULT_TIMEOUT",
    "ApiError",
    "AsyncWorkflowClient",
    "BadRequestError",
    "CallKind",
    "Candidate",
    "ConnectionFailed",
    "EventKind",
    "Execution",
    "ExecutionEvent",
    "ExecutionFailed",
    "ExecutionId",
    "ExecutionStatus",
    "ForbiddenError",
    "Lane",
    "LaneRun",
    "LaneRunStatus",
    "NotFoundError",
    "NothingToRepair",
    "OnedataError",
    "Phase",
    "PollPolicy",
    "RepairOperation",
    "RepairPlan",
    "RequestTimeout",
    "ResponseParseError",
    "RetryPolicy",
    "RunSummary",
    "RunType",
    "ServerError",
    "TransportError",
    "UnauthorizedError",
    "WaitTimeout",
    "WorkflowClient",
    "__version__",
    "plan_repair",
]
