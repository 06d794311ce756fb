"""Paging through a space's executions, in the order and with the tokens of the service.

Each phase keeps its executions under an index: ``EPOCH_INFINITY - timestamp`` in
decimal followed by the execution id, where the timestamp is the one that belongs to
the phase (schedule, start, suspend or finish time). Indices sort as strings, so the
newest come first and executions with the same timestamp follow in id order. A page
token is the base64url of the index of the page's last entry, and the next page
starts right after it. ``isLast`` is ``limit > entries returned``: a page that exactly
fills ``limit`` says false, and the page after it is empty.
"""

from __future__ import annotations

import base64
import binascii
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import Any

from . import _errors as errors
from ._executions import Execution

EPOCH_INFINITY = 9_999_999_999
"""ctool's end of time (2286-11-20), from which the service subtracts timestamps."""


def index(ex: Execution, phase: str) -> str:
    return f"{EPOCH_INFINITY - ex.phase_time(phase)}{ex.id}"


def encode_token(entry_index: str) -> str:
    return base64.urlsafe_b64encode(entry_index.encode()).decode().rstrip("=")


def decode_token(token: str) -> str:
    """The index a token stands for; a token that cannot be decoded is ``badData``.

    What the service does with such a token is not established (its decoding is not
    guarded, which suggests a 500); the simulator answers 400, as for any bad value.
    """
    padded = token + "=" * (-len(token) % 4)
    try:
        decoded = base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise errors.bad_data("token") from None
    if not decoded or not decoded.isprintable():
        raise errors.bad_data("token")
    return decoded


def page(executions: Iterable[Execution], phase: str, query: dict[str, Any]) -> dict[str, Any]:
    """One page of the listing, as the service answers it.

    ``query`` holds the sanitized ``limit``, ``offset``, ``token`` and ``index``. With a
    token, listing starts after the entry it names (even if that entry has since left
    the phase); with a raw ``index``, at the first entry not before it; ``offset``
    then moves the start, negative values stepping back.
    """
    entries = sorted((index(ex, phase), ex.id) for ex in executions)
    indices = [entry_index for entry_index, _ in entries]
    limit = query.get("limit", 1000)
    offset = query.get("offset", 0)
    if "token" in query:
        start = bisect_right(indices, decode_token(query["token"]))
    elif "index" in query:
        start = bisect_left(indices, query["index"])
    else:
        start = 0
    start = max(0, start + offset)
    chosen = entries[start : start + limit]
    is_last = limit > len(chosen)
    return {
        "atmWorkflowExecutions": [wid for _, wid in chosen],
        "nextPageToken": None if is_last else encode_token(chosen[-1][0]),
        "isLast": is_last,
    }
