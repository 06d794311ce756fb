"""WorkflowClient and AsyncWorkflowClient: every operation of the API, with typed errors.

Requests are built and responses parsed by the generated client
(``oneprovider_automation_client``); this module adds what it lacks: timeouts,
authentication that never shows the token, typed errors for every answer, and
retries where they are safe. Everything but sending lives in ``_BaseClient``, so the
two clients differ only in how they wait for the network.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import random
import ssl
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Generator,
    Iterable,
    Iterator,
    Mapping,
)
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType, TracebackType
from typing import Any, Generic, Self, TypeVar
from urllib.parse import urlsplit

import attrs
import httpx

from oneprovider_automation_client import Client as GeneratedClient
from oneprovider_automation_client.api.workflow_execution import (
    cancel_workflow_execution,
    delete_workflow_execution,
    force_continue_workflow_execution,
    get_workflow_execution_details,
    list_workflow_executions,
    pause_workflow_execution,
    rerun_workflow_execution,
    resume_workflow_execution,
    retry_workflow_execution,
    schedule_workflow_execution,
)
from oneprovider_automation_client.models import (
    LaneRunSelector,
    WorkflowExecutionCreated,
    WorkflowExecutionDetails,
    WorkflowExecutionList,
    WorkflowExecutionPhase,
    WorkflowExecutionScheduleRequest,
    WorkflowExecutionScheduleRequestStoreInitialContentOverlay,
)
from oneprovider_automation_client.types import UNSET

from . import _arguments as arguments
from ._errors import (
    ConnectionFailed,
    ExecutionFailed,
    OnedataError,
    RequestTimeout,
    ResponseParseError,
    TransportError,
    WaitTimeout,
    api_error,
    redact,
    snippet,
)
from ._models import Execution, ExecutionStatus, Phase
from ._repair import RepairOperation, RepairPlan, plan_repair
from ._retry import CallKind, RetryPolicy
from ._waiting import (
    DEFAULT_TIMEOUT as DEFAULT_WAIT_TIMEOUT,
)
from ._waiting import (
    TERMINAL_FAILURES,
    Board,
    ExecutionEvent,
    PollPolicy,
    RunSummary,
    Waiter,
)

T = TypeVar("T")
logger = logging.getLogger("onedata_workflows")

API_PATH = "/api/v3/oneprovider"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
"""30 s to read an answer, 10 s to connect: the generated client's default is no timeout."""
ENV_HOST = "ONEPROVIDER_HOST"
ENV_BASE_URL = "ONEPROVIDER_BASE_URL"
ENV_TOKEN = "ONEDATA_TOKEN"
# The generated parsers need a client only to read raise_on_unexpected_status.
_PARSING_CLIENT = GeneratedClient(base_url="https://unused", raise_on_unexpected_status=False)


class ExecutionId(str):
    """The id of a newly scheduled execution, with the ``Location`` header that came with it.

    ``location`` is informational only: its form differs between releases (some omit
    a ``/``), so the client addresses the execution by the id from the body.
    """

    location: str | None

    def __new__(cls, value: str, location: str | None = None) -> Self:
        instance = super().__new__(cls, value)
        instance.location = location
        return instance


class _TokenAuth(httpx.Auth):
    """Adds the token to each request, so no client-wide header (or repr) ever holds it."""

    def __init__(self, token: str) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["X-Auth-Token"] = self._token
        yield request

    def __repr__(self) -> str:
        return "TokenAuth(token=<hidden>)"


@attrs.frozen
class _Call(Generic[T]):
    """One request to make, how safe it is to repeat, and how to read its success."""

    operation: str
    kind: CallKind
    kwargs: dict[str, Any]
    success: int
    read: Callable[[httpx.Response], T]


def _reader(module: ModuleType, model: type[T]) -> Callable[[httpx.Response], T]:
    """Parse a success answer with the generated module's own parser."""

    def read(response: httpx.Response) -> T:
        parsed = module._parse_response(client=_PARSING_CLIENT, response=response)
        if not isinstance(parsed, model):
            raise TypeError(f"expected {model.__name__}, got {type(parsed).__name__}")
        return parsed

    return read


def _no_body(response: httpx.Response) -> None:
    return None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _base_url(host: str | None, base_url: str | None, allow_insecure_http: bool) -> str:
    if (host is None) == (base_url is None):
        raise ValueError("give either host (for https://{host}/api/v3/oneprovider) or base_url")
    if host is not None:
        host = arguments.check_id("host", host)
        if "/" in host or "://" in host:
            raise ValueError(f"host must be a domain with an optional port, not a URL: {host!r}")
        base_url = f"https://{host}{API_PATH}"
    assert base_url is not None
    parts = urlsplit(arguments.check_id("base_url", base_url))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base_url must be an http(s) URL, not {base_url!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname) and not allow_insecure_http:
        raise ValueError(
            f"refusing plain http to {parts.hostname}: the token would travel in clear. "
            "Use https, or pass allow_insecure_http=True if you must."
        )
    return base_url.rstrip("/")


def _tls(verify: bool, ca_bundle: str | os.PathLike[str] | None) -> bool | ssl.SSLContext:
    if ca_bundle is not None:
        if not verify:
            raise ValueError("ca_bundle needs verify=True")
        return ssl.create_default_context(cafile=os.fspath(ca_bundle))
    return verify


Pool = TypeVar("Pool", httpx.Client, httpx.AsyncClient)


def _pool(
    make: Callable[..., Pool],
    given: Pool | None,
    transport: object | None,
    timeout: float | httpx.Timeout,
    verify: bool | ssl.SSLContext,
) -> tuple[Pool, bool]:
    """The connection pool to use, and whether the client owns (and so closes) it."""
    if given is not None and transport is not None:
        raise ValueError("give http_client or transport, not both")
    if given is not None:
        return given, False
    return make(timeout=timeout, verify=verify, transport=transport), True


class _BaseClient:
    """Configuration, request building and response reading: everything but I/O."""

    def __init__(
        self,
        host: str | None,
        token: str,
        *,
        base_url: str | None,
        retry: RetryPolicy,
        allow_insecure_http: bool,
        rng: random.Random | None,
        clock: Callable[[], float],
        monotonic: Callable[[], float],
    ) -> None:
        self.base_url = _base_url(host, base_url, allow_insecure_http)
        """The API's base URL, ending in /api/v3/oneprovider for a real provider."""
        self._token = arguments.check_id("token", token)
        self._auth = _TokenAuth(self._token)
        self.retry_policy = retry
        """When failed calls are sent again."""
        self._rng = rng or random.Random()
        self._clock = clock
        self._monotonic = monotonic

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    @classmethod
    def from_env(cls, **kwargs: Any) -> Self:
        """A client for ``$ONEPROVIDER_HOST`` with the token in ``$ONEDATA_TOKEN``.

        ``$ONEPROVIDER_BASE_URL``, when set, is used instead of the host.
        """
        base_url = os.environ.get(ENV_BASE_URL) or None
        missing = [ENV_HOST] if not base_url and not os.environ.get(ENV_HOST) else []
        missing += [ENV_TOKEN] if not os.environ.get(ENV_TOKEN) else []
        if missing:
            raise ValueError(f"set {' and '.join(missing)} in the environment")
        host = None if base_url else os.environ[ENV_HOST]
        return cls(host=host, token=os.environ[ENV_TOKEN], base_url=base_url, **kwargs)

    # -- building -------------------------------------------------------------

    @staticmethod
    def _schedule_call(
        space_id: str,
        schema_id: str,
        revision: int,
        store_initial_content: Mapping[str, Any] | None,
        log_level: str | None,
        callback: str | None,
    ) -> _Call[WorkflowExecutionCreated]:
        overlay: Any = UNSET
        if store_initial_content is not None:
            overlay = WorkflowExecutionScheduleRequestStoreInitialContentOverlay()
            overlay.additional_properties = dict(
                arguments.check_store_content(store_initial_content)
            )
        body = WorkflowExecutionScheduleRequest(
            space_id=arguments.check_id("space_id", space_id),
            atm_workflow_schema_id=arguments.check_id("schema_id", schema_id),
            atm_workflow_schema_revision_number=arguments.check_positive("revision", revision),
            store_initial_content_overlay=overlay,
            log_level=UNSET if log_level is None else arguments.check_log_level(log_level),
            callback=UNSET if callback is None else arguments.check_id("callback", callback),
        )
        return _Call(
            "schedule_workflow_execution",
            CallKind.SCHEDULE,
            schedule_workflow_execution._get_kwargs(body=body),
            201,
            _reader(schedule_workflow_execution, WorkflowExecutionCreated),
        )

    @staticmethod
    def _get_call(wid: str) -> _Call[WorkflowExecutionDetails]:
        return _Call(
            "get_workflow_execution_details",
            CallKind.READ,
            get_workflow_execution_details._get_kwargs(arguments.check_id("wid", wid)),
            200,
            _reader(get_workflow_execution_details, WorkflowExecutionDetails),
        )

    @staticmethod
    def _list_call(
        space_id: str, phase: Phase | str | None, page_size: int, page_token: str | None
    ) -> _Call[WorkflowExecutionList]:
        kwargs = list_workflow_executions._get_kwargs(
            arguments.check_id("space_id", space_id),
            phase=UNSET if phase is None else WorkflowExecutionPhase(Phase(phase).value),
            limit=page_size,
            offset=UNSET,
            token=UNSET if page_token is None else page_token,
        )
        return _Call(
            "list_workflow_executions",
            CallKind.READ,
            kwargs,
            200,
            _reader(list_workflow_executions, WorkflowExecutionList),
        )

    @staticmethod
    def _action_call(module: ModuleType, wid: str) -> _Call[None]:
        kwargs = module._get_kwargs(arguments.check_id("wid", wid))
        return _Call(module.__name__.rpartition(".")[2], CallKind.ACTION, kwargs, 204, _no_body)

    @staticmethod
    def _repeat_call(module: ModuleType, wid: str, lane_index: int, run_number: int) -> _Call[None]:
        selector = LaneRunSelector(
            lane_index=arguments.check_positive("lane_index", lane_index),
            lane_run_number=arguments.check_positive("run_number", run_number),
        )
        kwargs = module._get_kwargs(arguments.check_id("wid", wid), body=selector)
        return _Call(module.__name__.rpartition(".")[2], CallKind.ACTION, kwargs, 204, _no_body)

    # -- waiting and repairing (shared decisions) -------------------------------

    def _waiter(
        self, timeout: float, poll: PollPolicy | None, wait_through_suspension: bool
    ) -> Waiter:
        if not timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        return Waiter(
            poll or PollPolicy(), self._monotonic() + timeout, wait_through_suspension, self._rng
        )

    def _board(
        self, wids: Iterable[str], timeout: float, poll: PollPolicy | None, through: bool
    ) -> Board:
        unique = list(dict.fromkeys(arguments.check_id("wid", wid) for wid in wids))
        now = self._monotonic()
        waiters = {wid: self._waiter(timeout, poll, through) for wid in unique}
        return Board(waiters, dict.fromkeys(unique, now))

    @staticmethod
    def _outcome(waiter: Waiter, raise_on_failure: bool) -> Execution:
        """The end of a wait: the last execution seen, or ExecutionFailed if asked."""
        execution = waiter.last
        assert execution is not None
        logger.info(
            "execution %s is %s after %d polls (%d transient errors)",
            execution.id,
            execution.status,
            waiter.polls,
            waiter.transient_errors,
        )
        if raise_on_failure and execution.status in TERMINAL_FAILURES:
            raise ExecutionFailed(execution)
        return execution

    @staticmethod
    def _timeout(waiter: Waiter, timeout: float, cancelled: bool) -> WaitTimeout:
        return WaitTimeout(
            waiter.last,
            timeout,
            cancelled=cancelled,
            polls=waiter.polls,
            transient_errors=waiter.transient_errors,
            last_error=waiter.last_error,
        )

    @staticmethod
    def _many_timeout(board: Board, timeout: float) -> WaitTimeout:
        return WaitTimeout(
            None,
            timeout,
            polls=board.polls,
            transient_errors=board.transient_errors,
            pending=board.unfinished,
        )

    @staticmethod
    def _repair_plan(
        execution: Execution, operations: tuple[RepairOperation, ...], whole_lane: bool
    ) -> RepairPlan:
        plan = plan_repair(execution, operations, whole_lane=whole_lane)
        logger.info("execution %s: %s", execution.id, plan)
        return plan

    def _next_page(
        self,
        space_id: str,
        phase: Phase | str | None,
        page_size: int,
        page: WorkflowExecutionList,
        response: httpx.Response,
        seen: set[str],
    ) -> _Call[WorkflowExecutionList] | None:
        """The call for the page after ``page``; None at the end.

        A token that comes back a second time would make the listing endless, so it
        is an error rather than a loop.
        """
        token = page.next_page_token
        if page.is_last or not isinstance(token, str) or not token:
            return None
        if token in seen:
            raise ResponseParseError(
                response.status_code,
                snippet(response.content, self._token),
                "nextPageToken repeats an earlier page's: the listing would never end",
            )
        seen.add(token)
        return self._list_call(space_id, phase, page_size, token)

    # -- sending and reading --------------------------------------------------

    def _request(self, call: _Call[Any]) -> dict[str, Any]:
        kwargs = dict(call.kwargs)
        kwargs["url"] = self.base_url + kwargs["url"]
        return {**kwargs, "auth": self._auth}

    def _read(self, call: _Call[T], response: httpx.Response) -> T:
        """The call's result, or the typed error for whatever came back."""
        logger.debug("%s %s -> %s", call.operation, response.request.url.path, response.status_code)
        status = response.status_code
        if status != call.success and not (call.success == 204 and 200 <= status < 300):
            if 200 <= status < 300:
                raise ResponseParseError(
                    status, snippet(response.content, self._token), f"expected HTTP {call.success}"
                )
            raise api_error(response, self._clock(), self._token)
        try:
            return call.read(response)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            reason = redact(str(exc), self._token) or type(exc).__name__
            raise ResponseParseError(
                status, snippet(response.content, self._token), reason
            ) from exc

    @staticmethod
    def _transport_error(call: _Call[Any], exc: httpx.HTTPError) -> TransportError:
        # Only these prove that the request never left: no connection carried it.
        never_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
        kind = RequestTimeout if isinstance(exc, httpx.TimeoutException) else ConnectionFailed
        what = "timed out" if kind is RequestTimeout else "failed"
        sent = "before it was sent" if never_sent else "after it may have been sent"
        return kind(
            f"{call.operation} {what} {sent}: {type(exc).__name__}", request_sent=not never_sent
        )

    def _next_delay(self, call: _Call[Any], error: OnedataError, attempt: int) -> float | None:
        delay = self.retry_policy.delay(call.kind, error, attempt, self._rng)
        if delay is not None:
            logger.warning(
                "%s: %s; retrying in %.2fs (attempt %d of %d)",
                call.operation,
                error,
                delay,
                attempt + 1,
                self.retry_policy.attempts,
            )
        return delay


def _created(created: WorkflowExecutionCreated, response_location: str | None) -> ExecutionId:
    return ExecutionId(created.atm_workflow_execution_id, response_location)


class WorkflowClient(_BaseClient):
    """A synchronous client for one Oneprovider's workflow-execution API.

        with WorkflowClient(host="provider.example.com", token=token) as client:
            wid = client.schedule(space_id, schema_id, revision)
            print(client.get(wid).status)

    It keeps one connection pool for its lifetime; close it (or use ``with``).
    """

    def __init__(
        self,
        host: str | None = None,
        token: str = "",
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        verify: bool = True,
        ca_bundle: str | os.PathLike[str] | None = None,
        retry: RetryPolicy | None = None,
        allow_insecure_http: bool = False,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(
            host,
            token,
            base_url=base_url,
            retry=retry or RetryPolicy(),
            allow_insecure_http=allow_insecure_http,
            rng=rng,
            clock=clock,
            monotonic=monotonic,
        )
        self._http, self._owns_http = _pool(
            httpx.Client, http_client, transport, timeout, _tls(verify, ca_bundle)
        )
        self._sleep = sleep

    def close(self) -> None:
        """Close the connection pool (not one passed in as ``http_client``)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _send(self, call: _Call[T], *, retry: bool = True) -> tuple[T, httpx.Response]:
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._http.request(**self._request(call))
                return self._read(call, response), response
            except httpx.HTTPError as exc:
                error: OnedataError = self._transport_error(call, exc)
                cause: BaseException = exc
            except OnedataError as exc:
                error, cause = exc, exc.__cause__ or exc
            delay = self._next_delay(call, error, attempt) if retry else None
            if delay is None:
                if error is cause:
                    raise error
                raise error from cause
            self._sleep(delay)

    def schedule(
        self,
        space_id: str,
        schema_id: str,
        revision: int,
        *,
        store_initial_content: Mapping[str, Any] | None = None,
        log_level: str | None = None,
        callback: str | None = None,
    ) -> ExecutionId:
        """Schedule an execution of a workflow schema revision; return its id.

        Never sent twice: a failure after the request may have left raises, because a
        repeat could create a second execution.
        """
        call = self._schedule_call(
            space_id, schema_id, revision, store_initial_content, log_level, callback
        )
        created, response = self._send(call)
        return _created(created, response.headers.get("location"))

    def get(self, wid: str) -> Execution:
        """The execution's current state."""
        return Execution.from_model(self._send(self._get_call(wid))[0])

    def list(
        self, space_id: str, *, phase: Phase | str | None = None, page_size: int = 1000
    ) -> Iterator[str]:
        """Ids of the space's executions in ``phase``, newest first; pages load as it goes.

        Without ``phase`` the provider lists the ongoing ones.
        """
        page_size = arguments.check_page_size(page_size)
        first = self._list_call(space_id, phase, page_size, None)

        def pages() -> Iterator[str]:
            call: _Call[WorkflowExecutionList] | None = first
            seen: set[str] = set()
            while call is not None:
                page, response = self._send(call)
                yield from page.atm_workflow_executions
                call = self._next_page(space_id, phase, page_size, page, response, seen)

        return pages()

    def delete(self, wid: str) -> None:
        """Delete a suspended or ended execution."""
        self._send(self._action_call(delete_workflow_execution, wid))

    def pause(self, wid: str) -> None:
        """Ask a waiting or ongoing execution to pause (it goes through ``stopping``)."""
        self._send(self._action_call(pause_workflow_execution, wid))

    def resume(self, wid: str) -> None:
        """Resume a paused or interrupted execution."""
        self._send(self._action_call(resume_workflow_execution, wid))

    def cancel(self, wid: str) -> None:
        """Cancel an execution that has not ended."""
        self._send(self._action_call(cancel_workflow_execution, wid))

    def force_continue(self, wid: str) -> None:
        """Continue a failed execution from the lane after the failed one."""
        self._send(self._action_call(force_continue_workflow_execution, wid))

    def rerun(self, wid: str, lane_index: int, run_number: int) -> None:
        """Rerun lane ``lane_index`` (from 1) over every item of its run ``run_number``."""
        self._send(self._repeat_call(rerun_workflow_execution, wid, lane_index, run_number))

    def retry(self, wid: str, lane_index: int, run_number: int) -> None:
        """Retry lane ``lane_index`` (from 1) over the failed items of its run ``run_number``."""
        self._send(self._repeat_call(retry_workflow_execution, wid, lane_index, run_number))

    # -- helpers ----------------------------------------------------------------

    def _poll(self, wid: str) -> Execution | OnedataError:
        """One look, without the client's own retries: the waiter decides about errors."""
        try:
            return Execution.from_model(self._send(self._get_call(wid), retry=False)[0])
        except OnedataError as error:
            return error

    def _follow(
        self, wid: str, waiter: Waiter, timeout: float, cancel_on_timeout: bool
    ) -> Iterator[ExecutionEvent]:
        arguments.check_id("wid", wid)
        while True:
            outcome = self._poll(wid)
            now = self._monotonic()
            if isinstance(outcome, OnedataError):
                decision = waiter.failed(outcome, now)
            else:
                decision = waiter.observe(outcome, now)
            yield from decision.events
            if decision.done:
                return
            if decision.timed_out:
                raise self._timeout(
                    waiter, timeout, cancel_on_timeout and self._cancel_quietly(wid)
                )
            self._sleep(decision.sleep)

    def _cancel_quietly(self, wid: str) -> bool:
        try:
            self.cancel(wid)
        except OnedataError as error:
            logger.warning("could not cancel execution %s after the timeout: %s", wid, error)
            return False
        return True

    def wait_until_finished(
        self,
        wid: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll: PollPolicy | None = None,
        on_update: Callable[[ExecutionEvent], object] | None = None,
        wait_through_suspension: bool = False,
        cancel_on_timeout: bool = False,
        raise_on_failure: bool = False,
    ) -> Execution:
        """Poll until the execution ends (finished, failed, cancelled, crashed); return it.

        A suspension (paused, interrupted) also ends the wait unless
        ``wait_through_suspension``. Transient failures are polled through; 401, 403
        and 404 raise at once. At the deadline it raises :class:`WaitTimeout` and
        leaves the execution running, unless ``cancel_on_timeout``. ``on_update`` is
        called once for each real change. With ``raise_on_failure``, an execution that
        ends failed, cancelled or crashed raises :class:`ExecutionFailed`.
        """
        waiter = self._waiter(timeout, poll, wait_through_suspension)
        for event in self._follow(wid, waiter, timeout, cancel_on_timeout):
            if on_update is not None:
                on_update(event)
        return self._outcome(waiter, raise_on_failure)

    def watch(
        self,
        wid: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll: PollPolicy | None = None,
        wait_through_suspension: bool = False,
    ) -> Iterator[ExecutionEvent]:
        """The events of :meth:`wait_until_finished` as an iterator, until the execution stops."""
        waiter = self._waiter(timeout, poll, wait_through_suspension)
        return self._follow(wid, waiter, timeout, False)

    def _repair(
        self,
        wid: str,
        operations: tuple[RepairOperation, ...],
        whole_lane: bool,
        dry_run: bool,
        wait: bool,
        wait_options: dict[str, Any],
    ) -> RepairPlan:
        plan = self._repair_plan(self.get(wid), operations, whole_lane)
        if dry_run:
            return plan
        repeat = self.retry if plan.operation is RepairOperation.RETRY else self.rerun
        repeat(wid, plan.lane_index, plan.run_number)
        after = self.wait_until_finished(wid, **wait_options) if wait else None
        return attrs.evolve(plan, performed=True, execution=after)

    def rerun_from_failed_lane(
        self,
        wid: str,
        *,
        dry_run: bool = False,
        wait: bool = False,
        whole_lane: bool = False,
        **wait_options: Any,
    ) -> RepairPlan:
        """Rerun the lane run that made the execution fail; return the plan carried out.

        ``whole_lane`` reruns from the lane's original regular run rather than the last
        retry; ``dry_run`` only says what it would do; ``wait`` also waits for the end
        (with ``wait_until_finished``'s options). Raises :class:`NothingToRepair`.
        """
        return self._repair(wid, (RepairOperation.RERUN,), whole_lane, dry_run, wait, wait_options)

    def retry_failed_lane(
        self, wid: str, *, dry_run: bool = False, wait: bool = False, **wait_options: Any
    ) -> RepairPlan:
        """Retry the failed items of the lane run that made the execution fail.

        Like :meth:`rerun_from_failed_lane`, for a run whose ``isRetriable`` is set.
        """
        return self._repair(wid, (RepairOperation.RETRY,), False, dry_run, wait, wait_options)

    def run(
        self,
        space_id: str,
        schema_id: str,
        revision: int,
        *,
        max_repairs: int = 1,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll: PollPolicy | None = None,
        on_update: Callable[[ExecutionEvent], object] | None = None,
        on_repair: Callable[[RepairPlan], object] | None = None,
        raise_on_failure: bool = False,
        **schedule_options: Any,
    ) -> RunSummary:
        """Schedule, wait, and repair: retry the failed lane if it can, else rerun it.

        At most ``max_repairs`` repairs; ``timeout`` bounds the whole run.
        """
        if isinstance(max_repairs, bool) or not isinstance(max_repairs, int) or max_repairs < 0:
            raise ValueError(f"max_repairs must be a whole number >= 0, not {max_repairs!r}")
        waiter = self._waiter(timeout, poll, False)
        start = self._monotonic()
        wid = self.schedule(space_id, schema_id, revision, **schedule_options)
        repairs: list[RepairPlan] = []
        while True:
            for event in self._follow(wid, waiter, timeout, False):
                if on_update is not None:
                    on_update(event)
            execution = waiter.last
            assert execution is not None
            if execution.status is not ExecutionStatus.FAILED or len(repairs) >= max_repairs:
                break
            plan = self._repair(
                wid, (RepairOperation.RETRY, RepairOperation.RERUN), False, False, False, {}
            )
            repairs.append(plan)
            if on_repair is not None:
                on_repair(plan)
        summary = RunSummary(
            self._outcome(waiter, raise_on_failure),
            tuple(repairs),
            waiter.polls,
            waiter.transient_errors,
            self._monotonic() - start,
        )
        return summary

    def as_completed(
        self,
        wids: Iterable[str],
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll: PollPolicy | None = None,
        concurrency: int = 8,
        wait_through_suspension: bool = False,
    ) -> Iterator[Execution]:
        """Wait for many executions at once; yield each as it stops, first stopped first.

        At most ``concurrency`` requests are in flight, over this client's one pool.
        At the deadline it raises :class:`WaitTimeout` listing what is unfinished.
        """
        board = self._board(wids, timeout, poll, wait_through_suspension)
        workers = arguments.check_positive("concurrency", concurrency)

        def completed() -> Iterator[Execution]:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                while board.due:
                    ready = board.ready(self._monotonic())
                    if not ready:
                        self._sleep(board.wake_in(self._monotonic()))
                        continue
                    outcomes = list(pool.map(self._poll, ready))
                    now = self._monotonic()
                    for wid, outcome in zip(ready, outcomes, strict=True):
                        finished = board.record(wid, outcome, now)
                        if finished is not None:
                            yield finished
                    if board.timed_out:
                        raise self._many_timeout(board, timeout)

        return completed()

    def wait_for_many(self, wids: Iterable[str], **options: Any) -> dict[str, Execution]:
        """Wait for every execution to stop; return them by id (see :meth:`as_completed`)."""
        wids = list(wids)
        finished = {execution.id: execution for execution in self.as_completed(wids, **options)}
        return {wid: finished[wid] for wid in dict.fromkeys(wids)}


class AsyncWorkflowClient(_BaseClient):
    """The asyncio twin of :class:`WorkflowClient`: the same methods, awaited.

    async with AsyncWorkflowClient(host="provider.example.com", token=token) as client:
        execution = await client.get(wid)
    """

    def __init__(
        self,
        host: str | None = None,
        token: str = "",
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        verify: bool = True,
        ca_bundle: str | os.PathLike[str] | None = None,
        retry: RetryPolicy | None = None,
        allow_insecure_http: bool = False,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(
            host,
            token,
            base_url=base_url,
            retry=retry or RetryPolicy(),
            allow_insecure_http=allow_insecure_http,
            rng=rng,
            clock=clock,
            monotonic=monotonic,
        )
        self._http, self._owns_http = _pool(
            httpx.AsyncClient, http_client, transport, timeout, _tls(verify, ca_bundle)
        )
        self._sleep = sleep

    async def aclose(self) -> None:
        """Close the connection pool (not one passed in as ``http_client``)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _send(self, call: _Call[T], *, retry: bool = True) -> tuple[T, httpx.Response]:
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._http.request(**self._request(call))
                return self._read(call, response), response
            except httpx.HTTPError as exc:
                error: OnedataError = self._transport_error(call, exc)
                cause: BaseException = exc
            except OnedataError as exc:
                error, cause = exc, exc.__cause__ or exc
            delay = self._next_delay(call, error, attempt) if retry else None
            if delay is None:
                if error is cause:
                    raise error
                raise error from cause
            await self._sleep(delay)

    async def schedule(
        self,
        space_id: str,
        schema_id: str,
        revision: int,
        *,
        store_initial_content: Mapping[str, Any] | None = None,
        log_level: str | None = None,
        callback: str | None = None,
    ) -> ExecutionId:
        """Schedule an execution; never sent twice (see :meth:`WorkflowClient.schedule`)."""
        call = self._schedule_call(
            space_id, schema_id, revision, store_initial_content, log_level, callback
        )
        created, response = await self._send(call)
        return _created(created, response.headers.get("location"))

    async def get(self, wid: str) -> Execution:
        """The execution's current state."""
        return Execution.from_model((await self._send(self._get_call(wid)))[0])

    def list(
        self, space_id: str, *, phase: Phase | str | None = None, page_size: int = 1000
    ) -> AsyncIterator[str]:
        """Ids of the space's executions in ``phase``, newest first: ``async for wid in ...``."""
        page_size = arguments.check_page_size(page_size)
        first = self._list_call(space_id, phase, page_size, None)

        async def pages() -> AsyncIterator[str]:
            call: _Call[WorkflowExecutionList] | None = first
            seen: set[str] = set()
            while call is not None:
                page, response = await self._send(call)
                for wid in page.atm_workflow_executions:
                    yield wid
                call = self._next_page(space_id, phase, page_size, page, response, seen)

        return pages()

    async def delete(self, wid: str) -> None:
        """Delete a suspended or ended execution."""
        await self._send(self._action_call(delete_workflow_execution, wid))

    async def pause(self, wid: str) -> None:
        """Ask a waiting or ongoing execution to pause."""
        await self._send(self._action_call(pause_workflow_execution, wid))

    async def resume(self, wid: str) -> None:
        """Resume a paused or interrupted execution."""
        await self._send(self._action_call(resume_workflow_execution, wid))

    async def cancel(self, wid: str) -> None:
        """Cancel an execution that has not ended."""
        await self._send(self._action_call(cancel_workflow_execution, wid))

    async def force_continue(self, wid: str) -> None:
        """Continue a failed execution from the lane after the failed one."""
        await self._send(self._action_call(force_continue_workflow_execution, wid))

    async def rerun(self, wid: str, lane_index: int, run_number: int) -> None:
        """Rerun lane ``lane_index`` (from 1) over every item of its run ``run_number``."""
        await self._send(self._repeat_call(rerun_workflow_execution, wid, lane_index, run_number))

    async def retry(self, wid: str, lane_index: int, run_number: int) -> None:
        """Retry lane ``lane_index`` (from 1) over the failed items of its run ``run_number``."""
        await self._send(self._repeat_call(retry_workflow_execution, wid, lane_index, run_number))

    # -- helpers ----------------------------------------------------------------

    async def _poll(self, wid: str) -> Execution | OnedataError:
        """One look, without the client's own retries: the waiter decides about errors."""
        try:
            return Execution.from_model((await self._send(self._get_call(wid), retry=False))[0])
        except OnedataError as error:
            return error

    async def _follow(
        self, wid: str, waiter: Waiter, timeout: float, cancel_on_timeout: bool
    ) -> AsyncIterator[ExecutionEvent]:
        arguments.check_id("wid", wid)
        while True:
            outcome = await self._poll(wid)
            now = self._monotonic()
            if isinstance(outcome, OnedataError):
                decision = waiter.failed(outcome, now)
            else:
                decision = waiter.observe(outcome, now)
            for event in decision.events:
                yield event
            if decision.done:
                return
            if decision.timed_out:
                cancelled = cancel_on_timeout and await self._cancel_quietly(wid)
                raise self._timeout(waiter, timeout, cancelled)
            await self._sleep(decision.sleep)

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
    ) -> Execution:
        """Poll until the execution stops; see :meth:`WorkflowClient.wait_until_finished`."""
        waiter = self._waiter(timeout, poll, wait_through_suspension)
        async for event in self._follow(wid, waiter, timeout, cancel_on_timeout):
            if on_update is not None:
                on_update(event)
        return self._outcome(waiter, raise_on_failure)

    def watch(
        self,
        wid: str,
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll: PollPolicy | None = None,
        wait_through_suspension: bool = False,
    ) -> AsyncIterator[ExecutionEvent]:
        """The events of :meth:`wait_until_finished`: ``async for event in client.watch(wid)``."""
        waiter = self._waiter(timeout, poll, wait_through_suspension)
        return self._follow(wid, waiter, timeout, False)

    async def _repair(
        self,
        wid: str,
        operations: tuple[RepairOperation, ...],
        whole_lane: bool,
        dry_run: bool,
        wait: bool,
        wait_options: dict[str, Any],
    ) -> RepairPlan:
        plan = self._repair_plan(await self.get(wid), operations, whole_lane)
        if dry_run:
            return plan
        repeat = self.retry if plan.operation is RepairOperation.RETRY else self.rerun
        await repeat(wid, plan.lane_index, plan.run_number)
        after = await self.wait_until_finished(wid, **wait_options) if wait else None
        return attrs.evolve(plan, performed=True, execution=after)

    async def rerun_from_failed_lane(
        self,
        wid: str,
        *,
        dry_run: bool = False,
        wait: bool = False,
        whole_lane: bool = False,
        **wait_options: Any,
    ) -> RepairPlan:
        """Rerun the lane run that made the execution fail; see the sync client."""
        return await self._repair(
            wid, (RepairOperation.RERUN,), whole_lane, dry_run, wait, wait_options
        )

    async def retry_failed_lane(
        self, wid: str, *, dry_run: bool = False, wait: bool = False, **wait_options: Any
    ) -> RepairPlan:
        """Retry the failed items of the lane run that made the execution fail."""
        return await self._repair(wid, (RepairOperation.RETRY,), False, dry_run, wait, wait_options)

    async def run(
        self,
        space_id: str,
        schema_id: str,
        revision: int,
        *,
        max_repairs: int = 1,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll: PollPolicy | None = None,
        on_update: Callable[[ExecutionEvent], object] | None = None,
        on_repair: Callable[[RepairPlan], object] | None = None,
        raise_on_failure: bool = False,
        **schedule_options: Any,
    ) -> RunSummary:
        """Schedule, wait and repair; see :meth:`WorkflowClient.run`."""
        if isinstance(max_repairs, bool) or not isinstance(max_repairs, int) or max_repairs < 0:
            raise ValueError(f"max_repairs must be a whole number >= 0, not {max_repairs!r}")
        waiter = self._waiter(timeout, poll, False)
        start = self._monotonic()
        wid = await self.schedule(space_id, schema_id, revision, **schedule_options)
        repairs: list[RepairPlan] = []
        while True:
            async for event in self._follow(wid, waiter, timeout, False):
                if on_update is not None:
                    on_update(event)
            execution = waiter.last
            assert execution is not None
            if execution.status is not ExecutionStatus.FAILED or len(repairs) >= max_repairs:
                break
            plan = await self._repair(
                wid, (RepairOperation.RETRY, RepairOperation.RERUN), False, False, False, {}
            )
            repairs.append(plan)
            if on_repair is not None:
                on_repair(plan)
        return RunSummary(
            self._outcome(waiter, raise_on_failure),
            tuple(repairs),
            waiter.polls,
            waiter.transient_errors,
            self._monotonic() - start,
        )

    def as_completed(
        self,
        wids: Iterable[str],
        *,
        timeout: float = DEFAULT_WAIT_TIMEOUT,
        poll: PollPolicy | None = None,
        concurrency: int = 8,
        wait_through_suspension: bool = False,
    ) -> AsyncIterator[Execution]:
        """Wait for many executions; ``async for`` each as it stops (see the sync client)."""
        board = self._board(wids, timeout, poll, wait_through_suspension)
        limit = asyncio.Semaphore(arguments.check_positive("concurrency", concurrency))

        async def poll_within_limit(wid: str) -> Execution | OnedataError:
            async with limit:
                return await self._poll(wid)

        async def completed() -> AsyncIterator[Execution]:
            while board.due:
                ready = board.ready(self._monotonic())
                if not ready:
                    await self._sleep(board.wake_in(self._monotonic()))
                    continue
                outcomes = await asyncio.gather(*(poll_within_limit(wid) for wid in ready))
                now = self._monotonic()
                for wid, outcome in zip(ready, outcomes, strict=True):
                    finished = board.record(wid, outcome, now)
                    if finished is not None:
                        yield finished
                if board.timed_out:
                    raise self._many_timeout(board, timeout)

        return completed()

    async def wait_for_many(self, wids: Iterable[str], **options: Any) -> dict[str, Execution]:
        """Wait for every execution to stop; return them by id."""
        wids = list(wids)
        finished = {e.id: e async for e in self.as_completed(wids, **options)}
        return {wid: finished[wid] for wid in dict.fromkeys(wids)}
