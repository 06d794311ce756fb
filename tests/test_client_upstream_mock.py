"""The client against an independent mock: Prism serving Onedata's upstream API definition.

Nothing here was written from our spec: Prism answers what the upstream definition
says, with its examples (mistakes included) or with data generated from its schemas.
"""

from __future__ import annotations

import asyncio
import queue
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from onedata_workflows import (
    ApiError,
    ResponseParseError,
    RetryPolicy,
)

from .clients import make_client

HERE = Path(__file__).resolve().parent
PRISM = HERE / "upstream_mock" / "node_modules" / ".bin" / "prism"
UPSTREAM = HERE / "data" / "upstream" / "oneprovider-workflow-executions.swagger.yaml"
TOKEN = "upstream-mock-token-3c9d1e"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module", params=["examples", "generated"])
def upstream_mock(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    if not PRISM.exists():
        pytest.fail("Prism is missing: `make test` installs it (npm ci in tests/upstream_mock)")
    port = free_port()
    command = [str(PRISM), "mock", "-h", "127.0.0.1", "-p", str(port), str(UPSTREAM)]
    if request.param == "generated":
        command += ["--dynamic", "--seed", "onedata"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    # One reader for the whole life of the process: it reports the start-up, then
    # keeps draining the log so that Prism never blocks on a full pipe.
    reader = threading.Thread(
        target=lambda: [lines.put(line) for line in process.stdout], daemon=True
    )
    reader.start()
    try:
        output: list[str] = []
        deadline = time.monotonic() + 60
        while not any("Prism is listening" in line for line in output):
            try:
                output.append(lines.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                pytest.fail("Prism did not start within 60 s:\n" + "".join(output))
        yield f"http://127.0.0.1:{port}", request.param
    finally:
        process.terminate()
        process.wait(timeout=10)
        reader.join(timeout=10)
        process.stdout.close()


@pytest.fixture
def client(
    upstream_mock: tuple[str, str], kind: str, loop: asyncio.AbstractEventLoop
) -> Iterator[Any]:
    """Each client twin; Prism serves the paths without the /api/v3/oneprovider prefix."""
    with make_client(
        kind, loop, base_url=upstream_mock[0], token=TOKEN, retry=RetryPolicy.disabled()
    ) as made:
        yield made


def test_actions(client: Any) -> None:
    for action in (
        client.pause,
        client.resume,
        client.cancel,
        client.force_continue,
        client.delete,
    ):
        assert action("execution-id") is None
    assert client.rerun("execution-id", 2, 3) is None
    assert client.retry("execution-id", 2, 3) is None


def test_schedule_with_the_integer_revision_the_service_needs(client: Any) -> None:
    """Upstream types the revision as a string, so its mock refuses what the service requires."""
    with pytest.raises(ApiError) as refused:
        client.schedule("space", "schema", 3)
    assert refused.value.status in (400, 422)


def test_details(client: Any, upstream_mock: tuple[str, str]) -> None:
    if upstream_mock[1] == "examples":
        # The upstream example gives parallelBoxes as an object: a typed error, no crash.
        with pytest.raises(ResponseParseError) as unreadable:
            client.get("execution-id")
        assert unreadable.value.status == 200
        assert "parallelBoxes" in unreadable.value.reason
        return
    # Upstream leaves timestamps unbounded and, with this seed, Prism draws a negative
    # one; openapi.yaml says they are >= 0, so the client refuses it and names the field.
    with pytest.raises(ResponseParseError, match=r"Expected `int` >= 0 - at `\$\.\w+Time`") as bad:
        client.get("execution-id")
    assert bad.value.status == 200


def test_listing(client: Any, upstream_mock: tuple[str, str]) -> None:
    if upstream_mock[1] == "examples":
        # The example page is never the last and always gives the same token.
        with pytest.raises(ResponseParseError, match="never end"):
            list(client.list("space-id", phase="ended"))
        return
    assert all(isinstance(wid, str) for wid in client.list("space-id", phase="ended"))
