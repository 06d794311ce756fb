"""Our clients wired to a simulated provider: in-process, waiting on the provider's clock.

A client polls with ``sleep`` and keeps its deadlines with ``monotonic``. Left to real
time, a wait for a provider on the virtual clock never sees time pass, and hangs until
its own deadline. Wired here, waiting moves the simulated time instead, so hours of
polling take milliseconds. This is the one module of the simulator that imports our
clients (their public names only); the rest speaks raw JSON.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import anyio
import anyio.lowlevel
import anyio.to_thread

from onedata_workflows import AsyncWorkflowClient, WorkflowClient

from ._clock import Clock, ScaledClock, VirtualClock
from ._transport import FakeTransport


class SimulatedProvider(Protocol):
    """What the wiring needs of a simulated provider (``FakeOneprovider`` has it all)."""

    base_url: str
    token: str
    clock: Clock

    def transport(self) -> FakeTransport: ...

    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    def advance(self, seconds: float) -> None: ...


# Event-loop turns a sleeper lets pass before it moves the clock, so that the other
# tasks of the loop reach their own sleep first and the earliest wake-up goes first.
_SETTLE_TURNS = 3


def _options(fake: SimulatedProvider, overrides: dict[str, Any]) -> dict[str, Any]:
    return {
        "base_url": fake.base_url,
        "token": fake.token,
        "transport": fake.transport(),
        "monotonic": fake.now,
        "clock": fake.now,
        **overrides,
    }


def sync_client(fake: SimulatedProvider, **overrides: Any) -> WorkflowClient:
    """A WorkflowClient for ``fake``: its waits sleep with ``fake.sleep``."""
    return WorkflowClient(**_options(fake, {"sleep": fake.sleep, **overrides}))


def async_client(fake: SimulatedProvider, **overrides: Any) -> AsyncWorkflowClient:
    """An AsyncWorkflowClient for ``fake``: its waits sleep on the provider's clock."""
    return AsyncWorkflowClient(**_options(fake, {"sleep": async_sleep(fake), **overrides}))


class VirtualSleep:
    """An async sleep on a provider's virtual clock, shared by every task of a loop.

    Each sleeper notes when it wants to wake, lets the other tasks run, and the one
    with the earliest wake-up moves the clock there and returns; the others follow in
    order. Concurrent waits (``asyncio.gather`` of several ``wait_until_finished``)
    thus see time pass once, not once per task.
    """

    def __init__(self, fake: SimulatedProvider) -> None:
        self._fake = fake
        self._wakeups: dict[int, float] = {}
        self._tickets = itertools.count()

    async def __call__(self, seconds: float) -> None:
        ticket = next(self._tickets)
        self._wakeups[ticket] = self._fake.now() + max(0.0, seconds)
        try:
            turns = 0
            while turns < _SETTLE_TURNS or self._first() != ticket:
                await anyio.lowlevel.checkpoint()
                turns += 1
            behind = self._wakeups[ticket] - self._fake.now()
            if behind > 0:
                self._fake.advance(behind)
        finally:
            del self._wakeups[ticket]

    def _first(self) -> int:
        return min(self._wakeups, key=lambda ticket: (self._wakeups[ticket], ticket))


_virtual_sleeps: weakref.WeakKeyDictionary[SimulatedProvider, VirtualSleep] = (
    weakref.WeakKeyDictionary()
)


def async_sleep(fake: SimulatedProvider) -> Callable[[float], Awaitable[None]]:
    """The async sleep for a client of ``fake``: one per provider on the virtual clock."""
    clock = fake.clock
    if isinstance(clock, VirtualClock):
        sleep = _virtual_sleeps.get(fake)
        if sleep is None:
            sleep = _virtual_sleeps[fake] = VirtualSleep(fake)
        return sleep
    if isinstance(clock, ScaledClock):
        speed = clock.speed

        async def scaled(seconds: float) -> None:
            await anyio.sleep(seconds / speed)

        return scaled

    async def in_thread(seconds: float) -> None:
        await anyio.to_thread.run_sync(clock.sleep, seconds)

    return in_thread
