"""The onedata-workflows command, driven against the simulator over HTTP."""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from onedata_workflows.cli import main
from onedata_workflows.cli._demo import story
from onedata_workflows.testing import FakeOneprovider, Fault, LaneSpec, Outcome, VirtualClock


class Cli:
    """Runs the command in-process on the simulator's virtual clock; keeps every output."""

    def __init__(self, fake: FakeOneprovider) -> None:
        self.fake = fake
        self.outputs: list[str] = []

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        options = {"sleep": self.fake.advance, "monotonic": self.fake.now}
        code = main(list(argv), out=out, err=err, client_options=options)
        self.outputs += [out.getvalue(), err.getvalue()]
        return code, out.getvalue(), err.getvalue()

    def json(self, *argv: str) -> Any:
        code, out, err = self(*argv, "--json")
        assert code == 0, err
        return json.loads(out)


@pytest.fixture
def cli(fake: FakeOneprovider, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    with fake.serve() as base_url:
        monkeypatch.setenv("ONEPROVIDER_BASE_URL", base_url)
        monkeypatch.setenv("ONEDATA_TOKEN", fake.token)
        monkeypatch.delenv("ONEPROVIDER_HOST", raising=False)
        runner = Cli(fake)
        yield runner
    leaks = [text for text in runner.outputs if fake.token in text]
    assert leaks == [], "the token appeared in the command's output"


def schema(fake: FakeOneprovider, *outcomes: Outcome, duration: float = 10) -> str:
    lanes = [
        LaneSpec(duration=duration),
        LaneSpec(duration=duration, outcomes=list(outcomes)),
        LaneSpec(duration=duration),
    ]
    return fake.add_workflow_schema(lanes)[0]


def scheduled(cli: Cli, fake: FakeOneprovider, *outcomes: Outcome, duration: float = 10) -> str:
    data = cli.json("schedule", fake.space_id, schema(fake, *outcomes, duration=duration), "1")
    wid: str = data["atmWorkflowExecutionId"]
    assert data["location"].endswith(wid)
    return wid


def test_schedule_show_list(cli: Cli, fake: FakeOneprovider) -> None:
    code, out, _ = cli("schedule", fake.space_id, schema(fake), "1", "--log-level", "debug")
    wid = out.strip()
    assert code == 0
    assert fake.execution(wid)["status"] == "scheduled"
    shown = cli.json("show", wid)
    assert shown == fake.execution(wid)
    code, out, _ = cli("show", wid)
    assert re.search(rf"id\s+{wid}", out)
    assert re.search(r"^1\s+1\s+regular\s+scheduled", out, re.MULTILINE)
    assert cli.json("list", fake.space_id, "--phase", "waiting") == [wid]
    code, out, _ = cli("list", fake.space_id, "--phase", "ended")
    assert (code, out.strip()) == (0, "(none)")


def test_every_action(cli: Cli, fake: FakeOneprovider) -> None:
    wid = scheduled(cli, fake, Outcome.FAIL_ITEMS)
    assert cli.json("pause", wid) == {
        "atmWorkflowExecutionId": wid,
        "action": "pause",
        "accepted": True,
    }
    fake.advance(5)
    code, out, _ = cli("resume", wid)
    assert (code, out.strip()) == (0, f"resume: accepted for {wid}")
    fake.advance(100)
    assert fake.execution(wid)["status"] == "failed"
    assert cli("retry", wid, "2", "1")[0] == 0
    fake.advance(100)
    assert cli("rerun", wid, "1", "1")[0] == 0
    assert cli("cancel", wid)[0] == 0
    fake.advance(5)
    other = scheduled(cli, fake, Outcome.FAIL)
    fake.advance(100)
    assert cli("force-continue", other)[0] == 0
    assert fake.execution(other)["status"] == "resuming"
    assert cli("delete", wid)[0] == 0
    code, _, err = cli("show", wid)
    assert code == 6
    assert err == "onedata-workflows: error: HTTP 404 notFound: The resource could not be found.\n"


@pytest.mark.parametrize(
    ("outcome", "code", "status"),
    [
        (Outcome.FINISH, 0, "finished"),
        (Outcome.FAIL, 1, "failed"),
        (Outcome.CRASH, 4, "crashed"),
        (Outcome.INTERRUPT, 7, "interrupted"),
    ],
)
def test_wait_exit_codes(
    cli: Cli, fake: FakeOneprovider, outcome: Outcome, code: int, status: str
) -> None:
    wid = scheduled(cli, fake, outcome)
    got, out, err = cli("wait", wid)
    assert got == code, err
    lines = out.strip().splitlines()
    assert all(re.match(r"\[\d\d:\d\d:\d\d\] ", line) for line in lines[:-1]), (
        "plain lines, no terminal"
    )
    assert lines[0].startswith("[")
    assert "execution scheduled" in lines[0]
    assert lines[-1].startswith(f"execution {wid} {status}")
    if outcome is Outcome.FAIL:
        assert "in lane 2, run 1 (failed); its exception store is" in lines[-1]
    assert cli("wait", wid, "--json")[0] == code


def test_wait_cancelled_timeout_and_json(cli: Cli, fake: FakeOneprovider) -> None:
    wid = scheduled(cli, fake, duration=1000)
    code, _, err = cli("wait", wid, "--timeout", "60")
    assert code == 5
    assert err.startswith("onedata-workflows: timeout: gave up waiting after 60s (last seen active")
    code, _, err = cli("wait", wid, "--timeout", "60", "--cancel-on-timeout", "--json")
    assert code == 5
    assert "it was cancelled" in err
    assert cli("wait", wid, "--json")[0] == 3


def test_repair_commands(cli: Cli, fake: FakeOneprovider) -> None:
    wid = scheduled(cli, fake, Outcome.FAIL)
    fake.advance(100)
    plan = cli.json("rerun-failed", wid, "--dry-run")
    assert plan == {
        "atmWorkflowExecutionId": wid,
        "operation": "rerun",
        "laneIndex": 2,
        "laneRunNumber": 1,
        "reason": "lane 2 run 1 ended failed; rerunning all of its items",
        "performed": False,
        "status": None,
    }
    code, out, err = cli("retry-failed", wid)
    assert code == 6
    assert "isRetriable is false" in err
    assert len(err.strip().splitlines()) == 1, "one line, no traceback"
    code, out, _ = cli("rerun-failed", wid, "--wait")
    assert code == 0
    assert out.startswith("rerun lane 2 run 1: lane 2 run 1 ended failed")
    assert out.strip().endswith("finished")


def test_run_command(cli: Cli, fake: FakeOneprovider) -> None:
    code, out, _ = cli("run", fake.space_id, schema(fake, Outcome.FAIL_ITEMS), "1")
    assert code == 0
    assert "repair: retry lane 2 run 1" in out
    assert re.search(r"^2\s+run 1 regular failed, run 2 retry finished$", out, re.MULTILINE)
    assert re.search(r"\d+ polls, 0 transient errors, \d+s", out)
    assert re.search(r"\(t\+[1-9]\d*s\)", out), "elapsed time on the client's clock"
    code, out, _ = cli(
        "run", fake.space_id, schema(fake, Outcome.FAIL), "1", "--max-repairs", "0", "--json"
    )
    summary = json.loads(out)
    assert code == 1
    assert summary["execution"]["status"] == "failed"
    assert summary["repairs"] == []
    assert summary["polls"] > 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rerun", "w", "0", "1"], "lane_index must be at least 1"),
        (["schedule", "s", "w", "1", "--store-content", "[not json"], "Expecting value"),
        (["schedule", "s", "w", "1", "--log-level", "loud"], "log_level must be one of"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["wait"], "the following arguments are required: wid"),
    ],
)
def test_usage_errors(cli: Cli, argv: list[str], message: str) -> None:
    code, _out, err = cli(*argv)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


def test_missing_settings(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ONEDATA_TOKEN")
    assert cli("show", "w") == (
        2,
        "",
        "onedata-workflows: error: no token: pass --token or set ONEDATA_TOKEN\n",
    )
    monkeypatch.setenv("ONEDATA_TOKEN", "t0ken-from-the-environment")
    monkeypatch.delenv("ONEPROVIDER_BASE_URL")
    code, _, err = cli("show", "w")
    assert (code, "no provider" in err) == (2, True)


def test_flags_instead_of_environment(
    cli: Cli, fake: FakeOneprovider, monkeypatch: pytest.MonkeyPatch
) -> None:
    base_url = __import__("os").environ["ONEPROVIDER_BASE_URL"]
    monkeypatch.delenv("ONEDATA_TOKEN")
    monkeypatch.delenv("ONEPROVIDER_BASE_URL")
    code, out, _ = cli(
        "list", fake.space_id, "--base-url", base_url, "--token", fake.token, "--json"
    )
    assert (code, json.loads(out)) == (0, [])
    code, _, err = cli(
        "list", fake.space_id, "--base-url", base_url, "--token", "wrong-token-1234567", "--json"
    )
    assert code == 6
    assert "unauthorized" in err
    assert "wrong-token-1234567" not in err
    code, _, err = cli("list", "--token", fake.token)
    assert code == 2
    assert fake.token not in err


def test_server_failures_are_one_line(cli: Cli, fake: FakeOneprovider) -> None:
    fake.inject(Fault.html(502), times=None)
    code, _out, err = cli("show", "anything")
    assert code == 6
    pattern = r"onedata-workflows: error: HTTP 502: the body is not an Onedata error"
    assert re.fullmatch(pattern + r" \(text/html, \d+ bytes\)\n", err)


class Announced(io.StringIO):
    """An output that tells when something was written to it."""

    def __init__(self) -> None:
        super().__init__()
        self.written = threading.Event()

    def write(self, text: str) -> int:
        count = super().write(text)
        self.written.set()
        return count


def test_simulate_serves_until_stopped() -> None:
    out, err = Announced(), io.StringIO()
    stop = threading.Event()
    done: list[int] = []

    def serve() -> None:
        done.append(main(["simulate", "--json", "--fail-lane", "2"], out=out, err=err, stop=stop))

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        assert out.written.wait(timeout=30), err.getvalue()
        info = json.loads(out.getvalue())
        assert info["baseUrl"].startswith("http://127.0.0.1:")
        response = httpx.post(
            f"{info['baseUrl']}/automation/execution/workflows",
            headers={"X-Auth-Token": info["token"]},
            json={
                "spaceId": info["spaceId"],
                "atmWorkflowSchemaId": info["schemaId"],
                "atmWorkflowSchemaRevisionNumber": info["revision"],
            },
        )
        assert response.status_code == 201
    finally:
        stop.set()
        thread.join(timeout=10)
    assert done == [0]


def test_the_demo_story_on_a_virtual_clock() -> None:
    out = io.StringIO()
    assert story(out, clock=VirtualClock()) == 0
    text = out.getvalue()
    for step in (
        "1. Scheduled execution",
        "2. Waiting, lane by lane:",
        "3. It ended failed: lane 2, run 1",
        "4. Repair: rerun lane 2 run 1",
        "5. Waiting again:",
        "6. execution",
        "The story ended as told.",
    ):
        assert step in text
    assert re.search(r"^2\s+run 1 regular failed, run 2 rerun finished$", text, re.MULTILINE)
