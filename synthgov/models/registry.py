"""Model registry: which provider and family a model id belongs to, its lineage, whether the id
is pinned, and the terms that govern its outputs (SPEC sections 3.1 and 4).

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

import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
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
from synthgov.models.patterns import (
    NEEDLES_KEY,
    LazyPattern,
    _regex_needle,
    _with_needles,
    compile_pattern,
    pattern_needle,
)

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

FORMAT_VERSION = 1
OUTPUTS_TRAINING = ("allowed", "conditional", "restricted")
CONFIDENCE = ("verified", "reported")
# the former `evidence` key (still read from config and plugins): how it maps to confidence
_EVIDENCE_TO_CONFIDENCE = {
    "verified": "verified",
    "secondary": "reported",
    "unverified": "reported",
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
UNKNOWN_PROVIDER = "unknown"
UNKNOWN_FAMILY_PREFIX = "unknown:"
COMPARE_MODES = ("lineage", "provider")

_ENTRY_KEYS = frozenset(
    {
        "match",
        "provider",
        "family",
        "derived_from",
        "pinned",
        "alias_of",
        "terms",
        "note",
        "deprecated_on",
        "retired_on",
        "lifecycle_source",
    }
)
_TERMS_KEYS = frozenset(
    {
        "name",
        "outputs_training",
        "conditions",
        "source",
        "read_on",
        "confidence",
        "note",
        "evidence",
    }
)
_FAMILY_KEYS = frozenset({"provider", "description", "derived_from"})
_CACHE_LIMIT = 100_000


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class Terms:
    """Whether a provider's terms let its outputs train other models, with the source."""

    id: str
    name: str
    outputs_training: str  # allowed | conditional | restricted
    conditions: str
    source: str  # URL or repository path of the text read
    read_on: str  # YYYY-MM-DD: when that text was read
    confidence: str = ""  # verified (primary text read) | reported (secondary source)
    note: str = ""  # for verified terms: the clause, quoted briefly; else what was not read


@dataclass(frozen=True)
class Family:
    """A model family: its provider and the families it derives from."""

    id: str
    provider: str
    description: str = ""
    derived_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelEntry:
    """A registry entry: the ids it matches and what they resolve to."""

    patterns: tuple[LazyPattern, ...]
    provider: str
    family: str
    derived_from: tuple[str, ...] = ()
    pinned: bool | None = None  # None: decided from the id (date suffix)
    terms: str | None = None
    source: str = "builtin"
    alias_of: str | None = None  # the snapshot a moving alias points at (as of read_on)
    note: str = ""
    deprecated_on: str | None = None  # YYYY-MM-DD, as the provider publishes it
    retired_on: str | None = None  # YYYY-MM-DD: the id stops working
    lifecycle_source: str = ""  # URL of the provider's deprecation page

    def matches(self, normalized: str) -> bool:
        return any(p.search(normalized) for p in self.patterns)


@dataclass(frozen=True)
class ModelInfo:
    """A model reference resolved against the registry."""

    id: str  # as written
    normalized: str
    known: bool
    provider: str  # "unknown" when neither the registry nor the reference says
    family: str  # "unknown:<normalized id>" for unknown models (their own lineage)
    lineage: frozenset[str]
    pinned: bool
    pin_reason: str
    terms: Terms | None
    revision: str | None = None
    providers: frozenset[str] = frozenset()  # providers of every family in the lineage
    entry_source: str | None = None  # "builtin", "config", ...; None when no entry matched
    alias_of: str | None = None  # the snapshot a moving alias points at
    pin_hint: str = ""  # how to pin it, when it is not pinned
    route: str | None = None  # service the id was routed through (bedrock, azure, ...)
    fine_tune_of: str | None = None  # OpenAI fine-tunes: the base model id
    deprecated_on: str | None = None
    retired_on: str | None = None
    lifecycle_source: str = ""


def _str_tuple(value: Any, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) and i for i in items):
        raise RegistryError(f"{where}: {key} must be a string or a list of strings")
    return tuple(items)


def _opt_str(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RegistryError(f"{where}: {key} must be a string")
    return value


def _check_keys(raw: Any, allowed: frozenset[str], where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise RegistryError(f"{where}: must be a mapping")
    extra = sorted(str(k) for k in raw if k not in allowed and not str(k).startswith("x-"))
    if extra:
        raise RegistryError(f"{where}: unknown key(s) {', '.join(extra)}")
    return raw


def _parse_terms(tid: str, raw: Any, source: str) -> Terms:
    if isinstance(raw, Terms):
        return raw
    where = f"{source}: terms {tid!r}"
    raw = _check_keys(raw, _TERMS_KEYS, where)
    outputs = raw.get("outputs_training")
    if outputs not in OUTPUTS_TRAINING:
        raise RegistryError(
            f"{where}: outputs_training must be one of {', '.join(OUTPUTS_TRAINING)}"
        )
    read_on = "" if raw.get("read_on") is None else str(raw.get("read_on"))  # YAML dates
    if read_on and not _DATE.match(read_on):
        raise RegistryError(f"{where}: read_on must be a date YYYY-MM-DD")
    confidence = _opt_str(raw, "confidence", where)
    evidence = _opt_str(raw, "evidence", where)
    if confidence is None and evidence is not None:
        confidence = _EVIDENCE_TO_CONFIDENCE.get(evidence)
        if confidence is None:
            raise RegistryError(f"{where}: evidence must be verified, secondary or unverified")
    if confidence is not None and confidence not in CONFIDENCE:
        raise RegistryError(f"{where}: confidence must be one of {', '.join(CONFIDENCE)}")
    return Terms(
        id=tid,
        name=_opt_str(raw, "name", where) or tid,
        outputs_training=outputs,
        conditions=(_opt_str(raw, "conditions", where) or "").strip(),
        source=_opt_str(raw, "source", where) or "",
        read_on=read_on,
        confidence=confidence or "",
        note=(_opt_str(raw, "note", where) or "").strip(),
    )


def _parse_family(fid: str, raw: Any, source: str) -> Family:
    if isinstance(raw, Family):
        return raw
    where = f"{source}: family {fid!r}"
    raw = _check_keys(raw if raw is not None else {}, _FAMILY_KEYS, where)
    return Family(
        id=fid,
        provider=_opt_str(raw, "provider", where) or UNKNOWN_PROVIDER,
        description=_opt_str(raw, "description", where) or "",
        derived_from=_str_tuple(raw.get("derived_from"), where, "derived_from"),
    )


def _parse_entry(raw: Any, where: str, source: str, families: Mapping[str, Family]) -> ModelEntry:
    if isinstance(raw, ModelEntry):
        return raw
    raw = _check_keys(raw, _ENTRY_KEYS, where)
    items = _str_tuple(raw.get("match"), where, "match")
    if not items:
        raise RegistryError(f"{where}: match is required")
    needles = raw.get(NEEDLES_KEY) if source == "builtin" else None
    try:
        if isinstance(needles, list) and len(needles) == len(items):  # from the snapshot
            patterns = tuple(
                compile_pattern(i, str(n)) for i, n in zip(items, needles, strict=True)
            )
        else:
            patterns = tuple(compile_pattern(item) for item in items)
        if source != "builtin":  # user patterns: compiled now (fail closed), no pre-check
            patterns = tuple(LazyPattern(p.pattern) for p in patterns)
            for pattern in patterns:
                pattern.compiled()
    except re.error as exc:
        raise RegistryError(f"{where}: invalid pattern: {exc}") from None
    family = _opt_str(raw, "family", where)
    if family is None:
        raise RegistryError(f"{where}: family is required")
    pinned = raw.get("pinned")
    if pinned is not None and not isinstance(pinned, bool):
        raise RegistryError(f"{where}: pinned must be true or false")
    known_family = families.get(family)
    provider = _opt_str(raw, "provider", where) or (
        known_family.provider if known_family else UNKNOWN_PROVIDER
    )
    return ModelEntry(
        patterns=patterns,
        provider=provider,
        family=family,
        derived_from=_str_tuple(raw.get("derived_from"), where, "derived_from"),
        pinned=pinned,
        terms=_opt_str(raw, "terms", where),
        source=source,
        alias_of=_opt_str(raw, "alias_of", where),
        note=(_opt_str(raw, "note", where) or "").strip(),
        deprecated_on=_opt_date(raw, "deprecated_on", where),
        retired_on=_opt_date(raw, "retired_on", where),
        lifecycle_source=_opt_str(raw, "lifecycle_source", where) or "",
    )


def _opt_date(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    text = str(value)  # a YAML date object becomes ISO text
    if not _DATE.match(text):
        raise RegistryError(f"{where}: {key} must be a date YYYY-MM-DD")
    return text


def _route_terms(raw: Any, source: str) -> dict[str, dict[str, str]]:
    """``route_terms``: route -> {terms id -> terms id that applies on that route}."""
    if raw is None:
        return {}
    ok = isinstance(raw, Mapping) and all(
        isinstance(t, Mapping) and all(isinstance(x, str) for kv in t.items() for x in kv)
        for t in raw.values()
    )
    if not ok:
        raise RegistryError(f"{source}: route_terms must map a route to {{terms id: terms id}}")
    return {str(k): dict(v) for k, v in raw.items()}


def _yaml_data(text: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506


def _ref_fields(ref: str | Mapping[str, Any]) -> tuple[str, str | None, str | None, str | None]:
    """(id, revision, provider, family) of a model reference (SPEC 3.1)."""
    if isinstance(ref, str):
        return ref, None, None, None
    if not isinstance(ref, Mapping):
        raise TypeError(f"a model reference is a string or a mapping, not {type(ref).__name__}")

    def text(key: str) -> str | None:
        value = ref.get(key)
        return None if value is None or str(value).strip() == "" else str(value).strip()

    return text("id") or "", text("revision"), text("provider"), text("family")


# --------------------------------------------------------------------------- registry


class ModelRegistry:
    """Ordered model entries (first match wins) plus the terms and families tables."""

    __slots__ = (
        "_cache",
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
        self._cache: dict[Hashable, ModelInfo] = {}

    # ---- construction

    @classmethod
    def builtin(cls) -> ModelRegistry:
        """The registry shipped in ``synthgov/data/models.yaml``."""
        from synthgov.core.resources import package_bytes
        from synthgov.repo.snapshot import json_snapshot

        raw = package_bytes("synthgov.data", "models.yaml") or b""
        # building ~50 KB of YAML into objects costs ~20 ms; its JSON snapshot ~1 ms
        data = json_snapshot(
            "registry", raw, lambda: _with_needles(_yaml_data(raw.decode("utf-8")))
        )
        return cls.from_data(data, source="builtin")

    @classmethod
    def from_yaml(cls, text: str, source: str = "builtin") -> ModelRegistry:
        return cls.from_data(_yaml_data(text), source=source)

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
        route_terms = _route_terms(data.get("route_terms"), source)
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
            (str(k), _parse_family(str(k), v, source)) for k, v in (families or {}).items()
        )
        merged_terms = dict(self._terms)
        merged_terms.update(
            (str(k), _parse_terms(str(k), v, source)) for k, v in (terms or {}).items()
        )
        new_entries = [
            _parse_entry(raw, f"{source}: models[{i}]", source, merged_families)
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
        key = _cache_key(ref)
        info = self._cache.get(key)
        if info is None:
            info = self._resolve(ref)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = info
        return info

    def _resolve(self, ref: str | Mapping[str, Any]) -> ModelInfo:
        raw_id, revision, provider_ref, family_ref = _ref_fields(ref)
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


def _cache_key(ref: str | Mapping[str, Any]) -> Hashable:
    if isinstance(ref, str):
        return ref
    return ("\0ref", *_ref_fields(ref))
