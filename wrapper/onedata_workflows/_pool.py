"""The connection pool in shards: which shard takes a request, and how big each is.

httpcore's pool (1.0.x) looks at every connection, and for each idle one counts them
all again, twice per request: the more connections a pool holds, the more each request
costs (with ten, a third more than with one; with a hundred, a many-wait spent most of
its CPU there). So the pool is split into shards of :data:`SHARD_SIZE` connections and
:class:`Choice` picks the shard: one with an idle kept-alive connection if there is
one, the one used last first (connections the load no longer needs stay idle and
expire, and those in use stay warm); else a shard with room for a new connection;
only when all are busy, the least busy, where the request queues. No more
connections are opened than requests are in flight at once.

Before each request, httpcore also asks every idle connection whether its socket is
readable (on an idle connection, that means the server closed it). Under asyncio,
anyio answers by building all of the socket's attributes, a ``getpeername`` call
among them: a fifth of a many-wait's CPU. :class:`Readable` answers from a poll set
up once per connection. The transports themselves are in ``_async/_pool.py``
(``AsyncShardedTransport``) and, generated from it, ``_sync/_pool.py``.
"""

from __future__ import annotations

import math
import select
import socket
import threading

import httpx

SHARD_SIZE = 1
"""Connections per shard. Measured in ``benchmarks/scale.py``: one is the cheapest per
request, at 8 connections and at 100 alike."""


class Choice:
    """Which shard takes the next request; thread-safe, in constant time unless every
    connection is busy."""

    def __init__(self, sizes: list[int]) -> None:
        self._sizes = sizes
        self._busy = [0] * len(sizes)
        self._held = [0] * len(sizes)
        """Connections each shard holds, as the most requests it has had at once."""
        self._idle: list[int] = []
        """A shard for each idle connection, the one used last at the end."""
        self._filling = 0
        """The first shard with room for a new connection."""
        self._lock = threading.Lock()

    def take(self) -> int:
        """The shard for a request about to be sent; give it back when it is done."""
        with self._lock:
            if self._idle:
                shard = self._idle.pop()
            elif self._filling < len(self._sizes):
                shard = self._filling
                self._held[shard] += 1
                if self._held[shard] == self._sizes[shard]:
                    self._filling += 1
            else:  # more requests than connections: queue where fewest are waiting
                shard = min(range(len(self._busy)), key=self._busy.__getitem__)
            self._busy[shard] += 1
            return shard

    def alone(self, shard: int) -> bool:
        """No request but the one just handed ``shard`` is on it."""
        with self._lock:
            return self._busy[shard] == 1

    def give_back(self, shard: int) -> None:
        """The request sent on ``shard`` is done (answered, failed or abandoned)."""
        with self._lock:
            self._busy[shard] -= 1
            if self._busy[shard] < self._held[shard]:
                self._idle.append(shard)


def shard_sizes(max_connections: int) -> list[int]:
    """The size of each shard, for a pool of ``max_connections``."""
    count = math.ceil(max_connections / SHARD_SIZE)
    return [max_connections // count + (i < max_connections % count) for i in range(count)]


def shard_limits(size: int, keepalive_expiry: float) -> httpx.Limits:
    """A shard's limits: every connection it may open is kept alive."""
    return httpx.Limits(
        max_connections=size, max_keepalive_connections=size, keepalive_expiry=keepalive_expiry
    )


class Readable:
    """Whether a socket has something to read, asked without reading: httpcore's test.

    Not for two threads at once (a poll object refuses concurrent use): httpcore asks
    under its pool's lock, and each connection is in one pool.
    """

    def __init__(self, sock: socket.socket | None) -> None:
        self._socket = sock
        self._poll: select.poll | None = None
        if sock is not None and hasattr(select, "poll") and sock.fileno() >= 0:
            self._poll = select.poll()
            self._poll.register(sock.fileno(), select.POLLIN)

    def __call__(self) -> bool:
        """True if a read would not block: data, or the peer closed (or no socket)."""
        sock = self._socket
        if sock is None or sock.fileno() < 0:  # gone: the next read returns b""
            return True
        if self._poll is None:  # Windows
            return bool(select.select([sock], [], [], 0)[0])
        return bool(self._poll.poll(0))
