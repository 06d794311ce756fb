"""The live block of a wait on a terminal, drawn by rich (the ``cli`` extra).

rich's ``Live`` redraws by the rows the terminal actually shows, so a narrow or
resized terminal keeps no stale fragments, and lines printed meanwhile (a repair)
go above the block. Each line is clipped to the width with an ellipsis rather than
wrapped, and never wider than 40 columns (see BLOCK_WIDTH). The block is rendered
afresh at each refresh, so its elapsed time moves: every second of the client's
clock (the command's sleeps tick it, so a virtual clock drives it in tests), and on
real time a background refresh also covers a slow request.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console, Group, RenderableType
from rich.constrain import Constrain
from rich.live import Live
from rich.table import Table as RichTable
from rich.text import Text

from .._models import Execution
from .._waiting import ExecutionEvent
from ._display import STATUS_STYLES, Table, duration


def _styled(status: str) -> tuple[str, str]:
    return str(status), STATUS_STYLES.get(str(status), "")


def rich_text(text: str, style: str | None = None) -> Text:
    """A line that wraps between words, and folds a word longer than the width (an id)."""
    return Text(text, style=style or "", overflow="fold")


def rich_table(table: Table, clean: Callable[[str], str], width: int) -> RenderableType:
    """A table that fits ``width`` columns, statuses in colour.

    As it is when it fits; else with cells wrapped between words within their
    columns; else, when even that would split words, one record after another (the
    first cell, then each other cell under it, named by its column).
    """
    rows = [tuple(clean(cell) for cell in row) for row in table.rows]
    columns = len(table.header or (rows[0] if rows else ()))
    every = [table.header, *rows] if table.header else rows

    def widest(i: int, measure: Callable[[str], int]) -> int:
        return max((measure(row[i]) for row in every), default=0)

    gaps = 2 * (columns - 1)
    whole = sum(widest(i, len) for i in range(columns)) + gaps
    words = sum(widest(i, _longest_word) for i in range(columns)) + gaps
    if whole > width and words > width and table.header:
        return _records(table.header, rows, table.status_column)
    shown = RichTable(
        box=None,
        show_header=table.header is not None,
        header_style="bold",
        pad_edge=False,
        padding=(0, 2, 0, 0),
    )
    for i in range(columns):
        name = table.header[i] if table.header else ""
        shown.add_column(name, no_wrap=whole <= width, overflow="fold")
    for row in rows:
        shown.add_row(*(_cell(cell, i == table.status_column) for i, cell in enumerate(row)))
    return shown


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def _cell(text: str, is_status: bool) -> Text:
    return Text(text, style=STATUS_STYLES.get(text, "") if is_status else "")


def _records(header: tuple[str, ...], rows: list[tuple[str, ...]], status: int | None) -> Group:
    lines: list[Text] = []
    label = max(len(name) for name in header[1:]) if len(header) > 1 else 0
    for row in rows:
        lines.append(Text(row[0], style="bold", overflow="fold"))
        for i in range(1, len(header)):
            line = Text(f"  {header[i]:<{label}}  ", overflow="fold")
            line.append_text(_cell(row[i], i == status))
            lines.append(line)
    return Group(*lines)


BLOCK_WIDTH = 40
"""The block is never wider: a terminal that reflows its lines when it narrows (as
tmux and many others do) would otherwise wrap the last frame into more rows than
rich counts, and leave fragments of it behind."""


def block(execution: Execution, elapsed: float) -> Constrain:
    """The block: the execution's status and time waited, then a line per lane."""
    lines = [Text.assemble(_styled(execution.status), "  ", duration(elapsed))]
    for lane in execution.lanes:
        run = lane.latest_run
        line = Text(f"  lane {lane.index}  ")
        if run is None:
            line.append("-", "dim")
        else:
            line.append(f"run {run.run_number}  ")
            line.append(*_styled(run.status))
            if run.origin_run_number:
                line.append(f"  ({run.run_type} of {run.origin_run_number})", "dim")
        lines.append(line)
    for line in lines:
        line.no_wrap = True
        line.overflow = "ellipsis"
    return Constrain(Group(*lines), BLOCK_WIDTH)


class LiveProgress:
    """The wait as a block redrawn in place, under a line that says what is followed."""

    ticks = True

    def __init__(
        self,
        console: Console,
        *,
        elapsed: Callable[[], float],
        follow: Callable[[str], str] | None,
        real_time: bool,
    ) -> None:
        self._console = console
        self._elapsed = elapsed
        self._follow = follow
        self._execution: Execution | None = None
        self._introduced: set[str] = set()
        self._live = Live(
            console=console,
            get_renderable=self._render,
            auto_refresh=real_time,
            refresh_per_second=1,
            transient=False,
        )

    def _render(self) -> RenderableType:
        if self._execution is None:
            return Group()
        return block(self._execution, self._elapsed())

    def __call__(self, event: ExecutionEvent) -> None:
        self._execution = event.execution
        wid = event.execution.id
        if self._follow is not None and wid not in self._introduced:
            self._introduced.add(wid)
            self.note(f"execution {wid}", "bold")
            self.note(f"follow it with: {self._follow(wid)}")
            self.note("Ctrl-C stops watching; the execution goes on.", "dim")
        if self._live.is_started:
            self._live.refresh()
        else:
            self._live.start(refresh=True)

    def tick(self) -> None:
        if self._live.is_started:
            self._live.refresh()

    def note(self, text: str, style: str | None = None) -> None:
        # Printed above the block while it is live: plain output, wrapped by the terminal.
        self._console.print(rich_text(text, style))

    def close(self) -> None:
        if self._live.is_started:
            self._live.stop()
