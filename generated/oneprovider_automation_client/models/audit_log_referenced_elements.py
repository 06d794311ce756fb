from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AuditLogReferencedElements")


@_attrs_define
class AuditLogReferencedElements:
    """What the entry is about.

    Attributes:
        tasks (list[str] | Unset): Ids of the task executions concerned.
        item_trace_ids (list[str] | Unset): Trace ids of the items concerned.
    """

    tasks: list[str] | Unset = UNSET
    item_trace_ids: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tasks: list[str] | Unset = UNSET
        if not isinstance(self.tasks, Unset):
            tasks = self.tasks

        item_trace_ids: list[str] | Unset = UNSET
        if not isinstance(self.item_trace_ids, Unset):
            item_trace_ids = self.item_trace_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if tasks is not UNSET:
            field_dict["tasks"] = tasks
        if item_trace_ids is not UNSET:
            field_dict["itemTraceIds"] = item_trace_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        tasks = cast(list[str], d.pop("tasks", UNSET))

        item_trace_ids = cast(list[str], d.pop("itemTraceIds", UNSET))

        audit_log_referenced_elements = cls(
            tasks=tasks,
            item_trace_ids=item_trace_ids,
        )

        audit_log_referenced_elements.additional_properties = d
        return audit_log_referenced_elements

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
