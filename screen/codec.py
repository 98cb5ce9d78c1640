"""Frozen values to JSON and back, driven by their type hints (for the cache).

Only data comes back: dataclasses, tuples, frozensets, dicts, enums, strings,
numbers, booleans and None. Nothing in a cached file can run code, unlike a
pickle. Decoders are built once per type and reused.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
import types
import typing
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

Decoder = Callable[[Any], Any]


class CodecError(ValueError):
    """Cached data that does not fit the type it should decode to."""


def dumps(value: Any) -> bytes:
    """``value`` as compact JSON bytes (frozensets sorted, so the bytes are deterministic)."""
    return json.dumps(_encode(value), ensure_ascii=False, separators=(",", ":")).encode()


def loads(data: bytes, kind: Any) -> Any:
    """Decode JSON bytes made by :func:`dumps` into a value of type ``kind``."""
    try:
        return decoder(kind)(json.loads(data))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise CodecError(f"cached data does not decode ({type(exc).__name__})") from None


def _encode(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [_encode(getattr(value, f.name)) for f in _fields(type(value))]
    if isinstance(value, (tuple, list)):
        return [_encode(item) for item in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_encode(item) for item in value), key=repr)
    if isinstance(value, dict):
        return [[_encode(k), _encode(v)] for k, v in value.items()]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    """The fields a value is built from (private, non-init fields are rebuilt, not stored)."""
    return tuple(f for f in dataclasses.fields(cls) if f.init and not f.name.startswith("_"))


@cache
def decoder(kind: Any) -> Decoder:
    """A function that turns decoded JSON into a value of type ``kind``."""
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass_decoder(kind)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind
    if kind in (str, int, float, bool):
        return _exact(kind)
    if kind is type(None):
        return _none
    if kind is date:
        return date.fromisoformat
    if kind is bytes:
        return _bytes
    if kind is Any:
        return _plain
    if origin in (typing.Union, types.UnionType):
        options = [decoder(arg) for arg in args if arg is not type(None)]
        return _union(options, type(None) in args)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = decoder(args[0])
            return lambda data: tuple(item(x) for x in data)
        parts = [decoder(arg) for arg in args]
        return lambda data: tuple(part(x) for part, x in zip(parts, data, strict=True))
    if origin in (list,):
        item = decoder(args[0])
        return lambda data: [item(x) for x in data]
    if origin in (frozenset, set):
        item = decoder(args[0])
        return lambda data: frozenset(item(x) for x in data)
    if origin is dict:
        key, val = decoder(args[0]), decoder(args[1])
        return lambda data: {key(k): val(v) for k, v in data}
    raise TypeError(f"no decoder for {kind!r}")


def _dataclass_decoder(cls: type) -> Decoder:
    hints = typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
    fields = _fields(cls)
    names = [f.name for f in fields]
    decoders = [decoder(hints[name]) for name in names]

    def build(data: Any) -> Any:
        if not isinstance(data, list) or len(data) != len(decoders):
            raise ValueError("wrong number of fields")
        return cls(**{n: d(x) for n, d, x in zip(names, decoders, data, strict=True)})

    return build


def _exact(kind: type) -> Decoder:
    def check(data: Any) -> Any:
        if kind is float and isinstance(data, int) and not isinstance(data, bool):
            return float(data)
        if type(data) is not kind:
            raise TypeError(f"expected {kind.__name__}")
        return data

    return check


def _bytes(data: Any) -> bytes:
    if not isinstance(data, str):
        raise TypeError("expected bytes as text")
    return data.encode("latin-1")


def _none(data: Any) -> None:
    if data is not None:
        raise TypeError("expected null")


def _plain(data: Any) -> Any:
    return data


def _union(options: list[Decoder], nullable: bool) -> Decoder:
    def pick(data: Any) -> Any:
        if data is None and nullable:
            return None
        for option in options:
            try:
                return option(data)
            except (TypeError, ValueError):
                continue
        raise TypeError("no type of the union fits")

    return pick
