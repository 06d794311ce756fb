"""Fault injection: the failures a client meets between itself and a real provider."""

from __future__ import annotations

import random
from collections import Counter
from enum import StrEnum

import attrs


class Disconnect(Exception):
    """The connection ends without an answer (injected). ``refused``: it never arrived."""

    def __init__(self, *, refused: bool) -> None:
        super().__init__("refused" if refused else "dropped")
        self.refused = refused


class FaultKind(StrEnum):
    STATUS = "status"
    HTML = "html"
    REFUSE = "refuse"
    RESET = "reset"
    LATENCY = "latency"
    STALL = "stall"
    TRUNCATE = "truncate"


@attrs.frozen
class Fault:
    """One injected failure. Build it with the class methods."""

    kind: FaultKind
    status: int = 0
    seconds: float = 0.0
    processed: bool = False
    retry_after: float | None = None

    @classmethod
    def http_status(cls, status: int = 503, *, retry_after: float | None = None) -> Fault:
        """Answer ``status`` without handling the request (any code, 520 and 599 included).

        500 carries Onedata's ``internalServerError`` body; other codes an empty one.
        """
        return cls(FaultKind.STATUS, status=status, retry_after=retry_after)

    @classmethod
    def html(cls, status: int = 502) -> Fault:
        """Answer a proxy's HTML error page without handling the request."""
        return cls(FaultKind.HTML, status=status)

    @classmethod
    def refuse(cls) -> Fault:
        """The connection fails before the request is sent: it provably never arrived.

        In-process this is ``httpx.ConnectError``; over HTTP the server can only drop the
        connection unread, which a client cannot tell from :meth:`reset`.
        """
        return cls(FaultKind.REFUSE)

    @classmethod
    def reset(cls, *, processed: bool = False) -> Fault:
        """Drop the connection without answering, after handling the request if ``processed``."""
        return cls(FaultKind.RESET, processed=processed)

    @classmethod
    def latency(cls, seconds: float) -> Fault:
        """Handle the request normally after ``seconds`` of simulated time."""
        return cls(FaultKind.LATENCY, seconds=seconds)

    @classmethod
    def stall(cls, seconds: float) -> Fault:
        """Handle the request, then hold the answer back for ``seconds`` of real time.

        Over HTTP this is an answer that comes after the client's read timeout; the
        handler thread waits, the simulated clock does not move.
        """
        return cls(FaultKind.STALL, seconds=seconds)

    @classmethod
    def truncated(cls) -> Fault:
        """Handle the request, then send only the first half of the body."""
        return cls(FaultKind.TRUNCATE)

    @property
    def label(self) -> str:
        """How :attr:`Faults.injected` counts this fault."""
        if self.kind in (FaultKind.STATUS, FaultKind.HTML):
            return f"{self.kind} {self.status}"
        if self.kind is FaultKind.RESET and self.processed:
            return "reset after processing"
        if self.kind is FaultKind.LATENCY:
            return f"latency {self.seconds:g}s"
        if self.kind is FaultKind.STALL:
            return f"stall {self.seconds:g}s"
        return str(self.kind)


@attrs.define
class _Rule:
    fault: Fault
    operation: str | None
    remaining: int | None
    probability: float


class Faults:
    """The injection rules of one simulated provider, and what they injected."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._rules: list[_Rule] = []
        self.injected: Counter[str] = Counter()
        """How many times each fault (by :attr:`Fault.label`) was injected."""

    def add(
        self,
        fault: Fault,
        *,
        operation: str | None = None,
        times: int | None = 1,
        probability: float = 1.0,
    ) -> None:
        """Inject ``fault`` into requests for ``operation`` (an operationId; all if None).

        ``times`` caps how often (None: no cap); ``probability`` makes it random.
        """
        if times is not None and times < 1:
            raise ValueError(f"times must be at least 1 or None, not {times}")
        if not 0.0 < probability <= 1.0:
            raise ValueError(f"probability must be in (0, 1], not {probability}")
        self._rules.append(_Rule(fault, operation, times, probability))

    def clear(self) -> None:
        self._rules.clear()

    def pick(self, operation: str | None) -> Fault | None:
        """The fault for this request, if any rule fires (the first that does wins)."""
        for rule in self._rules:
            if rule.operation is not None and rule.operation != operation:
                continue
            if rule.remaining == 0:
                continue
            if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                continue
            if rule.remaining is not None:
                rule.remaining -= 1
            self.injected[rule.fault.label] += 1
            return rule.fault
        return None
