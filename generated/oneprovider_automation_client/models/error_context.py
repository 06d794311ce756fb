from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.onedata_service import OnedataService
from ..types import UNSET, Unset

T = TypeVar("T", bound="ErrorContext")


@_attrs_define
class ErrorContext:
    """Technical facts about where an error arose. Every field is optional here: the
    set has changed between releases.

        Attributes:
            timestamp (int | Unset): When the error happened, in milliseconds since the epoch.
            service_release_version (str | Unset): Release of the service, such as "25.0".
            service_id (str | Unset): The Oneprovider's id, or "onezone".
            service_domain (str | Unset): Domain of the service.
            service_build_version (str | Unset): Build of the service.
            service (OnedataService | str | Unset): Which service answered (see `OnedataService`). Clients must accept any
                string.
            onedata_errors_revision (str | Unset): Revision of the catalogue of Onedata errors that defines this error.
            module (str | Unset): Source module that raised the error.
            line (int | Unset): Line in that module.
    """

    timestamp: int | Unset = UNSET
    service_release_version: str | Unset = UNSET
    service_id: str | Unset = UNSET
    service_domain: str | Unset = UNSET
    service_build_version: str | Unset = UNSET
    service: OnedataService | str | Unset = UNSET
    onedata_errors_revision: str | Unset = UNSET
    module: str | Unset = UNSET
    line: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        timestamp = self.timestamp

        service_release_version = self.service_release_version

        service_id = self.service_id

        service_domain = self.service_domain

        service_build_version = self.service_build_version

        service: str | Unset
        if isinstance(self.service, Unset):
            service = UNSET
        elif isinstance(self.service, OnedataService):
            service = self.service.value
        else:
            service = self.service

        onedata_errors_revision = self.onedata_errors_revision

        module = self.module

        line = self.line

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if timestamp is not UNSET:
            field_dict["timestamp"] = timestamp
        if service_release_version is not UNSET:
            field_dict["serviceReleaseVersion"] = service_release_version
        if service_id is not UNSET:
            field_dict["serviceId"] = service_id
        if service_domain is not UNSET:
            field_dict["serviceDomain"] = service_domain
        if service_build_version is not UNSET:
            field_dict["serviceBuildVersion"] = service_build_version
        if service is not UNSET:
            field_dict["service"] = service
        if onedata_errors_revision is not UNSET:
            field_dict["onedataErrorsRevision"] = onedata_errors_revision
        if module is not UNSET:
            field_dict["module"] = module
        if line is not UNSET:
            field_dict["line"] = line

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        timestamp = d.pop("timestamp", UNSET)

        service_release_version = d.pop("serviceReleaseVersion", UNSET)

        service_id = d.pop("serviceId", UNSET)

        service_domain = d.pop("serviceDomain", UNSET)

        service_build_version = d.pop("serviceBuildVersion", UNSET)

        def _parse_service(data: object) -> OnedataService | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                service_type_0 = OnedataService(data)

                return service_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(OnedataService | str | Unset, data)

        service = _parse_service(d.pop("service", UNSET))

        onedata_errors_revision = d.pop("onedataErrorsRevision", UNSET)

        module = d.pop("module", UNSET)

        line = d.pop("line", UNSET)

        error_context = cls(
            timestamp=timestamp,
            service_release_version=service_release_version,
            service_id=service_id,
            service_domain=service_domain,
            service_build_version=service_build_version,
            service=service,
            onedata_errors_revision=onedata_errors_revision,
            module=module,
            line=line,
        )

        error_context.additional_properties = d
        return error_context

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
