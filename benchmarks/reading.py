"""What one look at an execution costs: WorkflowClient.get against the code a user would write.

    make bench

A keep-alive HTTP server in its own process serves fixed execution details of three
shapes (lanes x runs x parallel boxes). In one run, each contender fetches a document
over its own connection and touches every lane and every run of the result:

- floor: ``httpx.Client.get`` and ``json.loads``, as a user would write it by hand;
- ``WorkflowClient.get``: typed views, checked against openapi.yaml;
- the generated client: ``get_workflow_execution_details.sync``;
- httpx + msgspec into the structs of ``_wire``, for reference.

The contenders take turns look by look, in a new order each time, so that load
elsewhere on the machine falls on all of them alike. Figures are medians over rounds
of each round's ratio to the floor, so they do not depend on the machine. The
garbage collector stays on, as it is in a user's program. Targets: ``get`` within
1.0x the floor on 10x5x5 and 0.6x on 50x20x10, and faster than the generated client
on every shape.
"""

from __future__ import annotations

import asyncio
import gc
import json
import multiprocessing
import os
import random
import socket
import statistics
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import httpx
import msgspec

from onedata_workflows import WorkflowClient
from onedata_workflows._wire import WorkflowExecutionDetails
from oneprovider_automation_client import AuthenticatedClient
from oneprovider_automation_client.api.workflow_execution import get_workflow_execution_details

TOKEN = "benchmark-token-0f3c9a7e5d21"
SHAPES = [(3, 2, 2), (10, 5, 5), (50, 20, 10)]
SECONDS_PER_SHAPE = 25.0
"""About how long each shape is measured for, all contenders together."""
ROUNDS = 25
TARGETS = {(10, 5, 5): 1.0, (50, 20, 10): 0.6}
"""Largest ratio of ``get`` to the floor, by shape."""
FLOOR, OURS, GENERATED = "floor: httpx + json.loads", "WorkflowClient.get", "generated client"
LANE_RUN_STATUSES = ["finished", "failed", "active", "enqueued", "preparing", "scheduled"]


def ident(rng: random.Random) -> str:
    """An id shaped as Onedata's: 32 hex digits, "ch", 4 more."""
    return f"{rng.getrandbits(128):032x}ch{rng.getrandbits(16):04x}"


def document(lanes: int, runs: int, boxes: int, seed: int = 0) -> dict[str, Any]:
    """Valid execution details: ``runs`` runs in every lane, newest first, each of ``boxes`` boxes.

    The runs of a lane are a regular run and its retries, as after automatic retries
    of a lane whose items keep failing; every box has one task.
    """
    rng = random.Random(seed)
    lane_list = []
    for _ in range(lanes):
        run_list = []
        for position in range(runs):
            number = runs - position
            regular = number == 1
            run_list.append(
                {
                    "runNumber": number,
                    "originRunNumber": None if regular else number - 1,
                    "runType": "regular" if regular else "retry",
                    "status": rng.choice(LANE_RUN_STATUSES),
                    "iteratedStoreId": ident(rng),
                    "exceptionStoreId": ident(rng),
                    "parallelBoxes": [
                        {"schemaId": ident(rng), "taskRegistry": {ident(rng): ident(rng)}}
                        for _ in range(boxes)
                    ],
                    "isRetriable": False,
                    "isRerunable": False,
                }
            )
        lane_list.append({"schemaId": ident(rng), "runs": run_list})
    return {
        "atmWorkflowExecutionId": ident(rng),
        "atmWorkflowSchemaSnapshotId": ident(rng),
        "name": "benchmark workflow",
        "atmInventoryId": ident(rng),
        "spaceId": ident(rng),
        "userId": ident(rng),
        "status": "active",
        "scheduleTime": 1750000000,
        "startTime": 1750000003,
        "suspendTime": 0,
        "finishTime": 0,
        "lambdaSnapshotRegistry": {ident(rng): ident(rng) for _ in range(lanes)},
        "storeRegistry": {ident(rng): ident(rng) for _ in range(lanes)},
        "systemAuditLogStoreId": ident(rng),
        "lanes": lane_list,
    }


def wid(shape: tuple[int, int, int]) -> str:
    return "x".join(map(str, shape))


# -- the server, in its own process ---------------------------------------------------


def serve(port: Connection) -> None:
    """Answer every GET of .../workflows/{shape} with its document, head and body in one write."""
    answers = {}
    for shape in SHAPES:
        body = json.dumps(document(*shape), separators=(",", ":")).encode()
        head = (
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
            f"content-length: {len(body)}\r\n\r\n"
        )
        answers[wid(shape).encode()] = head.encode() + body
    missing = b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"

    class Answer(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            assert isinstance(transport, asyncio.Transport)
            self.transport = transport
            self.buffer = b""
            transport.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            while b"\r\n\r\n" in self.buffer:
                head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
                path = head.split(b" ", 2)[1]
                self.transport.write(answers.get(path.rpartition(b"/")[2], missing))

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(Answer, "127.0.0.1", 0)
        port.send(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


# -- the contenders -------------------------------------------------------------------


def touch_dicts(details: dict[str, Any]) -> int:
    seen = 0
    for lane in details["lanes"]:
        for run in lane["runs"]:
            seen += (run["runNumber"] or 0) + len(run["status"])
    return seen


def touch_objects(details: Any) -> int:
    seen = 0
    for lane in details.lanes:
        for run in lane.runs:
            seen += (run.run_number or 0) + len(run.status)
    return seen


def contenders(base_url: str) -> tuple[dict[str, Callable[[str], int]], Callable[[], None]]:
    """name -> one look at execution ``wid``; and what closes their connections."""
    headers = {"X-Auth-Token": TOKEN}
    floor_http = httpx.Client(base_url=base_url, headers=headers)
    msgspec_http = httpx.Client(base_url=base_url, headers=headers)
    decoder = msgspec.json.Decoder(WorkflowExecutionDetails)
    ours = WorkflowClient(base_url=base_url, token=TOKEN)
    generated = AuthenticatedClient(
        base_url=base_url, token=TOKEN, prefix="", auth_header_name="X-Auth-Token"
    )
    path = "/automation/execution/workflows/"

    def floor(wid: str) -> int:
        return touch_dicts(json.loads(floor_http.get(path + wid).content))

    def get(wid: str) -> int:
        return touch_objects(ours.get(wid))

    def by_generated(wid: str) -> int:
        details = get_workflow_execution_details.sync(wid, client=generated)
        assert details is not None
        return touch_objects(details)

    def by_msgspec(wid: str) -> int:
        return touch_objects(decoder.decode(msgspec_http.get(path + wid).content))

    def close() -> None:
        for client in (floor_http, msgspec_http, ours, generated.get_httpx_client()):
            client.close()

    measured: dict[str, Callable[[str], int]] = {
        FLOOR: floor,
        OURS: get,
        GENERATED: by_generated,
        "httpx + msgspec": by_msgspec,
    }
    return measured, close


def measure(
    shape: tuple[int, int, int], looks: dict[str, Callable[[str], int]]
) -> dict[str, list[float]]:
    """Seconds per look, one figure per round and contender, the contenders interleaved."""
    execution = wid(shape)
    results = [look(execution) for look in looks.values()]
    assert len(set(results)) == 1, f"the contenders read different documents: {results}"
    start = time.perf_counter()
    for look in looks.values():
        look(execution)
    per_look = (time.perf_counter() - start) / len(looks)
    calls = max(1, round(SECONDS_PER_SHAPE / ROUNDS / len(looks) / per_look))
    seconds: dict[str, list[float]] = {name: [] for name in looks}
    order = list(looks.items())
    clock = time.perf_counter
    for round_number in range(ROUNDS):
        spent = dict.fromkeys(looks, 0.0)
        # Look by look, so that a burst of load elsewhere on the machine falls on every
        # contender of the round alike, in a new order each time.
        for call in range(calls):
            random.Random(round_number * calls + call).shuffle(order)
            for name, look in order:
                start = clock()
                look(execution)
                spent[name] += clock() - start
        for name, total in spent.items():
            seconds[name].append(total / calls)
    return seconds


def ratio(mine: list[float], theirs: list[float]) -> float:
    """The median over rounds of one contender's time over another's in the same round."""
    return statistics.median(a / b for a, b in zip(mine, theirs, strict=True))


def report(shape: tuple[int, int, int], seconds: dict[str, list[float]]) -> int:
    """Print one shape's figures and whether its targets were met; the number missed."""
    size = len(json.dumps(document(*shape), separators=(",", ":")))
    print(f"\n{wid(shape)} lanes x runs x boxes, {size / 1024:,.0f} KiB")
    floor = seconds[FLOOR]
    for name, figures in seconds.items():
        spread = statistics.quantiles([a / b for a, b in zip(figures, floor, strict=True)], n=10)
        print(
            f"  {name:28s} {statistics.median(figures) * 1000:9.3f} ms"
            f"  {ratio(figures, floor):5.2f}x floor"
            f"  (rounds, 10th-90th percentile: {spread[0]:.2f}-{spread[-1]:.2f}x)"
        )
    against_generated = ratio(seconds[OURS], seconds[GENERATED])
    checks = [
        (f"get faster than the generated client: {against_generated:.2f}x", against_generated < 1)
    ]
    if shape in TARGETS:
        ours = ratio(seconds[OURS], floor)
        checks.append((f"get <= {TARGETS[shape]}x the floor: {ours:.2f}x", ours <= TARGETS[shape]))
    for what, met in checks:
        print(f"  {'met   ' if met else 'MISSED'} {what}")
    return sum(not met for _, met in checks)


def main() -> int:
    assert gc.isenabled(), "the collector stays on, as in a user's program"
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.get_context("spawn").Process(target=serve, args=(send,), daemon=True)
    server.start()
    try:
        looks, close = contenders(f"http://127.0.0.1:{receive.recv()}")
        try:
            missed = sum(report(shape, measure(shape, looks)) for shape in SHAPES)
        finally:
            close()
    finally:
        server.terminate()
        server.join()
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    print("every target met" if not missed else f"{missed} target(s) missed")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
