from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.log_level import LogLevel
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.workflow_execution_schedule_request_store_initial_content_overlay import (
        WorkflowExecutionScheduleRequestStoreInitialContentOverlay,
    )


T = TypeVar("T", bound="WorkflowExecutionScheduleRequest")


@_attrs_define
class WorkflowExecutionScheduleRequest:
    """What to run, where, and how to report its end.

    Example:
        {'spaceId': 'c17147cc3188408c26f522881282cb83ch9853', 'atmWorkflowSchemaId':
            '3e5cd02b46bfd67c44d0d1d4d8b96fa4ch0a11', 'atmWorkflowSchemaRevisionNumber': 3, 'storeInitialContentOverlay':
            {'de6d2e524459dd235f80aa8652a68879b5dbe9': [{'fileId':
            '0000000000523261677569642330376134636136616638613431366334386338343366356338643562323662'}],
            '83cf895501eb11f9bc71e4b2b41a252e8561b5': {'fileId':
            '000000000052A6E0677569642334653938663463616538386232366437366539636462393634633031653733'}}, 'logLevel':
            'debug', 'callback': 'https://my-server.example.com/execution-callback'}

    Attributes:
        space_id (str): Id of the space the execution runs in.
        atm_workflow_schema_id (str): Id of the workflow schema to run.
        atm_workflow_schema_revision_number (int): Revision of the workflow schema to run. The published reference types
            this
            as a string; the service requires an integer of at least 1 (it also accepts
            the same number written as a string). Write it without a fraction: the
            service refuses `3.0`.
        store_initial_content_overlay (WorkflowExecutionScheduleRequestStoreInitialContentOverlay | Unset): Initial
            content for the execution's stores, keyed by store schema id. It
            replaces the defaults that the schema declares for those stores.
        log_level (LogLevel | Unset): Lowest severity that the execution's audit logs keep.
        callback (str | Unset): An http(s) address that receives `POST {"atmWorkflowExecutionId", "status"}`
            each time the execution stops. The published reference says "when it ends";
            the service also calls it when the execution is paused or interrupted, and
            again for every later rerun, retry or resume.
    """

    space_id: str
    atm_workflow_schema_id: str
    atm_workflow_schema_revision_number: int
    store_initial_content_overlay: WorkflowExecutionScheduleRequestStoreInitialContentOverlay | Unset = UNSET
    log_level: LogLevel | Unset = UNSET
    callback: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        space_id = self.space_id

        atm_workflow_schema_id = self.atm_workflow_schema_id

        atm_workflow_schema_revision_number = self.atm_workflow_schema_revision_number

        store_initial_content_overlay: dict[str, Any] | Unset = UNSET
        if not isinstance(self.store_initial_content_overlay, Unset):
            store_initial_content_overlay = self.store_initial_content_overlay.to_dict()

        log_level: str | Unset = UNSET
        if not isinstance(self.log_level, Unset):
            log_level = self.log_level.value

        callback = self.callback

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "spaceId": space_id,
                "atmWorkflowSchemaId": atm_workflow_schema_id,
                "atmWorkflowSchemaRevisionNumber": atm_workflow_schema_revision_number,
            }
        )
        if store_initial_content_overlay is not UNSET:
            field_dict["storeInitialContentOverlay"] = store_initial_content_overlay
        if log_level is not UNSET:
            field_dict["logLevel"] = log_level
        if callback is not UNSET:
            field_dict["callback"] = callback

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.workflow_execution_schedule_request_store_initial_content_overlay import (
            WorkflowExecutionScheduleRequestStoreInitialContentOverlay,  # noqa: PLC0415
        )

        d = dict(src_dict)
        space_id = d.pop("spaceId")

        atm_workflow_schema_id = d.pop("atmWorkflowSchemaId")

        atm_workflow_schema_revision_number = d.pop("atmWorkflowSchemaRevisionNumber")

        _store_initial_content_overlay = d.pop("storeInitialContentOverlay", UNSET)
        store_initial_content_overlay: WorkflowExecutionScheduleRequestStoreInitialContentOverlay | Unset
        if isinstance(_store_initial_content_overlay, Unset):
            store_initial_content_overlay = UNSET
        else:
            store_initial_content_overlay = WorkflowExecutionScheduleRequestStoreInitialContentOverlay.from_dict(
                _store_initial_content_overlay
            )

        _log_level = d.pop("logLevel", UNSET)
        log_level: LogLevel | Unset
        if isinstance(_log_level, Unset):
            log_level = UNSET
        else:
            log_level = LogLevel(_log_level)

        callback = d.pop("callback", UNSET)

        workflow_execution_schedule_request = cls(
            space_id=space_id,
            atm_workflow_schema_id=atm_workflow_schema_id,
            atm_workflow_schema_revision_number=atm_workflow_schema_revision_number,
            store_initial_content_overlay=store_initial_content_overlay,
            log_level=log_level,
            callback=callback,
        )

        workflow_execution_schedule_request.additional_properties = d
        return workflow_execution_schedule_request

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
