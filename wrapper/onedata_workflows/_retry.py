"""When a failed call may be sent again, and after how long. Pure: no I/O, no clock."""

from __future__ import annotations

import random
from enum import Enum

import attrs

from ._errors import ApiError, OnedataError, TransportError


class CallKind(Enum):
    """How safe a call is to repeat."""

    READ = "read"
    """get and list: repeating them changes nothing."""
    ACTION = "action"
    """pause, rerun, delete, ...: repeated only if the first try provably never left."""
    SCHEDULE = "schedule"
    """Repeated only if it never left: a second try that arrives makes a second execution."""


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Capped exponential backoff with full jitter.

    ``attempts`` counts the first try: ``RetryPolicy(attempts=1)`` (or
    :meth:`disabled`) never retries. Reads are retried on transport failures and on
    ``statuses``; actions and schedule only when the connection could not even be made.
    """

    attempts: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    initial_backoff: float = attrs.field(default=0.5, validator=attrs.validators.ge(0))
    max_backoff: float = attrs.field(default=8.0, validator=attrs.validators.ge(0))
    jitter: bool = True
    statuses: frozenset[int] = frozenset({502, 503, 504})
    max_retry_after: float = attrs.field(default=60.0, validator=attrs.validators.ge(0))
    """The longest ``Retry-After`` honoured; a longer one fails the call instead."""

    @classmethod
    def disabled(cls) -> RetryPolicy:
        return cls(attempts=1)

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """The pause after failed try number ``attempt`` (1-based), before any Retry-After."""
        ceiling = min(self.max_backoff, self.initial_backoff * 2 ** (attempt - 1))
        return rng.uniform(0, ceiling) if self.jitter else ceiling

    def delay(
        self, kind: CallKind, error: OnedataError, attempt: int, rng: random.Random
    ) -> float | None:
        """Seconds to wait before trying again, or None to give up and raise ``error``."""
        if attempt >= self.attempts or not is_retriable(kind, error, self.statuses):
            return None
        pause = self.backoff(attempt, rng)
        retry_after = error.retry_after if isinstance(error, ApiError) else None
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            pause = max(pause, retry_after)
        return pause


def is_retriable(kind: CallKind, error: OnedataError, statuses: frozenset[int]) -> bool:
    """Whether sending the call again is safe and could help."""
    if isinstance(error, TransportError):
        return not error.request_sent or kind is CallKind.READ
    if isinstance(error, ApiError):
        return kind is CallKind.READ and error.status in statuses
    return False
