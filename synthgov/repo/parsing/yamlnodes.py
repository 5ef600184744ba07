"""Data and positions of one YAML document, built from the parser's event stream.

One iterative pass, no recursion, no PyYAML composer or constructor: :func:`build` is one
flat loop over the events with its state in local variables, the hot path of every run
(docs/decisions.md says why it is not split into a step per event kind: that costs 8-10% of
the YAML parse time). Rare paths (tags, keys that are not strings, merge keys, duplicate
keys, unknown aliases) are helpers here and in :mod:`~synthgov.repo.parsing.scalars`.
Limits are checked as the events arrive: depth as each collection opens, and the
EXPANDED node count exactly (every
anchor remembers the size and depth of its subtree, so an alias adds them in O(1) and a
"billion laughs" file stops at the alias that crosses ``max_nodes``).

Merge keys (``<<: *base`` or ``<<: [*a, *b]``): keys written in the mapping win over merged
ones, and earlier merge sources win over later ones, as in PyYAML. A repeated key is SG003
at the repeated key, and the value it replaces loses its positions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from synthgov.core.types import FileProblem, Pointer, Position
from synthgov.repo.parsing.limits import Limits
from synthgov.repo.parsing.parsed import ParseFailure
from synthgov.repo.parsing.scalars import (
    RESOLVE_START,
    check_collection_tag,
    key_text,
    resolve_plain,
    tagged_scalar,
)

__all__ = ["build", "event_at"]

_NOKEY = object()  # the mapping is waiting for a key
_MERGE = object()  # the pending key is a merge key (<<)


def build(  # one hot loop, kept flat on purpose (docs/decisions.md)
    get: Callable[[], Any], limits: Limits, line_offset: int, problems: list[FileProblem]
) -> tuple[Any, dict[Pointer, Position]]:
    """Data and positions of one document, from its first node event to DocumentEnd."""
    max_nodes, max_depth = limits.max_nodes, limits.max_depth
    max_scalar = limits.max_scalar
    l0 = 1 + line_offset
    positions: dict[Pointer, Position] = {}
    anchors: dict[str, tuple[Any, int, int]] = {}
    stack: list[tuple[Any, ...]] = []
    resolve_start, plain, pos_of = RESOLVE_START, resolve_plain, Position
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
                value = tagged_scalar(ev.tag, value, mark.line + l0, mark.column + 1)
            if len(ev.value) > max_scalar:
                line = mark.line + l0
                message = f"scalar at line {line} is longer than {max_scalar} characters"
                raise ParseFailure(message, line, mark.column + 1)
            nodes += 1
            if ev.anchor is not None:
                anchors[ev.anchor] = (value, 1, 0)
        elif kind is mapping_start or kind is sequence_start:
            mark = ev.start_mark
            is_mapping = kind is mapping_start
            if ev.tag is not None:
                check_collection_tag(ev.tag, is_mapping, mark.line + l0, mark.column + 1)
            depth += 1
            if depth > max_depth:
                line = mark.line + l0
                raise ParseFailure(f"nesting deeper than {max_depth} levels", line, mark.column + 1)
            nodes += 1
            if is_map:
                if key is _NOKEY:
                    line = mark.line + l0
                    message = f"mapping keys must be scalars (complex key at line {line})"
                    raise ParseFailure(message, line, mark.column + 1)
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
                raise ParseFailure(f"document has more than {max_nodes} nodes", *event_at(ev, l0))
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
                raise ParseFailure(message, line, mark.column + 1)
            if depth + sub_depth > max_depth:
                raise ParseFailure(f"nesting deeper than {max_depth} levels", line, mark.column + 1)
            if sub_depth > sub:
                sub = sub_depth
        elif kind is DocumentEndEvent:
            return root, positions
        else:  # pragma: no cover - the parser emits no other event inside a document
            raise ParseFailure(f"unexpected {kind.__name__}", *event_at(ev, l0))
        # A scalar or an alias: place it.
        if is_map:
            if key is _NOKEY:
                if type(value) is not str:
                    value = key_text(value, mark.line + l0, mark.column + 1)
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


def event_at(ev: Any, l0: int) -> tuple[int, int]:
    """Line and column of an event (``l0`` is the line number of the text's first line)."""
    mark = ev.start_mark
    return (mark.line + l0, mark.column + 1) if mark is not None else (l0, 1)


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


def _missing_alias(name: str, open_anchors: list[Any], line: int, column: int) -> ParseFailure:
    what = "recursive" if name in open_anchors else "unknown"
    return ParseFailure(f"{what} alias *{name} at line {line}", line, column)


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
            raise ParseFailure(message, position.line, position.column)
        for key, item in source.items():
            if key not in target:
                target[key] = item
                merged.add(key)
                positions[(*pointer, key)] = position
    return merged
