"""Request validation the way Oneprovider's sanitizer does it.

Required keys are checked first, then optional ones, each group in sorted key
order, and only the first problem is reported. ``null`` counts as missing.
Integers may be sent as base-10 strings; ``true``/``false`` become strings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

from . import _errors as errors

Check = Callable[[str, Any], Any]

LOG_LEVELS = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")
PHASES = ("waiting", "ongoing", "suspended", "ended")
_INTEGER = re.compile(r"[+-]?[0-9]+")


def integer(minimum: int | None = None, maximum: int | None = None) -> Check:
    def check(key: str, value: Any) -> int:
        if isinstance(value, bool):
            raise errors.bad_value_integer(key)
        if isinstance(value, str) and _INTEGER.fullmatch(value):
            value = int(value)
        if not isinstance(value, int):
            raise errors.bad_value_integer(key)
        if minimum is not None and maximum is not None:
            if not minimum <= value <= maximum:
                raise errors.bad_value_not_in_range(key, minimum, maximum)
        elif minimum is not None and value < minimum:
            raise errors.bad_value_too_low(key, minimum)
        return value

    return check


def string(allowed: tuple[str, ...] | None = None) -> Check:
    def check(key: str, value: Any) -> str:
        if isinstance(value, bool):
            value = "true" if value else "false"
        if not isinstance(value, str):
            raise errors.bad_value_string(key)
        if value == "":
            raise errors.bad_value_empty(key)
        if allowed is not None and value not in allowed:
            raise errors.bad_value_not_allowed(key, allowed)
        return value

    return check


def any_string(key: str, value: Any) -> str:
    """A string, possibly empty."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        raise errors.bad_value_string(key)
    return value


def json_object(key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise errors.bad_value_json(key)
    return value


def url(key: str, value: Any) -> str:
    text: str = string()(key, value)
    try:
        parts = urlsplit(text)
    except ValueError:
        raise errors.bad_data(key) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise errors.bad_data(key)
    return text


def sanitize(
    data: Mapping[str, Any], required: Mapping[str, Check], optional: Mapping[str, Check]
) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key in sorted(required):
        if data.get(key) is None:
            raise errors.missing_required_value(key)
        clean[key] = required[key](key, data[key])
    for key in sorted(optional):
        if data.get(key) is not None:
            clean[key] = optional[key](key, data[key])
    return clean


def parse_body(body: bytes) -> dict[str, Any]:
    """A JSON object body; an empty body counts as ``{}``."""
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise errors.malformed_data() from None
    if not isinstance(data, dict):
        raise errors.malformed_data()
    return data


SCHEDULE_REQUIRED: dict[str, Check] = {
    "spaceId": string(),
    "atmWorkflowSchemaId": string(),
    "atmWorkflowSchemaRevisionNumber": integer(minimum=1),
}
SCHEDULE_OPTIONAL: dict[str, Check] = {
    "storeInitialContentOverlay": json_object,
    "logLevel": string(LOG_LEVELS),
    "callback": url,
}
LANE_RUN_REQUIRED: dict[str, Check] = {
    "laneIndex": integer(minimum=1),
    "laneRunNumber": integer(minimum=1),
}
LIST_OPTIONAL: dict[str, Check] = {
    "phase": string(PHASES),
    "limit": integer(minimum=1, maximum=1000),
    "offset": integer(),
    "token": string(),
    # Not in the published reference, but the service takes a raw index to start at.
    "index": any_string,
}
