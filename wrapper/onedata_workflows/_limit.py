"""How many polls a many-wait keeps in flight: as many as are answered without queueing.

``concurrency`` is a ceiling. Past what the provider and this process can answer at
once, more requests in flight only queue: every answer then comes later, and since
a queue of requests is served interleaved (threads, or an event loop), a poll that
found an execution ended waits behind all the others. So the number in flight
follows the answers' time, smoothed over a few of them, against the quickest answer
seen: under :data:`GROW_BELOW` times it, while every slot is used, one slot more;
over :data:`SHRINK_ABOVE` times it, one fewer. Over a network, where waiting on the
wire costs nothing and answers vary a little, the limit climbs to the ceiling; on a
saturated machine it stays where answers stop slowing down. It never goes below
:data:`FLOOR` (or the ceiling, if lower), so answers that grew for good (bigger
documents, a provider moved farther away) cost a wait no more than the default
``concurrency`` would. Error answers, quicker than documents, are not timed.

Pure: the clients' poll runners (``_concurrency``) time each answer and ask here.
"""

from __future__ import annotations

import math

import attrs

FLOOR = 8
"""The fewest polls in flight the limit allows (the default ``concurrency``)."""
GROW_BELOW = 1.5
SHRINK_ABOVE = 2.0
SMOOTHING = 0.125
"""How much of each new answer's time goes into the smoothed one (as TCP's RTT)."""


@attrs.define
class InFlightLimit:
    """The number of polls to keep in flight, between a floor and ``ceiling``."""

    ceiling: int
    limit: int
    _quickest: float = math.inf
    _smoothed: float = 0.0

    @classmethod
    def up_to(cls, ceiling: int) -> InFlightLimit:
        return cls(ceiling, min(ceiling, FLOOR))

    @property
    def floor(self) -> int:
        return min(self.ceiling, FLOOR)

    def record(self, seconds: float, in_flight: int) -> None:
        """An answer took ``seconds`` (real time) while ``in_flight`` polls were out."""
        if not seconds > 0:
            return
        self._quickest = min(seconds, self._quickest)
        self._smoothed += ((seconds - self._smoothed) * SMOOTHING) if self._smoothed else seconds
        if self._smoothed > SHRINK_ABOVE * self._quickest:
            self.limit = max(self.floor, self.limit - 1)
        elif self._smoothed < GROW_BELOW * self._quickest and in_flight >= self.limit:
            self.limit = min(self.ceiling, self.limit + 1)
