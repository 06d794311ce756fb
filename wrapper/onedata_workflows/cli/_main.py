"""The ``onedata-workflows`` command: parse, run one subcommand, report how it ended.

Every error ends here as one line on stderr (or a JSON object on stdout with
``--json``) and a documented exit code (``_exits``); the token is blanked from all
of it, whichever subcommand or parser raised it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from .._errors import OnedataError
from .._settings import ENV_TOKEN, MissingSettings
from ._commands import Command
from ._exits import Context, ExitCode, Unrepairable, UsageError, failure
from ._output import Output
from ._parser import PROG, build_parser, unechoed

_REPORTED = (OnedataError, UsageError, Unrepairable, MissingSettings, ValueError)


def main(
    argv: Sequence[str] | None = None,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    client_options: dict[str, Any] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Run the command; return its exit code.

    ``client_options`` go to the client (tests pass a virtual clock: ``sleep`` and
    ``monotonic``, and ``clock`` for the times shown); ``stop`` ends ``simulate``.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    secrets = _secrets(argv)
    parser = build_parser(out)
    if not argv:
        parser.print_help()
        return int(ExitCode.USAGE)
    as_json = "--json" in argv
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # named here, where the subcommand is known, to point at its help
            unknown = unechoed(f"unrecognized arguments: {' '.join(extra)}")
            raise UsageError(f"{unknown} (see: {PROG} {args.command} --help)")
    except UsageError as error:
        Output(out, err, as_json=as_json, secrets=secrets).failure(failure(error, Context()))
        return int(ExitCode.USAGE)
    except SystemExit as done:  # --help and --version
        return int(done.code or 0)
    as_json = getattr(args, "json", False)  # the demo shows and returns no data
    output = Output(out, err, as_json=as_json, color=not args.no_color, secrets=secrets)
    cmd = Command(args, output, dict(client_options or {}), stop)
    with _client_log(cmd, shown=getattr(args, "verbose", False)):
        try:
            return int(args.handler(cmd))
        except (*_REPORTED, KeyboardInterrupt) as error:
            reported = failure(error, cmd.context())
            output.failure(reported)
            return reported.code


def _secrets(argv: Sequence[str]) -> tuple[str, ...]:
    """Every token the command may know: the environment's and any ``--token`` given."""
    found = [os.environ.get(ENV_TOKEN, "")]
    found += [argv[i + 1] for i, arg in enumerate(argv[:-1]) if arg == "--token"]
    found += [arg.split("=", 1)[1] for arg in argv if arg.startswith("--token=")]
    return tuple(secret for secret in found if secret)


class _Aside(logging.Handler):
    """The client's warnings (retries), shown beside the results only when asked for."""

    def __init__(self, cmd: Command, shown: bool) -> None:
        super().__init__(logging.WARNING if shown else logging.CRITICAL + 1)
        self._cmd = cmd

    def emit(self, record: logging.LogRecord) -> None:
        self._cmd.note(f"onedata-workflows: {record.getMessage()}", "dim")


@contextlib.contextmanager
def _client_log(cmd: Command, *, shown: bool) -> Iterator[None]:
    """Route the library's log to the command while it runs (without it, Python prints it)."""
    logger = logging.getLogger("onedata_workflows")
    handler = _Aside(cmd, shown)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
