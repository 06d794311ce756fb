from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.workflow_execution_list import WorkflowExecutionList
from ...models.workflow_execution_phase import WorkflowExecutionPhase
from ...types import UNSET, Response, Unset


def _get_kwargs(
    sid: str,
    *,
    phase: WorkflowExecutionPhase | Unset = UNSET,
    limit: int | Unset = 1000,
    offset: int | Unset = 0,
    token: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_phase: str | Unset = UNSET
    if not isinstance(phase, Unset):
        json_phase = phase.value

    params["phase"] = json_phase

    params["limit"] = limit

    params["offset"] = offset

    params["token"] = token

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/spaces/{sid}/automation/execution/workflows".format(
            sid=quote(str(sid), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | WorkflowExecutionList | None:
    if response.status_code == 200:
        response_200 = WorkflowExecutionList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | WorkflowExecutionList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    sid: str,
    *,
    client: AuthenticatedClient | Client,
    phase: WorkflowExecutionPhase | Unset = UNSET,
    limit: int | Unset = 1000,
    offset: int | Unset = 0,
    token: str | Unset = UNSET,
) -> Response[ErrorResponse | WorkflowExecutionList]:
    """List workflow executions

     Returns one page of the ids of the executions of a space that are in the given
    phase, newest first. "Newest" is measured by the timestamp that belongs to the
    phase: schedule time for `waiting`, start time for `ongoing`, suspend time for
    `suspended` and finish time for `ended`; executions with the same timestamp
    follow in ascending order of id. An execution moves from one list to another as
    its phase changes.

    `isLast` is true when the page holds fewer than `limit` ids: a page that exactly
    fills `limit` says false even at the end of the list, and the page after it is
    empty. Page until `isLast` is true, not until a page comes back short.

    Requires membership of the space and the `space_view_atm_workflow_executions`
    privilege in it. The published reference says the list holds only executions
    of workflows from automation inventories the caller belongs to; the service
    does not filter by inventory. Authorization comes before anything else is
    looked up, so an unknown space answers 403, never 404.

    Args:
        sid (str):
        phase (WorkflowExecutionPhase | Unset): Groups of statuses, used to list executions:
            `waiting` (scheduled, resuming),
            `ongoing` (active, stopping), `suspended` (paused, interrupted) and `ended`
            (finished, failed, cancelled, crashed).
        limit (int | Unset):  Default: 1000.
        offset (int | Unset):  Default: 0.
        token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WorkflowExecutionList]
    """

    kwargs = _get_kwargs(
        sid=sid,
        phase=phase,
        limit=limit,
        offset=offset,
        token=token,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    sid: str,
    *,
    client: AuthenticatedClient | Client,
    phase: WorkflowExecutionPhase | Unset = UNSET,
    limit: int | Unset = 1000,
    offset: int | Unset = 0,
    token: str | Unset = UNSET,
) -> ErrorResponse | WorkflowExecutionList | None:
    """List workflow executions

     Returns one page of the ids of the executions of a space that are in the given
    phase, newest first. "Newest" is measured by the timestamp that belongs to the
    phase: schedule time for `waiting`, start time for `ongoing`, suspend time for
    `suspended` and finish time for `ended`; executions with the same timestamp
    follow in ascending order of id. An execution moves from one list to another as
    its phase changes.

    `isLast` is true when the page holds fewer than `limit` ids: a page that exactly
    fills `limit` says false even at the end of the list, and the page after it is
    empty. Page until `isLast` is true, not until a page comes back short.

    Requires membership of the space and the `space_view_atm_workflow_executions`
    privilege in it. The published reference says the list holds only executions
    of workflows from automation inventories the caller belongs to; the service
    does not filter by inventory. Authorization comes before anything else is
    looked up, so an unknown space answers 403, never 404.

    Args:
        sid (str):
        phase (WorkflowExecutionPhase | Unset): Groups of statuses, used to list executions:
            `waiting` (scheduled, resuming),
            `ongoing` (active, stopping), `suspended` (paused, interrupted) and `ended`
            (finished, failed, cancelled, crashed).
        limit (int | Unset):  Default: 1000.
        offset (int | Unset):  Default: 0.
        token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WorkflowExecutionList
    """

    return sync_detailed(
        sid=sid,
        client=client,
        phase=phase,
        limit=limit,
        offset=offset,
        token=token,
    ).parsed


async def asyncio_detailed(
    sid: str,
    *,
    client: AuthenticatedClient | Client,
    phase: WorkflowExecutionPhase | Unset = UNSET,
    limit: int | Unset = 1000,
    offset: int | Unset = 0,
    token: str | Unset = UNSET,
) -> Response[ErrorResponse | WorkflowExecutionList]:
    """List workflow executions

     Returns one page of the ids of the executions of a space that are in the given
    phase, newest first. "Newest" is measured by the timestamp that belongs to the
    phase: schedule time for `waiting`, start time for `ongoing`, suspend time for
    `suspended` and finish time for `ended`; executions with the same timestamp
    follow in ascending order of id. An execution moves from one list to another as
    its phase changes.

    `isLast` is true when the page holds fewer than `limit` ids: a page that exactly
    fills `limit` says false even at the end of the list, and the page after it is
    empty. Page until `isLast` is true, not until a page comes back short.

    Requires membership of the space and the `space_view_atm_workflow_executions`
    privilege in it. The published reference says the list holds only executions
    of workflows from automation inventories the caller belongs to; the service
    does not filter by inventory. Authorization comes before anything else is
    looked up, so an unknown space answers 403, never 404.

    Args:
        sid (str):
        phase (WorkflowExecutionPhase | Unset): Groups of statuses, used to list executions:
            `waiting` (scheduled, resuming),
            `ongoing` (active, stopping), `suspended` (paused, interrupted) and `ended`
            (finished, failed, cancelled, crashed).
        limit (int | Unset):  Default: 1000.
        offset (int | Unset):  Default: 0.
        token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | WorkflowExecutionList]
    """

    kwargs = _get_kwargs(
        sid=sid,
        phase=phase,
        limit=limit,
        offset=offset,
        token=token,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    sid: str,
    *,
    client: AuthenticatedClient | Client,
    phase: WorkflowExecutionPhase | Unset = UNSET,
    limit: int | Unset = 1000,
    offset: int | Unset = 0,
    token: str | Unset = UNSET,
) -> ErrorResponse | WorkflowExecutionList | None:
    """List workflow executions

     Returns one page of the ids of the executions of a space that are in the given
    phase, newest first. "Newest" is measured by the timestamp that belongs to the
    phase: schedule time for `waiting`, start time for `ongoing`, suspend time for
    `suspended` and finish time for `ended`; executions with the same timestamp
    follow in ascending order of id. An execution moves from one list to another as
    its phase changes.

    `isLast` is true when the page holds fewer than `limit` ids: a page that exactly
    fills `limit` says false even at the end of the list, and the page after it is
    empty. Page until `isLast` is true, not until a page comes back short.

    Requires membership of the space and the `space_view_atm_workflow_executions`
    privilege in it. The published reference says the list holds only executions
    of workflows from automation inventories the caller belongs to; the service
    does not filter by inventory. Authorization comes before anything else is
    looked up, so an unknown space answers 403, never 404.

    Args:
        sid (str):
        phase (WorkflowExecutionPhase | Unset): Groups of statuses, used to list executions:
            `waiting` (scheduled, resuming),
            `ongoing` (active, stopping), `suspended` (paused, interrupted) and `ended`
            (finished, failed, cancelled, crashed).
        limit (int | Unset):  Default: 1000.
        offset (int | Unset):  Default: 0.
        token (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | WorkflowExecutionList
    """

    return (
        await asyncio_detailed(
            sid=sid,
            client=client,
            phase=phase,
            limit=limit,
            offset=offset,
            token=token,
        )
    ).parsed
