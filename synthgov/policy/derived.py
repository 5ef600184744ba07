"""The per-rule part of the built-in packs, derived from the rule classes at load time.

A built-in pack (``policies/*.yaml``) holds only what is not per rule: its header,
metadata and settings, and a ``rules_from`` key naming how its ``rules`` are derived from
the built-in rules (those of plugin ``synthgov``). So adding a rule touches its module and
its case file, and every pack follows. The derived entries come first; the pack's own
``rules`` entries, if any, override them. ``rules_from`` is for built-in packs only: the
policy schema refuses it elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from synthgov.core.types import Rule, Severity

KEY = "rules_from"


def _defaults(rule: Rule) -> dict[str, Any] | None:
    """builtin:baseline: every rule at its catalog severity and default parameters."""
    entry: dict[str, Any] = {"severity": rule.severity.label}
    params = rule.parameter_defaults()
    if params:
        entry["with"] = params
    return entry


def _warnings_as_errors(rule: Rule) -> dict[str, Any] | None:
    """builtin:strict: every rule whose catalog severity is below error, raised to error."""
    return {"severity": "error"} if rule.severity < Severity.ERROR else None


def _references(rule: Rule) -> dict[str, Any] | None:
    """builtin:eu-ai-act: every rule's regulation references (the class's ``references``)."""
    refs = tuple(getattr(rule, "references", ()) or ())
    return {"references": list(refs)} if refs else None


DERIVATIONS: Mapping[str, Callable[[Rule], dict[str, Any] | None]] = {
    "defaults": _defaults,
    "warnings-as-errors": _warnings_as_errors,
    "references": _references,
}


def derive_rules(how: str, rules: Mapping[str, Rule]) -> dict[str, Any]:
    """The ``rules`` mapping a pack's ``rules_from: HOW`` stands for (KeyError: unknown)."""
    make = DERIVATIONS[how]
    out: dict[str, Any] = {}
    for rule_id, rule in rules.items():
        if getattr(rule, "plugin", "synthgov") != "synthgov":
            continue  # naming a plugin's rule would opt it in; packs never do
        entry = make(rule)
        if entry is not None:
            out[rule_id] = entry
    return out


def expand(data: Mapping[str, Any], rules: Mapping[str, Rule]) -> Mapping[str, Any]:
    """A built-in pack's data with ``rules_from`` replaced by the rules it derives."""
    if KEY not in data:
        return data
    derived = derive_rules(str(data[KEY]), rules)
    own = data.get("rules") or {}
    return {
        **{k: v for k, v in data.items() if k != KEY},
        "rules": {**derived, **own},
    }
