"""The simulator must be able to catch the generated client's mistakes, so it never uses it."""

from __future__ import annotations

import ast
from pathlib import Path

import onedata_workflows.testing


def test_simulator_does_not_import_the_generated_client() -> None:
    package = Path(onedata_workflows.testing.__file__).parent
    imported = set()
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
    assert imported, "the scan found the modules"
    assert not {name for name in imported if name.startswith("oneprovider_automation_client")}
    assert not {name for name in imported if name.startswith("onedata_workflows")}, (
        "only relative imports within the simulator"
    )
