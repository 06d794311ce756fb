"""Completion callbacks: receive Oneprovider's one push, so that waits poll when told to.

Each time an execution stops (pause, interruption, failure, end; every incarnation
alike), Oneprovider POSTs ``{"atmWorkflowExecutionId", "status"}`` to the ``callback``
URL given when it was scheduled, without authentication, retrying for hours until it
gets a 2xx. A :class:`CallbackReceiver` serves such URLs, one unguessable path per
execution, and tells whoever listens that the execution has news.

A callback is only a hint to look now: its body is never trusted (anyone who can reach
the receiver could send one), and the waiting code fetches the execution itself. The
signal is the secret path alone; a POST to any other path changes nothing.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import json
import logging
import re
import secrets
import ssl
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Self
from urllib.parse import SplitResult, urlsplit

import attrs

from ._callback_server import CallbackServer, Deliver, HttpLimits, ServerCounters
from ._models import ExecutionStatus

logger = logging.getLogger("onedata_workflows.callbacks")

_ROOT = "callbacks"
_SLOT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")
# At least 32 URL-safe characters: 192 bits when drawn at random, as ours are.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,128}\Z")
_WILDCARDS = {"", "0.0.0.0", "::"}
_DEFAULT_PORTS = {"http": 80, "https": 443}
_KNOWN_STATUSES = frozenset(ExecutionStatus)


@attrs.frozen(repr=False)
class CallbackSlot:
    """One callback URL of a receiver: give ``url`` as the ``callback`` of a schedule request.

    The URL holds a secret (whoever knows it can make waits poll), so the repr leaves it out.
    """

    id: str
    url: str

    def __repr__(self) -> str:
        return f"CallbackSlot(id={self.id!r})"


@attrs.frozen
class ReceiverStats:
    """What a receiver has seen since it started: for tests, benchmarks and monitoring."""

    accepted: int
    """Callbacks to a known path, answered 200."""
    not_found: int
    """POSTs to an unknown path or with a wrong token, answered 404."""
    method_not_allowed: int
    too_large: int
    malformed: int
    """Requests that could not be read as HTTP (400) or had too long a head (431)."""
    connections: int
    connections_open: int
    connections_peak: int
    connections_displaced: int
    """Closed at the connection cap to make room for a newer one."""
    connections_timed_out: int
    bytes_received: int

    @property
    def rejected(self) -> int:
        return self.not_found + self.method_not_allowed + self.too_large + self.malformed


@attrs.define(eq=False)
class _Slot:
    token: bytes
    execution_id: str | None = None
    unbound_callbacks: int = 0


class CallbackReceiver:
    """An HTTP endpoint for completion callbacks, served on a background thread.

    ``with CallbackReceiver() as receiver:`` (or ``async with``) serves on ``host`` and
    ``port`` (0: any free port) until the block ends. ``public_url`` is the base the
    provider must use when that differs from the bound address (NAT, a proxy, a TLS
    terminator; a path prefix there is fine). ``ssl_context``, or ``certfile`` and
    ``keyfile``, serve HTTPS. The limits bound what any client can make it hold.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        public_url: str | None = None,
        ssl_context: ssl.SSLContext | None = None,
        certfile: str | None = None,
        keyfile: str | None = None,
        max_body_bytes: int = 4096,
        max_header_bytes: int = 8192,
        max_connections: int = 256,
        request_timeout: float = 10.0,
        max_requests_per_connection: int = 100,
    ) -> None:
        if host in _WILDCARDS and public_url is None:
            raise ValueError(
                f"listening on {host or 'every address'} needs public_url: "
                "the provider cannot call a wildcard address"
            )
        if certfile is not None:
            if ssl_context is not None:
                raise ValueError("give ssl_context or certfile, not both")
            ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ssl_context.load_cert_chain(certfile, keyfile)
        elif keyfile is not None:
            raise ValueError("keyfile needs certfile")
        self._host = host
        self._port = port
        self._tls = ssl_context is not None
        self._public = None if public_url is None else _parse_base(public_url)
        self._limits = HttpLimits(
            max_body_bytes=max_body_bytes,
            max_header_bytes=max_header_bytes,
            max_connections=max_connections,
            request_timeout=request_timeout,
            max_requests_per_connection=max_requests_per_connection,
        )
        self._server = CallbackServer(self._route, self._limits, ssl_context)
        self._address: tuple[str, int] | None = None
        self._lock = threading.Lock()
        self._slots: dict[bytes, _Slot] = {}
        self._counts: dict[str, int] = {}
        self._bound: set[str] = set()
        self._listeners: dict[str, list[Callable[[], None]]] = {}
        # Compared against when the slot id is unknown, so both misses cost the same.
        self._decoy = secrets.token_urlsafe(32).encode()

    # -- lifecycle --------------------------------------------------------------

    def start(self) -> Self:
        """Bind and serve; raises here if the address is taken. A receiver serves once."""
        if self._address is not None:
            raise RuntimeError("a receiver serves once: make a new one")
        self._address = self._server.start(self._host, self._port)
        if self._public is None:
            host = self._host if ":" not in self._host else f"[{self._host}]"
            scheme = "https" if self._tls else "http"
            self._public = _parse_base(f"{scheme}://{host}:{self._address[1]}")
        logger.info("receiving completion callbacks at %s", self.public_url)
        return self

    def close(self) -> None:
        """Stop serving, close every connection and free the port; the slots are kept."""
        self._server.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    async def __aenter__(self) -> Self:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.close)

    @property
    def address(self) -> tuple[str, int]:
        """The address the receiver is bound to."""
        if self._address is None:
            raise RuntimeError("the receiver has not started")
        return self._address

    @property
    def public_url(self) -> str:
        """The base of every callback URL this receiver gives out."""
        if self._public is None:
            raise RuntimeError("the receiver has not started: its port is not known yet")
        return self._public.geturl()

    def __repr__(self) -> str:
        where = self.public_url if self._public is not None else "not started"
        return f"CallbackReceiver({where})"

    # -- slots ------------------------------------------------------------------

    def reserve(self) -> CallbackSlot:
        """A fresh callback URL, to schedule with before the execution id is known.

        Callbacks that arrive before :meth:`bind` are kept and count once bound.
        """
        slot_id = secrets.token_hex(8)
        token = secrets.token_urlsafe(32)
        url = _url(self.public_url, slot_id, token)
        with self._lock:
            self._slots[slot_id.encode()] = _Slot(token.encode())
        return CallbackSlot(slot_id, url)

    def bind(self, slot: CallbackSlot, execution_id: str) -> None:
        """Say which execution ``slot`` was given to; its earlier callbacks are delivered now."""
        _check_execution_id(execution_id)
        with self._lock:
            record = self._slots.get(slot.id.encode())
            if record is None or not hmac.compare_digest(
                slot.url.encode(), _url(self.public_url, slot.id, record.token.decode()).encode()
            ):
                raise ValueError(f"slot {slot.id!r} was not reserved on this receiver")
            if record.execution_id not in (None, execution_id):
                raise ValueError(f"slot {slot.id!r} is already bound to another execution")
            record.execution_id = execution_id
            self._bound.add(execution_id)
            moved, record.unbound_callbacks = record.unbound_callbacks, 0
            notify = self._count(execution_id, moved)
        for listener in notify:
            _call(listener)

    def attach(self, execution_id: str, url: str) -> CallbackSlot:
        """Receive the callbacks of an execution scheduled earlier with ``url``.

        ``url`` must be one this receiver could have given out (see :meth:`make_url`):
        its public base, then ``/callbacks/<id>/<token>`` with a long random token.
        """
        _check_execution_id(execution_id)
        given = urlsplit(url)
        base = self._public
        if base is None:
            raise RuntimeError("the receiver has not started: its port is not known yet")
        prefix = f"{base.path}/{_ROOT}/"
        if (
            _origin(given) != _origin(base)
            or given.query
            or given.fragment
            or not given.path.startswith(prefix)
        ):
            raise ValueError(f"the callback URL does not point at this receiver ({base.geturl()})")
        slot_id, _, token = given.path[len(prefix) :].partition("/")
        if not _SLOT_ID.match(slot_id) or not _TOKEN.match(token):
            raise ValueError(
                f"the callback URL must end in /{_ROOT}/<id>/<token> with a random token "
                "of at least 32 URL-safe characters"
            )
        slot = CallbackSlot(slot_id, _url(base.geturl(), slot_id, token))
        with self._lock:
            record = self._slots.setdefault(slot_id.encode(), _Slot(token.encode()))
            if not hmac.compare_digest(record.token, token.encode()):
                raise ValueError(f"slot {slot_id!r} is already reserved with another token")
        self.bind(slot, execution_id)
        return slot

    @staticmethod
    def make_url(public_url: str) -> str:
        """A fresh callback URL under ``public_url``, for a receiver to :meth:`attach` later."""
        return _url(
            _parse_base(public_url).geturl(), secrets.token_hex(8), secrets.token_urlsafe(32)
        )

    # -- notifications ----------------------------------------------------------

    def listen(self, execution_id: str, notify: Callable[[], None]) -> Callable[[], None]:
        """Call ``notify()`` on each callback for ``execution_id``; returns the unsubscribe.

        ``notify`` runs on the receiver's thread and must return at once: pass
        ``event.set`` of a ``threading.Event``, or
        ``lambda: loop.call_soon_threadsafe(event.set)`` for an ``asyncio.Event``.
        """
        with self._lock:
            self._listeners.setdefault(execution_id, []).append(notify)

        def unsubscribe() -> None:
            with self._lock:
                listeners = self._listeners.get(execution_id, [])
                if notify in listeners:
                    listeners.remove(notify)
                if not listeners:
                    self._listeners.pop(execution_id, None)

        return unsubscribe

    def knows(self, execution_id: str) -> bool:
        """Whether a slot here is bound to ``execution_id``, so its callbacks come here."""
        with self._lock:
            return execution_id in self._bound

    def callback_count(self, execution_id: str) -> int:
        """How many callbacks have arrived for ``execution_id``: only ever grows."""
        with self._lock:
            return self._counts.get(execution_id, 0)

    @property
    def stats(self) -> ReceiverStats:
        return _stats(self._server.counters)

    # -- the server's side ------------------------------------------------------

    def _route(self, method: bytes, target: bytes) -> Deliver | int:
        """200 and a delivery for a POST to a reserved path; 404 or 405 for anything else."""
        if method != b"POST":
            return 405
        # The last three segments decide: a proxy may keep or strip the public prefix.
        parts = target.partition(b"?")[0].rsplit(b"/", 3)
        if len(parts) != 4 or parts[1] != _ROOT.encode():
            return 404
        with self._lock:
            record = self._slots.get(parts[2])
        expected = self._decoy if record is None else record.token
        if not hmac.compare_digest(expected, parts[3]) or record is None:
            return 404
        return functools.partial(self._deliver, record, parts[2].decode())

    def _deliver(self, record: _Slot, slot_id: str, body: bytes) -> None:
        with self._lock:
            execution_id = record.execution_id
            if execution_id is None:
                record.unbound_callbacks += 1
                notify = []
            else:
                notify = self._count(execution_id, 1)
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "completion callback for %s: %s",
                execution_id or f"slot {slot_id}, not bound yet",
                _reported_status(body, execution_id),
            )
        for listener in notify:
            _call(listener)

    def _count(self, execution_id: str, callbacks: int) -> list[Callable[[], None]]:
        """Add callbacks to an execution's count; the listeners to notify. Under the lock."""
        if not callbacks:
            return []
        self._counts[execution_id] = self._counts.get(execution_id, 0) + callbacks
        return list(self._listeners.get(execution_id, ()))


def _parse_base(public_url: str) -> SplitResult:
    parts = urlsplit(public_url)
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError("public_url must be an http:// or https:// URL with a host")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError("public_url must have no query, fragment or credentials")
    return parts._replace(path=parts.path.rstrip("/"))


def _origin(parts: SplitResult) -> tuple[str, str | None, int | None]:
    try:
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        port = None
    return parts.scheme, parts.hostname, port


def _url(base: str, slot_id: str, token: str) -> str:
    return f"{base}/{_ROOT}/{slot_id}/{token}"


def _check_execution_id(execution_id: object) -> None:
    if not isinstance(execution_id, str) or not execution_id.strip():
        raise ValueError("execution_id must be a non-blank string")


def _reported_status(body: bytes, execution_id: str | None) -> str:
    """What the body claims, for the debug log: only known words, never its text."""
    try:
        claimed = json.loads(body)
    except ValueError:
        return "unreadable body"
    if not isinstance(claimed, dict):
        return "unreadable body"
    status = claimed.get("status")
    said = status if isinstance(status, str) and status in _KNOWN_STATUSES else "unknown status"
    if execution_id is not None and claimed.get("atmWorkflowExecutionId") != execution_id:
        said += " (the body names another execution)"
    return said


def _call(listener: Callable[[], None]) -> None:
    try:
        listener()
    except Exception:  # one broken listener must not starve the others, nor the server
        logger.exception("a completion-callback listener failed")


def _stats(counters: ServerCounters) -> ReceiverStats:
    return ReceiverStats(
        accepted=counters.answered_ok,
        not_found=counters.answered_not_found,
        method_not_allowed=counters.answered_method_not_allowed,
        too_large=counters.answered_too_large,
        malformed=counters.answered_malformed,
        connections=counters.connections,
        connections_open=counters.connections_open,
        connections_peak=counters.connections_peak,
        connections_displaced=counters.connections_displaced,
        connections_timed_out=counters.connections_timed_out,
        bytes_received=counters.bytes_received,
    )
