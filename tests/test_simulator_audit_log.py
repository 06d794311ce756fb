"""The simulator's system audit log: what each execution logs, and the dump endpoint's rules."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from onedata_workflows.testing import FakeOneprovider, LaneSpec, Outcome, Privilege

from .raw_api import RawApi, error_of

DUMP = "/automation/execution/stores/{}/dump"


def dump(api: RawApi, store_id: str, **headers: str) -> httpx.Response:
    return api.http.get(DUMP.format(store_id), headers=headers)


def log_of(api: RawApi, wid: str) -> list[dict[str, Any]]:
    response = dump(api, api.get(wid)["systemAuditLogStoreId"], accept="*/*")
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = json.loads(response.content)
    return entries


def said(entries: list[dict[str, Any]]) -> list[str]:
    return [e["content"]["description"] for e in entries]


def entry(entries: list[dict[str, Any]], description: str) -> dict[str, Any]:
    return next(e for e in entries if e["content"]["description"] == description)


def run_to_end(fake: FakeOneprovider, api: RawApi, lanes: list[LaneSpec], end: str) -> str:
    wid = api.schedule(fake.add_workflow_schema(lanes)[0])
    api.until(wid, end)
    return wid


# -- what an execution logs ------------------------------------------------------


def test_a_run_that_finishes(fake: FakeOneprovider, api: RawApi) -> None:
    wid = run_to_end(fake, api, [LaneSpec(), LaneSpec()], "finished")
    entries = log_of(api, wid)
    assert said(entries) == [
        "Scheduled execution.",
        "[Lane: 1, Run: 1] Prepared.",
        "[Lane: 2, Run: ?] Prepared.",  # prepared in advance, before it has a number
        "[Lane: 1, Run: 1] Stopped.",
        "[Lane: 2, Run: 1] Stopped.",
        "Stopped execution.",
    ]
    assert entries[0]["severity"] == "notice"
    assert entries[0]["content"]["details"] == {
        "scheduledLaneRunSelector": {"laneIndex": 1, "runNumber": 1}
    }
    assert entries[-1]["content"]["details"] == {"status": "finished"}
    assert [e["index"] for e in entries] == [str(i) for i in range(len(entries))]
    assert {e["source"] for e in entries} == {"system"}
    stamps = [e["timestamp"] for e in entries]
    assert stamps == sorted(stamps)
    assert stamps[0] == api.get(wid)["scheduleTime"] * 1000, "milliseconds"


def test_the_log_level_decides_what_is_kept(fake: FakeOneprovider, api: RawApi) -> None:
    schema_id, _ = fake.add_workflow_schema([LaneSpec()])
    verbose = api.schedule(schema_id, logLevel="debug")
    terse = api.schedule(schema_id, logLevel="notice")
    api.until(verbose, "finished")
    assert "[Lane: 1, Run: 1] Preparing..." in said(log_of(api, verbose))
    assert said(log_of(api, terse)) == ["Scheduled execution.", "Stopped execution."]


def test_items_failed_and_an_automatic_retry(fake: FakeOneprovider, api: RawApi) -> None:
    lane = LaneSpec(
        max_retries=1,
        outcomes=[Outcome.FAIL_ITEMS, Outcome.FAIL_ITEMS],
        instant_failure_exception_threshold=1.0,
    )
    wid = run_to_end(fake, api, [lane], "failed")
    entries = log_of(api, wid)
    details = api.get(wid)
    failed = entry(entries, "[Lane: 1, Run: 1] 1 of 10 items failed.")
    assert failed["severity"] == "error"
    run1 = details["lanes"][0]["runs"][1]
    assert failed["content"]["details"]["exceptionStoreId"] == run1["exceptionStoreId"]
    retry = entry(entries, "[Lane: 1, Run: 1] Scheduled automatic retry.")
    assert retry["content"]["details"] == {
        "scheduledLaneRunSelector": {"laneIndex": 1, "runNumber": 2},
        "retriesLeft": 0,
    }
    assert "[Lane: 1, Run: 2] 1 of 1 items failed." in said(entries)
    assert entries[-1]["content"]["details"] == {"status": "failed"}
    assert not any(d.startswith("Stopping") for d in said(entries)), "no stop: it ended"


def test_the_exception_threshold(fake: FakeOneprovider, api: RawApi) -> None:
    lane = LaneSpec(failing_items=3, max_retries=2, outcomes=[Outcome.FAIL_ITEMS])
    wid = run_to_end(fake, api, [lane, LaneSpec()], "failed")
    entries = log_of(api, wid)
    crossed = entry(
        entries, "[Lane: 1, Run: 1, PBox: 1, Task: 1] Exceeeded allowed failed jobs threshold."
    )
    assert crossed["severity"] == "critical"
    (box,) = api.get(wid)["lanes"][0]["runs"][0]["parallelBoxes"]
    assert crossed["content"]["referencedElements"] == {"tasks": list(box["taskRegistry"].values())}
    stopping = entry(entries, "Stopping execution...")
    assert stopping["content"]["details"] == {"reason": "failure"}
    assert entry(entries, "[Lane: 1, Run: 1] Initiating stop...")["severity"] == "info"
    assert "Deleted lane runs that were prepared in advance." in said(entries)
    assert "Scheduled automatic retry." not in " ".join(said(entries))


@pytest.mark.parametrize(
    ("outcome", "status", "cause", "severity", "reason"),
    [
        (
            Outcome.FAIL,
            "failed",
            "[Lane: 1, Run: 1, PBox: 1, Task: 1] Failed to process streamed results.",
            "critical",
            "failure",
        ),
        (Outcome.CRASH, "crashed", "Unexpected emergency occured.", "emergency", "crash"),
        (
            Outcome.INTERRUPT,
            "interrupted",
            "OpenFaaS service is not healthy (see error reason).",
            "critical",
            "interrupt",
        ),
    ],
)
def test_a_run_that_goes_wrong_halfway(
    fake: FakeOneprovider,
    api: RawApi,
    outcome: Outcome,
    status: str,
    cause: str,
    severity: str,
    reason: str,
) -> None:
    wid = run_to_end(fake, api, [LaneSpec(outcomes=[outcome])], status)
    entries = log_of(api, wid)
    assert entry(entries, cause)["severity"] == severity
    assert entry(entries, "Stopping execution...")["content"]["details"] == {"reason": reason}
    descriptions = said(entries)
    assert descriptions.index(cause) < descriptions.index("Stopping execution...")
    assert "[Lane: 1, Run: 1] Stopped." in descriptions
    if status == "crashed":
        assert "Stopped execution." not in descriptions, "a crash ends without it"
    else:
        assert entries[-1]["content"]["details"] == {"status": status}


def test_interrupted_then_resumed(fake: FakeOneprovider, api: RawApi) -> None:
    wid = run_to_end(fake, api, [LaneSpec(outcomes=[Outcome.INTERRUPT])], "interrupted")
    reason = entry(log_of(api, wid), "OpenFaaS service is not healthy (see error reason).")
    assert reason["content"]["details"]["reason"]["id"] == "atmOpenfaasUnhealthy"
    api.ok(wid, "resume")
    api.until(wid, "finished")
    entries = log_of(api, wid)
    resuming = entry(entries, "Resuming execution...")
    assert resuming["content"]["details"] == {
        "scheduledLaneRunSelector": {"laneIndex": 1, "runNumber": 1}
    }
    assert said(entries)[-3:] == [
        "[Lane: 1, Run: 1] Resumed.",
        "[Lane: 1, Run: 1] Stopped.",
        "Stopped execution.",
    ]


def test_paused_then_cancelled_by_a_user(fake: FakeOneprovider, api: RawApi) -> None:
    wid = api.schedule(fake.add_workflow_schema([LaneSpec(duration=100)])[0])
    api.until(wid, "active")
    api.ok(wid, "pause")
    api.until(wid, "paused")
    assert entry(log_of(api, wid), "Stopping execution...")["content"]["details"] == {
        "reason": "pause"
    }
    api.ok(wid, "cancel")
    assert said(log_of(api, wid))[-4:] == [
        "Stopping execution...",
        "[Lane: 1, Run: 1] Initiating stop...",
        "[Lane: 1, Run: 1] Stopped previously suspended.",
        "Stopped execution.",
    ]
    assert log_of(api, wid)[-4]["content"]["details"] == {"reason": "cancel"}


def test_a_stronger_reason_is_logged_a_weaker_one_is_not(
    fake: FakeOneprovider, api: RawApi
) -> None:
    wid = api.schedule(fake.add_workflow_schema([LaneSpec(duration=100)])[0])
    api.until(wid, "active")
    api.ok(wid, "pause")
    api.ok(wid, "cancel")  # overrides the pause
    api.ok(wid, "pause")  # weaker: ignored
    api.until(wid, "cancelled")
    reasons = [
        e["content"]["details"]["reason"]
        for e in log_of(api, wid)
        if e["content"]["description"] == "Stopping execution..."
    ]
    assert reasons == ["pause", "cancel"]


def test_a_graceful_shutdown_and_a_crash_of_the_provider(
    fake: FakeOneprovider, api: RawApi
) -> None:
    schema_id, _ = fake.add_workflow_schema([LaneSpec(duration=100)])
    paused = api.schedule(schema_id)
    api.until(paused, "active")
    fake.advance(5)  # its lane run is active
    fake.stop_provider()
    fake.restart_provider()
    assert api.status(paused) == "paused"
    reason = entry(log_of(api, paused), "Stopping execution...")["content"]["details"]
    assert reason == {"reason": "op_worker_stopping"}
    fake.advance(15)
    assert said(log_of(api, paused))[-2:] == ["Resuming execution...", "[Lane: 1, Run: 1] Resumed."]

    crashed = api.schedule(schema_id)
    api.until(crashed, "active")
    fake.advance(5)
    fake.stop_provider(graceful=False)
    fake.restart_provider()
    fake.advance(15)
    entries = log_of(api, crashed)
    unclean = "Failed to cleanly suspend execution before the Oneprovider service has stopped."
    assert entry(entries, unclean)["severity"] == "critical"
    descriptions = said(entries)
    start = descriptions.index(unclean)
    assert descriptions[start:] == [
        unclean,
        "Stopping execution...",
        "[Lane: 1, Run: 1] Initiating stop...",
        "[Lane: 1, Run: 1] Stopped.",
        "Stopped execution.",
        "Resuming execution...",
        "[Lane: 1, Run: 1] Resumed.",
    ]
    assert entries[start + 1]["content"]["details"] == {"reason": "interrupt"}
    assert entries[start + 4]["content"]["details"] == {"status": "interrupted"}


def test_manual_repeats_and_forced_continuation(fake: FakeOneprovider, api: RawApi) -> None:
    lanes = [LaneSpec(outcomes=[Outcome.FAIL_ITEMS], instant_failure_exception_threshold=1.0)]
    wid = run_to_end(fake, api, [*lanes, LaneSpec()], "failed")
    api.ok(wid, "retry", {"laneIndex": 1, "laneRunNumber": 1})
    scheduled = log_of(api, wid)[-1]
    assert scheduled["content"] == {
        "description": "[Lane: 1, Run: 1] Scheduled manual retry.",
        "details": {
            "repeatType": "retry",
            "scheduledLaneRunSelector": {"laneIndex": 1, "runNumber": 2},
        },
    }
    assert scheduled["severity"] == "notice"
    api.until(wid, "finished")
    api.ok(wid, "rerun", {"laneIndex": 2, "laneRunNumber": 2})
    assert said(log_of(api, wid))[-1] == "[Lane: 2, Run: 2] Scheduled manual rerun."

    other = run_to_end(fake, api, [LaneSpec(outcomes=[Outcome.FAIL]), LaneSpec()], "failed")
    api.ok(other, "force_continue")
    forced = log_of(api, other)[-1]
    assert forced["content"] == {
        "description": "Scheduled forced continuation.",
        "details": {"scheduledLaneRunSelector": {"laneIndex": 2, "runNumber": 1}},
    }


def test_entries_from_a_lambda(fake: FakeOneprovider, api: RawApi) -> None:
    wid = api.schedule(fake.add_workflow_schema([LaneSpec()])[0])
    fake.log_user_entry(wid, {"processed": 7}, severity="warning")
    fake.log_user_entry(wid, {"noise": True}, severity="debug")  # below the log level
    user = [e for e in log_of(api, wid) if e["source"] == "user"]
    assert [(e["severity"], e["content"]) for e in user] == [("warning", {"processed": 7})]
    assert fake.audit_log(wid) == log_of(api, wid)


# -- the dump endpoint -------------------------------------------------------------


def test_the_dump_as_the_service_sends_it(fake: FakeOneprovider, api: RawApi) -> None:
    wid = run_to_end(fake, api, [LaneSpec()], "finished")
    store_id = api.get(wid)["systemAuditLogStoreId"]
    response = dump(api, store_id)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json", "as the streaming code sets"
    disposition = response.headers["content-disposition"]
    assert re.fullmatch(
        rf'attachment; filename="{wid[:12]}\.audit_log\.WORKFLOW-SYSTEM-AUDIT-LOG\.'
        r'\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.json"',
        disposition,
    ), disposition
    body = response.content.decode()
    assert body.startswith("[{")
    assert body.endswith("}\r\n]")
    assert "}\r\n,{" in body, "each entry is followed by a line break, then a comma"
    assert json.loads(body) == fake.audit_log(wid)


@pytest.mark.parametrize(
    ("accept", "status"),
    [
        ("*/*", 200),
        ("application/octet-stream", 200),
        ("application/*", 200),
        ("application/json, */*;q=0.1", 200),
        ("application/json", 406),
        ("application/*;q=0", 406),
        ("text/html", 406),
    ],
)
def test_accept_must_allow_octet_stream(
    fake: FakeOneprovider, api: RawApi, accept: str, status: int
) -> None:
    wid = api.schedule(fake.add_workflow_schema([LaneSpec()])[0])
    response = dump(api, api.get(wid)["systemAuditLogStoreId"], accept=accept)
    assert response.status_code == status
    if status == 406:
        assert response.content == b""


def test_only_audit_logs_can_be_dumped(fake: FakeOneprovider, api: RawApi) -> None:
    wid = run_to_end(fake, api, [LaneSpec()], "finished")
    details = api.get(wid)
    run = details["lanes"][0]["runs"][0]
    others = [*details["storeRegistry"].values(), run["exceptionStoreId"], run["iteratedStoreId"]]
    for store_id in others:
        assert error_of(dump(api, store_id)) == (400, "notSupported")
    assert dump(api, "no-such-store").status_code == 404


def test_who_may_dump(fake: FakeOneprovider, api: RawApi) -> None:
    wid = run_to_end(fake, api, [LaneSpec()], "finished")
    details = api.get(wid)
    audit_log = details["systemAuditLogStoreId"]
    exception_store = details["lanes"][0]["runs"][0]["exceptionStoreId"]
    anonymous = httpx.Client(transport=fake.transport(), base_url=fake.base_url)
    outsider = fake.add_user({fake.space_id: [Privilege.VIEW]}, inventories=[])
    manager = fake.add_user({fake.space_id: [Privilege.SCHEDULE, Privilege.MANAGE]})
    with anonymous, RawApi(fake, outsider) as other, RawApi(fake, manager) as no_view:
        assert error_of(anonymous.get(DUMP.format("no-such-store"))) == (401, "unauthorized")
        assert error_of(dump(RawApi(fake, "bad-token"), audit_log)) == (401, "unauthorized")
        assert error_of(other.http.get(DUMP.format("no-such-store"))) == (404, "notFound")
        for store_id in (audit_log, exception_store):  # 403 comes before the type's 400
            assert error_of(dump(other, store_id)) == (403, "forbidden")
            assert error_of(dump(no_view, store_id)) == (403, "forbidden")


def test_an_execution_without_an_audit_log(fake: FakeOneprovider, api: RawApi) -> None:
    wid = api.schedule(fake.add_workflow_schema([LaneSpec()])[0])
    store_id = api.get(wid)["systemAuditLogStoreId"]
    fake.remove_audit_log(wid)
    assert api.get(wid)["systemAuditLogStoreId"] is None
    assert error_of(dump(api, store_id)) == (404, "notFound")


def test_a_deleted_executions_log_is_gone(fake: FakeOneprovider, api: RawApi) -> None:
    wid = run_to_end(fake, api, [LaneSpec()], "finished")
    store_id = api.get(wid)["systemAuditLogStoreId"]
    api.ok(wid, "delete")
    assert error_of(dump(api, store_id)) == (404, "notFound")


def test_overload_and_served_over_http(fake: FakeOneprovider, api: RawApi) -> None:
    wid = run_to_end(fake, api, [LaneSpec()], "finished")
    store_id = api.get(wid)["systemAuditLogStoreId"]
    fake.open_circuit_breaker()
    assert error_of(dump(api, store_id)) == (503, "serviceUnavailable")
    fake.close_circuit_breaker()
    with fake.serve() as base_url:
        response = httpx.get(base_url + DUMP.format(store_id), headers={"X-Auth-Token": fake.token})
    assert response.status_code == 200
    assert response.json() == fake.audit_log(wid)
