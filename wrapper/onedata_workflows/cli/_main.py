"""The ``onedata-workflows`` command.

Exit codes:
    0    success; for a wait, the execution finished
    1    the execution failed
    2    usage error (bad arguments, missing settings)
    3    the execution was cancelled
    4    the execution crashed
    5    the wait timed out (the execution goes on)
    6    error from the provider, or no connection to it
    7    the wait ended on a suspended (paused or interrupted) execution
    130  interrupted (Ctrl-C)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO

from .._auth import redact
from .._errors import NothingToRepair, OnedataError, WaitTimeout
from .._models import Execution, ExecutionStatus, RepairPlan, RunSummary
from .._settings import ENV_BASE_URL, ENV_HOST, ENV_TOKEN, MissingSettings, locate
from .._sync import WorkflowClient
from .._waiting import DEFAULT_WAIT_TIMEOUT
from ._display import Progress, describe, ending, summarize

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CANCELLED, EXIT_CRASHED = 0, 1, 2, 3, 4
EXIT_TIMEOUT, EXIT_API, EXIT_SUSPENDED, EXIT_INTERRUPTED = 5, 6, 7, 130

_BY_STATUS = {
    ExecutionStatus.FINISHED: EXIT_OK,
    ExecutionStatus.FAILED: EXIT_FAILED,
    ExecutionStatus.CANCELLED: EXIT_CANCELLED,
    ExecutionStatus.CRASHED: EXIT_CRASHED,
    ExecutionStatus.PAUSED: EXIT_SUSPENDED,
    ExecutionStatus.INTERRUPTED: EXIT_SUSPENDED,
}


def exit_code(execution: Execution) -> int:
    """The documented exit code for an execution where a wait left it."""
    return _BY_STATUS.get(execution.status, EXIT_API)


class UsageError(Exception):
    """Bad arguments or missing settings: exit code 2."""


class _Parser(argparse.ArgumentParser):
    secrets: tuple[str, ...] = ()

    def error(self, message: str) -> NoReturn:
        for secret in self.secrets:
            message = redact(message, secret)
        raise UsageError(message)


class Command:
    """One run of the command: parsed arguments, where to write, and how to connect."""

    def __init__(
        self,
        args: argparse.Namespace,
        out: TextIO,
        err: TextIO,
        client_options: dict[str, Any],
        stop: threading.Event | None,
    ) -> None:
        self.args = args
        self.out = out
        self.err = err
        self.client_options = client_options
        self.stop = stop or threading.Event()

    @property
    def as_json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def emit(self, data: Any, text: str) -> None:
        self.out.write((json.dumps(data, indent=2, default=str) if self.as_json else text) + "\n")
        self.out.flush()

    def connect(self) -> WorkflowClient:
        args = self.args
        try:
            found = locate(host=args.host, base_url=args.base_url, token=args.token)
        except MissingSettings as missing:
            ways = {
                "provider": f"--host or --base-url, or set {ENV_HOST} or {ENV_BASE_URL}",
                "token": f"--token or set {ENV_TOKEN}",
            }
            raise UsageError(
                "; ".join(f"no {name}: pass {ways[name]}" for name in missing.missing)
            ) from None
        options: dict[str, Any] = {
            "verify": not args.insecure,
            "ca_bundle": args.ca_bundle,
            "allow_insecure_http": args.allow_http,
            **self.client_options,
        }
        if args.request_timeout is not None:
            options["timeout"] = args.request_timeout
        return WorkflowClient(
            host=found.host, token=found.token, base_url=found.base_url, **options
        )

    def progress(self) -> Progress | None:
        """Live progress for people (none with --json), timed on the client's clock."""
        if self.as_json:
            return None
        monotonic: Callable[[], float] = self.client_options.get("monotonic", time.monotonic)
        start = monotonic()
        return Progress(self.out, live=self.out.isatty(), elapsed=lambda: monotonic() - start)


# -- subcommands ------------------------------------------------------------------


def _schedule(cmd: Command) -> int:
    args = cmd.args
    content = json.loads(args.store_content) if args.store_content else None
    with cmd.connect() as client:
        wid = client.schedule(
            args.space_id,
            args.schema_id,
            args.revision,
            log_level=args.log_level,
            callback=args.callback,
            store_initial_content=content,
        )
    cmd.emit({"atmWorkflowExecutionId": str(wid), "location": wid.location}, str(wid))
    return EXIT_OK


def _show(cmd: Command) -> int:
    with cmd.connect() as client:
        execution = client.get(cmd.args.wid)
    cmd.emit(execution.raw.to_dict(), describe(execution))
    return EXIT_OK


def _list(cmd: Command) -> int:
    with cmd.connect() as client:
        ids = list(client.list(cmd.args.space_id, phase=cmd.args.phase))
    cmd.emit(ids, "\n".join(ids) if ids else "(none)")
    return EXIT_OK


def _action(name: str) -> Callable[[Command], int]:
    def act(cmd: Command) -> int:
        with cmd.connect() as client:
            operation = getattr(client, name.replace("-", "_"))
            if name in ("rerun", "retry"):
                operation(cmd.args.wid, cmd.args.lane, cmd.args.run)
            else:
                operation(cmd.args.wid)
        done = {"atmWorkflowExecutionId": cmd.args.wid, "action": name, "accepted": True}
        cmd.emit(done, f"{name}: accepted for {cmd.args.wid}")
        return EXIT_OK

    return act


def _wait(cmd: Command) -> int:
    args = cmd.args
    with cmd.connect() as client:
        progress = cmd.progress()
        execution = client.wait_until_finished(
            args.wid,
            timeout=args.timeout,
            on_update=progress,
            wait_through_suspension=args.through_suspension,
            cancel_on_timeout=args.cancel_on_timeout,
        )
    cmd.emit(execution.raw.to_dict(), ending(execution))
    return exit_code(execution)


def _repair(operation: str) -> Callable[[Command], int]:
    def repair(cmd: Command) -> int:
        args = cmd.args
        with cmd.connect() as client:
            options: dict[str, Any] = {
                "dry_run": args.dry_run,
                "wait": args.wait,
                "timeout": args.timeout,
            }
            if operation == "rerun":
                options["whole_lane"] = args.whole_lane
                plan = client.rerun_from_failed_lane(args.wid, **options)
            else:
                plan = client.retry_failed_lane(args.wid, **options)
        cmd.emit(
            _plan_data(plan), str(plan) + (f"\n{ending(plan.execution)}" if plan.execution else "")
        )
        return exit_code(plan.execution) if plan.execution is not None else EXIT_OK

    return repair


def _plan_data(plan: RepairPlan) -> dict[str, Any]:
    return {
        "atmWorkflowExecutionId": plan.execution_id,
        "operation": str(plan.operation),
        "laneIndex": plan.lane_index,
        "laneRunNumber": plan.run_number,
        "reason": plan.reason,
        "performed": plan.performed,
        "status": None if plan.execution is None else str(plan.execution.status),
    }


def _run(cmd: Command) -> int:
    args = cmd.args
    with cmd.connect() as client:
        progress = cmd.progress()

        def repaired(plan: RepairPlan) -> None:
            if progress is not None:
                progress.finish()
                cmd.out.write(f"repair: {plan}\n")

        summary = client.run(
            args.space_id,
            args.schema_id,
            args.revision,
            max_repairs=args.max_repairs,
            timeout=args.timeout,
            on_update=progress,
            on_repair=repaired,
        )
    cmd.emit(_summary_data(summary), summarize(summary))
    return exit_code(summary.execution)


def _summary_data(summary: RunSummary) -> dict[str, Any]:
    return {
        "execution": summary.execution.raw.to_dict(),
        "repairs": [_plan_data(plan) for plan in summary.repairs],
        "polls": summary.polls,
        "transientErrors": summary.transient_errors,
        "elapsedSeconds": round(summary.elapsed, 3),
    }


def _simulate(cmd: Command) -> int:
    from ..testing import FakeOneprovider, LaneSpec, Outcome

    args = cmd.args
    fake = FakeOneprovider(speed=args.speed)
    lanes = [LaneSpec(duration=args.lane_duration) for _ in range(args.lanes)]
    if args.fail_lane:
        if not 1 <= args.fail_lane <= args.lanes:
            raise UsageError(f"--fail-lane must be between 1 and {args.lanes}")
        lanes[args.fail_lane - 1] = LaneSpec(duration=args.lane_duration, outcomes=[Outcome.FAIL])
    schema_id, revision = fake.add_workflow_schema(lanes, name="simulated workflow")
    with fake.serve(port=args.port) as base_url:
        info = {
            "baseUrl": base_url,
            "token": fake.token,
            "spaceId": fake.space_id,
            "schemaId": schema_id,
            "revision": revision,
            "speed": args.speed,
        }
        cmd.emit(
            info,
            "\n".join(
                [
                    f"simulated Oneprovider at {base_url} ({args.speed:g}x time); Ctrl-C stops it",
                    f"export {ENV_BASE_URL}={base_url}",
                    f"export {ENV_TOKEN}={fake.token}",
                    f"space {fake.space_id}",
                    f"schema {schema_id} revision {revision}",
                    f"try: onedata-workflows run {fake.space_id} {schema_id} {revision}",
                ]
            ),
        )
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a simulation ends
            cmd.stop.wait()
    return EXIT_OK


def _demo(cmd: Command) -> int:
    from ._demo import story

    return story(cmd.out, speed=cmd.args.speed)


# -- the parser -------------------------------------------------------------------


def build_parser() -> _Parser:
    parser = _Parser(
        prog="onedata-workflows",
        description="Drive Onedata automation workflow executions.",
        epilog=__doc__.split("\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    connection = _Parser(add_help=False)
    group = connection.add_argument_group("connection (or the environment variables)")
    group.add_argument("--host", help=f"the Oneprovider's domain [${ENV_HOST}]")
    group.add_argument(
        "--base-url", help=f"the API's full base URL instead of --host [${ENV_BASE_URL}]"
    )
    group.add_argument(
        "--token", help=f"access token; prefer ${ENV_TOKEN}, which stays out of `ps`"
    )
    group.add_argument("--ca-bundle", help="CA certificates for a provider with a private CA")
    group.add_argument("--insecure", action="store_true", help="do not verify TLS certificates")
    group.add_argument(
        "--allow-http", action="store_true", help="allow plain http to a remote host"
    )
    group.add_argument("--request-timeout", type=float, help="seconds per request (default 30)")
    group.add_argument("--json", action="store_true", help="print data as JSON")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, run: Callable[[Command], int], summary: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[connection], help=summary, description=summary)
        sub.set_defaults(handler=run)
        return sub

    def waiting(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--timeout", type=float, default=DEFAULT_WAIT_TIMEOUT, help="seconds to wait at most"
        )

    sub = add("schedule", _schedule, "schedule an execution; print its id")
    sub.add_argument("space_id")
    sub.add_argument("schema_id")
    sub.add_argument("revision", type=int)
    sub.add_argument("--log-level")
    sub.add_argument("--callback", help="URL the provider calls each time the execution stops")
    sub.add_argument("--store-content", help="initial store content, as a JSON object")
    add("show", _show, "show an execution and all its lane runs").add_argument("wid")
    sub = add("list", _list, "list the ids of a space's executions")
    sub.add_argument("space_id")
    sub.add_argument("--phase", choices=["waiting", "ongoing", "suspended", "ended"])
    for name in ("pause", "resume", "cancel", "delete", "force-continue"):
        add(name, _action(name), f"{name} an execution").add_argument("wid")
    for name in ("rerun", "retry"):
        sub = add(
            name, _action(name), f"{name} a lane run (lane counted from 1, run by its number)"
        )
        sub.add_argument("wid")
        sub.add_argument("lane", type=int)
        sub.add_argument("run", type=int)
    sub = add("wait", _wait, "wait until the execution stops; the exit code tells how it ended")
    sub.add_argument("wid")
    waiting(sub)
    sub.add_argument("--through-suspension", action="store_true", help="keep waiting while paused")
    sub.add_argument("--cancel-on-timeout", action="store_true")
    for name, operation in (("rerun-failed", "rerun"), ("retry-failed", "retry")):
        sub = add(
            name, _repair(operation), f"{operation} the lane run that made the execution fail"
        )
        sub.add_argument("wid")
        sub.add_argument("--dry-run", action="store_true", help="only say what would be done")
        sub.add_argument("--wait", action="store_true", help="then wait for the execution to stop")
        waiting(sub)
        if operation == "rerun":
            sub.add_argument(
                "--whole-lane", action="store_true", help="from the lane's regular run"
            )
    sub = add("run", _run, "schedule, wait, and repair failed lanes")
    sub.add_argument("space_id")
    sub.add_argument("schema_id")
    sub.add_argument("revision", type=int)
    sub.add_argument("--max-repairs", type=int, default=1)
    waiting(sub)
    sub = commands.add_parser("simulate", help="serve a simulated Oneprovider on this machine")
    sub.set_defaults(handler=_simulate)
    sub.add_argument("--port", type=int, default=0, help="default: any free port")
    sub.add_argument("--speed", type=float, default=10.0, help="simulated seconds per real second")
    sub.add_argument("--lanes", type=int, default=3)
    sub.add_argument("--lane-duration", type=float, default=60.0, help="simulated seconds per lane")
    sub.add_argument("--fail-lane", type=int, help="this lane (from 1) fails on its first run")
    sub.add_argument("--json", action="store_true")
    sub = commands.add_parser("demo", help="the whole story against a simulated provider")
    sub.set_defaults(handler=_demo)
    sub.add_argument("--speed", type=float, default=40.0)
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    client_options: dict[str, Any] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Run the command; return its exit code. (Tests pass a virtual clock in ``client_options``.)"""
    out = out or sys.stdout
    err = err or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    secrets = [os.environ.get(ENV_TOKEN, "")]
    secrets += [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--token"]
    secrets += [a.split("=", 1)[1] for a in argv if a.startswith("--token=")]
    parser.secrets = tuple(s for s in secrets if s)
    try:
        args = parser.parse_args(argv)
        return int(args.handler(Command(args, out, err, client_options or {}, stop)))
    except UsageError as error:
        err.write(f"onedata-workflows: error: {error}\n")
        return EXIT_USAGE
    except (ValueError, json.JSONDecodeError) as error:
        err.write(f"onedata-workflows: error: {_clean(error, parser.secrets)}\n")
        return EXIT_USAGE
    except WaitTimeout as error:
        err.write(f"onedata-workflows: timeout: {error}\n")
        return EXIT_TIMEOUT
    except NothingToRepair as error:
        err.write(f"onedata-workflows: {error}\n")
        return EXIT_API
    except OnedataError as error:
        err.write(f"onedata-workflows: error: {_clean(error, parser.secrets)}\n")
        return EXIT_API
    except KeyboardInterrupt:
        err.write("onedata-workflows: interrupted\n")
        return EXIT_INTERRUPTED


def _clean(error: Exception, secrets: Sequence[str]) -> str:
    text = str(error)
    for secret in secrets:
        text = redact(text, secret)
    return text
