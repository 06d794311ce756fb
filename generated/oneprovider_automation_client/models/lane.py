from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.lane_run import LaneRun


T = TypeVar("T", bound="Lane")


@_attrs_define
class Lane:
    """One lane of the execution and every run it has had.

    Attributes:
        schema_id (str): Id of the lane schema.
        runs (list[LaneRun]): The lane's runs, newest first. Empty until the execution reaches the lane.
    """

    schema_id: str
    runs: list[LaneRun]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        schema_id = self.schema_id

        runs = []
        for runs_item_data in self.runs:
            runs_item = runs_item_data.to_dict()
            runs.append(runs_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "schemaId": schema_id,
                "runs": runs,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lane_run import LaneRun  # noqa: PLC0415

        d = dict(src_dict)
        schema_id = d.pop("schemaId")

        runs = []
        _runs = d.pop("runs")
        for runs_item_data in _runs:
            runs_item = LaneRun.from_dict(runs_item_data)

            runs.append(runs_item)

        lane = cls(
            schema_id=schema_id,
            runs=runs,
        )

        lane.additional_properties = d
        return lane

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
