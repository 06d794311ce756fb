"""Drive Onedata automation workflow executions from Python.

    from onedata_workflows import WorkflowClient

    with WorkflowClient.from_env() as client:          # ONEPROVIDER_HOST, ONEDATA_TOKEN
        wid = client.schedule(space_id, schema_id, revision=1)
        execution = client.get(wid)

The simulated provider for tests lives in :mod:`onedata_workflows.testing`.
"""

from importlib.metadata import version as _version

from ._client import DEFAULT_TIMEOUT, AsyncWorkflowClient, ExecutionId, WorkflowClient
from ._errors import (
    ApiError,
    BadRequestError,
    ConnectionFailed,
    ForbiddenError,
    NotFoundError,
    OnedataError,
    RequestTimeout,
    ResponseParseError,
    ServerError,
    TransportError,
    UnauthorizedError,
)
from ._models import Execution, ExecutionStatus, Lane, LaneRun, LaneRunStatus, Phase, RunType
from ._retry import CallKind, RetryPolicy

__version__ = _version("onedata-workflows")

__all__ = [
    "DEFAULT_TIMEOUT",
    "ApiError",
    "AsyncWorkflowClient",
    "BadRequestError",
    "CallKind",
    "ConnectionFailed",
    "Execution",
    "ExecutionId",
    "ExecutionStatus",
    "ForbiddenError",
    "Lane",
    "LaneRun",
    "LaneRunStatus",
    "NotFoundError",
    "OnedataError",
    "Phase",
    "RequestTimeout",
    "ResponseParseError",
    "RetryPolicy",
    "RunType",
    "ServerError",
    "TransportError",
    "UnauthorizedError",
    "WorkflowClient",
    "__version__",
]
