"""Custom declarative rules from policies (SPEC section 7): ``require`` and ``expr``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from synthgov.model import Document, Issue, Pointer
from synthgov.policy import CustomRuleSpec


class ExprError(ValueError):
    """An ``expr`` that does not compile or names an unknown variable."""


def compile_expr(expr: str, kind: str) -> Any:
    raise ExprError("expr rules are not supported yet")


def evaluate(spec: CustomRuleSpec, doc: Document, cache: dict[str, Any]) -> Iterator[Issue]:
    """Issues of one custom rule on one document (the engine adds severity and position)."""
    from synthgov.schemacheck import compile_schema, is_valid, iter_schema_errors

    if doc.kind != spec.kind:
        return
    data = dict(doc.data)
    if spec.when is not None:
        key = f"{spec.id}:when"
        if key not in cache:
            cache[key] = compile_schema(spec.when)
        if not is_valid(cache[key], data):
            return
    if spec.require is not None:
        key = f"{spec.id}:require"
        if key not in cache:
            cache[key] = compile_schema(spec.require)
        errors = iter_schema_errors(cache[key], data)
        if errors:
            deepest = max(errors, key=lambda e: len(e.pointer))
            pointer: Pointer = _existing(doc, deepest.pointer)
            yield Issue(pointer, spec.message, spec.hint or deepest.message, value=None)
        return


def _existing(doc: Document, pointer: Pointer) -> Pointer:
    """The longest prefix of ``pointer`` that exists in the document."""
    probe = tuple(pointer)
    sentinel = object()
    while probe and doc.get(probe, sentinel) is sentinel:
        probe = probe[:-1]
    return probe
