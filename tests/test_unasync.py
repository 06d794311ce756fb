"""The blocking client is generated from the asyncio one, and a hand edit is caught."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_unasync() -> ModuleType:
    spec = importlib.util.spec_from_file_location("unasync", ROOT / "tools" / "unasync.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def unasync() -> ModuleType:
    return load_unasync()


def test_the_committed_sync_client_is_what_generation_writes(unasync: ModuleType) -> None:
    committed = {path.name: path.read_text() for path in sorted(unasync.TARGET.glob("*.py"))}
    assert committed == unasync.expected()
    for name, text in committed.items():
        assert text.startswith(f"# Generated from wrapper/onedata_workflows/_async/{name} ")
        assert "do not edit" in text.splitlines()[0]
        assert "async " not in text
        assert "await " not in text


def test_a_hand_edit_fails_the_check(
    unasync: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    copy = tmp_path / "_sync"
    shutil.copytree(unasync.TARGET, copy)
    monkeypatch.setattr(unasync, "TARGET", copy)
    assert unasync.main(["check"]) == 0
    edited = copy / "_operations.py"
    edited.write_text(edited.read_text().replace("attempt += 1", "attempt += 2"))
    assert unasync.main(["check"]) == 1
    report = capsys.readouterr().out
    assert "-            attempt += 2" in report
    assert "make generate" in report


def test_a_substitution_that_matches_nothing_is_an_error(unasync: ModuleType) -> None:
    with pytest.raises(SystemExit, match="matched nothing"):
        unasync.unasync({"_client.py": '"""Nothing async here."""\n'})


def test_the_sync_client_never_loads_asyncio() -> None:
    code = (
        "import sys, onedata_workflows\n"
        "from onedata_workflows import WorkflowClient\n"
        "assert 'asyncio' not in sys.modules, sorted(m for m in sys.modules if 'asyncio' in m)\n"
    )
    import subprocess

    subprocess.run([sys.executable, "-c", code], check=True)
