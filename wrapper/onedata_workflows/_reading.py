"""Success bodies decoded into the structs of ``_wire``: what openapi.yaml accepts, or a reason.

msgspec decodes and checks in one pass, in C, straight into typed structs: less
time than ``json.loads`` alone takes to build dictionaries. Whatever a body holds
(not JSON, nested 100,000 deep, a 400-digit number, a null where the spec wants a
string), what comes out is a struct that matches the spec or :class:`Unreadable`.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from . import _wire

T = TypeVar("T")

_DECODERS: dict[type[Any], msgspec.json.Decoder[Any]] = {
    kind: msgspec.json.Decoder(kind)
    for kind in (
        _wire.WorkflowExecutionDetails,
        _wire.WorkflowExecutionList,
        _wire.WorkflowExecutionCreated,
    )
}
_ANY = msgspec.json.Decoder()


class Unreadable(ValueError):
    """A body that is not JSON, or not what the spec says; the message says why."""


def decode(kind: type[T], content: bytes) -> T:
    """``content`` decoded as ``kind`` (a struct of ``_wire``), or :class:`Unreadable`."""
    decoder: msgspec.json.Decoder[T] = _DECODERS[kind]
    try:
        return decoder.decode(content)
    except msgspec.ValidationError as error:
        reason = f"the body breaks the spec: {error}"
    except msgspec.DecodeError as error:
        raise Unreadable(f"the body is not JSON: {error}") from None
    except RecursionError:
        raise Unreadable("the body is nested too deeply to read") from None
    # JSON Schema counts 2.0 and 1e3 as integers, msgspec does not. Onedata never
    # writes an integer so, hence this second look only at a body that failed the first.
    try:
        return decoder.decode(msgspec.json.encode(_whole_floats_as_ints(_ANY.decode(content))))
    except (msgspec.MsgspecError, RecursionError):
        raise Unreadable(reason) from None


def convert(kind: type[T], value: object) -> T:
    """JSON already decoded (``value``) as ``kind``, accepting exactly what :func:`decode` does.

    For answers read piece by piece, whose parts are parsed as they arrive.
    """
    try:
        return msgspec.convert(value, kind)
    except msgspec.ValidationError as error:
        reason = f"it breaks the spec: {error}"
    try:
        return msgspec.convert(_whole_floats_as_ints(value), kind)
    except (msgspec.ValidationError, RecursionError):
        raise Unreadable(reason) from None


def _whole_floats_as_ints(value: object) -> object:
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, list):
        return [_whole_floats_as_ints(item) for item in value]
    if isinstance(value, dict):
        return {key: _whole_floats_as_ints(item) for key, item in value.items()}
    return value
