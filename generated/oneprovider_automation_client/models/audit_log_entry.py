from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.audit_log_entry_source import AuditLogEntrySource
from ..models.audit_log_severity import AuditLogSeverity

if TYPE_CHECKING:
    from ..models.audit_log_entry_content import AuditLogEntryContent


T = TypeVar("T", bound="AuditLogEntry")


@_attrs_define
class AuditLogEntry:
    """One entry of an audit log.

    Example:
        {'index': '12', 'timestamp': 1626107125102, 'source': 'system', 'severity': 'notice', 'content': {'description':
            'Stopped execution.', 'details': {'status': 'failed'}}}

    Attributes:
        index (str): Position of the entry in its log. Opaque: compare entries by their order
            in the dump.
        timestamp (int): When the entry was written, in milliseconds since the epoch (at most the
            last millisecond of the year 9999).
        source (AuditLogEntrySource | str): Who wrote the entry (see `AuditLogEntrySource`). Clients must accept any
            string.
        severity (AuditLogSeverity | str): How severe the entry is (see `AuditLogSeverity`). Clients must accept any
            string.
        content (AuditLogEntryContent): What the entry says. The service's own entries always carry `description`;
            one about a lane run or a task starts it with `[Lane: 2, Run: 1]` or
            `[Lane: 2, Run: 1, PBox: 1, Task: 1]` (`Run: ?` for a run prepared in advance,
            whose number is not known yet). Entries from a lambda (`source` `user`)
            carry the object that the lambda logged, which may hold other keys.
    """

    index: str
    timestamp: int
    source: AuditLogEntrySource | str
    severity: AuditLogSeverity | str
    content: AuditLogEntryContent
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        index = self.index

        timestamp = self.timestamp

        source: str
        if isinstance(self.source, AuditLogEntrySource):
            source = self.source.value
        else:
            source = self.source

        severity: str
        if isinstance(self.severity, AuditLogSeverity):
            severity = self.severity.value
        else:
            severity = self.severity

        content = self.content.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "index": index,
                "timestamp": timestamp,
                "source": source,
                "severity": severity,
                "content": content,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_log_entry_content import AuditLogEntryContent  # noqa: PLC0415

        d = dict(src_dict)
        index = d.pop("index")

        timestamp = d.pop("timestamp")

        def _parse_source(data: object) -> AuditLogEntrySource | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                source_type_0 = AuditLogEntrySource(data)

                return source_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditLogEntrySource | str, data)

        source = _parse_source(d.pop("source"))

        def _parse_severity(data: object) -> AuditLogSeverity | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                severity_type_0 = AuditLogSeverity(data)

                return severity_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditLogSeverity | str, data)

        severity = _parse_severity(d.pop("severity"))

        content = AuditLogEntryContent.from_dict(d.pop("content"))

        audit_log_entry = cls(
            index=index,
            timestamp=timestamp,
            source=source,
            severity=severity,
            content=content,
        )

        audit_log_entry.additional_properties = d
        return audit_log_entry

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
