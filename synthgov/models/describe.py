"""``synthgov models [QUERY]``: the registry explained, as text or JSON (no I/O here).

With a query that is a model id, the id is resolved and every step of the verdict is shown:
how it was read (route, normalised id), the entry that matched, family and lineage, whether
it is pinned and how to pin it, the terms with their source, date and confidence, and the
provider's lifecycle dates. Entries whose patterns, family, provider or terms mention the
query are listed after it; without a query every entry is listed.
"""

from __future__ import annotations

import json
from typing import Any

from synthgov.models.registry import ModelEntry, ModelInfo, ModelRegistry, Terms


def describe(registry: ModelRegistry, query: str | None, fmt: str = "text") -> str:
    """The report for ``query`` (None: the whole registry) in ``fmt`` (text or json)."""
    resolved = registry.resolve(query) if query else None
    read_as = resolved.normalized if resolved is not None else ""
    entries = [e for e in registry.entries if query is None or _mentions(e, query.lower(), read_as)]
    if fmt == "json":
        data = {
            "read_on": registry.read_on,
            "query": query,
            "resolved": _info_json(resolved) if resolved is not None else None,
            "entries": [_entry_json(registry, e) for e in entries],
        }
        return json.dumps(data, indent=2, sort_keys=True) + "\n"
    lines: list[str] = []
    if resolved is not None:
        lines.extend(_info_text(registry, resolved))
        lines.append("")
    title = f"entries mentioning {query!r}" if query else "registry entries"
    lines.append(f"{len(entries)} {title} (first match wins; facts as of {registry.read_on}):")
    lines.extend(_entry_line(e) for e in entries)
    return "\n".join(lines) + "\n"


def _mentions(entry: ModelEntry, query: str, read_as: str) -> bool:
    fields = (entry.family, entry.provider, entry.terms or "", *(p.pattern for p in entry.patterns))
    return any(query in f.lower() for f in fields) or bool(read_as and entry.matches(read_as))


def _terms_lines(terms: Terms | None) -> list[str]:
    if terms is None:
        return ["  terms:      none recorded (SG106 has nothing to say)"]
    lines = [
        f"  terms:      {terms.id}: {terms.name}",
        f"              outputs for training: {terms.outputs_training}",
        f"              {terms.conditions}",
        f"              source: {terms.source} (read {terms.read_on}, {terms.confidence})",
    ]
    if terms.note:
        lines.append(f"              note: {terms.note}")
    return lines


def _info_text(registry: ModelRegistry, info: ModelInfo) -> list[str]:
    entry = registry.find_entry(info.normalized)
    lines = [f"{info.id}"]
    read = info.normalized
    if info.route:
        read += f" (via {info.route})"
    if info.fine_tune_of:
        read += f" (fine-tune of {info.fine_tune_of})"
    lines.append(f"  read as:    {read}")
    if entry is None:
        lines.append("  entry:      none (unknown: its own lineage; SG103 asks for family)")
    else:
        patterns = ", ".join(p.pattern for p in entry.patterns)
        lines.append(f"  entry:      {patterns} [{entry.source}]")
        if entry.note:
            lines.append(f"  note:       {entry.note}")
    lines.append(f"  family:     {info.family} (provider {info.provider})")
    lines.append(f"  lineage:    {', '.join(sorted(info.lineage))}")
    pinned = "pinned" if info.pinned else "NOT pinned"
    lines.append(f"  pinning:    {pinned}: {info.pin_reason}")
    if info.pin_hint:
        lines.append(f"  to pin:     {info.pin_hint}")
    lines.extend(_terms_lines(info.terms))
    if info.deprecated_on or info.retired_on:
        source = f" (source: {info.lifecycle_source})" if info.lifecycle_source else ""
        lines.append(
            f"  lifecycle:  deprecated {info.deprecated_on or '-'}, "
            f"retired {info.retired_on or '-'}{source}"
        )
    return lines


def _entry_line(entry: ModelEntry) -> str:
    pinned = {True: "snapshot", False: "alias", None: "by id"}[entry.pinned]
    extra = f", alias of {entry.alias_of}" if entry.alias_of else ""
    if entry.retired_on:
        extra += f", retired {entry.retired_on}"
    parents = f" <- {', '.join(entry.derived_from)}" if entry.derived_from else ""
    more = f" (+{len(entry.patterns) - 1})" if len(entry.patterns) > 1 else ""
    return (
        f"  {entry.patterns[0].pattern}{more}  family={entry.family}{parents} "
        f"terms={entry.terms or '-'} pinned={pinned}{extra}"
    )


def _terms_json(terms: Terms | None) -> dict[str, Any] | None:
    if terms is None:
        return None
    return {
        "id": terms.id,
        "name": terms.name,
        "outputs_training": terms.outputs_training,
        "conditions": terms.conditions,
        "source": terms.source,
        "read_on": terms.read_on,
        "confidence": terms.confidence,
        "note": terms.note,
    }


def _info_json(info: ModelInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "normalized": info.normalized,
        "route": info.route,
        "fine_tune_of": info.fine_tune_of,
        "known": info.known,
        "family": info.family,
        "provider": info.provider,
        "lineage": sorted(info.lineage),
        "pinned": info.pinned,
        "pin_reason": info.pin_reason,
        "pin_hint": info.pin_hint,
        "alias_of": info.alias_of,
        "terms": _terms_json(info.terms),
        "deprecated_on": info.deprecated_on,
        "retired_on": info.retired_on,
        "lifecycle_source": info.lifecycle_source,
    }


def _entry_json(registry: ModelRegistry, entry: ModelEntry) -> dict[str, Any]:
    return {
        "match": [p.pattern for p in entry.patterns],
        "family": entry.family,
        "provider": entry.provider,
        "derived_from": list(entry.derived_from),
        "lineage": sorted(registry.lineage_of((entry.family, *entry.derived_from))),
        "pinned": entry.pinned,
        "alias_of": entry.alias_of,
        "terms": _terms_json(registry.terms.get(entry.terms or "")),
        "deprecated_on": entry.deprecated_on,
        "retired_on": entry.retired_on,
        "source": entry.source,
        "note": entry.note,
    }
