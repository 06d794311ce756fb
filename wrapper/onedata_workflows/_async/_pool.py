"""AsyncShardedTransport: httpx's transport, as shards of one connection each.

Why shards, and which shard takes a request: see ``_pool``.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import httpcore
import httpx

from .._pool import Choice, Readable, shard_limits, shard_sizes


class _AsyncStream(httpcore.AsyncNetworkStream):
    """A connection that says whether it is readable from a poll set up once."""

    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream
        self._readable = Readable(stream.get_extra_info("socket"))

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _AsyncStream(await self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return self._readable()
        return self._stream.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    """httpcore's own network backend, its connections wrapped in :class:`_AsyncStream`."""

    def __init__(self, backend: httpcore.AsyncNetworkBackend) -> None:
        self._backend = backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _AsyncStream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        return _AsyncStream(await self._backend.connect_unix_socket(path, timeout, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class _AsyncReleased(httpx.AsyncByteStream):
    """A response body that gives its shard back when closed."""

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


def _orphaned(pool: Any) -> bool:
    """The pool holds a request, or a busy connection, that no request of ours has."""
    return bool(pool._requests) or any(
        not c.is_idle() and not c.is_closed() for c in pool.connections
    )


class AsyncShardedTransport(httpx.AsyncBaseTransport):
    """httpx's transport, as shards that together hold at most ``max_connections``.

    A shard is built when first needed. One whose pool is still busy when
    :class:`Choice` hands it out idle is replaced: httpcore can leave a connection
    busy for good when a cancellation lands while it closes a response
    (encode/httpcore#1093), and a one-connection pool would then refuse every request
    after it.
    """

    def __init__(
        self, *, max_connections: int, verify: bool | ssl.SSLContext, keepalive_expiry: float
    ) -> None:
        # One TLS context for all: each costs milliseconds to load the CA bundle.
        self._context = httpx.create_ssl_context(verify=verify)
        self._keepalive_expiry = keepalive_expiry
        self._sizes = shard_sizes(max_connections)
        self._shards: dict[int, httpx.AsyncHTTPTransport] = {}
        self._choice = Choice(self._sizes)

    def _shard(self, index: int) -> httpx.AsyncHTTPTransport:
        limits = shard_limits(self._sizes[index], self._keepalive_expiry)
        shard = httpx.AsyncHTTPTransport(verify=self._context, limits=limits)
        pool = shard._pool
        pool._network_backend = _AsyncBackend(pool._network_backend)
        self._shards[index] = shard
        return shard

    @property
    def connections(self) -> list[Any]:
        """Every connection the shards hold now (httpcore's objects, for diagnostics)."""
        return [c for shard in list(self._shards.values()) for c in shard._pool.connections]

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        index = self._choice.take()
        try:
            shard = self._shards.get(index) or self._shard(index)
            if self._choice.alone(index) and _orphaned(shard._pool):
                await shard.aclose()
                shard = self._shard(index)
            response = await shard.handle_async_request(request)
        except BaseException:
            self._choice.give_back(index)
            raise
        assert isinstance(response.stream, httpx.AsyncByteStream)
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_AsyncReleased(response.stream, lambda: self._choice.give_back(index)),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        for shard in list(self._shards.values()):
            await shard.aclose()
