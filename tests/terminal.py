"""Run the command in a pseudo-terminal and read its screen as a person would see it.

:class:`Terminal` gives a child process a pseudo-terminal of a chosen size and feeds
everything the child writes to a terminal emulator (pyte), whose screen the tests
read. The child (``python -m tests.terminal SPEC``) serves a simulated provider on a
virtual clock and runs the command against it: no test sleeps. At the virtual
seconds the spec names, the child pauses (marking the moment in its output) until
the parent resumes it, so the parent can read the screen, resize the terminal or
type Ctrl-C at a known moment.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import random
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path
from typing import Any

import pyte

ROOT = Path(__file__).resolve().parent.parent
PAUSED = b"\x1b]51;paused\x07"
"""An OSC sequence no terminal acts on: the child's mark that it has paused."""
_SAFETY = 60.0
"""Seconds a step may take before the test fails instead of hanging (never slept)."""


class Terminal:
    """A pseudo-terminal of ``columns`` x ``rows``, its screen kept by pyte."""

    def __init__(self, columns: int, rows: int = 50) -> None:
        self.master, self._slave = os.openpty()
        self.screen = pyte.Screen(columns, rows)
        self._stream = pyte.ByteStream(self.screen)
        self._set_size(columns, rows)
        self._received = bytearray()
        self._ended = False
        self._changed = threading.Condition()
        self._process: subprocess.Popen[bytes] | None = None
        self._control = -1

    def _set_size(self, columns: int, rows: int) -> None:
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))

    def start(self, **spec: Any) -> None:
        """Run the command in the terminal, as :func:`drive` describes ``spec``."""
        control, self._control = os.pipe()
        env = {
            name: value
            for name, value in os.environ.items()
            if name not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE")
        }
        env.update(TERM="xterm-256color", TZ="XST-2", PYTHONUNBUFFERED="1")
        spec["control"] = control
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.terminal", json.dumps(spec)],
            stdin=self._slave,
            stdout=self._slave,
            stderr=self._slave,
            cwd=ROOT,
            env=env,
            pass_fds=(control,),
            start_new_session=True,
        )
        os.close(self._slave)
        os.close(control)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the child has closed the terminal
                chunk = b""
            with self._changed:
                if not chunk:
                    self._ended = True
                    self._changed.notify_all()
                    return
                self._received += chunk
                self._changed.notify_all()

    def until_paused(self) -> None:
        """Show on screen everything written up to the child's next pause."""
        with self._changed:
            self._changed.wait_for(lambda: PAUSED in self._received or self._ended, timeout=_SAFETY)
            assert PAUSED in self._received, self._failure("never paused")
            before, _, after = bytes(self._received).partition(PAUSED)
            self._received[:] = after
        self._stream.feed(before)

    def resume(self) -> None:
        os.write(self._control, b"g")

    def resize(self, columns: int, rows: int | None = None) -> None:
        """Resize the terminal, as a person dragging its window would."""
        rows = rows or self.screen.lines
        self.screen.resize(rows, columns)
        self._set_size(columns, rows)

    def type_ctrl_c(self) -> None:
        os.write(self.master, b"\x03")

    def finish(self) -> int:
        """Wait for the command to end; show the rest of its output; its exit code."""
        assert self._process is not None
        code = self._process.wait(timeout=_SAFETY)
        with self._changed:
            assert self._changed.wait_for(lambda: self._ended, timeout=_SAFETY)
            rest = bytes(self._received)
        self._stream.feed(rest)
        os.close(self.master)
        os.close(self._control)
        return code

    def close(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()

    @property
    def lines(self) -> list[str]:
        """The screen's rows, trailing blanks removed, blank rows at the bottom dropped."""
        rows = [row.rstrip() for row in self.screen.display]
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def joined(self) -> str:
        """The screen as one string, rows run together: text the terminal wrapped reads whole."""
        return "".join(self.screen.display)

    def style_of(self, text: str) -> tuple[str, bool]:
        """The colour and boldness of the last place ``text`` shows on screen."""
        for y in range(self.screen.lines - 1, -1, -1):
            x = self.screen.display[y].find(text)
            if x >= 0:
                char = self.screen.buffer[y][x]
                return char.fg, char.bold
        raise AssertionError(f"{text!r} is not on screen:\n" + "\n".join(self.lines))

    def _failure(self, what: str) -> str:
        return f"{what}; received: {bytes(self._received)[-2000:]!r}"


# -- the child ----------------------------------------------------------------------


def drive(spec: dict[str, Any]) -> int:
    """Serve a simulated provider on a virtual clock and run the command against it.

    ``spec``: ``argv`` (``{space}``, ``{schema}`` and ``{wid}`` filled in), ``lanes``
    (an outcome for each lane's first run), ``duration`` of each lane run,
    ``schedule`` (schedule an execution first, for ``{wid}``), ``pauses`` (virtual
    seconds after the start), and ``control`` (the fd the parent resumes it by).
    """
    from onedata_workflows.cli import main
    from onedata_workflows.testing import FakeOneprovider, LaneSpec, Outcome

    with contextlib.suppress(OSError):  # make it the controlling terminal: Ctrl-C reaches us
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    fake = FakeOneprovider()
    lanes = [LaneSpec(duration=spec["duration"], outcomes=[Outcome(o)]) for o in spec["lanes"]]
    schema_id, _ = fake.add_workflow_schema(lanes)
    pauses = list(spec.get("pauses", []))
    start = fake.now()

    def sleep(seconds: float) -> None:
        # Pause before time moves on, so the screen shows what the last tick drew.
        if pauses and fake.now() - start >= pauses[0]:
            pauses.pop(0)
            sys.stdout.flush()
            os.write(1, PAUSED)
            os.read(spec["control"], 1)
        fake.advance(seconds)

    with fake.serve() as base_url:
        os.environ.update(ONEPROVIDER_BASE_URL=base_url, ONEDATA_TOKEN=fake.token)
        wid = fake.schedule_execution(schema_id) if spec.get("schedule") else ""
        fill = {"space": fake.space_id, "schema": schema_id, "wid": wid}
        argv = [word.format(**fill) for word in spec["argv"]]
        options = {
            "sleep": sleep,
            "monotonic": fake.now,
            "clock": fake.now,
            "rng": random.Random(7),
        }
        return main(argv, client_options=options)


if __name__ == "__main__":
    sys.exit(drive(json.loads(sys.argv[1])))
