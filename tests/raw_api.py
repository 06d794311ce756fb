"""Plain httpx calls to the simulator: the tests of the simulator do not use our client."""

from __future__ import annotations

from typing import Any

import httpx

from onedata_workflows.testing import FakeOneprovider

WORKFLOWS = "/automation/execution/workflows"


class RawApi:
    """Requests as a caller of the REST API would write them, over the in-process transport."""

    def __init__(self, fake: FakeOneprovider, token: str | None = None) -> None:
        self.fake = fake
        headers = {"X-Auth-Token": token or fake.token}
        self.http = httpx.Client(
            transport=fake.transport(), base_url=fake.base_url, headers=headers
        )

    def __enter__(self) -> RawApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def schedule_response(self, schema_id: str, revision: int = 1, **extra: Any) -> httpx.Response:
        body = {
            "spaceId": self.fake.space_id,
            "atmWorkflowSchemaId": schema_id,
            "atmWorkflowSchemaRevisionNumber": revision,
            **extra,
        }
        return self.http.post(WORKFLOWS, json=body)

    def schedule(self, schema_id: str, revision: int = 1, **extra: Any) -> str:
        response = self.schedule_response(schema_id, revision, **extra)
        assert response.status_code == 201, response.text
        wid: str = response.json()["atmWorkflowExecutionId"]
        return wid

    def get(self, wid: str) -> dict[str, Any]:
        response = self.http.get(f"{WORKFLOWS}/{wid}")
        assert response.status_code == 200, response.text
        details: dict[str, Any] = response.json()
        return details

    def status(self, wid: str) -> str:
        status: str = self.get(wid)["status"]
        return status

    def act(self, wid: str, action: str, body: Any = None) -> httpx.Response:
        if action == "delete":
            return self.http.delete(f"{WORKFLOWS}/{wid}")
        return self.http.post(f"{WORKFLOWS}/{wid}/{action}", json=body)

    def ok(self, wid: str, action: str, body: Any = None) -> None:
        response = self.act(wid, action, body)
        assert response.status_code == 204, response.text

    def list(self, phase: str | None = None, **params: Any) -> dict[str, Any]:
        if phase is not None:
            params["phase"] = phase
        response = self.http.get(f"/spaces/{self.fake.space_id}{WORKFLOWS}", params=params)
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page

    def until(
        self, wid: str, status: str, *, step: float = 0.5, limit: float = 600
    ) -> dict[str, Any]:
        """Advance virtual time until the execution shows ``status``."""
        waited = 0.0
        while (details := self.get(wid))["status"] != status:
            if waited >= limit:
                raise AssertionError(f"still {details['status']} after {limit}s, not {status}")
            self.fake.advance(step)
            waited += step
        return details


def error_of(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["id"]


def runs(details: dict[str, Any], lane: int) -> list[tuple[int | None, str, str]]:
    """(runNumber, status, runType) of a lane's runs, newest first; ``lane`` is 1-based."""
    return [(r["runNumber"], r["status"], r["runType"]) for r in details["lanes"][lane - 1]["runs"]]


def flags(details: dict[str, Any], lane: int) -> list[tuple[bool, bool]]:
    """(isRerunable, isRetriable) of a lane's runs, newest first."""
    return [(r["isRerunable"], r["isRetriable"]) for r in details["lanes"][lane - 1]["runs"]]
