import pytest

from onedata_workflows import AsyncWorkflowClient
from onedata_workflows.testing import FakeOneprovider, LaneSpec


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_workflow_finishes(
    fake_oneprovider: FakeOneprovider, async_workflow_client: AsyncWorkflowClient
) -> None:
    schema_id, revision = fake_oneprovider.add_workflow_schema([LaneSpec(duration=1800)])
    wid = await async_workflow_client.schedule(fake_oneprovider.space_id, schema_id, revision)

    execution = await async_workflow_client.wait_until_finished(wid)
    assert execution.status == "finished"
