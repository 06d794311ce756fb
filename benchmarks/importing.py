"""What ``import onedata_workflows`` costs, against ``import httpx``, in this environment.

    make bench

Each import runs in a fresh interpreter, taking turns with the baseline, ROUNDS times;
medians of the whole process, and of the import alone (the process less a bare
interpreter's). Then what the import loads beyond httpx: neither asyncio, nor the
command, nor the simulator, nor any test tool.

Targets: the import costs at most 2x httpx's, whole process and import alone; none of
those modules loaded beyond what httpx loads.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

ROUNDS = 30
SUBJECTS = {
    "bare interpreter": "pass",
    "import httpx": "import httpx",
    "import onedata_workflows": "import onedata_workflows",
}
NOT_LOADED = ["asyncio", "onedata_workflows.cli", "onedata_workflows.testing", "pytest", "rich"]


def once(code: str) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - began


def main() -> int:
    for code in SUBJECTS.values():
        once(code)  # warm the file cache
    times: dict[str, list[float]] = {name: [] for name in SUBJECTS}
    for _ in range(ROUNDS):
        for name, code in SUBJECTS.items():
            times[name].append(once(code))
    median = {name: statistics.median(values) for name, values in times.items()}
    bare = median["bare interpreter"]
    print(f"{ROUNDS} rounds, each in a fresh interpreter of this environment ({sys.prefix}).\n")
    print("| | whole process (ms) | import alone (ms) |")
    print("|---|--:|--:|")
    for name, value in median.items():
        print(f"| {name} | {1000 * value:.1f} | {1000 * (value - bare):.1f} |")
    whole = median["import onedata_workflows"] / median["import httpx"]
    alone = (median["import onedata_workflows"] - bare) / (median["import httpx"] - bare)
    # httpx itself loads rich (for its own command) where rich is installed: what counts
    # is what onedata_workflows adds.
    probe = (
        "import sys, httpx\n"
        "before = set(sys.modules)\n"
        "import onedata_workflows\n"
        f"print(','.join(m for m in {NOT_LOADED!r} if m in set(sys.modules) - before))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout.strip()
    checks = {
        f"whole process at most 2x httpx's: {whole:.2f}x": whole <= 2,
        f"import alone at most 2x httpx's: {alone:.2f}x": alone <= 2,
        "none of "
        + ", ".join(NOT_LOADED)
        + " loaded beyond what httpx loads"
        + (f" (loaded: {loaded})" if loaded else ""): (not loaded),
    }
    print()
    for name, met in checks.items():
        print(f"- {name}: {'met' if met else 'MISSED'}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
