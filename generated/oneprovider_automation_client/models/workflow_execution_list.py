from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="WorkflowExecutionList")


@_attrs_define
class WorkflowExecutionList:
    """One page of execution ids.

    Example:
        {'atmWorkflowExecutions': ['11a53ed06d175c89bc3ed5be61f8217cch1890', '5b2c9d8e1f0a4c3b2a19087f6e5d4c3bch1890'],
            'nextPageToken': 'RGlyMjY0MjMzMzM5NjQzMjM2MzY2MTY1NjQ2MzY1NjI2NjY2', 'isLast': False}

    Attributes:
        atm_workflow_executions (list[str]): Execution ids, newest first.
        is_last (bool): True when no execution follows this page.
        next_page_token (None | str | Unset): Pass as `token` to get the page after this one; `null` at the end.
    """

    atm_workflow_executions: list[str]
    is_last: bool
    next_page_token: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        atm_workflow_executions = self.atm_workflow_executions

        is_last = self.is_last

        next_page_token: None | str | Unset
        if isinstance(self.next_page_token, Unset):
            next_page_token = UNSET
        else:
            next_page_token = self.next_page_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "atmWorkflowExecutions": atm_workflow_executions,
                "isLast": is_last,
            }
        )
        if next_page_token is not UNSET:
            field_dict["nextPageToken"] = next_page_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        atm_workflow_executions = cast(list[str], d.pop("atmWorkflowExecutions"))

        is_last = d.pop("isLast")

        def _parse_next_page_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_page_token = _parse_next_page_token(d.pop("nextPageToken", UNSET))

        workflow_execution_list = cls(
            atm_workflow_executions=atm_workflow_executions,
            is_last=is_last,
            next_page_token=next_page_token,
        )

        workflow_execution_list.additional_properties = d
        return workflow_execution_list

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
