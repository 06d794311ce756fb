"""Compile openapi.yaml into the low-level client, or check that the committed one matches.

    python tools/codegen.py generate   # rewrite generated/oneprovider_automation_client
    python tools/codegen.py check      # regenerate into a temporary directory and diff

Both build into a fresh temporary directory, so the result never depends on what
was there before (``--overwrite`` would keep stray files), and both refuse to run
with a generator or ruff other than the pinned ones, whose output differs.
"""

from __future__ import annotations

import difflib
import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
CONFIG = ROOT / "codegen.yaml"
PACKAGE = "oneprovider_automation_client"
TARGET = ROOT / "generated" / PACKAGE
PINNED_TOOLS = ("openapi-python-client", "ruff")
IGNORED = {"__pycache__", ".ruff_cache"}


def pinned_versions() -> dict[str, str]:
    """Read the exact pins of the generator and ruff from pyproject.toml's dev extra."""
    dev = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    pins = {}
    for requirement in dev["dev"]:
        match = re.fullmatch(r"([A-Za-z0-9_.-]+)==([^\s;]+)", requirement)
        if match and match.group(1) in PINNED_TOOLS:
            pins[match.group(1)] = match.group(2)
    missing = set(PINNED_TOOLS) - pins.keys()
    if missing:
        sys.exit(f"pyproject.toml must pin {', '.join(sorted(missing))} exactly (==)")
    return pins


def check_tool_versions() -> None:
    for name, wanted in pinned_versions().items():
        installed = version(name)
        if installed != wanted:
            sys.exit(f"{name} {installed} is installed, {wanted} is pinned: run `make venv`")


def build(into: Path) -> Path:
    """Run the generator into ``into`` and return the package directory it wrote."""
    out = into / PACKAGE
    env = dict(os.environ)
    # The post hooks look ruff up on PATH; without the venv's bin they are skipped.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    command = [
        sys.executable, "-m", "openapi_python_client", "generate",
        "--path", str(SPEC),
        "--config", str(CONFIG),
        "--meta", "none",
        "--fail-on-warning",
        "--output-path", str(out),
    ]  # fmt: skip
    result = subprocess.run(command, env=env, cwd=into, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        sys.exit(f"openapi-python-client failed with exit code {result.returncode}")
    # --meta none writes no marker; the package ships its types.
    (out / "py.typed").write_text("")
    return out


def differences(expected: Path, actual: Path) -> list[str]:
    """Unified diffs (and added/removed files) between two trees, ignoring caches."""
    lines: list[str] = []

    def walk(cmp: filecmp.dircmp[str], rel: Path) -> None:
        for name in sorted(cmp.left_only):
            if name not in IGNORED:
                lines.append(f"only in the committed client: {rel / name}")
        for name in sorted(cmp.right_only):
            if name not in IGNORED:
                lines.append(f"missing from the committed client: {rel / name}")
        for name in sorted(cmp.diff_files + cmp.funny_files):
            left = (Path(cmp.left) / name).read_text().splitlines(keepends=True)
            right = (Path(cmp.right) / name).read_text().splitlines(keepends=True)
            lines.extend(
                difflib.unified_diff(
                    left, right, f"committed/{rel / name}", f"regenerated/{rel / name}"
                )
            )
        for name, sub in sorted(cmp.subdirs.items()):
            if name not in IGNORED:
                walk(sub, rel / name)

    walk(filecmp.dircmp(expected, actual, ignore=sorted(IGNORED)), Path(PACKAGE))
    return lines


def main(argv: list[str]) -> int:
    if argv not in (["generate"], ["check"]):
        sys.stderr.write(__doc__ or "")
        return 2
    check_tool_versions()
    with tempfile.TemporaryDirectory(prefix="codegen-") as tmp:
        fresh = build(Path(tmp))
        if argv == ["generate"]:
            shutil.rmtree(TARGET, ignore_errors=True)
            shutil.copytree(fresh, TARGET, ignore=shutil.ignore_patterns(*IGNORED))
            print(f"wrote {TARGET.relative_to(ROOT)}")
            return 0
        if not TARGET.is_dir():
            print(f"{TARGET.relative_to(ROOT)} is missing: run `make generate`")
            return 1
        diff = differences(TARGET, fresh)
    if diff:
        sys.stdout.writelines(line if line.endswith("\n") else line + "\n" for line in diff)
        print("\nThe committed client does not match openapi.yaml: run `make generate`.")
        return 1
    print("generated client matches openapi.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
