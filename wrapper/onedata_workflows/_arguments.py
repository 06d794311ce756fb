"""Checks of caller input, done before anything is sent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oneprovider_automation_client.models import LogLevel

LOG_LEVELS = tuple(level.value for level in LogLevel)


def check_id(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty or blank")
    return value


def check_positive(name: str, value: object) -> int:
    """A whole number ≥ 1: lane indices (1-based), run and revision numbers."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, not {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1 (lanes are counted from 1), not {value}")
    return value


def check_log_level(value: object) -> LogLevel:
    if isinstance(value, str) and value in LOG_LEVELS:
        return LogLevel(value)
    raise ValueError(f"log_level must be one of {', '.join(LOG_LEVELS)}, not {value!r}")


def check_store_content(value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(
            f"store_initial_content must be a mapping of store schema id to content, "
            f"not {type(value).__name__}"
        )
    for key in value:
        check_id("a store schema id in store_initial_content", key)
    return value


def check_page_size(value: object) -> int:
    size = check_positive("page_size", value)
    if size > 1000:
        raise ValueError(f"page_size must be at most 1000, not {size}")
    return size
