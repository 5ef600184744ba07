"""Custom declarative rules from policies (SPEC section 7) evaluated on a document.

``require`` (and ``applies_to.when``) are JSON Schemas, checked with
:mod:`.schemacheck`; ``expr`` is a CEL expression compiled by :mod:`.expr` (which also
bounds its cost). A failing rule yields an :class:`Issue` at the deepest field the schema
names, or at the first field the expression reads; a field the expression reads but the
document lacks is named in the finding. Reading the definitions from policies is
:mod:`.customspec`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from synthgov.core.types import Document, Issue, Pointer
from synthgov.policy.expr import (
    EXPR_COST_LIMIT,
    CompiledExpr,
    compile_expr,
    expr_cost,
    first_line,
    widest,
)
from synthgov.policy.types import CustomRuleSpec


def evaluate(spec: CustomRuleSpec, doc: Document, cache: dict[str, Any]) -> Iterator[Issue]:
    """Issues of one custom rule on one document (the engine adds severity and position)."""
    from synthgov.policy.schemacheck import compile_schema, is_valid, iter_schema_errors

    if doc.kind != spec.kind:
        return
    data = dict(doc.data)
    if spec.when is not None:
        key = f"{spec.id}:when"
        if key not in cache:
            cache[key] = compile_schema(spec.when, lazy=True)  # checked at load
        if not is_valid(cache[key], data):
            return
    if spec.require is not None:
        key = f"{spec.id}:require"
        if key not in cache:
            cache[key] = compile_schema(spec.require, lazy=True)
        errors = iter_schema_errors(cache[key], data)
        if errors:
            deepest = max(errors, key=lambda e: len(e.pointer))
            pointer: Pointer = _existing(doc, deepest.pointer)
            yield Issue(pointer, spec.message, spec.hint or deepest.message, value=None)
        return
    if spec.expr is not None:
        key = f"{spec.id}:expr"
        if key not in cache:
            cache[key] = compile_expr(spec.expr, spec.kind)
        yield from _evaluate_expr(spec, cache[key], doc)


def _evaluate_expr(spec: CustomRuleSpec, compiled: CompiledExpr, doc: Document) -> Iterator[Issue]:
    """True passes; false fires; an evaluation error fires too, with the reason.

    A field the expression reads but the document lacks is the common case: the finding
    says which field is missing and points at its nearest existing parent. ``has(card.x)``
    makes a field optional.
    """
    from celpy.adapter import json_to_cel
    from celpy.celtypes import BoolType

    cost = expr_cost(compiled, doc.data)
    if cost > EXPR_COST_LIMIT:
        yield Issue(
            (),
            f"{spec.message} (not evaluated: on this document the expression could cost "
            f"{cost:,} steps, over the limit of {EXPR_COST_LIMIT:,}; comprehensions nested "
            f"{compiled.nesting} deep over lists of up to {widest(doc.data):,} items)",
            spec.hint or "make the lists shorter or the comprehensions less deeply nested",
        )
        return
    value = json_to_cel(_plain(doc.data))
    activation = {name: value for name in compiled.variables}
    try:
        result = compiled.program.evaluate(activation)
    except Exception as exc:  # noqa: BLE001 - CELEvalError and friends: a finding, not a crash
        yield _error_issue(spec, compiled, doc, exc)
        return
    if isinstance(result, BoolType | bool):
        if not result:
            yield Issue(
                _first_field(compiled, doc),
                spec.message,
                spec.hint or f"the expression is false: {compiled.text}",
            )
        return
    yield Issue(
        (),
        f"{spec.message} (the expression gave {type(result).__name__}, not a bool)",
        spec.hint or f"make the expression a condition: {compiled.text}",
    )


_NO_MEMBER = re.compile(r"no such member in mapping: '([^']*)'")
_OVERLOAD_TYPES = re.compile(r"celtypes\.(\w+?)Type\b")


def _error_issue(
    spec: CustomRuleSpec, compiled: CompiledExpr, doc: Document, exc: Exception
) -> Issue:
    args = exc.args
    reason = first_line(args[0]) if args else type(exc).__name__
    field = None
    if len(args) >= 2 and args[1] is KeyError:
        match = _NO_MEMBER.search(str(args[0]))
        if match:
            field = match.group(1)
        elif len(args) >= 3 and isinstance(args[2], tuple) and args[2]:
            field = str(args[2][0])
    if field is not None:
        shown, pointer = _missing_path(compiled, doc, field) or (f"field {field!r}", ())
        return Issue(
            pointer,
            f"{spec.message} ({shown} is missing)",
            spec.hint or f"add {shown} where the expression reads it, or guard it with has()",
            value=shown,
        )
    types = _OVERLOAD_TYPES.findall(reason) if "no matching overload" in reason else []
    if types:
        names = " and ".join(dict.fromkeys(t.lower() for t in types))
        reason = f"no operator for values of type {names}; convert with double() or int()"
    return Issue(
        (),
        f"{spec.message} (the expression could not be evaluated on this document: {reason})",
        spec.hint or f"check the types the expression expects: {compiled.text}",
    )


def _first_field(compiled: CompiledExpr, doc: Document) -> Pointer:
    """Where a false expression points: the first document field it reads (else the root)."""
    sentinel = object()
    for path in compiled.paths:
        if doc.get(path[1:], sentinel) is not sentinel:
            return path[1:]
    return ()


def _missing_path(compiled: CompiledExpr, doc: Document, field: str) -> tuple[str, Pointer] | None:
    """The first field path of the expression that the document lacks at ``field``."""
    sentinel = object()
    for path in compiled.paths:
        fields = path[1:]
        for depth in range(1, len(fields) + 1):
            if doc.get(fields[:depth], sentinel) is not sentinel:
                continue
            parent = doc.get(fields[: depth - 1], sentinel)
            if fields[depth - 1] == field and isinstance(parent, Mapping):
                return ".".join((path[0], *fields[:depth])), fields[: depth - 1]
            break
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _existing(doc: Document, pointer: Pointer) -> Pointer:
    """The longest prefix of ``pointer`` that exists in the document."""
    probe = tuple(pointer)
    sentinel = object()
    while probe and doc.get(probe, sentinel) is sentinel:
        probe = probe[:-1]
    return probe
