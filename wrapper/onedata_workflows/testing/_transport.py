"""The simulator as an httpx transport, for sync and async clients in the same process."""

from __future__ import annotations

import httpx

from ._clock import Clock
from ._faults import Disconnect
from ._service import Exchange, RawRequest


class FakeTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Hands httpx requests to a :class:`FakeOneprovider` without any network.

    ``clock`` is the provider's clock, for a client that wants to know whether its
    waits run on simulated time (a :class:`VirtualClock` moves only when told to).
    """

    def __init__(self, fake: Exchange, *, clock: Clock | None = None) -> None:
        self._fake = fake
        self.clock = clock

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        return self._respond(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        return self._respond(request)

    def _respond(self, request: httpx.Request) -> httpx.Response:
        path, _, query = request.url.raw_path.decode("ascii").partition("?")
        raw = RawRequest(
            method=request.method,
            path=path,
            query=query,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=request.content,
        )
        try:
            answer = self._fake.exchange(raw)
        except Disconnect as drop:
            if drop.refused:
                raise httpx.ConnectError("connection refused (injected)", request=request) from None
            raise httpx.RemoteProtocolError(
                "server disconnected without sending a response (injected)", request=request
            ) from None
        return httpx.Response(
            answer.status, headers=list(answer.headers), content=answer.body, request=request
        )
