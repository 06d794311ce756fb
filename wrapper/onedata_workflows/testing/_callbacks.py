"""Completion callbacks as the service sends them: POSTed on every stop, retried for hours.

The first attempt goes out at once; a failed one is tried again after a random delay
of 1 ms to 2 s, doubling each time up to 2 h, 31 attempts in all (op-worker's
``atm_workflow_execution_handler``). Faults make them go missing or arrive late, so a
test can show that a wait survives both.
"""

from __future__ import annotations

import heapq
import http.client
import itertools
import json
import random
import ssl
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

import attrs

from ._executions import Notification

CALLBACK_ATTEMPTS = 31
CALLBACK_MAX_DELAY = 7200.0
CALLBACK_TIMEOUT = 5.0

CallbackSender = Callable[[str, Mapping[str, str]], bool]


def post_callback(url: str, payload: Mapping[str, str]) -> bool:
    """Deliver a completion callback the way the service does; True on a 2xx answer.

    One connection per attempt, like the service's HTTP client; nothing is logged, since
    a callback URL holds its receiver's secret.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=CALLBACK_TIMEOUT,
            context=ssl.create_default_context(),
        )  # fmt: skip
    else:
        connection = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=CALLBACK_TIMEOUT
        )
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    try:
        connection.request(
            "POST",
            target,
            body=json.dumps(dict(payload)).encode(),
            headers={"Content-Type": "application/json"},
        )
        return 200 <= connection.getresponse().status < 300
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


@attrs.frozen
class CallbackAttempt:
    """One attempt to deliver a completion callback; ``lost`` if a fault dropped it."""

    url: str
    payload: Mapping[str, str]
    at: float
    attempt: int
    delivered: bool
    lost: bool = False


@attrs.frozen
class _Delivery:
    notification: Notification
    attempt: int
    first_delay: float


@attrs.define
class _Rule:
    kind: str  # "lose" or "delay"
    seconds: float
    remaining: int | None


class Callbacks:
    """The callbacks of one simulated provider: due attempts, retries and faults."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._queue: list[tuple[float, int, _Delivery]] = []
        self._order = itertools.count()
        self._rules: list[_Rule] = []
        self.attempts: list[CallbackAttempt] = []

    def lose(self, times: int | None) -> None:
        """The next ``times`` attempts (every one if None) are lost on the way."""
        self._rules.append(_Rule("lose", 0.0, times))

    def delay(self, seconds: float, times: int | None) -> None:
        """The next ``times`` callbacks (every one if None) go out ``seconds`` late."""
        if seconds < 0:
            raise ValueError(f"a delay cannot be negative, not {seconds}")
        self._rules.append(_Rule("delay", seconds, times))

    def clear_faults(self) -> None:
        self._rules.clear()

    def _fire(self, kind: str) -> _Rule | None:
        for rule in self._rules:
            if rule.kind == kind and rule.remaining != 0:
                if rule.remaining is not None:
                    rule.remaining -= 1
                return rule
        return None

    def notify(self, notification: Notification, now: float) -> None:
        """An execution stopped: its callback goes out now, or later if delayed."""
        delayed = self._fire("delay")
        at = now + (delayed.seconds if delayed is not None else 0.0)
        self._push(at, _Delivery(notification, 1, self._rng.uniform(0.001, 2.0)))

    def due(self, now: float) -> list[tuple[float, _Delivery, bool]]:
        """The attempts due by ``now``, each with whether a fault loses it."""
        due = []
        while self._queue and self._queue[0][0] <= now:
            at, _, delivery = heapq.heappop(self._queue)
            due.append((at, delivery, self._fire("lose") is not None))
        return due

    def attempted(self, at: float, delivery: _Delivery, delivered: bool, lost: bool) -> None:
        """Record an attempt; a failed one is tried again on the service's schedule."""
        note = delivery.notification
        self.attempts.append(
            CallbackAttempt(note.url, note.payload, at, delivery.attempt, delivered, lost)
        )
        if not delivered and delivery.attempt < CALLBACK_ATTEMPTS:
            delay = min(CALLBACK_MAX_DELAY, delivery.first_delay * 2 ** (delivery.attempt - 1))
            self._push(at + delay, attrs.evolve(delivery, attempt=delivery.attempt + 1))

    def _push(self, at: float, delivery: _Delivery) -> None:
        heapq.heappush(self._queue, (at, next(self._order), delivery))
