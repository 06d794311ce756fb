from enum import StrEnum


class AuditLogEntrySource(StrEnum):
    SYSTEM = "system"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
