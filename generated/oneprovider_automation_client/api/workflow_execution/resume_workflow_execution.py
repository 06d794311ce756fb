from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    wid: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/automation/execution/workflows/{wid}/resume".format(
            wid=quote(str(wid), safe=""),
        ),
    }

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
) -> Response[Any | ErrorResponse]:
    """Resume workflow execution

     Continues a `paused` or `interrupted` execution with the same lane run it was
    suspended in. On return the status is `resuming`. Any other status answers
    `atmWorkflowExecutionNotResumable`.

    Requires `space_schedule_atm_workflow_executions` when the caller scheduled the
    execution, `space_manage_atm_workflow_executions` otherwise.

    Args:
        wid (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse]
    """

    kwargs = _get_kwargs(
        wid=wid,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    wid: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | ErrorResponse | None:
    """Resume workflow execution

     Continues a `paused` or `interrupted` execution with the same lane run it was
    suspended in. On return the status is `resuming`. Any other status answers
    `atmWorkflowExecutionNotResumable`.

    Requires `space_schedule_atm_workflow_executions` when the caller scheduled the
    execution, `space_manage_atm_workflow_executions` otherwise.

    Args:
        wid (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse
    """

    return sync_detailed(
        wid=wid,
        client=client,
    ).parsed


async def asyncio_detailed(
    wid: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | ErrorResponse]:
    """Resume workflow execution

     Continues a `paused` or `interrupted` execution with the same lane run it was
    suspended in. On return the status is `resuming`. Any other status answers
    `atmWorkflowExecutionNotResumable`.

    Requires `space_schedule_atm_workflow_executions` when the caller scheduled the
    execution, `space_manage_atm_workflow_executions` otherwise.

    Args:
        wid (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse]
    """

    kwargs = _get_kwargs(
        wid=wid,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    wid: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | ErrorResponse | None:
    """Resume workflow execution

     Continues a `paused` or `interrupted` execution with the same lane run it was
    suspended in. On return the status is `resuming`. Any other status answers
    `atmWorkflowExecutionNotResumable`.

    Requires `space_schedule_atm_workflow_executions` when the caller scheduled the
    execution, `space_manage_atm_workflow_executions` otherwise.

    Args:
        wid (str):

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
        )
    ).parsed
