"""YAML scalars and tags: the value of a plain or tagged scalar, and mapping keys as text.

Only the YAML core tags are accepted (``!!str !!int !!float !!bool !!null !!map !!seq``);
any other tag stops the document (SG001), so no Python object is ever built from a tag.
"""

from __future__ import annotations

import math
import re
from typing import Any

from synthgov.repo.parsing.parsed import ParseFailure

__all__ = [
    "RESOLVE_START",
    "check_collection_tag",
    "key_text",
    "resolve_plain",
    "tagged_scalar",
]

_CORE = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ = _CORE + "str", _CORE + "map", _CORE + "seq"
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NULLS = {"null": None, "Null": None, "NULL": None, "~": None}
_FLOATS = {
    sign + "." + word: -math.inf if sign == "-" else math.inf
    for word in ("inf", "Inf", "INF")
    for sign in ("", "+", "-")
} | {".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan}
_SPECIAL: dict[str, Any] = {**_BOOLS, **_NULLS, **_FLOATS}
#: first characters of a plain scalar that may resolve to something other than a string
RESOLVE_START = frozenset("0123456789+-.tTfFnN~")
_NUMBER = re.compile(
    r"(?P<int>[-+]?(?:0|[1-9][0-9]*))"
    r"|0o(?P<oct>[0-7]+)"
    r"|0x(?P<hex>[0-9a-fA-F]+)"
    r"|(?P<float>[-+]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+))"
)
_TAGGED_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_MISSING = object()


def resolve_plain(value: str) -> Any:
    """The value of an untagged plain scalar (YAML-1.2-core-like rules).

    ``true``/``false`` (three spellings each) are bools; ``null``, ``~`` and the empty scalar
    are None; decimal ints without a leading zero, ``0o`` octal and ``0x`` hex are ints;
    ``1.5``, ``1e3``, ``.inf`` and ``.nan`` are floats. Everything else stays a string:
    ``NO``, ``on``, ``2024-01-05``, ``0755``, ``12:30``, ``1_000``.
    """
    if not value:
        return None
    if value[0] not in RESOLVE_START:
        return value
    special = _SPECIAL.get(value, _MISSING)
    if special is not _MISSING:
        return special
    match = _NUMBER.fullmatch(value)
    if match is None:
        return value
    kind = match.lastgroup
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        return int(value[2:], 8 if kind == "oct" else 16)
    except ValueError:  # more digits than int() accepts: keep the text
        return value


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def tagged_scalar(tag: str, value: str, line: int, column: int) -> Any:
    """The value of a scalar with an explicit tag; only the core scalar tags are accepted."""
    if tag == _STR or tag == "!":
        return value
    kind = tag[len(_CORE) :] if tag.startswith(_CORE) else ""
    if kind not in ("null", "bool", "int", "float"):
        raise ParseFailure(f"unsupported tag {_show_tag(tag)} at line {line}", line, column)
    if kind == "null" and (value == "" or value in _NULLS):
        return None
    if kind == "bool" and value in _BOOLS:
        return _BOOLS[value]
    if kind == "int" and _TAGGED_INT.fullmatch(value):
        return int(value, 0) if value[:2] in ("0o", "0x") else int(value)
    if kind == "float":
        number = resolve_plain(value)
        if type(number) in (int, float):
            return float(number)
        if _TAGGED_INT.fullmatch(value):
            return float(value)
    raise ParseFailure(f"invalid {_show_tag(tag)} value {value!r} at line {line}", line, column)


def check_collection_tag(tag: str, mapping: bool, line: int, column: int) -> None:
    """Accept ``!``, ``!!map`` on a mapping and ``!!seq`` on a sequence; stop on others."""
    if tag == "!" or tag == (_MAP if mapping else _SEQ):
        return
    if tag in (_MAP, _SEQ):
        what = "a mapping" if mapping else "a sequence"
        raise ParseFailure(f"tag {_show_tag(tag)} on {what} at line {line}", line, column)
    raise ParseFailure(f"unsupported tag {_show_tag(tag)} at line {line}", line, column)


def key_text(value: Any, line: int, column: int) -> str:
    """A mapping key as a string, with JSON's conversions for non-string scalars."""
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(value)
    raise ParseFailure(f"mapping keys must be scalars (complex key at line {line})", line, column)
