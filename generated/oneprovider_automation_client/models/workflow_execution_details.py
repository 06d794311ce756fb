from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.workflow_execution_status import WorkflowExecutionStatus

if TYPE_CHECKING:
    from ..models.lane import Lane
    from ..models.workflow_execution_details_lambda_snapshot_registry import (
        WorkflowExecutionDetailsLambdaSnapshotRegistry,
    )
    from ..models.workflow_execution_details_store_registry import (
        WorkflowExecutionDetailsStoreRegistry,
    )


T = TypeVar("T", bound="WorkflowExecutionDetails")


@_attrs_define
class WorkflowExecutionDetails:
    """The full state of an execution. The service always sends every property; some
    may be `null`. Timestamps are whole seconds since the epoch, `0` meaning "not
    yet"; they are not reset when the execution is rerun, retried or resumed, so the
    status, not a timestamp, tells whether it has ended. (Not in the published
    reference:) a timestamp is at most 253402300799, the last second of the year
    9999, which is as far as the date types of most languages reach; the service's
    clock is nowhere near it, so a larger value is a broken answer, not a date.

        Example:
            {'atmWorkflowExecutionId': '11a53ed06d175c89bc3ed5be61f8217cch1890', 'atmWorkflowSchemaSnapshotId':
                '821711ad53ed06be61f175c89bc3ed5cch1890', 'name': 'test execution', 'atmInventoryId':
                '2d180796daafcf15d586d29dd13dae48chd5fc', 'spaceId': 'c17147cc3188408c26f522881282cb83ch9853', 'userId':
                '08c26cc228812c3188417147f582cb83ch9853', 'status': 'active', 'scheduleTime': 1626107063, 'startTime':
                1626107064, 'suspendTime': 0, 'finishTime': 0, 'lambdaSnapshotRegistry':
                {'e412848d415329d81b7edd15c80b7740chf93f': '3946496fb29e3cf3faa96dbbd58d42d9ch9e3c'}, 'storeRegistry':
                {'216a5de15ba9f8f3138168682c3da954212abf': '805392e2b84fb7e6ff5b31b4b7e70845ch1995'}, 'systemAuditLogStoreId':
                '1439ca4dee1a251483923f4535bca500e72f2a', 'lanes': [{'schemaId': '3a1a829f714a41b043c4ce67402d8c136f125f',
                'runs': [{'runNumber': 1, 'originRunNumber': None, 'runType': 'regular', 'status': 'enqueued',
                'iteratedStoreId': '1b502545a3f9faa7f1e339f4aea793117be91d', 'exceptionStoreId':
                '98c669ec69c0394a38391c0ab0117f67ch260d', 'parallelBoxes': [{'schemaId':
                '0068146d662adc878f699bf82af08b9ddbd9ab', 'taskRegistry': {'d92b861a5edfb08b920e0e80f4670a87f48176':
                '1697f7c1f46e0e22bb426bead5a3cb47chda3d'}}], 'isRetriable': False, 'isRerunable': False}]}, {'schemaId':
                '7c0a1d9e5b3f42a6c8e1f0b2d4a6c8e0f1a2b3', 'runs': []}]}

        Attributes:
            atm_workflow_execution_id (str): Id of the execution.
            atm_workflow_schema_snapshot_id (str): Id of the frozen copy of the workflow schema that this execution runs.
            name (str): Name the workflow schema had when the execution was scheduled.
            atm_inventory_id (str): Id of the automation inventory that holds the workflow schema.
            space_id (str): Id of the space the execution runs in.
            user_id (str): Id of the user who scheduled the execution.
            status (str | WorkflowExecutionStatus): Status of the execution (see `WorkflowExecutionStatus`). Newer releases
                may
                add values, so clients must accept any string here.
            schedule_time (int): When the execution was last scheduled, resumed or repeated.
            start_time (int): When the execution started running; 0 before that.
            suspend_time (int): When the execution was last suspended; 0 if never.
            finish_time (int): When the execution last ended; 0 if never.
            lambda_snapshot_registry (WorkflowExecutionDetailsLambdaSnapshotRegistry): Maps each lambda id used by the
                workflow to its snapshot id.
            store_registry (WorkflowExecutionDetailsStoreRegistry): Maps each store schema id to the id of the store created
                for this execution.
            system_audit_log_store_id (None | str): Id of the execution's system audit log store, which the service creates
                with
                the execution. The published reference types it as a plain string; the
                service writes it through `utils:undefined_to_null`, so an execution without
                that store (an execution whose store could not be found, such as one
                created by a release before audit logs) would carry `null`. In practice it
                is always set, but clients must accept `null`.
            lanes (list[Lane]): One entry per lane, in lane order: `lanes[0]` is lane 1. Lane indices are
                1-based wherever the API takes one.
    """

    atm_workflow_execution_id: str
    atm_workflow_schema_snapshot_id: str
    name: str
    atm_inventory_id: str
    space_id: str
    user_id: str
    status: str | WorkflowExecutionStatus
    schedule_time: int
    start_time: int
    suspend_time: int
    finish_time: int
    lambda_snapshot_registry: WorkflowExecutionDetailsLambdaSnapshotRegistry
    store_registry: WorkflowExecutionDetailsStoreRegistry
    system_audit_log_store_id: None | str
    lanes: list[Lane]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        atm_workflow_execution_id = self.atm_workflow_execution_id

        atm_workflow_schema_snapshot_id = self.atm_workflow_schema_snapshot_id

        name = self.name

        atm_inventory_id = self.atm_inventory_id

        space_id = self.space_id

        user_id = self.user_id

        status: str
        if isinstance(self.status, WorkflowExecutionStatus):
            status = self.status.value
        else:
            status = self.status

        schedule_time = self.schedule_time

        start_time = self.start_time

        suspend_time = self.suspend_time

        finish_time = self.finish_time

        lambda_snapshot_registry = self.lambda_snapshot_registry.to_dict()

        store_registry = self.store_registry.to_dict()

        system_audit_log_store_id: None | str
        system_audit_log_store_id = self.system_audit_log_store_id

        lanes = []
        for lanes_item_data in self.lanes:
            lanes_item = lanes_item_data.to_dict()
            lanes.append(lanes_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "atmWorkflowExecutionId": atm_workflow_execution_id,
                "atmWorkflowSchemaSnapshotId": atm_workflow_schema_snapshot_id,
                "name": name,
                "atmInventoryId": atm_inventory_id,
                "spaceId": space_id,
                "userId": user_id,
                "status": status,
                "scheduleTime": schedule_time,
                "startTime": start_time,
                "suspendTime": suspend_time,
                "finishTime": finish_time,
                "lambdaSnapshotRegistry": lambda_snapshot_registry,
                "storeRegistry": store_registry,
                "systemAuditLogStoreId": system_audit_log_store_id,
                "lanes": lanes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.lane import Lane  # noqa: PLC0415
        from ..models.workflow_execution_details_lambda_snapshot_registry import (
            WorkflowExecutionDetailsLambdaSnapshotRegistry,  # noqa: PLC0415
        )
        from ..models.workflow_execution_details_store_registry import (
            WorkflowExecutionDetailsStoreRegistry,  # noqa: PLC0415
        )

        d = dict(src_dict)
        atm_workflow_execution_id = d.pop("atmWorkflowExecutionId")

        atm_workflow_schema_snapshot_id = d.pop("atmWorkflowSchemaSnapshotId")

        name = d.pop("name")

        atm_inventory_id = d.pop("atmInventoryId")

        space_id = d.pop("spaceId")

        user_id = d.pop("userId")

        def _parse_status(data: object) -> str | WorkflowExecutionStatus:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = WorkflowExecutionStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(str | WorkflowExecutionStatus, data)

        status = _parse_status(d.pop("status"))

        schedule_time = d.pop("scheduleTime")

        start_time = d.pop("startTime")

        suspend_time = d.pop("suspendTime")

        finish_time = d.pop("finishTime")

        lambda_snapshot_registry = WorkflowExecutionDetailsLambdaSnapshotRegistry.from_dict(
            d.pop("lambdaSnapshotRegistry")
        )

        store_registry = WorkflowExecutionDetailsStoreRegistry.from_dict(d.pop("storeRegistry"))

        def _parse_system_audit_log_store_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        system_audit_log_store_id = _parse_system_audit_log_store_id(d.pop("systemAuditLogStoreId"))

        lanes = []
        _lanes = d.pop("lanes")
        for lanes_item_data in _lanes:
            lanes_item = Lane.from_dict(lanes_item_data)

            lanes.append(lanes_item)

        workflow_execution_details = cls(
            atm_workflow_execution_id=atm_workflow_execution_id,
            atm_workflow_schema_snapshot_id=atm_workflow_schema_snapshot_id,
            name=name,
            atm_inventory_id=atm_inventory_id,
            space_id=space_id,
            user_id=user_id,
            status=status,
            schedule_time=schedule_time,
            start_time=start_time,
            suspend_time=suspend_time,
            finish_time=finish_time,
            lambda_snapshot_registry=lambda_snapshot_registry,
            store_registry=store_registry,
            system_audit_log_store_id=system_audit_log_store_id,
            lanes=lanes,
        )

        workflow_execution_details.additional_properties = d
        return workflow_execution_details

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
