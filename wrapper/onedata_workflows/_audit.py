"""An execution's audit log: its entries, and the strict reader of the dump they come in.

The dump is one JSON array that the provider writes as it reads the store, and it can
be large, so :class:`DumpReader` takes it piece by piece as it arrives and keeps at
most ``tail`` entries (the newest) and ``max_bytes`` of body: memory stays bounded
whatever the provider sends. Each entry is parsed as soon as it is all there and
checked by the struct that ``tools/wire.py`` derives from openapi.yaml, so it is
accepted exactly when the spec accepts it; anything else (a wrong type, a missing
key, nesting too deep for the parser, a timestamp out of range, a body that is not an
array of objects) raises :class:`ResponseParseError` and nothing else. Nothing here
does I/O.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections import deque
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from email.message import Message
from typing import Any

import attrs
from msgspec import UNSET

from . import _wire
from ._auth import redact
from ._errors import ResponseParseError
from ._models import Execution, _OpenEnum
from ._reading import Unreadable, convert

DEFAULT_MAX_DUMP_BYTES = 64 * 1024 * 1024
"""The most of a dump's body that is read before giving up: 64 MiB."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The prefixes the service gives descriptions of lane runs and tasks (see the spec).
_PREFIX = re.compile(
    r"\[(?:Lane: (?P<lane>\d+|\?)(?:, Run: (?P<run>\d+|\?))?(?:, PBox: \d+, Task: \d+)?"
    r"|workflow engine|Task: [^\]]*)\] "
)


class Severity(_OpenEnum):
    """Severity of an audit-log entry: syslog's, from ``debug`` up to ``emergency``."""

    DEBUG = "debug"
    INFO = "info"
    NOTICE = "notice"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"
    ALERT = "alert"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int | None:
        """Syslog's number: 0 for ``emergency`` up to 7 for ``debug``; None if unknown."""
        return _RANKS.get(self.value)

    def at_least(self, other: Severity | str) -> bool:
        """Whether this is as severe as ``other``, or more. An unknown severity counts as severe."""
        mine, theirs = self.rank, Severity(other).rank
        return mine is None or theirs is None or mine <= theirs


_RANKS = {
    "emergency": 0,
    "alert": 1,
    "critical": 2,
    "error": 3,
    "warning": 4,
    "notice": 5,
    "info": 6,
    "debug": 7,
}


class LogSource(_OpenEnum):
    """Who wrote an audit-log entry."""

    SYSTEM = "system"
    """The service."""
    USER = "user"
    """A task's lambda, whose results go to the log."""


@attrs.frozen
class AuditLogEntry:
    """One entry of an audit log. ``timestamp`` is an aware datetime (UTC, to the millisecond).

    ``description`` is None for an entry from a lambda that logged none; ``content`` is
    the entry's content as sent. For an entry about a lane run or a task, ``lane_index``
    and ``run_number`` say which (None where the service wrote ``?``) and ``message`` is
    the description without its ``[Lane: 2, Run: 1]`` prefix.
    """

    index: str
    timestamp: datetime
    source: LogSource
    severity: Severity
    description: str | None
    details: Mapping[str, Any] | None = attrs.field(repr=False)
    tasks: tuple[str, ...] = attrs.field(repr=False)
    """Ids of the task executions the entry is about."""
    item_trace_ids: tuple[str, ...] = attrs.field(repr=False)
    """Trace ids of the items the entry is about."""
    content: Mapping[str, Any] = attrs.field(repr=False, eq=False)

    @property
    def lane_index(self) -> int | None:
        """The lane (from 1) the entry is about; None for the whole execution."""
        found = self._prefix()
        lane = found.group("lane") if found is not None else None
        return int(lane) if lane is not None and lane.isdigit() else None

    @property
    def run_number(self) -> int | None:
        """The run number the entry is about; None if it names none."""
        found = self._prefix()
        run = found.group("run") if found is not None else None
        return int(run) if run is not None and run.isdigit() else None

    @property
    def message(self) -> str:
        """The description without the prefix that names a lane run or a task."""
        text = self.description or ""
        found = self._prefix()
        return text[found.end() :] if found is not None else text

    @property
    def reason(self) -> str | None:
        """``details.reason`` in words: a stopping reason, or an error's id and description."""
        reason = (self.details or {}).get("reason")
        if isinstance(reason, str):
            return reason
        if isinstance(reason, Mapping):
            error_id, text = reason.get("id"), reason.get("description")
            if isinstance(error_id, str) and isinstance(text, str):
                return f"{error_id}: {text}"
            if isinstance(text, str) or isinstance(error_id, str):
                return str(text or error_id)
        return None

    def _prefix(self) -> re.Match[str] | None:
        return _PREFIX.match(self.description) if self.description else None

    def __str__(self) -> str:
        when = self.timestamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        text = self.description if self.description is not None else json.dumps(self.content)
        return f"{when} {self.severity.upper():<9} {text}"


@attrs.frozen
class AuditLog:
    """The entries of an audit log read from its dump, oldest first.

    ``total`` counts every entry of the dump: more than ``len(entries)`` when only the
    newest (``tail``) were kept. ``file_name`` is the one the provider gave the dump.
    """

    store_id: str
    entries: tuple[AuditLogEntry, ...]
    total: int
    file_name: str | None = None

    def __iter__(self) -> Iterator[AuditLogEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def complete(self) -> bool:
        """Every entry of the dump was kept."""
        return self.total == len(self.entries)

    def at_least(self, severity: Severity | str) -> tuple[AuditLogEntry, ...]:
        """The entries as severe as ``severity`` or more (and those of unknown severity)."""
        Severity(severity)  # refuse what is not a string at once
        return tuple(e for e in self.entries if e.severity.at_least(severity))


def audit_log_store_id(execution: Execution) -> str | None:
    """The id of the execution's system audit log store; None if it has none."""
    store_id = execution.audit_log_store_id
    return store_id if store_id else None


def file_name_of(content_disposition: str | None) -> str | None:
    """The file name a ``Content-Disposition`` header gives, if any."""
    if not content_disposition:
        return None
    message = Message()
    message["content-disposition"] = content_disposition
    try:
        name = message.get_filename()
    except Exception:  # a header too odd to read names nothing
        return None
    return name if isinstance(name, str) else None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # as msgspec refuses it in every other answer
        raise ValueError(f"{text[:20]} is out of range")
    return value


# Finds where each entry ends (and builds what the struct then checks); it refuses
# nesting deeper than the interpreter's recursion limit, as msgspec's does.
_DECODER = json.JSONDecoder(parse_float=_finite_float, parse_constant=_refuse_constant)
_SPACE = re.compile(r"[ \t\n\r]*")


class _Incomplete(Exception):
    """The element is not all there yet."""


class DumpReader:
    """Reads a dump as it arrives: :meth:`feed` each piece, then :meth:`close`.

    Keeps the newest ``tail`` entries (all of them if None) and refuses a body longer
    than ``max_bytes``. Every failure is a :class:`ResponseParseError`.
    """

    def __init__(
        self,
        store_id: str,
        *,
        tail: int | None = None,
        max_bytes: int = DEFAULT_MAX_DUMP_BYTES,
        file_name: str | None = None,
        secret: str = "",
    ) -> None:
        self.store_id = store_id
        self.file_name = file_name
        self._entries: deque[AuditLogEntry] = deque(maxlen=tail)
        self._max_bytes = max_bytes
        self._secret = secret
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._text = ""
        self._pos = 0
        # Text not joined to _text yet: joining only when a parse is worth trying keeps
        # the copying linear even for one entry that arrives in many pieces.
        self._pending: list[str] = []
        self._pending_size = 0
        self._state = "start"  # start, first, element, after, end
        self._read = 0
        self._total = 0
        self._tried = 0  # length of text the element in progress failed to parse at

    def feed(self, chunk: bytes) -> None:
        """Take the next piece of the body."""
        self._read += len(chunk)
        if self._read > self._max_bytes:
            self._fail(f"the dump is larger than max_bytes={self._max_bytes}")
        self._decode(chunk, final=False)
        waiting = len(self._text) - self._pos + self._pending_size
        if self._tried and waiting < 2 * self._tried:
            return  # the entry in progress is not all there: wait for twice as much
        self._join()
        self._advance(final=False)

    def close(self) -> AuditLog:
        """The log, once the whole body has been fed."""
        self._decode(b"", final=True)
        self._join()
        self._advance(final=True)
        if self._state != "end":
            self._fail("the body ends before the array does")
        return AuditLog(self.store_id, tuple(self._entries), self._total, self.file_name)

    def _decode(self, chunk: bytes, *, final: bool) -> None:
        try:
            text = self._utf8.decode(chunk, final)
        except UnicodeDecodeError as exc:
            reason = f"not UTF-8: {exc.reason}"
        else:
            self._pending.append(text)
            self._pending_size += len(text)
            return
        self._fail(reason)  # outside the handler: no exception chain keeps the body

    def _join(self) -> None:
        """Drop what was read, add what is pending."""
        if self._pending:
            self._text = self._text[self._pos :] + "".join(self._pending)
            self._pos, self._pending, self._pending_size = 0, [], 0

    def _advance(self, *, final: bool) -> None:
        while True:
            space = _SPACE.match(self._text, self._pos)
            assert space is not None  # it matches the empty string anywhere
            self._pos = space.end()
            if self._pos >= len(self._text):
                break
            char = self._text[self._pos]
            if self._state == "start":
                if char != "[":
                    self._fail("the body is not a JSON array")
                self._pos, self._state = self._pos + 1, "first"
            elif self._state in ("first", "after") and char == "]":
                self._pos, self._state = self._pos + 1, "end"
            elif self._state == "after":
                if char != ",":
                    self._fail(f"expected ',' or ']' after entry {self._total}")
                self._pos, self._state = self._pos + 1, "element"
            elif self._state in ("first", "element"):
                try:
                    self._element(final)
                except _Incomplete:
                    break
                self._state = "after"
            else:
                self._fail("data after the end of the array")

    def _element(self, final: bool) -> None:
        """Parse the entry at the current position, or raise _Incomplete to wait for more."""
        if self._text[self._pos] != "{":
            self._fail(f"entry {self._total} is not a JSON object")
        available = len(self._text) - self._pos
        # Failures are noted and raised outside the handlers: a JSONDecodeError holds the
        # whole text it was given, which no exception chain may keep.
        try:
            value, end = _DECODER.raw_decode(self._text, self._pos)
            entry = self._entry(value)
        except json.JSONDecodeError as exc:
            reason = f"entry {self._total}: {exc.msg}"
            incomplete = not final
        except Unreadable as exc:
            reason, incomplete = f"entry {self._total}: {exc}", False
        except (ValueError, RecursionError, MemoryError) as exc:
            reason, incomplete = f"entry {self._total}: {type(exc).__name__}: {exc}", False
        else:
            self._tried = 0
            self._entries.append(entry)
            self._total += 1
            self._pos = end
            return
        if incomplete:
            self._tried = max(available, 1)
            raise _Incomplete
        self._fail(reason)

    @staticmethod
    def _entry(value: Any) -> AuditLogEntry:
        """The view of one parsed entry, once the spec's struct has accepted it."""
        entry = convert(_wire.AuditLogEntry, value)  # raises Unreadable
        content = entry.content
        referenced = content.referenced_elements
        tasks = () if referenced is UNSET or referenced.tasks is UNSET else referenced.tasks
        traces = (
            ()
            if referenced is UNSET or referenced.item_trace_ids is UNSET
            else referenced.item_trace_ids
        )
        return AuditLogEntry(
            index=entry.index,
            timestamp=_EPOCH + timedelta(milliseconds=entry.timestamp),
            source=LogSource(entry.source),
            severity=Severity(entry.severity),
            description=None if content.description is UNSET else content.description,
            details=None if content.details is UNSET else content.details,
            tasks=tasks,
            item_trace_ids=traces,
            content=value["content"],
        )

    def _fail(self, reason: str) -> Any:
        start = max(0, self._pos - 100)
        snippet = redact(self._text[start : start + 300], self._secret)
        raise ResponseParseError(200, snippet, redact(reason, self._secret)[:300])
