"""An execution's system audit log, written in the service's own words.

Each method is one thing that happens to an execution, logged with the severity,
description and details that op-worker uses for it (``atm_workflow_execution_handler``,
``atm_lane_execution_setup_handler``, ``atm_lane_execution_stop_handler``,
``atm_task_execution_job_handler``, ``atm_task_execution_stream_handler``), including
its misspellings. Descriptions about a lane run or a task carry the prefix that
``atm_workflow_execution_logger`` gives them: ``[Lane: 2, Run: 1]``, with ``Run: ?``
for a run prepared in advance.

One entry is the simulator's own, because the service writes nothing of the kind to
the workflow's log: :meth:`ExecutionLog.items_failed` (the service logs each failed
item in its task's audit log). The service's task-level entries that explain nothing
(a task stopped, a batch of items run) are left out.

Entries below the execution's ``logLevel`` are not kept, as ``audit_log:should_log``
decides.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

SEVERITIES = ("emergency", "alert", "critical", "error", "warning", "notice", "info", "debug")
"""Syslog's severities, most severe first: the index is the service's severity number."""
_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
WORKFLOW_AUDIT_LOG_NAME = "WORKFLOW-SYSTEM-AUDIT-LOG"
"""The store's name in dump file names: ``WORKFLOW_SYSTEM_AUDIT_LOG`` with ``_`` made ``-``."""


def lane_run(lane: int, run: int | None, text: str) -> str:
    return f"[Lane: {lane}, Run: {'?' if run is None else run}] {text}"


def task(lane: int, run: int | None, box: int, number: int, text: str) -> str:
    return f"[Lane: {lane}, Run: {'?' if run is None else run}, PBox: {box}, Task: {number}] {text}"


def selector(lane: int, run: int | None) -> dict[str, Any]:
    """A lane run as the service writes it in details (its exact keys are this simulator's)."""
    return {"laneIndex": lane, "runNumber": run}


class ExecutionLog:
    """The system audit log of one execution: its entries, oldest first."""

    def __init__(self, log_level: str, now: Callable[[], float]) -> None:
        self.log_level = log_level
        self._now = now
        self.entries: list[dict[str, Any]] = []

    def append(
        self,
        severity: str,
        content: dict[str, Any],
        *,
        source: str = "system",
    ) -> None:
        """Keep an entry, unless it is less severe than the execution's log level."""
        if _RANK[severity] > _RANK[self.log_level]:
            return
        self.entries.append(
            {
                "index": str(len(self.entries)),
                "timestamp": int(self._now() * 1000),
                "source": source,
                "severity": severity,
                "content": content,
            }
        )

    def _system(
        self,
        severity: str,
        description: str,
        details: dict[str, Any] | None = None,
        tasks: Iterable[str] = (),
    ) -> None:
        content: dict[str, Any] = {"description": description}
        if details is not None:
            content["details"] = details
        tasks = list(tasks)
        if tasks:
            content["referencedElements"] = {"tasks": tasks}
        self.append(severity, content)

    def dump(self) -> bytes:
        """The body of the dump: each entry pretty-printed and followed by a line break."""
        return (
            "[" + ",".join(json.dumps(e, indent=2) + "\r\n" for e in self.entries) + "]"
        ).encode()

    # -- the workflow --------------------------------------------------------

    def scheduled(self) -> None:
        self._system("notice", "Scheduled execution.", {"scheduledLaneRunSelector": selector(1, 1)})

    def resuming(self, lane: int, run: int | None) -> None:
        self._system(
            "notice", "Resuming execution...", {"scheduledLaneRunSelector": selector(lane, run)}
        )

    def forced_continuation(self, lane: int, run: int | None) -> None:
        self._system(
            "notice",
            "Scheduled forced continuation.",
            {"scheduledLaneRunSelector": selector(lane, run)},
        )

    def manual_repeat(self, kind: str, lane: int, origin: int, new_run: int) -> None:
        self._system(
            "notice",
            lane_run(lane, origin, f"Scheduled manual {kind}."),
            {"repeatType": kind, "scheduledLaneRunSelector": selector(lane, new_run)},
        )

    def stopping(self, lane: int, run: int | None, reason: str) -> None:
        """A stop of the current lane run, and so of the execution, with its reason."""
        self._system("notice", "Stopping execution...", {"reason": reason})
        self._system("info", lane_run(lane, run, "Initiating stop..."), {"reason": reason})

    def prepared_runs_deleted(self, lanes: list[int]) -> None:
        self._system(
            "info", "Deleted lane runs that were prepared in advance.", {"laneIndices": lanes}
        )

    def stopped(self, status: str) -> None:
        self._system("notice", "Stopped execution.", {"status": status})

    def unclean_shutdown(self) -> None:
        self._system(
            "critical",
            "Failed to cleanly suspend execution before the Oneprovider service has stopped.",
        )

    def openfaas_unhealthy(self) -> None:
        self._system(
            "critical",
            "OpenFaaS service is not healthy (see error reason).",
            {
                "reason": {
                    "id": "atmOpenfaasUnhealthy",
                    "description": "OpenFaaS service is unhealthy.",
                }
            },
        )

    def emergency(self, reference: str) -> None:
        """An unexpected error in the engine: the execution crashes."""
        self._system(
            "emergency",
            "Unexpected emergency occured.",
            {
                "reason": {
                    "id": "internalServerError",
                    "description": (
                        "The server has encountered an error while processing this request."
                    ),
                    "details": {"reference": reference},
                }
            },
        )

    # -- lane runs and tasks -------------------------------------------------

    def preparing(self, lane: int, run: int | None) -> None:
        self._system("debug", lane_run(lane, run, "Preparing..."))

    def prepared(self, lane: int, run: int | None) -> None:
        self._system("info", lane_run(lane, run, "Prepared."))

    def resumed(self, lane: int, run: int | None) -> None:
        self._system("info", lane_run(lane, run, "Resumed."))

    def run_stopped(self, lane: int, run: int | None, *, suspended: bool = False) -> None:
        text = "Stopped previously suspended." if suspended else "Stopped."
        self._system("info", lane_run(lane, run, text))

    def automatic_retry(self, lane: int, run: int, next_run: int, retries_left: int) -> None:
        self._system(
            "info",
            lane_run(lane, run, "Scheduled automatic retry."),
            {"scheduledLaneRunSelector": selector(lane, next_run), "retriesLeft": retries_left},
        )

    def items_failed(
        self, lane: int, run: int | None, failed: int, items: int, exception_store_id: str | None
    ) -> None:
        """The simulator's own entry: the service logs each failed item in its task's log."""
        self._system(
            "error",
            lane_run(lane, run, f"{failed} of {items} items failed."),
            {"itemsFailed": failed, "items": items, "exceptionStoreId": exception_store_id},
        )

    def threshold_exceeded(self, lane: int, run: int | None, task_id: str) -> None:
        self._system(
            "critical",
            task(lane, run, 1, 1, "Exceeeded allowed failed jobs threshold."),
            tasks=[task_id],
        )

    def results_failed(self, lane: int, run: int | None, task_id: str) -> None:
        """A task failed as a whole: the run stops with reason ``failure``."""
        self._system(
            "critical",
            task(lane, run, 1, 1, "Failed to process streamed results."),
            tasks=[task_id],
        )
