"""The command's arguments: shared option groups, and one entry per subcommand.

A subcommand is a handler (``_commands``) plus its ``add(...)`` line here; the option
groups it shares (connection, output, waiting) are parent parsers, so a new
subcommand or option is one line in one place. Every option and positional says
what it is and its default; the help of every waiting command ends with the exit
codes.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TextIO

from .. import __version__
from .._arguments import log_levels
from .._audit import Severity
from .._models import Phase
from .._settings import API_PATH, ENV_BASE_URL, ENV_HOST, ENV_TOKEN
from .._waiting import DEFAULT_WAIT_TIMEOUT
from . import _commands as commands
from ._exits import UsageError, exit_codes_help

PROG = "onedata-workflows"
DESCRIPTION = "Drive Onedata automation workflow executions: schedule, follow, repair."
SETTINGS = f"""\
settings:
  where the provider is: --host DOMAIN (https://DOMAIN{API_PATH}) or --base-url URL,
  or ${ENV_HOST} or ${ENV_BASE_URL}; the access token: ${ENV_TOKEN} (or --token).
  Times are local with their UTC offset (--utc for UTC)."""
EXAMPLES = """\
examples:
  onedata-workflows run SPACE_ID SCHEMA_ID 1        schedule, follow live, repair a failed lane
  onedata-workflows wait EXECUTION_ID --timeout 600
  onedata-workflows list SPACE_ID --phase ongoing
  onedata-workflows simulate --fail-lane 2           a provider on this machine to try all this
  onedata-workflows COMMAND --help                   the options of one command"""

Handler = Callable[[commands.Command], int]
ECHOED = 16
"""The longest argument an error repeats: anything longer may be a token put in the
wrong place (a mistyped --token, a token pasted where a command goes)."""
_QUOTED = re.compile(r"'([^']*)'")


def unechoed(message: str) -> str:
    """``message`` with every argument value longer than :data:`ECHOED` left out."""

    def shown(value: str) -> str:
        return value if len(value) <= ECHOED else f"<{len(value)} characters>"

    head, colon, rest = message.partition("unrecognized arguments: ")
    if colon:
        # Flags keep their names; their values, and stray words, only if short.
        words = [
            shown(word.split("=", 1)[0]) if word.startswith("-") else shown(word)
            for word in rest.split(" ")
        ]
        message = head + colon + " ".join(words)
    return _QUOTED.sub(lambda found: f"'{shown(found.group(1))}'", message)


class _Parser(argparse.ArgumentParser):
    """Reports errors as :class:`UsageError` and prints help where the command writes."""

    def __init__(self, *args: Any, out: TextIO | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)  # --tok must not pass for --token
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)
        self.out = out

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{unechoed(message)} (see: {self.prog} --help)")

    def _print_message(self, message: str, file: Any = None) -> None:
        if message:
            (self.out or file or sys.stdout).write(message)


SEVERITIES = list(Severity)


def _port(text: str) -> int:
    """A TCP port number, or 0 for any free one."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is from 0 to 65535, not {port}")
    return port


def _at_least_zero(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _groups() -> dict[str, _Parser]:
    """The option groups that subcommands share, as parent parsers."""
    connection = _Parser(add_help=False)
    group = connection.add_argument_group("connection (default: the environment variables)")
    group.add_argument(
        "--host",
        metavar="DOMAIN",
        help=f"the Oneprovider's domain, for https://DOMAIN{API_PATH} (default: ${ENV_HOST})",
    )
    group.add_argument(
        "--base-url",
        metavar="URL",
        help=f"the API's full base URL, instead of --host (default: ${ENV_BASE_URL})",
    )
    group.add_argument(
        "--token",
        help=f"access token (default: ${ENV_TOKEN}; prefer it, since `ps` shows arguments)",
    )
    group.add_argument(
        "--ca-bundle",
        metavar="FILE",
        help="CA certificates for a provider with a private CA (default: the system's)",
    )
    group.add_argument(
        "--insecure", action="store_true", help="do not verify TLS certificates (default: verify)"
    )
    group.add_argument(
        "--allow-http",
        action="store_true",
        help="allow plain http to a host other than this machine (default: refuse)",
    )
    group.add_argument(
        "--request-timeout",
        type=float,
        metavar="SECONDS",
        help="seconds to wait for each answer (default: 30, and 10 to connect)",
    )
    output = _Parser(add_help=False)
    _output_options(output.add_argument_group("output"), data=True)
    display = _Parser(add_help=False)  # for the demo, which shows and returns no data
    _output_options(display.add_argument_group("output"), data=False)
    waiting = _Parser(add_help=False)
    group = waiting.add_argument_group("waiting")
    group.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_WAIT_TIMEOUT,
        metavar="SECONDS",
        help=f"give up waiting after this long; the execution goes on "
        f"(default: {DEFAULT_WAIT_TIMEOUT:g})",
    )
    group.add_argument(
        "--callback-listen",
        metavar="HOST:PORT",
        help="hear the provider's completion callbacks on this address and poll when told, "
        "otherwise only every 20 min or more (default: poll only)",
    )
    group.add_argument(
        "--callback-url",
        metavar="URL",
        help="with --callback-listen: for run, the base URL the provider must call if not "
        "HOST:PORT (NAT, a proxy); for wait, the callback URL the execution was scheduled "
        "with, from schedule --callback-base (default: none)",
    )
    return {"connection": connection, "output": output, "display": display, "waiting": waiting}


def _output_options(group: argparse._ArgumentGroup, *, data: bool) -> None:
    if data:
        group.add_argument(
            "--json",
            action="store_true",
            help="print data as JSON, and errors as a JSON object on stdout (default: text)",
        )
    group.add_argument(
        "--utc", action="store_true", help="times in UTC (default: local, with the UTC offset)"
    )
    group.add_argument(
        "--no-color",
        action="store_true",
        help="no colours (default: colours on a colour terminal, unless $NO_COLOR is set)",
    )
    if data:
        group.add_argument(
            "-v",
            "--verbose",
            action="store_true",
            help="also show the client's retries and warnings (default: errors only)",
        )


def build_parser(out: TextIO | None = None) -> argparse.ArgumentParser:
    """The parser of the whole command; help and version go to ``out``."""
    parser = _Parser(
        prog=PROG,
        description=DESCRIPTION,
        epilog="\n\n".join([SETTINGS, exit_codes_help(), EXAMPLES]),
        out=out,
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}", help="print the version"
    )
    groups = _groups()
    standard = [groups["connection"], groups["output"]]
    subparsers = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", title="commands"
    )

    def add(
        name: str,
        handler: Handler,
        summary: str,
        parents: list[_Parser],
        *,
        exit_codes: bool = False,
    ) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = subparsers.add_parser(
            name,
            help=summary,
            description=summary,
            parents=parents,
            epilog=exit_codes_help() if exit_codes else None,
            out=out,
        )
        sub.set_defaults(handler=handler)
        return sub

    def execution(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("wid", metavar="EXECUTION_ID", help="the execution's id")

    def workflow(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("space_id", metavar="SPACE_ID", help="the space to run in")
        sub.add_argument("schema_id", metavar="SCHEMA_ID", help="the workflow schema's id")
        sub.add_argument("revision", type=int, metavar="REVISION", help="its revision number")
        sub.add_argument(
            "--log-level",
            choices=log_levels(),
            help="the execution's audit-log level (default: the provider's, info)",
        )
        sub.add_argument(
            "--callback",
            metavar="URL",
            help="URL the provider calls each time the execution stops (default: none)",
        )
        sub.add_argument(
            "--callback-base",
            metavar="URL",
            help="give the execution a fresh callback URL under this base, for a later "
            "wait --callback-listen --callback-url (default: none)",
        )
        sub.add_argument(
            "--store-content",
            metavar="JSON",
            help="initial content of stores, as a JSON object by store id (default: none)",
        )

    waiting = [*standard, groups["waiting"]]

    sub = add("schedule", commands.schedule, "schedule an execution; print its id", standard)
    workflow(sub)
    execution(add("show", commands.show, "show an execution and all its lane runs", standard))
    execution(
        add(
            "why",
            commands.why,
            "why the execution is where it is, from its audit log, and the next step to take "
            "(exit code: as wait's for a stopped execution, else 0)",
            standard,
        )
    )
    sub = add("log", commands.log, "print the execution's system audit log, oldest first", standard)
    execution(sub)
    sub.add_argument(
        "--severity",
        choices=[str(level) for level in SEVERITIES],
        help="only entries at this severity or above (default: every entry)",
    )
    sub.add_argument(
        "--tail",
        type=_at_least_zero,
        default=0,
        metavar="N",
        help="only the newest N entries (default: 0, all of them)",
    )
    sub = add(
        "list",
        commands.list_executions,
        "list a space's executions, in every phase: id, name, status, scheduled",
        standard,
    )
    sub.add_argument("space_id", metavar="SPACE_ID", help="the space whose executions to list")
    sub.add_argument(
        "--phase",
        choices=[str(phase) for phase in Phase],
        help="only executions in this phase (default: every phase)",
    )
    sub.add_argument(
        "--limit",
        type=int,
        default=100,
        metavar="N",
        help="show at most N, live ones first, newest first (default: 100; 0: all)",
    )
    sub.add_argument("-q", "--quiet", action="store_true", help="print ids only (default: a table)")
    for name in ("pause", "resume", "cancel", "delete", "force-continue"):
        execution(add(name, commands.action(name), f"{name} an execution", standard))
    for name in ("rerun", "retry"):
        sub = add(name, commands.action(name), f"{name} a lane run", standard)
        execution(sub)
        sub.add_argument("lane", type=int, metavar="LANE", help="the lane, counted from 1")
        sub.add_argument(
            "run", type=int, metavar="RUN", help="the run's number (execution-wide, as show lists)"
        )
    sub = add(
        "wait",
        commands.wait,
        "wait until the execution stops, showing its progress; the exit code tells how it ended",
        waiting,
        exit_codes=True,
    )
    execution(sub)
    sub.add_argument(
        "--through-suspension",
        action="store_true",
        help="keep waiting while it is paused or interrupted (default: stop there, exit 7)",
    )
    sub.add_argument(
        "--cancel-on-timeout",
        action="store_true",
        help="cancel the execution when the wait times out (default: leave it running)",
    )
    for name, operation in (("rerun-failed", "rerun"), ("retry-failed", "retry")):
        sub = add(
            name,
            commands.repair(operation),
            f"{operation} the lane run that made the execution fail",
            waiting,
            exit_codes=True,
        )
        execution(sub)
        sub.add_argument(
            "--dry-run", action="store_true", help="only say what would be done (default: do it)"
        )
        sub.add_argument(
            "--wait",
            action="store_true",
            help="then wait until the execution stops (default: return at once)",
        )
        if operation == "rerun":
            sub.add_argument(
                "--whole-lane",
                action="store_true",
                help="rerun from the lane's regular run (default: from its last run)",
            )
    sub = add(
        "run", commands.run, "schedule, wait, and repair a failed lane", waiting, exit_codes=True
    )
    workflow(sub)
    sub.add_argument(
        "--max-repairs",
        type=int,
        default=1,
        metavar="N",
        help="repair a failed lane at most N times, retrying if it can (default: 1)",
    )
    sub = add(
        "simulate",
        commands.simulate,
        "serve a simulated Oneprovider on this machine, until Ctrl-C",
        [groups["output"]],
    )
    sub.add_argument(
        "--port", type=_port, default=0, help="the port to listen on (default: 0, any free one)"
    )
    sub.add_argument(
        "--speed", type=float, default=10.0, help="simulated seconds per real second (default: 10)"
    )
    sub.add_argument("--lanes", type=int, default=3, help="lanes in its workflow (default: 3)")
    sub.add_argument(
        "--lane-duration",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="simulated seconds each lane runs (default: 60)",
    )
    sub.add_argument(
        "--fail-lane",
        type=int,
        metavar="LANE",
        help="this lane (from 1) fails on its first run (default: none)",
    )
    sub = add(
        "demo", commands.demo, "the whole story against a simulated provider", [groups["display"]]
    )
    sub.add_argument(
        "--speed", type=float, default=40.0, help="simulated seconds per real second (default: 40)"
    )
    return parser
