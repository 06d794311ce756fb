from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LaneRunSelector")


@_attrs_define
class LaneRunSelector:
    """Names a lane run to repeat. The published reference does not say that the lane
    index is 1-based nor that the run number is the execution-wide `runNumber`
    rather than a position in the lane's list of runs. Write both numbers without
    a fraction: the service refuses `2.0`.

        Example:
            {'laneIndex': 2, 'laneRunNumber': 3}

        Attributes:
            lane_index (int): 1-based index of the lane (`lanes[0]` is lane 1).
            lane_run_number (int): The `runNumber` of the lane run to repeat.
    """

    lane_index: int
    lane_run_number: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        lane_index = self.lane_index

        lane_run_number = self.lane_run_number

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "laneIndex": lane_index,
                "laneRunNumber": lane_run_number,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        lane_index = d.pop("laneIndex")

        lane_run_number = d.pop("laneRunNumber")

        lane_run_selector = cls(
            lane_index=lane_index,
            lane_run_number=lane_run_number,
        )

        lane_run_selector.additional_properties = d
        return lane_run_selector

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
