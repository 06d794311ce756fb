"""pytest fixtures for the simulated provider (registered automatically on install).

    def test_it_finishes(fake_oneprovider, workflow_client):
        schema_id, revision = fake_oneprovider.add_workflow_schema([LaneSpec()])
        wid = workflow_client.schedule(fake_oneprovider.space_id, schema_id, revision)
        assert workflow_client.wait_until_finished(wid).status == "finished"

``async_workflow_client`` is the same for async tests, run by AnyIO's pytest plugin
(installed with httpx): mark the test ``@pytest.mark.anyio``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

import pytest

from ._fake import FakeOneprovider

if TYPE_CHECKING:
    from onedata_workflows import AsyncWorkflowClient, WorkflowClient


@pytest.fixture
def fake_oneprovider() -> FakeOneprovider:
    """A fresh simulated provider on a virtual clock."""
    return FakeOneprovider()


@pytest.fixture
def fake_oneprovider_url(fake_oneprovider: FakeOneprovider) -> Iterator[str]:
    """``fake_oneprovider`` served over HTTP on 127.0.0.1; the API's base URL."""
    with fake_oneprovider.serve() as base_url:
        yield base_url


@pytest.fixture
def workflow_client(fake_oneprovider: FakeOneprovider) -> Iterator[WorkflowClient]:
    """A WorkflowClient for ``fake_oneprovider``, in-process, waiting on its virtual clock."""
    with fake_oneprovider.client() as client:
        yield client


@pytest.fixture
async def async_workflow_client(
    fake_oneprovider: FakeOneprovider,
) -> AsyncIterator[AsyncWorkflowClient]:
    """An AsyncWorkflowClient for ``fake_oneprovider``, in-process, on its virtual clock."""
    async with fake_oneprovider.async_client() as client:
        yield client
