from onedata_workflows import WorkflowClient
from onedata_workflows.testing import FakeOneprovider, LaneSpec, Outcome


def test_lane_two_fails(fake_oneprovider: FakeOneprovider, workflow_client: WorkflowClient) -> None:
    lanes = [LaneSpec(duration=1800), LaneSpec(outcomes=[Outcome.FAIL])]
    schema_id, revision = fake_oneprovider.add_workflow_schema(lanes)
    wid = workflow_client.schedule(fake_oneprovider.space_id, schema_id, revision)

    execution = workflow_client.wait_until_finished(wid)  # half an hour, in milliseconds
    assert execution.status == "failed"
