"""Reading registry data (``synthgov/data/models.yaml``, config ``models:``, plugin entries).

Each table is validated as it is read and fails closed with :class:`RegistryError` naming
the source and the entry: unknown keys (``x-`` keys excepted), missing ``match`` or
``family``, bad patterns, dates that are not ``YYYY-MM-DD``, terms whose
``outputs_training`` or ``confidence`` is not one the registry knows. Whether the entries
agree with each other (families and terms that exist) is checked by the registry itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from synthgov.core.errors import RegistryError
from synthgov.models.patterns import NEEDLES_KEY, LazyPattern, compile_pattern
from synthgov.models.types import (
    CONFIDENCE,
    OUTPUTS_TRAINING,
    UNKNOWN_PROVIDER,
    Family,
    ModelEntry,
    Terms,
)

FORMAT_VERSION = 1
# the former `evidence` key (still read from config and plugins): how it maps to confidence
_EVIDENCE_TO_CONFIDENCE = {
    "verified": "verified",
    "secondary": "reported",
    "unverified": "reported",
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

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


def parse_terms(tid: str, raw: Any, source: str) -> Terms:
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


def parse_family(fid: str, raw: Any, source: str) -> Family:
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


def parse_entry(raw: Any, where: str, source: str, families: Mapping[str, Family]) -> ModelEntry:
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


def parse_route_terms(raw: Any, source: str) -> dict[str, dict[str, str]]:
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


def yaml_data(text: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506
