"""A faithful in-memory Oneprovider for tests and demos, like moto is for AWS.

    from onedata_workflows.testing import FakeOneprovider, LaneSpec, Outcome

    fake = FakeOneprovider()                         # virtual clock: nothing sleeps
    schema_id, revision = fake.add_workflow_schema(
        [LaneSpec(), LaneSpec(outcomes=[Outcome.FAIL]), LaneSpec()]
    )
    with fake.client() as client:                    # our client, on the fake's clock
        wid = client.schedule(fake.space_id, schema_id, revision)
        client.wait_until_finished(wid)              # hours of polling in milliseconds
    with fake.serve() as base_url:                   # real HTTP on 127.0.0.1
        ...
    httpx.Client(transport=fake.transport())         # or raw, in-process
    fake.advance(30)                                 # 30 simulated seconds pass

pytest fixtures (registered on install): ``fake_oneprovider``, ``workflow_client``,
``async_workflow_client`` and ``fake_oneprovider_url``.

The simulator speaks raw JSON and does not use the generated client, so it can
catch that client's mistakes.
"""

from ._callbacks import CallbackAttempt, post_callback
from ._clock import Clock, ScaledClock, VirtualClock
from ._fake import FakeOneprovider
from ._faults import Fault, FaultKind
from ._scenario import LaneSpec, Outcome, Timing
from ._service import Privilege, RawRequest, RawResponse
from ._transport import FakeTransport

__all__ = [
    "CallbackAttempt",
    "Clock",
    "FakeOneprovider",
    "FakeTransport",
    "Fault",
    "FaultKind",
    "LaneSpec",
    "Outcome",
    "Privilege",
    "RawRequest",
    "RawResponse",
    "ScaledClock",
    "Timing",
    "VirtualClock",
    "post_callback",
]
