"""The workflow-execution state machine of Oneprovider, driven by simulated time.

Every automatic step (a lane run starting to prepare, finishing, an execution
finalizing after ``stopping``, the restart procedure after the provider restarts) is an
event on one queue, processed in time order by :meth:`Engine.advance_to`. State
therefore depends only on the simulated time, never on how often someone looks, and
timestamps carry the instant each step happened. User requests (pause, rerun, ...)
change state synchronously, as the service does.
"""

from __future__ import annotations

import heapq
import itertools
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from . import _errors as errors
from ._audit import ExecutionLog
from ._executions import (
    ENDED,
    FINAL_STATUS,
    ONGOING,
    PHASES,
    REPEATABLE,
    SUSPENDED,
    WAITING,
    Execution,
    Ids,
    Lane,
    LaneRun,
    Notification,
    StopReason,
)
from ._scenario import Outcome, Timing

Step = Callable[[], None]


class Engine:
    """All executions of one simulated provider, and the queue of their next steps."""

    def __init__(self, timing: Timing, ids: Ids, now: float) -> None:
        self.timing = timing
        self.ids = ids
        self.executions: dict[str, Execution] = {}
        self.notifications: list[Notification] = []
        self.running = True
        """False between a shutdown and the next start: the provider answers nothing."""
        self.onezone_reachable = True
        """Whether the provider can reach Onezone (schedule and the restart procedure need it)."""
        self._now = now
        self._queue: list[tuple[float, int, str | None, int, Step]] = []
        self._seq = itertools.count()

    # -- time -----------------------------------------------------------------

    @property
    def now(self) -> int:
        """The current simulated time in whole seconds, as timestamps carry it."""
        return int(self._now)

    def advance_to(self, now: float) -> None:
        """Run every step due up to ``now``, each at its own instant."""
        while self._queue and self._queue[0][0] <= now:
            at, _, wid, epoch, step = heapq.heappop(self._queue)
            if wid is not None:
                ex = self.executions.get(wid)
                if ex is None or ex.epoch != epoch:
                    continue
            self._now = max(self._now, at)
            step()
        self._now = max(self._now, now)

    def _after(self, ex: Execution, delay: float, step: Step) -> None:
        """A step of one execution, dropped if the execution moves on before it is due."""
        heapq.heappush(self._queue, (self._now + delay, next(self._seq), ex.id, ex.epoch, step))

    def after(self, delay: float, step: Step) -> None:
        """Run ``step`` ``delay`` simulated seconds from now: a step of the provider itself."""
        heapq.heappush(self._queue, (self._now + delay, next(self._seq), None, 0, step))

    # -- creating -------------------------------------------------------------

    def schedule(
        self,
        *,
        space_id: str,
        user_id: str,
        name: str,
        inventory_id: str,
        lanes: list[Lane],
        store_registry: dict[str, str],
        lambda_registry: dict[str, str],
        callback: str | None,
        log_level: str,
    ) -> Execution:
        ex = Execution(
            id=self.ids(),
            seq=next(self._seq),
            schema_snapshot_id=self.ids(),
            name=name,
            inventory_id=inventory_id,
            space_id=space_id,
            user_id=user_id,
            lanes=lanes,
            lambda_registry=lambda_registry,
            store_registry=store_registry,
            audit_log_store_id=self.ids(),
            audit_log=ExecutionLog(log_level, lambda: self._now),
            callback=callback,
            log_level=log_level,
            schedule_time=self.now,
        )
        self.executions[ex.id] = ex
        ex.audit_log.scheduled()
        self._start_regular_run(ex, 0)
        return ex

    def _start_regular_run(self, ex: Execution, lane_index: int) -> None:
        """Make a new regular run of a lane current, with the current run number."""
        lane = ex.lanes[lane_index]
        run = LaneRun(ex.current_run_num, None, "scheduled", items=lane.spec.items)
        lane.runs.insert(0, run)
        lane.retries_left = lane.spec.max_retries
        ex.current_lane = lane_index
        self._make_current(lane, run)
        self._after(ex, self.timing.prepare, lambda: self._start_preparing(ex, run))

    @staticmethod
    def _make_current(lane: Lane, run: LaneRun) -> None:
        """The run is about to execute: fix what it will do and for how long."""
        spec = lane.spec
        run.outcome = spec.outcome_of(lane.attempts)
        lane.attempts += 1
        run.failing_items = min(spec.failing_items, run.items)
        work = spec.duration * run.items / spec.items
        share = run.failing_items / run.items
        if run.outcome is Outcome.FAIL_ITEMS and share > spec.instant_failure_exception_threshold:
            # Failures come evenly spread, and the first one passes the threshold: the
            # run stops there with reason failure, like a hard failure.
            run.outcome, run.crosses_threshold = Outcome.FAIL, True
            first = work / (run.failing_items + 1)
            run.work_left, run.tail = first, work - first
        elif run.outcome in (Outcome.FINISH, Outcome.FAIL_ITEMS):
            run.work_left, run.tail = work, 0.0
        else:  # it goes wrong halfway
            run.work_left, run.tail = work / 2, work - work / 2

    # -- automatic steps ------------------------------------------------------

    def _start_preparing(self, ex: Execution, run: LaneRun) -> None:
        run.status = "preparing"
        ex.audit_log.preparing(*ex.where(run))
        self._workflow_running(ex)
        self._after(ex, self.timing.prepare, lambda: self._prepared(ex, run))

    def _workflow_running(self, ex: Execution) -> None:
        if ex.status in WAITING:
            ex.status = "active"
            ex.start_time = self.now

    def _prepared(self, ex: Execution, run: LaneRun) -> None:
        lane = next(lane for lane in ex.lanes if run in lane.runs)
        run.status = "enqueued"
        if run.iterated_store_id is None:
            run.iterated_store_id = lane.store_id
        run.exception_store_id = self.ids()
        run.parallel_boxes = [
            {"schemaId": box, "taskRegistry": {task: self.ids() for task in tasks}}
            for box, tasks in zip(lane.box_schema_ids, lane.task_schema_ids, strict=True)
        ]
        ex.audit_log.prepared(*ex.where(run))
        if run is ex.current_run and run.run_number is not None:
            self._after(ex, self.timing.prepare, lambda: self._activate(ex, run))

    def _activate(self, ex: Execution, run: LaneRun) -> None:
        run.status = "active"
        run.was_active = True
        self._run_work(ex, run)

    def _run_work(self, ex: Execution, run: LaneRun) -> None:
        run.work_due = self._now + run.work_left
        self._after(ex, run.work_left, lambda: self._work_done(ex, run))
        self._prepare_next_lane_in_advance(ex)

    def _prepare_next_lane_in_advance(self, ex: Execution) -> None:
        following = ex.current_lane + 1
        if following >= len(ex.lanes):
            return
        lane = ex.lanes[following]
        if any(r.run_number is None for r in lane.runs):
            return
        run = LaneRun(None, None, "preparing", items=lane.spec.items)
        lane.runs.insert(0, run)
        self._after(ex, self.timing.prepare, lambda: self._prepared(ex, run))

    def _work_done(self, ex: Execution, run: LaneRun) -> None:
        run.work_due = None
        run.work_left = 0.0
        lane, number = ex.where(run)
        log = ex.audit_log
        if run.outcome is Outcome.FINISH:
            run.status = "finished"
            self._lane_run_ended(ex, run)
        elif run.outcome is Outcome.FAIL_ITEMS:
            run.status = "failed"
            log.items_failed(lane, number, run.failing_items, run.items, run.exception_store_id)
            self._lane_run_ended(ex, run)
        elif run.outcome is Outcome.FAIL:
            task_id = next(iter(run.parallel_boxes[0]["taskRegistry"].values()))
            if run.crosses_threshold:
                log.threshold_exceeded(lane, number, task_id)
            else:
                log.results_failed(lane, number, task_id)
            self.begin_stop(ex, StopReason.FAILURE)
        elif run.outcome is Outcome.CRASH:
            log.emergency(f"{zlib.crc32(f'{ex.id}/{number}'.encode()):08x}")
            self.begin_stop(ex, StopReason.CRASH)
        else:  # interrupted halfway; once resumed it completes
            log.openfaas_unhealthy()
            self.begin_stop(ex, StopReason.INTERRUPT)
            run.outcome, run.work_left = Outcome.FINISH, run.tail

    def _lane_run_ended(self, ex: Execution, run: LaneRun) -> None:
        lane = ex.lanes[ex.current_lane]
        ex.audit_log.run_stopped(*ex.where(run))
        if run.status == "failed" and lane.retries_left > 0:
            lane.retries_left -= 1
            self._repeat(ex, ex.current_lane, run, "retry")
            assert run.run_number is not None
            ex.audit_log.automatic_retry(
                ex.current_lane + 1, run.run_number, ex.current_run_num, lane.retries_left
            )
            return
        if run.status == "finished" and ex.current_lane + 1 < len(ex.lanes):
            following = ex.current_lane + 1
            lane = ex.lanes[following]
            prepared = next((r for r in lane.runs if r.run_number is None), None)
            if prepared is None:
                self._start_regular_run(ex, following)
                return
            ex.current_lane = following
            lane.retries_left = lane.spec.max_retries
            prepared.run_number = ex.current_run_num
            self._make_current(lane, prepared)
            if prepared.status == "enqueued":
                self._after(ex, self.timing.prepare, lambda: self._activate(ex, prepared))
            return
        ex.status = "stopping"
        self._after(ex, self.timing.stop, lambda: self._finalize(ex))

    def begin_stop(self, ex: Execution, reason: StopReason) -> None:
        """Start stopping the current lane run; the execution finalizes a little later."""
        if ex.status in WAITING:
            ex.start_time = self.now  # the stop passes through the ongoing phase
        run = ex.current_run
        ex.audit_log.stopping(*ex.where(run), reason.name.lower())
        self._hold_work(run)
        run.status = "stopping"
        run.stopping_reason = reason
        ex.status = "stopping"
        ex.epoch += 1
        self._after(ex, self.timing.stop, lambda: self._finalize(ex))

    def _hold_work(self, run: LaneRun) -> None:
        """Keep what is left of an active run's work, to go on with after a resume."""
        if run.status == "active" and run.work_due is not None:
            run.work_left = max(0.0, run.work_due - self._now)
            run.work_due = None

    def _finalize(self, ex: Execution) -> None:
        prepared = [
            i + 1 for i, lane in enumerate(ex.lanes) if any(r.run_number is None for r in lane.runs)
        ]
        if prepared:
            ex.audit_log.prepared_runs_deleted(prepared)
        for lane in ex.lanes:
            lane.runs = [r for r in lane.runs if r.run_number is not None]
        run = ex.current_run
        if run.stopping_reason is not None and run.status == "stopping":
            run.status = FINAL_STATUS[run.stopping_reason]
            ex.audit_log.run_stopped(*ex.where(run))
        ex.status = run.status
        if ex.status != "crashed":  # a crash ends abruptly, without the last entry
            ex.audit_log.stopped(ex.status)
        if ex.status in SUSPENDED:
            ex.suspend_time = self.now
        else:
            ex.finish_time = self.now
        ex.epoch += 1
        self._notify(ex)

    def _notify(self, ex: Execution) -> None:
        if ex.callback:
            self.notifications.append(
                Notification(ex.callback, {"atmWorkflowExecutionId": ex.id, "status": ex.status})
            )

    # -- requests -------------------------------------------------------------

    def pause(self, ex: Execution) -> None:
        self._stop_request(ex, StopReason.PAUSE)

    def cancel(self, ex: Execution) -> None:
        if ex.status in SUSPENDED:
            # The whole stop happens within the request.
            run = ex.current_run
            ex.audit_log.stopping(*ex.where(run), "cancel")
            run.status, run.stopping_reason = "cancelled", StopReason.CANCEL
            ex.audit_log.run_stopped(*ex.where(run), suspended=True)
            ex.status = "cancelled"
            ex.audit_log.stopped(ex.status)
            ex.start_time = ex.finish_time = self.now
            ex.epoch += 1
            self._notify(ex)
            return
        self._stop_request(ex, StopReason.CANCEL)

    def _stop_request(self, ex: Execution, reason: StopReason) -> None:
        if ex.status in WAITING or ex.status == "active":
            self.begin_stop(ex, reason)
        elif ex.status == "stopping":
            run = ex.current_run
            if run.stopping_reason is None:  # the last lane run has already ended
                raise errors.invalid_status_transition(run.status, "stopping")
            if reason > run.stopping_reason:
                run.stopping_reason = reason
                ex.audit_log.stopping(*ex.where(run), reason.name.lower())
            # A weaker or equal reason is ignored; the request still succeeds.
        elif ex.status in SUSPENDED:
            raise errors.invalid_status_transition(ex.status, "stopping")
        else:
            raise errors.execution_ended()

    def resume(self, ex: Execution) -> None:
        if ex.status not in SUSPENDED:
            raise errors.execution_not_resumable()
        self._new_incarnation(ex, "resuming")
        run = ex.current_run
        run.status, run.stopping_reason = "resuming", None
        ex.audit_log.resuming(*ex.where(run))
        self._after(ex, self.timing.prepare, lambda: self._resumed(ex, run))

    def _resumed(self, ex: Execution, run: LaneRun) -> None:
        if not run.parallel_boxes:
            self._start_preparing(ex, run)
            return
        self._workflow_running(ex)
        ex.audit_log.resumed(*ex.where(run))
        if run.was_active:
            run.status = "active"
            self._run_work(ex, run)
        else:
            run.status = "enqueued"
            self._after(ex, self.timing.prepare, lambda: self._activate(ex, run))

    def force_continue(self, ex: Execution) -> None:
        if ex.status != "failed" or ex.current_lane + 1 >= len(ex.lanes):
            raise errors.execution_not_resumable()
        self._new_incarnation(ex, "resuming")
        self._start_regular_run(ex, ex.current_lane + 1)
        ex.audit_log.forced_continuation(ex.current_lane + 1, ex.current_run_num)

    def repeat(self, ex: Execution, lane_index: int, run_number: int, kind: str) -> None:
        """Rerun or retry lane ``lane_index`` (1-based) from its run ``run_number``."""
        if ex.status not in ENDED:
            raise errors.execution_not_ended()
        if lane_index > len(ex.lanes):
            raise errors.not_found()
        lane = ex.lanes[lane_index - 1]
        origin = next((r for r in lane.runs if r.run_number == run_number), None)
        if origin is None:
            raise errors.not_found()
        flags = self.flags(ex, origin)
        if kind == "rerun" and not flags["isRerunable"]:
            raise errors.rerun_failed()
        if kind == "retry" and not flags["isRetriable"]:
            raise errors.retry_failed()
        # Only the lane that was current loses its automatic retries.
        ex.lanes[ex.current_lane].retries_left = 0
        self._new_incarnation(ex, "scheduled")
        self._repeat(ex, lane_index - 1, origin, kind)
        ex.audit_log.manual_repeat(kind, lane_index, run_number, ex.current_run_num)

    def _repeat(self, ex: Execution, lane_index: int, origin: LaneRun, kind: str) -> None:
        lane = ex.lanes[lane_index]
        ex.current_run_num += 1
        retry = kind == "retry"
        run = LaneRun(
            ex.current_run_num,
            origin.run_number,
            "scheduled",
            iterated_store_id=origin.exception_store_id if retry else origin.iterated_store_id,
            items=max(1, origin.failing_items) if retry else origin.items,
        )
        lane.runs.insert(0, run)
        ex.current_lane = lane_index
        self._make_current(lane, run)
        self._after(ex, self.timing.prepare, lambda: self._start_preparing(ex, run))

    def _new_incarnation(self, ex: Execution, status: str) -> None:
        ex.status = status
        ex.incarnation += 1
        ex.schedule_time = self.now
        ex.epoch += 1

    def delete(self, ex: Execution) -> None:
        if ex.status not in SUSPENDED | ENDED:
            raise errors.execution_not_stopped()
        del self.executions[ex.id]

    # -- the provider stopping and starting -----------------------------------

    def shut_down(self, *, graceful: bool) -> None:
        """The provider stops; from now on it answers nothing until :meth:`start_up`.

        Gracefully, as Oneprovider does on an orderly stop: every waiting or ongoing
        execution is stopped with reason ``op_worker_stopping`` (a stronger reason
        already in force is kept) and the shutdown waits until each has stopped, so
        they end ``paused`` (or with the status of their stronger reason). Otherwise
        the node just goes down and its executions stay as they were, to be dealt with
        by the restart procedure.
        """
        self.running = False
        for ex in list(self.executions.values()):
            if ex.status not in WAITING | ONGOING:
                continue
            if graceful:
                if not self._ended_by_itself(ex):
                    self._stop_request(ex, StopReason.OP_WORKER_STOPPING)
                self._finalize(ex)
            else:
                self._hold_work(ex.current_run)
                ex.epoch += 1

    def start_up(self) -> None:
        """The provider is back; its restart procedure runs ``timing.restart`` later."""
        self.running = True
        self.after(self.timing.restart, self._restart_procedure)

    def _restart_procedure(self) -> None:
        """What Oneprovider does with its executions once it has restarted.

        Executions left waiting or ongoing by the last shutdown are stopped as
        interrupted (their callback fires) and resumed; those already stopping for a
        stronger reason (failure, cancel, crash) end with it instead. Executions paused
        by a graceful shutdown are resumed. Executions the user suspended stay so.
        Without Onezone the procedure is tried again ``timing.restart`` later.
        """
        if not self.running:
            return
        if not self.onezone_reachable:
            self.after(self.timing.restart, self._restart_procedure)
            return
        for ex in list(self.executions.values()):
            run = ex.current_run
            if ex.status in WAITING | ONGOING:
                ex.audit_log.unclean_shutdown()
                if not self._ended_by_itself(ex):
                    self._stop_request(ex, StopReason.INTERRUPT)
                self._finalize(ex)
                if ex.status == "interrupted":
                    self.resume(ex)
            elif ex.status in SUSPENDED and run.stopping_reason is StopReason.OP_WORKER_STOPPING:
                self.resume(ex)

    @staticmethod
    def _ended_by_itself(ex: Execution) -> bool:
        """The last lane run has ended on its own and the execution is finalizing."""
        run = ex.current_run
        return run.status in ENDED and run.stopping_reason is None

    # -- reading --------------------------------------------------------------

    @staticmethod
    def flags(ex: Execution, run: LaneRun) -> dict[str, bool]:
        """``isRerunable``/``isRetriable``: exactly what rerun and retry would accept now."""
        repeatable = ex.status in REPEATABLE
        return {
            "isRetriable": repeatable and run.status == "failed" and run.stopping_reason is None,
            "isRerunable": repeatable and run.status in REPEATABLE,
        }

    def details(self, ex: Execution) -> dict[str, Any]:
        return {
            "atmWorkflowExecutionId": ex.id,
            "atmWorkflowSchemaSnapshotId": ex.schema_snapshot_id,
            "name": ex.name,
            "atmInventoryId": ex.inventory_id,
            "spaceId": ex.space_id,
            "userId": ex.user_id,
            "status": ex.status,
            "scheduleTime": ex.schedule_time,
            "startTime": ex.start_time,
            "suspendTime": ex.suspend_time,
            "finishTime": ex.finish_time,
            "lambdaSnapshotRegistry": dict(ex.lambda_registry),
            "storeRegistry": dict(ex.store_registry),
            "systemAuditLogStoreId": ex.audit_log_store_id,
            "lanes": [
                {
                    "schemaId": lane.schema_id,
                    "runs": [
                        {
                            "runNumber": run.run_number,
                            "originRunNumber": run.origin_run_number,
                            "runType": lane.run_type(run),
                            "status": run.status,
                            "iteratedStoreId": run.iterated_store_id,
                            "exceptionStoreId": run.exception_store_id,
                            "parallelBoxes": [
                                {"schemaId": b["schemaId"], "taskRegistry": dict(b["taskRegistry"])}
                                for b in run.parallel_boxes
                            ],
                            **self.flags(ex, run),
                        }
                        for run in lane.runs
                    ],
                }
                for lane in ex.lanes
            ],
        }

    def store(self, store_id: str) -> tuple[Execution, bool] | None:
        """The execution a store belongs to, and whether it is an audit log; None if unknown.

        The stores of a deleted execution are gone with it.
        """
        for ex in self.executions.values():
            audit_log = ex.stores().get(store_id)
            if audit_log is not None:
                return ex, audit_log
        return None

    def in_phase(self, space_id: str, phase: str) -> Iterator[Execution]:
        """The space's executions in ``phase``, in no particular order."""
        statuses = PHASES[phase]
        return (
            e for e in self.executions.values() if e.space_id == space_id and e.status in statuses
        )
