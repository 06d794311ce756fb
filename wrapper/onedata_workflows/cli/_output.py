"""Where the command writes, and how it shows a wait as it happens.

Results go to stdout and errors to stderr, or both as JSON on stdout with
``--json``. On a terminal with rich installed (the ``cli`` extra), a wait is a live
block (``_live``); anywhere else, or with the library alone, it is one timestamped
line per change, which reads well in a log after the fact.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from .._auth import redact
from .._waiting import EventKind, ExecutionEvent
from ._display import STATUS_STYLES, Table, Text, clock_time, plain
from ._exits import ExitCode, Failure

if TYPE_CHECKING:
    from rich.console import Console

INSTALL_CLI = "pip install 'onedata-workflows[cli]'"


class Progress(Protocol):
    """Shows a wait as it happens: the ``on_update`` callback of the wait helpers."""

    ticks: bool
    """Whether it shows a clock that :meth:`tick` should move every second."""

    def __call__(self, event: ExecutionEvent) -> None: ...

    def tick(self) -> None: ...

    def note(self, text: str, style: str | None = None) -> None:
        """A line among the progress (a repair made), not redrawn."""

    def close(self) -> None:
        """Leave the last state on screen; what follows starts below it."""


def rich_console(out: TextIO, *, color: bool) -> Console | None:
    """A rich console on ``out`` if it is a terminal and rich is installed."""
    if not out.isatty():
        return None
    try:
        from rich.console import Console
    except ImportError:  # the library without the cli extra: plain lines
        return None
    return Console(
        file=out,
        no_color=not color or None,
        highlight=False,
        markup=False,
        emoji=False,
    )


class Output:
    """The command's output: plain text, JSON, or styled text on a terminal."""

    def __init__(
        self,
        out: TextIO,
        err: TextIO,
        *,
        as_json: bool = False,
        color: bool = True,
        secrets: Sequence[str] = (),
    ) -> None:
        self.out = out
        self.err = err
        self.as_json = as_json
        self.console = None if as_json else rich_console(out, color=color)
        self._secrets = tuple(secrets)

    def shown(self, text: str) -> None:
        """Let ``text`` be printed although it is a token: one the command made to be shown."""
        self._secrets = tuple(secret for secret in self._secrets if secret != text)

    def clean(self, text: str) -> str:
        """``text`` with every token the command knows blanked."""
        for secret in self._secrets:
            text = redact(text, secret)
        return text

    def line(self, text: str, style: str | None = None) -> None:
        """A line of text for people, coloured on a colour terminal."""
        self.show([text], style)

    def show(self, parts: Sequence[Text], style: str | None = None) -> None:
        """Lines and tables for people; ``style`` colours the first line on a terminal.

        On a terminal, text wraps between words and tables fit the width; elsewhere
        both are plain, whatever the length of a line.
        """
        if self.console is None:
            self.out.write(self.clean(plain(parts)) + "\n")
            self.out.flush()
            return
        from ._live import rich_table, rich_text

        for i, part in enumerate(parts):
            if isinstance(part, Table):
                self.console.print(rich_table(part, self.clean, self.console.width))
            else:
                self.console.print(rich_text(self.clean(part), style if i == 0 else None))

    def result(self, data: Any, text: str | Sequence[Text], style: str | None = None) -> None:
        """What a command produced: ``data`` with --json, else ``text``."""
        if self.as_json:
            self.out.write(self.clean(json.dumps(data, indent=2, default=str)) + "\n")
            self.out.flush()
        else:
            self.show([text] if isinstance(text, str) else text, style)

    def failure(self, failure: Failure) -> None:
        """An error: one line on stderr, or a JSON object on stdout with --json."""
        if self.as_json:
            self.out.write(self.clean(json.dumps(failure.json(), indent=2, default=str)) + "\n")
            self.out.flush()
        else:
            label = "" if failure.code == ExitCode.INTERRUPTED else "error: "
            self.err.write(self.clean(f"onedata-workflows: {label}{failure.message}") + "\n")
            self.err.flush()

    def progress(
        self,
        *,
        elapsed: Callable[[], float],
        wall: Callable[[], float],
        follow: Callable[[str], str] | None,
        real_time: bool,
        utc: bool = False,
    ) -> Progress | None:
        """How to show a wait here: None with --json (the result says it all)."""
        if self.as_json:
            return None
        if self.console is not None:
            from ._live import LiveProgress

            return LiveProgress(self.console, elapsed=elapsed, follow=follow, real_time=real_time)
        if self.out.isatty():
            self.err.write(f"(plain progress lines: {INSTALL_CLI} for a live display)\n")
        return PlainProgress(self.out, elapsed=elapsed, wall=wall, follow=follow, utc=utc)


class PlainProgress:
    """One timestamped line per change, for logs, pipes and CI."""

    ticks = False

    def __init__(
        self,
        out: TextIO,
        *,
        elapsed: Callable[[], float],
        wall: Callable[[], float],
        follow: Callable[[str], str] | None,
        utc: bool = False,
    ) -> None:
        self._out = out
        self._elapsed = elapsed
        self._wall = wall
        self._follow = follow
        self._utc = utc
        self._introduced: set[str] = set()

    def _write(self, text: str) -> None:
        self._out.write(f"[{clock_time(self._wall(), utc=self._utc)}] {text}\n")
        self._out.flush()

    def __call__(self, event: ExecutionEvent) -> None:
        wid = event.execution.id
        if self._follow is not None and wid not in self._introduced:
            self._introduced.add(wid)
            self._write(f"execution {wid}; follow it with: {self._follow(wid)}")
        subject = "execution" if event.kind is EventKind.EXECUTION_STATUS else ""
        self._write(f"{subject} {event}".strip() + f"  (t+{self._elapsed():.0f}s)")

    def tick(self) -> None:
        pass

    def note(self, text: str, style: str | None = None) -> None:
        self._write(text)

    def close(self) -> None:
        pass


def status_style(status: str) -> str:
    return STATUS_STYLES.get(str(status), "")


def ticking(
    sleep: Callable[[float], object],
    progress: Callable[[], Progress | None],
    step: float = 1.0,
) -> Callable[[float], None]:
    """``sleep`` in steps of ``step`` seconds that move a live display's clock.

    Sleeping on the client's clock, real or virtual, is what makes the elapsed time
    tick, so a test drives it without sleeping.
    """

    def sleep_ticking(seconds: float) -> None:
        shown = progress()
        if shown is None or not shown.ticks:
            sleep(seconds)
            return
        while seconds > 0:
            pause = min(step, seconds)
            sleep(pause)
            seconds -= pause
            shown.tick()

    return sleep_ticking
