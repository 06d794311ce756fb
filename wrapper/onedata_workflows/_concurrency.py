"""What differs between the two worlds: sleeping, polls side by side, signals from threads.

The async half (``async_sleep``, :class:`AsyncPolls`, :class:`AsyncSignal`) uses asyncio
tasks; the sync half (``sync_sleep``, :class:`Polls`, :class:`Signal`) threads. The sync client is
generated from the async one by renaming the first to the second, so the clients
themselves hold no branch on the world they run in. asyncio is imported only when
the async half is used: the sync client never loads it.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from ._limit import InFlightLimit

if TYPE_CHECKING:
    import asyncio

T = TypeVar("T")

sync_sleep = time.sleep
SETTLE = 0.02
"""Real seconds that polls in flight get to answer before an injected clock moves on."""
STEP = 0.1
"""Seconds an injected clock moves at a time while a wait listens for a signal."""


async def async_sleep(seconds: float) -> None:
    """``asyncio.sleep``, imported when first used."""
    import asyncio

    await asyncio.sleep(seconds)


class AsyncPolls(Generic[T]):
    """Polls running as asyncio tasks, ``limit`` at most; cancelled when the block ends.

    A finished poll reports itself (a done callback), so waiting costs the same
    however many polls are out. Each answer is timed, and fewer than ``limit`` run
    while answers queue (see ``_limit``).
    """

    def __init__(self, limit: int) -> None:
        self._limit = InFlightLimit.up_to(limit)
        self._running: dict[asyncio.Task[T], str] = {}
        self._started: dict[asyncio.Task[T], float] = {}
        self._finished: list[asyncio.Task[T]] = []
        self._news: asyncio.Event | None = None

    @property
    def room(self) -> int:
        """How many more polls may start now."""
        now = time.perf_counter()
        return self._limit.room([now - started for started in self._started.values()])

    @property
    def running(self) -> bool:
        return bool(self._running)

    def start(self, key: str, poll: Callable[..., Awaitable[T]], *args: Any) -> None:
        """Start ``poll(*args)``; its result comes back from :meth:`wait` under ``key``."""
        import asyncio

        async def run() -> T:
            started = time.perf_counter()
            outcome = await poll(*args)
            if not isinstance(outcome, Exception):  # an error says nothing of the pace
                self._limit.record(time.perf_counter() - started, len(self._running))
            return outcome

        task = asyncio.ensure_future(run())
        self._running[task] = key
        self._started[task] = time.perf_counter()
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[T]) -> None:
        self._started.pop(task, None)
        if task in self._running:
            self._finished.append(task)
            if self._news is not None:
                self._news.set()

    async def _news_within(self, seconds: float) -> None:
        """Return when a poll has finished, or after ``seconds`` (real)."""
        import asyncio

        if self._finished:
            return
        if self._news is None:
            self._news = asyncio.Event()
        self._news.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._news.wait()

    async def wait(
        self,
        timeout: float,
        sleep: Callable[[float], Awaitable[None]],
        due_in: float | None,
        patience: float,
    ) -> tuple[list[tuple[str, T]], list[str]]:
        """The polls that end first, with their keys; and the keys of polls given up on.

        On the real clock it waits for the polls themselves, ``timeout`` seconds at
        most. On an injected clock, time passes only through ``sleep`` and a request in
        flight takes none of it: the polls get :data:`SETTLE` real seconds to answer;
        then, if another poll is due in ``due_in`` seconds, ``sleep`` moves the clock
        there (a slow poll holds up no one); if none is, the polls get ``patience``
        real seconds (a request timeout) and those still out are cancelled and given up.
        """
        import asyncio

        stalled: list[str] = []
        if sleep is async_sleep or sleep is asyncio.sleep:
            await self._news_within(timeout)
        else:
            await self._news_within(SETTLE)
            if not self._finished and due_in is not None:
                await sleep(due_in)
            elif not self._finished:
                await self._news_within(patience)
                if not self._finished:
                    late = list(self._running)
                    stalled = [self._running.pop(task) for task in late]
                    for task in late:
                        task.cancel()
                    await asyncio.gather(*late, return_exceptions=True)
        done, self._finished = self._finished, []
        return [(self._running.pop(task), task.result()) for task in done], stalled

    async def cancel(self) -> None:
        """Cancel every running poll and wait until they are gone."""
        import asyncio

        tasks = list(self._running)
        self._running.clear()
        self._finished.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.cancel()


class Polls(Generic[T]):
    """Polls running on a thread pool, ``limit`` at most; abandoned when the block ends.

    A finished poll reports itself on a queue, so waiting costs the same however many
    polls are out. Each answer is timed, and fewer than ``limit`` run while answers
    queue (see ``_limit``). A thread cannot be cancelled: a poll still running when the
    block ends finishes on its own, within its request timeout, and its result is
    dropped.
    """

    def __init__(self, limit: int) -> None:
        self._limit = InFlightLimit.up_to(limit)
        self._timing = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=limit, thread_name_prefix="onedata-poll")
        self._running: dict[Future[T], str] = {}
        self._started: dict[Future[T], float] = {}
        self._finished: queue.SimpleQueue[Future[T]] = queue.SimpleQueue()

    @property
    def room(self) -> int:
        """How many more polls may start now."""
        now = time.perf_counter()
        return self._limit.room([now - started for started in list(self._started.values())])

    @property
    def running(self) -> bool:
        return bool(self._running)

    def start(self, key: str, poll: Callable[..., T], *args: Any) -> None:
        """Start ``poll(*args)``; its result comes back from :meth:`wait` under ``key``."""

        def run() -> T:
            started = time.perf_counter()
            outcome = poll(*args)
            if not isinstance(outcome, Exception):  # an error says nothing of the pace
                with self._timing:
                    self._limit.record(time.perf_counter() - started, len(self._running))
            return outcome

        future = self._pool.submit(run)
        self._running[future] = key
        self._started[future] = time.perf_counter()
        future.add_done_callback(self._finished.put)
        future.add_done_callback(lambda done: self._started.pop(done, None))

    def _take(self, seconds: float | None) -> list[Future[T]]:
        """The polls finished within ``seconds`` (real; 0: those already finished)."""
        done = []
        with contextlib.suppress(queue.Empty):
            done.append(
                self._finished.get(timeout=seconds) if seconds else self._finished.get_nowait()
            )
            while True:
                done.append(self._finished.get_nowait())
        return [future for future in done if future in self._running]

    def wait(
        self,
        timeout: float,
        sleep: Callable[[float], None],
        due_in: float | None,
        patience: float,
    ) -> tuple[list[tuple[str, T]], list[str]]:
        """The polls that end first, with their keys; and the keys of polls given up on.

        On the real clock it waits for the polls themselves, ``timeout`` seconds at
        most. On an injected clock, time passes only through ``sleep`` and a request in
        flight takes none of it: the polls get :data:`SETTLE` real seconds to answer;
        then, if another poll is due in ``due_in`` seconds, ``sleep`` moves the clock
        there (a slow poll holds up no one); if none is, the polls get ``patience``
        real seconds (a request timeout) and those still out are given up (their
        threads end on their own).
        """
        stalled: list[str] = []
        if sleep is sync_sleep:
            done = self._take(timeout)
        else:
            done = self._take(SETTLE)
            if not done and due_in is not None:
                sleep(due_in)
                done = self._take(0)
            elif not done:
                done = self._take(patience)
                if not done:
                    stalled = [self._running.pop(future) for future in list(self._running)]
        return [(self._running.pop(future), future.result()) for future in done], stalled

    def cancel(self) -> None:
        """Drop every running poll; the threads end on their own."""
        self._running.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cancel()


class AsyncSignal:
    """A flag that any thread may raise (a callback came); awaited with a timeout.

    On the real clock the wait ends the moment the flag is raised. On an injected
    clock time passes only through ``sleep``, so the wait moves it :data:`STEP` at a
    time and looks at the flag after each step.
    """

    def __init__(self) -> None:
        self._flag = threading.Event()
        self._keys: list[str] = []
        self._waking: tuple[asyncio.AbstractEventLoop, asyncio.Event] | None = None

    def set(self, key: str) -> None:
        """Raise the flag for ``key``; safe from any thread."""
        self._keys.append(key)
        self._flag.set()
        waking = self._waking
        if waking is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed meanwhile
                waking[0].call_soon_threadsafe(waking[1].set)

    async def wait(self, timeout: float, sleep: Callable[[float], Awaitable[None]]) -> bool:
        """True as soon as the flag is raised (and lowers it), False after ``timeout``."""
        import asyncio

        if sleep is async_sleep or sleep is asyncio.sleep:
            event = asyncio.Event()
            self._waking = (asyncio.get_running_loop(), event)
            try:
                if not self._flag.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(event.wait(), timeout)
            finally:
                self._waking = None
        else:
            remaining = timeout
            while remaining > 0 and not self._flag.is_set():
                step = min(STEP, remaining)
                await sleep(step)
                remaining -= step
        woken = self._flag.is_set()
        self._flag.clear()
        return woken

    def take(self) -> list[str]:
        """The keys raised since the last call, each once, oldest first."""
        keys, self._keys = self._keys, []
        return list(dict.fromkeys(keys))


class Signal:
    """A flag that any thread may raise (a callback came); waited for with a timeout.

    On the real clock the wait ends the moment the flag is raised. On an injected
    clock time passes only through ``sleep``, so the wait moves it :data:`STEP` at a
    time and looks at the flag after each step.
    """

    def __init__(self) -> None:
        self._flag = threading.Event()
        self._keys: list[str] = []

    def set(self, key: str) -> None:
        """Raise the flag for ``key``; safe from any thread."""
        self._keys.append(key)
        self._flag.set()

    def take(self) -> list[str]:
        """The keys raised since the last call, each once, oldest first."""
        keys, self._keys = self._keys, []
        return list(dict.fromkeys(keys))

    def wait(self, timeout: float, sleep: Callable[[float], None]) -> bool:
        """True as soon as the flag is raised (and lowers it), False after ``timeout``."""
        if sleep is sync_sleep:
            self._flag.wait(timeout)
        else:
            remaining = timeout
            while remaining > 0 and not self._flag.is_set():
                step = min(STEP, remaining)
                sleep(step)
                remaining -= step
        woken = self._flag.is_set()
        self._flag.clear()
        return woken
