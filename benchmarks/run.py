"""Run every benchmark and write BENCHMARKS.md: the machine, the date, the commands, the tables.

    make bench

Each benchmark compares against its own baseline within one run and prints its
tables and targets; this collects them as they are. It exits non-zero if any
benchmark says a target was missed, after writing the whole report.
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "BENCHMARKS.md"
BENCHMARKS = [
    ("Reading an execution", "reading.py", "What one look costs, against httpx + json.loads."),
    ("Polling", "polling.py", "Requests and lateness of the default poll policy."),
    ("Waiting on callbacks", "callbacks.py", "Callbacks with a safety poll, against polling."),
    ("Many executions at once", "scale.py", "as_completed over 1,000 and 5,000 executions."),
    ("The simulator's HTTP server", "loopback.py", "Per request, against http.server."),
    ("Importing", "importing.py", "import onedata_workflows, against import httpx."),
]


def machine() -> str:
    cpus = os.cpu_count()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{platform.system()} {platform.release()} {platform.machine()}, {cpus} CPUs "
        f"(load {load} at the start), Python {platform.python_version()}, "
        f"httpx {version('httpx')}, httpcore {version('httpcore')}, msgspec {version('msgspec')}"
    )


def main() -> int:
    started = datetime.datetime.now(datetime.UTC)
    sections = []
    missed = []
    for title, script, what in BENCHMARKS:
        command = [sys.executable, str(ROOT / "benchmarks" / script)]
        print(f"running benchmarks/{script} ...", flush=True)
        began = time.monotonic()
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        seconds = time.monotonic() - began
        output = result.stdout.rstrip()
        print(output, flush=True)
        if result.returncode != 0:
            missed.append(title)
            output += "\n\n**A target was missed**" + (
                f" (exit code {result.returncode}):\n\n```\n{result.stderr.strip()[-2000:]}\n```"
                if result.stderr.strip()
                else "."
            )
        sections.append(
            f"## {title}\n\n{what} `python benchmarks/{script}`, {seconds:.0f} s.\n\n{output}\n"
        )
    header = (
        "# Benchmarks\n\n"
        f"Written by `make bench` on {started:%Y-%m-%d %H:%M} UTC.\n\n"
        f"Machine: {machine()}.\n\n"
        "Every figure compares against a baseline measured in the same run, so the ratios "
        "hold across machines; absolute times are this machine's. "
        + (
            "Every target was met.\n"
            if not missed
            else f"Targets missed in: {', '.join(missed)}.\n"
        )
    )
    REPORT.write_text(header + "\n" + "\n".join(sections))
    print(f"wrote {REPORT.relative_to(ROOT)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
