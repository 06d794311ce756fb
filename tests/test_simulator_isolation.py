"""The simulator must be able to catch the generated client's mistakes, so it never uses it."""

from __future__ import annotations

import ast
from pathlib import Path

import onedata_workflows
import onedata_workflows.testing

# Wires our clients to a simulated provider; it imports their public names, nothing else.
CLIENT_WIRING = "_clients.py"


def imports(source: Path) -> set[str]:
    """The absolute modules a source file imports at run time.

    Relative imports are left out, and so are those made only for type annotations.
    """
    tree = ast.parse(source.read_text())
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_simulator_does_not_import_the_generated_client() -> None:
    package = Path(onedata_workflows.testing.__file__).parent
    imported = set()
    for source in package.glob("*.py"):
        if source.name != CLIENT_WIRING:
            imported |= imports(source)
    assert imported, "the scan found the modules"
    assert not {name for name in imported if name.startswith("oneprovider_automation_client")}
    assert not {name for name in imported if name.startswith("onedata_workflows")}, (
        "only relative imports within the simulator"
    )


def test_the_client_wiring_uses_only_public_names() -> None:
    source = Path(onedata_workflows.testing.__file__).parent / CLIENT_WIRING
    tree = ast.parse(source.read_text())
    ours = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and (
            node.level > 1
            or (node.module or "").startswith(
                ("onedata_workflows", "oneprovider_automation_client")
            )
        )
    ]
    assert [node.module for node in ours] == ["onedata_workflows"]
    names = {alias.name for node in ours for alias in node.names}
    assert names <= set(onedata_workflows.__all__)
