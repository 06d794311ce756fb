"""pytest fixtures for the simulated provider (registered automatically on install).

def test_something(fake_oneprovider, fake_oneprovider_url): ...
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._fake import FakeOneprovider


@pytest.fixture
def fake_oneprovider() -> FakeOneprovider:
    """A fresh simulated provider on a virtual clock."""
    return FakeOneprovider()


@pytest.fixture
def fake_oneprovider_url(fake_oneprovider: FakeOneprovider) -> Iterator[str]:
    """``fake_oneprovider`` served over HTTP on 127.0.0.1; the API's base URL."""
    with fake_oneprovider.serve() as base_url:
        yield base_url
