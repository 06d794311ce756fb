from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.parallel_box_task_registry import ParallelBoxTaskRegistry


T = TypeVar("T", bound="ParallelBox")


@_attrs_define
class ParallelBox:
    """A group of tasks that run side by side within a lane run.

    Attributes:
        schema_id (str): Id of the parallel box schema.
        task_registry (ParallelBoxTaskRegistry): Maps each task schema id to the id of its task execution.
    """

    schema_id: str
    task_registry: ParallelBoxTaskRegistry
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        schema_id = self.schema_id

        task_registry = self.task_registry.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "schemaId": schema_id,
                "taskRegistry": task_registry,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.parallel_box_task_registry import ParallelBoxTaskRegistry  # noqa: PLC0415

        d = dict(src_dict)
        schema_id = d.pop("schemaId")

        task_registry = ParallelBoxTaskRegistry.from_dict(d.pop("taskRegistry"))

        parallel_box = cls(
            schema_id=schema_id,
            task_registry=task_registry,
        )

        parallel_box.additional_properties = d
        return parallel_box

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
