"""Custom rule definitions (``custom:`` of a policy) read into :class:`CustomRuleSpec`.

A custom rule has an id that is not a rule's (and does not start with ``SG``), exactly one of
``require`` (a JSON Schema) or ``expr`` (CEL), and may narrow where it applies
(``applies_to.kind``, ``applies_to.when``). Its schemas and expression are compiled when the
policy is read, so a bad one fails closed with :class:`PolicyError` at its line; evaluating
it on documents is :mod:`.custom`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synthgov.core.errors import PolicyError
from synthgov.core.types import Pointer, Rule, Severity
from synthgov.policy.layers import PolicyLayer
from synthgov.policy.types import CustomRuleSpec


def custom_spec(
    layer: PolicyLayer, entry: Any, pointer: Pointer, rules: Mapping[str, Rule]
) -> CustomRuleSpec:
    """The custom rule ``entry`` (at ``pointer`` of ``layer``) defines."""
    line = layer.line(pointer)
    rule_id = entry.get("id", "")
    _check_id(rule_id, entry, rules, layer.label, line)
    applies = entry.get("applies_to") or {}
    _check_schemas(layer, pointer, rule_id, applies.get("when"), entry.get("require"))
    expr = entry.get("expr")
    if expr is not None:
        _check_expr(layer, pointer, rule_id, expr, applies.get("kind", "DatasetCard"))
    severity = entry.get("severity", "error")
    return CustomRuleSpec(
        id=rule_id,
        title=entry.get("title", rule_id),
        severity=Severity.parse(severity),
        kind=applies.get("kind", "DatasetCard"),
        message=entry.get("message", entry.get("title", rule_id)),
        hint=entry.get("hint", ""),
        references=tuple(entry.get("references", ()) or ()),
        when=applies.get("when"),
        require=entry.get("require"),
        expr=expr,
        origin=f"{layer.label}:{line}",
    )


def _check_id(
    rule_id: str, entry: Mapping[str, Any], rules: Mapping[str, Rule], label: str, line: int
) -> None:
    """A new id (not SG..., not a rule's) with exactly one of ``require`` and ``expr``."""
    if rule_id.upper().startswith("SG"):
        raise PolicyError(label, line, f"custom rule id {rule_id!r} must not start with SG")
    if rule_id in rules:
        raise PolicyError(label, line, f"custom rule id {rule_id!r} is already a rule")
    if ("require" in entry) == ("expr" in entry):
        raise PolicyError(
            label, line, f"custom rule {rule_id} needs exactly one of require or expr"
        )


def _check_schemas(
    layer: PolicyLayer, pointer: Pointer, rule_id: str, when: Any, require: Any
) -> None:
    """``applies_to.when`` and ``require`` compile as JSON Schemas (draft 2020-12)."""
    from synthgov.policy.schemacheck import SchemaInvalid, compile_schema

    for key, schema, sub in (
        ("when", when, (*pointer, "applies_to", "when")),
        ("require", require, (*pointer, "require")),
    ):
        if schema is None:
            continue
        try:
            compile_schema({"$schema": "https://json-schema.org/draft/2020-12/schema", **schema})
        except SchemaInvalid as exc:
            raise PolicyError(
                layer.label, layer.line(sub), f"custom rule {rule_id}: bad {key} schema: {exc}"
            ) from None


def _check_expr(layer: PolicyLayer, pointer: Pointer, rule_id: str, expr: Any, kind: str) -> None:
    """``expr`` compiles and names only the document and CEL functions."""
    from synthgov.policy.expr import ExprError, compile_expr

    try:
        compile_expr(expr, kind)
    except ExprError as exc:
        raise PolicyError(
            layer.label, layer.line((*pointer, "expr")), f"custom rule {rule_id}: {exc}"
        ) from None
