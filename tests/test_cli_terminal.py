"""The waiting commands as a person sees them: in a pseudo-terminal, read by an emulator.

Each test runs the command in a terminal of 40 or 120 columns (``tests/terminal.py``),
pauses it at known virtual seconds, and checks the whole screen: what a person
would read, after every redraw, resize and Ctrl-C, with no stale fragment anywhere.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Iterator

import msgspec
import pytest
from rich.console import Console

from onedata_workflows import Execution, ExecutionStatus
from onedata_workflows.cli._live import block
from onedata_workflows.testing import FakeOneprovider, LaneSpec
from oneprovider_automation_client.models import WorkflowExecutionDetails

from .terminal import Terminal

FAILING = ["finish", "fail", "finish"]


@pytest.fixture
def terminal() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for each in opened:
        each.close()


def open_terminal(opened: list[Terminal], columns: int) -> Terminal:
    made = Terminal(columns)
    opened.append(made)
    return made


def wrapped(text: str, columns: int) -> list[str]:
    """``text`` as rich wraps it: between words, a word longer than the line on its own."""
    return textwrap.wrap(text, columns, break_long_words=True, break_on_hyphens=False)


def intro(wid: str, columns: int) -> list[str]:
    """What the live display says first: the execution, how to follow it, what Ctrl-C does."""
    return [
        *wrapped(f"execution {wid}", columns),
        *wrapped(f"follow it with: onedata-workflows wait {wid}", columns),
        *wrapped("Ctrl-C stops watching; the execution goes on.", columns),
    ]


def wid_on(screen: Terminal) -> str:
    found = re.search(r"[0-9a-f]{32}ch[0-9a-f]{4}", screen.joined())
    assert found, "\n".join(screen.lines)
    return found.group()


@pytest.mark.parametrize("columns", [40, 120])
def test_wait_redraws_in_place_and_ticks_every_second(
    terminal: list[Terminal], columns: int
) -> None:
    screen = open_terminal(terminal, columns)
    screen.start(
        argv=["wait", "{wid}"], lanes=FAILING, duration=100, schedule=True, pauses=[60, 61, 62]
    )
    screen.until_paused()
    wid = wid_on(screen)
    block = ["  lane 1  run 1  active", "  lane 2  -", "  lane 3  -"]
    assert screen.lines == [*intro(wid, columns), "active  1m 00s", *block]
    for second in (61, 62):  # between two polls, only the clock moves
        screen.resume()
        screen.until_paused()
        assert screen.lines == [*intro(wid, columns), f"active  1m {second - 60:02d}s", *block]
    assert screen.style_of("active") == ("cyan", False)
    screen.resume()
    assert screen.finish() == 1
    lines = screen.lines
    # The block, left on screen above the end (which may have scrolled the intro away).
    top = next(i for i, line in enumerate(lines) if re.fullmatch(r"failed  2m \d\ds", line))
    rest = lines[top:]
    assert rest[1:4] == ["  lane 1  run 1  finished", "  lane 2  run 1  failed", "  lane 3  -"]
    why = next(i for i, line in enumerate(rest) if line.startswith("why: "))
    ending = " ".join(rest[4:why])
    assert re.fullmatch(
        rf"execution {wid} failed in lane 2, run 1 \(failed\); its exception store is "
        r"[0-9a-f]{32}ch[0-9a-f]{4}",
        ending,
    )
    said = " ".join(rest[why:])
    assert "why: lane 2 run 1 failed" in said
    assert f"next: rerun lane 2 run 1: onedata-workflows rerun {wid} 2 1" in said
    assert all(len(line) <= columns for line in lines)
    assert screen.style_of("failed  ") == ("red", True), "the block's status, in colour"


def test_a_resized_terminal_keeps_no_fragments(terminal: list[Terminal]) -> None:
    screen = open_terminal(terminal, 120)
    screen.start(
        argv=["run", "{space}", "{schema}", "1"], lanes=FAILING, duration=100, pauses=[60, 61, 62]
    )
    screen.until_paused()
    wid = wid_on(screen)
    block = ["  lane 1  run 1  active", "  lane 2  -", "  lane 3  -"]
    assert screen.lines == [*intro(wid, 120), "active  1m 00s", *block]
    screen.resize(40)
    screen.resume()
    screen.until_paused()
    # The terminal cut what was already written at 40 columns; the block was redrawn whole.
    cut = [line[:40] for line in intro(wid, 120)]
    assert screen.lines == [*cut, "active  1m 01s", *block]
    screen.resize(120)
    screen.resume()
    screen.until_paused()
    assert screen.lines == [*cut, "active  1m 02s", *block]
    screen.resize(40)
    screen.resume()
    assert screen.finish() == 0
    lines = screen.lines
    assert lines[:3] == cut
    rest = lines[3:]
    repair = "repair: rerun lane 2 run 1: lane 2 run 1 ended failed; rerunning all of its items"
    assert rest[:2] == wrapped(repair, 40), "the repair, above the block as it went on"
    assert re.fullmatch(r"finished  \d+m \d\ds", rest[2])
    assert rest[3:6] == [
        "  lane 1  run 1  finished",
        "  lane 2  run 2  finished  (rerun of 1)",
        "  lane 3  run 2  finished",
    ]
    assert rest[6:9] == wrapped(f"execution {wid} finished", 40)
    table = rest[10:15]
    assert [line.split() for line in table] == [
        ["lane", "run", "status", "type", "accepts"],
        ["1", "1", "finished", "regular", "rerun"],
        ["2", "1", "failed", "regular", "rerun"],
        ["2", "2", "finished", "rerun", "of", "1", "rerun"],
        ["3", "2", "finished", "regular", "rerun"],
    ], "the runs table fits 40 columns"
    assert re.fullmatch(r"\d+ polls, 0 transient errors, \d+m \d\ds", rest[-1])
    assert all(len(line) <= 40 for line in lines)


@pytest.mark.parametrize("columns", [40, 120])
def test_ctrl_c_leaves_the_execution_running_and_says_so(
    terminal: list[Terminal], columns: int
) -> None:
    screen = open_terminal(terminal, columns)
    screen.start(argv=["wait", "{wid}"], lanes=FAILING, duration=100, schedule=True, pauses=[30])
    screen.until_paused()
    wid = wid_on(screen)
    screen.type_ctrl_c()
    assert screen.finish() == 130
    lines = screen.lines
    assert lines[: len(intro(wid, columns)) + 1] == [*intro(wid, columns), "active  30s"]
    message = (
        f"onedata-workflows: stopped waiting; execution {wid} goes on. "
        f"Wait for it again with: onedata-workflows wait {wid}"
    )
    assert message in screen.joined(), "\n".join(lines)


def test_the_block_clips_long_lines_on_purpose(fake: FakeOneprovider) -> None:
    """A status from a newer provider, however long, stays on its line: clipped, not wrapped."""
    schema_id, _ = fake.add_workflow_schema([LaneSpec(duration=10)])
    execution = Execution.from_model(
        WorkflowExecutionDetails.from_dict(fake.execution(fake.schedule_execution(schema_id)))
    )
    newer = msgspec.structs.replace(
        execution, status=ExecutionStatus("awaiting-a-very-long-new-condition")
    )
    for width in (40, 120):
        console = Console(width=width, file=io.StringIO(), record=True)
        console.print(block(newer, 3725.0))
        lines = console.export_text().splitlines()
        assert [line.rstrip() for line in lines] == [
            "awaiting-a-very-long-new-condition  1h …",
            "  lane 1  run 1  scheduled",
        ]
