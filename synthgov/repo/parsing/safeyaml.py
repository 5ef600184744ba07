"""Safe, position-aware YAML loading (SPEC section 13).

The document is built straight from the parser's event stream (libyaml's ``CParser`` when
PyYAML has it, else the pure-Python parser) in one iterative pass. No PyYAML composer or
constructor runs, so:

* no Python object is ever constructed from a tag; only the YAML core tags are accepted
  (``!!str !!int !!float !!bool !!null !!map !!seq``), any other tag is SG001;
* there is no recursion anywhere: the Cython composer, whose C recursion kills the process
  on ~50,000 nested brackets, is never used; a cheap bracket pre-scan rejects deep flow
  nesting before the parser sees the text, and depth is checked exactly as each collection
  opens, so a deep file stops after ``max_depth`` levels;
* the expanded node count is tracked exactly: every anchor remembers the size of its
  expanded subtree, so each alias adds its size in O(1) and a "billion laughs" file stops at
  the alias that crosses ``max_nodes``.

Plain scalars follow YAML-1.2-core-like rules (see :func:`resolve_plain`); quoted and block
scalars are always strings. Merge keys (``<<: *base`` or ``<<: [*a, *b]``) are supported:
keys written in the mapping win over merged ones, and earlier merge sources win over later
ones, as in PyYAML. Aliased data is shared between pointers (plain dicts and lists); pointers
inside an alias have no position of their own, so they resolve to the alias itself through
:meth:`synthgov.core.types.Document.position`.
"""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from synthgov.core.types import FileProblem, Pointer, Position
from synthgov.repo.parsing.limits import DEFAULT_LIMITS, Limits, size_problem

__all__ = ["Parsed", "decode", "load_yaml", "load_yaml_text", "resolve_plain"]


@dataclass(frozen=True)
class Parsed:
    """What a loader produces: plain JSON data, positions, and problems (SG001, SG003)."""

    data: Any
    positions: dict[Pointer, Position]
    problems: tuple[FileProblem, ...]
    ok: bool


class _Fatal(Exception):
    """Internal: the document cannot be produced (becomes one SG001 problem)."""

    def __init__(self, message: str, line: int = 1, column: int = 1, editor: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.editor = editor  # counted in editor lines already (not from a parser mark)


# -- text ------------------------------------------------------------------------------------

_OTHER_BOMS = (
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
)
_UTF8_HINT = "save the file as UTF-8 (without a byte order mark)"
# Characters YAML does not allow in a stream (YAML 1.1 c-printable), and lone surrogates.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def decode(raw: bytes) -> str | FileProblem:
    """Strict UTF-8 text of ``raw``; a UTF-8 BOM is dropped, anything else odd is SG001."""
    for bom, name in _OTHER_BOMS:
        if raw.startswith(bom):
            message = f"not valid UTF-8 text: the file starts with a {name} byte order mark"
            return FileProblem("SG001", message, hint=_UTF8_HINT)
    start = 3 if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return str(memoryview(raw)[start:], "utf-8")
    except UnicodeDecodeError as exc:
        return _invalid_utf8(raw, start + exc.start)


def _invalid_utf8(raw: bytes, offset: int) -> FileProblem:
    # a lone CR breaks a line too, in YAML as in bytes.splitlines()
    parts = raw[:offset].splitlines(keepends=True)
    if not parts or parts[-1].endswith((b"\n", b"\r")):
        line, line_start = len(parts) + 1, offset
    else:
        line, line_start = len(parts), offset - len(parts[-1])
    column = len(raw[line_start:offset].decode("utf-8", "replace")) + 1
    message = (
        f"not valid UTF-8 text: invalid byte 0x{raw[offset]:02x} at offset {offset} (line {line})"
    )
    return FileProblem("SG001", message, line, column, hint=_UTF8_HINT)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - text.rfind("\n", 0, offset)


def _bad_character(text: str, line_offset: int) -> FileProblem | None:
    found = _NOT_PRINTABLE.search(text)
    if found is None:
        return None
    line, column = line_col(text, found.start())
    code = ord(found.group())
    what = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
    message = f"not valid YAML text: {what} U+{code:04X} at line {line + line_offset}"
    return FileProblem("SG001", message, line + line_offset, column)


# -- scalars ---------------------------------------------------------------------------------

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
_RESOLVE_START = frozenset("0123456789+-.tTfFnN~")
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
    if value[0] not in _RESOLVE_START:
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


def _tagged_scalar(tag: str, value: str, line: int, column: int) -> Any:
    """The value of a scalar with an explicit tag; only the core scalar tags are accepted."""
    if tag == _STR or tag == "!":
        return value
    kind = tag[len(_CORE) :] if tag.startswith(_CORE) else ""
    if kind not in ("null", "bool", "int", "float"):
        raise _Fatal(f"unsupported tag {_show_tag(tag)} at line {line}", line, column)
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
    raise _Fatal(f"invalid {_show_tag(tag)} value {value!r} at line {line}", line, column)


def _check_collection_tag(tag: str, mapping: bool, line: int, column: int) -> None:
    if tag == "!" or tag == (_MAP if mapping else _SEQ):
        return
    if tag in (_MAP, _SEQ):
        what = "a mapping" if mapping else "a sequence"
        raise _Fatal(f"tag {_show_tag(tag)} on {what} at line {line}", line, column)
    raise _Fatal(f"unsupported tag {_show_tag(tag)} at line {line}", line, column)


def _key_text(value: Any, line: int, column: int) -> str:
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
    raise _Fatal(f"mapping keys must be scalars (complex key at line {line})", line, column)


# -- building --------------------------------------------------------------------------------

_NOKEY = object()  # the mapping is waiting for a key
_MERGE = object()  # the pending key is a merge key (<<)


def _duplicate(
    problems: list[FileProblem],
    positions: dict[Pointer, Position],
    pointer: Pointer,
    at: Position,
) -> None:
    """Report a repeated key (SG003) and forget the positions of the value it replaces."""
    first = positions.get(pointer)
    where = f" (first defined at line {first.line})" if first is not None else ""
    problem = FileProblem(
        "SG003",
        f"duplicate key {pointer[-1]!r}{where}",
        at.line,
        at.column,
        pointer,
        hint="remove one of them; only the last value is kept",
    )
    problems.append(problem)
    size = len(pointer)
    for stale in [p for p in positions if p[:size] == pointer]:
        del positions[stale]


def _missing_alias(name: str, open_anchors: list[Any], line: int, column: int) -> _Fatal:
    if name in open_anchors:
        return _Fatal(f"recursive alias *{name} at line {line}", line, column)
    return _Fatal(f"unknown alias *{name} at line {line}", line, column)


def _merge(
    target: dict[str, Any],
    value: Any,
    merged: set[str] | None,
    pointer: Pointer,
    position: Position,
    positions: dict[Pointer, Position],
) -> set[str]:
    """Merge ``value`` (a mapping or a list of mappings) into ``target``; keys already there win."""
    sources = value if isinstance(value, list) else [value]
    merged = set() if merged is None else merged
    for source in sources:
        if not isinstance(source, dict):
            message = f"merge key << expects a mapping or a list of mappings (line {position.line})"
            raise _Fatal(message, position.line, position.column)
        for key, item in source.items():
            if key not in target:
                target[key] = item
                merged.add(key)
                positions[(*pointer, key)] = position
    return merged


def _build(  # one hot loop, kept flat on purpose
    get: Callable[[], Any], limits: Limits, line_offset: int, problems: list[FileProblem]
) -> tuple[Any, dict[Pointer, Position]]:
    """Data and positions of one document, from its first node event to DocumentEnd."""
    max_nodes, max_depth = limits.max_nodes, limits.max_depth
    max_scalar = limits.max_scalar
    l0 = 1 + line_offset
    positions: dict[Pointer, Position] = {}
    anchors: dict[str, tuple[Any, int, int]] = {}
    stack: list[tuple[Any, ...]] = []
    resolve_start, plain, pos_of = _RESOLVE_START, resolve_plain, Position
    mapping_start, sequence_start = MappingStartEvent, SequenceStartEvent
    # The open collection (cur is None at the top level) and its bookkeeping.
    cur: Any = None
    is_map = False
    ptr: Pointer = ()
    key: Any = _NOKEY
    kpos: Position | None = None
    count0 = sub = depth = nodes = 0
    anchor: str | None = None
    merged: set[str] | None = None
    root: Any = None
    while True:
        ev = get()
        kind = type(ev)
        if kind is ScalarEvent:
            mark = ev.start_mark
            value = ev.value
            if ev.tag is None:
                if ev.implicit[0]:
                    value = (
                        (plain(value) if value[0] in resolve_start else value) if value else None
                    )
            else:
                value = _tagged_scalar(ev.tag, value, mark.line + l0, mark.column + 1)
            if len(ev.value) > max_scalar:
                line = mark.line + l0
                message = f"scalar at line {line} is longer than {max_scalar} characters"
                raise _Fatal(message, line, mark.column + 1)
            nodes += 1
            if ev.anchor is not None:
                anchors[ev.anchor] = (value, 1, 0)
        elif kind is mapping_start or kind is sequence_start:
            mark = ev.start_mark
            is_mapping = kind is mapping_start
            if ev.tag is not None:
                _check_collection_tag(ev.tag, is_mapping, mark.line + l0, mark.column + 1)
            depth += 1
            if depth > max_depth:
                line = mark.line + l0
                raise _Fatal(f"nesting deeper than {max_depth} levels", line, mark.column + 1)
            nodes += 1
            if is_map:
                if key is _NOKEY:
                    line = mark.line + l0
                    message = f"mapping keys must be scalars (complex key at line {line})"
                    raise _Fatal(message, line, mark.column + 1)
                new_ptr = (*ptr, "<<" if key is _MERGE else key)
                positions[new_ptr] = (
                    pos_of(mark.line + l0, mark.column + 1)
                    if ev.flow_style or kpos is None
                    else kpos
                )
            else:
                new_ptr = (*ptr, len(cur)) if cur is not None else ()
                positions[new_ptr] = pos_of(mark.line + l0, mark.column + 1)
            stack.append((cur, is_map, ptr, key, kpos, count0, sub, anchor, merged))
            cur = {} if is_mapping else []
            is_map, ptr, key, anchor, merged = is_mapping, new_ptr, _NOKEY, ev.anchor, None
            count0, sub = nodes - 1, 0
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value, sub_depth = cur, sub + 1
            if anchor is not None:
                anchors[anchor] = (value, nodes - count0, sub_depth)
            if nodes > max_nodes:
                raise _Fatal(f"document has more than {max_nodes} nodes", *_at(ev, l0))
            cur, is_map, ptr, key, kpos, count0, sub, anchor, merged = stack.pop()
            depth -= 1
            if sub_depth > sub:
                sub = sub_depth
            if is_map:
                if key is _MERGE:
                    merged = _merge(cur, value, merged, ptr, kpos, positions)
                else:
                    cur[key] = value
                key = _NOKEY
            elif cur is not None:
                cur.append(value)
            else:
                root = value
            continue
        elif kind is AliasEvent:
            mark = ev.start_mark
            line = mark.line + l0
            target = anchors.get(ev.anchor)
            if target is None:
                open_anchors = [frame[7] for frame in stack] + [anchor]
                raise _missing_alias(ev.anchor, open_anchors, line, mark.column + 1)
            value, size, sub_depth = target
            nodes += size
            if nodes > max_nodes:
                message = f"alias expansion exceeds {max_nodes} nodes (possible billion laughs)"
                raise _Fatal(message, line, mark.column + 1)
            if depth + sub_depth > max_depth:
                raise _Fatal(f"nesting deeper than {max_depth} levels", line, mark.column + 1)
            if sub_depth > sub:
                sub = sub_depth
        elif kind is DocumentEndEvent:
            return root, positions
        else:  # pragma: no cover - the parser emits no other event inside a document
            raise _Fatal(f"unexpected {kind.__name__}", *_at(ev, l0))
        # A scalar or an alias: place it.
        if is_map:
            if key is _NOKEY:
                if type(value) is not str:
                    value = _key_text(value, mark.line + l0, mark.column + 1)
                elif value == "<<" and kind is ScalarEvent and ev.tag is None and ev.implicit[0]:
                    key, kpos = _MERGE, pos_of(mark.line + l0, mark.column + 1)
                    continue
                kpos = pos_of(mark.line + l0, mark.column + 1)
                if value in cur:
                    if merged is not None and value in merged:
                        merged.discard(value)
                    else:
                        _duplicate(problems, positions, (*ptr, value), kpos)
                key = value
                continue
            if key is _MERGE:
                merged = _merge(cur, value, merged, ptr, kpos, positions)  # type: ignore[arg-type]
            else:
                positions[(*ptr, key)] = pos_of(mark.line + l0, mark.column + 1)
                cur[key] = value
            key = _NOKEY
        elif cur is not None:
            positions[(*ptr, len(cur))] = pos_of(mark.line + l0, mark.column + 1)
            cur.append(value)
        else:
            positions[()] = pos_of(mark.line + l0, mark.column + 1)
            root = value


def _at(ev: Any, l0: int) -> tuple[int, int]:
    mark = ev.start_mark
    return (mark.line + l0, mark.column + 1) if mark is not None else (l0, 1)


# -- entry points ----------------------------------------------------------------------------


class _PureParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's pure-Python event parser (used when libyaml is missing)."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


ParserFactory = Callable[[str], Any]
PURE_PARSER: ParserFactory = _PureParser
C_PARSER: ParserFactory | None = None
if yaml.__with_libyaml__:  # pragma: no branch
    from yaml.cyaml import CParser as C_PARSER  # type: ignore[attr-defined]  # stubs: no re-export
DEFAULT_PARSER: ParserFactory = C_PARSER or PURE_PARSER


def _failed(problem: FileProblem) -> Parsed:
    return Parsed(None, {}, (problem,), False)


def load_yaml(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Parse one YAML file given as bytes. Never raises."""
    too_big = size_problem(len(raw), limits)
    if too_big is not None:
        return _failed(too_big)
    text = decode(raw)
    if isinstance(text, FileProblem):
        return _failed(text)
    return load_yaml_text(text, limits)


def load_yaml_text(text: str, limits: Limits = DEFAULT_LIMITS, line_offset: int = 0) -> Parsed:
    """Parse YAML text; ``line_offset`` is added to every line (front matter). Never raises."""
    return load_with(text, limits, line_offset, DEFAULT_PARSER)


def load_with(text: str, limits: Limits, line_offset: int, parser: ParserFactory) -> Parsed:
    """:func:`load_yaml_text` with an explicit event parser (tests use the pure one)."""
    try:
        return _editor_lines(_parse(text, limits, line_offset, parser), text, line_offset)
    except _Fatal as exc:
        failed = _failed(FileProblem("SG001", exc.message, exc.line, exc.column))
        return failed if exc.editor else _editor_lines(failed, text, line_offset)
    except yaml.MarkedYAMLError as exc:
        return _editor_lines(_failed(_parse_error(exc, line_offset)), text, line_offset)
    except (yaml.reader.ReaderError, UnicodeError) as exc:
        found = _bad_character(text, line_offset)
        return _failed(found or _unexpected(exc, line_offset))
    except RecursionError:
        return _failed(FileProblem("SG001", f"nesting deeper than {limits.max_depth} levels"))
    except Exception as exc:  # noqa: BLE001 - a loader must never raise
        return _failed(_unexpected(exc, line_offset))


def _parse(text: str, limits: Limits, line_offset: int, parser: ParserFactory) -> Parsed:
    if len(text) > limits.max_bytes:
        return _failed(size_problem(len(text), limits))  # type: ignore[arg-type]
    _prescan(text, limits.max_depth, line_offset)
    get = parser(text).get_event
    get()  # StreamStartEvent
    first = get()
    if type(first) is StreamEndEvent:
        return Parsed(None, {}, (), True)
    problems: list[FileProblem] = []
    data, positions = _build(get, limits, line_offset, problems)
    after = get()
    if type(after) is not StreamEndEvent:
        line, column = _at(after, 1 + line_offset)
        raise _Fatal(f"expected a single YAML document, found another at line {line}", line, column)
    return Parsed(data, positions, tuple(problems), True)


_BRACKET = re.compile(r"[\[\]{}]")


def _prescan(text: str, max_depth: int, line_offset: int) -> None:
    """Reject flow nesting deeper than ``max_depth`` before the parser sees the text.

    A cheap, conservative scan: brackets are counted even inside quotes and comments (a
    closing bracket never takes the depth below zero). It only runs when the text has more
    opening brackets than ``max_depth``, so ordinary files pay two ``str.count`` calls.
    """
    if text.count("[") + text.count("{") <= max_depth:
        return
    depth = 0
    for match in _BRACKET.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > max_depth:
                line, column = line_col(text, match.start())
                line += line_offset
                raise _Fatal(f"nesting deeper than {max_depth} levels", line, column, True)
        elif depth:
            depth -= 1


# YAML 1.1 (libyaml, and PyYAML's reader) ends lines at U+0085, U+2028 and U+2029 too;
# editors, git and code-scanning annotations count only CR, LF and CRLF.
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")
_YAML_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_EDITOR_BREAKS = re.compile("\r\n|[\n\r]")


def _editor_lines(parsed: Parsed, text: str, line_offset: int) -> Parsed:
    """Parser marks in the lines and columns an editor shows (only when the text has one of
    the YAML-only line breaks: otherwise they are the same)."""
    if _YAML_ONLY_BREAKS.search(text) is None:
        return parsed
    from bisect import bisect_right

    yaml_starts = [0, *(m.end() for m in _YAML_BREAKS.finditer(text))]
    editor_starts = [0, *(m.end() for m in _EDITOR_BREAKS.finditer(text))]

    def convert(line: int, column: int) -> tuple[int, int]:
        row = line - 1 - line_offset
        if row < 0:
            return line, column
        # libyaml puts the end of an unterminated last line on a line of its own
        index = len(text) if row >= len(yaml_starts) else yaml_starts[row] + column - 1
        index = min(index, len(text))
        editor_row = bisect_right(editor_starts, index) - 1
        return editor_row + 1 + line_offset, index - editor_starts[editor_row] + 1

    positions = {k: Position(*convert(p.line, p.column)) for k, p in parsed.positions.items()}
    problems = tuple(
        FileProblem(p.rule, p.message, *convert(p.line, p.column), p.pointer, p.hint)
        for p in parsed.problems
    )
    return Parsed(parsed.data, positions, problems, parsed.ok)


def _parse_error(exc: yaml.MarkedYAMLError, line_offset: int) -> FileProblem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1 + line_offset, mark.column + 1) if mark else (1 + line_offset, 1)
    problem = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
    context = " ".join(str(exc.context).split()) if exc.problem and exc.context else ""
    message = f"YAML parse error: {problem}" + (f" ({context})" if context else "")
    return FileProblem("SG001", message, line, column)


def _unexpected(exc: BaseException, line_offset: int) -> FileProblem:
    text = " ".join(str(exc).split())[:200]
    return FileProblem("SG001", f"could not parse: {type(exc).__name__}: {text}", 1 + line_offset)
