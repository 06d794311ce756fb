"""Why an execution ended as it did: ``why``, ``log``, and the reason lines of waits.

A diagnosis reads the execution and its system audit log; it says what stopped the
execution and the next step the service would accept, with the command to take it.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from .._audit import AuditLog, AuditLogEntry, Severity
from .._diagnosis import Diagnosis, FailureKind, NextStep
from .._models import Execution
from ._display import timestamp
from ._exits import ExitCode, exit_code
from ._output import status_style

_COMMANDS = {
    NextStep.RETRY: "retry",
    NextStep.RERUN: "rerun",
    NextStep.RESUME: "resume",
    NextStep.FORCE_CONTINUE: "force-continue",
}


def step_command(diagnosis: Diagnosis, step: NextStep) -> str | None:
    """The command that takes ``step``, if the diagnosis says enough to write it."""
    name = _COMMANDS.get(step)
    if name is None:
        return None
    words = ["onedata-workflows", name, diagnosis.execution_id]
    if step in (NextStep.RETRY, NextStep.RERUN):
        plan = diagnosis.plan
        if plan is not None and str(plan.operation) != str(step):
            plan = None  # the plan is for the other operation
        if plan is not None:
            words += [str(plan.lane_index), str(plan.run_number)]
        elif diagnosis.run is not None and diagnosis.run.run_number is not None:
            words += [str(diagnosis.run.lane_index), str(diagnosis.run.run_number)]
        else:
            return None
    return shlex.join(words)


def reason_lines(diagnosis: Diagnosis) -> list[str]:
    """Two lines for the end of a wait: why it ended so, and what to do."""
    if diagnosis.kind in (FailureKind.NONE, FailureKind.RUNNING):
        return []
    lines = [f"why: {diagnosis.reason}"]
    command = step_command(diagnosis, diagnosis.next_step)
    advice = diagnosis.advice + (f": {command}" if command else "")
    lines.append(f"next: {advice}")
    return lines


def describe(diagnosis: Diagnosis, *, utc: bool = False) -> list[str]:
    """The whole diagnosis, for a person."""
    run = diagnosis.run
    where = f" in lane {run.lane_index}, run {run.run_number}" if run is not None else ""
    lines = [f"execution {diagnosis.execution_id} is {diagnosis.status}{where}"]
    lines.append(f"why: {diagnosis.reason}")
    command = step_command(diagnosis, diagnosis.next_step)
    lines.append(f"next: {diagnosis.advice}" + (f": {command}" if command else ""))
    for step in diagnosis.alternatives:
        other = step_command(diagnosis, step)
        named = _COMMANDS.get(step, str(step))
        lines.append(f"also: {named}" + (f": {other}" if other else ""))
    if diagnosis.entries:
        lines.append("")
        lines.append("from the audit log:")
        lines += [f"  {entry_line(entry, utc=utc)}" for entry in diagnosis.entries]
    if diagnosis.log_error is not None:
        lines.append(f"note: the audit log could not be read ({diagnosis.log_error})")
    return lines


def diagnosis_exit(diagnosis: Diagnosis) -> int:
    """``why`` exits as a wait would have, for an execution that has stopped; else 0."""
    execution: Execution | None = diagnosis.execution
    if execution is None or not (execution.is_ended or execution.is_suspended):
        return ExitCode.OK
    return exit_code(execution)


def style_of(diagnosis: Diagnosis) -> str | None:
    return status_style(diagnosis.status)


def entry_line(entry: AuditLogEntry, *, utc: bool = False) -> str:
    """An entry for people: its time (local, or UTC), severity and description."""
    text = entry.description if entry.description is not None else json.dumps(entry.content)
    return f"{timestamp(entry.timestamp, utc=utc)}  {entry.severity.upper():<9} {text}"


def entry_data(entry: AuditLogEntry) -> dict[str, Any]:
    """An entry in the dump's own shape."""
    return {
        "index": entry.index,
        "timestamp": int(entry.timestamp.timestamp() * 1000),
        "source": str(entry.source),
        "severity": str(entry.severity),
        "content": dict(entry.content),
    }


def log_entries(log: AuditLog, severity: str | None) -> tuple[AuditLogEntry, ...]:
    """The entries at ``severity`` or above (all without)."""
    return log.at_least(Severity(severity)) if severity else tuple(log)
