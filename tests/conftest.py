"""Fixtures shared by the whole suite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = Path(__file__).resolve().parent / "data" / "published"


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    """openapi.yaml, parsed."""
    with (ROOT / "openapi.yaml").open() as f:
        loaded: dict[str, Any] = yaml.safe_load(f)
    return loaded


def published(name: str) -> Any:
    """One of the examples printed in Onedata's published reference, as JSON."""
    return json.loads((PUBLISHED / name).read_text())
