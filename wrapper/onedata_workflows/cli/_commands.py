"""The subcommands: each takes a :class:`Command` and returns its exit code.

A :class:`Command` holds what one run of the command knows: its arguments, where
it writes, how it connects, and what it is doing (the execution it follows), so
that an error or Ctrl-C can say where things stand.
"""

from __future__ import annotations

import contextlib
import errno
import json
import shlex
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from .._callbacks import CallbackReceiver
from .._diagnosis import Diagnosis, NextStep
from .._errors import NotFoundError, NothingToRepair, OnedataError
from .._models import Execution, ExecutionStatus, Phase, RepairPlan, RunSummary
from .._settings import ENV_BASE_URL, ENV_TOKEN, Spelling, api_base_url, host_of, locate
from .._sync import WorkflowClient
from .._waiting import ExecutionEvent
from ._diagnose import describe as describe_diagnosis
from ._diagnose import (
    diagnosis_exit,
    entry_data,
    entry_line,
    log_entries,
    reason_lines,
    step_command,
    style_of,
)
from ._display import Table, Text, describe, ending, runs_table, summarize, timestamp
from ._exits import Context, ExitCode, Unrepairable, UsageError, exit_code
from ._output import Output, Progress, status_style, ticking

SPELLING = Spelling(host="--host", base_url="--base-url", allow_http="--allow-http")
"""Settings as the command names them, for messages that say what to change."""


class Command:
    """One run of the command: its arguments, its output, and how to connect."""

    def __init__(
        self,
        args: Any,
        output: Output,
        client_options: dict[str, Any],
        stop: threading.Event | None = None,
    ) -> None:
        self.args = args
        self.output = output
        self.client_options = client_options
        self.stop = stop or threading.Event()
        self.base_url: str | None = None
        self.subject: str | None = None
        """What the command addresses, for a not-found message."""
        self.following: str | None = None
        """The execution being waited for, for Ctrl-C and timeouts."""
        self.progress: Progress | None = None

    # -- where things stand, for error messages --------------------------------------

    def context(self) -> Context:
        following = self.following
        return Context(
            base_url=self.base_url,
            subject=self.subject,
            following=following,
            resume=self.follow_command(following) if following else None,
            request_timeout=getattr(self.args, "request_timeout", None),
        )

    def follow_command(self, wid: str) -> str:
        """The command that waits for ``wid``, with the connection flags given (not the token)."""
        args, words = self.args, ["onedata-workflows", "wait"]
        for flag, value in (
            ("--host", args.host),
            ("--base-url", args.base_url),
            ("--ca-bundle", args.ca_bundle),
        ):
            if value:
                words += [flag, value]
        for flag, given in (("--insecure", args.insecure), ("--allow-http", args.allow_http)):
            if given:
                words.append(flag)
        return shlex.join([*words, wid])

    # -- connecting ----------------------------------------------------------------

    def connect(self) -> WorkflowClient:
        """A client for the provider the settings name; a usage error if they name none."""
        args = self.args
        if args.insecure and args.ca_bundle:
            raise UsageError("--insecure and --ca-bundle exclude each other: verify, or do not")
        found = locate(host=args.host, base_url=args.base_url, token=args.token)
        host = host_of(found.host, SPELLING) if found.host else None
        self.base_url = api_base_url(
            host, found.base_url, allow_insecure_http=args.allow_http, spelling=SPELLING
        )
        options: dict[str, Any] = {
            "verify": not args.insecure,
            "ca_bundle": args.ca_bundle,
            "allow_insecure_http": args.allow_http,
            **self.client_options,
        }
        if "sleep" in self.client_options:
            # An injected clock: sleeping on it is what moves the display's elapsed time.
            # On real time the display refreshes by itself, and the client keeps its own
            # sleep (which it can tell from any other).
            options["sleep"] = ticking(self.client_options["sleep"], lambda: self.progress)
        if args.request_timeout is not None:
            options["timeout"] = args.request_timeout
        try:
            return WorkflowClient(base_url=self.base_url, token=found.token, **options)
        except OSError as error:  # the CA bundle cannot be read
            raise UsageError(f"--ca-bundle {args.ca_bundle}: {error.strerror or error}") from None

    @contextlib.contextmanager
    def watching(self) -> Iterator[Callable[[ExecutionEvent], None]]:
        """The ``on_update`` of a wait: it shows progress and remembers what it follows."""
        monotonic: Callable[[], float] = self.client_options.get("monotonic", time.monotonic)
        start = monotonic()
        progress = self.output.progress(
            elapsed=lambda: monotonic() - start,
            wall=self.client_options.get("clock", time.time),
            follow=self.follow_command,
            real_time="monotonic" not in self.client_options,
            utc=self.args.utc,
        )

        def seen(event: ExecutionEvent) -> None:
            self.following = event.execution.id
            if progress is not None:
                progress(event)

        self.progress = progress
        try:
            yield seen
        finally:
            self.progress = None
            if progress is not None:
                progress.close()

    def note(self, text: str, style: str | None = None) -> None:
        """A line beside the results: among the progress while waiting, else on stderr."""
        text = self.output.clean(text)
        if self.progress is not None:
            self.progress.note(text, style)
        elif not self.output.as_json:
            self.output.err.write(text + "\n")
            self.output.err.flush()

    @staticmethod
    def diagnosis_of(execution: Execution, client: WorkflowClient) -> Diagnosis | None:
        """Why an execution that ended badly did, from its audit log; None if fine or unknown.

        If the reason cannot be had, the wait's own result stands alone.
        """
        if execution.status is ExecutionStatus.FINISHED:
            return None
        try:
            return client.diagnose(execution)
        except OnedataError:
            return None

    def ended(self, execution: Execution, diagnosis: Diagnosis | None = None) -> None:
        """The last line of a wait, coloured by how it ended; and why, if it ended badly."""
        data: dict[str, Any] = execution.raw.to_dict()
        lines: list[Text] = [ending(execution)]
        if diagnosis is not None:
            data["diagnosis"] = diagnosis.to_dict()
            lines += reason_lines(diagnosis)
        self.output.result(data, lines, status_style(execution.status))


# -- one handler per subcommand ------------------------------------------------------


def schedule(cmd: Command) -> int:
    args = cmd.args
    content = _store_content(args)
    cmd.subject = f"space {args.space_id} or workflow schema {args.schema_id} revision"
    cmd.subject += f" {args.revision}"
    callback = _callback_url(args)
    with cmd.connect() as client:
        wid = client.schedule(
            args.space_id,
            args.schema_id,
            args.revision,
            log_level=args.log_level,
            callback=callback,
            store_initial_content=content,
        )
    data = {"atmWorkflowExecutionId": str(wid), "location": wid.location}
    lines = [str(wid)]
    if args.callback_base:
        data["callback"] = callback
        lines.append(f"callback URL (for wait --callback-url): {callback}")
    cmd.output.result(data, lines)
    return ExitCode.OK


def _store_content(args: Any) -> Any:
    """--store-content, parsed (the library checks its shape)."""
    try:
        return json.loads(args.store_content) if args.store_content else None
    except json.JSONDecodeError as error:
        raise UsageError(f"--store-content is not JSON: {error}") from None


def _callback_url(args: Any) -> str | None:
    """The URL to schedule with: --callback as given, or a fresh one under --callback-base."""
    if args.callback and args.callback_base:
        raise UsageError("give --callback or --callback-base, not both")
    if not args.callback_base:
        return str(args.callback) if args.callback else None
    try:
        return CallbackReceiver.make_url(args.callback_base)
    except ValueError as error:
        raise UsageError(f"--callback-base: {error}") from None


@contextlib.contextmanager
def receiving(args: Any, wid: str | None = None) -> Iterator[CallbackReceiver | None]:
    """A callback receiver on --callback-listen while the block runs; None without it.

    With ``wid`` (wait), --callback-url is the URL that execution was scheduled with;
    without (run), the base URL the provider must call.
    """
    if not args.callback_listen:
        if args.callback_url:
            raise UsageError("--callback-url needs --callback-listen HOST:PORT")
        yield None
        return
    host, _, port = args.callback_listen.rpartition(":")
    host = host.strip("[]")
    if not port.isdigit() or not 0 <= int(port) <= 65535:
        raise UsageError(f"--callback-listen must be HOST:PORT, not {args.callback_listen!r}")
    public = args.callback_url
    if wid is not None:
        if not public:
            raise UsageError("wait --callback-listen needs --callback-url, the execution's URL")
        public = public.split("/callbacks/", 1)[0]
    try:
        receiver = CallbackReceiver(host, int(port), public_url=public)
        receiver.start()
    except ValueError as error:
        raise UsageError(f"--callback-listen: {error}") from None
    except OSError as error:
        raise UsageError(
            f"cannot listen on {args.callback_listen}: {error.strerror or error}"
        ) from None
    with contextlib.closing(receiver):
        if wid is not None:
            try:
                receiver.attach(wid, args.callback_url)
            except ValueError as error:
                raise UsageError(f"--callback-url: {error}") from None
        yield receiver


def show(cmd: Command) -> int:
    cmd.subject = f"execution {cmd.args.wid}"
    with cmd.connect() as client:
        execution = client.get(cmd.args.wid)
    cmd.output.result(execution.raw.to_dict(), describe(execution, utc=cmd.args.utc))
    return ExitCode.OK


def list_executions(cmd: Command) -> int:
    args = cmd.args
    if args.limit < 0:
        raise UsageError("--limit must be 0 (no limit) or more")
    cmd.subject = f"space {args.space_id}"
    phases = [Phase(args.phase)] if args.phase else list(Phase)
    with cmd.connect() as client:
        found: dict[str, Phase] = {}
        for phase in phases:  # live phases first; the provider lists newest first
            for wid in client.list(args.space_id, phase=phase):
                found.setdefault(wid, phase)
        ids = list(found)
        shown = ids[: args.limit] if args.limit else ids
        if args.quiet:
            cmd.output.result(shown, "\n".join(shown))
        else:
            executions = []
            for wid in shown:
                with contextlib.suppress(NotFoundError):  # deleted since it was listed
                    executions.append(client.get(wid))
            rows = [
                (e.id, e.name, str(e.status), timestamp(e.schedule_time, utc=args.utc))
                for e in executions
            ]
            data = [
                {
                    "atmWorkflowExecutionId": e.id,
                    "name": e.name,
                    "status": str(e.status),
                    "phase": str(found[e.id]),
                    "scheduleTime": e.raw.schedule_time,
                }
                for e in executions
            ]
            header = ("id", "name", "status", "scheduled")
            shown_table = Table(tuple(rows), header, status_column=2)
            cmd.output.result(data, [shown_table] if rows else "(none)")
    if len(shown) < len(ids):
        cmd.note(f"({len(shown)} of {len(ids)} shown; --limit 0 shows all)")
    return ExitCode.OK


def action(name: str) -> Callable[[Command], int]:
    """pause, resume, cancel, delete, force-continue, rerun, retry: one request each."""

    def act(cmd: Command) -> int:
        args = cmd.args
        cmd.subject = f"execution {args.wid}"
        with cmd.connect() as client:
            operation = getattr(client, name.replace("-", "_"))
            if name in ("rerun", "retry"):
                cmd.subject += f", or its lane {args.lane} run {args.run}"
                operation(args.wid, args.lane, args.run)
            else:
                operation(args.wid)
        done = {"atmWorkflowExecutionId": args.wid, "action": name, "accepted": True}
        cmd.output.result(done, f"{name}: accepted for {args.wid}")
        return ExitCode.OK

    return act


def wait(cmd: Command) -> int:
    args = cmd.args
    cmd.subject = f"execution {args.wid}"
    cmd.following = args.wid
    with receiving(args, args.wid) as receiver, cmd.connect() as client:
        with cmd.watching() as seen:
            execution = client.wait_until_finished(
                args.wid,
                timeout=args.timeout,
                on_update=seen,
                wait_through_suspension=args.through_suspension,
                cancel_on_timeout=args.cancel_on_timeout,
                callbacks=receiver,
            )
        diagnosis = cmd.diagnosis_of(execution, client)  # after the live display closed
    cmd.ended(execution, diagnosis)
    return exit_code(execution)


def repair(operation: str) -> Callable[[Command], int]:
    """rerun-failed and retry-failed: find the lane run that failed, repeat it, maybe wait."""

    def repair(cmd: Command) -> int:
        args = cmd.args
        cmd.subject = f"execution {args.wid}"
        options: dict[str, Any] = {"dry_run": args.dry_run, "timeout": args.timeout}
        if operation == "rerun":
            options["whole_lane"] = args.whole_lane
        waiting = args.wait and not args.dry_run
        if args.callback_listen and not waiting:
            raise UsageError("--callback-listen is for waiting: add --wait")
        with receiving(args, args.wid) as receiver, cmd.connect() as client:
            method = (
                client.rerun_from_failed_lane if operation == "rerun" else client.retry_failed_lane
            )
            try:
                plan = method(args.wid, **options)
            except NothingToRepair as nothing:
                raise Unrepairable(_why_not(nothing), nothing) from None
            if waiting:
                # Say what was done before the wait, which may be long.
                if not cmd.output.as_json:
                    cmd.output.line(str(plan))
                cmd.following = args.wid
                with cmd.watching() as seen:
                    execution = client.wait_until_finished(
                        args.wid, timeout=args.timeout, on_update=seen, callbacks=receiver
                    )
                plan = attrs.evolve(plan, execution=execution)
        parts = [] if waiting else [str(plan)]
        if plan.execution is not None:
            parts.append(ending(plan.execution))
        cmd.output.result(_plan_data(plan), parts)
        return exit_code(plan.execution) if plan.execution is not None else ExitCode.OK

    return repair


def _why_not(nothing: NothingToRepair) -> str:
    """One sentence: why no lane run of the execution can be repaired, and what instead."""
    wid, execution = nothing.execution_id, nothing.execution
    if execution is None or execution.status is ExecutionStatus.FAILED:
        why = str(nothing)  # which runs were considered, and why each was turned down
    elif execution.status is ExecutionStatus.FINISHED:
        why = f"nothing to repair: execution {wid} finished, and none of its lane runs failed"
    elif execution.status is ExecutionStatus.CRASHED:
        why = f"nothing to repair: execution {wid} crashed; a crashed execution can only be deleted"
    elif not execution.is_ended:
        why = f"nothing to repair yet: execution {wid} is {execution.status}, not ended"
    else:
        why = f"nothing to repair: execution {wid} was {execution.status}"
    diagnosis = nothing.diagnosis
    if diagnosis is not None and diagnosis.next_step is not NextStep.NOTHING:
        command = step_command(diagnosis, diagnosis.next_step)
        why += f"; instead: {diagnosis.advice}" + (f" ({command})" if command else "")
    return why


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


def run(cmd: Command) -> int:
    args = cmd.args
    cmd.subject = f"space {args.space_id} or workflow schema {args.schema_id} revision"
    cmd.subject += f" {args.revision}"
    content = _store_content(args)
    with receiving(args) as receiver, cmd.connect() as client:
        if receiver is not None and (args.callback or args.callback_base):
            raise UsageError("--callback-listen gives the execution its URL: drop --callback")
        try:
            with cmd.watching() as seen:
                summary = client.run(
                    args.space_id,
                    args.schema_id,
                    args.revision,
                    store_initial_content=content,
                    log_level=args.log_level,
                    callback=receiver if receiver is not None else _callback_url(args),
                    max_repairs=args.max_repairs,
                    timeout=args.timeout,
                    on_update=seen,
                    on_repair=lambda plan: cmd.note(f"repair: {plan}", "bold"),
                )
        except NothingToRepair as nothing:
            # It failed in a way no repair mends: show how it ended, and why not.
            why = _why_not(nothing)
            execution = client.get(nothing.execution_id)
            data = {"execution": execution.raw.to_dict(), "repairs": [], "noRepair": why}
            parts: list[Text] = [ending(execution), "", runs_table(execution)]
            cmd.output.result(
                data, [*parts, "", f"no repair: {why}"], status_style(execution.status)
            )
            return exit_code(execution)
    lines = summarize(summary)
    if summary.diagnosis is not None and summary.execution.status is not ExecutionStatus.FINISHED:
        lines = [*lines, "", *reason_lines(summary.diagnosis)]
    cmd.output.result(_summary_data(summary), lines, status_style(summary.execution.status))
    return exit_code(summary.execution)


def why(cmd: Command) -> int:
    """Why the execution is where it is, and the next step, with its command."""
    cmd.subject = f"execution {cmd.args.wid}"
    with cmd.connect() as client:
        diagnosis = client.diagnose(cmd.args.wid)
    lines = describe_diagnosis(diagnosis, utc=cmd.args.utc)
    cmd.output.result(diagnosis.to_dict(), lines, style_of(diagnosis))
    return diagnosis_exit(diagnosis)


def log(cmd: Command) -> int:
    """The execution's system audit log, oldest first."""
    args = cmd.args
    cmd.subject = f"execution {args.wid}"
    with cmd.connect() as client:
        found = client.audit_log(args.wid, tail=args.tail or None)
    entries = log_entries(found, args.severity)
    data = {"storeId": found.store_id, "entries": [entry_data(entry) for entry in entries]}
    text = [entry_line(entry, utc=args.utc) for entry in entries] or ["(no entries)"]
    cmd.output.result(data, text)
    return ExitCode.OK


def _summary_data(summary: RunSummary) -> dict[str, Any]:
    return {
        "execution": summary.execution.raw.to_dict(),
        "repairs": [_plan_data(plan) for plan in summary.repairs],
        "polls": summary.polls,
        "transientErrors": summary.transient_errors,
        "elapsedSeconds": round(summary.elapsed, 3),
    }


def simulate(cmd: Command) -> int:
    from ..testing import FakeOneprovider, LaneSpec, Outcome

    args = cmd.args
    if args.speed <= 0 or args.lanes < 1 or args.lane_duration <= 0:
        raise UsageError("--speed and --lane-duration must be positive, --lanes at least 1")
    if args.fail_lane is not None and not 1 <= args.fail_lane <= args.lanes:
        raise UsageError(f"--fail-lane must be between 1 and {args.lanes}")
    fake = FakeOneprovider(speed=args.speed)
    lanes = [LaneSpec(duration=args.lane_duration) for _ in range(args.lanes)]
    if args.fail_lane:
        lanes[args.fail_lane - 1] = LaneSpec(duration=args.lane_duration, outcomes=[Outcome.FAIL])
    schema_id, revision = fake.add_workflow_schema(lanes, name="simulated workflow")
    with contextlib.ExitStack() as serving:
        try:
            base_url = serving.enter_context(fake.serve(port=args.port))
        except OSError as error:
            busy = error.errno == errno.EADDRINUSE
            raise UsageError(
                f"port {args.port} {'is already in use' if busy else 'cannot be used'} "
                f"({error.strerror}); choose another --port, or 0 for any free one"
            ) from None
        # The simulator's token is made to be exported, even if it is already.
        cmd.output.shown(fake.token)
        info = {
            "baseUrl": base_url,
            "token": fake.token,
            "spaceId": fake.space_id,
            "schemaId": schema_id,
            "revision": revision,
            "speed": args.speed,
        }
        cmd.output.result(
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
    return ExitCode.OK


def demo(cmd: Command) -> int:
    from ._demo import story

    return story(cmd.output, speed=cmd.args.speed, utc=cmd.args.utc)
