from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="WorkflowExecutionCreated")


@_attrs_define
class WorkflowExecutionCreated:
    """Identifies the execution that was just scheduled.

    Example:
        {'atmWorkflowExecutionId': '11a53ed06d175c89bc3ed5be61f8217cch1890'}

    Attributes:
        atm_workflow_execution_id (str): Id of the new execution.
    """

    atm_workflow_execution_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        atm_workflow_execution_id = self.atm_workflow_execution_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "atmWorkflowExecutionId": atm_workflow_execution_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        atm_workflow_execution_id = d.pop("atmWorkflowExecutionId")

        workflow_execution_created = cls(
            atm_workflow_execution_id=atm_workflow_execution_id,
        )

        workflow_execution_created.additional_properties = d
        return workflow_execution_created

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
