"""The connection pool in shards: which shard takes a request, and how big each is.

httpcore's pool (1.0.x) looks at every connection, and for each idle one counts them
all again, twice per request: with a hundred connections a many-wait spends most of
its CPU there and falls behind. Shards of :data:`SHARD_SIZE` connections keep that
cost small. A request goes to a shard with an idle kept-alive connection if there is
one, else to the shard holding fewest, so no more connections are opened than there
are requests in flight at once. The transports themselves are in ``_async/_pool.py``
(``AsyncShardedTransport``) and, generated from it, ``_sync/_pool.py``.
"""

from __future__ import annotations

import math
import threading

import httpx

SHARD_SIZE = 10


class Choice:
    """Which shard takes the next request; thread-safe."""

    def __init__(self, shards: int) -> None:
        self._busy = [0] * shards
        self._held = [0] * shards
        """Connections each shard holds, as the most requests it has had at once."""
        self._lock = threading.Lock()

    def take(self) -> int:
        with self._lock:
            idle = [i for i, busy in enumerate(self._busy) if busy < self._held[i]]
            if idle:
                shard = min(idle, key=self._busy.__getitem__)
            else:
                shard = min(range(len(self._busy)), key=self._held.__getitem__)
            self._busy[shard] += 1
            self._held[shard] = max(self._held[shard], self._busy[shard])
            return shard

    def give_back(self, shard: int) -> None:
        with self._lock:
            self._busy[shard] -= 1


def shard_sizes(max_connections: int) -> list[int]:
    """The size of each shard, for a pool of ``max_connections``."""
    count = math.ceil(max_connections / SHARD_SIZE)
    return [max_connections // count + (i < max_connections % count) for i in range(count)]


def shard_limits(size: int, keepalive_expiry: float) -> httpx.Limits:
    return httpx.Limits(
        max_connections=size, max_keepalive_connections=size, keepalive_expiry=keepalive_expiry
    )
