"""AsyncShardedTransport: httpx's transport, as shards of a few connections each.

Why shards, and which shard takes a request: see ``_pool``.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx

from .._pool import Choice, shard_limits, shard_sizes


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


class AsyncShardedTransport(httpx.AsyncBaseTransport):
    """httpx's transport, as shards that together hold at most ``max_connections``."""

    def __init__(
        self, *, max_connections: int, verify: bool | ssl.SSLContext, keepalive_expiry: float
    ) -> None:
        self._shards = [
            httpx.AsyncHTTPTransport(verify=verify, limits=shard_limits(size, keepalive_expiry))
            for size in shard_sizes(max_connections)
        ]
        self._choice = Choice(len(self._shards))

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
