from enum import StrEnum


class LaneRunStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    CRASHED = "crashed"
    ENQUEUED = "enqueued"
    FAILED = "failed"
    FINISHED = "finished"
    INTERRUPTED = "interrupted"
    PAUSED = "paused"
    PREPARING = "preparing"
    RESUMING = "resuming"
    SCHEDULED = "scheduled"
    STOPPING = "stopping"

    def __str__(self) -> str:
        return str(self.value)
