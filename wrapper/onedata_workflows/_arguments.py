"""Checks of caller input, done before anything is sent.

A value of the wrong type raises :class:`ArgumentTypeError` (a ``TypeError`` that is
also a ``ValueError``, so ``except ValueError`` catches every bad argument); a value
of the right type that the service could never accept raises ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oneprovider_automation_client.models import LogLevel

MAX_ID_LENGTH = 256
"""Onedata's ids are 38 characters; anything past this bound is not an id."""
MAX_NUMBER = 2**53 - 1
"""Lane indices, run and revision numbers: the largest integer every JSON reader keeps exact."""
_FORBIDDEN_IN_IDS = frozenset("/?#%\\")


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type (a ``TypeError``, and a ``ValueError`` like any bad input)."""


def check_text(name: str, value: object) -> str:
    """A non-blank string without surrounding whitespace (hosts, URLs, schema ids in content)."""
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty or blank")
    if value != value.strip():
        raise ValueError(f"{name} must not start or end with whitespace: {value!r}")
    return value


def check_id(name: str, value: object) -> str:
    """An id that becomes one path segment (percent-encoded): printable ASCII, bounded.

    ``.`` and ``..`` are refused because URL normalisation would turn them into
    another endpoint; ``/ ? # % \\`` because they would split or re-encode the path.
    """
    text = check_text(name, value)
    if len(text) > MAX_ID_LENGTH:
        raise ValueError(f"{name} is {len(text)} characters long; ids have at most {MAX_ID_LENGTH}")
    if text in (".", ".."):
        raise ValueError(f"{name} must not be {text!r}")
    bad = sorted({c for c in text if not (0x21 <= ord(c) <= 0x7E) or c in _FORBIDDEN_IN_IDS})
    if bad:
        shown = ", ".join(repr(c) for c in bad[:5])
        raise ValueError(f"{name} must be printable ASCII without / ? # % \\ (found {shown})")
    return text


def check_ids(value: Iterable[str]) -> Iterable[str]:
    """Many ids; one id on its own (a string is iterable too) is refused, not split."""
    if isinstance(value, str | bytes):
        raise ArgumentTypeError(f"give an iterable of ids, such as [{value!r}], not one id")
    return value


def check_number(name: str, value: object) -> int:
    """A whole number from 1 to :data:`MAX_NUMBER`: lane indices (from 1), run and revisions."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentTypeError(f"{name} must be an int, not {type(value).__name__} {value!r}")
    if value < 1:
        counted = " (lanes are counted from 1)" if name == "lane_index" else ""
        raise ValueError(f"{name} must be at least 1{counted}, not {value}")
    if value > MAX_NUMBER:
        raise ValueError(f"{name} must be at most {MAX_NUMBER}, not {value}")
    return value


def check_count(name: str, value: object, *, minimum: int = 1, maximum: int = MAX_NUMBER) -> int:
    """A whole number within bounds (page sizes, concurrency, repairs)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentTypeError(f"{name} must be an int, not {type(value).__name__} {value!r}")
    if not minimum <= value <= maximum:
        raise ValueError(f"{name} must be from {minimum} to {maximum}, not {value}")
    return value


def check_seconds(name: str, value: object) -> float:
    """A positive, finite number of seconds."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ArgumentTypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if not 0 < value < float("inf"):
        raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
    return float(value)


def log_levels() -> tuple[str, ...]:
    """The audit-log levels the spec allows, as the generated client knows them."""
    from oneprovider_automation_client.models import LogLevel

    return tuple(level.value for level in LogLevel)


def check_log_level(value: object) -> LogLevel:
    from oneprovider_automation_client.models import LogLevel

    if isinstance(value, str) and value in log_levels():
        return LogLevel(value)
    raise ValueError(f"log_level must be one of {', '.join(log_levels())}, not {value!r}")


def check_store_content(value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ArgumentTypeError(
            f"store_initial_content must be a mapping of store schema id to content, "
            f"not {type(value).__name__}"
        )
    for key in value:
        check_text("a store schema id in store_initial_content", key)
    return value


def check_page_size(value: object) -> int:
    return check_count("page_size", value, maximum=1000)
