# Generated from wrapper/onedata_workflows/_async/_pool.py by tools/unasync.py; do not edit.
"""ShardedTransport: httpx's transport, as shards of one connection each.

Why shards, and which shard takes a request: see ``_pool``.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpcore
import httpx

from .._pool import Choice, Readable, shard_limits, shard_sizes


class _Stream(httpcore.NetworkStream):
    """A connection that says whether it is readable from a poll set up once."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream
        self._readable = Readable(stream.get_extra_info("socket"))

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, timeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return self._readable()
        return self._stream.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    """httpcore's own network backend, its connections wrapped in :class:`_Stream`."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return _Stream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _Stream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _Released(httpx.SyncByteStream):
    """A response body that gives its shard back when closed."""

    def __init__(self, stream: httpx.SyncByteStream, release: Callable[[], None]) -> None:
        self._stream = stream
        self._release: Callable[[], None] | None = release

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._stream:
            yield chunk

    def close(self) -> None:
        try:
            self._stream.close()
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()


class ShardedTransport(httpx.BaseTransport):
    """httpx's transport, as shards that together hold at most ``max_connections``."""

    def __init__(
        self, *, max_connections: int, verify: bool | ssl.SSLContext, keepalive_expiry: float
    ) -> None:
        # One TLS context for all: each costs milliseconds to load the CA bundle.
        context = httpx.create_ssl_context(verify=verify)
        sizes = shard_sizes(max_connections)
        self._shards = [
            httpx.HTTPTransport(verify=context, limits=shard_limits(size, keepalive_expiry))
            for size in sizes
        ]
        for shard in self._shards:
            pool = shard._pool
            pool._network_backend = _Backend(pool._network_backend)
        self._choice = Choice(sizes)

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
