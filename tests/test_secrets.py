"""The token never shows: not in a repr, a log record at any level, or an exception."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from onedata_workflows import OnedataError, RetryPolicy
from onedata_workflows.testing import FakeOneprovider, Fault, LaneSpec, Outcome

from .clients import make_client

SECRET = "MDAxY2xvY2F0aW9uIG9uZXpvbmUKMDAzYmlkZW50aWZpZXIgc2VjcmV0LXRva2Vu"


def texts_of(value: Any) -> list[str]:
    """Every way a value can end up printed."""
    found = [str(value), repr(value)]
    if isinstance(value, BaseException):
        found += [str(arg) for arg in value.args]
        found += [str(v) for v in vars(value).values()]
        if value.__cause__ is not None:
            found += texts_of(value.__cause__)
    return found


def echo_token(request: httpx.Request) -> httpx.Response:
    """A misbehaving provider that repeats the token it was sent."""
    token = request.headers["x-auth-token"]
    if request.url.path.endswith("/html"):
        return httpx.Response(502, content=f"<p>bad gateway for {token}</p>".encode())
    body = {"error": {"id": "unauthorized", "description": f"token {token} is not valid"}}
    return httpx.Response(401, json=body)


def test_token_never_printed(
    kind: str, loop: asyncio.AbstractEventLoop, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = FakeOneprovider()
    fake.add_user({})  # another user: the secret below is not the fake's own token
    token = fake.token
    schema_id, _ = fake.add_workflow_schema([LaneSpec(), LaneSpec(outcomes=[Outcome.FAIL])])
    printed: list[str] = []
    seen: list[Any] = []

    def attempt(call: Callable[[], Any]) -> None:
        try:
            seen.append(call())
        except OnedataError as error:
            seen.append(error)

    with (
        fake.serve() as base_url,
        make_client(kind, loop, base_url=base_url, token=token, sleep=lambda s: None) as client,
    ):
        seen.append(client)
        wid = client.schedule(fake.space_id, schema_id, 1)
        seen.append(wid)
        fake.advance(60)
        seen.append(client.get(wid))
        fake.inject(Fault.http_status(503), times=2)
        fake.inject(Fault.html(502))
        fake.inject(Fault.truncated())
        fake.inject(Fault.reset(processed=True))
        for _ in range(4):
            attempt(lambda: client.get(wid))
        attempt(lambda: client.resume(wid))
        attempt(lambda: client.get("missing"))
        attempt(lambda: client.cancel(wid))
    with make_client(kind, loop, base_url="http://127.0.0.1:9/api", token=token,
                     retry=RetryPolicy.disabled()) as closed_port:  # fmt: skip
        attempt(lambda: closed_port.get(wid))
    with make_client(kind, loop, base_url="https://p.test/api", token=SECRET,
                     transport=httpx.MockTransport(echo_token)) as echoing:  # fmt: skip
        attempt(lambda: echoing.get("x"))
        attempt(lambda: echoing.get("html"))

    errors = [s for s in seen if isinstance(s, OnedataError)]
    assert len(errors) >= 6, "the scenario produced the errors it is meant to check"
    assert any("[token]" in str(e) for e in errors), "the echoed token was blanked"
    for value in seen:
        printed += texts_of(value)
    records = caplog.records
    assert any(r.name == "onedata_workflows" for r in records)
    assert any(r.name.startswith("httpcore") for r in records), "httpx's own debug logs were on"
    printed += [record.getMessage() for record in records]
    printed += [json.dumps(record.args, default=repr) for record in records if record.args]
    for secret in (token, SECRET):
        leaks = [text for text in printed if secret in text]
        assert leaks == [], f"the token leaked in {leaks[:3]}"
