from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.error_context import ErrorContext
    from ..models.error_details import ErrorDetails


T = TypeVar("T", bound="OnedataError")


@_attrs_define
class OnedataError:
    """What went wrong.

    Attributes:
        id (str): Stable identifier of the kind of error, such as `notFound` or
            `atmWorkflowExecutionNotEnded`. Key decisions off this, not the description.
        description (str): Text for people; it may include details of this instance.
        details (ErrorDetails | None | Unset): Structured facts about this instance; their shape depends on `id`.
        ctx (ErrorContext | None | Unset): Where the error arose. Sent by 25.x releases; older releases omit it, so it
            is optional here although the published reference marks it required.
    """

    id: str
    description: str
    details: ErrorDetails | None | Unset = UNSET
    ctx: ErrorContext | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.error_context import ErrorContext  # noqa: PLC0415
        from ..models.error_details import ErrorDetails  # noqa: PLC0415

        id = self.id

        description = self.description

        details: dict[str, Any] | None | Unset
        if isinstance(self.details, Unset):
            details = UNSET
        elif isinstance(self.details, ErrorDetails):
            details = self.details.to_dict()
        else:
            details = self.details

        ctx: dict[str, Any] | None | Unset
        if isinstance(self.ctx, Unset):
            ctx = UNSET
        elif isinstance(self.ctx, ErrorContext):
            ctx = self.ctx.to_dict()
        else:
            ctx = self.ctx

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "description": description,
            }
        )
        if details is not UNSET:
            field_dict["details"] = details
        if ctx is not UNSET:
            field_dict["ctx"] = ctx

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.error_context import ErrorContext  # noqa: PLC0415
        from ..models.error_details import ErrorDetails  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        description = d.pop("description")

        def _parse_details(data: object) -> ErrorDetails | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                details_type_0 = ErrorDetails.from_dict(data)

                return details_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErrorDetails | None | Unset, data)

        details = _parse_details(d.pop("details", UNSET))

        def _parse_ctx(data: object) -> ErrorContext | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                ctx_type_0 = ErrorContext.from_dict(data)

                return ctx_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErrorContext | None | Unset, data)

        ctx = _parse_ctx(d.pop("ctx", UNSET))

        onedata_error = cls(
            id=id,
            description=description,
            details=details,
            ctx=ctx,
        )

        onedata_error.additional_properties = d
        return onedata_error

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
