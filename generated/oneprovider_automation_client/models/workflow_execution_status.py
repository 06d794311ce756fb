from enum import StrEnum


class WorkflowExecutionStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    CRASHED = "crashed"
    FAILED = "failed"
    FINISHED = "finished"
    INTERRUPTED = "interrupted"
    PAUSED = "paused"
    RESUMING = "resuming"
    SCHEDULED = "scheduled"
    STOPPING = "stopping"

    def __str__(self) -> str:
        return str(self.value)
