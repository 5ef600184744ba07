"""Per-rule entries of policies (``rules:``) and the setting each rule resolves to.

An entry turns a rule on or off, sets its severity, its parameters (``with:``) and its
references; later layers override earlier ones, ``with:`` merges key by key. Entries are
checked once every layer is merged (so that a custom rule defined later is known): an
unknown rule id, an unknown parameter, a parameter that breaks the rule's schema, or
parameters given to a custom rule fail closed with :class:`PolicyError` at the entry's line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from synthgov.core.errors import PolicyError
from synthgov.core.types import Pointer, Rule, Severity
from synthgov.policy.layers import PolicyLayer
from synthgov.policy.types import CustomRuleSpec, RuleSetting

#: a rule entry to check once all layers are merged: (layer, pointer, rule id)
Pending = tuple[PolicyLayer, Pointer, str]


def merge_rule_entry(
    entry: dict[str, Any], layer: PolicyLayer, rule_id: str, value: Any
) -> Pending:
    """Merge one ``rules:`` entry of ``layer`` into the merged ``entry`` of that rule."""
    pointer: Pointer = ("rules", rule_id)
    if isinstance(value, str):
        value = {"severity": value}
    if not isinstance(value, Mapping):
        raise PolicyError(layer.label, layer.line(pointer), f"{rule_id}: bad rule setting")
    severity = value.get("severity")
    if severity == "off":
        entry["enabled"] = False
    elif severity == "on":
        entry["enabled"] = True
    elif severity is not None:
        try:
            entry["severity"] = Severity.parse(severity)
        except ValueError as exc:
            line = layer.line((*pointer, "severity"))
            raise PolicyError(layer.label, line, f"{rule_id}: {exc}") from None
        entry["enabled"] = True
    if "with" in value:
        merged = dict(entry.get("with", {}))
        merged.update(value.get("with") or {})
        entry["with"] = merged
    if "references" in value:
        entry["references"] = list(value.get("references") or [])
    return layer, pointer, rule_id


def check_rule_entries(
    pending: Sequence[Pending], rules: Mapping[str, Rule], custom: Mapping[str, CustomRuleSpec]
) -> None:
    """Check every rule entry now that all custom rules are known (fail closed)."""
    from synthgov.policy.schemacheck import compile_schema, iter_schema_errors

    for layer, pointer, rule_id in pending:
        value = (layer.data.get("rules") or {}).get(rule_id)
        rule = rules.get(rule_id)
        if rule is None:
            _check_custom_entry(layer, pointer, rule_id, value, custom)
            continue
        given = value.get("with") if isinstance(value, Mapping) else None
        if not given:
            continue
        schema = _parameters_to_validate(layer, pointer, rule_id, rule, given)
        if schema is None:
            continue
        errors = iter_schema_errors(compile_schema(schema), dict(given))
        if errors:
            err = errors[0]
            where = (*pointer, "with", *err.pointer)
            raise PolicyError(layer.label, layer.line(where), f"{rule_id} parameter: {err.message}")


def _check_custom_entry(
    layer: PolicyLayer,
    pointer: Pointer,
    rule_id: str,
    value: Any,
    custom: Mapping[str, CustomRuleSpec],
) -> None:
    if rule_id not in custom:
        raise PolicyError(
            layer.label,
            layer.line(pointer),
            f"unknown rule {rule_id!r}: no installed plugin provides it (see `synthgov rules`)",
        )
    if isinstance(value, Mapping) and value.get("with"):
        raise PolicyError(
            layer.label,
            layer.line((*pointer, "with")),
            f"custom rule {rule_id} takes no parameters",
        )


def _parameters_to_validate(
    layer: PolicyLayer, pointer: Pointer, rule_id: str, rule: Rule, given: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The schema ``given`` must be checked against; None when every parameter given is its
    default (a rule's defaults satisfy its schema, tested: no validator needed). A name the
    rule does not declare fails closed."""
    declared = (rule.parameters or {}).get("properties", {})
    for name in given:
        if name not in declared:
            names = ", ".join(sorted(declared)) or "none"
            raise PolicyError(
                layer.label,
                layer.line((*pointer, "with", name)),
                f"{rule_id} has no parameter {name!r} (parameters: {names})",
            )
    if all(
        isinstance(declared[name], Mapping)
        and "default" in declared[name]
        and same_json(given[name], declared[name]["default"])
        for name in given
    ):
        return None
    return {"type": "object", **{k: v for k, v in rule.parameters.items() if k != "required"}}


def rule_settings(
    rules: Mapping[str, Rule],
    entries: Mapping[str, Mapping[str, Any]],
    custom: Sequence[CustomRuleSpec],
    opted_in_packs: Mapping[str, bool],
) -> dict[str, RuleSetting]:
    """The setting of every rule and custom rule, from the merged entries.

    A plugin's rule runs only where a policy names it or extends one of its plugin's packs
    (``opted_in_packs``: plugin name -> whether a pack of it was extended)."""
    settings: dict[str, RuleSetting] = {}
    for rule_id, rule in rules.items():
        entry = entries.get(rule_id, {})
        plugin = getattr(rule, "plugin", "synthgov")
        opted_in = plugin == "synthgov" or rule_id in entries or opted_in_packs.get(plugin, False)
        settings[rule_id] = RuleSetting(
            enabled=opted_in and entry.get("enabled", True),
            severity=entry.get("severity", rule.severity),
            params={**rule.parameter_defaults(), **entry.get("with", {})},
            references=tuple(entry.get("references", ())),
        )
    for spec in custom:
        entry = entries.get(spec.id, {})
        extra = tuple(entry.get("references", ()))
        settings[spec.id] = RuleSetting(
            enabled=entry.get("enabled", True),
            severity=entry.get("severity", spec.severity),
            params={},
            references=spec.references + tuple(r for r in extra if r not in spec.references),
        )
    return settings


def same_json(a: Any, b: Any) -> bool:
    """Equal as JSON values: ``1`` is not ``true``, ``1.0`` is ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b
