"""Policies: load, validate, resolve ``extends``, and merge into one resolved policy.

Fail closed (SPEC section 7): a policy that names an unknown rule, gives a parameter the
rule does not declare, uses a bad severity, extends something that does not resolve, or
breaks ``schemas/policy.schema.json`` raises :class:`PolicyError` naming the file and line.
Reading files goes through a ``reader`` callable so that policies can come from a git ref.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from synthgov.core.errors import PolicyError
from synthgov.core.types import Pointer, Position, Rule, Severity
from synthgov.policy.types import CustomRuleSpec, ResolvedPolicy, RuleSetting

# the resolved policy's types live in policytypes (below custom rules and the engine)
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

Reader = Callable[[str], bytes | None]
BUILTIN_PREFIX = "builtin:"


@dataclass(eq=False, repr=False)
class _Layer:
    """One policy file or pack, as read, before merging."""

    label: str  # how errors name the file
    data: Mapping[str, Any]
    positions: Mapping[Pointer, Position]
    base_dir: str | None  # for relative extends; None for packs from plugins or builtins

    def line(self, pointer: Pointer) -> int:
        probe = tuple(pointer)
        while True:
            pos = self.positions.get(probe)
            if pos is not None:
                return pos.line
            if not probe:
                return 1
            probe = probe[:-1]


@dataclass(eq=False, repr=False)
class _Builder:
    """The merge of the layers so far (later layers override earlier ones)."""

    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    custom: dict[str, CustomRuleSpec] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    # (layer, pointer, rule id) of every rule entry, validated once all layers are merged
    pending: list[tuple[_Layer, Pointer, str]] = field(default_factory=list)


def default_reader(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


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
    resolver = _Resolver(rules, packs or {}, reader, display, builder)
    origin = _Layer(origin_label, {}, {}, origin_dir)
    for i, ref in enumerate(refs):
        resolver.apply_ref(ref, origin, ("policies", i), stack=())
    resolver.finish()
    settings: dict[str, RuleSetting] = {}
    for rule_id, rule in rules.items():
        entry = builder.rules.get(rule_id, {})
        params = {**rule.parameter_defaults(), **entry.get("with", {})}
        severity = entry.get("severity", rule.severity)
        plugin = getattr(rule, "plugin", "synthgov")
        opted_in = (
            plugin == "synthgov"
            or rule_id in builder.rules
            or any(pack in builder.names for pack in (plugin_packs or {}).get(plugin, ()))
        )
        settings[rule_id] = RuleSetting(
            enabled=opted_in and entry.get("enabled", True),
            severity=severity,
            params=params,
            references=tuple(entry.get("references", ())),
        )
    custom: list[CustomRuleSpec] = []
    for spec in builder.custom.values():
        entry = builder.rules.get(spec.id, {})
        severity = entry.get("severity", spec.severity)
        refs_extra = tuple(entry.get("references", ()))
        settings[spec.id] = RuleSetting(
            enabled=entry.get("enabled", True),
            severity=severity,
            params={},
            references=spec.references + tuple(r for r in refs_extra if r not in spec.references),
        )
        custom.append(spec)
    return ResolvedPolicy(
        rules=settings,
        settings=builder.settings,
        custom=tuple(custom),
        files=tuple(dict.fromkeys(builder.files)),
        names=tuple(builder.names),
    )


class _Resolver:
    def __init__(
        self,
        rules: Mapping[str, Rule],
        packs: Mapping[str, Any],
        reader: Reader,
        display: Callable[[str], str],
        builder: _Builder,
    ) -> None:
        self.rules = rules
        self.packs = packs
        self.reader = reader
        self.display = display
        self.builder = builder
        self._validator: Any = None
        self._layers: dict[str, _Layer] = {}  # by _key: each policy is read once
        self._applied: set[str] = set()  # applied with everything it extends

    # -- loading ------------------------------------------------------------------------
    def apply_ref(
        self, ref: Any, referrer: _Layer, pointer: Pointer, stack: tuple[str, ...]
    ) -> None:
        """Apply a policy and what it extends, each policy once: a policy reached again
        (a diamond: two bases that extend the same pack) was applied where it was first
        reached, before everything that extends it, and is not read or applied again."""
        if not isinstance(ref, str) or not ref.strip():
            raise PolicyError(referrer.label, referrer.line(pointer), f"bad policy entry {ref!r}")
        key = self._key(ref.strip(), referrer)
        layer = self._layers.get(key)
        if layer is None:
            layer = self._layers[key] = self._load(ref.strip(), referrer, pointer)
        if layer.label in stack:
            chain = " -> ".join((*stack, layer.label))
            raise PolicyError(referrer.label, referrer.line(pointer), f"extends cycle: {chain}")
        if key in self._applied:
            return
        self._apply_layer(layer, (*stack, layer.label))
        self._applied.add(key)

    def _key(self, ref: str, referrer: _Layer) -> str:
        """What a reference names, without reading it (so a policy is read once)."""
        if ref.startswith(BUILTIN_PREFIX):
            return ref
        if _looks_like_path(ref) and referrer.base_dir is not None:
            return "file:" + os.path.normpath(os.path.join(referrer.base_dir, ref))
        return "name:" + ref

    def _load(self, ref: str, referrer: _Layer, pointer: Pointer) -> _Layer:
        from synthgov.core import resources

        line = referrer.line(pointer)
        if ref.startswith(BUILTIN_PREFIX):
            name = ref[len(BUILTIN_PREFIX) :]
            raw = resources.builtin_pack_bytes(name) if name.replace("-", "").isalnum() else None
            if raw is None:
                known = ", ".join(f"builtin:{n}" for n in resources.builtin_pack_names())
                raise PolicyError(
                    referrer.label, line, f"unknown built-in policy {ref!r} (known: {known})"
                )
            self.builder.names.append(ref)
            return self._derive(self._parse(raw, ref, None))
        if _looks_like_path(ref):
            if referrer.base_dir is None:
                raise PolicyError(
                    referrer.label, line, f"cannot resolve relative path {ref!r} from here"
                )
            path = os.path.normpath(os.path.join(referrer.base_dir, ref))
            raw = self.reader(path)
            if raw is None:
                raise PolicyError(referrer.label, line, f"policy file {ref!r} not found")
            label = self.display(path)
            self.builder.files.append(path)
            self.builder.names.append(label)
            return self._parse(raw, label, os.path.dirname(path))
        if ref in self.packs:
            pack = self.packs[ref]
            self.builder.names.append(ref)
            if isinstance(pack, Mapping):
                return _Layer(f"{ref} (plugin pack)", pack, {}, None)
            path = os.fspath(pack)
            raw = self.reader(path)
            if raw is None:
                raise PolicyError(referrer.label, line, f"plugin pack {ref!r}: {path} not found")
            return self._parse(raw, f"{ref} ({path})", os.path.dirname(path))
        raise PolicyError(
            referrer.label,
            line,
            f"policy {ref!r} resolves to nothing: not builtin:NAME, not a file path, "
            "and no installed plugin registers a pack of that name",
        )

    def _parse(self, raw: bytes, label: str, base_dir: str | None) -> _Layer:
        from synthgov.repo.parsing.safeyaml import load_yaml

        parsed = load_yaml(raw)
        if not parsed.ok:
            problem = parsed.problems[0]
            raise PolicyError(label, problem.line, problem.message)
        dup = next((p for p in parsed.problems if p.rule == "SG003"), None)
        if dup is not None:
            raise PolicyError(label, dup.line, dup.message)
        if not isinstance(parsed.data, Mapping):
            raise PolicyError(label, 1, "a policy must be a YAML mapping")
        return _Layer(label, parsed.data, parsed.positions, base_dir)

    def _derive(self, layer: _Layer) -> _Layer:
        """A built-in pack's per-rule part, derived from the rule classes (policy/derived)."""
        from synthgov.policy import derived

        try:
            data = derived.expand(layer.data, self.rules)
        except KeyError:
            known = ", ".join(sorted(derived.DERIVATIONS))
            line = layer.line((derived.KEY,))
            raise PolicyError(layer.label, line, f"unknown rules_from (known: {known})") from None
        return _Layer(layer.label, data, layer.positions, layer.base_dir)

    # -- merging ------------------------------------------------------------------------
    def _apply_layer(self, layer: _Layer, stack: tuple[str, ...]) -> None:
        self._validate_schema(layer)
        data = layer.data
        for i, ref in enumerate(data.get("extends", []) or []):
            self.apply_ref(ref, layer, ("extends", i), stack)
        settings = data.get("settings")
        if isinstance(settings, Mapping):
            _deep_merge(self.builder.settings, settings)
        for i, entry in enumerate(data.get("custom", []) or []):
            spec = self._custom_spec(layer, entry, ("custom", i))
            self.builder.custom[spec.id] = spec
        for rule_id, value in (data.get("rules") or {}).items():
            if not rule_id.startswith("x-"):  # extension keys are not rule ids
                self._apply_rule_entry(layer, rule_id, value)

    def _apply_rule_entry(self, layer: _Layer, rule_id: str, value: Any) -> None:
        pointer: Pointer = ("rules", rule_id)
        entry = self.builder.rules.setdefault(rule_id, {})
        if isinstance(value, str):
            value = {"severity": value}
        if not isinstance(value, Mapping):
            raise PolicyError(layer.label, layer.line(pointer), f"{rule_id}: bad rule setting")
        severity = value.get("severity")
        if severity is not None:
            if severity == "off":
                entry["enabled"] = False
            elif severity == "on":
                entry["enabled"] = True
            else:
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
        self.builder.pending.append((layer, pointer, rule_id))

    def finish(self) -> None:
        """Check every rule entry now that all custom rules are known (fail closed)."""
        from synthgov.policy.schemacheck import compile_schema, iter_schema_errors

        for layer, pointer, rule_id in self.builder.pending:
            rule = self.rules.get(rule_id)
            if rule is None:
                if rule_id in self.builder.custom:
                    if (layer.data.get("rules") or {}).get(rule_id, {}) and isinstance(
                        layer.data["rules"][rule_id], Mapping
                    ):
                        if layer.data["rules"][rule_id].get("with"):
                            raise PolicyError(
                                layer.label,
                                layer.line((*pointer, "with")),
                                f"custom rule {rule_id} takes no parameters",
                            )
                    continue
                raise PolicyError(
                    layer.label,
                    layer.line(pointer),
                    f"unknown rule {rule_id!r}: no installed plugin provides it "
                    "(see `synthgov rules`)",
                )
            value = (layer.data.get("rules") or {}).get(rule_id)
            given = value.get("with") if isinstance(value, Mapping) else None
            if not given:
                continue
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
                and _same(given[name], declared[name]["default"])
                for name in given
            ):
                continue  # a rule's defaults satisfy its schema (tested): no validator needed
            schema = {
                "type": "object",
                **{k: v for k, v in rule.parameters.items() if k != "required"},
            }
            errors = iter_schema_errors(compile_schema(schema), dict(given))
            if errors:
                err = errors[0]
                where = (*pointer, "with", *err.pointer)
                raise PolicyError(
                    layer.label, layer.line(where), f"{rule_id} parameter: {err.message}"
                )

    def _validate_schema(self, layer: _Layer) -> None:
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

    def _custom_spec(self, layer: _Layer, entry: Any, pointer: Pointer) -> CustomRuleSpec:
        from synthgov.policy.schemacheck import SchemaInvalid, compile_schema

        line = layer.line(pointer)
        rule_id = entry.get("id", "")
        if rule_id.upper().startswith("SG"):
            raise PolicyError(
                layer.label, line, f"custom rule id {rule_id!r} must not start with SG"
            )
        if rule_id in self.rules:
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
                compile_schema(
                    {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
                )
            except SchemaInvalid as exc:
                sub = (*pointer, "applies_to", "when") if key == "when" else (*pointer, "require")
                raise PolicyError(
                    layer.label, layer.line(sub), f"custom rule {rule_id}: bad {key} schema: {exc}"
                ) from None
        expr = entry.get("expr")
        if expr is not None:
            from synthgov.policy.custom import ExprError, compile_expr

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


def _looks_like_path(ref: str) -> bool:
    return (
        ref.startswith((".", "/", "~"))
        or "/" in ref
        or os.sep in ref
        or ref.endswith((".yaml", ".yml", ".json"))
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


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON values: ``1`` is not ``true``, ``1.0`` is ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b
