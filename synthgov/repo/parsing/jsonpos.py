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
from synthgov.repo.parsing.safeyaml import Parsed, decode, line_col

__all__ = ["load_json"]

# A string (with escapes), one punctuation character, or a run of anything else (numbers,
# literals; garbage too, which json.loads then reports).
_TOKEN = LazyRegex(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\],:]|[^\s"{}\[\],:]+')
_SURROGATE_ESCAPE = LazyRegex(r"\\u[dD][89abcdefABCDEF]")


class _Fatal(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def _failed(problem: FileProblem) -> Parsed:
    return Parsed(None, {}, (problem,), False)


def load_json(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Parse one JSON file given as bytes. Never raises."""
    too_big = size_problem(len(raw), limits)
    if too_big is not None:
        return _failed(too_big)
    text = decode(raw)
    if isinstance(text, FileProblem):
        return _failed(text)
    try:
        return _load(text, limits)
    except _Fatal as exc:
        return _failed(FileProblem("SG001", exc.message, exc.line, exc.column))
    except json.JSONDecodeError as exc:
        message = f"JSON parse error: {exc.msg}"
        return _failed(FileProblem("SG001", message, max(exc.lineno, 1), max(exc.colno, 1)))
    except RecursionError:
        return _failed(FileProblem("SG001", f"nesting deeper than {limits.max_depth} levels"))
    except Exception as exc:  # noqa: BLE001 - a loader must never raise
        text = " ".join(str(exc).split())[:200]
        return _failed(FileProblem("SG001", f"could not parse: {type(exc).__name__}: {text}"))


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
        raise _Fatal(message, 1, 1) from exc


def _duplicate(text: str, key: str, pointer: Pointer, first: int, at: int) -> FileProblem:
    first_line = line_col(text, first)[0]
    line, column = line_col(text, at)
    return FileProblem(
        "SG003",
        f"duplicate key {key!r} (first defined at line {first_line})",
        line,
        column,
        pointer,
        hint="remove one of them; only the last value is kept",
    )


def _forget(positions: dict[Pointer, Position], pointer: Pointer) -> None:
    """Drop the positions of a value that a duplicate key replaces."""
    size = len(pointer)
    for stale in [p for p in positions if p[:size] == pointer]:
        del positions[stale]


def _scan(  # one hot loop, kept flat on purpose
    text: str, limits: Limits
) -> tuple[dict[Pointer, Position], list[FileProblem]] | None:
    """Positions and duplicate keys of a JSON text; None if the text is not well formed."""
    max_depth, max_nodes, max_scalar = limits.max_depth, limits.max_nodes, limits.max_scalar
    positions: dict[Pointer, Position] = {}
    problems: list[FileProblem] = []
    stack: list[tuple[Any, ...]] = []
    pos_of, count = Position, text.count
    # The open container: is_obj is None at the top level; keys maps key -> offset.
    is_obj: bool | None = None
    ptr: Pointer = ()
    index = 0
    keys: dict[str, int] = {}
    key = ""
    key_at = 0
    expect_key = False
    nodes = 0
    line, line_start, seen = 1, 0, 0  # line tracking: offsets before `seen` are counted
    for match in _TOKEN.finditer(text):
        token = match.group()
        first = token[0]
        at = match.start()
        if first == ",":
            expect_key = is_obj is True
            continue
        if first == ":":
            continue
        if first == "}" or first == "]":
            if not stack:
                return None
            is_obj, ptr, index, keys = stack.pop()
            expect_key = False
            continue
        if expect_key:
            if first != '"':
                return None
            key = token[1:-1] if "\\" not in token else scanstring(token, 1)[0]
            if key in keys:
                problems.append(_duplicate(text, key, (*ptr, key), keys[key], at))
                _forget(positions, (*ptr, key))
            keys[key] = at
            key_at, expect_key = at, False
            continue
        # A value starts here.
        nodes += 1
        opens = first == "{" or first == "["
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
        if where > seen:
            newlines = count("\n", seen, where)
            if newlines:
                line += newlines
                line_start = text.rfind("\n", seen, where) + 1
            seen = where
        positions[pointer] = pos_of(line, where - line_start + 1)
        if opens:
            if len(stack) >= max_depth:
                raise _Fatal(f"nesting deeper than {max_depth} levels", *line_col(text, at))
            stack.append((is_obj, ptr, index, keys))
            is_obj, ptr, index, keys = first == "{", pointer, 0, {}
            expect_key = is_obj
        elif first == '"' and len(token) - 2 > max_scalar:
            line_no, column = line_col(text, at)
            message = f"string at line {line_no} is longer than {max_scalar} characters"
            raise _Fatal(message, line_no, column)
        if nodes > max_nodes:
            raise _Fatal(f"document has more than {max_nodes} nodes", *line_col(text, at))
    return positions, problems
