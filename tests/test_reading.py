"""Reading answers: the decoders accept exactly what openapi.yaml accepts, and hostile bodies
become the library's own errors in both client twins.

The property tests draw documents from the response schemas of openapi.yaml (valid
ones, then each mutated at one place) and hold the decoders to a judge that knows
nothing of them: jsonschema's validation against the same schemas. Two things JSON
Schema allows are outside that claim: duplicate keys in one object (RFC 8259 leaves
their meaning open) and escaped lone surrogates (``"\\ud800"``, which is no Unicode
text); both are refused as unreadable.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import importlib.util
import json
import pickle
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from onedata_workflows import (
    ApiError,
    BadRequestError,
    Execution,
    ExecutionStatus,
    LaneRun,
    LaneRunStatus,
    NotFoundError,
    OnedataError,
    ResponseParseError,
    RetryPolicy,
    RunType,
    ServerError,
)
from onedata_workflows import _wire as wire
from onedata_workflows._reading import Unreadable, decode
from onedata_workflows.testing import FakeOneprovider, LaneSpec, Outcome
from oneprovider_automation_client import AuthenticatedClient
from oneprovider_automation_client.api.workflow_execution import get_workflow_execution_details
from oneprovider_automation_client.models import WorkflowExecutionDetails as GeneratedDetails

from .clients import KINDS, make_client
from .contract import load_spec

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "reading-test-token-7d2e91c4"
BASE_URL = "https://p.test/api/v3/oneprovider"
READ_AS = {
    "WorkflowExecutionDetails": wire.WorkflowExecutionDetails,
    "WorkflowExecutionList": wire.WorkflowExecutionList,
    "WorkflowExecutionCreated": wire.WorkflowExecutionCreated,
}
DEEP = b"[" * 100_000 + b"]" * 100_000
HUGE = int("9" * 400)


@functools.cache
def components() -> dict[str, Any]:
    spec_components: dict[str, Any] = load_spec()["components"]
    return spec_components


def schema_of(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = components()["schemas"][name]
    return schema


@functools.cache
def judge(name: str) -> Draft202012Validator:
    """jsonschema's validator for schema ``name`` of openapi.yaml, as the spec writes it."""
    return Draft202012Validator(
        {"$ref": f"#/components/schemas/{name}", "components": components()}
    )


def resolved(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = schema_of(schema["$ref"].rpartition("/")[2])
    return schema


# -- documents drawn from the schemas ------------------------------------------------

SMALL_SIZE = 3
hostile_scalars = st.sampled_from(
    [None, True, False, 0, -1, 1, 2.0, 2.5, 1e16, 10**20, HUGE, -HUGE, "", "x", "5"]
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def valid(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values the schema accepts, drawn near its limits (jsonschema has the last word)."""
    schema = resolved(schema)
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            return st.one_of([valid(option) for option in schema[combinator]])
    kinds = schema.get("type")
    if isinstance(kinds, list):
        return st.one_of([valid({**schema, "type": kind}) for kind in kinds])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if kinds == "null":
        return st.none()
    if kinds == "boolean":
        return st.booleans()
    if kinds == "string":
        return st.text(min_size=schema.get("minLength", 0), max_size=12)
    if kinds == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        edges = [v for v in (low, high) if v is not None]
        numbers = st.integers(min_value=low, max_value=high)
        # JSON Schema counts 3.0 as an integer too.
        return st.one_of(st.sampled_from(edges) if edges else numbers, numbers, numbers.map(float))
    if kinds == "array":
        return st.lists(valid(schema["items"]), max_size=SMALL_SIZE)
    if kinds == "object" and "properties" in schema:
        return objects(schema)
    if kinds == "object":
        values = schema.get("additionalProperties", True)
        return st.dictionaries(
            st.text(max_size=8), json_values if values is True else valid(values), max_size=2
        )
    raise AssertionError(f"no strategy for {schema}")


def objects(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    required = set(schema.get("required", []))
    properties = schema["properties"]
    return st.fixed_dictionaries(
        {name: valid(properties[name]) for name in properties if name in required},
        optional={
            **{name: valid(properties[name]) for name in properties if name not in required},
            # Properties the spec does not name, which JSON Schema allows.
            "fromANewerRelease": json_values,
        },
    )


def mutated(document: Any, data: st.DataObject) -> Any:
    """``document`` changed at one place: a value replaced, a property dropped or added."""
    changed = copy.deepcopy(document)
    places: list[tuple[Any, Any]] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                places.append((node, key))
                collect(value)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                places.append((node, index))
                collect(value)

    collect(changed)
    if not places:
        return data.draw(hostile_scalars | json_values)
    parent, key = data.draw(st.sampled_from(places))
    how = data.draw(st.sampled_from(["replace", "replace", "drop", "add"]))
    if how == "drop" and isinstance(parent, dict):
        del parent[key]
    elif how == "add" and isinstance(parent, dict):
        parent[data.draw(st.text(max_size=20))] = data.draw(hostile_scalars | json_values)
    else:
        parent[key] = data.draw(hostile_scalars | json_values)
    return changed


def known_part(value: Any, schema: dict[str, Any]) -> Any:
    """``value`` without the properties the schema does not name, absent nullables as None."""
    schema = resolved(schema)
    if isinstance(value, dict) and "properties" in schema:
        return {
            name: known_part(value.get(name), prop) for name, prop in schema["properties"].items()
        }
    if isinstance(value, list) and "items" in schema:
        return [known_part(item, schema["items"]) for item in value]
    return value


def decoded_or_refused(kind: type[Any], body: bytes) -> Any:
    try:
        return decode(kind, body)
    except Unreadable:
        return None


PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(data=st.data())
@pytest.mark.parametrize("name", sorted(READ_AS))
def test_every_document_the_schema_accepts_decodes_to_what_it_says(
    name: str, data: st.DataObject
) -> None:
    document = data.draw(valid(schema_of(name)))
    assert judge(name).is_valid(document), "the strategy draws only valid documents"
    decoded = decode(READ_AS[name], json.dumps(document).encode())
    as_json = msgspec.json.decode(msgspec.json.encode(decoded))
    assert as_json == known_part(document, schema_of(name))


@PROPERTY_SETTINGS
@given(data=st.data())
@pytest.mark.parametrize("name", sorted(READ_AS))
def test_a_document_decodes_exactly_when_the_schema_accepts_it(
    name: str, data: st.DataObject
) -> None:
    document = mutated(data.draw(valid(schema_of(name))), data)
    accepted = decoded_or_refused(READ_AS[name], json.dumps(document).encode()) is not None
    assert accepted == judge(name).is_valid(document), (
        f"the decoder {'accepts' if accepted else 'refuses'} what openapi.yaml "
        f"{'refuses' if accepted else 'accepts'}: {json.dumps(document)[:400]}"
    )


@PROPERTY_SETTINGS
@given(document=valid(schema_of("WorkflowExecutionDetails")))
def test_views_of_any_valid_execution(document: dict[str, Any]) -> None:
    body = json.dumps(document).encode()
    execution = Execution._from_wire(decode(wire.WorkflowExecutionDetails, body), body)
    assert execution.id == document["atmWorkflowExecutionId"]
    assert execution.status == document["status"]
    assert execution.status.is_known == (document["status"] in set(ExecutionStatus))
    seconds = document["scheduleTime"]
    assert execution.schedule_time == (datetime.fromtimestamp(seconds, UTC) if seconds else None)
    assert [lane.index for lane in execution.lanes] == list(range(1, len(document["lanes"]) + 1))
    for lane, raw_lane in zip(execution.lanes, document["lanes"], strict=True):
        for run, raw_run in zip(lane.runs, raw_lane["runs"], strict=True):
            assert (run.lane_index, run.run_number) == (lane.index, raw_run["runNumber"])
            assert isinstance(run.status, LaneRunStatus)
            assert isinstance(run.run_type, RunType)
            assert run.status == raw_run["status"]
    raw = execution.raw
    assert raw == GeneratedDetails.from_dict(document), "what the generated client reads"
    for lane in execution.lanes:
        assert [run.raw for run in lane.runs] == raw.lanes[lane.index - 1].runs


# -- the views ----------------------------------------------------------------------


def details(fake: FakeOneprovider) -> dict[str, Any]:
    """Details of an execution whose second lane failed, as the simulator serves them."""
    schema_id, _ = fake.add_workflow_schema(
        [LaneSpec(), LaneSpec(outcomes=[Outcome.FAIL_ITEMS]), LaneSpec()]
    )
    wid = fake.schedule_execution(schema_id)
    fake.advance(100)
    document: dict[str, Any] = fake.execution(wid)
    return document


def test_views_compare_hash_and_show_their_public_fields(fake: FakeOneprovider) -> None:
    document = details(fake)
    body = json.dumps(document).encode()
    one = Execution._from_wire(decode(wire.WorkflowExecutionDetails, body), body)
    other = Execution.from_model(GeneratedDetails.from_dict(document))
    assert one == other and hash(one) == hash(other)  # noqa: PT018
    assert one.lane(2).runs[0] == other.lane(2).runs[0]
    assert len({one, other}) == 1
    changed = copy.deepcopy(document)
    changed["lanes"][0]["runs"][0]["parallelBoxes"] = []
    assert Execution.from_model(GeneratedDetails.from_dict(changed)) == one, (
        "what the views do not show does not count"
    )
    changed["lanes"][0]["runs"][0]["status"] = "crashed"
    assert Execution.from_model(GeneratedDetails.from_dict(changed)) != one
    shown = repr(one)
    assert shown.startswith(f"Execution(id={one.id!r}, name=")
    assert "_source" not in shown
    assert "_position" not in shown
    assert repr(one.lane(1)).startswith("Lane(index=1, schema_id=")
    with pytest.raises(AttributeError):
        one.status = ExecutionStatus.FINISHED  # type: ignore[misc]


def test_raw_is_built_on_first_use_and_kept(fake: FakeOneprovider) -> None:
    document = details(fake)
    document["lanes"][1]["fromANewerRelease"] = {"kept": True}
    body = json.dumps(document).encode()
    execution = Execution._from_wire(decode(wire.WorkflowExecutionDetails, body), body)
    assert execution._source._state is body, "nothing is parsed until raw is asked for"
    raw = execution.raw
    assert raw == GeneratedDetails.from_dict(document)
    assert raw.lanes[1].additional_properties == {"fromANewerRelease": {"kept": True}}
    assert execution.raw is raw, "parsed once"
    assert execution._source._state is raw, "and the body let go"
    run = execution.lane(2).runs[0]
    assert run.raw is raw.lanes[1].runs[0]
    assert run.raw.is_retriable is run.is_retriable is True


def test_views_can_be_built_by_hand_and_equal_read_ones(fake: FakeOneprovider) -> None:
    """As in a test of code that takes an Execution; only raw needs an answer."""
    document = details(fake)
    body = json.dumps(document).encode()
    read = Execution._from_wire(decode(wire.WorkflowExecutionDetails, body), body).lane(2).runs[0]
    built = LaneRun(
        lane_index=2,
        run_number=1,
        origin_run_number=None,
        run_type=RunType.REGULAR,
        status=LaneRunStatus.FAILED,
        iterated_store_id=read.iterated_store_id,
        exception_store_id=read.exception_store_id,
        is_rerunable=True,
        is_retriable=True,
    )
    assert built == read
    assert hash(built) == hash(read)
    assert pickle.loads(pickle.dumps(read)) == read
    assert pickle.loads(pickle.dumps(read)).raw == read.raw
    with pytest.raises(AttributeError, match="built by hand"):
        built.raw  # noqa: B018


def test_views_of_generated_models_keep_them(fake: FakeOneprovider) -> None:
    model = GeneratedDetails.from_dict(details(fake))
    execution = Execution.from_model(model)
    assert execution.raw is model
    assert execution.lane(2).runs[0].raw is model.lanes[1].runs[0]
    run = LaneRun.from_model(2, model.lanes[1].runs[0])
    assert run == execution.lane(2).runs[0]
    assert run.raw is model.lanes[1].runs[0]
    assert run.status is LaneRunStatus.FAILED


def test_open_enums_keep_values_they_do_not_know(fake: FakeOneprovider) -> None:
    document = details(fake)
    document["status"] = "hibernating"
    document["lanes"][0]["runs"][0].update(status="dozing", runType="replay")
    body = json.dumps(document).encode()
    execution = Execution._from_wire(decode(wire.WorkflowExecutionDetails, body), body)
    assert (execution.status, execution.status.is_known) == ("hibernating", False)
    run = execution.lane(1).runs[0]
    assert (run.status, run.status.is_known, run.run_type, run.run_type.is_known) == (
        "dozing",
        False,
        "replay",
        False,
    )
    assert execution.lane(2).runs[0].status is LaneRunStatus.FAILED
    assert execution.raw.status == "hibernating"


# -- hostile answers through both clients ---------------------------------------------


def client_answering(
    kind: str, loop: asyncio.AbstractEventLoop, status: int, body: Any, **options: Any
) -> Any:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    transport = httpx.MockTransport(
        lambda request: httpx.Response(
            status, headers={"content-type": "application/json"}, content=content
        )
    )
    return make_client(
        kind,
        loop,
        base_url=BASE_URL,
        token=TOKEN,
        transport=transport,
        **{"retry": RetryPolicy.disabled(), **options},
    )


def raised_by(
    kind: str,
    loop: asyncio.AbstractEventLoop,
    status: int,
    body: Any,
    operation: str,
    error: type[OnedataError] = ResponseParseError,
    **options: Any,
) -> Any:
    """What ``operation`` raises when every answer is ``status`` with ``body``."""
    with (
        client_answering(kind, loop, status, body, **options) as client,
        pytest.raises(error) as raised,
    ):
        operations(client)[operation]()
    assert type(raised.value) is error
    assert raised.value.__cause__ is None, "no body kept in a chained exception"
    assert raised.value.__context__ is None
    return raised.value


def operations(client: Any) -> dict[str, Callable[[], Any]]:
    return {
        "get": lambda: client.get("w"),
        "list": lambda: list(client.list("s")),
        "schedule": lambda: client.schedule("s", "w", 1),
    }


def at(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    changed = copy.deepcopy(document)
    node = changed
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return changed


@pytest.fixture(scope="module")
def execution_document() -> dict[str, Any]:
    return details(FakeOneprovider())


def leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value in ``node``."""
    found = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += leaves(value, (*path, index))
    return found


def wrong_types(value: Any) -> list[Any]:
    """Values of other JSON types than ``value`` (2.5 counts as another type than 7)."""
    return [c for c in (None, True, 7, 2.5, "seven", [], {}) if type(c) is not type(value)]


def test_raw_is_what_the_generated_client_reads(
    kind: str, loop: asyncio.AbstractEventLoop, execution_document: dict[str, Any]
) -> None:
    document = at(execution_document, ("lanes", 0, "fromANewerRelease"), [1, {"two": None}])
    with client_answering(kind, loop, 200, document) as client:
        execution = client.get("w")
    same = httpx.MockTransport(lambda request: httpx.Response(200, json=document))
    generated = get_workflow_execution_details.sync(
        "w",
        client=AuthenticatedClient(base_url=BASE_URL, token=TOKEN, httpx_args={"transport": same}),
    )
    assert execution.raw == generated
    assert execution.raw.lanes[0].additional_properties == {"fromANewerRelease": [1, {"two": None}]}


def test_a_wrong_type_anywhere_in_details_is_a_parse_error(
    kind: str, loop: asyncio.AbstractEventLoop, execution_document: dict[str, Any]
) -> None:
    cases = 0
    for path in leaves(execution_document):
        value = execution_document
        for step in path:
            value = value[step]
        for wrong in wrong_types(value):
            document = at(execution_document, path, wrong)
            if judge("WorkflowExecutionDetails").is_valid(document):
                continue  # null where the spec allows it, an integer for integer-or-null
            refused = raised_by(kind, loop, 200, document, "get")
            assert "the body breaks the spec" in refused.reason
            cases += 1
    assert cases > 300


BROKEN_DETAILS: list[tuple[str, tuple[Any, ...], Any, str]] = [
    ("a null id", ("atmWorkflowExecutionId",), None, "got `null` - at `$.atmWorkflowExecutionId`"),
    ("a number as id", ("atmWorkflowExecutionId",), 5, "got `int` - at `$.atmWorkflowExecutionId`"),
    ("a number as status", ("status",), 5, "Expected `str`, got `int` - at `$.status`"),
    ("a time past the year 9999", ("scheduleTime",), 10**20, "<= 253402300799"),
    ("a 400-digit time", ("finishTime",), HUGE, "<= 253402300799 - at `$.finishTime`"),
    ("a negative time", ("startTime",), -1, ">= 0 - at `$.startTime`"),
    ("a 400-digit run number", ("lanes", 0, "runs", 0, "runNumber"), HUGE, "runNumber"),
    ("run number 0", ("lanes", 0, "runs", 0, "runNumber"), 0, ">= 1"),
    ("a fractional run number", ("lanes", 0, "runs", 0, "runNumber"), 1.5, "got `float`"),
    ("lanes null", ("lanes",), None, "Expected `array`, got `null` - at `$.lanes`"),
    ("a lane run as a string", ("lanes", 1, "runs", 0), "run", "at `$.lanes[1].runs[0]`"),
    ("a task id as a number", ("storeRegistry",), {"s": 1}, "at `$.storeRegistry[...]`"),
]


@pytest.mark.parametrize(
    ("what", "path", "value", "reason"), BROKEN_DETAILS, ids=[b[0] for b in BROKEN_DETAILS]
)
def test_details_that_break_the_spec_are_refused_by_name(
    kind: str,
    loop: asyncio.AbstractEventLoop,
    execution_document: dict[str, Any],
    what: str,
    path: tuple[Any, ...],
    value: Any,
    reason: str,
) -> None:
    refused = raised_by(kind, loop, 200, at(execution_document, path, value), "get")
    assert refused.status == 200
    assert reason in refused.reason


def test_whole_numbers_written_with_a_fraction_are_read(
    kind: str, loop: asyncio.AbstractEventLoop, execution_document: dict[str, Any]
) -> None:
    """JSON Schema counts 3.0 and 1e3 as integers, so the client must too."""
    body = json.dumps(execution_document).replace('"runNumber": 1,', '"runNumber": 1e0,')
    assert "1e0" in body
    body = body.replace(
        f'"scheduleTime": {execution_document["scheduleTime"]}', '"scheduleTime": 1.75e9'
    )
    with client_answering(kind, loop, 200, body.encode()) as client:
        execution = client.get("w")
    assert execution.schedule_time == datetime.fromtimestamp(1.75e9, UTC)
    assert execution.lane(1).runs[-1].run_number == 1
    assert type(execution.lane(1).runs[-1].run_number) is int


PAGES: list[tuple[str, Any, str]] = [
    ("ids null", {"atmWorkflowExecutions": None, "isLast": True}, "got `null`"),
    ("an id null", {"atmWorkflowExecutions": ["a", None], "isLast": True}, "[1]"),
    ("isLast missing", {"atmWorkflowExecutions": ["a"]}, "missing required field `isLast`"),
    ("isLast a string", {"atmWorkflowExecutions": [], "isLast": "false"}, "got `str`"),
    (
        "a number as token",
        {"atmWorkflowExecutions": ["a"], "nextPageToken": 5, "isLast": False},
        "Expected `str | null`, got `int` - at `$.nextPageToken`",
    ),
    (
        "a list as token",
        {"atmWorkflowExecutions": ["a"], "nextPageToken": ["t"], "isLast": False},
        "at `$.nextPageToken`",
    ),
    (
        "no token, not the last page",
        {"atmWorkflowExecutions": ["a"], "isLast": False},
        "isLast is false but no nextPageToken",
    ),
    (
        "a null token, not the last page",
        {"atmWorkflowExecutions": ["a"], "nextPageToken": None, "isLast": False},
        "isLast is false but no nextPageToken",
    ),
    (
        "an empty token, not the last page",
        {"atmWorkflowExecutions": ["a"], "nextPageToken": "", "isLast": False},
        "isLast is false but no nextPageToken",
    ),
]


@pytest.mark.parametrize(("what", "page", "reason"), PAGES, ids=[p[0] for p in PAGES])
def test_pages_that_cannot_be_followed_are_refused(
    kind: str, loop: asyncio.AbstractEventLoop, what: str, page: Any, reason: str
) -> None:
    assert reason in raised_by(kind, loop, 200, page, "list").reason


def test_the_last_page_may_carry_any_token_or_none(
    kind: str, loop: asyncio.AbstractEventLoop
) -> None:
    for page in (
        {"atmWorkflowExecutions": ["a", "b"], "isLast": True},
        {"atmWorkflowExecutions": ["a", "b"], "nextPageToken": None, "isLast": True},
        {"atmWorkflowExecutions": ["a", "b"], "nextPageToken": "t", "isLast": True},
    ):
        with client_answering(kind, loop, 200, page) as client:
            assert list(client.list("s")) == ["a", "b"]


@pytest.mark.parametrize(
    ("created", "reason"),
    [
        ({"atmWorkflowExecutionId": None}, "got `null` - at `$.atmWorkflowExecutionId`"),
        ({"atmWorkflowExecutionId": 5}, "got `int`"),
        ({}, "missing required field `atmWorkflowExecutionId`"),
        ({"atmWorkflowExecutionId": ""}, "cannot address it"),
        ({"atmWorkflowExecutionId": "../spaces"}, "cannot address it"),
        ({"atmWorkflowExecutionId": "a" * 300}, "cannot address it"),
    ],
)
def test_a_new_id_the_client_could_not_use_is_refused(
    kind: str, loop: asyncio.AbstractEventLoop, created: Any, reason: str
) -> None:
    refused = raised_by(kind, loop, 201, created, "schedule")
    assert refused.status == 201
    assert reason in refused.reason


@pytest.mark.parametrize("operation", ["get", "list", "schedule"])
@pytest.mark.parametrize(
    "body",
    [
        DEEP,
        b'{"atmWorkflowExecutionId": "w", "x": ' + DEEP + b"}",
        b"{" + b'"a":{' * 100_000 + b"}" * 100_001,
        b"9" * 400,
        b'{"atmWorkflowExecutionId": "\\ud800"}',
        b'{"atmWorkflowExecutionId": "w"',
        b"\xff\xfe",
    ],
    ids=[
        "deep array",
        "deep in an unknown property",
        "deep objects",
        "a 400-digit number",
        "a lone surrogate",
        "truncated",
        "not UTF-8",
    ],
)
def test_unreadable_successes_are_parse_errors(
    kind: str, loop: asyncio.AbstractEventLoop, operation: str, body: bytes
) -> None:
    status = 201 if operation == "schedule" else 200
    assert raised_by(kind, loop, status, body, operation).status == status


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, BadRequestError), (404, NotFoundError), (418, ApiError), (503, ServerError)],
)
@pytest.mark.parametrize(
    "body",
    [
        DEEP,
        b'{"error": {"id": "x", "description": "d", "details": ' + DEEP + b"}}",
        b'{"error": {"id": "x", "description": "d", "ctx": {"line": ' + b"9" * 400 + b"}}}",
        b'{"error": {"id": 5, "description": null}}',
        b'{"error": null}',
        b"9" * 400,
    ],
    ids=["deep", "deep details", "400-digit line", "wrong types", "null error", "a number"],
)
def test_error_statuses_give_their_typed_error_whatever_the_body(
    kind: str, loop: asyncio.AbstractEventLoop, status: int, error: type[ApiError], body: bytes
) -> None:
    for operation in ("get", "list", "schedule"):
        assert raised_by(kind, loop, status, body, operation, error).status == status


def test_a_deep_error_body_still_retries_as_its_status_says(
    kind: str, loop: asyncio.AbstractEventLoop
) -> None:
    pauses: list[float] = []
    raised_by(kind, loop, 503, DEEP, "get", ServerError, retry=RetryPolicy(), sleep=pauses.append)
    assert len(pauses) == RetryPolicy().attempts - 1


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), status=st.sampled_from([200, 201, 204, 400, 404, 500, 503]))
@pytest.mark.parametrize("kind", KINDS)
def test_only_the_librarys_errors_leave_on_mutated_answers(
    kind: str, data: st.DataObject, status: int
) -> None:
    name = data.draw(st.sampled_from(sorted(READ_AS)))
    document = mutated(data.draw(valid(schema_of(name))), data)
    loop = asyncio.new_event_loop()
    try:
        with client_answering(kind, loop, status, document) as client:
            for call in operations(client).values():
                with contextlib.suppress(OnedataError):
                    call()
    finally:
        loop.close()


# -- the generated decoders ----------------------------------------------------------


@functools.cache
def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("wire", ROOT / "tools" / "wire.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_decoders_are_what_the_spec_generates() -> None:
    tool = load_tool()
    assert tool.TARGET.read_text() == tool.source()


def translated(schedule_time: dict[str, Any]) -> str:
    """The struct for execution details, with ``schedule_time`` as scheduleTime's schema."""
    tool = load_tool()
    spec = copy.deepcopy(load_spec())
    schema = spec["components"]["schemas"]["WorkflowExecutionDetails"]
    schema["properties"]["scheduleTime"] = schedule_time
    translator = tool.Translator(spec)
    translator.struct("WorkflowExecutionDetails", schema, "WorkflowExecutionDetails")
    text: str = translator.classes["WorkflowExecutionDetails"]
    return text


@pytest.mark.parametrize("keyword", [{"multipleOf": 2}, {"not": {"const": 0}}, {"const": 1}])
def test_a_constraint_the_generator_does_not_know_stops_it(keyword: dict[str, Any]) -> None:
    """So that the decoders can never be laxer than the spec without anyone noticing."""
    with pytest.raises(
        load_tool().Unsupported, match=f"scheduleTime: keyword {next(iter(keyword))}"
    ):
        translated({"type": "integer", **keyword})


def test_limits_become_constraints_and_annotations_are_ignored() -> None:
    bounded = {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 5}
    assert "Annotated[int, Meta(gt=0, lt=5)]" in translated({**bounded, "description": "x"})
    text = {"type": ["string", "null"], "minLength": 1, "format": "uri"}
    assert "Annotated[str, Meta(min_length=1)] | None" in translated(text)
