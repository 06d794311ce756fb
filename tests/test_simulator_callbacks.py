"""Completion callbacks: one POST per stop, retried with backoff until delivered."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from onedata_workflows.testing import FakeOneprovider, LaneSpec, Outcome

from .raw_api import RawApi

URL = "https://tools.example.com/onedata-callback"


class Recorder:
    """A callback sender that fails the first ``failures`` deliveries."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.received: list[dict[str, str]] = []

    def __call__(self, url: str, payload: Mapping[str, str]) -> bool:
        assert url == URL
        if self.failures:
            self.failures -= 1
            return False
        self.received.append(dict(payload))
        return True


def make(recorder: Recorder, *lanes: LaneSpec) -> tuple[FakeOneprovider, RawApi, str]:
    fake = FakeOneprovider(callback_sender=recorder)
    schema_id, _ = fake.add_workflow_schema(list(lanes) or [LaneSpec(), LaneSpec()])
    api = RawApi(fake)
    return fake, api, api.schedule(schema_id, callback=URL)


def test_called_on_every_stop() -> None:
    recorder = Recorder()
    _fake, api, wid = make(recorder, LaneSpec(), LaneSpec(outcomes=[Outcome.FAIL]))
    api.until(wid, "active")
    api.ok(wid, "pause")
    api.until(wid, "paused")
    api.ok(wid, "resume")
    api.until(wid, "failed")
    api.ok(wid, "rerun", {"laneIndex": 2, "laneRunNumber": 1})
    api.until(wid, "finished")
    assert recorder.received == [
        {"atmWorkflowExecutionId": wid, "status": status}
        for status in ("paused", "failed", "finished")
    ]


def test_cancelling_a_suspended_execution_calls_back_at_once() -> None:
    recorder = Recorder()
    _fake, api, wid = make(recorder)
    api.until(wid, "active")
    api.ok(wid, "pause")
    api.until(wid, "paused")
    api.ok(wid, "cancel")
    api.get(wid)
    assert recorder.received[-1] == {"atmWorkflowExecutionId": wid, "status": "cancelled"}


def test_no_callback_without_url() -> None:
    recorder = Recorder()
    fake = FakeOneprovider(callback_sender=recorder)
    schema_id, _ = fake.add_workflow_schema([LaneSpec()])
    with RawApi(fake) as api:
        api.until(api.schedule(schema_id), "finished")
    assert recorder.received == []
    assert fake.callbacks == []


def test_failed_deliveries_are_retried_with_doubling_delays() -> None:
    recorder = Recorder(failures=3)
    fake, api, wid = make(recorder)
    api.until(wid, "finished")
    fake.advance(60)
    attempts = fake.callbacks
    assert [(a.attempt, a.delivered) for a in attempts] == [
        (1, False),
        (2, False),
        (3, False),
        (4, True),
    ]
    gaps = [b.at - a.at for a, b in itertools.pairwise(attempts)]
    assert 0 < gaps[0] <= 2.0
    assert gaps[1] == pytest.approx(2 * gaps[0])
    assert gaps[2] == pytest.approx(4 * gaps[0])
    assert recorder.received == [{"atmWorkflowExecutionId": wid, "status": "finished"}]


def test_delivery_gives_up_after_31_attempts() -> None:
    recorder = Recorder(failures=1000)
    fake, api, wid = make(recorder)
    api.until(wid, "finished")
    fake.advance(40 * 24 * 3600)
    attempts = fake.callbacks
    assert len(attempts) == 31
    assert not any(a.delivered for a in attempts)
    gaps = [b.at - a.at for a, b in itertools.pairwise(attempts)]
    assert max(gaps) == pytest.approx(7200), "delays are capped at two hours"


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    """A plain HTTP server on loopback that records what it is sent."""
    received: list[tuple[str, dict[str, Any]]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            received.append((self.headers["content-type"], json.loads(body)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/done", received
    server.shutdown()
    server.server_close()


def test_delivered_over_http(receiver: tuple[str, list[tuple[str, dict[str, Any]]]]) -> None:
    url, received = receiver
    fake = FakeOneprovider()
    schema_id, _ = fake.add_workflow_schema([LaneSpec()])
    with RawApi(fake) as api:
        wid = api.schedule(schema_id, callback=url)
        api.until(wid, "finished")
    fake.advance(5)
    assert received == [("application/json", {"atmWorkflowExecutionId": wid, "status": "finished"})]
    assert [a.delivered for a in fake.callbacks] == [True]
