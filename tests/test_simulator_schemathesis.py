"""Property-based conformance: schemathesis generates requests from openapi.yaml.

Bounded so that it fits in `make test`; it must find no 5xx and no response that
the spec does not allow, over real HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from onedata_workflows.testing import FakeOneprovider, LaneSpec, Outcome

from .contract import SPEC_PATH

schema = schemathesis.openapi.from_path(SPEC_PATH)


@pytest.fixture(scope="module")
def provider() -> Iterator[tuple[FakeOneprovider, str]]:
    fake = FakeOneprovider()
    fake.add_workflow_schema([LaneSpec(), LaneSpec(outcomes=[Outcome.FAIL_ITEMS])])
    with fake.serve() as base_url:
        yield fake, base_url


def has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(has_float(v) for v in value)
    return False


@schema.parametrize()
@settings(
    max_examples=30, deadline=None, derandomize=True, database=None,
    suppress_health_check=list(HealthCheck),
)  # fmt: skip
def test_api_conforms(case: schemathesis.Case, provider: tuple[FakeOneprovider, str]) -> None:
    fake, base_url = provider
    excluded = []
    if case.operation.definition.raw.get("operationId") == "list_workflow_executions":
        # A page token is opaque: no schema can tell a valid one from a made-up string.
        excluded.append(positive_data_acceptance)
    if has_float(case.body):
        # JSON Schema counts 2.0 as an integer; the service refuses it, and so do we.
        excluded.append(positive_data_acceptance)
    case.call_and_validate(
        base_url=base_url, headers={"X-Auth-Token": fake.token}, excluded_checks=excluded
    )
