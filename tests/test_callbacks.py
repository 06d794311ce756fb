"""The completion-callback receiver, over real HTTP on loopback.

A callback must reach exactly its execution's listeners; anything else sent to the
receiver (forged paths, huge bodies, garbage, floods, slow senders) must change nothing,
echo nothing, and leave it answering the provider.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from onedata_workflows._callbacks import CallbackReceiver, CallbackSlot
from onedata_workflows.testing import FakeOneprovider, LaneSpec

from .raw_api import RawApi

WAIT = 5.0  # the most a test waits for something that should take milliseconds
CALLBACK = {"atmWorkflowExecutionId": "ignored", "status": "finished"}
MARKER = "zq-marker-7731"  # sent in forged requests; must never come back


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    with CallbackReceiver() as serving:
        yield serving


def bound(receiver: CallbackReceiver, execution_id: str) -> tuple[CallbackSlot, threading.Event]:
    """A slot bound to ``execution_id`` and an event set on each of its callbacks."""
    slot = receiver.reserve()
    receiver.bind(slot, execution_id)
    event = threading.Event()
    receiver.listen(execution_id, event.set)
    return slot, event


def eventually(condition: Callable[[], bool]) -> None:
    """Wait for what the server's thread does after answering (closing, counting)."""
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.005)


def exchange(receiver: CallbackReceiver, data: bytes) -> bytes:
    """Send raw bytes, stop sending, and read everything until the receiver closes."""
    with socket.create_connection(receiver.address, timeout=WAIT) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
        return received


def post_head(path: str, body: bytes = b"", *extra: str) -> bytes:
    head = [f"POST {path} HTTP/1.1", "Host: receiver", f"Content-Length: {len(body)}", *extra]
    return ("\r\n".join([*head, "Connection: close"]) + "\r\n\r\n").encode() + body


def path_of(url: str) -> str:
    return httpx.URL(url).raw_path.decode()


def token_of(slot: CallbackSlot) -> str:
    return slot.url.rsplit("/", 1)[1]


# -- delivery ------------------------------------------------------------------


def test_a_callback_notifies_exactly_its_execution(receiver: CallbackReceiver) -> None:
    slot_a, event_a = bound(receiver, "wid-a")
    _slot_b, event_b = bound(receiver, "wid-b")
    # The body is not trusted: naming the other execution changes nothing.
    body = {"atmWorkflowExecutionId": "wid-b", "status": "failed"}
    response = httpx.post(slot_a.url, json=body)
    assert (response.status_code, response.content) == (200, b"")
    assert event_a.is_set()  # told before the answer left
    assert not event_b.is_set()
    assert (receiver.callback_count("wid-a"), receiver.callback_count("wid-b")) == (1, 0)


def test_callbacks_before_bind_are_kept(receiver: CallbackReceiver) -> None:
    slot = receiver.reserve()
    event = threading.Event()
    receiver.listen("wid", event.set)
    for _ in range(2):
        assert httpx.post(slot.url, json=CALLBACK).status_code == 200
    assert not event.is_set()
    assert receiver.callback_count("wid") == 0
    receiver.bind(slot, "wid")
    assert event.is_set()
    assert receiver.callback_count("wid") == 2


def test_every_callback_counts_over_one_kept_alive_connection(receiver: CallbackReceiver) -> None:
    slot, _ = bound(receiver, "wid")
    with httpx.Client() as http:
        for _ in range(5):
            assert http.post(slot.url, json=CALLBACK).status_code == 200
    assert receiver.callback_count("wid") == 5
    assert receiver.stats.connections == 1


def test_pipelined_callbacks_are_answered_in_order(receiver: CallbackReceiver) -> None:
    slot, _ = bound(receiver, "wid")
    one = f"POST {path_of(slot.url)} HTTP/1.1\r\nHost: r\r\nContent-Length: 2\r\n\r\n{{}}"
    answer = exchange(receiver, (one * 3).encode())
    assert answer.count(b"HTTP/1.1 200 OK\r\n") == 3
    assert receiver.callback_count("wid") == 3


def test_listeners_unsubscribe_and_a_failing_one_harms_no_other(
    receiver: CallbackReceiver,
) -> None:
    slot, event = bound(receiver, "wid")
    calls: list[str] = []

    def broken() -> None:
        raise RuntimeError("listener bug")

    receiver.listen("wid", broken)
    unsubscribe = receiver.listen("wid", lambda: calls.append("second"))
    assert httpx.post(slot.url, json=CALLBACK).status_code == 200
    unsubscribe()
    unsubscribe()  # twice is harmless
    assert httpx.post(slot.url, json=CALLBACK).status_code == 200
    assert event.is_set()
    assert calls == ["second"]
    assert receiver.callback_count("wid") == 2


def test_async_listener() -> None:
    async def scenario() -> int:
        async with CallbackReceiver() as receiver:
            loop = asyncio.get_running_loop()
            event = asyncio.Event()
            slot = receiver.reserve()
            receiver.bind(slot, "wid")
            receiver.listen("wid", lambda: loop.call_soon_threadsafe(event.set))
            async with httpx.AsyncClient() as http:
                response = await http.post(slot.url, json=CALLBACK)
            await asyncio.wait_for(event.wait(), WAIT)
            assert response.status_code == 200
            return receiver.callback_count("wid")

    assert asyncio.run(scenario()) == 1


def test_every_stop_of_a_simulated_execution_calls_back() -> None:
    fake = FakeOneprovider()
    schema_id, _ = fake.add_workflow_schema([LaneSpec(), LaneSpec()])
    with CallbackReceiver() as receiver, RawApi(fake) as api:
        slot = receiver.reserve()
        wid = api.schedule(schema_id, callback=slot.url)
        receiver.bind(slot, wid)
        stops = threading.Semaphore(0)
        receiver.listen(wid, stops.release)
        api.until(wid, "active")
        api.ok(wid, "pause")
        api.until(wid, "paused")
        fake.advance(3)  # the first delivery waits up to 2 s
        assert stops.acquire(timeout=WAIT)
        api.ok(wid, "resume")
        api.until(wid, "finished")
        fake.advance(3)
        assert stops.acquire(timeout=WAIT)
    assert receiver.callback_count(wid) == 2
    assert [attempt.delivered for attempt in fake.callbacks] == [True, True]


# -- what it refuses -----------------------------------------------------------


def test_forged_callbacks_change_nothing(receiver: CallbackReceiver) -> None:
    slot, event = bound(receiver, "wid")
    token, path = token_of(slot), path_of(slot.url)
    other = receiver.reserve()  # a real slot, with its own token
    forged_paths = [
        path[: -len(token)] + "A" * len(token),  # right slot, wrong token of the right length
        path[:-1],
        path + "A",
        path + "/",
        path_of(other.url)[: -len(token)] + token,  # another slot with this token
        f"/callbacks/{MARKER}/{token}",
        f"/callbacks/{slot.id}",
        "/callbacks",
        "/",
        f"/{MARKER}?q={MARKER}",
        path.replace("/callbacks/", "/callback/"),
        path.replace(token, token.lower()) if token != token.lower() else path + "x",
    ]
    with httpx.Client(base_url=receiver.public_url) as http:
        for forged in forged_paths:
            response = http.post(forged, json={"atmWorkflowExecutionId": "wid", "status": MARKER})
            assert (response.status_code, response.content) == (404, b""), forged
            assert MARKER not in str(response.headers)
        for method in ("GET", "PUT", "DELETE", "PATCH", "OPTIONS"):
            response = http.request(method, path)
            assert (response.status_code, response.content) == (405, b"")
            assert response.headers["allow"] == "POST"
        response = http.post(path, content=MARKER.encode() * 10_000)
        assert (response.status_code, response.content) == (413, b"")
    assert not event.is_set()
    assert receiver.callback_count("wid") == 0
    stats = receiver.stats
    assert (stats.accepted, stats.not_found, stats.method_not_allowed, stats.too_large) == (
        0,
        len(forged_paths),
        5,
        1,
    )


def test_oversized_and_malformed_requests_are_refused_without_echo(
    receiver: CallbackReceiver,
) -> None:
    slot, event = bound(receiver, "wid")
    path = path_of(slot.url)
    chunk = b"400\r\n" + MARKER.encode().ljust(0x400, b"x") + b"\r\n"
    cases = [
        (b"413", post_head(path, MARKER.encode() * 1000)),  # declared too large
        (  # chunked, past the bound while arriving
            b"413",
            f"POST {path} HTTP/1.1\r\nHost: r\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
            + chunk * 8
            + b"0\r\n\r\n",
        ),
        (b"400", f"{MARKER} {path} HTTP/1.1\r\n\r\n".encode()),
        (b"400", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + MARKER.encode() * 10),
        (b"431", f"POST {path} HTTP/1.1\r\nX-{MARKER}: {'a' * 20_000}\r\n\r\n".encode()),
    ]
    for expected, request in cases:
        answer = exchange(receiver, request)
        assert answer.startswith(b"HTTP/1.1 " + expected), (expected, answer)
        assert MARKER.encode() not in answer
        assert path.encode() not in answer
        assert answer.endswith(b"\r\n\r\n")  # a head and no body
    assert not event.is_set()
    assert receiver.callback_count("wid") == 0
    assert receiver.stats.too_large == 2
    assert receiver.stats.malformed == 3


def test_no_secret_reaches_the_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with CallbackReceiver() as receiver:
        early = receiver.reserve()
        assert httpx.post(early.url, json=CALLBACK).status_code == 200  # before bind
        receiver.bind(early, "wid-early")
        slot, _ = bound(receiver, "wid")
        token = token_of(slot)
        receiver.listen("wid", lambda: 1 / 0)  # its traceback is logged too
        assert httpx.post(slot.url, content=b"{not json").status_code == 200
        assert httpx.post(slot.url, json={"status": token}).status_code == 200
        assert httpx.post(slot.url[:-1] + "x", json=CALLBACK).status_code == 404
        exchange(receiver, f"BAD {path_of(slot.url)} HTTP/1.1\r\n\r\n".encode())
        attached = CallbackReceiver.make_url(receiver.public_url)
        receiver.attach("wid-attached", attached)
        with pytest.raises(ValueError, match="does not point at this receiver") as refused:
            receiver.attach("wid-other", attached.replace("127.0.0.1", "localhost"))
        assert token_of(CallbackSlot("x", attached)) not in str(refused.value)
    ours = [r for r in caplog.records if r.name.startswith("onedata_workflows")]
    assert any("completion callback" in r.getMessage() for r in ours)
    printed = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in ours)
    for secret in (token, token_of(early), token_of(CallbackSlot("x", attached))):
        assert secret not in printed
    assert repr(slot) == f"CallbackSlot(id={slot.id!r})"


# -- floods and slow senders ---------------------------------------------------


def test_a_flood_leaves_it_answering_the_provider() -> None:
    """Hundreds of idle and half-sent connections plus forged POSTs, then a real callback."""
    with CallbackReceiver(max_connections=64) as receiver:
        slot, event = bound(receiver, "wid")
        forged = f"{receiver.public_url}/callbacks/{slot.id}/{'A' * len(token_of(slot))}"
        stop = threading.Event()
        held: list[socket.socket] = []

        def hold_connections() -> None:
            while not stop.is_set() and len(held) < 400:
                sock = socket.create_connection(receiver.address)
                held.append(sock)
                with contextlib.suppress(OSError):  # displaced already
                    sock.sendall(b"POST /callbacks/x/y HTTP/1.1\r\nHost: r\r\nContent-Le")

        def forge() -> int:
            answered = 0
            with httpx.Client() as http:
                while not stop.is_set():
                    try:
                        response = http.post(forged, json=CALLBACK)
                    except httpx.TransportError:  # its connection was displaced
                        continue
                    assert response.status_code == 404
                    answered += 1
            return answered

        def deliver() -> httpx.Response:
            """As the provider does: try again when the connection fails."""
            with httpx.Client(timeout=WAIT) as http:
                for _ in range(5):
                    with contextlib.suppress(httpx.TransportError):
                        return http.post(slot.url, json=CALLBACK)
            raise AssertionError("the callback never got through")

        try:
            with ThreadPoolExecutor(6) as pool:
                holders = [pool.submit(hold_connections) for _ in range(2)]
                forgers = [pool.submit(forge) for _ in range(4)]
                try:
                    eventually(lambda: len(held) >= 300 and receiver.stats.not_found >= 200)
                    response = deliver()
                    delivered = event.wait(WAIT)
                finally:
                    stop.set()
                for future in holders:
                    future.result()
                sent = sum(future.result() for future in forgers)
            eventually(lambda: receiver.stats.connections_displaced >= 300 - 64)
        finally:
            for sock in held:
                sock.close()
        stats = receiver.stats
    assert response.status_code == 200
    assert delivered
    assert receiver.callback_count("wid") == 1
    assert stats.connections_peak <= 64
    assert stats.not_found >= sent


def test_the_connection_cap_holds_by_closing_the_quietest() -> None:
    with CallbackReceiver(max_connections=8) as capped, contextlib.ExitStack() as stack:
        socks = [
            stack.enter_context(socket.create_connection(capped.address, timeout=WAIT))
            for _ in range(30)
        ]
        eventually(lambda: capped.stats.connections == 30)
        stats = capped.stats
        assert stats.connections_peak == 8
        assert stats.connections_open == 8
        assert stats.connections_displaced == 22
        for sock in socks[:22]:
            assert sock.recv(1) == b""  # closed
        for sock in socks[22:]:
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):  # still open, waiting
                sock.recv(1)


def test_slow_senders_are_cut_off() -> None:
    with CallbackReceiver(request_timeout=0.2) as receiver:
        slot, event = bound(receiver, "wid")
        with socket.create_connection(receiver.address, timeout=WAIT) as sock:
            sock.sendall(f"POST {path_of(slot.url)} HTTP/1.1\r\nHost: r\r\n".encode())
            assert sock.recv(1) == b""  # never completed: closed, unanswered
        with socket.create_connection(receiver.address, timeout=WAIT) as idle:
            assert idle.recv(1) == b""
        eventually(lambda: receiver.stats.connections_timed_out == 2)
        assert not event.is_set()


def test_expect_100_continue(receiver: CallbackReceiver) -> None:
    slot, event = bound(receiver, "wid")
    request = post_head(path_of(slot.url), b"{}", "Expect: 100-continue")
    with socket.create_connection(receiver.address, timeout=WAIT) as sock:
        sock.sendall(request[:-2])  # the head alone, then wait to be told to go on
        assert sock.recv(1024) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"{}")
        assert sock.recv(1024).startswith(b"HTTP/1.1 200 OK\r\n")
    assert event.is_set()


def test_keep_alive_is_bounded() -> None:
    with CallbackReceiver(max_requests_per_connection=3) as receiver:
        slot, _ = bound(receiver, "wid")
        with httpx.Client() as http:
            answers = [http.post(slot.url, json=CALLBACK) for _ in range(7)]
        assert [a.headers.get("connection") for a in answers[:3]] == [None, None, "close"]
        assert receiver.callback_count("wid") == 7
        assert receiver.stats.connections == 3


# -- lifecycle, addresses, TLS -------------------------------------------------


def test_leaving_closes_everything_and_frees_the_port() -> None:
    with CallbackReceiver() as first:
        port = first.address[1]
        slot, _ = bound(first, "wid")
        kept_alive = socket.create_connection(first.address, timeout=WAIT)
        eventually(lambda: first.stats.connections_open == 1)
    assert kept_alive.recv(1) == b""
    kept_alive.close()
    assert not [t for t in threading.enumerate() if t.name == "onedata-workflows-callbacks"]
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    with pytest.raises(RuntimeError, match="serves once"):
        first.start()
    with CallbackReceiver(port=port) as second:
        again, _ = bound(second, "wid")
        assert again.url != slot.url
        assert httpx.post(again.url, json=CALLBACK).status_code == 200
        assert httpx.post(slot.url, json=CALLBACK).status_code == 404  # not this receiver's


def test_public_url_behind_a_proxy_with_or_without_its_prefix() -> None:
    with CallbackReceiver(public_url="https://proxy.example.com:8443/hooks/") as receiver:
        slot, _ = bound(receiver, "wid")
        assert receiver.public_url == "https://proxy.example.com:8443/hooks"
        assert slot.url.startswith("https://proxy.example.com:8443/hooks/callbacks/")
        local = f"http://127.0.0.1:{receiver.address[1]}"
        for path in (path_of(slot.url), path_of(slot.url).removeprefix("/hooks")):
            assert httpx.post(local + path, json=CALLBACK).status_code == 200
        assert receiver.callback_count("wid") == 2


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="needs public_url"):
        CallbackReceiver("0.0.0.0")
    with pytest.raises(ValueError, match="http:// or https://"):
        CallbackReceiver(public_url="ftp://example.com")
    with pytest.raises(ValueError, match="no query"):
        CallbackReceiver(public_url="https://example.com/?a=1")
    with pytest.raises(ValueError, match="max_connections"):
        CallbackReceiver(max_connections=0)
    with pytest.raises(ValueError, match="keyfile needs certfile"):
        CallbackReceiver(keyfile="key.pem")
    not_started = CallbackReceiver()
    with pytest.raises(RuntimeError, match="not started"):
        not_started.reserve()
    wildcard = CallbackReceiver("0.0.0.0", public_url="http://203.0.113.7:9000")
    assert wildcard.reserve().url.startswith("http://203.0.113.7:9000/callbacks/")


def test_bind_and_attach(receiver: CallbackReceiver) -> None:
    slot = receiver.reserve()
    receiver.bind(slot, "wid")
    receiver.bind(slot, "wid")  # again: no change
    with pytest.raises(ValueError, match="already bound"):
        receiver.bind(slot, "other")
    with pytest.raises(ValueError, match="not reserved on this receiver"):
        receiver.bind(CallbackSlot(slot.id, slot.url[:-1] + "x"), "wid")
    with pytest.raises(ValueError, match="non-blank"):
        receiver.bind(receiver.reserve(), " ")

    url = CallbackReceiver.make_url(receiver.public_url)
    attached = receiver.attach("wid-2", url)
    assert attached.url == url
    assert receiver.attach("wid-2", url) == attached
    assert httpx.post(url, json=CALLBACK).status_code == 200
    assert receiver.callback_count("wid-2") == 1
    # A reserved URL can be attached too (the same slot, here bound already).
    assert receiver.attach("wid", slot.url) == slot

    base, port = receiver.public_url, receiver.address[1]
    token = url.rsplit("/", 1)[1]
    foreign = [
        url.replace(str(port), str(port + 1)),
        url.replace("http://", "https://"),
        url.replace("127.0.0.1", "127.0.0.2"),
        url + "?x=1",
        f"{base}/hook",
    ]
    for other in foreign:
        with pytest.raises(ValueError, match="does not point at this receiver") as refused:
            receiver.attach("wid-3", other)
        assert token not in str(refused.value)
    for malformed in (f"{base}/callbacks/abc/short", f"{base}/callbacks/abc"):
        with pytest.raises(ValueError, match="random token"):
            receiver.attach("wid-3", malformed)
    with pytest.raises(ValueError, match="another token"):
        receiver.attach("wid-3", url[: -len(token)] + "B" * 43)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_tls(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    trust = ssl.create_default_context(cafile=str(cert))
    with CallbackReceiver(certfile=str(cert), keyfile=str(key), request_timeout=1) as receiver:
        slot, event = bound(receiver, "wid")
        assert slot.url.startswith("https://127.0.0.1:")
        with httpx.Client(verify=trust) as http:
            assert http.post(slot.url, json=CALLBACK).status_code == 200
            assert http.post(slot.url[:-1] + "x", json=CALLBACK).status_code == 404
        assert event.is_set()
        with pytest.raises(httpx.HTTPError):
            httpx.post(slot.url.replace("https://", "http://"), json=CALLBACK)
        with socket.create_connection(receiver.address, timeout=WAIT) as silent:
            assert silent.recv(1) == b""  # no handshake within the timeout: closed
        assert receiver.callback_count("wid") == 1
