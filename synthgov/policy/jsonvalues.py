"""JSON values as both validators see them, for :mod:`.quickschema`'s proof.

jsonschema-rs converts Python data to JSON values before validating: only plain data
converts without complaint, and JSON compares numbers by value (``1 == 1.0``) but never a
boolean with a number (``true != 1``). :func:`plain_json` admits what converts, and
:func:`json_equal` and :func:`has_type` answer as JSON would. Whatever the proof cannot
answer raises :class:`Undecided`.
"""

from __future__ import annotations

import math
from typing import Any

INT_LIMIT = 1 << 53  # numbers compare exactly below this in both implementations
MAX_DEPTH = 256


class Undecided(Exception):
    """The proof cannot go on: the answer is None."""


def plain_json(value: Any, depth: int) -> None:
    """Raise :class:`Undecided` unless ``value`` is plain JSON data (see the module)."""
    if depth > MAX_DEPTH:
        raise Undecided
    kind = type(value)
    if kind is str:
        if not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise Undecided from None
    elif kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                raise Undecided
            plain_json(key, depth + 1)
            plain_json(item, depth + 1)
    elif kind is list or kind is tuple:
        for item in value:
            plain_json(item, depth + 1)
    elif kind is int:
        if not -INT_LIMIT <= value < INT_LIMIT:
            raise Undecided
    elif kind is float:
        if not math.isfinite(value):
            raise Undecided
    elif value is not None and kind is not bool:
        raise Undecided


def is_number(value: Any) -> bool:
    return type(value) is int or type(value) is float


def json_equal(a: Any, b: Any) -> bool:
    if is_number(a) and is_number(b):
        return bool(a == b)
    if type(a) is bool or type(b) is bool:
        return a is b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and bool(a == b)


def has_type(value: Any, name: Any) -> bool:
    if name == "object":
        return type(value) is dict
    if name == "array":
        return type(value) is list or type(value) is tuple
    if name == "string":
        return type(value) is str
    if name == "integer":
        return type(value) is int or (type(value) is float and value.is_integer())
    if name == "number":
        return is_number(value)
    if name == "boolean":
        return type(value) is bool
    if name == "null":
        return value is None
    raise Undecided
