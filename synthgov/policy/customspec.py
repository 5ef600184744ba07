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
    from synthgov.policy.schemacheck import SchemaInvalid, compile_schema

    line = layer.line(pointer)
    rule_id = entry.get("id", "")
    if rule_id.upper().startswith("SG"):
        raise PolicyError(layer.label, line, f"custom rule id {rule_id!r} must not start with SG")
    if rule_id in rules:
        raise PolicyError(layer.label, line, f"custom rule id {rule_id!r} is already a rule")
    has_require, has_expr = "require" in entry, "expr" in entry
    if has_require == has_expr:
        raise PolicyError(
            layer.label, line, f"custom rule {rule_id} needs exactly one of require or expr"
        )
    applies = entry.get("applies_to") or {}
    for key in ("when", "require"):
        schema = applies.get("when") if key == "when" else entry.get("require")
        if schema is None:
            continue
        try:
            compile_schema({"$schema": "https://json-schema.org/draft/2020-12/schema", **schema})
        except SchemaInvalid as exc:
            sub = (*pointer, "applies_to", "when") if key == "when" else (*pointer, "require")
            raise PolicyError(
                layer.label, layer.line(sub), f"custom rule {rule_id}: bad {key} schema: {exc}"
            ) from None
    expr = entry.get("expr")
    if expr is not None:
        from synthgov.policy.expr import ExprError, compile_expr

        try:
            compile_expr(expr, applies.get("kind", "DatasetCard"))
        except ExprError as exc:
            raise PolicyError(
                layer.label, layer.line((*pointer, "expr")), f"custom rule {rule_id}: {exc}"
            ) from None
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
