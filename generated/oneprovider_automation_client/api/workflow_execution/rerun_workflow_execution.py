from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.lane_run_selector import LaneRunSelector
from ...types import Response


def _get_kwargs(
    wid: str,
    *,
    body: LaneRunSelector,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/automation/execution/workflows/{wid}/rerun".format(
            wid=quote(str(wid), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | ErrorResponse | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 415:
        response_415 = cast(Any, None)
        return response_415

    if response.status_code == 500:
        response_500 = ErrorResponse.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorResponse.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    wid: str,
    *,
    client: AuthenticatedClient | Client,
    body: LaneRunSelector,
) -> Response[Any | ErrorResponse]:
    """Rerun workflow execution

     Runs one lane of an ended (`finished`, `failed` or `cancelled`) execution again
    over every item that the chosen lane run iterated, then the lanes after it. The
    new run takes the next run number and the status becomes `scheduled`.

    The published reference says "stopped"; in fact a suspended execution answers
    `atmWorkflowExecutionNotEnded`, a `crashed` one `atmLaneExecutionRerunFailed`,
    and the lane run must be `finished`, `failed` or `cancelled` (its `isRerunable`
    flag). An unknown lane or run number answers 404 `notFound`.

    Requires `space_schedule_atm_workflow_executions` when the caller scheduled the
    execution, `space_manage_atm_workflow_executions` otherwise.

    Args:
        wid (str):
        body (LaneRunSelector): Names a lane run to repeat. The published reference does not say
            that the lane
            index is 1-based nor that the run number is the execution-wide `runNumber`
            rather than a position in the lane's list of runs. Write both numbers without
            a fraction: the service refuses `2.0`.
             Example: {'laneIndex': 2, 'laneRunNumber': 3}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse]
    """

    kwargs = _get_kwargs(
        wid=wid,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    wid: str,
    *,
    client: AuthenticatedClient | Client,
    body: LaneRunSelector,
) -> Any | ErrorResponse | None:
    """Rerun workflow execution

     Runs one lane of an ended (`finished`, `failed` or `cancelled`) execution again
    over every item that the chosen lane run iterated, then the lanes after it. The
    new run takes the next run number and the status becomes `scheduled`.

    The published reference says "stopped"; in fact a suspended execution answers
    `atmWorkflowExecutionNotEnded`, a `crashed` one `atmLaneExecutionRerunFailed`,
    and the lane run must be `finished`, `failed` or `cancelled` (its `isRerunable`
    flag). An unknown lane or run number answers 404 `notFound`.

    Requires `space_schedule_atm_workflow_executions` when the caller scheduled the
    execution, `space_manage_atm_workflow_executions` otherwise.

    Args:
        wid (str):
        body (LaneRunSelector): Names a lane run to repeat. The published reference does not say
            that the lane
            index is 1-based nor that the run number is the execution-wide `runNumber`
            rather than a position in the lane's list of runs. Write both numbers without
            a fraction: the service refuses `2.0`.
             Example: {'laneIndex': 2, 'laneRunNumber': 3}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse
    """

    return sync_detailed(
        wid=wid,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    wid: str,
    *,
    client: AuthenticatedClient | Client,
    body: LaneRunSelector,
) -> Response[Any | ErrorResponse]:
    """Rerun workflow execution

     Runs one lane of an ended (`finished`, `failed` or `cancelled`) execution again
    over every item that the chosen lane run iterated, then the lanes after it. The
    new run takes the next run number and the status becomes `scheduled`.

    The published reference says "stopped"; in fact a suspended execution answers
    `atmWorkflowExecutionNotEnded`, a `crashed` one `atmLaneExecutionRerunFailed`,
    and the lane run must be `finished`, `failed` or `cancelled` (its `isRerunable`
    flag). An unknown lane or run number answers 404 `notFound`.

    Requires `space_schedule_atm_workflow_executions` when the caller scheduled the
    execution, `space_manage_atm_workflow_executions` otherwise.

    Args:
        wid (str):
        body (LaneRunSelector): Names a lane run to repeat. The published reference does not say
            that the lane
            index is 1-based nor that the run number is the execution-wide `runNumber`
            rather than a position in the lane's list of runs. Write both numbers without
            a fraction: the service refuses `2.0`.
             Example: {'laneIndex': 2, 'laneRunNumber': 3}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse]
    """

    kwargs = _get_kwargs(
        wid=wid,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    wid: str,
    *,
    client: AuthenticatedClient | Client,
    body: LaneRunSelector,
) -> Any | ErrorResponse | None:
    """Rerun workflow execution

     Runs one lane of an ended (`finished`, `failed` or `cancelled`) execution again
    over every item that the chosen lane run iterated, then the lanes after it. The
    new run takes the next run number and the status becomes `scheduled`.

    The published reference says "stopped"; in fact a suspended execution answers
    `atmWorkflowExecutionNotEnded`, a `crashed` one `atmLaneExecutionRerunFailed`,
    and the lane run must be `finished`, `failed` or `cancelled` (its `isRerunable`
    flag). An unknown lane or run number answers 404 `notFound`.

    Requires `space_schedule_atm_workflow_executions` when the caller scheduled the
    execution, `space_manage_atm_workflow_executions` otherwise.

    Args:
        wid (str):
        body (LaneRunSelector): Names a lane run to repeat. The published reference does not say
            that the lane
            index is 1-based nor that the run number is the execution-wide `runNumber`
            rather than a position in the lane's list of runs. Write both numbers without
            a fraction: the service refuses `2.0`.
             Example: {'laneIndex': 2, 'laneRunNumber': 3}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse
    """

    return (
        await asyncio_detailed(
            wid=wid,
            client=client,
            body=body,
        )
    ).parsed
