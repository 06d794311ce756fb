"""Simulated time: a virtual clock that tests move by hand, or real time run faster."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

#: 2026-01-01T00:00:00Z: a fixed start, so timestamps in tests are reproducible.
DEFAULT_START = 1_767_225_600.0


class Clock(Protocol):
    """Where the simulator reads the current simulated time (seconds since the epoch)."""

    def now(self) -> float: ...

    def sleep(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass (used for injected latency)."""


class VirtualClock:
    """Time that moves only when :meth:`advance` is called; nothing ever sleeps."""

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"time cannot go backwards (advance({seconds}))")
        self._now += seconds

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def __repr__(self) -> str:
        return f"VirtualClock(now={self._now})"


class ScaledClock:
    """Real time multiplied by ``speed``: at speed 60 a simulated minute takes a real second."""

    def __init__(
        self,
        speed: float,
        start: float | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        real_sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be positive, not {speed}")
        self.speed = speed
        self._start = time.time() if start is None else start
        self._monotonic = monotonic
        self._origin = monotonic()
        self._real_sleep = real_sleep

    def now(self) -> float:
        return self._start + (self._monotonic() - self._origin) * self.speed

    def sleep(self, seconds: float) -> None:
        self._real_sleep(seconds / self.speed)

    def __repr__(self) -> str:
        return f"ScaledClock(speed={self.speed})"
