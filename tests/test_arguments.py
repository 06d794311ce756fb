"""Bad input on every public method: a clear, typed error, and nothing sent."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onedata_workflows._arguments import MAX_ID_LENGTH, MAX_NUMBER, ArgumentTypeError

from .clients import KINDS, make_client

BAD_IDS = st.one_of(
    st.sampled_from(["", " ", "\t", ".", "..", " w", "w ", "a/b", "a?b", "a#b", "a%2F", "a\\b"]),
    st.text(min_size=1).filter(lambda t: any(not (0x21 <= ord(c) <= 0x7E) for c in t)),
    st.text(alphabet="ab", min_size=MAX_ID_LENGTH + 1, max_size=MAX_ID_LENGTH + 5),
    st.none() | st.integers() | st.floats() | st.binary() | st.lists(st.text(), max_size=2),
)
BAD_NUMBERS = st.one_of(
    st.booleans(),
    st.floats(),
    st.sampled_from(["1", "2", " 3"]),
    st.integers(max_value=0),
    st.integers(min_value=MAX_NUMBER + 1, max_value=2**80),
    st.none(),
)
GOOD = "9e4d6e3c1846d424c17c627923c6612fchcca5"

# Each public method, with the bad value put where an id or a number goes.
ID_CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "get": lambda c, v: c.get(v),
    "pause": lambda c, v: c.pause(v),
    "resume": lambda c, v: c.resume(v),
    "cancel": lambda c, v: c.cancel(v),
    "delete": lambda c, v: c.delete(v),
    "force_continue": lambda c, v: c.force_continue(v),
    "rerun": lambda c, v: c.rerun(v, 1, 1),
    "retry": lambda c, v: c.retry(v, 1, 1),
    "schedule space": lambda c, v: c.schedule(v, GOOD, 1),
    "schedule schema": lambda c, v: c.schedule(GOOD, v, 1),
    "list": lambda c, v: c.list(v),
    "wait_until_finished": lambda c, v: c.wait_until_finished(v),
    "watch": lambda c, v: c.watch(v),
    "rerun_from_failed_lane": lambda c, v: c.rerun_from_failed_lane(v),
    "retry_failed_lane": lambda c, v: c.retry_failed_lane(v, wait=True),
    "run": lambda c, v: c.run(v, GOOD, 1),
    "as_completed": lambda c, v: c.as_completed([GOOD, v]),
    "wait_for_many": lambda c, v: c.wait_for_many([v]),
    "audit_log": lambda c, v: c.audit_log(v),
    "dump_audit_log": lambda c, v: c.dump_audit_log(v),
    "diagnose": lambda c, v: c.diagnose(v),
}
NUMBER_CALLS: dict[str, Callable[[Any, Any], Any]] = {
    "rerun lane": lambda c, v: c.rerun(GOOD, v, 1),
    "rerun run": lambda c, v: c.rerun(GOOD, 1, v),
    "retry lane": lambda c, v: c.retry(GOOD, v, 1),
    "retry run": lambda c, v: c.retry(GOOD, 1, v),
    "schedule revision": lambda c, v: c.schedule(GOOD, GOOD, v),
    "run revision": lambda c, v: c.run(GOOD, GOOD, v),
}
OTHER_BAD_CALLS: dict[str, Callable[[Any], Any]] = {
    "unknown log level": lambda c: c.schedule(GOOD, GOOD, 1, log_level="loud"),
    "store content not a mapping": lambda c: c.schedule(GOOD, GOOD, 1, store_initial_content=[1]),
    "blank callback": lambda c: c.schedule(GOOD, GOOD, 1, callback=" "),
    "page size 0": lambda c: c.list(GOOD, page_size=0),
    "page size 1001": lambda c: c.list(GOOD, page_size=1001),
    "unknown phase": lambda c: c.list(GOOD, phase="running"),
    "timeout 0": lambda c: c.wait_until_finished(GOOD, timeout=0),
    "timeout nan": lambda c: c.watch(GOOD, timeout=float("nan")),
    "timeout as text": lambda c: c.wait_for_many([GOOD], timeout="60"),
    "concurrency 0": lambda c: c.as_completed([GOOD], concurrency=0),
    "one id to as_completed": lambda c: c.as_completed(GOOD),
    "one id to wait_for_many": lambda c: c.wait_for_many(GOOD),
    "max_repairs -1": lambda c: c.run(GOOD, GOOD, 1, max_repairs=-1),
    "max_repairs 1.5": lambda c: c.run(GOOD, GOOD, 1, max_repairs=1.5),
    "tail 0": lambda c: c.audit_log(GOOD, tail=0),
    "tail as text": lambda c: c.dump_audit_log(GOOD, tail="10"),
    "max_bytes 0": lambda c: c.audit_log(GOOD, max_bytes=0),
    "max_bytes as a float": lambda c: c.dump_audit_log(GOOD, max_bytes=1e6),
}
MISSPELT: dict[str, Callable[[Any], Any]] = {
    "rerun_from_failed_lane": lambda c: c.rerun_from_failed_lane(GOOD, wait=True, timout=5),
    "retry_failed_lane": lambda c: c.retry_failed_lane(GOOD, dryrun=True),
    "run": lambda c: c.run(GOOD, GOOD, 1, max_repair=2),
    "wait_until_finished": lambda c: c.wait_until_finished(GOOD, time_out=5),
    "wait_for_many": lambda c: c.wait_for_many([GOOD], concurency=2),
    "as_completed": lambda c: c.as_completed([GOOD], timeoutt=3),
    "schedule": lambda c: c.schedule(GOOD, GOOD, 1, loglevel="debug"),
    "audit_log": lambda c: c.audit_log(GOOD, last=5),
}


class Counting:
    """A transport that records what was sent and answers 500 (it should never be asked)."""

    def __init__(self) -> None:
        self.sent: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return httpx.Response(500)


def client_for(kind: str, loop: asyncio.AbstractEventLoop, counting: Counting) -> Any:
    return make_client(
        kind, loop, base_url="https://p.test/api/v3/oneprovider", token="t" * 16,
        transport=counting.transport,
    )  # fmt: skip


def refused(call: Callable[[], Any], error: type[Exception] = ValueError) -> Exception:
    with pytest.raises(error) as raised:
        call()  # iterators included: their arguments are checked when they are made
    assert str(raised.value).strip(), "the message says what is wrong"
    return raised.value


@settings(max_examples=40, suppress_health_check=list(HealthCheck))
@given(value=BAD_IDS, method=st.sampled_from(sorted(ID_CALLS)))
@pytest.mark.parametrize("kind", KINDS)
def test_bad_ids_are_refused_before_sending(
    kind: str, loop: asyncio.AbstractEventLoop, value: Any, method: str
) -> None:
    counting = Counting()
    client = client_for(kind, loop, counting)
    error = refused(lambda: ID_CALLS[method](client, value))
    if not isinstance(value, str):
        assert isinstance(error, ArgumentTypeError | TypeError)
    assert counting.sent == []


@settings(max_examples=30, suppress_health_check=list(HealthCheck))
@given(value=BAD_NUMBERS, method=st.sampled_from(sorted(NUMBER_CALLS)))
@pytest.mark.parametrize("kind", KINDS)
def test_bad_numbers_are_refused_before_sending(
    kind: str, loop: asyncio.AbstractEventLoop, value: Any, method: str
) -> None:
    counting = Counting()
    client = client_for(kind, loop, counting)
    error = refused(lambda: NUMBER_CALLS[method](client, value))
    is_int = isinstance(value, int) and not isinstance(value, bool)
    assert isinstance(error, TypeError) != is_int, "a wrong type is a TypeError, too"
    assert counting.sent == []


@pytest.mark.parametrize("case", sorted(OTHER_BAD_CALLS))
def test_other_bad_arguments_are_refused_before_sending(
    kind: str, loop: asyncio.AbstractEventLoop, case: str
) -> None:
    counting = Counting()
    client = client_for(kind, loop, counting)
    refused(lambda: OTHER_BAD_CALLS[case](client))
    assert counting.sent == []


@pytest.mark.parametrize("method", sorted(MISSPELT))
def test_a_misspelt_keyword_sends_nothing(
    kind: str, loop: asyncio.AbstractEventLoop, method: str
) -> None:
    counting = Counting()
    client = client_for(kind, loop, counting)
    refused(lambda: MISSPELT[method](client), TypeError)
    assert counting.sent == []
