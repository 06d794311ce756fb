"""AsyncWorkflowClient: every operation of the API, and the helpers that wait and repair.

The helpers drive the pure decisions of ``_waiting`` and ``_repair`` with the
operations of :class:`~._operations.AsyncOperations`; what the sync and async
worlds do differently (sleeping, running polls side by side) is in ``_concurrency``.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .. import _arguments as arguments
from .. import _calls as calls
from .. import _settings as settings
from .._audit import DEFAULT_MAX_DUMP_BYTES, AuditLog, audit_log_store_id
from .._concurrency import AsyncPolls, AsyncSignal, async_sleep
from .._diagnosis import Diagnosis, diagnose
from .._errors import ExecutionFailed, NoAuditLog, NothingToRepair, OnedataError, RequestTimeout
from .._models import (
    Execution,
    ExecutionStatus,
    RepairOperation,
    RepairPlan,
    RunSummary,
)
from .._repair import plan_repair
from .._waiting import (
    CALLBACK_GAP,
    DEFAULT_WAIT_TIMEOUT,
    SAFETY_POLL,
    TERMINAL_FAILURES,
    Board,
    Decision,
    ExecutionEvent,
    PollPolicy,
    Waiter,
)
from ._operations import AsyncOperations

if TYPE_CHECKING:
    from .._callbacks import CallbackReceiver

logger = logging.getLogger("onedata_workflows")
DIAGNOSIS_TAIL = 1000
"""The newest audit-log entries a diagnosis reads: enough for the last incarnation."""


class AsyncWorkflowClient(AsyncOperations):
    """A client for one Oneprovider's workflow-execution API, whose calls are awaited.

        async with AsyncWorkflowClient(host="provider.example.com", token=token) as client:
            wid = await client.schedule(space_id, schema_id, revision)
            print((await client.get(wid)).status)

    It keeps one connection pool for its lifetime (``max_connections``, each kept
    alive); close it (or use ``async with``).
    Requests time out (10 s to connect, 30 s to read), TLS is verified, plain http
    goes only to loopback unless ``allow_insecure_http``. Reads are retried on
    connection failures and 502/503/504 by ``retry``; actions only when they provably
    never left; ``schedule`` never twice. ``sleep``, ``clock``, ``monotonic`` and
    ``rng`` replace time and chance, for tests.
    """

    # -- waiting ------------------------------------------------------------------

    def _waiter(
        self,
        timeout: float,
        poll: PollPolicy | None,
        wait_through_suspension: bool,
        listening: bool = False,
    ) -> Waiter:
        """A waiter from now; one that hears callbacks polls only as a safety net."""
        self._check_clock()
        return Waiter.starting(
            self._monotonic(),
            arguments.check_seconds("timeout", timeout),
            poll or (SAFETY_POLL if listening else PollPolicy()),
            wait_through_suspension=wait_through_suspension,
            rng=self._rng,
        )

    def _check_clock(self) -> None:
        """Refuse a wait that could never progress: real time against a virtual provider."""
        clock = self._provider_clock
        if not hasattr(clock, "advance"):  # only a virtual clock can be advanced
            return
        if self._sleep is async_sleep or self._monotonic is time.monotonic:
            raise RuntimeError(
                "this simulated provider runs on a virtual clock, which real sleeps never "
                "move: the wait would never progress. Build the client with fake.client() "
                "or fake.async_client(), or pass sleep= and monotonic= that follow its clock."
            )

    async def _pause(self, seconds: float) -> None:
        """Sleep between polls; an injected sleep must move the injected clock."""
        before = self._monotonic()
        await self._sleep(seconds)
        if seconds > 0 and self._monotonic() - before < seconds / 2:
            raise RuntimeError(
                f"sleeping {seconds:g}s moved the client's monotonic clock by "
                f"{self._monotonic() - before:g}s: sleep= and monotonic= must follow one clock, "
                "or the wait would never reach its deadline"
            )

    @staticmethod
    def _hears(callbacks: CallbackReceiver | None, wid: str) -> bool:
        """Whether ``callbacks`` receives the execution's callbacks (it was scheduled so)."""
        return callbacks is not None and callbacks.knows(wid)

    @staticmethod
    def _listen(
        callbacks: CallbackReceiver | None, wids: Iterable[str], signal: AsyncSignal
    ) -> list[Callable[[], None]]:
        """Raise ``signal`` (keyed by id) on each callback for ``wids``; the unsubscribes.

        Executions the receiver does not know get none: they are polled as usual.
        """
        if callbacks is None:
            return []
        return [
            callbacks.listen(wid, functools.partial(signal.set, wid))
            for wid in wids
            if callbacks.knows(wid)
        ]

    @staticmethod
    def _decided(decision: Decision) -> Decision:
        """Log what a decision says is worth it; raise the error that ends a wait."""
        if decision.warning is not None:
            logger.warning("%s", decision.warning)
        if decision.fatal is not None:
            raise decision.fatal
        return decision

    async def _follow(
        self,
        wid: str,
        waiter: Waiter,
        cancel_on_timeout: bool,
        callbacks: CallbackReceiver | None = None,
    ) -> AsyncIterator[ExecutionEvent]:
        signal = AsyncSignal()
        listening = self._listen(callbacks, [wid], signal)
        try:
            first = waiter.polls == 0
            while True:
                outcome = await self._poll(wid, first=first)
                first = False
                decision = self._decided(waiter.record(outcome, self._monotonic()))
                for event in decision.events:
                    yield event
                if decision.done:
                    logger.info("%s", waiter.ending())
                    return
                if decision.timed_out:
                    cancelled = cancel_on_timeout and await self._cancel_quietly(wid)
                    raise waiter.timeout_error(cancelled=cancelled)
                if not listening:
                    await self._pause(decision.sleep)
                elif await signal.wait(decision.sleep, self._sleep) and signal.take():
                    # A callback: look now, but never more often than the gap allows.
                    gap = waiter.last_polled + CALLBACK_GAP - self._monotonic()
                    if gap > 0:
                        await self._sleep(gap)
        finally:
            for unsubscribe in listening:
                unsubscribe()

    async def _cancel_quietly(self, wid: str) -> bool:
        try:
            await self.cancel(wid)
        except OnedataError as error:
            logger.warning("could not cancel execution %s after the timeout: %s", wid, error)
            return False
        return True

    async def wait_until_finished(
        self,
        wid: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll: PollPolicy | None = None,
        on_update: Callable[[ExecutionEvent], object] | None = None,
        wait_through_suspension: bool = False,
        cancel_on_timeout: bool = False,
        raise_on_failure: bool = False,
        callbacks: CallbackReceiver | None = None,
    ) -> Execution:
        """Poll until the execution ends (finished, failed, cancelled, crashed); return it.

        A suspension (paused, interrupted) also ends the wait unless
        ``wait_through_suspension``. Transient failures are polled through; 401, 403
        and 404 raise at once. At the deadline it raises :class:`WaitTimeout` and
        leaves the execution running, unless ``cancel_on_timeout``. ``on_update`` is
        called once for each real change. With ``raise_on_failure``, an execution that
        ends failed, cancelled or crashed raises :class:`ExecutionFailed`.

        With ``callbacks``, the receiver the execution was scheduled with, it polls on
        each callback and otherwise only as a safety net (``SAFETY_POLL``); an
        execution the receiver does not know is polled as usual.
        """
        arguments.check_id("wid", wid)
        waiter = self._waiter(timeout, poll, wait_through_suspension, self._hears(callbacks, wid))
        async for event in self._follow(wid, waiter, cancel_on_timeout, callbacks):
            if on_update is not None:
                on_update(event)
        return await self._outcome(waiter, raise_on_failure)

    async def _outcome(self, waiter: Waiter, raise_on_failure: bool) -> Execution:
        """The end of a wait: the last execution seen, or ExecutionFailed if asked.

        ExecutionFailed carries the diagnosis, for which the audit log is read once.
        """
        execution = waiter.last
        assert execution is not None
        if raise_on_failure and execution.status in TERMINAL_FAILURES:
            raise ExecutionFailed(execution, await self._diagnosis(execution, retry=False))
        return execution

    # -- why --------------------------------------------------------------------------

    async def audit_log(
        self, wid: str, *, tail: int | None = None, max_bytes: int = DEFAULT_MAX_DUMP_BYTES
    ) -> AuditLog:
        """The execution's system audit log, oldest first: what happened to it, and why.

        Reads the execution for its ``systemAuditLogStoreId``, then the log's dump as
        :meth:`dump_audit_log` does (``tail`` keeps the newest entries; ``max_bytes``
        bounds the body). Raises :class:`NoAuditLog` when the execution has none.
        """
        arguments.check_id("wid", wid)
        if tail is not None:
            arguments.check_count("tail", tail)
        arguments.check_count("max_bytes", max_bytes)
        store_id = audit_log_store_id(await self.get(wid))
        if store_id is None:
            raise NoAuditLog(wid)
        return await self.dump_audit_log(store_id, tail=tail, max_bytes=max_bytes)

    async def diagnose(self, wid: str | Execution) -> Diagnosis:
        """Why the execution stopped (or has not), and the next step the service would accept.

        Reads the execution and the newest entries of its audit log (two requests); an
        :class:`Execution` already read (the end of a wait) saves the first. A log that
        cannot be read leaves a diagnosis from the details alone, whose ``log_error``
        says why; a failure to read the execution raises.
        """
        execution = wid if isinstance(wid, Execution) else await self.get(wid)
        return await self._diagnosis(execution, retry=True)

    async def _diagnosis(self, execution: Execution, *, retry: bool) -> Diagnosis:
        """The diagnosis of ``execution``, with its audit log when that can be read.

        Never raises for the log: a diagnosis must not hide the error it explains.
        """
        store_id = audit_log_store_id(execution)
        if store_id is None:
            return diagnose(execution, log_error="the execution has no audit log")
        try:
            call = calls.dump_call(store_id, tail=DIAGNOSIS_TAIL, max_bytes=DEFAULT_MAX_DUMP_BYTES)
            log = (await self._send(call, retry=retry))[0]
        except Exception as error:  # whatever keeps the log away, the diagnosis goes on
            logger.warning("could not read the audit log of %s: %s", execution.id, error)
            reason = str(error) or type(error).__name__
        else:
            return diagnose(execution, log.entries)
        return diagnose(execution, log_error=reason)

    def watch(
        self,
        wid: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll: PollPolicy | None = None,
        wait_through_suspension: bool = False,
        callbacks: CallbackReceiver | None = None,
    ) -> AsyncIterator[ExecutionEvent]:
        """The events of :meth:`wait_until_finished` as they happen, until the execution stops.

        Arguments are checked at once; polling starts when the first event is asked for.
        """
        arguments.check_id("wid", wid)
        waiter = self._waiter(timeout, poll, wait_through_suspension, self._hears(callbacks, wid))
        return self._follow(wid, waiter, False, callbacks)

    # -- repairing ------------------------------------------------------------------

    async def _repair(
        self,
        wid: str,
        operations: tuple[RepairOperation, ...],
        *,
        whole_lane: bool = False,
        dry_run: bool = False,
        wait: bool = False,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll: PollPolicy | None = None,
        on_update: Callable[[ExecutionEvent], object] | None = None,
        wait_through_suspension: bool = False,
        cancel_on_timeout: bool = False,
        raise_on_failure: bool = False,
        callbacks: CallbackReceiver | None = None,
    ) -> RepairPlan:
        """Plan a repair with ``operations``, carry it out unless ``dry_run``, maybe wait."""
        arguments.check_id("wid", wid)
        hears = self._hears(callbacks, wid)
        waiter = self._waiter(timeout, poll, wait_through_suspension, hears) if wait else None
        execution = await self.get(wid)
        try:
            plan = plan_repair(execution, operations, whole_lane=whole_lane)
        except NothingToRepair as nothing:  # with why it stopped, from its audit log
            nothing.diagnosis = await self._diagnosis(execution, retry=False)
            raise
        logger.info("execution %s: %s", wid, plan)
        if dry_run:
            return plan
        repeat = self.retry if plan.operation is RepairOperation.RETRY else self.rerun
        await repeat(wid, plan.lane_index, plan.run_number)
        if waiter is None:
            return attrs.evolve(plan, performed=True)
        async for event in self._follow(wid, waiter, cancel_on_timeout, callbacks):
            if on_update is not None:
                on_update(event)
        return attrs.evolve(
            plan, performed=True, execution=await self._outcome(waiter, raise_on_failure)
        )

    async def rerun_from_failed_lane(
        self,
        wid: str,
        *,
        dry_run: bool = False,
        wait: bool = False,
        whole_lane: bool = False,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll: PollPolicy | None = None,
        on_update: Callable[[ExecutionEvent], object] | None = None,
        wait_through_suspension: bool = False,
        cancel_on_timeout: bool = False,
        raise_on_failure: bool = False,
        callbacks: CallbackReceiver | None = None,
    ) -> RepairPlan:
        """Rerun the lane run that made the execution fail; return the plan carried out.

        ``whole_lane`` reruns from the lane's original regular run rather than the last
        retry; ``dry_run`` only says what it would do. With ``wait``, it then waits for
        the execution to stop, as :meth:`wait_until_finished` with the same options,
        and the plan carries the execution. Raises :class:`NothingToRepair`.
        """
        return await self._repair(
            wid,
            (RepairOperation.RERUN,),
            whole_lane=whole_lane,
            dry_run=dry_run,
            wait=wait,
            timeout=timeout,
            poll=poll,
            wait_through_suspension=wait_through_suspension,
            on_update=on_update,
            cancel_on_timeout=cancel_on_timeout,
            raise_on_failure=raise_on_failure,
            callbacks=callbacks,
        )

    async def retry_failed_lane(
        self,
        wid: str,
        *,
        dry_run: bool = False,
        wait: bool = False,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll: PollPolicy | None = None,
        on_update: Callable[[ExecutionEvent], object] | None = None,
        wait_through_suspension: bool = False,
        cancel_on_timeout: bool = False,
        raise_on_failure: bool = False,
        callbacks: CallbackReceiver | None = None,
    ) -> RepairPlan:
        """Retry the failed items of the lane run that made the execution fail.

        Like :meth:`rerun_from_failed_lane`, for a run whose ``isRetriable`` is set.
        """
        return await self._repair(
            wid,
            (RepairOperation.RETRY,),
            dry_run=dry_run,
            wait=wait,
            timeout=timeout,
            poll=poll,
            wait_through_suspension=wait_through_suspension,
            on_update=on_update,
            cancel_on_timeout=cancel_on_timeout,
            raise_on_failure=raise_on_failure,
            callbacks=callbacks,
        )

    async def run(
        self,
        space_id: str,
        schema_id: str,
        revision: int,
        *,
        store_initial_content: Mapping[str, Any] | None = None,
        log_level: str | None = None,
        callback: str | CallbackReceiver | None = None,
        max_repairs: int = 1,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll: PollPolicy | None = None,
        on_update: Callable[[ExecutionEvent], object] | None = None,
        on_repair: Callable[[RepairPlan], object] | None = None,
        raise_on_failure: bool = False,
    ) -> RunSummary:
        """Schedule, wait, and repair: retry the failed lane if it can, else rerun it.

        The first three arguments and the next three are :meth:`schedule`'s. At most
        ``max_repairs`` repairs; ``timeout`` bounds the whole run. Returns what
        happened: the final execution, the repairs, the polls and the time taken. With
        ``callback`` a :class:`CallbackReceiver`, every wait polls on its callbacks
        (the provider reuses the URL for each repair) and otherwise only as a safety net.
        """
        arguments.check_count("max_repairs", max_repairs, minimum=0)
        receiver = None if callback is None or isinstance(callback, str) else callback
        waiter = self._waiter(timeout, poll, False, receiver is not None)
        wid = await self.schedule(
            space_id,
            schema_id,
            revision,
            store_initial_content=store_initial_content,
            log_level=log_level,
            callback=callback,
        )
        repairs: list[RepairPlan] = []
        while True:
            async for event in self._follow(wid, waiter, False, receiver):
                if on_update is not None:
                    on_update(event)
            execution = waiter.last
            assert execution is not None
            if execution.status is not ExecutionStatus.FAILED or len(repairs) >= max_repairs:
                break
            plan = await self._repair(wid, (RepairOperation.RETRY, RepairOperation.RERUN))
            repairs.append(plan)
            # A repair starts a new stretch of work: look again at the pace of a new wait.
            waiter.paced_from = self._monotonic()
            if on_repair is not None:
                on_repair(plan)
        final = await self._outcome(waiter, raise_on_failure)
        elapsed = self._monotonic() - waiter.started
        # Why it did not finish, from its audit log, read once: one more request.
        why = (
            None
            if final.status is ExecutionStatus.FINISHED
            else await self._diagnosis(final, retry=False)
        )
        return RunSummary(
            final, tuple(repairs), waiter.polls, waiter.transient_errors, elapsed, diagnosis=why
        )

    # -- many at once -----------------------------------------------------------------

    def as_completed(
        self,
        wids: Iterable[str],
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll: PollPolicy | None = None,
        concurrency: int = 8,
        wait_through_suspension: bool = False,
        callbacks: CallbackReceiver | None = None,
    ) -> AsyncIterator[Execution]:
        """Wait for many executions at once; yield each as it stops, first stopped first.

        Each execution is polled on its own schedule, with at most ``concurrency``
        requests in flight over this client's one pool (and no more than its
        ``max_connections``), so a slow poll delays no other execution; above eight,
        only as many as are answered without slowing down (an answer that queues comes
        later, and so does the news it carries). At the deadline it raises
        :class:`WaitTimeout` listing what is unfinished, within one request timeout:
        polls still out then are abandoned. Arguments are checked at once; polling
        starts when the first result is asked for.
        With ``callbacks``, the executions the receiver knows are polled on their
        callbacks and otherwise only as a safety net.
        """
        wids = [arguments.check_id("wid", wid) for wid in arguments.check_ids(wids)]
        self._check_clock()
        heard = {wid for wid in wids if self._hears(callbacks, wid)}
        board = Board.starting(
            wids,
            self._monotonic(),
            arguments.check_seconds("timeout", timeout),
            lambda wid: poll or (SAFETY_POLL if wid in heard else PollPolicy()),
            wait_through_suspension=wait_through_suspension,
            rng=self._rng,
        )
        concurrency = arguments.check_count("concurrency", concurrency)
        return self._completed(board, concurrency, callbacks)

    async def _completed(
        self, board: Board, concurrency: int, callbacks: CallbackReceiver | None
    ) -> AsyncIterator[Execution]:
        grace = settings.longest_request(self._http.timeout)
        signal = AsyncSignal()
        listening = self._listen(callbacks, board.waiters, signal)
        try:
            most = min(concurrency, self._most_in_flight or concurrency)
            async with AsyncPolls[Execution | OnedataError](most) as polls:
                while board.pending:
                    for wid in signal.take():
                        board.expedite(wid, self._monotonic(), CALLBACK_GAP)
                    now = self._monotonic()
                    for wid in board.take(now, polls.room):
                        polls.start(wid, self._poll, wid)
                    wake = board.wake_in(now, grace)
                    if not polls.running:
                        if wake is None:
                            break
                        if listening:
                            await signal.wait(wake, self._sleep)
                        else:
                            await self._pause(wake)
                        continue
                    assert wake is not None  # polls in flight have until the deadline and grace
                    done, stalled = await polls.wait(wake, self._sleep, board.due_in(now), grace)
                    for wid in stalled:
                        done.append((wid, _no_answer(wid, grace)))
                    for wid, outcome in done:
                        decision = self._decided(board.record(wid, outcome, self._monotonic()))
                        if decision.done and isinstance(outcome, Execution):
                            logger.info("execution %s is %s", wid, outcome.status)
                            yield outcome
                    if board.overdue(self._monotonic(), grace):
                        await polls.cancel()
                        board.abandon()
        finally:
            for unsubscribe in listening:
                unsubscribe()
        if board.expired:
            raise board.timeout_error()

    async def wait_for_many(
        self,
        wids: Iterable[str],
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll: PollPolicy | None = None,
        concurrency: int = 8,
        wait_through_suspension: bool = False,
        callbacks: CallbackReceiver | None = None,
    ) -> dict[str, Execution]:
        """Wait for every execution to stop; return them by id, in the order given.

        The options are :meth:`as_completed`'s.
        """
        wids = list(arguments.check_ids(wids))
        finished = {
            execution.id: execution
            async for execution in self.as_completed(
                wids,
                timeout=timeout,
                poll=poll,
                concurrency=concurrency,
                wait_through_suspension=wait_through_suspension,
                callbacks=callbacks,
            )
        }
        return {wid: finished[wid] for wid in dict.fromkeys(wids)}


def _no_answer(wid: str, seconds: float) -> RequestTimeout:
    """What a poll given up on counts as: a read that timed out."""
    return RequestTimeout(
        f"get_workflow_execution_details of {wid} had no answer within {seconds:g}s",
        request_sent=True,
    )
