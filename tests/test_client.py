"""WorkflowClient and AsyncWorkflowClient against the simulator and against hostile answers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import onedata_workflows
from onedata_workflows import (
    DEFAULT_REQUEST_TIMEOUT,
    ApiError,
    BadRequestError,
    ConnectionFailed,
    ExecutionStatus,
    ForbiddenError,
    LaneRunStatus,
    NotFoundError,
    OnedataError,
    OutcomeUnknown,
    Phase,
    ResponseParseError,
    RetryPolicy,
    RunType,
    ServerError,
    UnauthorizedError,
)
from onedata_workflows.testing import FakeOneprovider, Fault, LaneSpec, Outcome, Privilege

from .clients import KINDS, client_class, make_client, make_http

TOKEN = "test-token-5f2a9c81e7d34b06"


class Sleeps(list[float]):
    """An injected sleep: records the pauses instead of taking them."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(
    kind: str, fake: FakeOneprovider, loop: asyncio.AbstractEventLoop, sleeps: Sleeps
) -> Iterator[Any]:
    made = make_client(
        kind,
        loop,
        base_url=fake.base_url,
        token=fake.token,
        transport=fake.transport(),
        sleep=sleeps,
    )
    yield made
    made.close()


@pytest.fixture
def schema(fake: FakeOneprovider) -> str:
    return fake.add_workflow_schema(
        [LaneSpec(), LaneSpec(outcomes=[Outcome.FAIL_ITEMS]), LaneSpec()]
    )[0]


def waiting_ids(fake: FakeOneprovider) -> list[str]:
    with httpx.Client(transport=fake.transport(), base_url=fake.base_url) as http:
        response = http.get(
            f"/spaces/{fake.space_id}/automation/execution/workflows",
            params={"phase": "waiting"},
            headers={"X-Auth-Token": fake.token},
        )
    ids: list[str] = response.json()["atmWorkflowExecutions"]
    return ids


# -- every operation ------------------------------------------------------------


def test_every_operation(client: Any, fake: FakeOneprovider, schema: str) -> None:
    wid = client.schedule(fake.space_id, schema, 1, log_level="debug", callback="https://x.test/cb")
    assert wid.location.endswith(f"/automation/execution/workflows/{wid}")
    assert client.get(wid).status is ExecutionStatus.SCHEDULED
    assert list(client.list(fake.space_id, phase=Phase.WAITING)) == [wid]

    client.pause(wid)
    assert client.get(wid).status is ExecutionStatus.STOPPING
    fake.advance(5)
    assert client.get(wid).is_suspended
    client.resume(wid)
    assert client.get(wid).status is ExecutionStatus.RESUMING
    fake.advance(120)
    failed = client.get(wid)
    assert (failed.status, failed.current_run.lane_index) == (ExecutionStatus.FAILED, 2)

    client.retry(wid, 2, 1)
    assert client.get(wid).lane(2).runs[0].run_type is RunType.RETRY
    fake.advance(120)
    client.rerun(wid, 1, 1)
    assert client.get(wid).lane(1).runs[0].run_type is RunType.RERUN
    client.cancel(wid)
    fake.advance(5)
    assert client.get(wid).status is ExecutionStatus.CANCELLED

    other = client.schedule(fake.space_id, schema, 1)
    fake.advance(120)
    client.force_continue(other)
    assert client.get(other).status is ExecutionStatus.RESUMING
    fake.advance(120)
    assert list(client.list(fake.space_id, phase="ended")) == [other, wid]

    client.delete(wid)
    with pytest.raises(NotFoundError):
        client.get(wid)


def test_list_iterates_across_pages(client: Any, fake: FakeOneprovider, schema: str) -> None:
    wids = [client.schedule(fake.space_id, schema, 1) for _ in range(7)]
    assert sorted(client.list(fake.space_id, phase="waiting", page_size=3)) == sorted(wids)
    assert list(client.list(fake.space_id)) == [], "the provider lists ongoing by default"


def test_execution_result(client: Any, fake: FakeOneprovider, schema: str) -> None:
    wid = client.schedule(fake.space_id, schema, 1)
    scheduled = client.get(wid)
    assert scheduled.start_time is None and scheduled.finish_time is None  # noqa: PT018
    assert scheduled.schedule_time == datetime.fromtimestamp(int(fake.now()), UTC)
    assert scheduled.schedule_time.tzinfo is UTC
    fake.advance(60)
    execution = client.get(wid)
    assert execution.phase is Phase.ENDED
    assert execution.is_ended
    assert not execution.is_suspended
    assert [lane.index for lane in execution.lanes] == [1, 2, 3]
    lane2 = execution.lane(2)
    assert [run.run_number for run in lane2.runs] == [1]
    run = execution.current_run
    assert run is lane2.runs[0] or run == lane2.runs[0]
    assert (run.status, run.run_type, run.is_retriable) == (
        LaneRunStatus.FAILED,
        RunType.REGULAR,
        True,
    )
    assert execution.raw.atm_workflow_execution_id == wid, "the generated model is underneath"
    assert execution.lane(3).runs == ()
    with pytest.raises(IndexError):
        execution.lane(0)


def test_unknown_statuses_are_kept_and_flagged(kind: str, loop: asyncio.AbstractEventLoop) -> None:
    fake = FakeOneprovider()
    wid = fake.schedule_execution(fake.add_workflow_schema([LaneSpec()])[0])
    fake.advance(3)
    details = fake.execution(wid)
    details["status"] = "hibernating"
    details["lanes"][0]["runs"][0].update(status="dozing", runType="replay")
    client = make_client(
        kind,
        loop,
        base_url="https://p.test/api/v3/oneprovider",
        token=TOKEN,
        transport=answer(200, details),
    )
    execution = client.get(wid)
    assert execution.status == "hibernating"
    assert not execution.status.is_known
    assert not execution.is_status_known
    assert execution.status.name == "UNKNOWN"
    assert execution.phase is None
    assert not execution.is_ended
    run = execution.lane(1).runs[0]
    assert (run.status, run.run_type) == ("dozing", "replay")
    assert ExecutionStatus.FINISHED.is_known


# -- errors -----------------------------------------------------------------------


def test_documented_errors(
    client: Any, fake: FakeOneprovider, schema: str, kind: str, loop: asyncio.AbstractEventLoop
) -> None:
    wid = client.schedule(fake.space_id, schema, 1)
    with pytest.raises(BadRequestError) as bad:
        client.resume(wid)
    assert (bad.value.status, bad.value.error_id) == (400, "atmWorkflowExecutionNotResumable")
    assert bad.value.ctx is not None and bad.value.ctx["service"] == "opw"  # noqa: PT018
    client.pause(wid)
    fake.advance(5)
    with pytest.raises(BadRequestError) as transition:
        client.pause(wid)
    assert transition.value.details == {"prevStatus": "paused", "newStatus": "stopping"}
    with pytest.raises(NotFoundError) as missing:
        client.force_continue("no-such-execution")
    assert missing.value.error_id == "notFound"

    viewer = make_client(
        kind,
        loop,
        base_url=fake.base_url,
        transport=fake.transport(),
        token=fake.add_user({fake.space_id: [Privilege.VIEW]}),
    )
    with pytest.raises(ForbiddenError) as forbidden:
        viewer.cancel(wid)
    assert forbidden.value.error_id == "forbidden"
    stranger = make_client(
        kind, loop, base_url=fake.base_url, transport=fake.transport(), token="nope"
    )
    with pytest.raises(UnauthorizedError):
        stranger.get(wid)
    fake.inject(Fault.http_status(500))
    with pytest.raises(ServerError) as server:
        client.cancel(wid)
    assert (server.value.status, server.value.error_id) == (500, "internalServerError")


def answer(
    status: int, body: Any = b"", headers: dict[str, str] | None = None
) -> httpx.MockTransport:
    """A transport that always gives the same answer."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    head = {"content-type": "application/json"} if not isinstance(body, bytes) else {}
    return httpx.MockTransport(
        lambda request: httpx.Response(status, headers={**head, **(headers or {})}, content=content)
    )


HOSTILE = [
    (502, b"<html><body>Bad Gateway</body></html>", ServerError),
    (520, b"", ServerError),
    (599, b"oops", ServerError),
    (404, b"<html>Not Found</html>", NotFoundError),
    (418, b"teapot", ApiError),
    (400, b'{"error": "Bad", "error_description": "the obsolete envelope"}', BadRequestError),
    (500, b'{"error": {"id": 5}}', ServerError),
    (200, b'{"atmWorkflowExecutionId": "x", "status": "act', ResponseParseError),
    (200, b"<html>login page</html>", ResponseParseError),
    (200, b"[]", ResponseParseError),
    (200, b"null", ResponseParseError),
    (200, b'{"atmWorkflowExecutionId": "x"}', ResponseParseError),
    (201, b"{}", ResponseParseError),
]


@pytest.mark.parametrize(("status", "body", "error"), HOSTILE)
def test_hostile_answers_become_typed_errors(
    kind: str, loop: asyncio.AbstractEventLoop, status: int, body: bytes, error: type[OnedataError]
) -> None:
    client = make_client(
        kind,
        loop,
        base_url="https://p.test/api/v3/oneprovider",
        token=TOKEN,
        transport=answer(status, body),
        retry=RetryPolicy.disabled(),
    )
    with pytest.raises(error) as raised:
        client.get("wid")
    assert type(raised.value) is error
    assert raised.value.status == status  # type: ignore[attr-defined]
    assert raised.value.body_snippet == body[:300].decode("utf-8", "replace")  # type: ignore[attr-defined]


def test_parallel_boxes_as_an_object_is_a_parse_error(
    kind: str, loop: asyncio.AbstractEventLoop, fake: FakeOneprovider
) -> None:
    """The published example's shape: the models refuse it, the client says so."""
    wid = fake.schedule_execution(fake.add_workflow_schema([LaneSpec()])[0])
    fake.advance(3)
    details = fake.execution(wid)
    details["lanes"][0]["runs"][0]["parallelBoxes"] = {"schemaId": "x", "taskRegistry": {}}
    with (
        make_client(
            kind, loop, base_url=fake.base_url, token=TOKEN, transport=answer(200, details)
        ) as client,
        pytest.raises(ResponseParseError) as raised,
    ):
        client.get(wid)
    assert raised.value.status == 200
    assert "`$.lanes[0].runs[0].parallelBoxes`" in raised.value.reason
    assert raised.value.__cause__ is None, "no body kept in a chained exception"
    assert raised.value.__context__ is None


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    status=st.integers(min_value=200, max_value=599),
    body=st.one_of(
        st.binary(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=8), inner, max_size=4)
            ),
            max_leaves=12,
        ).map(lambda value: json.dumps(value).encode()),
    ),
    operation=st.sampled_from(["get", "list", "schedule", "pause", "rerun"]),
)
@pytest.mark.parametrize("kind", KINDS)
def test_nothing_but_onedata_errors_escape(
    kind: str, loop: asyncio.AbstractEventLoop, status: int, body: bytes, operation: str
) -> None:
    client = make_client(
        kind,
        loop,
        base_url="https://p.test/api/v3/oneprovider",
        token=TOKEN,
        transport=answer(status, body),
        retry=RetryPolicy.disabled(),
    )
    calls: dict[str, Callable[[], Any]] = {
        "get": lambda: client.get("w"),
        "list": lambda: list(client.list("s")),
        "schedule": lambda: client.schedule("s", "w", 1),
        "pause": lambda: client.pause("w"),
        "rerun": lambda: client.rerun("w", 1, 1),
    }
    with contextlib.suppress(OnedataError):
        calls[operation]()


def test_transport_failures_are_wrapped(kind: str, loop: asyncio.AbstractEventLoop) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    def time_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    for handler, error, sent in [
        (refuse, ConnectionFailed, False),
        (time_out, onedata_workflows.RequestTimeout, True),
    ]:
        client = make_client(
            kind,
            loop,
            base_url="https://p.test/api/v3/oneprovider",
            token=TOKEN,
            transport=httpx.MockTransport(handler),
            retry=RetryPolicy.disabled(),
        )
        with pytest.raises(error) as raised:
            client.get("w")
        assert raised.value.request_sent is sent  # type: ignore[attr-defined]
        assert handler.__name__ != "refuse" or "ConnectError" in str(raised.value)
        assert raised.value.__cause__ is None, "the httpx error holds the request, token and all"
        assert raised.value.__context__ is None


def test_a_change_without_an_answer_has_an_unknown_outcome(
    kind: str, loop: asyncio.AbstractEventLoop
) -> None:
    sent: list[httpx.Request] = []

    def time_out(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        raise httpx.ReadTimeout("slow", request=request)

    client = make_client(
        kind,
        loop,
        base_url="https://p.test/api/v3/oneprovider",
        token=TOKEN,
        transport=httpx.MockTransport(time_out),
    )
    for change in (lambda: client.schedule("s", "w", 1), lambda: client.rerun("w", 1, 1)):
        with pytest.raises(OutcomeUnknown) as raised:
            change()
        assert raised.value.timed_out
        assert isinstance(raised.value, onedata_workflows.TransportError)
    assert len(sent) == 2, "neither was sent again"
    with pytest.raises(onedata_workflows.RequestTimeout):
        client.get("w")
    assert len(sent) == 2 + 4, "a read is retried, and its failure is a plain timeout"


def test_paging_that_never_ends_is_an_error(kind: str, loop: asyncio.AbstractEventLoop) -> None:
    page = {"atmWorkflowExecutions": ["a"], "nextPageToken": "same", "isLast": False}
    client = make_client(
        kind,
        loop,
        base_url="https://p.test/api/v3/oneprovider",
        token=TOKEN,
        transport=answer(200, page),
    )
    with pytest.raises(ResponseParseError, match="never end"):
        list(client.list("space"))


# -- retries ----------------------------------------------------------------------


def test_reads_are_retried_on_gateway_errors(
    client: Any, fake: FakeOneprovider, schema: str, sleeps: Sleeps
) -> None:
    wid = fake.schedule_execution(schema)
    fake.inject(Fault.http_status(503), operation="get_workflow_execution_details", times=2)
    assert client.get(wid).id == wid
    assert len(sleeps) == 2
    assert all(0 <= pause <= 8 for pause in sleeps)
    fake.inject(Fault.http_status(502), times=None, operation="get_workflow_execution_details")
    with pytest.raises(ServerError):
        client.get(wid)
    assert len(sleeps) == 2 + 3, "4 attempts in all by default"


def test_retry_after_is_honoured(
    client: Any, fake: FakeOneprovider, schema: str, sleeps: Sleeps
) -> None:
    wid = fake.schedule_execution(schema)
    fake.inject(Fault.http_status(503, retry_after=7), operation="get_workflow_execution_details")
    client.get(wid)
    assert sleeps == [7.0]
    fake.inject(
        Fault.http_status(503, retry_after=3600), operation="get_workflow_execution_details"
    )
    with pytest.raises(ServerError) as raised:
        client.get(wid)
    assert raised.value.retry_after == 3600
    assert sleeps == [7.0], "a wait longer than max_retry_after fails at once"


def test_reads_are_retried_on_connection_failures(
    client: Any, fake: FakeOneprovider, schema: str
) -> None:
    wid = fake.schedule_execution(schema)
    fake.inject(Fault.reset(), operation="get_workflow_execution_details")
    fake.inject(Fault.refuse(), operation="list_workflow_executions")
    assert client.get(wid).id == wid
    assert list(client.list(fake.space_id, phase="waiting")) == [wid]


def test_actions_are_retried_only_when_never_sent(
    client: Any, fake: FakeOneprovider, schema: str
) -> None:
    wid = fake.schedule_execution(schema)
    fake.inject(Fault.refuse(), operation="pause_workflow_execution")
    client.pause(wid)
    assert fake.execution(wid)["status"] == "stopping"
    fake.inject(Fault.reset(processed=True), operation="cancel_workflow_execution")
    with pytest.raises(OutcomeUnknown) as raised:
        client.cancel(wid)
    assert raised.value.request_sent
    assert not raised.value.timed_out
    assert "may or may not have taken effect" in str(raised.value)
    fake.inject(Fault.http_status(503), operation="cancel_workflow_execution")
    with pytest.raises(ServerError):
        client.cancel(wid)
    assert fake.injected == {"refuse": 1, "reset after processing": 1, "status 503": 1}


def test_schedule_is_never_sent_twice(client: Any, fake: FakeOneprovider, schema: str) -> None:
    fake.inject(Fault.reset(processed=True), operation="schedule_workflow_execution")
    with pytest.raises(OutcomeUnknown):
        client.schedule(fake.space_id, schema, 1)
    assert len(waiting_ids(fake)) == 1, "the provider created it; no retry made a second"
    fake.inject(Fault.http_status(503), operation="schedule_workflow_execution")
    with pytest.raises(ServerError):
        client.schedule(fake.space_id, schema, 1)
    fake.inject(Fault.refuse(), operation="schedule_workflow_execution")
    client.schedule(fake.space_id, schema, 1)
    assert len(waiting_ids(fake)) == 2, "a refused connection never arrived, so it was retried"


def test_retries_can_be_switched_off(
    kind: str, fake: FakeOneprovider, loop: asyncio.AbstractEventLoop, schema: str
) -> None:
    client = make_client(
        kind,
        loop,
        base_url=fake.base_url,
        token=fake.token,
        transport=fake.transport(),
        retry=RetryPolicy.disabled(),
    )
    fake.inject(Fault.refuse())
    with pytest.raises(ConnectionFailed):
        client.get(fake.schedule_execution(schema))


@settings(max_examples=200)
@given(
    attempt=st.integers(min_value=1, max_value=30),
    initial=st.floats(min_value=0, max_value=10),
    cap=st.floats(min_value=0, max_value=100),
    seed=st.integers(),
)
def test_backoff_stays_within_its_bounds(
    attempt: int, initial: float, cap: float, seed: int
) -> None:
    import random

    policy = RetryPolicy(initial_backoff=initial, max_backoff=cap)
    pause = policy.backoff(attempt, random.Random(seed))
    assert 0 <= pause <= min(cap, initial * 2 ** (attempt - 1))


# -- input ------------------------------------------------------------------------


def test_ids_are_escaped_into_one_path_segment(
    kind: str, loop: asyncio.AbstractEventLoop, fake: FakeOneprovider
) -> None:
    seen: list[str] = []
    transport = fake.transport()

    def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path.decode())
        return transport.handle_request(request)

    with make_client(
        kind, loop, base_url=fake.base_url, token=fake.token, transport=httpx.MockTransport(spy)
    ) as client:
        with pytest.raises(NotFoundError):
            client.get("a:b@c;d=e")
        for bad in ("../../spaces/x", "x/cancel", ".", "..", "a?b", "a#b", "a%2Fb"):
            with pytest.raises(ValueError, match="wid"):
                client.pause(bad)
    assert seen == ["/api/v3/oneprovider/automation/execution/workflows/a%3Ab%40c%3Bd%3De"]


# -- construction -----------------------------------------------------------------


def test_host_gives_the_https_api_url(kind: str, loop: asyncio.AbstractEventLoop) -> None:
    with make_client(kind, loop, host="provider.example.com:8443", token=TOKEN) as client:
        assert client.base_url == "https://provider.example.com:8443/api/v3/oneprovider"
        assert repr(client).endswith(
            "(base_url='https://provider.example.com:8443/api/v3/oneprovider')"
        )


@pytest.mark.parametrize(
    "arguments",
    [
        {"token": "t"},
        {"host": "a", "base_url": "https://a/api", "token": "t"},
        {"host": "https://a", "token": "t"},
        {"host": "a/b", "token": "t"},
        {"base_url": "ftp://a", "token": "t"},
        {"host": "a", "token": ""},
        {"host": "a", "token": " "},
    ],
)
@pytest.mark.parametrize("kind", KINDS)
def test_construction_refuses_bad_arguments(kind: str, arguments: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        client_class(kind)(**arguments)


def test_plain_http_only_to_loopback_unless_allowed(
    kind: str, loop: asyncio.AbstractEventLoop
) -> None:
    with pytest.raises(ValueError, match="in clear"):
        make_client(
            kind, loop, base_url="http://provider.example.com/api/v3/oneprovider", token=TOKEN
        )
    for url in ("http://127.0.0.1:9/x", "http://localhost:9/x", "http://[::1]:9/x"):
        make_client(kind, loop, base_url=url, token=TOKEN).close()
    make_client(
        kind, loop, base_url="http://10.1.2.3/api", token=TOKEN, allow_insecure_http=True
    ).close()


def test_from_env(
    kind: str, loop: asyncio.AbstractEventLoop, monkeypatch: pytest.MonkeyPatch
) -> None:
    cls = client_class(kind)
    monkeypatch.delenv("ONEPROVIDER_HOST", raising=False)
    monkeypatch.delenv("ONEPROVIDER_BASE_URL", raising=False)
    monkeypatch.setenv("ONEDATA_TOKEN", TOKEN)
    with pytest.raises(ValueError, match="ONEPROVIDER_HOST"):
        cls.from_env()
    monkeypatch.setenv("ONEPROVIDER_HOST", "op.example.org")
    client = cls.from_env(retry=RetryPolicy.disabled())
    assert client.base_url == "https://op.example.org/api/v3/oneprovider"
    assert client.retry_policy == RetryPolicy.disabled(), "options reach the constructor"
    monkeypatch.setenv("ONEPROVIDER_BASE_URL", "http://127.0.0.1:8080/api/v3/oneprovider")
    assert cls.from_env().base_url == "http://127.0.0.1:8080/api/v3/oneprovider"
    monkeypatch.delenv("ONEDATA_TOKEN")
    with pytest.raises(ValueError, match="ONEDATA_TOKEN"):
        cls.from_env()


def test_defaults_timeouts_and_tls(kind: str, loop: asyncio.AbstractEventLoop) -> None:
    with make_client(kind, loop, host="op.example.org", token=TOKEN) as client:
        assert client._http.timeout == DEFAULT_REQUEST_TIMEOUT
        assert DEFAULT_REQUEST_TIMEOUT.read == 30
        assert DEFAULT_REQUEST_TIMEOUT.connect == 10
        context = client._http._transport._context
        assert context.verify_mode is ssl.CERT_REQUIRED
        assert context.check_hostname


def test_ca_bundle(kind: str, loop: asyncio.AbstractEventLoop, tmp_path: Any) -> None:
    cafile = ssl.get_default_verify_paths().cafile or ssl.get_default_verify_paths().openssl_cafile
    with make_client(kind, loop, host="op.example.org", token=TOKEN, ca_bundle=cafile) as client:
        context = client._http._transport._context
        assert context.get_ca_certs(), "the bundle's certificates are loaded"
    with pytest.raises((FileNotFoundError, ssl.SSLError)):
        make_client(
            kind, loop, host="op.example.org", token=TOKEN, ca_bundle=tmp_path / "missing.pem"
        )
    with pytest.raises(ValueError, match="verify"):
        make_client(kind, loop, host="op.example.org", token=TOKEN, ca_bundle=cafile, verify=False)


def test_injected_http_client_is_used_and_left_open(
    kind: str, loop: asyncio.AbstractEventLoop, fake: FakeOneprovider, schema: str
) -> None:
    http = make_http(kind, transport=fake.transport())
    with make_client(
        kind, loop, base_url=fake.base_url, token=fake.token, http_client=http
    ) as client:
        wid = client.schedule(fake.space_id, schema, 1)
    assert not http.is_closed
    assert waiting_ids(fake) == [wid]
    with pytest.raises(ValueError, match="not both"):
        make_client(
            kind,
            loop,
            base_url=fake.base_url,
            token=TOKEN,
            http_client=http,
            transport=fake.transport(),
        )
    if isinstance(http, httpx.AsyncClient):
        loop.run_until_complete(http.aclose())
    else:
        http.close()


def test_one_connection_for_every_call_then_closed(
    kind: str, loop: asyncio.AbstractEventLoop, fake: FakeOneprovider, schema: str
) -> None:
    with (
        fake.serve() as base_url,
        make_client(kind, loop, base_url=base_url, token=fake.token) as client,
    ):
        wid = client.schedule(fake.space_id, schema, 1)
        for _ in range(5):
            client.get(wid)
        list(client.list(fake.space_id, phase="waiting"))
        client.pause(wid)
        assert len(client._http._transport.connections) == 1
    assert client._http.is_closed, "the with block closed the pool it owned"


def test_list_loads_pages_as_they_are_consumed(
    kind: str, loop: asyncio.AbstractEventLoop, fake: FakeOneprovider, schema: str
) -> None:
    for _ in range(5):
        fake.schedule_execution(schema)
    newest_first = waiting_ids(fake)
    sent: list[httpx.Request] = []
    transport = fake.transport()

    def counting(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return transport.handle_request(request)

    client = make_client(
        kind,
        loop,
        base_url=fake.base_url,
        token=fake.token,
        transport=httpx.MockTransport(counting),
    )
    listing = client.list(fake.space_id, phase="waiting", page_size=2)
    assert sent == [], "nothing is sent until the first id is asked for"
    assert [next(listing), next(listing)] == newest_first[:2]
    assert len(sent) == 1
    assert next(listing) == newest_first[2]
    assert len(sent) == 2, "the second page loads when its first id is asked for"
    assert [*listing] == newest_first[3:]
    with pytest.raises(ValueError, match="page_size"):
        client.list(fake.space_id, page_size=0)
    assert len(sent) == 3, "bad arguments are refused when list is called, not when iterated"


# -- the package ------------------------------------------------------------------


def test_public_names_are_exported_and_documented() -> None:
    for name in onedata_workflows.__all__:
        value = getattr(onedata_workflows, name)
        if name in (
            "__version__",
            "DEFAULT_REQUEST_TIMEOUT",
            "DEFAULT_WAIT_TIMEOUT",
            "DEFAULT_MAX_DUMP_BYTES",
        ):
            continue
        assert (value.__doc__ or "").strip(), f"{name} has no docstring"
        if isinstance(value, type):
            for attribute, member in vars(value).items():
                if not attribute.startswith("_") and callable(member):
                    assert member.__doc__, f"{name}.{attribute} has no docstring"


def test_the_old_timeout_name_still_works_and_says_so() -> None:
    with pytest.warns(DeprecationWarning, match="DEFAULT_REQUEST_TIMEOUT"):
        assert onedata_workflows.DEFAULT_TIMEOUT == DEFAULT_REQUEST_TIMEOUT
    assert "DEFAULT_TIMEOUT" not in onedata_workflows.__all__
    with pytest.raises(AttributeError):
        onedata_workflows.NO_SUCH_NAME  # noqa: B018
