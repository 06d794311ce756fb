"""Our clients wired to a simulated provider: waits that run on its clock, in one line."""

from __future__ import annotations

import anyio
import pytest

from onedata_workflows import AsyncWorkflowClient, ForbiddenError, WorkflowClient
from onedata_workflows.testing import FakeOneprovider, LaneSpec, Outcome, VirtualClock

HOURS = 3600.0


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # the async client runs on asyncio


def schema(fake: FakeOneprovider, duration: float) -> str:
    return fake.add_workflow_schema([LaneSpec(duration=duration)])[0]


def test_a_sync_client_waits_hours_on_the_virtual_clock() -> None:
    fake = FakeOneprovider()
    start = fake.now()
    with fake.client() as client:
        wid = client.schedule(fake.space_id, schema(fake, 3 * HOURS), 1)
        execution = client.wait_until_finished(wid, timeout=4 * HOURS)
    assert execution.status == "finished"
    assert fake.now() - start >= 3 * HOURS, "the waiting moved the simulated time"


def test_overrides_reach_the_client(fake: FakeOneprovider) -> None:
    viewer = fake.add_user({fake.space_id: ["space_view_atm_workflow_executions"]})
    with fake.client(token=viewer) as client:
        assert list(client.list(fake.space_id)) == []
        with pytest.raises(ForbiddenError):
            client.schedule(fake.space_id, schema(fake, 1), 1)


@pytest.mark.anyio
async def test_an_async_client_waits_in_one_line() -> None:
    fake = FakeOneprovider()
    async with fake.async_client() as client:
        wid = await client.schedule(fake.space_id, schema(fake, 2 * HOURS), 1)
        execution = await client.wait_until_finished(wid, timeout=3 * HOURS)
    assert execution.status == "finished"
    assert execution.finish_time is not None


@pytest.mark.anyio
async def test_concurrent_async_waits_share_the_clock() -> None:
    """Time passes once for all the tasks of a loop, not once per sleeping task."""
    fake = FakeOneprovider()
    start = fake.now()
    results: dict[float, str] = {}
    async with fake.async_client() as client:

        async def wait(duration: float) -> None:
            wid = await client.schedule(fake.space_id, schema(fake, duration), 1)
            results[duration] = (await client.wait_until_finished(wid)).status

        async with anyio.create_task_group() as tasks:
            for duration in (1000.0, 2000.0, 1500.0):
                tasks.start_soon(wait, duration)
    assert results == {1000.0: "finished", 2000.0: "finished", 1500.0: "finished"}
    assert fake.now() - start < 2500, "as long as the longest wait, not the sum of them all"


@pytest.mark.anyio
async def test_an_async_wait_on_a_failing_execution(fake_oneprovider: FakeOneprovider) -> None:
    lanes = [LaneSpec(), LaneSpec(outcomes=[Outcome.FAIL])]
    schema_id, revision = fake_oneprovider.add_workflow_schema(lanes)
    async with fake_oneprovider.async_client() as client:
        wid = await client.schedule(fake_oneprovider.space_id, schema_id, revision)
        assert (await client.wait_until_finished(wid)).status == "failed"


def test_the_workflow_client_fixture(
    fake_oneprovider: FakeOneprovider, workflow_client: WorkflowClient
) -> None:
    schema_id, revision = fake_oneprovider.add_workflow_schema([LaneSpec(duration=600)])
    wid = workflow_client.schedule(fake_oneprovider.space_id, schema_id, revision)
    assert workflow_client.wait_until_finished(wid).status == "finished"
    assert fake_oneprovider.execution(wid)["status"] == "finished", "the same provider"


@pytest.mark.anyio
async def test_the_async_workflow_client_fixture(
    fake_oneprovider: FakeOneprovider, async_workflow_client: AsyncWorkflowClient
) -> None:
    schema_id, revision = fake_oneprovider.add_workflow_schema([LaneSpec(duration=600)])
    wid = await async_workflow_client.schedule(fake_oneprovider.space_id, schema_id, revision)
    assert (await async_workflow_client.wait_until_finished(wid)).status == "finished"


def test_the_transport_tells_which_clock_it_runs_on(fake: FakeOneprovider) -> None:
    assert isinstance(fake.transport().clock, VirtualClock)
    assert fake.transport().clock is fake.clock


def test_sleep_moves_the_virtual_clock(fake: FakeOneprovider) -> None:
    start = fake.now()
    fake.sleep(90)
    assert fake.now() == start + 90
