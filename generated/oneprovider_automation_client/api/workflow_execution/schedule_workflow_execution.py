from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.workflow_execution_created import WorkflowExecutionCreated
from ...models.workflow_execution_schedule_request import (
    WorkflowExecutionScheduleRequest,
)
from ...types import Response


def _get_kwargs(
    *,
    body: WorkflowExecutionScheduleRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/automation/execution/workflows",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorResponse | WorkflowExecutionCreated | None:
    if response.status_code == 201:
        response_201 = WorkflowExecutionCreated.from_dict(response.json())

        return response_201

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ErrorResponse | WorkflowExecutionCreated]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: WorkflowExecutionScheduleRequest,
) -> Response[Any | ErrorResponse | WorkflowExecutionCreated]:
    """Schedule workflow execution

     Creates an execution of one revision of a workflow schema in a space and queues
    it. The execution exists, with status `scheduled`, before the response is sent;
    everything after that happens asynchronously.

    Requires the `space_schedule_atm_workflow_executions` privilege in the space and
    membership of the automation inventory that holds the schema.

    The schema revision is fetched from Onezone on every request, so scheduling
    fails with 503 `noConnectionToOnezone` while Onezone cannot be reached; the other
    operations go on working.

    A repeated request creates another execution: there is no idempotency key.

    Args:
        body (WorkflowExecutionScheduleRequest): What to run, where, and how to report its end.
            Example: {'spaceId': 'c17147cc3188408c26f522881282cb83ch9853', 'atmWorkflowSchemaId':
            '3e5cd02b46bfd67c44d0d1d4d8b96fa4ch0a11', 'atmWorkflowSchemaRevisionNumber': 3,
            'storeInitialContentOverlay': {'de6d2e524459dd235f80aa8652a68879b5dbe9': [{'fileId': '0000
            000000523261677569642330376134636136616638613431366334386338343366356338643562323662'}],
            '83cf895501eb11f9bc71e4b2b41a252e8561b5': {'fileId': '000000000052A6E067756964233465393866
            3463616538386232366437366539636462393634633031653733'}}, 'logLevel': 'debug', 'callback':
            'https://my-server.example.com/execution-callback'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse | WorkflowExecutionCreated]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: WorkflowExecutionScheduleRequest,
) -> Any | ErrorResponse | WorkflowExecutionCreated | None:
    """Schedule workflow execution

     Creates an execution of one revision of a workflow schema in a space and queues
    it. The execution exists, with status `scheduled`, before the response is sent;
    everything after that happens asynchronously.

    Requires the `space_schedule_atm_workflow_executions` privilege in the space and
    membership of the automation inventory that holds the schema.

    The schema revision is fetched from Onezone on every request, so scheduling
    fails with 503 `noConnectionToOnezone` while Onezone cannot be reached; the other
    operations go on working.

    A repeated request creates another execution: there is no idempotency key.

    Args:
        body (WorkflowExecutionScheduleRequest): What to run, where, and how to report its end.
            Example: {'spaceId': 'c17147cc3188408c26f522881282cb83ch9853', 'atmWorkflowSchemaId':
            '3e5cd02b46bfd67c44d0d1d4d8b96fa4ch0a11', 'atmWorkflowSchemaRevisionNumber': 3,
            'storeInitialContentOverlay': {'de6d2e524459dd235f80aa8652a68879b5dbe9': [{'fileId': '0000
            000000523261677569642330376134636136616638613431366334386338343366356338643562323662'}],
            '83cf895501eb11f9bc71e4b2b41a252e8561b5': {'fileId': '000000000052A6E067756964233465393866
            3463616538386232366437366539636462393634633031653733'}}, 'logLevel': 'debug', 'callback':
            'https://my-server.example.com/execution-callback'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse | WorkflowExecutionCreated
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: WorkflowExecutionScheduleRequest,
) -> Response[Any | ErrorResponse | WorkflowExecutionCreated]:
    """Schedule workflow execution

     Creates an execution of one revision of a workflow schema in a space and queues
    it. The execution exists, with status `scheduled`, before the response is sent;
    everything after that happens asynchronously.

    Requires the `space_schedule_atm_workflow_executions` privilege in the space and
    membership of the automation inventory that holds the schema.

    The schema revision is fetched from Onezone on every request, so scheduling
    fails with 503 `noConnectionToOnezone` while Onezone cannot be reached; the other
    operations go on working.

    A repeated request creates another execution: there is no idempotency key.

    Args:
        body (WorkflowExecutionScheduleRequest): What to run, where, and how to report its end.
            Example: {'spaceId': 'c17147cc3188408c26f522881282cb83ch9853', 'atmWorkflowSchemaId':
            '3e5cd02b46bfd67c44d0d1d4d8b96fa4ch0a11', 'atmWorkflowSchemaRevisionNumber': 3,
            'storeInitialContentOverlay': {'de6d2e524459dd235f80aa8652a68879b5dbe9': [{'fileId': '0000
            000000523261677569642330376134636136616638613431366334386338343366356338643562323662'}],
            '83cf895501eb11f9bc71e4b2b41a252e8561b5': {'fileId': '000000000052A6E067756964233465393866
            3463616538386232366437366539636462393634633031653733'}}, 'logLevel': 'debug', 'callback':
            'https://my-server.example.com/execution-callback'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse | WorkflowExecutionCreated]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: WorkflowExecutionScheduleRequest,
) -> Any | ErrorResponse | WorkflowExecutionCreated | None:
    """Schedule workflow execution

     Creates an execution of one revision of a workflow schema in a space and queues
    it. The execution exists, with status `scheduled`, before the response is sent;
    everything after that happens asynchronously.

    Requires the `space_schedule_atm_workflow_executions` privilege in the space and
    membership of the automation inventory that holds the schema.

    The schema revision is fetched from Onezone on every request, so scheduling
    fails with 503 `noConnectionToOnezone` while Onezone cannot be reached; the other
    operations go on working.

    A repeated request creates another execution: there is no idempotency key.

    Args:
        body (WorkflowExecutionScheduleRequest): What to run, where, and how to report its end.
            Example: {'spaceId': 'c17147cc3188408c26f522881282cb83ch9853', 'atmWorkflowSchemaId':
            '3e5cd02b46bfd67c44d0d1d4d8b96fa4ch0a11', 'atmWorkflowSchemaRevisionNumber': 3,
            'storeInitialContentOverlay': {'de6d2e524459dd235f80aa8652a68879b5dbe9': [{'fileId': '0000
            000000523261677569642330376134636136616638613431366334386338343366356338643562323662'}],
            '83cf895501eb11f9bc71e4b2b41a252e8561b5': {'fileId': '000000000052A6E067756964233465393866
            3463616538386232366437366539636462393634633031653733'}}, 'logLevel': 'debug', 'callback':
            'https://my-server.example.com/execution-callback'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse | WorkflowExecutionCreated
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
