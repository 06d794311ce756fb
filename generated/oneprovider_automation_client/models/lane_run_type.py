from enum import StrEnum


class LaneRunType(StrEnum):
    REGULAR = "regular"
    RERUN = "rerun"
    RETRY = "retry"

    def __str__(self) -> str:
        return str(self.value)
