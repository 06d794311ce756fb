"""The two ways into the simulator, clients not written here, and fault injection."""

from __future__ import annotations

import http.client
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from onedata_workflows import ConnectionFailed, RetryPolicy
from onedata_workflows.testing import (
    FakeOneprovider,
    Fault,
    LaneSpec,
    Outcome,
    ScaledClock,
)
from oneprovider_automation_client import AuthenticatedClient
from oneprovider_automation_client.api.workflow_execution import (
    get_workflow_execution_details,
    rerun_workflow_execution,
    schedule_workflow_execution,
)
from oneprovider_automation_client.models import (
    LaneRunSelector,
    WorkflowExecutionCreated,
    WorkflowExecutionDetails,
    WorkflowExecutionScheduleRequest,
    WorkflowExecutionStatus,
)

from .clients import make_client
from .contract import OpenApiCoreChecker
from .raw_api import WORKFLOWS, RawApi, error_of


@pytest.fixture
def served(fake: FakeOneprovider) -> Iterator[str]:
    with fake.serve() as base_url:
        yield base_url


def schedule_body(fake: FakeOneprovider, *lanes: LaneSpec) -> bytes:
    schema_id, _ = fake.add_workflow_schema(list(lanes) or [LaneSpec()])
    return json.dumps(
        {
            "spaceId": fake.space_id,
            "atmWorkflowSchemaId": schema_id,
            "atmWorkflowSchemaRevisionNumber": 1,
        }
    ).encode()


def test_served_on_loopback(fake: FakeOneprovider, served: str) -> None:
    parts = urlsplit(served)
    assert (parts.scheme, parts.hostname, parts.path) == (
        "http",
        "127.0.0.1",
        "/api/v3/oneprovider",
    )
    assert parts.port


def test_urllib_drives_a_whole_execution(fake: FakeOneprovider, served: str) -> None:
    headers = {"X-Auth-Token": fake.token, "Content-Type": "application/json"}
    request = urllib.request.Request(
        served + WORKFLOWS, data=schedule_body(fake), headers=headers, method="POST"
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 201
        wid = json.load(response)["atmWorkflowExecutionId"]
        assert response.headers["Location"].endswith(f"{WORKFLOWS}/{wid}")
    fake.advance(60)
    details = urllib.request.Request(served + f"{WORKFLOWS}/{wid}", headers=headers)
    with urllib.request.urlopen(details) as response:
        assert json.load(response)["status"] == "finished"
    pause = urllib.request.Request(
        served + f"{WORKFLOWS}/{wid}/pause", headers=headers, method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(pause)
    assert refused.value.code == 400
    assert json.load(refused.value)["error"]["id"] == "atmWorkflowExecutionEnded"


def test_connections_are_kept_alive(fake: FakeOneprovider, served: str) -> None:
    parts = urlsplit(served)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port)
    try:
        headers = {"X-Auth-Token": fake.token, "Content-Type": "application/json"}
        connection.request("POST", parts.path + WORKFLOWS, schedule_body(fake), headers)
        first = connection.getresponse()
        wid = json.loads(first.read())["atmWorkflowExecutionId"]
        socket_used = connection.sock
        for _ in range(5):
            connection.request(
                "GET", f"{parts.path}{WORKFLOWS}/{wid}", headers={"X-Auth-Token": fake.token}
            )
            response = connection.getresponse()
            assert response.status == 200
            assert json.loads(response.read())["atmWorkflowExecutionId"] == wid
            assert connection.sock is socket_used, "one connection for every request"
    finally:
        connection.close()


def test_the_generated_client_against_the_server(fake: FakeOneprovider, served: str) -> None:
    schema_id, _ = fake.add_workflow_schema([LaneSpec(), LaneSpec(outcomes=[Outcome.FAIL])])
    client = AuthenticatedClient(
        served,
        token=fake.token,
        prefix="",
        auth_header_name="X-Auth-Token",
        timeout=httpx.Timeout(5),
    )
    with client:
        body = WorkflowExecutionScheduleRequest(fake.space_id, schema_id, 1)
        created = schedule_workflow_execution.sync(client=client, body=body)
        assert isinstance(created, WorkflowExecutionCreated)
        fake.advance(60)
        details = get_workflow_execution_details.sync(
            created.atm_workflow_execution_id, client=client
        )
        assert isinstance(details, WorkflowExecutionDetails)
        assert details.status is WorkflowExecutionStatus.FAILED
        assert details.lanes[1].runs[0].is_rerunable
        response = rerun_workflow_execution.sync_detailed(
            created.atm_workflow_execution_id, client=client, body=LaneRunSelector(2, 1)
        )
        assert response.status_code == 204


def test_openapi_core_agrees_on_a_whole_story(fake: FakeOneprovider, served: str) -> None:
    """An independent validator (openapi-core) over one execution's whole life, over HTTP."""
    checker = OpenApiCoreChecker()
    fake.on_exchange = checker
    schema_id, _ = fake.add_workflow_schema(
        [LaneSpec(), LaneSpec(max_retries=1, outcomes=[Outcome.FAIL_ITEMS] * 2), LaneSpec()]
    )
    with httpx.Client(base_url=served, headers={"X-Auth-Token": fake.token}) as http:
        api = RawApi(fake)
        api.http = http
        wid = api.schedule(schema_id)
        api.until(wid, "failed", step=1)
        api.ok(wid, "rerun", {"laneIndex": 2, "laneRunNumber": 2})
        api.until(wid, "finished", step=2)
        api.list("ended")
        assert error_of(api.act(wid, "resume")) == (400, "atmWorkflowExecutionNotResumable")
        api.ok(wid, "delete")
    assert checker.checked > 20
    assert checker.problems == []


def test_pytest_plugin_fixtures(
    fake_oneprovider: FakeOneprovider, fake_oneprovider_url: str
) -> None:
    response = httpx.get(
        f"{fake_oneprovider_url}/spaces/{fake_oneprovider.space_id}{WORKFLOWS}",
        headers={"X-Auth-Token": fake_oneprovider.token},
    )
    assert response.json() == {"atmWorkflowExecutions": [], "nextPageToken": None, "isLast": True}


def test_scaled_clock_runs_on_real_time() -> None:
    now = [100.0]
    clock = ScaledClock(60.0, start=1000.0, monotonic=lambda: now[0], real_sleep=now.append)
    fake = FakeOneprovider(clock=clock)
    schema_id, _ = fake.add_workflow_schema([LaneSpec(duration=10)])
    wid = fake.schedule_execution(schema_id)
    now[0] += 0.5  # half a real second: 30 simulated seconds
    assert clock.now() == 1030.0
    assert fake.execution(wid)["status"] == "finished"
    with pytest.raises(TypeError):
        fake.advance(1)


# -- faults -------------------------------------------------------------------


def test_status_fault_is_not_processed(fake: FakeOneprovider, api: RawApi) -> None:
    fake.inject(Fault.http_status(503, retry_after=2), operation="schedule_workflow_execution")
    response = api.http.post(
        WORKFLOWS, content=schedule_body(fake), headers={"content-type": "application/json"}
    )
    assert (response.status_code, response.headers["retry-after"], response.content) == (
        503,
        "2",
        b"",
    )
    assert api.list("waiting")["atmWorkflowExecutions"] == []
    assert fake.injected == {"status 503": 1}
    second = api.http.post(
        WORKFLOWS, content=schedule_body(fake), headers={"content-type": "application/json"}
    )
    assert second.status_code == 201, "times=1 by default"


def test_500_fault_carries_onedata_error(fake: FakeOneprovider, api: RawApi) -> None:
    fake.inject(Fault.http_status(500))
    assert error_of(api.http.get(f"{WORKFLOWS}/x")) == (500, "internalServerError")


def test_html_and_non_standard_status(fake: FakeOneprovider, served: str) -> None:
    fake.inject(Fault.html(502))
    fake.inject(Fault.http_status(520))
    with httpx.Client(base_url=served, headers={"X-Auth-Token": fake.token}) as http:
        page = http.get(f"{WORKFLOWS}/x")
        odd = http.get(f"{WORKFLOWS}/x")
        normal = http.get(f"{WORKFLOWS}/x")
    assert (page.status_code, page.headers["content-type"]) == (502, "text/html")
    assert page.text.startswith("<html>")
    assert odd.status_code == 520
    assert normal.status_code == 404
    assert fake.injected == {"html 502": 1, "status 520": 1}


def test_refused_connection_in_process(fake: FakeOneprovider, api: RawApi) -> None:
    fake.inject(Fault.refuse())
    with pytest.raises(httpx.ConnectError):
        api.http.post(
            WORKFLOWS, content=schedule_body(fake), headers={"content-type": "application/json"}
        )
    assert api.list("waiting")["atmWorkflowExecutions"] == [], "it never arrived"


@pytest.mark.parametrize("way", ["in-process", "http"])
def test_reset_after_processing(fake: FakeOneprovider, way: str) -> None:
    fake.inject(Fault.reset(processed=True), operation="schedule_workflow_execution")
    with fake.serve() if way == "http" else _nothing(fake.base_url) as base_url:
        transport = fake.transport() if way == "in-process" else None
        with httpx.Client(
            base_url=base_url, transport=transport, headers={"X-Auth-Token": fake.token}
        ) as http:
            with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
                http.post(
                    WORKFLOWS,
                    content=schedule_body(fake),
                    headers={"content-type": "application/json"},
                )
            listing = http.get(f"/spaces/{fake.space_id}{WORKFLOWS}", params={"phase": "waiting"})
    assert len(listing.json()["atmWorkflowExecutions"]) == 1, "processed, but the answer was lost"
    assert fake.injected == {"reset after processing": 1}


def test_reset_before_processing_over_http(fake: FakeOneprovider, served: str) -> None:
    fake.inject(Fault.reset())
    with httpx.Client(base_url=served, headers={"X-Auth-Token": fake.token}) as http:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            http.post(
                WORKFLOWS, content=schedule_body(fake), headers={"content-type": "application/json"}
            )
        listing = http.get(f"/spaces/{fake.space_id}{WORKFLOWS}", params={"phase": "waiting"})
    assert listing.json()["atmWorkflowExecutions"] == []


def test_latency_passes_simulated_time(fake: FakeOneprovider, api: RawApi) -> None:
    before = fake.now()
    fake.inject(Fault.latency(2.5))
    api.http.get(f"{WORKFLOWS}/x")
    assert fake.now() == before + 2.5


def test_truncated_body(fake: FakeOneprovider, served: str) -> None:
    wid = fake.schedule_execution(fake.add_workflow_schema([LaneSpec()])[0])
    fake.inject(Fault.truncated(), operation="get_workflow_execution_details")
    with httpx.Client(base_url=served, headers={"X-Auth-Token": fake.token}) as http:
        response = http.get(f"{WORKFLOWS}/{wid}")
        complete = http.get(f"{WORKFLOWS}/{wid}")
    assert len(response.content) == len(complete.content) // 2
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_faults_per_operation_and_count(fake: FakeOneprovider, api: RawApi) -> None:
    wid = fake.schedule_execution(fake.add_workflow_schema([LaneSpec()])[0])
    fake.inject(Fault.http_status(502), operation="get_workflow_execution_details", times=2)
    assert api.http.get(f"/spaces/{fake.space_id}{WORKFLOWS}").status_code == 200
    codes = [api.http.get(f"{WORKFLOWS}/{wid}").status_code for _ in range(3)]
    assert codes == [502, 502, 200]
    fake.inject(Fault.http_status(504), times=None)
    assert api.http.get(f"{WORKFLOWS}/{wid}").status_code == 504
    fake.clear_faults()
    assert api.http.get(f"{WORKFLOWS}/{wid}").status_code == 200
    assert fake.injected == {"status 502": 2, "status 504": 1}


def test_random_faults_at_a_rate(fake: FakeOneprovider, api: RawApi) -> None:
    wid = fake.schedule_execution(fake.add_workflow_schema([LaneSpec()])[0])
    fake.inject_random([Fault.http_status(503), Fault.refuse()], rate=0.3)
    failures = 0
    for _ in range(1000):
        try:
            failures += api.http.get(f"{WORKFLOWS}/{wid}").status_code != 200
        except httpx.ConnectError:
            failures += 1
    assert 230 <= failures <= 370
    assert sum(fake.injected.values()) == failures
    assert set(fake.injected) == {"status 503", "refuse"}


def test_fault_arguments_are_checked(fake: FakeOneprovider) -> None:
    with pytest.raises(ValueError, match="times"):
        fake.inject(Fault.refuse(), times=0)
    with pytest.raises(ValueError, match="probability"):
        fake.inject(Fault.refuse(), probability=1.5)
    with pytest.raises(ValueError, match="at least one"):
        fake.inject_random([], rate=0.1)


class _nothing:
    """A stand-in for ``serve()`` that yields the in-process base URL."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *exc: object) -> None:
        pass


def test_leaving_serve_ends_every_connection_and_thread_and_it_serves_again(
    kind: str, loop: Any
) -> None:
    """A "provider down, provider back" test over keep-alive tests something."""
    fake = FakeOneprovider()
    wid = fake.schedule_execution(fake.add_workflow_schema([LaneSpec(duration=100)])[0])
    threads_before = set(threading.enumerate())
    with fake.serve() as base_url:
        port = httpx.URL(base_url).port
        client = make_client(
            kind, loop, base_url=base_url, token=fake.token, retry=RetryPolicy.disabled()
        )
        assert client.get(wid).id == wid  # a kept-alive connection is now open
    assert set(threading.enumerate()) <= threads_before, "no thread outlives serve()"
    with pytest.raises(ConnectionFailed):
        client.get(wid)  # the kept-alive connection is gone, and so is the listener
    fake.advance(50)
    with fake.serve(port=port) as again:
        assert again == base_url
        assert client.get(wid).status == "active", "the same provider, on the same port"
    client.close()
