"""Where the provider is and how to reach it: resolved once, for the library and the command.

A host becomes ``https://{host}/api/v3/oneprovider``; a base URL is taken as given.
Explicit values win over the environment (``ONEPROVIDER_HOST`` or
``ONEPROVIDER_BASE_URL``, ``ONEDATA_TOKEN``). Plain http goes only to loopback
unless allowed, TLS is verified (against a CA bundle if given), and every request
has a timeout. The connection pool is built here too, so both clients own and
close it in the same way.
"""

from __future__ import annotations

import ipaddress
import os
import ssl
from collections.abc import Callable, Mapping
from typing import TypeVar
from urllib.parse import urlsplit

import attrs
import httpx

from . import _arguments as arguments

API_PATH = "/api/v3/oneprovider"
ENV_HOST = "ONEPROVIDER_HOST"
ENV_BASE_URL = "ONEPROVIDER_BASE_URL"
ENV_TOKEN = "ONEDATA_TOKEN"
DEFAULT_REQUEST_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
"""30 s to read an answer, 10 s to connect: the generated client's default is no timeout."""


class MissingSettings(ValueError):
    """Neither an argument nor the environment says where the provider is, or the token.

    ``missing`` names what is missing: ``"provider"``, ``"token"`` or both.
    """

    def __init__(self, missing: tuple[str, ...]) -> None:
        self.missing = missing
        ways = {
            "provider": f"host or base_url (or ${ENV_HOST} or ${ENV_BASE_URL})",
            "token": f"token (or ${ENV_TOKEN})",
        }
        super().__init__("give " + " and ".join(ways[name] for name in missing))


@attrs.frozen
class Location:
    """Where the provider is and the token to show it: what arguments and environment said."""

    host: str | None
    base_url: str | None
    token: str = attrs.field(repr=False)


def locate(
    *,
    host: str | None = None,
    base_url: str | None = None,
    token: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Location:
    """Fill in what the arguments leave out from the environment; raise what is still missing.

    A base URL from either source is preferred to a host from the environment.
    """
    env = os.environ if environ is None else environ
    if host is None and base_url is None:
        base_url = env.get(ENV_BASE_URL) or None
        host = None if base_url else env.get(ENV_HOST) or None
    token = token if token is not None else env.get(ENV_TOKEN) or None
    missing = tuple(
        name for name, value in (("provider", host or base_url), ("token", token)) if value is None
    )
    if missing:
        raise MissingSettings(missing)
    assert token is not None
    return Location(host, base_url, token)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@attrs.frozen
class Spelling:
    """How the caller names each setting, so that a refusal names what to change."""

    host: str = "host"
    base_url: str = "base_url"
    allow_http: str = "allow_insecure_http=True"


LIBRARY_SPELLING = Spelling()


def api_base_url(
    host: str | None,
    base_url: str | None,
    *,
    allow_insecure_http: bool,
    spelling: Spelling = LIBRARY_SPELLING,
) -> str:
    """The API's base URL from a host or a base URL (exactly one), checked.

    Refusals name the settings as ``spelling`` says (the command's flags, or the
    client's arguments).
    """
    if (host is None) == (base_url is None):
        raise ValueError(
            f"give either {spelling.host} (for https://{{host}}{API_PATH}) or {spelling.base_url}"
        )
    if host is not None:
        base_url = _host_url(arguments.check_text("host", host), spelling)
    assert base_url is not None
    parts = urlsplit(arguments.check_text("base_url", base_url))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{spelling.base_url} must be an http(s) URL, not {base_url!r}")
    if parts.scheme == "http" and not _is_loopback(parts.hostname) and not allow_insecure_http:
        raise ValueError(
            f"refusing plain http to {parts.hostname}: the token would travel in clear. "
            f"Use https, or pass {spelling.allow_http} if you must."
        )
    return base_url.rstrip("/")


def host_of(given: str, spelling: Spelling = LIBRARY_SPELLING) -> str:
    """The domain in ``given`` when it is the provider's https URL, else ``given`` itself.

    For the command, whose users paste URLs: any other URL is refused, naming the
    setting it belongs to. The library itself takes only a domain as ``host``.
    """
    if "://" not in given:
        return given
    parts = urlsplit(given)
    path = parts.path.rstrip("/")
    plain = parts.netloc and "@" not in parts.netloc and not (parts.query or parts.fragment)
    if parts.scheme == "https" and plain and path in ("", API_PATH):
        return parts.netloc
    if parts.scheme == "http" and plain:
        raise ValueError(
            f"{spelling.host} always means https; for plain http give "
            f"{spelling.base_url} http://{parts.netloc}{path or API_PATH} "
            f"(and {spelling.allow_http} unless it is this machine)"
        )
    shown = given if "@" not in parts.netloc else "(a URL with credentials, not repeated)"
    raise ValueError(
        f"{spelling.host} takes the provider's domain, not the URL {shown}: "
        f"give the API's full URL as {spelling.base_url}"
    )


def _host_url(host: str, spelling: Spelling) -> str:
    """``https://{host}/api/v3/oneprovider``."""
    if "/" in host:
        raise ValueError(
            f"{spelling.host} must be a domain with an optional port, not {host!r}"
            + (f"; give a URL as {spelling.base_url}" if "://" in host else "")
        )
    return f"https://{host}{API_PATH}"


def tls(verify: bool, ca_bundle: str | os.PathLike[str] | None) -> bool | ssl.SSLContext:
    """What httpx's ``verify`` should be: True, False, or a context with the CA bundle."""
    if ca_bundle is not None:
        if not verify:
            raise ValueError("ca_bundle needs verify=True")
        return ssl.create_default_context(cafile=os.fspath(ca_bundle))
    return verify


Pool = TypeVar("Pool", httpx.Client, httpx.AsyncClient)
KEEPALIVE_EXPIRY = 60.0
"""Seconds an idle connection is kept: polls minutes apart still find it open (under the
75 s that common proxies keep one), where httpx's default of 5 s would reconnect each time."""


def connection_pool(
    make: Callable[..., Pool],
    sharded: Callable[..., object],
    given: Pool | None,
    transport: object | None,
    timeout: float | httpx.Timeout,
    verify: bool | ssl.SSLContext,
    max_connections: int,
) -> tuple[Pool, bool]:
    """The connection pool to use, and whether the client owns (and so closes) it.

    An owned pool is ``sharded`` (see ``_pool``): it opens at most ``max_connections``
    and keeps every one alive, so many waits at once reuse their connections.
    """
    if given is not None and transport is not None:
        raise ValueError("give http_client or transport, not both")
    if given is not None:
        return given, False
    if transport is None:
        transport = sharded(
            max_connections=max_connections, verify=verify, keepalive_expiry=KEEPALIVE_EXPIRY
        )
    return make(timeout=timeout, verify=verify, transport=transport), True


def longest_request(timeout: httpx.Timeout) -> float:
    """The longest one request may take by the pool's timeouts (30 s if they set none)."""
    bounds = [t for t in (timeout.connect, timeout.read, timeout.write, timeout.pool) if t]
    return max(bounds, default=30.0)
