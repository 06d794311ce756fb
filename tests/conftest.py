"""Fixtures shared by the whole suite."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from onedata_workflows.testing import FakeOneprovider

from .clients import make_client
from .contract import ContractChecker
from .raw_api import RawApi

ROOT = Path(__file__).resolve().parent.parent
PUBLISHED = Path(__file__).resolve().parent / "data" / "published"


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    """openapi.yaml, parsed."""
    with (ROOT / "openapi.yaml").open() as f:
        loaded: dict[str, Any] = yaml.safe_load(f)
    return loaded


def published(name: str) -> Any:
    """One of the examples printed in Onedata's published reference, as JSON."""
    return json.loads((PUBLISHED / name).read_text())


@pytest.fixture
def contract() -> ContractChecker:
    return ContractChecker()


@pytest.fixture
def fake(contract: ContractChecker) -> Iterator[FakeOneprovider]:
    """A simulated provider whose every exchange is checked against openapi.yaml."""
    provider = FakeOneprovider(on_exchange=contract)
    yield provider
    assert not contract.problems, "\n".join(contract.problems)


@pytest.fixture
def api(fake: FakeOneprovider) -> Iterator[RawApi]:
    with RawApi(fake) as raw:
        yield raw


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A private event loop, for driving the async client from a sync test body."""
    event_loop = asyncio.new_event_loop()
    yield event_loop
    event_loop.close()


@pytest.fixture(params=["sync", "async"])
def virtual_client(
    request: pytest.FixtureRequest, fake: FakeOneprovider, loop: asyncio.AbstractEventLoop
) -> Iterator[Any]:
    """Each client in turn, on the simulator's virtual clock: waiting costs no real time."""
    made = make_client(
        request.param,
        loop,
        base_url=fake.base_url,
        token=fake.token,
        transport=fake.transport(),
        sleep=fake.advance,
        monotonic=fake.now,
    )
    yield made
    made.close()
