from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_log_entry_content_details import AuditLogEntryContentDetails
    from ..models.audit_log_referenced_elements import AuditLogReferencedElements


T = TypeVar("T", bound="AuditLogEntryContent")


@_attrs_define
class AuditLogEntryContent:
    """What the entry says. The service's own entries always carry `description`;
    one about a lane run or a task starts it with `[Lane: 2, Run: 1]` or
    `[Lane: 2, Run: 1, PBox: 1, Task: 1]` (`Run: ?` for a run prepared in advance,
    whose number is not known yet). Entries from a lambda (`source` `user`)
    carry the object that the lambda logged, which may hold other keys.

        Attributes:
            description (str | Unset): What happened, for people.
            details (AuditLogEntryContentDetails | Unset): Facts about it, such as `{"reason": "failure"}` when the
                execution starts
                stopping, `{"status": "failed"}` when it has stopped, or an error object
                under `reason` when something failed.
            referenced_elements (AuditLogReferencedElements | Unset): What the entry is about.
    """

    description: str | Unset = UNSET
    details: AuditLogEntryContentDetails | Unset = UNSET
    referenced_elements: AuditLogReferencedElements | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        description = self.description

        details: dict[str, Any] | Unset = UNSET
        if not isinstance(self.details, Unset):
            details = self.details.to_dict()

        referenced_elements: dict[str, Any] | Unset = UNSET
        if not isinstance(self.referenced_elements, Unset):
            referenced_elements = self.referenced_elements.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if description is not UNSET:
            field_dict["description"] = description
        if details is not UNSET:
            field_dict["details"] = details
        if referenced_elements is not UNSET:
            field_dict["referencedElements"] = referenced_elements

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_log_entry_content_details import AuditLogEntryContentDetails  # noqa: PLC0415
        from ..models.audit_log_referenced_elements import AuditLogReferencedElements  # noqa: PLC0415

        d = dict(src_dict)
        description = d.pop("description", UNSET)

        _details = d.pop("details", UNSET)
        details: AuditLogEntryContentDetails | Unset
        if isinstance(_details, Unset):
            details = UNSET
        else:
            details = AuditLogEntryContentDetails.from_dict(_details)

        _referenced_elements = d.pop("referencedElements", UNSET)
        referenced_elements: AuditLogReferencedElements | Unset
        if isinstance(_referenced_elements, Unset):
            referenced_elements = UNSET
        else:
            referenced_elements = AuditLogReferencedElements.from_dict(_referenced_elements)

        audit_log_entry_content = cls(
            description=description,
            details=details,
            referenced_elements=referenced_elements,
        )

        audit_log_entry_content.additional_properties = d
        return audit_log_entry_content

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
