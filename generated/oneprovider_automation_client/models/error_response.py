from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.onedata_error import OnedataError


T = TypeVar("T", bound="ErrorResponse")


@_attrs_define
class ErrorResponse:
    """The body of every error answer.

    Example:
        {'error': {'id': 'atmLaneExecutionRetryFailed', 'description': 'Failed to retry specified lane execution. Lane
            execution can be retried\\n        only if all items have been processed but some of them failed.', 'ctx':
            {'timestamp': 1750762637248, 'serviceReleaseVersion': '25.0', 'serviceId':
            'a7ee2722915b8bf7fb064eb65087cc61ch9357', 'serviceDomain': 'oneprovider.example.com', 'serviceBuildVersion':
            '231-g8d26f953c3', 'service': 'opw', 'onedataErrorsRevision': 'ca3af8cb', 'module': 'atm_lane_execution_status',
            'line': 365}}}

    Attributes:
        error (OnedataError): What went wrong.
    """

    error: OnedataError
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        error = self.error.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "error": error,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.onedata_error import OnedataError  # noqa: PLC0415

        d = dict(src_dict)
        error = OnedataError.from_dict(d.pop("error"))

        error_response = cls(
            error=error,
        )

        error_response.additional_properties = d
        return error_response

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
