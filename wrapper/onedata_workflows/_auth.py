"""The access token: checked once, sent per request, and blanked from anything printed.

The token lives in one :class:`TokenAuth` per client and nowhere else: no client-wide
header, no repr, no exception or log record holds it. Text that came from a server
(which may echo the token back) goes through :func:`redact` before it is kept.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

SNIPPET_LENGTH = 300
"""How much of a body an error keeps, for people to read."""
MIN_SECRET_LENGTH = 8
"""Shorter strings are not real tokens, and blanking them would garble the text."""


def check_token(token: object) -> str:
    """The token, if it can travel as an ``X-Auth-Token`` header value.

    A token with surrounding whitespace, a control character or a character outside
    ASCII would fail inside httpx, whose error quotes the header value; the message
    here never does.
    """
    if not isinstance(token, str):
        raise TypeError(f"token must be a string, not {type(token).__name__}")
    if not token.strip():
        raise ValueError("token must not be empty or blank")
    if token != token.strip():
        raise ValueError("token must not start or end with whitespace (check how it was read)")
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in token):
        raise ValueError("token must not contain control characters such as a newline")
    if not token.isascii() or " " in token:
        raise ValueError("token must be printable ASCII without spaces, as Onedata's tokens are")
    return token


class TokenAuth(httpx.Auth):
    """Adds the token to each request, so no client-wide header (or repr) ever holds it."""

    def __init__(self, token: str) -> None:
        self._token = check_token(token)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["X-Auth-Token"] = self._token
        yield request

    @property
    def secret(self) -> str:
        """The token, for blanking it from text that came back (never print it)."""
        return self._token

    def __repr__(self) -> str:
        return "TokenAuth(token=<hidden>)"


def redact(text: str, secret: str | None) -> str:
    """``text`` with ``secret`` blanked, should a server have echoed it."""
    if secret and len(secret) >= MIN_SECRET_LENGTH:
        return text.replace(secret, "[token]")
    return text


def snippet(content: bytes, secret: str | None = None) -> str:
    """A bounded, printable excerpt of a body, with the token blanked should it appear.

    The whole body is redacted before it is cut, so a token that straddles the cut
    leaves no prefix behind.
    """
    text = content[: SNIPPET_LENGTH * 4 + len(secret or "") * 4].decode("utf-8", errors="replace")
    text = redact(text, secret)
    return text[:SNIPPET_LENGTH] + ("…" if len(text) > SNIPPET_LENGTH else "")
