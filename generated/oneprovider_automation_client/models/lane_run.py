from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.lane_run_status import LaneRunStatus
from ..models.lane_run_type import LaneRunType

if TYPE_CHECKING:
    from ..models.parallel_box import ParallelBox


T = TypeVar("T", bound="LaneRun")


@_attrs_define
class LaneRun:
    """One run of a lane.

    The example is the published one (a retry, run 3 of run 1), corrected: it
    showed the status `pending`, which only tasks have (a prepared run that has not
    started is `enqueued`), and `parallelBoxes` as a single object instead of an
    array.

        Example:
            {'runNumber': 3, 'originRunNumber': 1, 'runType': 'retry', 'status': 'enqueued', 'iteratedStoreId':
                '1b502545a3f9faa7f1e339f4aea793117be91d', 'exceptionStoreId': '98c669ec69c0394a38391c0ab0117f67ch260d',
                'parallelBoxes': [{'schemaId': '0068146d662adc878f699bf82af08b9ddbd9ab', 'taskRegistry':
                {'d92b861a5edfb08b920e0e80f4670a87f48176': '1697f7c1f46e0e22bb426bead5a3cb47chda3d'}}], 'isRetriable': False,
                'isRerunable': False}

        Attributes:
            run_number (int | None): The execution-wide run number: one counter for the whole execution, shared
                by every lane run of the same pass, so numbers in a lane can have gaps. It is
                `null` for a run prepared in advance until it becomes current. This is the
                value that rerun and retry take as `laneRunNumber`. It is at most 2^53 - 1,
                the largest integer that every JSON reader keeps exact, so that it can be
                sent back as written (not in the published reference; a counter of passes
                never comes near it).
            origin_run_number (int | None): For a rerun or retry, the run number of the run in the same lane that it
                repeats; `null` for a regular run. (The published reference types it as a
                plain integer; regular runs always carry `null`.)
            run_type (LaneRunType | str): How the run came to be (see `LaneRunType`). Clients must accept any string.
                The service infers it from the stores: a repeated run that iterates its
                origin's exception store is a `retry`, any other a `rerun`. A rerun of a run
                that was never prepared (cancelled before it started) therefore reports
                `retry` until it is itself prepared, both store ids being unset until then.
            status (LaneRunStatus | str): Status of the run (see `LaneRunStatus`). Clients must accept any string.
            iterated_store_id (None | str): Id of the store whose items the run processes. `null` for a regular run that
                has not been prepared yet; reruns and retries have it from the start.
            exception_store_id (None | str): Id of the store collecting the items that failed in this run; a retry
                iterates it. `null` until the run has been prepared.
            parallel_boxes (list[ParallelBox]): The run's parallel boxes in order; empty until the run has been prepared.
                (The published example shows a single object; the service sends an array.)
            is_retriable (bool): True when `retry` would accept this run now: the execution has ended (and did
                not crash) and the run failed only because some of its items failed.
            is_rerunable (bool): True when `rerun` would accept this run now: the execution has ended (and did
                not crash) and the run is `finished`, `failed` or `cancelled`.
    """

    run_number: int | None
    origin_run_number: int | None
    run_type: LaneRunType | str
    status: LaneRunStatus | str
    iterated_store_id: None | str
    exception_store_id: None | str
    parallel_boxes: list[ParallelBox]
    is_retriable: bool
    is_rerunable: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        run_number: int | None
        run_number = self.run_number

        origin_run_number: int | None
        origin_run_number = self.origin_run_number

        run_type: str
        if isinstance(self.run_type, LaneRunType):
            run_type = self.run_type.value
        else:
            run_type = self.run_type

        status: str
        if isinstance(self.status, LaneRunStatus):
            status = self.status.value
        else:
            status = self.status

        iterated_store_id: None | str
        iterated_store_id = self.iterated_store_id

        exception_store_id: None | str
        exception_store_id = self.exception_store_id

        parallel_boxes = []
        for parallel_boxes_item_data in self.parallel_boxes:
            parallel_boxes_item = parallel_boxes_item_data.to_dict()
            parallel_boxes.append(parallel_boxes_item)

        is_retriable = self.is_retriable

        is_rerunable = self.is_rerunable

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "runNumber": run_number,
                "originRunNumber": origin_run_number,
                "runType": run_type,
                "status": status,
                "iteratedStoreId": iterated_store_id,
                "exceptionStoreId": exception_store_id,
                "parallelBoxes": parallel_boxes,
                "isRetriable": is_retriable,
                "isRerunable": is_rerunable,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.parallel_box import ParallelBox  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_run_number(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        run_number = _parse_run_number(d.pop("runNumber"))

        def _parse_origin_run_number(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        origin_run_number = _parse_origin_run_number(d.pop("originRunNumber"))

        def _parse_run_type(data: object) -> LaneRunType | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                run_type_type_0 = LaneRunType(data)

                return run_type_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LaneRunType | str, data)

        run_type = _parse_run_type(d.pop("runType"))

        def _parse_status(data: object) -> LaneRunStatus | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = LaneRunStatus(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LaneRunStatus | str, data)

        status = _parse_status(d.pop("status"))

        def _parse_iterated_store_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        iterated_store_id = _parse_iterated_store_id(d.pop("iteratedStoreId"))

        def _parse_exception_store_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        exception_store_id = _parse_exception_store_id(d.pop("exceptionStoreId"))

        parallel_boxes = []
        _parallel_boxes = d.pop("parallelBoxes")
        for parallel_boxes_item_data in _parallel_boxes:
            parallel_boxes_item = ParallelBox.from_dict(parallel_boxes_item_data)

            parallel_boxes.append(parallel_boxes_item)

        is_retriable = d.pop("isRetriable")

        is_rerunable = d.pop("isRerunable")

        lane_run = cls(
            run_number=run_number,
            origin_run_number=origin_run_number,
            run_type=run_type,
            status=status,
            iterated_store_id=iterated_store_id,
            exception_store_id=exception_store_id,
            parallel_boxes=parallel_boxes,
            is_retriable=is_retriable,
            is_rerunable=is_rerunable,
        )

        lane_run.additional_properties = d
        return lane_run

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
