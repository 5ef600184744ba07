"""Safe JSON loading with positions (SPEC section 13).

``json.loads`` builds the data. A light regex-driven scanner runs first over the same text:
it checks the nesting depth (so a deep file stops after ``max_depth`` levels, before the
decoder sees it), counts nodes, finds duplicate keys (SG003, at the repeated key) and records
the position of every value: the start of the value, except that a container that is the
value of an object key points at the key's opening quote. Keys in pointers are strings and
array indexes are ints. An empty (whitespace-only) file gives ``data=None`` and no problem,
as for YAML. ``NaN`` and ``Infinity`` are accepted, as Python's decoder does.
"""

from __future__ import annotations

import json
from json.decoder import scanstring  # type: ignore[attr-defined]  # public, not in typeshed
from typing import Any

from synthgov.core.lazyre import LazyRegex
from synthgov.core.types import FileProblem, Pointer, Position
from synthgov.repo.parsing.limits import DEFAULT_LIMITS, Limits, size_problem
from synthgov.repo.parsing.parsed import Parsed, ParseFailure, failed
from synthgov.repo.parsing.text import decode, line_col

__all__ = ["load_json"]

# A string (with escapes), a bracket or a comma, or a run of anything else (numbers,
# literals; garbage too, which json.loads then reports). Colons are skipped: in well-formed
# JSON they only separate a key from its value, and json.loads checks the form.
_TOKEN = LazyRegex(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],]|[^\s"{}\[\],:]+')
_SURROGATE_ESCAPE = LazyRegex(r"\\u[dD][89abcdefABCDEF]")


def load_json(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Parse one JSON file given as bytes. Never raises."""
    too_big = size_problem(len(raw), limits)
    if too_big is not None:
        return failed(too_big)
    text = decode(raw)
    if isinstance(text, FileProblem):
        return failed(text)
    try:
        return _load(text, limits)
    except ParseFailure as exc:
        return failed(FileProblem("SG001", exc.message, exc.line, exc.column))
    except json.JSONDecodeError as exc:
        message = f"JSON parse error: {exc.msg}"
        return failed(FileProblem("SG001", message, max(exc.lineno, 1), max(exc.colno, 1)))
    except RecursionError:
        return failed(FileProblem("SG001", f"nesting deeper than {limits.max_depth} levels"))
    except Exception as exc:  # noqa: BLE001 - a loader must never raise
        text = " ".join(str(exc).split())[:200]
        return failed(FileProblem("SG001", f"could not parse: {type(exc).__name__}: {text}"))


def _load(text: str, limits: Limits) -> Parsed:
    if not text.strip():
        return Parsed(None, {}, (), True)
    scanned = _scan(text, limits)
    data = json.loads(text)
    if _SURROGATE_ESCAPE.search(text):
        _reject_lone_surrogates(data)
    if scanned is None:  # pragma: no cover - the scanner follows every valid JSON text
        return Parsed(data, {(): Position(1, 1)}, (), True)
    positions, problems = scanned
    return Parsed(data, positions, tuple(problems), True)


def _reject_lone_surrogates(data: Any) -> None:
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        message = "not valid text: a string contains a lone surrogate escape (\\ud800-\\udfff)"
        raise ParseFailure(message, 1, 1) from exc


_Scanned = tuple[dict[Pointer, Position], list[FileProblem]]


def _duplicate(
    text: str,
    problems: list[FileProblem],
    positions: dict[Pointer, Position],
    key: str,
    ptr: Pointer,
    first: int,
    at: int,
) -> None:
    """Report a repeated key (SG003, at the repetition) and forget the positions of the value
    it replaces."""
    pointer = (*ptr, key)
    first_line = line_col(text, first)[0]
    line, column = line_col(text, at)
    problems.append(
        FileProblem(
            "SG003",
            f"duplicate key {key!r} (first defined at line {first_line})",
            line,
            column,
            pointer,
            hint="remove one of them; only the last value is kept",
        )
    )
    size = len(pointer)
    for stale in [p for p in positions if p[:size] == pointer]:
        del positions[stale]


def _too_long(text: str, at: int, max_scalar: int) -> ParseFailure:
    line, column = line_col(text, at)
    message = f"string at line {line} is longer than {max_scalar} characters"
    return ParseFailure(message, line, column)


def _scan(text: str, limits: Limits) -> _Scanned | None:  # one hot loop, flat on purpose
    """Positions and duplicate keys of a JSON text; None if the text is not well formed."""
    max_depth, max_nodes, max_scalar = limits.max_depth, limits.max_nodes, limits.max_scalar
    positions: dict[Pointer, Position] = {}
    problems: list[FileProblem] = []
    stack: list[tuple[Any, ...]] = []
    pos_of, count = Position, text.count
    is_obj: bool | None = None  # the open container is an object? None: the top level
    ptr: Pointer = ()
    keys: dict[str, int] = {}  # the keys of the open object -> their offsets
    key, key_at, index, nodes, expect_key = "", 0, 0, 0, False
    line, line_start, seen = 1, 0, 0  # line tracking: offsets before `seen` are counted
    for match in _TOKEN.finditer(text):
        token, at = match.group(), match.start()
        first = token[0]
        if first == ",":
            expect_key = is_obj is True
            continue
        if first in "}]":
            if not stack:
                return None
            (is_obj, ptr, index, keys), expect_key = stack.pop(), False
            continue
        if expect_key:
            if first != '"':
                return None
            key = token[1:-1] if "\\" not in token else scanstring(token, 1)[0]
            if key in keys:
                _duplicate(text, problems, positions, key, ptr, keys[key], at)
            keys[key], key_at, expect_key = at, at, False
            continue
        # A value starts here.
        nodes += 1
        opens = first in "{["
        if is_obj:
            pointer: Pointer = (*ptr, key)
            where = key_at if opens else at
        elif is_obj is None:
            if positions:
                return None  # a second value at the top level
            pointer, where = (), at
        else:
            pointer, where = (*ptr, index), at
            index += 1
        if newlines := count("\n", seen, where):  # values only move forward: where >= seen
            line += newlines
            line_start = text.rfind("\n", seen, where) + 1
        seen = where
        positions[pointer] = pos_of(line, where - line_start + 1)
        if opens:
            if len(stack) >= max_depth:
                raise ParseFailure(f"nesting deeper than {max_depth} levels", *line_col(text, at))
            stack.append((is_obj, ptr, index, keys))
            is_obj, ptr, index, keys = first == "{", pointer, 0, {}
            expect_key = is_obj
        elif first == '"' and len(token) - 2 > max_scalar:
            raise _too_long(text, at, max_scalar)
        if nodes > max_nodes:
            raise ParseFailure(f"document has more than {max_nodes} nodes", *line_col(text, at))
    return positions, problems
