"""FakeOneprovider: the simulated provider that tests, benchmarks and the demo talk to."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import attrs

from . import _errors as errors
from . import _server
from ._callbacks import CallbackAttempt, Callbacks, CallbackSender, post_callback
from ._clock import Clock, ScaledClock, VirtualClock
from ._engine import Engine
from ._executions import Ids
from ._faults import Disconnect, Fault, FaultKind, Faults
from ._scenario import LaneSpec, Timing
from ._service import (
    DumpMediaType,
    ErrorShape,
    LocationStyle,
    Privilege,
    RawRequest,
    RawResponse,
    Service,
    Space,
    User,
    WorkflowSchema,
)
from ._transport import FakeTransport

if TYPE_CHECKING:
    from onedata_workflows import AsyncWorkflowClient, WorkflowClient

ALL_PRIVILEGES = frozenset(Privilege)
ExchangeHook = Callable[[str | None, RawRequest, RawResponse], None]


class FakeOneprovider:
    """An in-memory Oneprovider serving the workflow-execution API.

    By default time is virtual and moves only with :meth:`advance`; ``speed=60`` runs
    it on real time sixty times faster. There is one space (``space_id``), one
    automation inventory (``inventory_id``), and one user (``token``) with every
    privilege in the space and membership of the inventory. Register workflow schemas
    with :meth:`add_workflow_schema`, then use :meth:`client` or :meth:`async_client`
    (our clients, wired to this provider and its clock), :meth:`transport` (in-process
    httpx) or :meth:`serve` (real HTTP on 127.0.0.1).

    ``dump_media_type="application/octet-stream"`` labels audit-log dumps with the type
    their route declares, rather than the one the service's streaming code sets.
    """

    def __init__(
        self,
        *,
        speed: float | None = None,
        clock: Clock | None = None,
        timing: Timing | None = None,
        error_shape: ErrorShape = "ctx",
        location_style: LocationStyle = "documented",
        dump_media_type: DumpMediaType = "application/json",
        domain: str = "oneprovider.test",
        seed: int = 0,
        callback_sender: CallbackSender = post_callback,
        on_exchange: ExchangeHook | None = None,
    ) -> None:
        if clock is not None and speed is not None:
            raise ValueError("pass either clock or speed, not both")
        self.clock: Clock = clock or (ScaledClock(speed) if speed is not None else VirtualClock())
        self._rng = random.Random(seed)
        self._ids = Ids(self._rng)
        self._lock = threading.RLock()
        self._engine = Engine(timing or Timing(), self._ids, self.clock.now())
        self._service = Service(
            self._engine,
            provider_id=self._ids(),
            domain=domain,
            error_shape=error_shape,
            location_style=location_style,
            now_ms=lambda: int(self.clock.now() * 1000),
            dump_media_type=dump_media_type,
        )
        self._faults = Faults(self._rng)
        self._callback_sender = callback_sender
        self._callbacks = Callbacks(self._rng)
        self.on_exchange = on_exchange
        """Called with (operationId, request, response) for every answer the service gives."""
        self.callbacks: list[CallbackAttempt] = self._callbacks.attempts
        """Every completion-callback delivery attempt, in order."""
        self.space_id = self.add_space()
        self.inventory_id = self._ids()
        """The automation inventory that schemas go to unless told otherwise."""
        self.token = self.add_user({self.space_id: ALL_PRIVILEGES})
        self.user_id = self._service.users[self.token].id
        self.base_url = f"https://{domain}/api/v3/oneprovider"
        """The base URL to use with :meth:`transport` (nothing listens there)."""

    def __repr__(self) -> str:
        return f"FakeOneprovider(clock={self.clock!r}, executions={len(self._engine.executions)})"

    # -- the world ------------------------------------------------------------

    @property
    def provider_id(self) -> str:
        return self._service.provider_id

    def add_space(self, *, supported: bool = True) -> str:
        """A new space; ``supported=False`` makes scheduling in it fail as unsupported."""
        with self._lock:
            space = Space(self._ids(), supported)
            self._service.spaces[space.id] = space
            return space.id

    def add_user(
        self,
        privileges: Mapping[str, Iterable[Privilege | str]],
        *,
        inventories: Iterable[str] | None = None,
    ) -> str:
        """A new user, member of the spaces given with its privileges in each; its token.

        A space given with no privileges makes the user a member without any.
        ``inventories`` are the automation inventories the user belongs to (by default
        ``inventory_id``); reading an execution's details needs membership of the
        inventory of its workflow, and so does scheduling.
        """
        with self._lock:
            token = f"fake-token-{self._ids()}"
            self._service.users[token] = User(
                self._ids(),
                {
                    space: frozenset(Privilege(p) for p in granted)
                    for space, granted in privileges.items()
                },
                set([self.inventory_id] if inventories is None else inventories),
            )
            return token

    def add_inventory(self, *, members: Iterable[str] | None = None) -> str:
        """A new automation inventory; ``members`` are tokens (by default ``token``'s user)."""
        with self._lock:
            inventory_id = self._ids()
            for token in [self.token] if members is None else members:
                self._service.users[token].inventories.add(inventory_id)
            return inventory_id

    def user_of(self, token: str) -> str:
        """The id of the user a token belongs to."""
        return self._service.users[token].id

    def add_workflow_schema(
        self,
        lanes: Sequence[LaneSpec],
        *,
        name: str = "simulated workflow",
        schema_id: str | None = None,
        inventory_id: str | None = None,
    ) -> tuple[str, int]:
        """Register a workflow schema, or a new revision of ``schema_id``.

        A new schema goes to ``inventory_id`` (by default the provider's ``inventory_id``).
        Returns the schema id and the revision number to schedule.
        """
        lanes = tuple(lanes)
        with self._lock:
            if schema_id is None:
                schema = WorkflowSchema(self._ids(), name, inventory_id or self.inventory_id, {})
                self._service.schemas[schema.id] = schema
            else:
                schema = self._service.schemas[schema_id]
            revision = max(schema.revisions, default=0) + 1
            schema.revisions[revision] = lanes
            return schema.id, revision

    def schedule_execution(
        self,
        schema_id: str,
        revision: int = 1,
        *,
        callback: str | None = None,
        space_id: str | None = None,
    ) -> str:
        """Schedule an execution directly, as the default user, without a request."""
        self.sync()
        with self._lock:
            if not self._engine.running:
                raise RuntimeError("the provider is stopped: restart_provider() first")
            schema = self._service.schemas[schema_id]
            ex = self._service.schedule(
                schema,
                schema.revisions[revision],
                space_id or self.space_id,
                self.user_id,
                callback,
                "info",
            )
            return ex.id

    def execution(self, wid: str) -> dict[str, Any]:
        """The details document of an execution, as GET would return it now."""
        self.sync()
        with self._lock:
            return self._engine.details(self._engine.executions[wid])

    def audit_log(self, wid: str) -> list[dict[str, Any]]:
        """The entries of an execution's system audit log, oldest first, as the dump has them."""
        self.sync()
        with self._lock:
            entries: list[dict[str, Any]] = json.loads(
                self._engine.executions[wid].audit_log.dump()
            )
            return entries

    def log_user_entry(
        self, wid: str, content: Mapping[str, Any], *, severity: str = "info"
    ) -> None:
        """Append an entry from a lambda (source ``user``): a task whose results go to the log."""
        self.sync()
        with self._lock:
            self._engine.executions[wid].audit_log.append(severity, dict(content), source="user")

    def remove_audit_log(self, wid: str) -> None:
        """Leave an execution without an audit log, as one made by a release before them.

        Its details then carry ``systemAuditLogStoreId: null``, and the store it had is
        unknown (404).
        """
        with self._lock:
            self._engine.executions[wid].audit_log_store_id = None

    # -- the provider's conditions ---------------------------------------------

    @property
    def running(self) -> bool:
        """False after :meth:`stop_provider`, until :meth:`restart_provider`."""
        return self._engine.running

    def stop_provider(self, *, graceful: bool = True) -> None:
        """Stop the provider: until :meth:`restart_provider` every connection is refused.

        Gracefully, as an orderly Oneprovider shutdown: the REST listener goes first,
        then every waiting or ongoing execution is stopped and ends ``paused`` (calling
        back), or with the status of a stronger reason it was already stopping for.
        ``graceful=False`` is a crash: executions stay as they were, running on paper.
        """
        self.sync()
        with self._lock:
            if self._engine.running:
                self._engine.shut_down(graceful=graceful)

    def restart_provider(self) -> None:
        """Start the provider again (stopping it gracefully first if it runs).

        It answers at once. Its restart procedure follows ``timing.restart`` (10 s)
        later, as Oneprovider's does: executions paused by a graceful shutdown resume by
        themselves; executions that were still waiting or ongoing when it went down
        become ``interrupted`` (calling back) and resume, unless they were already
        stopping for a failure, a cancel or a crash, which they then end with.
        Executions the user suspended stay suspended.
        """
        self.stop_provider()
        with self._lock:
            self._engine.start_up()

    def open_circuit_breaker(self, seconds: float | None = None) -> None:
        """Overload: every request gets 503 ``serviceUnavailable`` until the breaker closes.

        Oneprovider's circuit breaker opens when its database runs short of disk space;
        it checks after authentication, before anything else. Executions go on. The
        breaker closes with :meth:`close_circuit_breaker` or after ``seconds``.
        """
        self.sync()
        with self._lock:
            self._service.circuit_breaker_open = True
            if seconds is not None:
                self._engine.after(seconds, self.close_circuit_breaker)

    def close_circuit_breaker(self) -> None:
        self._service.circuit_breaker_open = False

    def disconnect_onezone(self, seconds: float | None = None) -> None:
        """Onezone cannot be reached: schedule answers 503 ``noConnectionToOnezone``.

        Every schedule fetches the workflow schema revision from Onezone; other
        operations use what the provider holds and go on working. The restart
        procedure waits for Onezone too. Undone by :meth:`reconnect_onezone` or after
        ``seconds``.
        """
        self.sync()
        with self._lock:
            self._engine.onezone_reachable = False
            if seconds is not None:
                self._engine.after(seconds, self.reconnect_onezone)

    def reconnect_onezone(self) -> None:
        self._engine.onezone_reachable = True

    # -- time -----------------------------------------------------------------

    def now(self) -> float:
        return self.clock.now()

    def advance(self, seconds: float) -> None:
        """Move virtual time forward, running every step and callback due meanwhile."""
        if not isinstance(self.clock, VirtualClock):
            raise TypeError("advance() needs the virtual clock; this fake runs on real time")
        self.clock.advance(seconds)
        self.sync()

    def sleep(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass: at once on the virtual clock.

        On a scaled clock it sleeps the real time that takes. This is the ``sleep`` to
        give a client that polls this provider.
        """
        if isinstance(self.clock, VirtualClock):
            self.advance(seconds)
        else:
            self.clock.sleep(seconds)

    def sync(self) -> None:
        """Bring the simulation up to the clock's time and deliver the callbacks due.

        Callbacks are sent with the lock released, so a slow receiver delays no request.
        """
        while True:
            with self._lock:
                now = self.clock.now()
                self._engine.advance_to(now)
                for notification in self._engine.notifications:
                    self._callbacks.notify(notification, now)
                self._engine.notifications.clear()
                due = self._callbacks.due(now)
            if not due:
                return
            for at, delivery, lost in due:
                note = delivery.notification
                delivered = not lost and self._callback_sender(note.url, note.payload)
                with self._lock:
                    self._callbacks.attempted(at, delivery, delivered, lost)

    # -- faults ---------------------------------------------------------------

    def inject(
        self,
        fault: Fault,
        *,
        operation: str | None = None,
        times: int | None = 1,
        probability: float = 1.0,
    ) -> None:
        """Make requests fail: see :class:`Fault`. ``operation`` is an operationId."""
        with self._lock:
            self._faults.add(fault, operation=operation, times=times, probability=probability)

    def inject_random(self, faults: Sequence[Fault], *, rate: float) -> None:
        """Fail about ``rate`` of all requests, with faults drawn from ``faults``."""
        if not faults:
            raise ValueError("give at least one fault")
        for fault in faults:
            self.inject(fault, times=None, probability=rate / len(faults))

    def lose_callbacks(self, *, times: int | None = 1) -> None:
        """Lose the next ``times`` callback attempts (all of them if None) on the way.

        The provider sees each as failed and tries again on its schedule, as it would.
        """
        with self._lock:
            self._callbacks.lose(times)

    def delay_callbacks(self, seconds: float, *, times: int | None = 1) -> None:
        """Send the next ``times`` callbacks (all if None) ``seconds`` after the stop."""
        with self._lock:
            self._callbacks.delay(seconds, times)

    def clear_faults(self) -> None:
        """Remove every injected fault, callback faults included."""
        with self._lock:
            self._faults.clear()
            self._callbacks.clear_faults()

    @property
    def injected(self) -> Mapping[str, int]:
        """How many faults of each kind (by :attr:`Fault.label`) were injected."""
        with self._lock:
            return dict(self._faults.injected)

    # -- ways in --------------------------------------------------------------

    def exchange(self, request: RawRequest) -> RawResponse:
        """Answer one raw request, faults included; raises ``Disconnect`` for a dropped one."""
        operation = self._service.operation_of(request)
        with self._lock:
            if not self._engine.running:
                raise Disconnect(refused=True)
            fault = self._faults.pick(operation)
        if fault is not None:
            early = self._before(fault)
            if early is not None:
                return early
        self.sync()
        with self._lock:
            self._engine.advance_to(self.clock.now())
            operation, response = self._service.handle(request)
        self.sync()  # deliver what the request triggered (cancelling a suspended execution)
        if self.on_exchange is not None:
            self.on_exchange(operation, request, response)
        if fault is not None and fault.kind is FaultKind.RESET:
            raise Disconnect(refused=False)
        if fault is not None and fault.kind is FaultKind.TRUNCATE:
            return attrs.evolve(response, body=response.body[: len(response.body) // 2])
        if fault is not None and fault.kind is FaultKind.STALL:
            time.sleep(fault.seconds)  # real time: the point is a client's read timeout
        return response

    def _before(self, fault: Fault) -> RawResponse | None:
        """Apply the part of a fault that comes before the request is handled."""
        if fault.kind is FaultKind.REFUSE:
            raise Disconnect(refused=True)
        if fault.kind is FaultKind.RESET and not fault.processed:
            raise Disconnect(refused=False)
        if fault.kind is FaultKind.LATENCY:
            self.clock.sleep(fault.seconds)
            return None
        if fault.kind is FaultKind.HTML:
            page = (
                f"<html><head><title>{fault.status} Bad Gateway</title></head>"
                f"<body><h1>{fault.status}</h1><p>The upstream server is unavailable.</p>"
                "</body></html>"
            )
            return RawResponse(fault.status, (("content-type", "text/html"),), page.encode())
        if fault.kind is FaultKind.STATUS:
            headers: tuple[tuple[str, str], ...] = ()
            if fault.retry_after is not None:
                headers = (("retry-after", f"{fault.retry_after:g}"),)
            if fault.status == 500:
                error = self._service.error_response(errors.internal_server_error())
                return attrs.evolve(error, headers=error.headers + headers)
            return RawResponse(fault.status, headers)
        return None

    def transport(self) -> FakeTransport:
        """An httpx transport (sync and async) that answers from this fake in-process."""
        return FakeTransport(self, clock=self.clock)

    def client(self, **overrides: Any) -> WorkflowClient:
        """A :class:`WorkflowClient` for this provider, in-process, on its clock.

        Its waits sleep with :meth:`sleep`, so on the virtual clock hours of polling
        take milliseconds. ``overrides`` go to the constructor (``poll``, ``retry``,
        ``token``, ...). Use it as a context manager.
        """
        from ._clients import sync_client

        return sync_client(self, **overrides)

    def async_client(self, **overrides: Any) -> AsyncWorkflowClient:
        """An :class:`AsyncWorkflowClient` for this provider, in-process, on its clock.

        Its sleep is asynchronous and moves the virtual clock; concurrent waits in one
        event loop share it (the earliest wake-up goes first). Use ``async with``.
        """
        from ._clients import async_client

        return async_client(self, **overrides)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> AbstractContextManager[str]:
        """Serve over HTTP on loopback while the block runs; yields the API's base URL."""
        return _server.serve(self, host, port)
