"""The onedata-workflows command, driven against the simulator over HTTP.

These tests read what the command writes when it is not on a terminal (a pipe, a
log); ``test_cli_terminal`` reads the screen of a pseudo-terminal.
"""

from __future__ import annotations

import http.server
import io
import json
import re
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from onedata_workflows.cli import main
from onedata_workflows.cli._demo import RUN_NUMBERS, story
from onedata_workflows.cli._parser import build_parser
from onedata_workflows.testing import FakeOneprovider, Fault, LaneSpec, Outcome, VirtualClock

TLS = Path(__file__).parent / "data" / "tls"  # a throwaway CA and a server cert for 127.0.0.1
SECRET = "s3cret-token-never-to-be-shown"


@pytest.fixture(autouse=True)
def local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC+2 here, so that a time shown in UTC is told apart."""
    monkeypatch.setenv("TZ", "XST-2")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


class Cli:
    """Runs the command in-process on the simulator's virtual clock; keeps every output."""

    def __init__(self, fake: FakeOneprovider) -> None:
        self.fake = fake
        self.outputs: list[str] = []

    def __call__(self, *argv: str, **options: Any) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        client = {"sleep": self.fake.advance, "monotonic": self.fake.now, "clock": self.fake.now}
        code = main(list(argv), out=out, err=err, client_options={**client, **options})
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
    leaks = [text for text in runner.outputs if fake.token in text or SECRET in text]
    assert leaks == [], "the token appeared in the command's output"


def provider(fake: FakeOneprovider) -> str:
    """How messages name the served provider: its host and port."""
    import os

    return os.environ["ONEPROVIDER_BASE_URL"].split("/")[2]


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


def one_line(err: str) -> str:
    assert err.count("\n") == 1, f"not one line: {err!r}"
    assert err.startswith("onedata-workflows: "), err
    return err.strip()


# -- operations ---------------------------------------------------------------------


def test_schedule_and_show(cli: Cli, fake: FakeOneprovider) -> None:
    code, out, _ = cli("schedule", fake.space_id, schema(fake), "1", "--log-level", "debug")
    wid = out.strip()
    assert code == 0
    assert fake.execution(wid)["status"] == "scheduled"
    assert cli.json("show", wid) == fake.execution(wid)
    code, out, _ = cli("show", wid)
    assert re.search(rf"^id\s+{wid}$", out, re.MULTILINE)
    assert re.search(r"^scheduled\s+2026-01-01 02:00:00\+02:00$", out, re.MULTILINE)
    assert re.search(r"^finished\s+-$", out, re.MULTILINE)
    assert re.search(r"^lane\s+run\s+status\s+type\s+accepts$", out, re.MULTILINE)
    assert re.search(r"^1\s+1\s+scheduled\s+regular\s+-$", out, re.MULTILINE)
    assert re.search(r"^3\s+-\s+-\s+-\s+-$", out, re.MULTILINE), "a lane not reached yet"
    code, out, _ = cli("show", wid, "--utc")
    assert re.search(r"^scheduled\s+2026-01-01 00:00:00\+00:00$", out, re.MULTILINE)


def test_list_shows_every_phase_as_a_table(cli: Cli, fake: FakeOneprovider) -> None:
    ended = scheduled(cli, fake)
    fake.advance(100)
    ongoing = scheduled(cli, fake, duration=1000)
    fake.advance(5)
    waiting = scheduled(cli, fake)
    code, out, _ = cli("list", fake.space_id)
    assert code == 0
    lines = out.splitlines()
    assert re.fullmatch(r"id\s+name\s+status\s+scheduled", lines[0])
    statuses = {line.split()[0]: line.split()[-3] for line in lines[1:]}
    assert statuses == {waiting: "scheduled", ongoing: "active", ended: "finished"}
    assert [line.split()[0] for line in lines[1:]] == [waiting, ongoing, ended], "live first"
    assert re.search(
        rf"^{ended}\s+simulated workflow\s+finished\s+2026-01-01 02:00:00\+02:00$", out, re.M
    )
    assert cli("list", fake.space_id, "--quiet")[1].split() == [waiting, ongoing, ended]
    assert cli.json("list", fake.space_id, "--phase", "ended") == [
        {
            "atmWorkflowExecutionId": ended,
            "name": "simulated workflow",
            "status": "finished",
            "phase": "ended",
            "scheduleTime": 1767225600,
        }
    ]
    assert cli.json("list", fake.space_id, "--phase", "ongoing", "--quiet") == [ongoing]
    code, out, err = cli("list", fake.space_id, "--limit", "1", "-q")
    assert (code, out.split(), err) == (0, [waiting], "(1 of 3 shown; --limit 0 shows all)\n")
    assert cli("list", fake.space_id, "--phase", "suspended")[1] == "(none)\n"


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
    code, _, err = cli("rerun", other, "7", "1")
    assert code == 6
    assert f"execution {other}, or its lane 7 run 1 not found" in one_line(err)
    assert cli("force-continue", other)[0] == 0
    assert fake.execution(other)["status"] == "resuming"
    assert cli("delete", wid)[0] == 0
    code, _, err = cli("show", wid)
    assert code == 6
    assert one_line(err) == (
        f"onedata-workflows: error: execution {wid} not found on {provider(fake)} "
        "(HTTP 404 notFound)"
    )


def test_not_found_hints_at_a_wrong_base_url(cli: Cli, fake: FakeOneprovider) -> None:
    root = f"http://{provider(fake)}"
    code, _, err = cli("show", "doesnotexist", "--base-url", root)
    assert code == 6
    assert one_line(err) == (
        f"onedata-workflows: error: execution doesnotexist not found on {provider(fake)} "
        f"(HTTP 404 notFound); the base URL {root} does not end in /api/v3/oneprovider: "
        f"did you mean {root}/api/v3/oneprovider?"
    )


# -- waiting ------------------------------------------------------------------------


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
    assert (got, err) == (code, "")
    lines = out.strip().splitlines()
    stamp = r"\[\d\d:\d\d:\d\d\+02:00\] "
    progress = [line for line in lines if re.match(stamp, line)]
    assert lines[: len(progress)] == progress, "plain lines, local time, then the end"
    assert lines[0].endswith(f"] execution {wid}; follow it with: onedata-workflows wait {wid}")
    assert re.fullmatch(stamp + r"execution scheduled  \(t\+0s\)", lines[1])
    end = lines[len(progress) :]
    assert end[0].startswith(f"execution {wid} {status}")
    if outcome is Outcome.FAIL:
        assert "in lane 2, run 1 (failed); its exception store is" in end[0]
    if status != "finished":
        assert end[1].startswith("why: "), "an execution that ended badly says why"
        assert end[2].startswith("next: ")
    assert cli("wait", wid, "--json")[0] == code
    assert re.match(r"\[\d\d:\d\d:\d\d\+00:00\] ", cli("wait", wid, "--utc")[1])


def test_wait_timeout_says_how_to_go_on(cli: Cli, fake: FakeOneprovider) -> None:
    wid = scheduled(cli, fake, duration=1000)
    code, _, err = cli("wait", wid, "--timeout", "60")
    assert code == 5
    assert one_line(err) == (
        f"onedata-workflows: error: gave up waiting after 60s: execution {wid} last seen "
        f"active, it goes on. Wait longer with: onedata-workflows wait {wid} --timeout SECONDS"
    )
    code, out, err = cli("wait", wid, "--timeout", "2", "--json")
    assert (code, err) == (5, "")
    data = json.loads(out)
    assert data["error"]["kind"] == "waitTimeout"
    assert data["error"]["exitCode"] == 5
    assert data["execution"]["atmWorkflowExecutionId"] == wid, "the last execution seen"
    assert data["execution"]["status"] == "active"
    code, out, _ = cli("wait", wid, "--timeout", "60", "--cancel-on-timeout", "--json")
    assert code == 5
    assert json.loads(out)["error"]["cancelled"] is True
    assert cli("wait", wid, "--json")[0] == 3


def test_ctrl_c_says_the_execution_goes_on(cli: Cli, fake: FakeOneprovider) -> None:
    wid = scheduled(cli, fake, duration=1000)

    def sleep(seconds: float) -> None:
        fake.advance(seconds)
        if fake.now() - start > 50:
            raise KeyboardInterrupt

    start = fake.now()
    code, _, err = cli("wait", wid, sleep=sleep)
    assert code == 130
    assert one_line(err) == (
        f"onedata-workflows: stopped waiting; execution {wid} goes on. "
        f"Wait for it again with: onedata-workflows wait {wid}"
    )
    start = fake.now()
    code, out, _ = cli("wait", wid, "--json", sleep=sleep)
    assert code == 130
    assert json.loads(out)["error"] == {
        "kind": "interrupted",
        "message": f"stopped waiting; execution {wid} goes on. "
        f"Wait for it again with: onedata-workflows wait {wid}",
        "exitCode": 130,
        "executionId": wid,
    }


def test_repair_commands(cli: Cli, fake: FakeOneprovider) -> None:
    wid = scheduled(cli, fake, Outcome.FAIL)
    code, _, err = cli("rerun-failed", wid)
    assert code == 8
    assert one_line(err) == (
        f"onedata-workflows: error: nothing to repair yet: execution {wid} is scheduled, not ended"
    )
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
    assert code == 8
    assert "isRetriable is false" in one_line(err)
    code, out, _ = cli("rerun-failed", wid, "--wait")
    assert code == 0
    assert out.splitlines()[1].startswith("[02:0")  # progress lines, local time
    assert "rerun lane 2 run 1: lane 2 run 1 ended failed" in out
    assert out.strip().endswith("finished")
    code, out, err = cli("retry-failed", wid)
    assert (code, out) == (8, "")
    assert one_line(err) == (
        f"onedata-workflows: error: nothing to repair: execution {wid} finished, "
        "and none of its lane runs failed"
    )
    code, out, _ = cli("rerun-failed", wid, "--json")
    assert json.loads(out)["error"]["kind"] == "nothingToRepair"


def test_run_command(cli: Cli, fake: FakeOneprovider) -> None:
    code, out, _ = cli("run", fake.space_id, schema(fake, Outcome.FAIL_ITEMS), "1")
    assert code == 0
    assert "repair: retry lane 2 run 1" in out
    assert re.search(r"^2\s+1\s+failed\s+regular\s+rerun, retry$", out, re.MULTILINE)
    assert re.search(r"^2\s+2\s+finished\s+retry of 1\s+rerun$", out, re.MULTILINE)
    assert re.search(r"\d+ polls, 0 transient errors, \d+s$", out, re.MULTILINE)
    assert re.search(r"\(t\+[1-9]\d*s\)", out), "elapsed time on the client's clock"
    code, out, _ = cli(
        "run", fake.space_id, schema(fake, Outcome.FAIL), "1", "--max-repairs", "0", "--json"
    )
    summary = json.loads(out)
    assert code == 1
    assert summary["execution"]["status"] == "failed"
    assert summary["repairs"] == []
    assert summary["polls"] > 1


def test_run_and_show_list_runs_the_same_way(cli: Cli, fake: FakeOneprovider) -> None:
    code, out, _ = cli("run", fake.space_id, schema(fake, Outcome.FAIL), "1")
    assert code == 0
    wid = out.split("execution ", 1)[1].split(";")[0]
    table = out[out.index("lane  run") :].split("\n\n")[0]
    assert table in cli("show", wid)[1]


# -- errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["rerun", "w", "0", "1"], "LANE must be at least 1"),
        (["schedule", "s", "w", "1", "--store-content", "[not json"], "--store-content is not"),
        (["schedule", "s", "w", "1", "--log-level", "loud"], "invalid choice: 'loud'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["wait"], "required: EXECUTION_ID (see: onedata-workflows wait --help)"),
        (["show", "w", "--bogus"], "unrecognized arguments: --bogus (see: onedata-workflows show"),
        (["list", "s", "--limit", "-1"], "--limit must be 0 (no limit) or more"),
        (
            ["show", "w", "--insecure", "--ca-bundle", "x"],
            "--insecure and --ca-bundle exclude each other",
        ),
        (["show", "w", "--ca-bundle", "/no/such/file"], "--ca-bundle /no/such/file: No such"),
        (["simulate", "--fail-lane", "4"], "--fail-lane must be between 1 and 3"),
    ],
)
def test_usage_errors(cli: Cli, argv: list[str], message: str) -> None:
    code, out, err = cli(*argv)
    assert (code, out) == (2, "")
    assert message in one_line(err)
    code, out, err = cli(*argv, "--json")
    assert (code, err) == (2, "")
    assert message in json.loads(out)["error"]["message"]
    assert json.loads(out)["error"]["exitCode"] == 2


SUBPARSERS = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]


@pytest.mark.parametrize("name", sorted(SUBPARSERS))
@pytest.mark.parametrize("json_output", [False, True])
def test_the_token_never_shows(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, name: str, json_output: bool
) -> None:
    positionals = ["1" for action in SUBPARSERS[name]._actions if not action.option_strings]
    flags = ["--json"] if json_output else []
    for argv in (
        [name, *positionals, "--token", SECRET, f"--bogus={SECRET}", *flags],
        [name, f"--token={SECRET}", SECRET, SECRET, SECRET, SECRET, SECRET, *flags],
    ):
        code, out, err = cli(*argv)
        assert code == 2
        assert SECRET not in out + err, "blanked, or not repeated at all"
        assert (out if json_output else err).count("\n") >= 1
    monkeypatch.setenv("ONEDATA_TOKEN", SECRET)
    code, out, err = cli(name, *positionals, "--request-timeout", SECRET, *flags)
    assert code == 2
    # the fixture checks that SECRET appeared nowhere


def test_not_found_of_the_token_itself_is_blanked(
    cli: Cli, fake: FakeOneprovider, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = cli("show", fake.token)
    assert code == 6
    assert "execution [token] not found" in err


def test_missing_settings_name_every_way(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ONEDATA_TOKEN")
    monkeypatch.delenv("ONEPROVIDER_BASE_URL")
    code, out, err = cli("show", "w")
    assert (code, out) == (2, "")
    assert one_line(err) == (
        "onedata-workflows: error: no provider and no token given: pass --host DOMAIN or "
        "--base-url URL (or set ONEPROVIDER_HOST or ONEPROVIDER_BASE_URL), and set "
        "ONEDATA_TOKEN (or pass --token, which `ps` shows); `onedata-workflows simulate` "
        "serves one to try"
    )
    code, out, _ = cli("show", "w", "--json")
    assert json.loads(out)["error"]["kind"] == "missingSettings"


def test_flags_instead_of_environment(
    cli: Cli, fake: FakeOneprovider, monkeypatch: pytest.MonkeyPatch
) -> None:
    base_url = __import__("os").environ["ONEPROVIDER_BASE_URL"]
    host = provider(fake)
    monkeypatch.delenv("ONEDATA_TOKEN")
    monkeypatch.delenv("ONEPROVIDER_BASE_URL")
    code, out, _ = cli(
        "list", fake.space_id, "--base-url", base_url, "--token", fake.token, "--json"
    )
    assert (code, json.loads(out)) == (0, [])
    code, _, err = cli(
        "list", fake.space_id, "--base-url", base_url, "--token", "wrong-token-1234567"
    )
    assert code == 6
    assert one_line(err).startswith(
        f"onedata-workflows: error: {host} does not accept the token (HTTP 401"
    )
    assert "wrong-token-1234567" not in err
    code, _, err = cli("list", "--token", fake.token)
    assert code == 2


def recorded(urls: list[str]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(404, json={"error": {"id": "notFound", "description": "No."}})

    return httpx.MockTransport(answer)


def test_a_url_given_as_host(cli: Cli) -> None:
    urls: list[str] = []
    for given in ("https://provider.example.com", "provider.example.com/"[:-1]):
        assert cli("show", "w", "--host", given, transport=recorded(urls))[0] == 6
    given = "https://provider.example.com:8443/api/v3/oneprovider/"
    assert cli("show", "w", "--host", given, transport=recorded(urls))[0] == 6
    assert urls == [
        "https://provider.example.com/api/v3/oneprovider/automation/execution/workflows/w",
        "https://provider.example.com/api/v3/oneprovider/automation/execution/workflows/w",
        "https://provider.example.com:8443/api/v3/oneprovider/automation/execution/workflows/w",
    ]
    code, _, err = cli("show", "w", "--host", "http://provider.example.com")
    assert code == 2
    assert one_line(err) == (
        "onedata-workflows: error: --host always means https; for plain http give --base-url "
        "http://provider.example.com/api/v3/oneprovider (and --allow-http unless it is this "
        "machine)"
    )
    code, _, err = cli("show", "w", "--host", "https://provider.example.com/elsewhere")
    assert "give the API's full URL as --base-url" in one_line(err)
    code, _, err = cli("show", "w", "--base-url", "http://provider.example.com/api")
    assert code == 2
    assert one_line(err) == (
        "onedata-workflows: error: refusing plain http to provider.example.com: the token "
        "would travel in clear. Use https, or pass --allow-http if you must."
    )


def failing(make: Callable[[], Exception]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        raise make()

    return httpx.MockTransport(answer)


def unresolved() -> Exception:
    try:
        raise socket.gaierror(-2, "Name or service not known")
    except socket.gaierror as cause:
        try:
            raise httpx.ConnectError(str(cause)) from cause
        except httpx.ConnectError as error:
            return error


def test_no_connection_names_host_and_cause(cli: Cli) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    code, _, err = cli("show", "w", "--base-url", f"http://127.0.0.1:{port}/api/v3/oneprovider")
    assert code == 6
    assert one_line(err) == (
        f"onedata-workflows: error: cannot reach 127.0.0.1:{port}: the connection was refused; "
        "is the provider running, and on this port?"
    )
    code, _, err = cli("show", "w", "--host", "provider.invalid", transport=failing(unresolved))
    assert one_line(err) == (
        "onedata-workflows: error: cannot reach provider.invalid: the host name does not "
        "resolve; check its spelling"
    )
    code, out, err = cli("show", "w", "--host", "p.example", "-v", transport=failing(unresolved))
    assert err.count("retrying") == 3, "--verbose shows the retries"
    slow = failing(lambda: httpx.ReadTimeout("timed out"))
    code, _, err = cli("show", "w", "--host", "p.example", transport=slow)
    assert (code, one_line(err)) == (
        6,
        "onedata-workflows: error: p.example did not answer within 30 s "
        "(--request-timeout sets it)",
    )
    code, _, err = cli("show", "w", "--host", "p.example", "--request-timeout", "5", transport=slow)
    assert "did not answer within 5 s" in one_line(err)
    code, out, _ = cli("show", "w", "--host", "p.example", "--json", transport=slow)
    assert json.loads(out)["error"]["kind"] == "requestTimeout"


def test_a_change_left_unanswered_is_not_repeated(cli: Cli) -> None:
    slow = failing(lambda: httpx.ReadTimeout("timed out"))
    code, _, err = cli("pause", "w", "--host", "p.example", transport=slow)
    assert code == 6
    assert one_line(err) == (
        "onedata-workflows: error: no answer from p.example within 30 s after the request "
        "left: it may or may not have taken effect, so it was not sent again; look (show, or "
        "list for a schedule) before repeating it"
    )


class _NotFound(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"error": {"id": "notFound", "description": "The resource could not be found."}}'
        self.send_response(404)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def https_url() -> Iterator[str]:
    """An https server on 127.0.0.1 whose certificate comes from a CA no system trusts."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(TLS / "server.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/api/v3/oneprovider"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_tls_failure_points_at_ca_bundle(cli: Cli, https_url: str) -> None:
    host = https_url.split("/")[2]
    code, _, err = cli("show", "w", "--base-url", https_url)
    assert code == 6
    assert one_line(err) == (
        f"onedata-workflows: error: cannot reach {host}: TLS certificate verification failed: "
        "unable to get local issuer certificate; for a provider whose certificate comes from "
        "a private CA, pass --ca-bundle"
    )
    code, _, err = cli("show", "w", "--base-url", https_url, "--ca-bundle", str(TLS / "ca.pem"))
    assert (code, one_line(err)) == (
        6,
        f"onedata-workflows: error: execution w not found on {host} (HTTP 404 notFound)",
    )


def test_server_failures_are_one_line(cli: Cli, fake: FakeOneprovider) -> None:
    fake.inject(Fault.html(502), times=None)
    code, _out, err = cli("show", "anything")
    assert code == 6
    pattern = rf"onedata-workflows: error: {provider(fake)} answered HTTP 502: "
    pattern += r"the body is not an Onedata error \(text/html, \d+ bytes\)"
    assert re.fullmatch(pattern, one_line(err))


# -- help ---------------------------------------------------------------------------


def test_help_teaches() -> None:
    out = io.StringIO()
    assert main([], out=out, err=io.StringIO()) == 2
    overview = out.getvalue()
    assert overview.startswith("usage: onedata-workflows")
    for text in ("commands:", "run ", "settings:", "exit codes:", "  8    nothing to repair"):
        assert text in overview
    out = io.StringIO()
    assert main(["--version"], out=out) == 0
    assert re.fullmatch(r"onedata-workflows \d+\.\d+\.\d+\n", out.getvalue())
    for name in ("wait", "run", "rerun-failed", "retry-failed"):
        out = io.StringIO()
        assert main([name, "--help"], out=out) == 0
        assert "exit codes:\n  0    success" in out.getvalue()
        assert "  130  interrupted" in out.getvalue()
    out = io.StringIO()
    main(["show", "--help"], out=out)
    assert "output:\n  --json" in out.getvalue()


def test_every_argument_says_what_it_is_and_its_default() -> None:
    for name, sub in SUBPARSERS.items():
        for action in sub._actions:
            if action.dest == "help":
                continue
            assert action.help, f"{name} {action.dest} has no help"
            takes_value = bool(action.option_strings) and action.nargs != 0
            has_default = action.default not in (None, False) or takes_value
            if has_default:
                assert "default" in action.help, f"{name} {action.dest}: {action.help}"


# -- simulate and demo --------------------------------------------------------------


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


def test_simulate_on_a_busy_port() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out, err = io.StringIO(), io.StringIO()
        assert main(["simulate", "--port", str(port)], out=out, err=err) == 2
    assert out.getvalue() == ""
    assert one_line(err.getvalue()) == (
        f"onedata-workflows: error: port {port} is already in use (Address already in use); "
        "choose another --port, or 0 for any free one"
    )


def test_the_demo_story_on_a_virtual_clock() -> None:
    out = io.StringIO()
    assert story(out, clock=VirtualClock()) == 0
    text = out.getvalue()
    for step in (
        "Its clock is virtual: it moves only when the client waits: every time shown below is "
        "simulated.",
        RUN_NUMBERS,
        "1. Scheduled execution",
        "2. Waiting, lane by lane:",
        "3. It ended failed: lane 2, run 1",
        "4. Repair: rerun lane 2 run 1",
        "5. Waiting again:",
        "6. execution",
        "of simulated time (",
        "The story ended as told.",
    ):
        assert step in text
    assert re.search(r"^2\s+2\s+finished\s+rerun of 1\s+rerun$", text, re.MULTILINE)
    assert re.search(r"^\[02:0\d:\d\d\+02:00\] execution scheduled", text, re.MULTILINE), (
        "simulated times, local"
    )


def test_without_rich_a_terminal_gets_plain_lines(
    cli: Cli, fake: FakeOneprovider, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The library alone (no cli extra): the command works, and says how to get more."""
    monkeypatch.setitem(sys.modules, "rich", None)
    monkeypatch.setitem(sys.modules, "rich.console", None)
    wid = scheduled(cli, fake)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out, err = Terminal(), io.StringIO()
    options = {"sleep": fake.advance, "monotonic": fake.now, "clock": fake.now}
    assert main(["wait", wid], out=out, err=err, client_options=options) == 0
    assert err.getvalue() == (
        "(plain progress lines: pip install 'onedata-workflows[cli]' for a live display)\n"
    )
    assert out.getvalue().splitlines()[-1] == f"execution {wid} finished"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_run_and_wait_on_callbacks(cli: Cli, fake: FakeOneprovider) -> None:
    schema, _ = fake.add_workflow_schema([LaneSpec(duration=900)])
    polls: list[str] = []
    fake.on_exchange = lambda operation, request, response: polls.append(operation or "")
    code, _out, err = cli("run", fake.space_id, schema, "1", "--callback-listen", "127.0.0.1:0")
    assert code == 0, err
    assert [c.delivered for c in fake.callbacks] == [True]
    assert polls.count("get_workflow_execution_details") <= 3, "polled on the callback"

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    scheduled = cli.json("schedule", fake.space_id, schema, "1", "--callback-base", base)
    wid, url = scheduled["atmWorkflowExecutionId"], scheduled["callback"]
    assert url.startswith(f"{base}/callbacks/")
    polls.clear()
    code, _out, err = cli(
        "wait", wid, "--callback-listen", f"127.0.0.1:{port}", "--callback-url", url
    )
    assert code == 0, err
    assert fake.callbacks[-1].delivered
    assert fake.callbacks[-1].url == url
    assert polls.count("get_workflow_execution_details") <= 3


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["wait", "w", "--callback-listen", "127.0.0.1:0"], "needs --callback-url"),
        (["wait", "w", "--callback-url", "http://x/callbacks/a/b"], "needs --callback-listen"),
        (["wait", "w", "--callback-listen", "nowhere"], "HOST:PORT"),
        (
            ["wait", "w", "--callback-listen", "127.0.0.1:0", "--callback-url", "http://x/y"],
            "--callback-url",
        ),
        (["rerun-failed", "w", "--callback-listen", "127.0.0.1:0"], "add --wait"),
        (
            ["schedule", "s", "w", "1", "--callback", "http://a", "--callback-base", "http://b"],
            "not both",
        ),
    ],
)
def test_callback_options_misused(cli: Cli, argv: list[str], message: str) -> None:
    code, _out, err = cli(*argv)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("outcome", "step", "kind"),
    [(Outcome.FAIL, "rerun", "run_failed"), (Outcome.FAIL_ITEMS, "retry", "items_failed")],
)
def test_why_says_what_failed_and_the_command_that_mends_it(
    cli: Cli, fake: FakeOneprovider, outcome: Outcome, step: str, kind: str
) -> None:
    wid = scheduled(cli, fake, outcome)
    fake.advance(600)
    code, out, err = cli("why", wid)
    assert (code, err) == (1, ""), "exits as wait would have for a failed execution"
    lines = out.splitlines()
    assert lines[0] == f"execution {wid} is failed in lane 2, run 1"
    assert lines[1].startswith("why: lane 2 run 1 failed")
    command = f"onedata-workflows {step} {wid} 2 1"
    assert lines[2] == f"next: {step} lane 2 run 1: {command}"
    assert "from the audit log:" in lines
    code, out, _ = cli("why", wid, "--json")
    assert code == 1
    data = json.loads(out)
    assert (data["kind"], data["nextStep"]) == (kind, step)
    assert data["plan"] == {"operation": step, "laneIndex": 2, "runNumber": 1}
    # The step it names is one the provider accepts.
    assert cli(*command.split()[1:])[0] == 0
    fake.advance(600)
    assert cli("why", wid)[0] == 0, "finished now"


def test_log_prints_the_audit_log_and_filters_it(cli: Cli, fake: FakeOneprovider) -> None:
    wid = scheduled(cli, fake, Outcome.FAIL)
    fake.advance(600)
    code, out, err = cli("log", wid)
    assert (code, err) == (0, "")
    everything = out.splitlines()
    assert any("Scheduled execution." in line for line in everything)
    code, out, _ = cli("log", wid, "--severity", "error")
    severe = out.splitlines()
    assert 0 < len(severe) < len(everything)
    assert cli("log", wid, "--tail", "2")[1].splitlines() == everything[-2:]
    entries = cli.json("log", wid)["entries"]
    assert len(entries) == len(everything)
    assert set(entries[0]) == {"index", "timestamp", "source", "severity", "content"}
    code, _, err = cli("log", "no-such-execution")
    assert code == 6
    assert "not found" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["show", "x", "--tokn", SECRET],
        ["show", "x", f"--toke={SECRET}"],
        ["show", "x", "-token", SECRET, "--json"],
        [SECRET],
        ["schedule", "s", "w", SECRET],
        ["rerun", "w", SECRET, "1", "--json"],
    ],
)
def test_a_token_in_the_wrong_place_is_never_repeated(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    """Not even a token the command cannot know is one: long values are not echoed."""
    monkeypatch.delenv("ONEDATA_TOKEN")
    code, out, err = cli(*argv)
    assert code == 2
    assert SECRET not in out + err
    assert "characters>" in out + err or "--tok" in out + err


def test_a_repair_says_what_it_did_before_it_waits_and_what_to_do_instead(
    cli: Cli, fake: FakeOneprovider
) -> None:
    wid = scheduled(cli, fake, Outcome.FAIL)
    fake.advance(600)
    code, out, err = cli("retry-failed", wid)
    assert code == 8
    assert f"instead: rerun lane 2 run 1 (onedata-workflows rerun {wid} 2 1)" in one_line(err)
    code, out, err = cli("rerun-failed", wid, "--wait")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("rerun lane 2 run 1: "), "the repair first"
    assert lines[-1] == f"execution {wid} finished"
    assert [line for line in lines if line.startswith("rerun lane")] == [lines[0]]


@pytest.mark.parametrize("port", ["70000", "-1", "http"])
def test_simulate_refuses_a_port_that_is_none(cli: Cli, port: str) -> None:
    code, out, err = cli("simulate", "--port", port)
    assert (code, out) == (2, "")
    assert "--port" in one_line(err)
