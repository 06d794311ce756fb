# Generated from wrapper/onedata_workflows/_async/_pool.py by tools/unasync.py; do not edit.
"""ShardedTransport: httpx's transport, as shards of a few connections each.

Why shards, and which shard takes a request: see ``_pool``.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from .._pool import Choice, shard_limits, shard_sizes


class _Released(httpx.SyncByteStream):
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
        self._shards = [
            httpx.HTTPTransport(verify=verify, limits=shard_limits(size, keepalive_expiry))
            for size in shard_sizes(max_connections)
        ]
        self._choice = Choice(len(self._shards))

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
