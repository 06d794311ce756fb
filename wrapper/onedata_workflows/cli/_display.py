"""How executions read as text: tables, times, durations, the end of a wait.

Pure functions of what the client returned: the terminal (colours, live redraws)
is ``_output``'s business. Times are local with their UTC offset, or UTC when asked,
and always say which.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import attrs

from .._models import Execution, ExecutionStatus, LaneRun, RunSummary

STATUS_STYLES = {
    "finished": "green",
    "failed": "bold red",
    "crashed": "bold red",
    "cancelled": "yellow",
    "paused": "yellow",
    "interrupted": "yellow",
    "active": "cyan",
    "stopping": "magenta",
}
"""The colour of each status on a colour terminal; the others stay plain."""


@attrs.frozen
class Table:
    """Rows under an optional header: aligned text in a pipe, a table that fits on a terminal."""

    rows: tuple[tuple[str, ...], ...]
    header: tuple[str, ...] | None = None
    status_column: int | None = None
    """The column of statuses, coloured on a colour terminal."""

    def __str__(self) -> str:
        return table(self.rows, self.header)


Text = str | Table
"""What the display functions return: lines of text and tables, in order."""


def plain(parts: Sequence[Text]) -> str:
    """Parts as plain text, one after the other."""
    return "\n".join(str(part) for part in parts)


def table(rows: Sequence[Sequence[str]], header: Sequence[str] | None = None) -> str:
    """Columns aligned on their widest cell, two spaces apart."""
    every = [header, *rows] if header is not None else list(rows)
    if not every:
        return ""
    widths = [max(len(str(row[i])) for row in every) for i in range(len(every[0]))]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in every
    ]
    return "\n".join(line.rstrip() for line in lines)


def timestamp(moment: datetime | None, *, utc: bool = False) -> str:
    """``2026-01-01 01:00:00+01:00``: local time and its offset (or UTC); ``-`` for never."""
    if moment is None:
        return "-"
    return moment.astimezone(UTC if utc else None).isoformat(sep=" ", timespec="seconds")


def clock_time(seconds: float, *, utc: bool = False) -> str:
    """``14:03:05+01:00``: the time of day of an epoch time, with its offset."""
    moment = datetime.fromtimestamp(seconds, UTC).astimezone(UTC if utc else None)
    return moment.timetz().isoformat(timespec="seconds")


def duration(seconds: float) -> str:
    """``45s``, ``12m 05s``, ``3h 02m``: short enough for a 40-column line."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def run_label(run: LaneRun | None) -> str:
    """``run 3  active  (rerun of 1)``, or ``-`` before the lane is reached."""
    if run is None:
        return "-"
    origin = f"  ({run.run_type} of {run.origin_run_number})" if run.origin_run_number else ""
    return f"run {run.run_number}  {run.status}{origin}"


RUN_COLUMNS = ("lane", "run", "status", "type", "accepts")


def runs_table(execution: Execution) -> Table:
    """Every run of every lane, lane by lane, oldest run first; a dash for a lane not reached.

    ``type`` says how a run came to be (``rerun of 1``); ``accepts`` what the service
    would accept on it now (its ``isRerunable`` and ``isRetriable``). ``show`` and the end of
    ``run`` list lanes and runs with this one table, which fits in 40 columns.
    """
    rows = []
    for lane in execution.lanes:
        if not lane.runs:
            rows.append((str(lane.index), "-", "-", "-", "-"))
        for run in reversed(lane.runs):
            kind = str(run.run_type)
            if run.origin_run_number:
                kind += f" of {run.origin_run_number}"
            allowed = [
                name
                for name, yes in (("rerun", run.is_rerunable), ("retry", run.is_retriable))
                if yes
            ]
            rows.append(
                (
                    str(lane.index),
                    str(run.run_number or "-"),
                    str(run.status),
                    kind,
                    ", ".join(allowed) or "-",
                )
            )
    return Table(tuple(rows), RUN_COLUMNS, status_column=2)


def describe(execution: Execution, *, utc: bool = False) -> list[Text]:
    """An execution for people: its header, then the runs table."""
    head = Table(
        (
            ("id", execution.id),
            ("name", execution.name),
            ("status", str(execution.status)),
            ("space", execution.space_id),
            ("scheduled", timestamp(execution.schedule_time, utc=utc)),
            ("started", timestamp(execution.start_time, utc=utc)),
            ("suspended", timestamp(execution.suspend_time, utc=utc)),
            ("finished", timestamp(execution.finish_time, utc=utc)),
        )
    )
    return [head, "", runs_table(execution)]


def ending(execution: Execution) -> str:
    """One line: how the execution stands where a wait left it, and where it failed."""
    run = execution.current_run
    if execution.status is ExecutionStatus.FINISHED or run is None:
        return f"execution {execution.id} {execution.status}"
    store = f"; its exception store is {run.exception_store_id}" if run.exception_store_id else ""
    return (
        f"execution {execution.id} {execution.status} in lane {run.lane_index}, run "
        f"{run.run_number} ({run.status}){store}"
    )


def summarize(summary: RunSummary, simulated: bool = False) -> list[Text]:
    """The end of a run for people: how it ended, the runs table, the repairs, the cost."""
    parts: list[Text] = [ending(summary.execution), "", runs_table(summary.execution), ""]
    parts += [f"repair: {plan}" for plan in summary.repairs] or ["repairs: none"]
    errors = summary.transient_errors
    took = duration(summary.elapsed) + (" of simulated time" if simulated else "")
    parts.append(f"{summary.polls} polls, {errors} transient errors, {took}")
    return parts
