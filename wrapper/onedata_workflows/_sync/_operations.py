# Generated from wrapper/onedata_workflows/_async/_operations.py by tools/unasync.py; do not edit.
"""Operations: the connection and every operation of the API, with typed errors.

The layer under :class:`~._client.WorkflowClient`, which adds the helpers.
Requests are built and answers read in ``_calls``, settings resolved in
``_settings``, retries decided in ``_retry``: only sending lives here.
"""

from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable, Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar

import httpx

from .. import _arguments as arguments
from .. import _calls as calls
from .. import _settings as settings
from .._audit import DEFAULT_MAX_DUMP_BYTES, AuditLog
from .._auth import TokenAuth
from .._concurrency import sync_sleep
from .._errors import OnedataError, TransportError
from .._models import Execution, ExecutionId, Phase
from .._retry import RetryPolicy
from .._wire import WorkflowExecutionList
from ._pool import ShardedTransport

if TYPE_CHECKING:
    from .._callbacks import CallbackReceiver

T = TypeVar("T")
logger = logging.getLogger("onedata_workflows")


class Operations:
    """The connection to one provider and every operation of its API, whose calls block.

    See :class:`WorkflowClient`, which adds the waiting and repair helpers.
    """

    def __init__(
        self,
        host: str | None = None,
        token: str = "",
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = settings.DEFAULT_REQUEST_TIMEOUT,
        verify: bool = True,
        ca_bundle: str | os.PathLike[str] | None = None,
        retry: RetryPolicy | None = None,
        allow_insecure_http: bool = False,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        max_connections: int = 100,
        sleep: Callable[[float], None] = sync_sleep,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = settings.api_base_url(
            host, base_url, allow_insecure_http=allow_insecure_http
        )
        """The API's base URL, ending in /api/v3/oneprovider for a real provider."""
        self._auth = TokenAuth(token)
        self.retry_policy = retry or RetryPolicy()
        """When failed calls are sent again."""
        max_connections = arguments.check_count("max_connections", max_connections)
        self._http, self._owns_http = settings.connection_pool(
            httpx.Client,
            ShardedTransport,
            http_client,
            transport,
            timeout,
            settings.tls(verify, ca_bundle),
            max_connections,
        )
        # Polls past the pool's connections would only queue in it, behind other polls.
        self._most_in_flight = max_connections if self._owns_http and transport is None else None
        self._sleep = sleep
        # A simulated provider's transport says which clock it runs on.
        self._provider_clock = getattr(transport, "clock", None)
        self._clock = clock
        self._monotonic = monotonic
        self._rng = rng or random.Random()

    @classmethod
    def from_env(cls, **options: Any) -> Self:
        """A client for ``$ONEPROVIDER_HOST`` with the token in ``$ONEDATA_TOKEN``.

        ``$ONEPROVIDER_BASE_URL``, when set, is used instead of the host. ``options``
        are the constructor's keyword arguments.
        """
        found = settings.locate()
        return cls(host=found.host, token=found.token, base_url=found.base_url, **options)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def close(self) -> None:
        """Close the connection pool (not one passed in as ``http_client``)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- sending ----------------------------------------------------------------

    def _send(self, call: calls.Call[T], *, retry: bool = True) -> tuple[T, httpx.Response]:
        """Send ``call``, retrying as the policy allows; its result and the answer."""
        attempt = 0
        while True:
            attempt += 1
            outcome = self._attempt(call)
            if not isinstance(outcome, OnedataError):
                return outcome
            # Raised here, outside any handler: no exception chain keeps a body or a request.
            delay = self._next_delay(call, outcome, attempt) if retry else None
            if delay is None:
                raise outcome
            self._sleep(delay)

    def _attempt(self, call: calls.Call[T]) -> tuple[T, httpx.Response] | OnedataError:
        """One exchange: the call's result and the answer, or the error it came to."""
        request = {**call.kwargs, "url": self.base_url + call.kwargs["url"]}
        try:
            if isinstance(call, calls.StreamedCall):
                return self._streamed(call, request)
            response = self._http.request(**request, auth=self._auth)
            logger.debug("%s %s -> %s", call.operation, call.kwargs["url"], response.status_code)
            return calls.read(call, response, secret=self._auth.secret, now=self._clock()), response
        except httpx.HTTPError as exc:
            return calls.transport_error(call, exc, self._auth.secret)
        except OnedataError as exc:
            return exc

    def _streamed(
        self, call: calls.StreamedCall[T], request: dict[str, Any]
    ) -> tuple[T, httpx.Response]:
        """Read a success as it arrives, piece by piece; anything else as usual."""
        with self._http.stream(**request, auth=self._auth) as response:
            logger.debug("%s %s -> %s", call.operation, call.kwargs["url"], response.status_code)
            if response.status_code != call.success:
                response.read()
                return calls.read(call, response, secret=self._auth.secret, now=self._clock()), (
                    response
                )
            reader = call.reader(response, self._auth.secret)
            for chunk in response.iter_bytes():
                reader.feed(chunk)
            return reader.close(), response

    def _next_delay(self, call: calls.Call[Any], error: OnedataError, attempt: int) -> float | None:
        delay = self.retry_policy.delay(call.kind, error, attempt, self._rng)
        if delay is not None:
            logger.warning(
                "%s: %s; retrying in %.2fs (attempt %d of %d)",
                call.operation,
                error,
                delay,
                attempt + 1,
                self.retry_policy.attempts,
            )
        return delay

    # -- the operations -----------------------------------------------------------

    def schedule(
        self,
        space_id: str,
        schema_id: str,
        revision: int,
        *,
        store_initial_content: Mapping[str, Any] | None = None,
        log_level: str | None = None,
        callback: str | CallbackReceiver | None = None,
    ) -> ExecutionId:
        """Schedule an execution of a workflow schema revision; return its id.

        Never sent twice: a failure after the request may have left raises, because a
        repeat could create a second execution. ``callback`` is a URL the provider
        POSTs to each time the execution stops, or a :class:`CallbackReceiver`, which
        gives the execution a URL of its own and then tells waits when to look.
        """
        receiver = None if callback is None or isinstance(callback, str) else callback
        slot = None if receiver is None else receiver.reserve()
        url = slot.url if slot is not None else callback if isinstance(callback, str) else None
        call = calls.schedule_call(
            space_id, schema_id, revision, store_initial_content, log_level, url
        )
        wid = (self._send(call))[0]
        if receiver is not None and slot is not None:
            receiver.bind(slot, wid)
        return wid

    def get(self, wid: str) -> Execution:
        """The execution's current state."""
        return (self._send(calls.get_call(wid)))[0]

    def list(
        self, space_id: str, *, phase: Phase | str | None = None, page_size: int = 1000
    ) -> Iterator[str]:
        """Ids of the space's executions in ``phase``, newest first; pages load as it goes.

        Without ``phase`` the provider lists the ongoing ones. Arguments are checked
        at once; the first request is sent when the first id is asked for.
        """
        first = calls.list_call(space_id, phase, page_size, None)
        return self._pages(first, space_id, phase, page_size)

    def _pages(
        self,
        first: calls.Call[WorkflowExecutionList],
        space_id: str,
        phase: Phase | str | None,
        page_size: int,
    ) -> Iterator[str]:
        call: calls.Call[WorkflowExecutionList] | None = first
        seen: set[str] = set()
        while call is not None:
            page, response = self._send(call)
            for wid in page.atm_workflow_executions:
                yield wid
            call = calls.next_page(
                space_id, phase, page_size, page, response, seen, self._auth.secret
            )

    def delete(self, wid: str) -> None:
        """Delete a suspended or ended execution."""
        self._send(calls.action_call("delete_workflow_execution", wid))

    def pause(self, wid: str) -> None:
        """Ask a waiting or ongoing execution to pause (it goes through ``stopping``)."""
        self._send(calls.action_call("pause_workflow_execution", wid))

    def resume(self, wid: str) -> None:
        """Resume a paused or interrupted execution."""
        self._send(calls.action_call("resume_workflow_execution", wid))

    def cancel(self, wid: str) -> None:
        """Cancel an execution that has not ended."""
        self._send(calls.action_call("cancel_workflow_execution", wid))

    def force_continue(self, wid: str) -> None:
        """Continue a failed execution from the lane after the failed one."""
        self._send(calls.action_call("force_continue_workflow_execution", wid))

    def rerun(self, wid: str, lane_index: int, run_number: int) -> None:
        """Rerun lane ``lane_index`` (from 1) over every item of its run ``run_number``."""
        self._send(calls.repeat_call("rerun_workflow_execution", wid, lane_index, run_number))

    def retry(self, wid: str, lane_index: int, run_number: int) -> None:
        """Retry lane ``lane_index`` (from 1) over the failed items of its run ``run_number``."""
        self._send(calls.repeat_call("retry_workflow_execution", wid, lane_index, run_number))

    def dump_audit_log(
        self, store_id: str, *, tail: int | None = None, max_bytes: int = DEFAULT_MAX_DUMP_BYTES
    ) -> AuditLog:
        """The entries of an audit-log store, oldest first, read as the dump arrives.

        ``tail`` keeps only the newest entries (memory stays bounded however long the
        log); a body longer than ``max_bytes`` raises :class:`ResponseParseError`, as
        does any entry that breaks the spec. A store that is not an audit log raises
        :class:`BadRequestError` (``notSupported``), an unknown one
        :class:`NotFoundError`. :meth:`audit_log` finds an execution's.
        """
        call = calls.dump_call(store_id, tail=tail, max_bytes=max_bytes)
        return (self._send(call))[0]

    def _poll(self, wid: str, *, first: bool = False) -> Execution | OnedataError:
        """One look, without the client's own retries: the waiter decides about errors.

        If the ``first`` look of a wait cannot reach the provider at all (its name does
        not resolve, it refuses, TLS fails), it is tried as any call is, and what it
        still meets is raised: a wait that never started would otherwise poll a
        mistyped host until its deadline.
        """
        try:
            return (self._send(calls.get_call(wid), retry=False))[0]
        except TransportError as error:
            if not first or error.request_sent:
                return error
        except OnedataError as error:
            return error
        # The provider was not reached: try as any call would, and give up if it fails.
        return (self._send(calls.get_call(wid)))[0]
