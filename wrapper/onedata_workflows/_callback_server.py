"""A small HTTP/1.1 server on a thread of its own, built to stay responsive under abuse.

It exists to answer completion callbacks (see ``_callbacks.py``), and so it only ever
answers with a status and an empty body: nothing a request carries is written back or
logged. Requests are parsed by h11 (sans-I/O) and every connection is an asyncio task on
the server's private event loop, so a sync and an async program share it, and a flood
costs memory in proportion to the connection cap, not to the sender's effort.

What bounds an abusive client:

- the request head (``max_header_bytes``) and body (``max_body_bytes``; beyond: 413);
- time: each request, TLS handshake included, must arrive whole within
  ``request_timeout`` of the previous answer (slow senders are cut off);
- connections: at most ``max_connections`` are open at once. At the cap, a new
  connection displaces the one that has been quiet longest rather than being refused:
  a flood of idle or slow connections then cannot lock the provider out, since its
  request arrives in milliseconds and a displaced flooder's socket was doing nothing;
- keep-alive: at most ``max_requests_per_connection`` requests per connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable
from http import HTTPStatus

import attrs
import h11

logger = logging.getLogger("onedata_workflows.callbacks")

Deliver = Callable[[bytes], None]
"""Takes the body of an accepted request; called just before the answer is written."""

Route = Callable[[bytes, bytes], Deliver | int]
"""Maps a request's method and target to a delivery (answered 200) or a status to answer."""

_READ_CHUNK = 16 * 1024
# After an answer sent before the request was read whole (413, 400), keep reading
# for a moment so the client sees the answer instead of a reset; bounded both ways.
_LINGER_SECONDS = 1.0
_LINGER_BYTES = 1024 * 1024
_CAP_WARNING_INTERVAL = 60.0
_OUT_OF_DESCRIPTORS = {errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM}
_LISTENER_GONE = {errno.EBADF, errno.EINVAL, errno.ENOTSOCK}
_COUNT = [attrs.validators.instance_of(int), attrs.validators.gt(0)]
_SECONDS = attrs.validators.gt(0.0)


@attrs.frozen
class HttpLimits:
    """How much one client can make the server hold: bytes, time, connections."""

    max_body_bytes: int = attrs.field(default=4096, validator=_COUNT)
    max_header_bytes: int = attrs.field(default=8192, validator=_COUNT)
    max_connections: int = attrs.field(default=256, validator=_COUNT)
    request_timeout: float = attrs.field(default=10.0, validator=_SECONDS)
    max_requests_per_connection: int = attrs.field(default=100, validator=_COUNT)


@attrs.define
class ServerCounters:
    """What the server has seen. Written on the server's thread only; read from any."""

    connections: int = 0
    connections_open: int = 0
    connections_peak: int = 0
    connections_displaced: int = 0
    connections_timed_out: int = 0
    bytes_received: int = 0
    answered_ok: int = 0
    answered_not_found: int = 0
    answered_method_not_allowed: int = 0
    answered_too_large: int = 0
    answered_malformed: int = 0

    def count_answer(self, status: int) -> None:
        if status == 200:
            self.answered_ok += 1
        elif status == 404:
            self.answered_not_found += 1
        elif status == 405:
            self.answered_method_not_allowed += 1
        elif status == 413:
            self.answered_too_large += 1
        else:
            self.answered_malformed += 1


@attrs.define(eq=False)
class _Connection:
    sock: socket.socket
    task: asyncio.Task[None] | None = None
    opening: bool = False
    transport: asyncio.Transport | None = None

    def abort(self) -> None:
        """Free the socket now, whatever is pending on it."""
        if self.transport is not None:
            self.transport.abort()
        elif not self.opening:
            self.sock.close()
        # While opening, the socket belongs to asyncio, which closes it when the task
        # is cancelled or the handshake fails.


class _TooLarge(Exception):
    """The request's body goes past the limit."""


class CallbackServer:
    """Serves ``route`` over HTTP/1.1 (HTTPS with ``ssl_context``) until closed."""

    def __init__(
        self, route: Route, limits: HttpLimits, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self._route = route
        self._limits = limits
        self._ssl_context = ssl_context
        self.counters = ServerCounters()
        # Oldest activity first: the front is the connection to displace at the cap.
        self._connections: dict[_Connection, None] = {}
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._last_cap_warning = -_CAP_WARNING_INTERVAL

    def start(self, host: str, port: int) -> tuple[str, int]:
        """Bind now (errors raise here), serve on a background thread; the bound address."""
        if self._thread is not None:
            raise RuntimeError("the server was already started")
        family, _, _, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        # A deep backlog: during a flood, connections queue in the kernel instead of failing.
        listener = socket.create_server(address, family=family, backlog=socket.SOMAXCONN)
        listener.setblocking(False)
        bound: tuple[str, int] = listener.getsockname()[:2]
        self._thread = threading.Thread(
            target=self._run, args=(listener,), name="onedata-workflows-callbacks", daemon=True
        )
        self._thread.start()
        self._ready.wait()
        if self._loop is None:
            self._thread.join()
            raise RuntimeError("the callback server could not start its event loop")
        return bound

    def close(self) -> None:
        """Stop accepting, close every connection, free the port, join the thread."""
        if self._thread is None:
            return
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already ended
                loop.call_soon_threadsafe(stopping.set)
        self._thread.join()
        self._thread = None

    def _run(self, listener: socket.socket) -> None:
        try:
            asyncio.run(self._main(listener))
        finally:
            listener.close()
            self._ready.set()  # also when the loop never started: start() must not hang

    async def _main(self, listener: socket.socket) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        accepting = asyncio.create_task(self._accept(listener))
        accepting.add_done_callback(_report_crash)
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            accepting.cancel()
            listener.close()
            tasks = [conn.task for conn in self._connections if conn.task is not None]
            for conn in list(self._connections):
                self._drop(conn)
            await asyncio.gather(accepting, *tasks, return_exceptions=True)

    async def _accept(self, listener: socket.socket) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                sock, _ = await loop.sock_accept(listener)
            except OSError as error:
                if error.errno in _LISTENER_GONE:
                    raise
                if error.errno in _OUT_OF_DESCRIPTORS:
                    # Free one the way the cap does, and let the loop breathe.
                    self._displace_oldest()
                    await asyncio.sleep(0.01)
                continue  # otherwise, a connection that was reset before its turn
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if len(self._connections) >= self._limits.max_connections:
                self._displace_oldest()
            conn = _Connection(sock)
            self._connections[conn] = None
            conn.task = loop.create_task(self._serve(conn))
            counters = self.counters
            counters.connections += 1
            counters.connections_open = len(self._connections)
            counters.connections_peak = max(counters.connections_peak, len(self._connections))
            # sock_accept does not yield while connections are queued: without this, a
            # backlog of flooders would displace each other, and the provider's connection
            # with them, before any of them had a turn to be read.
            await asyncio.sleep(0)

    def _displace_oldest(self) -> None:
        if not self._connections:
            return
        self._drop(next(iter(self._connections)))
        self.counters.connections_displaced += 1
        now = time.monotonic()
        if now - self._last_cap_warning >= _CAP_WARNING_INTERVAL:
            self._last_cap_warning = now
            logger.warning(
                "callback receiver at its cap of %d connections: closing the quietest ones "
                "(%d so far)",
                self._limits.max_connections,
                self.counters.connections_displaced,
            )

    def _drop(self, conn: _Connection) -> None:
        """Close a connection at once and forget it (its task ends on cancellation)."""
        self._forget(conn)
        conn.abort()
        if conn.task is not None:
            conn.task.cancel()

    def _forget(self, conn: _Connection) -> None:
        if conn in self._connections:
            del self._connections[conn]
            self.counters.connections_open = len(self._connections)

    def _touch(self, conn: _Connection) -> None:
        if conn in self._connections:
            del self._connections[conn]
            self._connections[conn] = None

    async def _serve(self, conn: _Connection) -> None:
        loop = asyncio.get_running_loop()
        limits = self._limits
        clean = False
        try:
            async with asyncio.timeout(limits.request_timeout) as deadline:
                reader, writer = await self._open(conn)
                http = h11.Connection(h11.SERVER, max_incomplete_event_size=limits.max_header_bytes)
                served = 0
                while await self._answer(http, reader, writer, served):
                    served += 1
                    http.start_next_cycle()
                    self._touch(conn)
                    deadline.reschedule(loop.time() + limits.request_timeout)
            clean = True
        except TimeoutError:
            self.counters.connections_timed_out += 1
        except (OSError, ssl.SSLError, h11.LocalProtocolError):
            pass  # the peer went away, or broke the protocol past the point of an answer
        except Exception:
            logger.exception("unexpected failure on a callback connection")
        finally:
            self._forget(conn)
            if clean and conn.transport is not None:
                conn.transport.close()
            else:
                conn.abort()

    async def _open(self, conn: _Connection) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=_READ_CHUNK, loop=loop)
        protocol = asyncio.StreamReaderProtocol(reader, loop=loop)
        tls = self._ssl_context
        conn.opening = True
        transport, _ = await loop.connect_accepted_socket(
            lambda: protocol,
            conn.sock,
            ssl=tls,
            ssl_handshake_timeout=self._limits.request_timeout if tls else None,
        )
        conn.transport = transport
        return reader, asyncio.StreamWriter(transport, protocol, reader, loop)

    async def _answer(
        self,
        http: h11.Connection,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        served: int,
    ) -> bool:
        """Read one request and answer it; True when the connection may serve another."""
        try:
            request = await self._next_event(http, reader)
            if not isinstance(request, h11.Request):
                return False  # closed between requests
            decision = self._route(request.method, request.target)
            self._check_declared_length(request)
            if http.they_are_waiting_for_100_continue:
                go_on = h11.InformationalResponse(status_code=100, headers=[], reason=b"Continue")
                writer.write(http.send(go_on) or b"")
            body = await self._read_body(http, reader)
        except h11.RemoteProtocolError as error:
            if not reader.at_eof():  # a sender that gave up mid-request hears nothing
                await self._refuse(http, reader, writer, error.error_status_hint)
            return False
        except _TooLarge:
            await self._refuse(http, reader, writer, 413)
            return False
        if not isinstance(decision, int):
            # Before the answer: once the sender sees 200, the listeners have been told.
            try:
                decision(body)
            except Exception:  # a fault in delivery must not take the server down
                logger.exception("a completion callback could not be delivered to its listeners")
        last = served + 1 >= self._limits.max_requests_per_connection
        status = decision if isinstance(decision, int) else 200
        self.counters.count_answer(status)  # first: whoever reads the answer sees the count
        writer.write(self._response(http, status, close=last))
        await writer.drain()
        return not last and http.our_state is h11.DONE and http.their_state is h11.DONE

    async def _next_event(self, http: h11.Connection, reader: asyncio.StreamReader) -> object:
        while True:
            event = http.next_event()
            if event is not h11.NEED_DATA:
                return event
            data = await reader.read(_READ_CHUNK)
            self.counters.bytes_received += len(data)
            http.receive_data(data)

    def _check_declared_length(self, request: h11.Request) -> None:
        """Refuse a body announced too large before it arrives (h11 checked the header)."""
        for name, value in request.headers:
            if name == b"content-length" and int(value) > self._limits.max_body_bytes:
                raise _TooLarge

    async def _read_body(self, http: h11.Connection, reader: asyncio.StreamReader) -> bytes:
        limit = self._limits.max_body_bytes
        chunks: list[bytes] = []
        size = 0
        while True:
            event = await self._next_event(http, reader)
            if isinstance(event, h11.Data):
                size += len(event.data)
                if size > limit:
                    raise _TooLarge
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                return b"".join(chunks)
            else:
                raise h11.RemoteProtocolError("the request ended early")

    async def _refuse(
        self,
        http: h11.Connection,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        status: int,
    ) -> None:
        """Answer ``status`` and close, reading on briefly so the client hears it."""
        if http.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
            return
        self.counters.count_answer(status)
        writer.write(self._response(http, status, close=True))
        await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
        discarded = 0
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_LINGER_SECONDS):
                while discarded < _LINGER_BYTES:
                    data = await reader.read(_READ_CHUNK)
                    if not data:
                        break
                    discarded += len(data)
                    self.counters.bytes_received += len(data)

    @staticmethod
    def _response(http: h11.Connection, status: int, *, close: bool) -> bytes:
        headers = [("content-length", "0"), ("cache-control", "no-store")]
        if status == 405:
            headers.append(("allow", "POST"))
        if close:
            headers.append(("connection", "close"))
        head = h11.Response(
            status_code=status, headers=headers, reason=HTTPStatus(status).phrase.encode()
        )
        return (http.send(head) or b"") + (http.send(h11.EndOfMessage()) or b"")


def _report_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and (error := task.exception()) is not None:
        logger.error("the callback receiver stopped accepting connections", exc_info=error)
