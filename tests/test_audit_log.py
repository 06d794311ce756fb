"""Reading an execution's audit log with both clients: typed entries, bounded, strictly parsed."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onedata_workflows import (
    ApiError,
    AuditLog,
    BadRequestError,
    ConnectionFailed,
    LogSource,
    NoAuditLog,
    NotFoundError,
    OnedataError,
    ResponseParseError,
    RetryPolicy,
    Severity,
    UnauthorizedError,
)
from onedata_workflows._audit import DumpReader
from onedata_workflows.testing import FakeOneprovider, Fault, LaneSpec, Outcome

from .clients import KINDS, make_client
from .test_reading import PROPERTY_SETTINGS, judge, mutated, schema_of, valid

BASE = "https://p.test/api/v3/oneprovider"
TOKEN = "audit-log-token-7d41c2e9f0"
ENTRY = {
    "index": "0",
    "timestamp": 1_626_107_063_512,
    "source": "system",
    "severity": "notice",
    "content": {"description": "Stopping execution...", "details": {"reason": "failure"}},
}


def finished(fake: FakeOneprovider, *lanes: LaneSpec) -> str:
    wid = fake.schedule_execution(fake.add_workflow_schema(list(lanes or [LaneSpec()]))[0])
    fake.advance(300)
    return wid


class Chunks(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A body that arrives in the pieces given, counting those that were asked for."""

    def __init__(self, pieces: list[bytes], fail_after: int | None = None) -> None:
        self.pieces = pieces
        self.fail_after = fail_after
        self.served = 0

    def _next(self) -> Iterator[bytes]:
        for piece in self.pieces:
            if self.fail_after is not None and self.served >= self.fail_after:
                raise httpx.ReadError("the connection broke")
            self.served += 1
            yield piece

    def __iter__(self) -> Iterator[bytes]:
        yield from self._next()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self._next():
            yield piece


def streaming(body: bytes, size: int, **options: Any) -> tuple[httpx.MockTransport, list[Chunks]]:
    """A transport that answers every request with ``body`` in pieces of ``size`` bytes."""
    streams: list[Chunks] = []

    def handler(request: httpx.Request) -> httpx.Response:
        pieces = [body[i : i + size] for i in range(0, len(body), size)]
        streams.append(Chunks(pieces, **options))
        headers = {"content-type": "application/octet-stream"}
        return httpx.Response(200, headers=headers, stream=streams[-1])

    return httpx.MockTransport(handler), streams


def client_with(kind: str, loop: asyncio.AbstractEventLoop, transport: Any, **options: Any) -> Any:
    options.setdefault("retry", RetryPolicy.disabled())
    return make_client(kind, loop, base_url=BASE, token=TOKEN, transport=transport, **options)


def body_of(entries: list[Any]) -> bytes:
    """A dump as the service writes it: pretty entries, each followed by a line break."""
    return ("[" + ",".join(json.dumps(e, indent=2) + "\r\n" for e in entries) + "]").encode()


# -- against the simulator ----------------------------------------------------------


def test_the_audit_log_of_an_execution(
    virtual_client: Any, fake: FakeOneprovider, kind: str
) -> None:
    lane = LaneSpec(failing_items=3, outcomes=[Outcome.FAIL_ITEMS])  # past the threshold
    wid = finished(fake, lane, LaneSpec())
    log = virtual_client.audit_log(wid)
    assert isinstance(log, AuditLog)
    sent = fake.audit_log(wid)
    assert [e.index for e in log] == [e["index"] for e in sent]
    assert len(log) == log.total == len(sent)
    assert log.complete
    assert log.store_id == fake.execution(wid)["systemAuditLogStoreId"]
    assert log.file_name is not None
    assert log.file_name.startswith(f"{wid[:12]}.audit_log.WORKFLOW-SYSTEM-AUDIT-LOG.")
    first = log.entries[0]
    assert first.timestamp.tzinfo is UTC
    assert first.timestamp == datetime.fromtimestamp(sent[0]["timestamp"] / 1000, UTC)
    assert (first.source, first.severity) == (LogSource.SYSTEM, Severity.NOTICE)
    assert first.description == "Scheduled execution."
    (crossed,) = [e for e in log if "threshold" in (e.description or "")]
    assert (crossed.lane_index, crossed.run_number) == (1, 1)
    assert crossed.message == "Exceeeded allowed failed jobs threshold."
    assert crossed.tasks == tuple(
        sent[int(crossed.index)]["content"]["referencedElements"]["tasks"]
    )
    stopping = next(e for e in log if e.message == "Stopping execution...")
    assert (stopping.lane_index, stopping.reason) == (None, "failure")
    assert [e.severity for e in log.at_least("error")] == [Severity.CRITICAL]
    assert "CRITICAL" in str(crossed)
    assert str(crossed).startswith(crossed.timestamp.strftime("%Y-%m-%dT%H:%M:%S"))


def test_tail_keeps_the_newest(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = finished(fake, LaneSpec(), LaneSpec())
    everything = virtual_client.audit_log(wid)
    newest = virtual_client.audit_log(wid, tail=2)
    assert newest.entries == everything.entries[-2:]
    assert (newest.total, newest.complete) == (everything.total, False)


def test_a_dump_by_store_id_and_the_stores_that_are_not_logs(
    virtual_client: Any, fake: FakeOneprovider
) -> None:
    wid = finished(fake)
    details = fake.execution(wid)
    log = virtual_client.dump_audit_log(details["systemAuditLogStoreId"])
    assert log == virtual_client.audit_log(wid)
    with pytest.raises(BadRequestError) as not_a_log:
        virtual_client.dump_audit_log(details["lanes"][0]["runs"][0]["exceptionStoreId"])
    assert not_a_log.value.error_id == "notSupported"
    with pytest.raises(NotFoundError):
        virtual_client.dump_audit_log("9e4d6e3c1846d424c17c627923c6612fchcca5")


def test_an_execution_without_an_audit_log(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = finished(fake)
    fake.remove_audit_log(wid)
    with pytest.raises(NoAuditLog) as none:
        virtual_client.audit_log(wid)
    assert none.value.execution_id == wid
    assert "systemAuditLogStoreId is null" in str(none.value)
    with pytest.raises(NotFoundError):
        virtual_client.audit_log("9e4d6e3c1846d424c17c627923c6612fchcca5")


def test_entries_from_a_lambda(virtual_client: Any, fake: FakeOneprovider) -> None:
    wid = finished(fake)
    fake.log_user_entry(wid, {"processed": 7, "note": "partial"}, severity="warning")
    last = virtual_client.audit_log(wid).entries[-1]
    assert (last.source, last.severity, last.description) == (LogSource.USER, "warning", None)
    assert last.content == {"processed": 7, "note": "partial"}
    assert json.dumps({"processed": 7, "note": "partial"}) in str(last)


def test_the_request_takes_any_type_and_is_read_as_it_arrives(
    kind: str, loop: asyncio.AbstractEventLoop, fake: FakeOneprovider
) -> None:
    wid = finished(fake, LaneSpec(), LaneSpec())
    inner = fake.transport()
    sent: list[httpx.Request] = []

    def spy(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        answer = inner.handle_request(request)
        if "/stores/" not in request.url.path:
            return answer
        body = answer.read()
        pieces = [body[i : i + 7] for i in range(0, len(body), 7)]
        return httpx.Response(200, headers=answer.headers, stream=Chunks(pieces))

    with make_client(
        kind, loop, base_url=fake.base_url, token=fake.token, transport=httpx.MockTransport(spy)
    ) as client:
        log = client.audit_log(wid)
    assert [e.index for e in log] == [e["index"] for e in fake.audit_log(wid)]
    dump = sent[-1]
    assert dump.headers["accept"] == "*/*"
    assert dump.url.path.endswith("/dump")


# -- bounds and hostile answers -------------------------------------------------------


def test_memory_is_bounded_by_tail_and_the_body_by_max_bytes(
    kind: str, loop: asyncio.AbstractEventLoop
) -> None:
    entries = [{**ENTRY, "index": str(i)} for i in range(2000)]
    body = body_of(entries)
    transport, streams = streaming(body, 1000)
    client = client_with(kind, loop, transport)
    log = client.dump_audit_log("store", tail=5)
    assert [e.index for e in log] == ["1995", "1996", "1997", "1998", "1999"]
    assert log.total == 2000
    with pytest.raises(ResponseParseError, match="larger than max_bytes=50000"):
        client.dump_audit_log("store", max_bytes=50_000)
    assert streams[-1].served <= 51, "reading stopped at the bound, not at the end"
    assert streams[-1].served < len(streams[-1].pieces)


@pytest.mark.parametrize("size", [1, 3, 64, 100_000])
def test_any_split_of_the_body_reads_the_same(
    kind: str, loop: asyncio.AbstractEventLoop, size: int
) -> None:
    entries = [
        {**ENTRY, "index": str(i), "content": {"description": "é ☃ " * i, "details": {"n": i}}}
        for i in range(30)
    ]
    transport, _ = streaming(body_of(entries), size)
    log = client_with(kind, loop, transport).dump_audit_log("store")
    assert [e.description for e in log] == ["é ☃ " * i for i in range(30)]


DEEP = 100_000
HOSTILE = {
    "empty": b"",
    "html": b"<html><body>Gateway</body></html>",
    "an object": b'{"error": "x"}',
    "truncated": body_of([ENTRY])[:-7],
    "no closing bracket": body_of([ENTRY])[:-1],
    "data after the array": body_of([ENTRY]) + b"[]",
    "a number in the array": b"[1]",
    "deep nesting": b"[" * DEEP + b"]" * DEEP,
    "deep nesting in details": b'[{"index": "0", "details": ' + b"[" * DEEP + b"]" * DEEP + b"}]",
    "a huge integer": b'[{"index": "0", "timestamp": 1' + b"0" * 5000 + b"}]",
    "a huge float": json.dumps([{**ENTRY, "content": {"details": {"x": 1e308}}}])
    .replace("1e+308", "1e99999")
    .encode(),
    "NaN": json.dumps([{**ENTRY, "content": {"details": {"x": 0}}}]).replace("0}", "NaN}").encode(),
    "not UTF-8": body_of([ENTRY]).replace(b'"0"', b'"\xff"'),
    "timestamp as text": body_of([{**ENTRY, "timestamp": "1626107063512"}]),
    "timestamp as a float": body_of([{**ENTRY, "timestamp": 1.5}]),
    "timestamp as a boolean": body_of([{**ENTRY, "timestamp": True}]),
    "negative timestamp": body_of([{**ENTRY, "timestamp": -1}]),
    "timestamp past 9999": body_of([{**ENTRY, "timestamp": 10**17}]),
    "index as a number": body_of([{**ENTRY, "index": 0}]),
    "no severity": body_of([{k: v for k, v in ENTRY.items() if k != "severity"}]),
    "severity as a number": body_of([{**ENTRY, "severity": 3}]),
    "content as text": body_of([{**ENTRY, "content": "Stopping"}]),
    "description as a number": body_of([{**ENTRY, "content": {"description": 5}}]),
    "details as a list": body_of([{**ENTRY, "content": {"details": []}}]),
    "tasks as text": body_of([{**ENTRY, "content": {"referencedElements": {"tasks": "t"}}}]),
    "trace ids of numbers": body_of(
        [{**ENTRY, "content": {"referencedElements": {"itemTraceIds": [1]}}}]
    ),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_body_that_breaks_the_spec_is_a_parse_error(
    kind: str, loop: asyncio.AbstractEventLoop, case: str
) -> None:
    transport, _ = streaming(HOSTILE[case], 4096)
    with pytest.raises(ResponseParseError) as raised:
        client_with(kind, loop, transport).dump_audit_log("store")
    assert type(raised.value) is ResponseParseError
    assert raised.value.status == 200
    assert raised.value.__cause__ is None, "no body kept in a chained exception"
    assert raised.value.__context__ is None
    assert len(raised.value.body_snippet) <= 300


def test_an_empty_log_and_unknown_values(kind: str, loop: asyncio.AbstractEventLoop) -> None:
    transport, _ = streaming(b"  [ ]\r\n", 2)
    assert len(client_with(kind, loop, transport).dump_audit_log("store")) == 0
    newer = {**ENTRY, "source": "engine", "severity": "verbose", "extra": 1}
    transport, _ = streaming(body_of([newer]), 5)
    (entry,) = client_with(kind, loop, transport).dump_audit_log("store")
    assert (entry.source, entry.severity) == ("engine", "verbose")
    assert not entry.severity.is_known
    assert entry.severity.rank is None
    assert entry.severity.at_least("emergency"), "an unknown severity is never filtered out"


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(
                    st.sampled_from([*ENTRY, "description", "details", "tasks", "x"]),
                    inner,
                    max_size=6,
                )
            ),
            max_leaves=15,
        ).map(lambda value: json.dumps(value).encode()),
    ),
    size=st.integers(min_value=1, max_value=50),
)
@pytest.mark.parametrize("kind", KINDS)
def test_nothing_but_onedata_errors_escape(
    kind: str, loop: asyncio.AbstractEventLoop, body: bytes, size: int
) -> None:
    transport, _ = streaming(body, size)
    with contextlib.suppress(OnedataError):
        client_with(kind, loop, transport).dump_audit_log("store")


@pytest.mark.parametrize(
    ("status", "body", "error", "error_id"),
    [
        (
            400,
            {"error": {"id": "notSupported", "description": "x"}},
            BadRequestError,
            "notSupported",
        ),
        (
            401,
            {"error": {"id": "unauthorized", "description": "x"}},
            UnauthorizedError,
            "unauthorized",
        ),
        (404, {"error": {"id": "notFound", "description": "x"}}, NotFoundError, "notFound"),
        (406, None, ApiError, None),
    ],
)
def test_error_answers_are_typed(
    kind: str,
    loop: asyncio.AbstractEventLoop,
    status: int,
    body: Any,
    error: type[ApiError],
    error_id: str | None,
) -> None:
    content = b"" if body is None else json.dumps(body).encode()
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=content))
    with pytest.raises(error) as raised:
        client_with(kind, loop, transport).dump_audit_log("store")
    assert (type(raised.value), raised.value.status, raised.value.error_id) == (
        error,
        status,
        error_id,
    )


def test_a_connection_broken_mid_dump(kind: str, loop: asyncio.AbstractEventLoop) -> None:
    body = body_of([{**ENTRY, "index": str(i)} for i in range(50)])
    transport, streams = streaming(body, 100, fail_after=3)
    with pytest.raises(ConnectionFailed) as broken:
        client_with(kind, loop, transport).dump_audit_log("store")
    assert broken.value.request_sent
    assert broken.value.__context__ is None
    sleeps: list[float] = []
    retrying = client_with(kind, loop, transport, retry=RetryPolicy(), sleep=sleeps.append)
    with pytest.raises(ConnectionFailed):
        retrying.dump_audit_log("store")
    assert len(streams) == 1 + 4, "a read: sent again, from the start, as the policy allows"


def test_reads_of_the_dump_are_retried_on_overload(
    virtual_client: Any, fake: FakeOneprovider
) -> None:
    wid = finished(fake)
    fake.inject(Fault.http_status(503), operation="get_execution_store_dump", times=2)
    assert len(virtual_client.audit_log(wid)) == len(fake.audit_log(wid))
    assert fake.injected


def test_a_dump_labelled_with_the_routes_type(kind: str, loop: asyncio.AbstractEventLoop) -> None:
    fake = FakeOneprovider(dump_media_type="application/octet-stream")
    wid = finished(fake)
    seen: list[str] = []
    fake.on_exchange = lambda op, request, response: seen.append(
        dict(response.headers).get("content-type", "")
    )
    with make_client(
        kind, loop, base_url=fake.base_url, token=fake.token, transport=fake.transport()
    ) as client:
        log = client.audit_log(wid)
    assert seen[-1] == "application/octet-stream"
    assert len(log) == len(fake.audit_log(wid))


@PROPERTY_SETTINGS
@given(data=st.data())
def test_an_entry_is_read_exactly_when_the_spec_accepts_it(data: st.DataObject) -> None:
    """Held to the same judge as every other answer: jsonschema, against openapi.yaml."""
    document = data.draw(valid(schema_of("AuditLogEntry")))
    if data.draw(st.booleans()):
        document = mutated(document, data)
    reader = DumpReader("store")
    try:
        reader.feed(json.dumps([document]).encode())
        (entry,) = reader.close()
    except ResponseParseError:
        accepted = False
    else:
        accepted = True
        assert entry.index == document["index"]
        assert entry.content == document["content"]
    assert accepted == judge("AuditLogEntry").is_valid(document), json.dumps(document)[:300]
