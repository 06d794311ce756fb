"""The sharded connection pool: which shard takes a request, and dead idle connections."""

from __future__ import annotations

import socket
from typing import Any

import httpx

from onedata_workflows import RetryPolicy
from onedata_workflows._pool import Choice, Readable, shard_sizes
from onedata_workflows.testing import FakeOneprovider, LaneSpec

from .clients import make_client


def test_requests_one_after_another_use_one_connection() -> None:
    choice = Choice(shard_sizes(10))
    for _ in range(5):
        shard = choice.take()
        choice.give_back(shard)
    assert choice.take() == shard == 0
    assert choice.take() == 1, "a second request at once opens a second connection"


def test_the_connection_used_last_goes_first_so_those_not_needed_expire() -> None:
    """After a burst, a lighter load keeps using the same few connections: the others
    go idle and expire, rather than each being reopened after a minute unused."""
    choice = Choice(shard_sizes(4))
    opened = [choice.take() for _ in range(3)]
    assert opened == [0, 1, 2]
    for shard in opened:
        choice.give_back(shard)
    used = []
    for _ in range(6):
        used.append(shard := choice.take())
        choice.give_back(shard)
    assert used == [2] * 6


def test_no_more_connections_than_requests_in_flight_and_overflow_queues_where_fewest_wait() -> (
    None
):
    choice = Choice(shard_sizes(3))
    held = [choice.take() for _ in range(3)]
    assert held == [0, 1, 2]
    assert choice.take() == 0, "all three busy: the fourth queues"
    assert choice.take() == 1
    choice.give_back(2)
    assert choice.take() == 2, "an idle connection is taken before any queue"
    choice.give_back(0)
    choice.give_back(0)
    assert choice.take() == 0


def test_shards_cover_the_pool() -> None:
    for connections in (1, 7, 8, 100):
        assert sum(shard_sizes(connections)) == connections


def test_readable_tells_a_closed_peer_without_reading() -> None:
    ours, theirs = socket.socketpair()
    readable = Readable(ours)
    assert not readable()
    theirs.close()
    assert readable(), "the peer closed: the next read returns b''"
    assert readable(), "asking does not consume"
    ours.close()
    assert readable(), "a socket gone reads as closed"
    assert Readable(None)()


def test_a_connection_the_server_closed_while_idle_is_not_reused(kind: str, loop: Any) -> None:
    """With retries off, the request after the server dropped its kept-alive connection
    still succeeds: the dead connection is noticed before anything is sent on it."""
    fake = FakeOneprovider()
    wid = fake.schedule_execution(fake.add_workflow_schema([LaneSpec(duration=100)])[0])
    with fake.serve() as base_url:
        client = make_client(
            kind, loop, base_url=base_url, token=fake.token, retry=RetryPolicy.disabled()
        )
        assert client.get(wid).id == wid
    port = httpx.URL(base_url).port
    with fake.serve(port=port):
        for _ in range(3):
            assert client.get(wid).id == wid
    client.close()


def test_every_connection_answers_readability_from_its_own_poll(kind: str, loop: Any) -> None:
    """The pool's connections are the wrapped ones (``Readable``), in both clients."""
    fake = FakeOneprovider()
    wid = fake.schedule_execution(fake.add_workflow_schema([LaneSpec(duration=100)])[0])
    with fake.serve() as base_url:
        client = make_client(kind, loop, base_url=base_url, token=fake.token)
        client.get(wid)
        connections = client._http._transport.connections
        assert connections
        for connection in connections:
            stream = connection._connection._network_stream
            assert isinstance(stream._readable, Readable)
        client.close()


def test_a_connection_left_holding_a_request_is_replaced_not_waited_on(
    kind: str, loop: Any
) -> None:
    """httpcore can leave a connection busy for good when a cancellation lands while it
    closes a response (encode/httpcore#1093); the next request must not wait on it."""
    fake = FakeOneprovider()
    wid = fake.schedule_execution(fake.add_workflow_schema([LaneSpec(duration=100)])[0])
    with fake.serve() as base_url:
        client = make_client(
            kind,
            loop,
            base_url=base_url,
            token=fake.token,
            timeout=2.0,
            retry=RetryPolicy.disabled(),
        )
        transport = client._http._transport
        request = httpx.Request("GET", f"{base_url}/automation/execution/workflows/{wid}")
        if kind == "sync":
            transport.handle_request(request)  # answered, never closed
        else:
            loop.run_until_complete(transport.handle_async_request(request))
        # As the bug leaves it: the connection busy for good, no request on it, and the
        # shard given back.
        transport._shards[0]._pool._requests.clear()
        transport._choice.give_back(0)
        assert client.get(wid).id == wid
        assert len(transport.connections) == 1
        client.close()


def test_building_a_client_builds_no_connection_pool_yet(kind: str, loop: Any) -> None:
    client = make_client(kind, loop, host="op.example.org", token="t" * 32, max_connections=10**6)
    assert client._http._transport.connections == []
    client.close()
