"""Requests per second over loopback: the simulator's server against a plain http.server.

    make bench

The baseline is the usual BaseHTTPRequestHandler pattern (send_response, headers,
end_headers, then the body in a second write) serving the same JSON, on the same
keep-alive connection. That second small write waits for the client's delayed
ACK under Nagle's algorithm. Both are measured in the same run and the result is
a ratio, so the figure does not depend on the machine.
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
def naive_server(body: bytes) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

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
    with fake.serve() as base_url, naive_server(body) as naive_url:
        url = f"{base_url}/automation/execution/workflows/{wid}"
        measure["simulator (one write, TCP_NODELAY)"] = lambda: per_request(
            url, {"X-Auth-Token": fake.token}
        )
        measure["baseline http.server (two writes)"] = lambda: per_request(naive_url, {})
        results = {name: run() for name, run in measure.items()}
    for name, seconds in results.items():
        print(f"{name:40s} {seconds * 1000:8.3f} ms/request")
    simulator, baseline = results.values()
    print(f"baseline / simulator: {baseline / simulator:.1f}x")


if __name__ == "__main__":
    main()
