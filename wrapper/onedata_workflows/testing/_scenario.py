"""Workflow schemas as data: what each lane does on each of its runs."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import attrs


class Outcome(StrEnum):
    """What one run of a lane does."""

    FINISH = "finish"
    """Every item is processed: the run ends ``finished``."""
    FAIL_ITEMS = "fail_items"
    """Some items fail: the run ends ``failed`` and can be retried (automatic retries apply).

    If the share of failed items passes the lane's instant-failure exception threshold,
    the run instead stops at its first failed item and ends ``failed``, rerunable but
    not retriable, with no automatic retry (see ``LaneSpec``).
    """
    FAIL = "fail"
    """The run fails hard halfway (like a lane setup failure): rerunable, not retriable."""
    CRASH = "crash"
    """The engine crashes halfway: the execution ends ``crashed`` for good."""
    INTERRUPT = "interrupt"
    """A component fails halfway: the execution is ``interrupted``; resumed, the run completes."""


def _outcomes(value: Iterable[Outcome | str]) -> tuple[Outcome, ...]:
    return tuple(Outcome(v) for v in value)


def _share(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{attribute.name} must be between 0.0 and 1.0, not {value}")


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if value <= 0:
        raise ValueError(f"{attribute.name} must be positive, not {value}")


@attrs.frozen(kw_only=True)
class LaneSpec:
    """One lane of a simulated workflow schema.

    ``outcomes[k]`` is what the lane's (k+1)-th run does, counting every run of the lane
    (automatic retries, reruns and retries included); runs past the end finish.
    """

    duration: float = attrs.field(default=10.0, validator=_positive)
    """Simulated seconds a run over all ``items`` spends active."""
    items: int = attrs.field(default=10, validator=attrs.validators.ge(1))
    """Items in the lane's store; a retry over k failed items takes ``duration * k / items``."""
    max_retries: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    """Automatic retries after a run whose items failed."""
    outcomes: tuple[Outcome, ...] = attrs.field(default=(), converter=_outcomes)
    failing_items: int = attrs.field(default=1, validator=attrs.validators.ge(1))
    """How many items fail in a ``FAIL_ITEMS`` run (at most all the items the run has)."""
    instant_failure_exception_threshold: float = attrs.field(default=0.1, validator=_share)
    """Share of failed items (0.0 to 1.0) past which a run fails at once, as Onedata's lane
    schemas have it (its default is 0.1).

    The service compares, for each task, the failed items with those taken so far; the
    simulator compares the run's ``failing_items / items``. A retry over one failed item
    that fails again has a share of 1.0: with the default threshold it fails at once.
    Set 1.0 for a lane that never fails this way.
    """
    parallel_boxes: int = attrs.field(default=1, validator=attrs.validators.ge(1))
    tasks_per_box: int = attrs.field(default=1, validator=attrs.validators.ge(1))

    def outcome_of(self, attempt: int) -> Outcome:
        """What the lane's run number ``attempt`` (0-based, per lane) does."""
        return self.outcomes[attempt] if attempt < len(self.outcomes) else Outcome.FINISH


@attrs.frozen(kw_only=True)
class Timing:
    """Simulated seconds the service takes between the steps that no lane spec sets."""

    prepare: float = 1.0
    """Each of: scheduled → preparing → enqueued → active, and resuming → running again."""
    stop: float = 1.0
    """From ``stopping`` to the final status."""
    restart: float = 10.0
    """From the provider's restart to its restart procedure (Oneprovider waits 10 s)."""
