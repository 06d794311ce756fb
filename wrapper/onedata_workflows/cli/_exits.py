"""Exit codes, and how every error becomes one line for people or one JSON object.

A message names what went wrong and where (the provider's host, the execution),
and what to do when that is not obvious. The token never appears: every text is
redacted before it is written.
"""

from __future__ import annotations

import re
from enum import IntEnum
from typing import Any
from urllib.parse import urlsplit

import attrs

from .._calls import NAME_NOT_RESOLVED, REFUSED, TLS_UNVERIFIED
from .._errors import (
    ApiError,
    ConnectionFailed,
    ForbiddenError,
    NotFoundError,
    NothingToRepair,
    OnedataError,
    OutcomeUnknown,
    RequestTimeout,
    ResponseParseError,
    UnauthorizedError,
    WaitTimeout,
)
from .._models import Execution, ExecutionStatus
from .._settings import (
    API_PATH,
    DEFAULT_REQUEST_TIMEOUT,
    ENV_BASE_URL,
    ENV_HOST,
    ENV_TOKEN,
    MissingSettings,
)


class ExitCode(IntEnum):
    """What the command's exit status means; a wait's tells how the execution ended."""

    OK = 0
    FAILED = 1
    USAGE = 2
    CANCELLED = 3
    CRASHED = 4
    TIMEOUT = 5
    PROVIDER = 6
    SUSPENDED = 7
    NOTHING_TO_REPAIR = 8
    INTERRUPTED = 130


MEANINGS = {
    ExitCode.OK: "success; for a wait, the execution finished",
    ExitCode.FAILED: "the execution failed",
    ExitCode.USAGE: "usage error (bad arguments, missing settings, busy port)",
    ExitCode.CANCELLED: "the execution was cancelled",
    ExitCode.CRASHED: "the execution crashed",
    ExitCode.TIMEOUT: "the wait timed out (the execution goes on)",
    ExitCode.PROVIDER: "error from the provider, or no connection to it",
    ExitCode.SUSPENDED: "the wait ended on a suspended (paused or interrupted) execution",
    ExitCode.NOTHING_TO_REPAIR: "nothing to repair: no lane run can be rerun or retried",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C); an execution being waited for goes on",
}


def exit_codes_help() -> str:
    """The exit-code table, as the help of every waiting command shows it."""
    return "exit codes:\n" + "\n".join(f"  {code:<4} {text}" for code, text in MEANINGS.items())


_BY_STATUS = {
    ExecutionStatus.FINISHED: ExitCode.OK,
    ExecutionStatus.FAILED: ExitCode.FAILED,
    ExecutionStatus.CANCELLED: ExitCode.CANCELLED,
    ExecutionStatus.CRASHED: ExitCode.CRASHED,
    ExecutionStatus.PAUSED: ExitCode.SUSPENDED,
    ExecutionStatus.INTERRUPTED: ExitCode.SUSPENDED,
}


def exit_code(execution: Execution) -> int:
    """The documented exit code for an execution where a wait left it."""
    return int(_BY_STATUS.get(execution.status, ExitCode.PROVIDER))


class UsageError(Exception):
    """Bad arguments, missing settings or a busy port: exit code 2."""


class Unrepairable(Exception):
    """No lane run of the execution can be repaired, said in one sentence: exit code 8."""

    def __init__(self, sentence: str, nothing: NothingToRepair) -> None:
        super().__init__(sentence)
        self.nothing = nothing


@attrs.frozen
class Context:
    """What a message needs to say where: the provider, the thing asked for, how to go on."""

    base_url: str | None = None
    subject: str | None = None
    """What the command addressed, as in ``execution 1f2e…``."""
    following: str | None = None
    """The execution being waited for, if any."""
    resume: str | None = None
    """The command that waits for it again."""
    request_timeout: float | None = None
    """Seconds per request, when --request-timeout gave them."""

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc if self.base_url else "the provider"


@attrs.frozen
class Failure:
    """An error as the command reports it: exit code, kind, one line, and data for JSON."""

    code: int
    kind: str
    message: str
    data: dict[str, Any] = attrs.field(factory=dict)
    """More fields of the JSON ``error`` object."""
    beside: dict[str, Any] = attrs.field(factory=dict)
    """Fields beside ``error`` in the JSON object (the last execution seen)."""

    def json(self) -> dict[str, Any]:
        error = {"kind": self.kind, "message": self.message, "exitCode": self.code, **self.data}
        return {"error": error, **self.beside}


def missing_settings(missing: MissingSettings) -> str:
    """Every way to give what is missing."""
    ways = {
        "provider": f"pass --host DOMAIN or --base-url URL (or set {ENV_HOST} or {ENV_BASE_URL})",
        "token": f"set {ENV_TOKEN} (or pass --token, which `ps` shows)",
    }
    names = {"provider": "no provider", "token": "no token"}
    given = " and ".join(names[name] for name in missing.missing)
    how = ", and ".join(ways[name] for name in missing.missing)
    return f"{given} given: {how}; `onedata-workflows simulate` serves one to try"


def failure(error: BaseException, where: Context) -> Failure:
    """How the command reports ``error``."""
    if isinstance(error, UsageError):
        return Failure(ExitCode.USAGE, "usage", str(error))
    if isinstance(error, MissingSettings):
        return Failure(ExitCode.USAGE, "missingSettings", missing_settings(error))
    if isinstance(error, KeyboardInterrupt):
        return _interrupted(where)
    if isinstance(error, WaitTimeout):
        return _timed_out(error, where)
    if isinstance(error, Unrepairable | NothingToRepair):
        nothing = error.nothing if isinstance(error, Unrepairable) else error
        return Failure(
            ExitCode.NOTHING_TO_REPAIR,
            "nothingToRepair",
            str(error),
            {
                "executionId": nothing.execution_id,
                "candidates": [str(c) for c in nothing.candidates],
            },
        )
    if isinstance(error, ApiError):
        return _api_failure(error, where)
    if isinstance(error, OutcomeUnknown):
        return _outcome_unknown(error, where)
    if isinstance(error, ConnectionFailed | RequestTimeout):
        return _no_answer(error, where)
    if isinstance(error, ResponseParseError):
        message = f"{where.host} answered HTTP {error.status} with a body that cannot be read"
        message += f" ({error.reason}){_base_url_hint(where.base_url)}"
        return Failure(ExitCode.PROVIDER, "badResponse", message, {"provider": where.host})
    if isinstance(error, OnedataError):
        return Failure(ExitCode.PROVIDER, "provider", str(error), {"provider": where.host})
    if isinstance(error, ValueError):  # checks of arguments and settings, before any request
        return Failure(ExitCode.USAGE, "usage", _as_the_command_names(str(error)))
    raise error


# The library's names of what the command takes as arguments and options.
_NAMES = {
    "wid": "EXECUTION_ID",
    "space_id": "SPACE_ID",
    "schema_id": "SCHEMA_ID",
    "revision": "REVISION",
    "lane_index": "LANE",
    "run_number": "RUN",
    "store_initial_content": "--store-content",
    "log_level": "--log-level",
    "public_url": "--callback-url",
}
_NAMED = re.compile(r"(?<![-\w])(" + "|".join(_NAMES) + r")\b")


def _as_the_command_names(message: str) -> str:
    """A library message about an argument, naming it as the command's user knows it."""
    return _NAMED.sub(lambda found: _NAMES[found.group(1)], message)


def _interrupted(where: Context) -> Failure:
    if where.following is None:
        return Failure(ExitCode.INTERRUPTED, "interrupted", "interrupted")
    message = f"stopped waiting; execution {where.following} goes on"
    if where.resume:
        message += f". Wait for it again with: {where.resume}"
    return Failure(ExitCode.INTERRUPTED, "interrupted", message, {"executionId": where.following})


def _timed_out(error: WaitTimeout, where: Context) -> Failure:
    execution = error.execution
    seen = f"last seen {execution.status}" if execution is not None else "was never seen"
    fate = "it was cancelled" if error.cancelled else "it goes on"
    subject = f"execution {execution.id}" if execution is not None else "the execution"
    message = f"gave up waiting after {error.timeout:g}s: {subject} {seen}, {fate}"
    if where.resume and not error.cancelled:
        message += f". Wait longer with: {where.resume} --timeout SECONDS"
    beside = {"execution": execution.raw.to_dict()} if execution is not None else {}
    data = {"timeoutSeconds": error.timeout, "cancelled": error.cancelled, "polls": error.polls}
    return Failure(ExitCode.TIMEOUT, "waitTimeout", message, data, beside)


def _api_failure(error: ApiError, where: Context) -> Failure:
    label = f"HTTP {error.status} {error.error_id}" if error.error_id else f"HTTP {error.status}"
    host = where.host
    if isinstance(error, NotFoundError):
        what = where.subject or "the resource"
        message = f"{what} not found on {host} ({label}){_base_url_hint(where.base_url)}"
        if error.error_id is None and not _base_url_hint(where.base_url):
            message += f"; the answer is not Onedata's: is {where.base_url} a Oneprovider's API?"
    elif isinstance(error, UnauthorizedError):
        message = f"{host} does not accept the token ({label}: {error.description})"
        message += f"; check {ENV_TOKEN} or --token"
    elif isinstance(error, ForbiddenError):
        message = f"{host} refused: the token's user lacks a privilege ({label}: "
        message += f"{error.description})"
    else:
        message = f"{host} answered {label}: {error.description}"
        if error.details:
            shown = ", ".join(f"{key}: {value}" for key, value in error.details.items())
            message += f" ({shown})"
    data: dict[str, Any] = {
        "provider": host,
        "httpStatus": error.status,
        "errorId": error.error_id,
        "description": error.description,
    }
    if error.details is not None:
        data["details"] = error.details
    return Failure(ExitCode.PROVIDER, "provider", message, data)


_HINTS = {
    NAME_NOT_RESOLVED: "; check its spelling",
    REFUSED: "; is the provider running, and on this port?",
    TLS_UNVERIFIED: "; for a provider whose certificate comes from a private CA, pass --ca-bundle",
}


def _no_answer(error: ConnectionFailed | RequestTimeout, where: Context) -> Failure:
    # transport_error says "<operation> failed <when>: <cause> (<httpx's words>)".
    cause = str(error).split(": ", 1)[-1]
    data = {"provider": where.host, "requestSent": error.request_sent}
    kind = "requestTimeout" if isinstance(error, RequestTimeout) else "connection"
    given = where.request_timeout
    if cause.startswith("no answer within"):
        limit = given or DEFAULT_REQUEST_TIMEOUT.read
        message = f"{where.host} did not answer within {limit:g} s (--request-timeout sets it)"
        return Failure(ExitCode.PROVIDER, kind, message, data)
    if cause.startswith("no connection within"):
        cause = f"no connection within {given or DEFAULT_REQUEST_TIMEOUT.connect:g} s"
    for phrase, hint in _HINTS.items():
        if cause.startswith(phrase):
            cause = cause.split(" (", 1)[0] + hint
    return Failure(ExitCode.PROVIDER, kind, f"cannot reach {where.host}: {cause}", data)


def _outcome_unknown(error: OutcomeUnknown, where: Context) -> Failure:
    if error.timed_out:
        limit = where.request_timeout or DEFAULT_REQUEST_TIMEOUT.read or 30.0
        what = f"no answer from {where.host} within {limit:g} s after the request left"
    else:
        # "<operation> failed after it may have been sent: <cause>; it may or may not ..."
        cause = str(error).split(": ", 1)[-1].split("; it may or may not", 1)[0]
        what = f"the connection to {where.host} broke after the request left ({cause})"
    message = (
        f"{what}: it may or may not have taken effect, so it was not sent again; "
        "look (show, or list for a schedule) before repeating it"
    )
    data = {"provider": where.host, "timedOut": error.timed_out}
    return Failure(ExitCode.PROVIDER, "outcomeUnknown", message, data)


def _base_url_hint(base_url: str | None) -> str:
    """A hint when the base URL does not look like a Oneprovider API's."""
    if base_url is None:
        return ""
    parts = urlsplit(base_url)
    if parts.path.rstrip("/").endswith(API_PATH):
        return ""
    return (
        f"; the base URL {base_url} does not end in {API_PATH}: "
        f"did you mean {parts.scheme}://{parts.netloc}{API_PATH}?"
    )
