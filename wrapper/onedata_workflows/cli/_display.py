"""How executions look to people: tables, and progress while waiting.

On a terminal, progress is one block redrawn in place (a line per lane: its current
run, status and type). Elsewhere (a log, a pipe, CI) it is one timestamped line per
change, which reads well after the fact.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TextIO

from .._models import Execution, ExecutionStatus, Lane, RunSummary
from .._waiting import EventKind, ExecutionEvent


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """Columns aligned on their widest cell."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    return "\n".join(line.rstrip() for line in lines)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def lane_line(lane: Lane) -> str:
    """``lane 2  run 3  active  (rerun of run 1)``, or a dash before the lane is reached."""
    run = lane.latest_run
    if run is None:
        return f"lane {lane.index}  -"
    origin = f"  ({run.run_type} of run {run.origin_run_number})" if run.origin_run_number else ""
    return f"lane {lane.index}  run {run.run_number}  {run.status}{origin}"


def describe(execution: Execution) -> str:
    """An execution for people: its header, then every run of every lane, newest first."""
    head = table(
        [
            ["id", execution.id],
            ["name", execution.name],
            ["status", str(execution.status)],
            ["space", execution.space_id],
            ["scheduled", _when(execution.schedule_time)],
            ["started", _when(execution.start_time)],
            ["finished", _when(execution.finish_time)],
        ],
        ["", ""],
    ).split("\n", 1)[1]
    rows = [
        [
            str(lane.index),
            str(run.run_number or "-"),
            str(run.run_type),
            str(run.status),
            str(run.origin_run_number or "-"),
            "yes" if run.is_rerunable else "no",
            "yes" if run.is_retriable else "no",
        ]
        for lane in execution.lanes
        for run in lane.runs
    ]
    runs = table(rows, ["lane", "run", "type", "status", "origin", "rerunable", "retriable"])
    return f"{head}\n\n{runs}"


class Progress:
    """Shows waiting as it happens: an ``on_update`` callback for the wait helpers."""

    def __init__(
        self,
        out: TextIO,
        *,
        live: bool,
        elapsed: Callable[[], float],
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._out = out
        self._live = live
        self._elapsed = elapsed
        self._wall = wall
        self._drawn = 0

    def __call__(self, event: ExecutionEvent) -> None:
        if self._live:
            self._redraw(event.execution)
        else:
            stamp = datetime.fromtimestamp(self._wall(), UTC).strftime("%H:%M:%S")
            subject = "execution" if event.kind is EventKind.EXECUTION_STATUS else ""
            text = f"{subject} {event}".strip()
            self._out.write(f"[{stamp}] {text}  (t+{self._elapsed():.0f}s)\n")
            self._out.flush()

    def _redraw(self, execution: Execution) -> None:
        lines = [f"execution {execution.id}  {execution.status}  t+{self._elapsed():.0f}s"]
        lines += ["  " + lane_line(lane) for lane in execution.lanes]
        # Move up over the previous block, then rewrite each line in full.
        up = f"\x1b[{self._drawn}F" if self._drawn else ""
        self._out.write(up + "".join(f"\x1b[2K{line}\n" for line in lines))
        self._out.flush()
        self._drawn = len(lines)

    def finish(self) -> None:
        """Leave the last block on screen; the next output starts below it."""
        self._drawn = 0


def ending(execution: Execution) -> str:
    run = execution.current_run
    if execution.status is ExecutionStatus.FINISHED or run is None:
        return f"execution {execution.id} {execution.status}"
    store = f"; its exception store is {run.exception_store_id}" if run.exception_store_id else ""
    return (
        f"execution {execution.id} {execution.status} in lane {run.lane_index}, run "
        f"{run.run_number} ({run.status}){store}"
    )


def summarize(summary: RunSummary, real_seconds: float | None = None) -> str:
    """The end of a run for people: every lane with its runs, the repairs, what it cost."""
    execution = summary.execution
    rows = []
    for lane in execution.lanes:
        runs = ", ".join(f"run {r.run_number} {r.run_type} {r.status}" for r in reversed(lane.runs))
        rows.append([str(lane.index), runs or "-"])
    lines = [ending(execution), "", table(rows, ["lane", "runs (oldest first)"]), ""]
    lines += [f"repair: {plan}" for plan in summary.repairs] or ["repairs: none"]
    errors = summary.transient_errors
    cost = f"{summary.polls} polls, {errors} transient errors, {summary.elapsed:.0f}s"
    if real_seconds is not None:
        cost += f" simulated in {real_seconds:.1f}s real"
    lines.append(cost)
    return "\n".join(lines)
