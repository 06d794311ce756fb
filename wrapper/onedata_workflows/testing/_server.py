"""The simulator over real HTTP on loopback.

Each response leaves in a single write with TCP_NODELAY set: a server that writes
headers and body separately meets Nagle's algorithm and the client's delayed ACK,
which costs about 40 ms per request on loopback. Connections are kept alive, and the
listen queue is as deep as a real server's. Leaving :func:`serve` closes every
connection it accepted and ends every thread it started, so a test can stage an
outage over keep-alive honestly and serve the same provider again on the same port.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ._faults import Disconnect
from ._service import BASE_PATH, Exchange, RawRequest, reason_phrase


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def _handle(self) -> None:
        path, _, query = self.path.partition("?")
        request = RawRequest(
            method=self.command,
            path=path,
            query=query,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=self._read_body(),
        )
        try:
            answer = self.server.fake.exchange(request)
        except Disconnect:
            # Reset rather than close politely, like a crashed proxy.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        head = [f"HTTP/1.1 {answer.status} {reason_phrase(answer.status)}"]
        head += [f"{name}: {value}" for name, value in answer.headers]
        head.append(f"content-length: {len(answer.body)}")
        if self.close_connection:
            head.append("connection: close")
        try:
            self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + answer.body)
        except OSError:  # the client gave up waiting (a stalled answer) or went away
            self.close_connection = True

    def __getattr__(self, name: str) -> Any:
        # Every method reaches the service, which answers 405 where the API has none.
        if name.startswith("do_"):
            return self._handle
        raise AttributeError(name)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: a test double should not write to stderr for every request."""


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True  # server_close() joins the handler threads
    request_queue_size = 1024  # the kernel caps it at somaxconn

    def __init__(self, fake: Exchange, host: str, port: int) -> None:
        self.fake = fake
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__((host, port), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Cut every open connection, so handler threads waiting on a client return."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):  # already gone
                connection.shutdown(socket.SHUT_RDWR)


@contextmanager
def serve(fake: Exchange, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve ``fake`` until the block ends; yield the base URL of its API."""
    server = _Server(fake, host, port)
    stop = threading.Event()

    def tick() -> None:
        # Under a real-time clock, steps and callbacks happen even when nobody asks.
        while not stop.wait(0.05):
            fake.sync()

    threads = [
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True),
        threading.Thread(target=tick, daemon=True),
    ]
    for thread in threads:
        thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}{BASE_PATH}"
    finally:
        stop.set()
        server.shutdown()  # no new connections
        server.close_connections()  # nor requests on the kept-alive ones
        server.server_close()  # joins every handler thread
        for thread in threads:
            thread.join()
