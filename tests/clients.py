"""Drive the sync and async clients through one test body."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Callable
from typing import Any

from onedata_workflows import AsyncWorkflowClient, WorkflowClient


async def _collect(items: AsyncIterator[Any]) -> list[Any]:
    return [item async for item in items]


class Blocking:
    """An AsyncWorkflowClient seen through blocking calls, on one private event loop."""

    def __init__(self, client: AsyncWorkflowClient, loop: asyncio.AbstractEventLoop) -> None:
        self.client = client
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.client, name)
        if name in ("list", "watch", "as_completed"):
            return lambda *a, **k: self._loop.run_until_complete(_collect(attribute(*a, **k)))
        if inspect.iscoroutinefunction(attribute):
            return self._blocking(attribute)
        return attribute

    def _blocking(self, function: Callable[..., Any]) -> Callable[..., Any]:
        return lambda *a, **k: self._loop.run_until_complete(function(*a, **k))

    def close(self) -> None:
        self._loop.run_until_complete(self.client.aclose())


def make_client(kind: str, loop: asyncio.AbstractEventLoop, **kwargs: Any) -> Any:
    """A WorkflowClient, or an AsyncWorkflowClient behind :class:`Blocking`."""
    if kind == "sync":
        return WorkflowClient(**kwargs)
    if "sleep" in kwargs:
        sleep = kwargs.pop("sleep")

        async def async_sleep(seconds: float) -> None:
            sleep(seconds)

        kwargs["sleep"] = async_sleep
    return Blocking(AsyncWorkflowClient(**kwargs), loop)
