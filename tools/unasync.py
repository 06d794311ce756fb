"""Write the blocking client from the asyncio one, or check that the committed one matches.

    python tools/unasync.py generate   # rewrite wrapper/onedata_workflows/_sync/
    python tools/unasync.py check      # fail if it differs from what generate would write

``AsyncWorkflowClient`` (``_async/``) is the only client written by hand. Each of its
modules becomes the same module of ``_sync/`` through this fixed list of
substitutions, each matched as a regular expression; a substitution that no longer
matches anything is an error, so the list cannot rot. The output is then left as
the pinned ruff leaves the rest of the package: imports sorted and pruned, formatted.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "wrapper" / "onedata_workflows"
SOURCE = PACKAGE / "_async"
TARGET = PACKAGE / "_sync"

# (pattern, replacement): regular expressions, applied in order.
SUBSTITUTIONS = [
    (r"\basync def\b", "def"),
    (r"\basync for\b", "for"),
    (r"\basync with\b", "with"),
    (r"\bawait ", ""),
    (r"\bAsyncWorkflowClient\b", "WorkflowClient"),
    (r"\bAsyncOperations\b", "Operations"),
    (r"\bAsyncPolls\b", "Polls"),
    (r"\bAsyncSignal\b", "Signal"),
    (r"\bAsyncShardedTransport\b", "ShardedTransport"),
    (r"\basync_sleep\b", "sync_sleep"),
    (r"\bAsyncIterator\b", "Iterator"),
    (r"Callable\[\[float\], Awaitable\[None\]\]", "Callable[[float], None]"),
    (r"\bhttpx\.AsyncClient\b", "httpx.Client"),
    (r"\bhttpx\.AsyncBaseTransport\b", "httpx.BaseTransport"),
    (r"\bhttpx\.AsyncHTTPTransport\b", "httpx.HTTPTransport"),
    (r"\bhttpx\.AsyncByteStream\b", "httpx.SyncByteStream"),
    (r"\b_AsyncReleased\b", "_Released"),
    (r"\b_AsyncStream\b", "_Stream"),
    (r"\b_AsyncBackend\b", "_Backend"),
    (r"\bhttpcore\.AsyncNetworkStream\b", "httpcore.NetworkStream"),
    (r"\bhttpcore\.AsyncNetworkBackend\b", "httpcore.NetworkBackend"),
    (r"\bhandle_async_request\b", "handle_request"),
    (r"\b__aiter__\b", "__iter__"),
    (r"\baclose\b", "close"),
    (r"\baread\b", "read"),
    (r"\baiter_bytes\b", "iter_bytes"),
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"whose calls are awaited", "whose calls block"),
]


def unasync(sources: dict[str, str]) -> dict[str, str]:
    """The blocking modules for the asyncio modules ``sources`` (by file name)."""
    results = dict(sources)
    for pattern, replacement in SUBSTITUTIONS:
        total = 0
        for name, text in results.items():
            results[name], count = re.subn(pattern, replacement, text)
            total += count
        if total == 0:
            sys.exit(f"unasync: a substitution matched nothing: {pattern}")
    return {
        name: f"# Generated from {(SOURCE / name).relative_to(ROOT)} by tools/unasync.py; "
        "do not edit.\n" + text
        for name, text in results.items()
    }


def formatted(name: str, text: str) -> str:
    """``text`` as the pinned ruff leaves it: imports sorted and pruned, then formatted."""
    ruff = str(Path(sys.executable).parent / "ruff")
    for command in (
        [ruff, "check", "--fix-only", "--select", "I,F401", "--exit-zero"],
        [ruff, "format"],
    ):
        result = subprocess.run(
            # Named as its place in the package, so that ruff applies the project's settings.
            [*command, "--stdin-filename", str(PACKAGE / "_sync" / name), "-"],
            input=text,
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        if result.returncode != 0:
            sys.exit(f"unasync: {' '.join(command[1:])} failed:\n{result.stderr}")
        text = result.stdout
    return text


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def expected() -> dict[str, str]:
    sources = {path.name: path.read_text() for path in sorted(SOURCE.glob("*.py"))}
    return {name: formatted(name, text) for name, text in unasync(sources).items()}


def main(argv: list[str]) -> int:
    if argv not in (["generate"], ["check"]):
        sys.stderr.write(__doc__ or "")
        return 2
    wanted = expected()
    if argv == ["generate"]:
        shutil.rmtree(TARGET, ignore_errors=True)
        TARGET.mkdir()
        for name, text in wanted.items():
            (TARGET / name).write_text(text)
        print(f"wrote {shown(TARGET)}/")
        return 0
    actual = {path.name: path.read_text() for path in sorted(TARGET.glob("*.py"))}
    if actual == wanted:
        print(f"{shown(TARGET)}/ matches {shown(SOURCE)}/")
        return 0
    for name in sorted(actual.keys() | wanted.keys()):
        path = f"{shown(TARGET)}/{name}"
        sys.stdout.writelines(
            difflib.unified_diff(
                actual.get(name, "").splitlines(keepends=True),
                wanted.get(name, "").splitlines(keepends=True),
                f"committed/{path}",
                f"regenerated/{path}",
            )
        )
    print(f"\n{shown(TARGET)}/ does not match its source: run `make generate`.")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
