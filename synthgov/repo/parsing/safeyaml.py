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

The pieces: :mod:`~synthgov.repo.parsing.text` (decoding, editor lines),
:mod:`~synthgov.repo.parsing.scalars` (plain and tagged scalars),
:mod:`~synthgov.repo.parsing.yamlnodes` (data and positions from the events), and this
module (the entry points, the event parser, the bracket pre-scan, parse errors).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml.events import StreamEndEvent

from synthgov.core.types import FileProblem
from synthgov.repo.parsing.limits import DEFAULT_LIMITS, Limits, size_problem
from synthgov.repo.parsing.parsed import Parsed, ParseFailure, failed
from synthgov.repo.parsing.scalars import resolve_plain
from synthgov.repo.parsing.text import bad_character, decode, editor_lines, line_col
from synthgov.repo.parsing.yamlnodes import build, event_at

__all__ = ["Parsed", "decode", "line_col", "load_yaml", "load_yaml_text", "resolve_plain"]


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


def load_yaml(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Parse one YAML file given as bytes. Never raises."""
    too_big = size_problem(len(raw), limits)
    if too_big is not None:
        return failed(too_big)
    text = decode(raw)
    if isinstance(text, FileProblem):
        return failed(text)
    return load_yaml_text(text, limits)


def load_yaml_text(text: str, limits: Limits = DEFAULT_LIMITS, line_offset: int = 0) -> Parsed:
    """Parse YAML text; ``line_offset`` is added to every line (front matter). Never raises."""
    return load_with(text, limits, line_offset, DEFAULT_PARSER)


def load_with(text: str, limits: Limits, line_offset: int, parser: ParserFactory) -> Parsed:
    """:func:`load_yaml_text` with an explicit event parser (tests use the pure one)."""
    try:
        return editor_lines(_parse(text, limits, line_offset, parser), text, line_offset)
    except ParseFailure as exc:
        stopped = failed(FileProblem("SG001", exc.message, exc.line, exc.column))
        return stopped if exc.editor else editor_lines(stopped, text, line_offset)
    except yaml.MarkedYAMLError as exc:
        return editor_lines(failed(_parse_error(exc, line_offset)), text, line_offset)
    except (yaml.reader.ReaderError, UnicodeError) as exc:
        found = bad_character(text, line_offset)
        return failed(found or _unexpected(exc, line_offset))
    except RecursionError:
        return failed(FileProblem("SG001", f"nesting deeper than {limits.max_depth} levels"))
    except Exception as exc:  # noqa: BLE001 - a loader must never raise
        return failed(_unexpected(exc, line_offset))


def _parse(text: str, limits: Limits, line_offset: int, parser: ParserFactory) -> Parsed:
    if len(text) > limits.max_bytes:
        return failed(size_problem(len(text), limits))  # type: ignore[arg-type]
    _prescan(text, limits.max_depth, line_offset)
    get = parser(text).get_event
    get()  # StreamStartEvent
    first = get()
    if type(first) is StreamEndEvent:
        return Parsed(None, {}, (), True)
    problems: list[FileProblem] = []
    data, positions = build(get, limits, line_offset, problems)
    after = get()
    if type(after) is not StreamEndEvent:
        line, column = event_at(after, 1 + line_offset)
        raise ParseFailure(
            f"expected a single YAML document, found another at line {line}", line, column
        )
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
                raise ParseFailure(f"nesting deeper than {max_depth} levels", line, column, True)
        elif depth:
            depth -= 1


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
