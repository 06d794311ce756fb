"""How many polls a many-wait keeps in flight: as many as come back no slower.

``concurrency`` is a ceiling. Past what the provider and this process can answer at
once, more requests in flight only queue: every answer then comes later, and since
a queue of requests is served interleaved (threads, or an event loop), a poll that
found an execution ended waits behind all the others. So the number in flight starts
at :data:`FLOOR` (the default ``concurrency``) and follows how long answers take,
smoothed over a few of them as TCP smooths its round trips, against how long they
take with no more than the floor out: under :data:`GROW_BELOW` times that, while
every slot is used, one slot more; over :data:`SHRINK_ABOVE` times, one fewer.
Over a network, where waiting on the wire costs nothing, answers take as long with a
hundred out as with eight, however much they vary, and the limit climbs to the
ceiling; on a saturated machine it stays where answers stop slowing down. It never
goes below the floor, where answers keep re-measuring what "no slower" is (a
provider that moved farther away is learnt there). Error answers, timeouts included,
are not timed: they say nothing of how long a document takes.

Pure: the clients' poll runners (``_concurrency``) time each answer and ask here.
"""

from __future__ import annotations

import attrs

FLOOR = 8
"""The fewest polls in flight the limit allows (the default ``concurrency``)."""
GROW_BELOW = 1.5
"""Answers quicker than this many times their time at the floor: one slot more."""
SHRINK_ABOVE = 2.0
"""Answers slower than this many times their time at the floor: one slot fewer."""
SMOOTHING = 0.125
"""How much of each new answer's time goes into a smoothed one (TCP's RTT gain)."""
WARM_UP = 32
"""Answers timed at the floor before the limit moves: the first ones open connections."""


def _smooth(smoothed: float | None, seconds: float) -> float:
    return seconds if smoothed is None else smoothed + (seconds - smoothed) * SMOOTHING


@attrs.define
class InFlightLimit:
    """The number of polls to keep in flight, between a floor and ``ceiling``."""

    ceiling: int
    limit: int
    _at_floor: float | None = None
    """How long answers take with no more than the floor out, smoothed."""
    _now: float | None = None
    """How long answers take now, smoothed."""
    _answers_at_floor: int = 0

    @classmethod
    def up_to(cls, ceiling: int) -> InFlightLimit:
        """A limit starting at the floor (or at ``ceiling``, if lower)."""
        return cls(ceiling, min(ceiling, FLOOR))

    @property
    def floor(self) -> int:
        return min(self.ceiling, FLOOR)

    def record(self, seconds: float, in_flight: int) -> None:
        """An answer took ``seconds`` (real time) while ``in_flight`` polls were out."""
        if not seconds > 0:
            return
        self._now = _smooth(self._now, seconds)
        if in_flight <= self.floor:
            self._at_floor = _smooth(self._at_floor, seconds)
            self._answers_at_floor += 1
        if self._at_floor is None or self._answers_at_floor < WARM_UP:
            return
        if self._now > SHRINK_ABOVE * self._at_floor:
            self.limit = max(self.floor, self.limit - 1)
        elif self._now < GROW_BELOW * self._at_floor and in_flight >= self.limit:
            self.limit = min(self.ceiling, self.limit + 1)
