"""Time per request over loopback: the simulator's server against plain http.server ones.

    make bench

Two baselines serve the same JSON on a keep-alive connection, in the same run:

- the usual BaseHTTPRequestHandler pattern (send_response, headers, end_headers, then
  the body in a second write): the second small write waits for the client's delayed
  ACK under Nagle's algorithm;
- the same handler with a buffered writer (``wbufsize = -1``), so the answer leaves
  in one write, as someone who knows the trap would write it; it only copies bytes,
  where the simulator routes, authenticates and renders the execution each time.

Figures are ratios within one run, so they do not depend on the machine.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from onedata_workflows.testing import FakeOneprovider, LaneSpec

ROUNDS = 5
REQUESTS = 200


@contextmanager
def naive_server(body: bytes, *, buffered: bool = False) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = -1 if buffered else 0

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/x"
    finally:
        server.shutdown()
        server.server_close()


def per_request(url: str, headers: dict[str, str]) -> float:
    """Median seconds per request over ROUNDS rounds of REQUESTS keep-alive GETs."""
    rounds = []
    with httpx.Client(headers=headers) as client:
        client.get(url).raise_for_status()
        for _ in range(ROUNDS):
            start = time.perf_counter()
            for _ in range(REQUESTS):
                client.get(url)
            rounds.append((time.perf_counter() - start) / REQUESTS)
    return statistics.median(rounds)


def main() -> None:
    fake = FakeOneprovider()
    schema_id, _ = fake.add_workflow_schema([LaneSpec(), LaneSpec(), LaneSpec()])
    wid = fake.schedule_execution(schema_id)
    fake.advance(15)
    body = json.dumps(fake.execution(wid)).encode()
    measure: dict[str, Callable[[], float]] = {}
    with (
        fake.serve() as base_url,
        naive_server(body) as naive_url,
        naive_server(body, buffered=True) as buffered_url,
    ):
        url = f"{base_url}/automation/execution/workflows/{wid}"
        measure["simulator (one write, TCP_NODELAY)"] = lambda: per_request(
            url, {"X-Auth-Token": fake.token}
        )
        measure["http.server, headers and body in two writes"] = lambda: per_request(naive_url, {})
        measure["http.server, buffered: one write"] = lambda: per_request(buffered_url, {})
        results = {name: run() for name, run in measure.items()}
    simulator = results["simulator (one write, TCP_NODELAY)"]
    print(f"{ROUNDS} rounds of {REQUESTS} keep-alive GETs of a {len(body)}-byte execution.\n")
    print("| server | ms per request | ratio to the simulator |")
    print("|---|--:|--:|")
    for name, seconds in results.items():
        print(f"| {name} | {seconds * 1000:.3f} | {seconds / simulator:.2f}x |")


if __name__ == "__main__":
    main()
