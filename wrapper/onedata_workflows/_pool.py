"""The connection pool: httpx's transport, split into shards of a few connections each.

httpcore's pool (1.0.x) looks at every connection, and for each idle one counts them
all again, twice per request: with a hundred connections a many-wait spends most of
its CPU there and falls behind. Shards of :data:`SHARD_SIZE` connections keep that
cost small. A request goes to a shard with an idle kept-alive connection if there is
one, else to the shard holding fewest, so no more connections are opened than there
are requests in flight at once. ``ShardedTransport`` and ``AsyncShardedTransport``
are the two worlds' halves; the choice of a shard is shared.
"""

from __future__ import annotations

import math
import ssl
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx

SHARD_SIZE = 10


class _Choice:
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


def _shards(max_connections: int) -> list[int]:
    """The size of each shard, for a pool of ``max_connections``."""
    count = math.ceil(max_connections / SHARD_SIZE)
    return [max_connections // count + (i < max_connections % count) for i in range(count)]


def _limits(size: int, keepalive_expiry: float) -> httpx.Limits:
    return httpx.Limits(
        max_connections=size, max_keepalive_connections=size, keepalive_expiry=keepalive_expiry
    )


class _Released(httpx.SyncByteStream):
    def __init__(self, stream: httpx.SyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release: Callable[[], None] | None = release

    def __iter__(self) -> Iterator[bytes]:
        yield from self._stream

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()


class _AsyncReleased(httpx.AsyncByteStream):
    def __init__(self, stream: httpx.AsyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release: Callable[[], None] | None = release

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        try:
            await self._stream.aclose()
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()


class ShardedTransport(httpx.BaseTransport):
    """httpx's transport, as shards that together hold at most ``max_connections``."""

    def __init__(
        self, *, max_connections: int, verify: bool | ssl.SSLContext, keepalive_expiry: float
    ) -> None:
        self._shards = [
            httpx.HTTPTransport(verify=verify, limits=_limits(size, keepalive_expiry))
            for size in _shards(max_connections)
        ]
        self._choice = _Choice(len(self._shards))

    @property
    def connections(self) -> list[Any]:
        """Every connection the shards hold now (httpcore's objects, for diagnostics)."""
        return [c for shard in self._shards for c in shard._pool.connections]

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        shard = self._choice.take()
        try:
            response = self._shards[shard].handle_request(request)
        except BaseException:
            self._choice.give_back(shard)
            raise
        assert isinstance(response.stream, httpx.SyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_Released(response.stream, lambda: self._choice.give_back(shard)),
            extensions=response.extensions,
        )

    def close(self) -> None:
        for shard in self._shards:
            shard.close()


class AsyncShardedTransport(httpx.AsyncBaseTransport):
    """httpx's async transport, as shards that together hold at most ``max_connections``."""

    def __init__(
        self, *, max_connections: int, verify: bool | ssl.SSLContext, keepalive_expiry: float
    ) -> None:
        self._shards = [
            httpx.AsyncHTTPTransport(verify=verify, limits=_limits(size, keepalive_expiry))
            for size in _shards(max_connections)
        ]
        self._choice = _Choice(len(self._shards))

    @property
    def connections(self) -> list[Any]:
        """Every connection the shards hold now (httpcore's objects, for diagnostics)."""
        return [c for shard in self._shards for c in shard._pool.connections]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        shard = self._choice.take()
        try:
            response = await self._shards[shard].handle_async_request(request)
        except BaseException:
            self._choice.give_back(shard)
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_AsyncReleased(response.stream, lambda: self._choice.give_back(shard)),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        for shard in self._shards:
            await shard.aclose()
