"""Drive the sync and async clients through one test body.

A test asks for ``kind`` ("sync" or "async") and builds its client with
:func:`make_client`: the async client is then seen through blocking calls on a
private event loop, and its iterators stay lazy (each item is awaited when the test
asks for it), so a test of laziness means the same for both twins.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from types import TracebackType
from typing import Any

import httpx

from onedata_workflows import AsyncWorkflowClient, WorkflowClient

KINDS = ["sync", "async"]
ITERATORS = ("list", "watch", "as_completed")


class Blocking:
    """An AsyncWorkflowClient seen through blocking calls, on one private event loop."""

    def __init__(self, client: AsyncWorkflowClient, loop: asyncio.AbstractEventLoop) -> None:
        self.client = client
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.client, name)
        if name in ITERATORS:
            return lambda *a, **k: LazyIterator(attribute(*a, **k), self._loop)
        if inspect.iscoroutinefunction(attribute):
            return lambda *a, **k: self._loop.run_until_complete(attribute(*a, **k))
        return attribute

    def __repr__(self) -> str:
        return repr(self.client)

    def close(self) -> None:
        self._loop.run_until_complete(self.client.aclose())

    def __enter__(self) -> Blocking:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class LazyIterator(Iterator[Any]):
    """An async iterator consumed one item at a time, as a sync test would."""

    def __init__(self, items: AsyncIterator[Any], loop: asyncio.AbstractEventLoop) -> None:
        self._items = items
        self._loop = loop

    def __next__(self) -> Any:
        try:
            return self._loop.run_until_complete(anext(self._items))
        except StopAsyncIteration:
            raise StopIteration from None

    def close(self) -> None:
        aclose = getattr(self._items, "aclose", None)
        if aclose is not None:
            self._loop.run_until_complete(aclose())


def client_class(kind: str) -> type[WorkflowClient] | type[AsyncWorkflowClient]:
    return WorkflowClient if kind == "sync" else AsyncWorkflowClient


def make_client(kind: str, loop: asyncio.AbstractEventLoop, **kwargs: Any) -> Any:
    """A WorkflowClient, or an AsyncWorkflowClient behind :class:`Blocking`.

    A blocking ``sleep`` is wrapped for the async client; a sync ``transport`` given as
    a function becomes an ``httpx.MockTransport`` that both clients can use.
    """
    if kind == "sync":
        return WorkflowClient(**kwargs)
    if "sleep" in kwargs:
        kwargs["sleep"] = awaitable(kwargs["sleep"])
    return Blocking(AsyncWorkflowClient(**kwargs), loop)


def make_http(kind: str, **kwargs: Any) -> httpx.Client | httpx.AsyncClient:
    """An httpx pool of the kind a client of ``kind`` takes as ``http_client``."""
    return httpx.Client(**kwargs) if kind == "sync" else httpx.AsyncClient(**kwargs)


def awaitable(sleep: Callable[[float], object]) -> Callable[[float], Any]:
    async def asleep(seconds: float) -> None:
        sleep(seconds)

    return asleep
