"""How many polls a many-wait keeps in flight: as many as come back no slower.

``concurrency`` is a ceiling. Past what the provider and this process can answer at
once, more requests in flight only queue: every answer then comes later, and since
a queue of requests is served interleaved (threads, or an event loop), a poll that
found an execution ended waits behind all the others. So the number in flight starts
at :data:`FLOOR` (the default ``concurrency``) and follows how long answers take,
smoothed over a few of them as TCP smooths its round trips, against the quickest
answers seen (the :data:`KEPT`-th quickest, so that one freak does not count): under
:data:`GROW_BELOW` times that, while every slot is used, one slot more for each round
of answers (as many as there are slots); over :data:`SHRINK_ABOVE` times, one fewer
for each answer, so that a burst of slowing answers is met before it is over.

Over a network, where waiting on the wire costs nothing, answers take as long with a
hundred out as with eight, and the limit climbs to the ceiling; on a machine that is
saturated it stays where answers stop slowing down. It never goes below the floor:
answers that grew for good (a provider that slowed or moved farther away) or that
vary by half their time or more cost a wait no more than the default ``concurrency``
would. Error answers, timeouts included, are not timed: they say nothing of how long
a document takes.

Pure: the clients' poll runners (``_concurrency``) time each answer and ask here.
"""

from __future__ import annotations

import bisect

import attrs

FLOOR = 8
"""The fewest polls in flight the limit allows (the default ``concurrency``)."""
GROW_BELOW = 1.5
"""Answers quicker than this many times the quickest: one slot more a round."""
SHRINK_ABOVE = 2.0
"""Answers slower than this many times the quickest: one slot fewer an answer."""
SMOOTHING = 0.125
"""How much of each new answer's time goes into the smoothed one (TCP's RTT gain)."""
KEPT = 4
"""The quickest answers kept; the slowest of them is the measure."""
STALLED = 1.0
"""Real seconds after which a poll out stops holding a slot (so do polls out four times
as long as answers take): hanging polls hold up no other, up to the ceiling."""


@attrs.define
class InFlightLimit:
    """The number of polls to keep in flight, between a floor and ``ceiling``."""

    ceiling: int
    _level: float
    """The limit, counted in fractions of a slot as a round of answers adds one."""
    _quickest: list[float] = attrs.field(factory=list)
    _now: float | None = None
    """How long answers take now, smoothed."""

    @classmethod
    def up_to(cls, ceiling: int) -> InFlightLimit:
        """A limit starting at the floor (or at ``ceiling``, if lower)."""
        return cls(ceiling, min(ceiling, FLOOR))

    @property
    def limit(self) -> int:
        """How many polls may be out now."""
        return int(self._level)

    @property
    def floor(self) -> int:
        return min(self.ceiling, FLOOR)

    def room(self, out_for: list[float]) -> int:
        """How many more polls may start, with polls out for these many seconds each."""
        stalled = max(STALLED, 4 * (self._now or 0.0))
        holding = sum(1 for seconds in out_for if seconds < stalled)
        return max(0, min(self.ceiling - len(out_for), self.limit - holding))

    def record(self, seconds: float, in_flight: int) -> None:
        """An answer took ``seconds`` (real time) while ``in_flight`` polls were out."""
        if not seconds > 0:
            return
        bisect.insort(self._quickest, seconds)
        del self._quickest[KEPT:]
        self._now = seconds if self._now is None else self._now + (seconds - self._now) * SMOOTHING
        if len(self._quickest) < KEPT:
            return
        quickest = self._quickest[-1]
        if self._now > SHRINK_ABOVE * quickest:
            self._level = max(self.floor, self._level - 1)
        elif self._now < GROW_BELOW * quickest and in_flight >= self.limit:
            self._level = min(self.ceiling, self._level + 1 / self.limit)
