"""Model registry: which provider and family a model id belongs to, its lineage, whether the id
is pinned, and the terms that govern its outputs (SPEC sections 3.1 and 4).

This module holds the lookup: :class:`ModelRegistry` (ordered entries, first match wins),
resolution of a reference to a :class:`ModelInfo`, pinning and :func:`related`. The data
types are in :mod:`.types`, reading and validating registry data in :mod:`.loading`, id
parsing in :mod:`.ids` and ``match`` patterns in :mod:`.patterns`.

The built-in data lives in ``synthgov/data/models.yaml`` (its header documents the format).
Nothing here does I/O except :meth:`ModelRegistry.builtin`, which reads that packaged file.
A registry is immutable once built; :meth:`ModelRegistry.extended` returns a new one with
config or plugin entries placed before the existing ones.

Typical use::

    registry = ModelRegistry.builtin().extended(config.get("models", []))
    info = registry.resolve("gpt-4o")            # or {"id": ..., "revision": ...}
    info.pinned, info.pin_reason                 # False, "moving alias (alias of ...)"
    registry.related(info, registry.resolve("o1"), compare="provider")  # frozenset({"openai"})
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from synthgov.core.errors import (
    RegistryError as RegistryError,  # re-exported: callers import it here
)
from synthgov.models.ids import (
    ParsedId,
    hub_revision_status,
    normalize,
    parse,
    pin_hint,
    snapshot_kind,
)
from synthgov.models.loading import (
    FORMAT_VERSION,
    parse_entry,
    parse_family,
    parse_route_terms,
    parse_terms,
    yaml_data,
)
from synthgov.models.patterns import (
    LazyPattern,
    _regex_needle,
    _with_needles,
    compile_pattern,
    pattern_needle,
)
from synthgov.models.refs import RefMemo, ref_fields
from synthgov.models.types import (
    COMPARE_MODES,
    CONFIDENCE,
    OUTPUTS_TRAINING,
    UNKNOWN_FAMILY_PREFIX,
    UNKNOWN_PROVIDER,
    Family,
    ModelEntry,
    ModelInfo,
    Terms,
)

# the registry's data types (models.types) and patterns (models.patterns) are re-exported:
# callers import them here
__all__ = [
    "COMPARE_MODES",
    "CONFIDENCE",
    "OUTPUTS_TRAINING",
    "Family",
    "LazyPattern",
    "ModelEntry",
    "ModelInfo",
    "ModelRegistry",
    "RegistryError",
    "Terms",
    "_regex_needle",
    "compile_pattern",
    "normalize",
    "parse",
    "pattern_needle",
    "related",
]

_CACHE_LIMIT = 100_000


# --------------------------------------------------------------------------- registry


class ModelRegistry:
    """Ordered model entries (first match wins) plus the terms and families tables."""

    __slots__ = (
        "_answers",
        "_entries",
        "_families",
        "_known_families",
        "_read_on",
        "_route_terms",
        "_terms",
    )

    def __init__(
        self,
        entries: Iterable[ModelEntry],
        terms: Mapping[str, Terms],
        families: Mapping[str, Family],
        read_on: str = "",
        route_terms: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self._entries = tuple(entries)
        self._route_terms = {k: dict(v) for k, v in (route_terms or {}).items()}
        self._terms = dict(terms)
        self._families = dict(families)
        self._read_on = read_on
        self._known_families = frozenset(self._families) | {e.family for e in self._entries}
        self._validate()
        self._answers: RefMemo[ModelInfo] = RefMemo(_CACHE_LIMIT)

    # ---- construction

    @classmethod
    def builtin(cls) -> ModelRegistry:
        """The registry shipped in ``synthgov/data/models.yaml``."""
        from synthgov.core.resources import package_bytes
        from synthgov.repo.snapshot import json_snapshot

        raw = package_bytes("synthgov.data", "models.yaml") or b""
        # building ~50 KB of YAML into objects costs ~20 ms; its JSON snapshot ~1 ms
        data = json_snapshot("registry", raw, lambda: _with_needles(yaml_data(raw.decode("utf-8"))))
        return cls.from_data(data, source="builtin")

    @classmethod
    def from_yaml(cls, text: str, source: str = "builtin") -> ModelRegistry:
        return cls.from_data(yaml_data(text), source=source)

    @classmethod
    def from_data(cls, data: Any, source: str = "builtin") -> ModelRegistry:
        if not isinstance(data, Mapping):
            raise RegistryError(f"{source}: the registry must be a mapping")
        if data.get("version", FORMAT_VERSION) != FORMAT_VERSION:
            raise RegistryError(f"{source}: unsupported registry version {data.get('version')!r}")
        empty = cls((), {}, {}, read_on=str(data.get("read_on") or ""))
        models = data.get("models") or []
        if not isinstance(models, list):
            raise RegistryError(f"{source}: models must be a list")
        built = empty.extended(models, data.get("terms"), source, data.get("families"))
        route_terms = parse_route_terms(data.get("route_terms"), source)
        if not route_terms:
            return built
        return cls(built._entries, built._terms, built._families, built._read_on, route_terms)

    def extended(
        self,
        entries: Sequence[Mapping[str, Any] | ModelEntry],
        terms: Mapping[str, Any] | None = None,
        source: str = "config",
        families: Mapping[str, Any] | None = None,
    ) -> ModelRegistry:
        """A new registry whose ``entries`` are tried before this one's; ``terms`` and
        ``families`` with an existing id replace it."""
        if isinstance(entries, str | Mapping) or not isinstance(entries, Sequence):
            raise RegistryError(f"{source}: models must be a list of entries")
        for name, table in (("terms", terms), ("families", families)):
            if table is not None and not isinstance(table, Mapping):
                raise RegistryError(f"{source}: {name} must be a mapping")
        merged_families = dict(self._families)
        merged_families.update(
            (str(k), parse_family(str(k), v, source)) for k, v in (families or {}).items()
        )
        merged_terms = dict(self._terms)
        merged_terms.update(
            (str(k), parse_terms(str(k), v, source)) for k, v in (terms or {}).items()
        )
        new_entries = [
            parse_entry(raw, f"{source}: models[{i}]", source, merged_families)
            for i, raw in enumerate(entries)
        ]
        return ModelRegistry(
            (*new_entries, *self._entries),
            merged_terms,
            merged_families,
            self._read_on,
            self._route_terms,
        )

    def _validate(self) -> None:
        for fam in self._known_families:
            if fam.startswith(UNKNOWN_FAMILY_PREFIX):
                raise RegistryError(
                    f"family id {fam!r} may not start with {UNKNOWN_FAMILY_PREFIX!r}"
                )
        for family in self._families.values():
            self._check_parents(family.derived_from, f"family {family.id!r}")
        for entry in self._entries:
            where = f"{entry.source}: entry {entry.patterns[0].pattern!r}"
            self._check_parents(entry.derived_from, where)
            if entry.terms is not None and entry.terms not in self._terms:
                raise RegistryError(f"{where}: unknown terms id {entry.terms!r}")
        for route, table in self._route_terms.items():
            for tid in (*table, *table.values()):
                if tid not in self._terms:
                    raise RegistryError(f"route_terms {route!r}: unknown terms id {tid!r}")

    def _check_parents(self, parents: Iterable[str], where: str) -> None:
        missing = sorted(set(parents) - self._known_families)
        if missing:
            raise RegistryError(f"{where}: derived_from names unknown family {', '.join(missing)}")

    # ---- accessors

    @property
    def entries(self) -> tuple[ModelEntry, ...]:
        return self._entries

    @property
    def terms(self) -> Mapping[str, Terms]:
        return MappingProxyType(self._terms)

    @property
    def families(self) -> Mapping[str, Family]:
        return MappingProxyType(self._families)

    @property
    def route_terms(self) -> Mapping[str, Mapping[str, str]]:
        return MappingProxyType(self._route_terms)

    @property
    def read_on(self) -> str:
        return self._read_on

    def __len__(self) -> int:
        return len(self._entries)

    def find_entry(self, normalized: str) -> ModelEntry | None:
        """The first entry matching an already normalised id."""
        for entry in self._entries:
            if entry.matches(normalized):
                return entry
        return None

    def is_known(self, normalized: str) -> bool:
        return self.find_entry(normalized) is not None

    def normalize(self, model_id: str) -> str:
        """:func:`normalize` with this registry deciding ambiguous prefixes."""
        return normalize(model_id, self.is_known)

    def lineage_of(self, families: Iterable[str]) -> frozenset[str]:
        """The given families plus everything reachable through ``derived_from`` (cycle-safe)."""
        seen: set[str] = set()
        stack = list(families)
        while stack:
            fam = stack.pop()
            if fam in seen:
                continue
            seen.add(fam)
            known = self._families.get(fam)
            if known is not None:
                stack.extend(known.derived_from)
        return frozenset(seen)

    # ---- resolution

    def resolve(self, ref: str | Mapping[str, Any]) -> ModelInfo:
        """Resolve a model reference: a string id or ``{id, revision, provider, family}``.

        ``provider`` and ``family`` in the reference override the registry (the matched
        entry's ``derived_from`` is kept). A reference that matches no entry and gives no
        family is unknown; its family is ``unknown:<normalised id>``.
        """
        info = self._answers.get(ref)
        if info is None:
            info = self._resolve(ref)
            self._answers.put(ref, info)
        return info

    def _resolve(self, ref: str | Mapping[str, Any]) -> ModelInfo:
        raw_id, revision, provider_ref, family_ref = ref_fields(ref)
        parsed = parse(raw_id, self.is_known)
        normalized = parsed.normalized
        revision = revision or parsed.revision
        entry = self.find_entry(normalized) if normalized else None
        family = family_ref or (entry.family if entry else f"{UNKNOWN_FAMILY_PREFIX}{normalized}")
        lineage = self.lineage_of((family, *(entry.derived_from if entry else ())))
        provider = provider_ref or (entry.provider if entry else self._family_provider(family))
        pinned, reason = _pin_status(parsed, revision, entry)
        alias_of = entry.alias_of if entry else None
        terms_id = entry.terms if entry else None
        if terms_id is not None and parsed.route is not None:
            terms_id = self._route_terms.get(parsed.route, {}).get(terms_id, terms_id)
        return ModelInfo(
            id=raw_id,
            normalized=normalized,
            known=entry is not None or family_ref is not None,
            provider=provider,
            family=family,
            lineage=lineage,
            pinned=pinned,
            pin_reason=reason,
            terms=self._terms.get(terms_id) if terms_id else None,
            revision=revision if "/" in normalized else None,
            providers=self._providers(provider, lineage),
            entry_source=entry.source if entry else None,
            alias_of=alias_of,
            pin_hint="" if pinned else pin_hint(parsed, raw_id, alias_of, entry is not None),
            route=parsed.route,
            fine_tune_of=parsed.fine_tune_of,
            deprecated_on=entry.deprecated_on if entry else None,
            retired_on=entry.retired_on if entry else None,
            lifecycle_source=entry.lifecycle_source if entry else "",
        )

    def _family_provider(self, family: str) -> str:
        known = self._families.get(family)
        return known.provider if known else UNKNOWN_PROVIDER

    def _providers(self, provider: str, lineage: frozenset[str]) -> frozenset[str]:
        found = {provider} | {self._families[f].provider for f in lineage if f in self._families}
        return frozenset(p for p in found if p and p != UNKNOWN_PROVIDER)

    def related(self, a: ModelInfo, b: ModelInfo, compare: str = "lineage") -> frozenset[str]:
        """What two models share: lineages (``compare="lineage"``) or providers
        (``"provider"``); empty means unrelated. See :func:`related`."""
        return related(a, b, compare)


def related(a: ModelInfo, b: ModelInfo, compare: str = "lineage") -> frozenset[str]:
    """Shared lineages, or with ``compare="provider"`` shared providers (the providers of
    every family in each lineage, so provider mode is stricter than lineage mode).

    Unknown models have their own lineage and no provider, so they are related only to a
    reference to the same normalised id; any two references to one id are related.
    """
    if compare == "lineage":
        shared = a.lineage & b.lineage
    elif compare == "provider":
        shared = a.providers & b.providers
    else:
        raise ValueError(f"compare must be one of {', '.join(COMPARE_MODES)}, not {compare!r}")
    if not shared and a.normalized and a.normalized == b.normalized:
        shared = frozenset({a.family})
    return frozenset(shared)


def _pin_status(
    parsed: ParsedId, revision: str | None, entry: ModelEntry | None
) -> tuple[bool, str]:
    normalized = parsed.normalized
    if parsed.fine_tune_of is not None:
        return True, f"OpenAI fine-tune of {parsed.fine_tune_of} (a fixed model)"
    if "/" in normalized:
        if parsed.route is not None:
            return False, f"served by {parsed.route} under a Hub name (the host picks the weights)"
        return hub_revision_status(revision)
    if parsed.route == "bedrock" and parsed.versioned:
        return True, "versioned Bedrock model id"
    snapshot = snapshot_kind(normalized, entry is not None)
    if parsed.versioned and snapshot is None:
        snapshot = "versioned snapshot"
    if entry is not None and entry.pinned is not None:
        if entry.pinned:
            return True, snapshot or "fixed model version"
        alias = f" (alias of {entry.alias_of})" if entry.alias_of else ""
        return False, f"moving alias{alias}"
    if snapshot:
        return True, snapshot if entry is not None else f"{snapshot} (unknown model, by its date)"
    if entry is None:
        return False, "unknown model: no registry entry says this id is a snapshot"
    return False, "moving alias (no date or version suffix)"
