from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.audit_log_entry import AuditLogEntry
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    store_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/automation/execution/stores/{store_id}/dump".format(
            store_id=quote(str(store_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorResponse | list[AuditLogEntry] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for componentsschemas_audit_log_dump_item_data in _response_200:
            componentsschemas_audit_log_dump_item = AuditLogEntry.from_dict(componentsschemas_audit_log_dump_item_data)

            response_200.append(componentsschemas_audit_log_dump_item)

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

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 406:
        response_406 = cast(Any, None)
        return response_406

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
) -> Response[Any | ErrorResponse | list[AuditLogEntry]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    store_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | ErrorResponse | list[AuditLogEntry]]:
    """Download execution store dump

     Returns every entry of an audit-log store of a workflow execution, oldest
    first, as one JSON array that the service writes as it reads the store. With
    an execution's `systemAuditLogStoreId` it is the execution's own audit log:
    when it was scheduled, resumed or repeated, each lane run prepared, stopping
    (with the reason: `pause`, `cancel`, `interrupt`, `failure`, `crash` or
    `op_worker_stopping`) and stopped, automatic retries scheduled, exception
    thresholds crossed, services found unhealthy, and the status it stopped with.
    Entries below the execution's `logLevel` are not kept.

    Not in the published reference: the service has it since release 21.02.4
    (op-worker `atm_store_rest_routes.erl`, `atm_store_dump_download_handler.erl`,
    `atm_store_dump_download_utils.erl`).

    Checks, in this order: a caller without a token gets 401; an unknown store
    (or one whose execution was deleted) 404; a caller who may not read the
    execution's details (the `space_view_atm_workflow_executions` privilege and
    membership of the automation inventory that holds its schema) 403; a store
    that is not an audit log (an execution's other stores, a lane run's
    exception store) 400 `notSupported`.

    The route declares that it produces `application/octet-stream`, so a request
    whose `Accept` header excludes that type answers 406: send `Accept: */*`.
    The code that streams the answer labels it `application/json`
    (`atm_store_dump_download_utils`), but the route's declared type may reach a
    client instead: the body is JSON whichever of the two it is labelled with.

    Args:
        store_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse | list[AuditLogEntry]]
    """

    kwargs = _get_kwargs(
        store_id=store_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    store_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | ErrorResponse | list[AuditLogEntry] | None:
    """Download execution store dump

     Returns every entry of an audit-log store of a workflow execution, oldest
    first, as one JSON array that the service writes as it reads the store. With
    an execution's `systemAuditLogStoreId` it is the execution's own audit log:
    when it was scheduled, resumed or repeated, each lane run prepared, stopping
    (with the reason: `pause`, `cancel`, `interrupt`, `failure`, `crash` or
    `op_worker_stopping`) and stopped, automatic retries scheduled, exception
    thresholds crossed, services found unhealthy, and the status it stopped with.
    Entries below the execution's `logLevel` are not kept.

    Not in the published reference: the service has it since release 21.02.4
    (op-worker `atm_store_rest_routes.erl`, `atm_store_dump_download_handler.erl`,
    `atm_store_dump_download_utils.erl`).

    Checks, in this order: a caller without a token gets 401; an unknown store
    (or one whose execution was deleted) 404; a caller who may not read the
    execution's details (the `space_view_atm_workflow_executions` privilege and
    membership of the automation inventory that holds its schema) 403; a store
    that is not an audit log (an execution's other stores, a lane run's
    exception store) 400 `notSupported`.

    The route declares that it produces `application/octet-stream`, so a request
    whose `Accept` header excludes that type answers 406: send `Accept: */*`.
    The code that streams the answer labels it `application/json`
    (`atm_store_dump_download_utils`), but the route's declared type may reach a
    client instead: the body is JSON whichever of the two it is labelled with.

    Args:
        store_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse | list[AuditLogEntry]
    """

    return sync_detailed(
        store_id=store_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    store_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | ErrorResponse | list[AuditLogEntry]]:
    """Download execution store dump

     Returns every entry of an audit-log store of a workflow execution, oldest
    first, as one JSON array that the service writes as it reads the store. With
    an execution's `systemAuditLogStoreId` it is the execution's own audit log:
    when it was scheduled, resumed or repeated, each lane run prepared, stopping
    (with the reason: `pause`, `cancel`, `interrupt`, `failure`, `crash` or
    `op_worker_stopping`) and stopped, automatic retries scheduled, exception
    thresholds crossed, services found unhealthy, and the status it stopped with.
    Entries below the execution's `logLevel` are not kept.

    Not in the published reference: the service has it since release 21.02.4
    (op-worker `atm_store_rest_routes.erl`, `atm_store_dump_download_handler.erl`,
    `atm_store_dump_download_utils.erl`).

    Checks, in this order: a caller without a token gets 401; an unknown store
    (or one whose execution was deleted) 404; a caller who may not read the
    execution's details (the `space_view_atm_workflow_executions` privilege and
    membership of the automation inventory that holds its schema) 403; a store
    that is not an audit log (an execution's other stores, a lane run's
    exception store) 400 `notSupported`.

    The route declares that it produces `application/octet-stream`, so a request
    whose `Accept` header excludes that type answers 406: send `Accept: */*`.
    The code that streams the answer labels it `application/json`
    (`atm_store_dump_download_utils`), but the route's declared type may reach a
    client instead: the body is JSON whichever of the two it is labelled with.

    Args:
        store_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse | list[AuditLogEntry]]
    """

    kwargs = _get_kwargs(
        store_id=store_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    store_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | ErrorResponse | list[AuditLogEntry] | None:
    """Download execution store dump

     Returns every entry of an audit-log store of a workflow execution, oldest
    first, as one JSON array that the service writes as it reads the store. With
    an execution's `systemAuditLogStoreId` it is the execution's own audit log:
    when it was scheduled, resumed or repeated, each lane run prepared, stopping
    (with the reason: `pause`, `cancel`, `interrupt`, `failure`, `crash` or
    `op_worker_stopping`) and stopped, automatic retries scheduled, exception
    thresholds crossed, services found unhealthy, and the status it stopped with.
    Entries below the execution's `logLevel` are not kept.

    Not in the published reference: the service has it since release 21.02.4
    (op-worker `atm_store_rest_routes.erl`, `atm_store_dump_download_handler.erl`,
    `atm_store_dump_download_utils.erl`).

    Checks, in this order: a caller without a token gets 401; an unknown store
    (or one whose execution was deleted) 404; a caller who may not read the
    execution's details (the `space_view_atm_workflow_executions` privilege and
    membership of the automation inventory that holds its schema) 403; a store
    that is not an audit log (an execution's other stores, a lane run's
    exception store) 400 `notSupported`.

    The route declares that it produces `application/octet-stream`, so a request
    whose `Accept` header excludes that type answers 406: send `Accept: */*`.
    The code that streams the answer labels it `application/json`
    (`atm_store_dump_download_utils`), but the route's declared type may reach a
    client instead: the body is JSON whichever of the two it is labelled with.

    Args:
        store_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse | list[AuditLogEntry]
    """

    return (
        await asyncio_detailed(
            store_id=store_id,
            client=client,
        )
    ).parsed
