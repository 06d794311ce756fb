"""Fixtures shared by the whole suite."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

from onedata_workflows.testing import FakeOneprovider, RawRequest, RawResponse
from onedata_workflows.testing._service import Service

from .clients import KINDS, make_client
from .contract import ContractChecker
from .raw_api import RawApi

# No per-example deadline: that would be a timing assertion, failing whenever the
# machine is busy. In CI, property tests also draw the same examples every run, so a
# failure there is reproducible and a landing never depends on luck.
settings.register_profile("local", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, database=None)
settings.load_profile("ci" if os.environ.get("CI") else "local")

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


@pytest.fixture(autouse=True)
def contract(monkeypatch: pytest.MonkeyPatch) -> Iterator[ContractChecker]:
    """Every answer of every simulated provider in every test is checked against openapi.yaml.

    The check sits on the simulator's one core, so it covers in-process and HTTP use,
    fixtures and providers that tests build themselves.
    """
    checker = ContractChecker()
    handle = Service.handle

    def checked(self: Service, request: RawRequest) -> tuple[str | None, RawResponse]:
        operation, response = handle(self, request)
        checker(operation, request, response)
        return operation, response

    monkeypatch.setattr(Service, "handle", checked)
    yield checker
    assert not checker.problems, "\n".join(checker.problems)


@pytest.fixture
def fake() -> FakeOneprovider:
    """A simulated provider on a virtual clock (its exchanges are checked by ``contract``)."""
    return FakeOneprovider()


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


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    """Each client twin in turn: "sync" or "async" (see tests/clients.py)."""
    kind: str = request.param
    return kind


@pytest.fixture
def virtual_client(
    kind: str, fake: FakeOneprovider, loop: asyncio.AbstractEventLoop
) -> Iterator[Any]:
    """Each client in turn, on the simulator's virtual clock: waiting costs no real time."""
    made = make_client(
        kind,
        loop,
        base_url=fake.base_url,
        token=fake.token,
        transport=fake.transport(),
        sleep=fake.advance,
        monotonic=fake.now,
    )
    yield made
    made.close()
