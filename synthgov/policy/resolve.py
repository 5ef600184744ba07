"""Policies: load, validate, resolve ``extends``, and merge into one resolved policy.

Fail closed (SPEC section 7): a policy that names an unknown rule, gives a parameter the
rule does not declare, uses a bad severity, extends something that does not resolve, or
breaks ``schemas/policy.schema.json`` raises :class:`PolicyError` naming the file and line.
Reading files goes through a ``reader`` callable so that policies can come from a git ref.

This module walks ``extends`` (each policy applied once, cycles refused) and merges the
layers; what an entry names and reading it is :mod:`.layers`, the ``rules:`` entries and the
setting of each rule :mod:`.ruleentries`, custom rule definitions :mod:`.customspec`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from synthgov.core.errors import PolicyError
from synthgov.core.types import Pointer, Rule
from synthgov.policy.layers import (
    BUILTIN_PREFIX,
    PolicyLayer,
    Reader,
    Sources,
    default_reader,
    layer_key,
    load_layer,
)
from synthgov.policy.ruleentries import (
    Pending,
    check_rule_entries,
    merge_rule_entry,
    rule_settings,
)
from synthgov.policy.types import CustomRuleSpec, ResolvedPolicy, RuleSetting

# the resolved policy's types live in policy.types (below custom rules and the engine), the
# reader in policy.layers; re-exported here
__all__ = [
    "BUILTIN_PREFIX",
    "CustomRuleSpec",
    "PolicyError",
    "Reader",
    "ResolvedPolicy",
    "RuleSetting",
    "default_reader",
    "resolve",
]


@dataclass(eq=False, repr=False)
class _Builder:
    """The merge of the layers so far (later layers override earlier ones)."""

    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    custom: dict[str, CustomRuleSpec] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    # every rule entry, validated once all layers are merged
    pending: list[Pending] = field(default_factory=list)


def resolve(
    refs: Sequence[str],
    *,
    origin_label: str,
    origin_dir: str,
    rules: Mapping[str, Rule],
    packs: Mapping[str, Any] | None = None,
    reader: Reader = default_reader,
    display: Callable[[str], str] = lambda p: p,
    plugin_packs: Mapping[str, Sequence[str]] | None = None,
) -> ResolvedPolicy:
    """Resolve the policy references of a config (or of ``--policy`` options).

    A built-in rule is on unless a policy turns it off. A plugin's rule (``rule.plugin`` is
    not ``synthgov``) runs only where a policy names it under ``rules:`` or extends a pack
    that its plugin registers (``plugin_packs``: plugin name -> pack names): installing a
    plugin in an environment does not change the verdict of every repository in it.
    """
    builder = _Builder()
    resolver = _Resolver(rules, Sources(packs or {}, reader, display), builder)
    origin = PolicyLayer(origin_label, {}, {}, origin_dir)
    for i, ref in enumerate(refs):
        resolver.apply_ref(ref, origin, ("policies", i), stack=())
    resolver.finish()
    extended = {
        plugin: any(pack in builder.names for pack in names)
        for plugin, names in (plugin_packs or {}).items()
    }
    return ResolvedPolicy(
        rules=rule_settings(rules, builder.rules, tuple(builder.custom.values()), extended),
        settings=builder.settings,
        custom=tuple(builder.custom.values()),
        files=tuple(dict.fromkeys(builder.files)),
        names=tuple(builder.names),
    )


class _Resolver:
    def __init__(self, rules: Mapping[str, Rule], sources: Sources, builder: _Builder) -> None:
        self.rules = rules
        self.sources = sources
        self.builder = builder
        self._validator: Any = None
        self._layers: dict[str, PolicyLayer] = {}  # by layer_key: each policy is read once
        self._applied: set[str] = set()  # applied with everything it extends

    def apply_ref(
        self, ref: Any, referrer: PolicyLayer, pointer: Pointer, stack: tuple[str, ...]
    ) -> None:
        """Apply a policy and what it extends, each policy once: a policy reached again
        (a diamond: two bases that extend the same pack) was applied where it was first
        reached, before everything that extends it, and is not read or applied again."""
        if not isinstance(ref, str) or not ref.strip():
            raise PolicyError(referrer.label, referrer.line(pointer), f"bad policy entry {ref!r}")
        key = layer_key(ref.strip(), referrer)
        layer = self._layers.get(key)
        if layer is None:
            layer, name, path = load_layer(ref.strip(), referrer, pointer, self.sources)
            if ref.strip().startswith(BUILTIN_PREFIX):
                layer = self._derive(layer)
            if path is not None:
                self.builder.files.append(path)
            self.builder.names.append(name)
            self._layers[key] = layer
        if layer.label in stack:
            chain = " -> ".join((*stack, layer.label))
            raise PolicyError(referrer.label, referrer.line(pointer), f"extends cycle: {chain}")
        if key in self._applied:
            return
        self._apply_layer(layer, (*stack, layer.label))
        self._applied.add(key)

    def _derive(self, layer: PolicyLayer) -> PolicyLayer:
        """A built-in pack's per-rule part, derived from the rule classes (policy/derived)."""
        from synthgov.policy import derived

        try:
            data = derived.expand(layer.data, self.rules)
        except KeyError:
            known = ", ".join(sorted(derived.DERIVATIONS))
            line = layer.line((derived.KEY,))
            raise PolicyError(layer.label, line, f"unknown rules_from (known: {known})") from None
        return PolicyLayer(layer.label, data, layer.positions, layer.base_dir)

    def _apply_layer(self, layer: PolicyLayer, stack: tuple[str, ...]) -> None:
        self._validate_schema(layer)
        data = layer.data
        for i, ref in enumerate(data.get("extends", []) or []):
            self.apply_ref(ref, layer, ("extends", i), stack)
        settings = data.get("settings")
        if isinstance(settings, Mapping):
            _deep_merge(self.builder.settings, settings)
        for i, entry in enumerate(data.get("custom", []) or []):
            from synthgov.policy.customspec import custom_spec  # only policies with custom rules

            spec = custom_spec(layer, entry, ("custom", i), self.rules)
            self.builder.custom[spec.id] = spec
        for rule_id, value in (data.get("rules") or {}).items():
            if not rule_id.startswith("x-"):  # extension keys are not rule ids
                entry = self.builder.rules.setdefault(rule_id, {})
                self.builder.pending.append(merge_rule_entry(entry, layer, rule_id, value))

    def finish(self) -> None:
        """Check every rule entry now that all custom rules are known (fail closed)."""
        check_rule_entries(self.builder.pending, self.rules, self.builder.custom)

    def _validate_schema(self, layer: PolicyLayer) -> None:
        from synthgov.core import resources
        from synthgov.policy.schemacheck import compile_schema, iter_schema_errors

        if self._validator is None:
            self._validator = compile_schema(resources.schema("Policy"), lazy=True)
        errors = iter_schema_errors(self._validator, _plain(layer.data))
        if errors:
            err = errors[0]
            where = "/".join(str(p) for p in err.pointer) or "(top level)"
            raise PolicyError(
                layer.label,
                layer.line(err.pointer),
                f"policy does not match its schema at {where}: {err.message}",
            )


def _deep_merge(target: dict[str, Any], source: Mapping[str, Any]) -> None:
    for key, value in source.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _deep_merge(target[key], value)
        elif isinstance(value, Mapping):
            target[key] = {}
            _deep_merge(target[key], value)
        else:
            target[key] = value


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
