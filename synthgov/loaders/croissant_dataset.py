"""What a Croissant dataset says about itself, as native DatasetCard fields: name, version,
description, keywords, license, ``rai:`` fields, sources and evidence of synthetic data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synthgov.core.types import Pointer, Position
from synthgov.loaders.adapting import Mapped, as_strings, folder_name
from synthgov.loaders.croissant_terms import (
    first_of,
    joined_text,
    license_id,
    listed,
    term,
    term_keys,
)

__all__ = [
    "map_keywords",
    "map_license",
    "map_name",
    "map_rai",
    "map_sources",
    "map_synthetic",
    "map_texts",
]


def map_name(
    data: Mapping[str, Any],
    names: dict[str, str],
    positions: Mapping[Pointer, Position],
    path: str,
    out: Mapped,
) -> None:
    """``name`` -> ``metadata.id`` and ``metadata.name``; without one, the folder's name is
    the id."""
    name = first_of(data, names, "name")
    if name is not None and isinstance(name[1], str) and name[1].strip():
        out.put(("metadata", "id"), name[1].strip(), positions.get((name[0],)))
        out.put(("metadata", "name"), name[1].strip(), positions.get((name[0],)))
    else:
        out.put(("metadata", "id"), folder_name(path))


def map_texts(
    data: Mapping[str, Any],
    names: dict[str, str],
    positions: Mapping[Pointer, Position],
    out: Mapped,
) -> None:
    """``version`` and ``description`` (a string or a number) -> ``metadata``, as text."""
    for native in ("version", "description"):
        got = first_of(data, names, native)
        if got is None or isinstance(got[1], bool) or not isinstance(got[1], str | int | float):
            continue
        value = str(got[1]).strip()
        if value:
            out.put(("metadata", native), value, positions.get((got[0],)))


def map_keywords(
    data: Mapping[str, Any],
    names: dict[str, str],
    positions: Mapping[Pointer, Position],
    out: Mapped,
) -> None:
    """``keywords`` (a list, or one comma-separated string) -> ``metadata.tags``."""
    keywords = first_of(data, names, "keywords")
    if keywords is None:
        return
    items = as_strings(keywords[1])
    if len(items) == 1 and items[0][0] is None and "," in items[0][1]:
        items = [(None, k.strip()) for k in items[0][1].split(",") if k.strip()]
    if not items:
        return
    out.put(("metadata", "tags"), [], positions.get((keywords[0],)))
    for i, word in items:
        at = positions.get((keywords[0],) if i is None else (keywords[0], i))
        out.append(("metadata", "tags"), word, at)


def map_license(
    data: Mapping[str, Any],
    names: dict[str, str],
    positions: Mapping[Pointer, Position],
    out: Mapped,
) -> None:
    got = first_of(data, names, "license")
    if got is None:
        return
    key, value = got
    items: list[tuple[Pointer, str]] = []
    for i, item in enumerate(value if isinstance(value, list) else [value]):
        pointer: Pointer = (key, i) if isinstance(value, list) else (key,)
        if isinstance(item, str) and item.strip():
            items.append((pointer, license_id(item)))
        elif isinstance(item, Mapping):
            inner = term_keys(item)
            text = first_of(item, inner, "identifier", "name", "url", "@id")
            if text is not None and isinstance(text[1], str) and text[1].strip():
                items.append(((*pointer, text[0]), license_id(text[1])))
    if items:
        joined = " AND ".join(dict.fromkeys(v for _, v in items))
        out.put(("metadata", "license"), joined, positions.get(items[0][0]))


def map_rai(data: Mapping[str, Any], positions: Mapping[Pointer, Position], out: Mapped) -> None:
    rai: dict[str, Any] = {}
    where: dict[str, str] = {}
    for key, value in data.items():
        short = term(key) if isinstance(key, str) else ""
        if short.lower().startswith("rai:"):
            field = short[4:]
            rai[field] = value
            where[field] = key
    if not rai:
        return
    out.put(("x-rai",), {}, positions.get(()))
    for field, value in rai.items():
        out.put_tree(("x-rai", field), value, positions, (where[field],))
    lowered = {f.lower(): f for f in rai}
    for native, candidates in (
        ("limitations", ("datalimitations", "limitations")),
        ("intended_use", ("datausecases", "usecases", "intendeduse")),
    ):
        found = next((lowered[c] for c in candidates if c in lowered), None)
        if found is None:
            continue
        text = joined_text(rai[found])
        if text:
            out.put((native,), text, positions.get((where[found],)))


def map_sources(
    data: Mapping[str, Any],
    names: dict[str, str],
    positions: Mapping[Pointer, Position],
    out: Mapped,
) -> None:
    seen: set[str] = set()
    for wanted in ("prov:wasDerivedFrom", "isBasedOn"):
        key = names.get(wanted)
        if key is None:
            continue
        for pointer, item in listed(data[key], (key,)):
            entry = _entity(item)
            if entry is None or entry.get("name", entry.get("url")) in seen:
                continue
            seen.add(str(entry.get("name", entry.get("url"))))
            out.append(("sources",), entry, positions.get(pointer))
    if "sources" in out.data:
        out.positions.setdefault(("sources",), positions.get(()) or Position(1, 1))


def _entity(item: Any) -> dict[str, str] | None:
    """An external source from a PROV entity (a mapping) or a bare IRI/name."""
    if isinstance(item, str) and item.strip():
        text = item.strip()
        return (
            {"name": text, "url": text}
            if text.startswith(("http://", "https://"))
            else {"name": text}
        )
    if not isinstance(item, Mapping):
        return None
    inner = term_keys(item)
    entry: dict[str, str] = {}
    label = first_of(item, inner, "prov:label", "name", "@id")
    if label is not None and isinstance(label[1], str) and label[1].strip():
        entry["name"] = label[1].strip()
    url = first_of(item, inner, "prov:atLocation", "prov:locatedAt", "url", "@id")
    if url is not None and isinstance(url[1], str) and url[1].startswith(("http://", "https://")):
        entry["url"] = url[1].strip()
    lic = first_of(item, inner, "license")
    if lic is not None and isinstance(lic[1], str) and lic[1].strip():
        entry["license"] = license_id(lic[1])
    return entry or None


# the prose that may say how the data was made: the description and RAI's data collection
PROSE_KEYS = (
    "description",
    "rai:dataCollection",
    "rai:dataCollectionRawData",
    "rai:dataCollectionType",
)


def map_synthetic(
    data: Mapping[str, Any],
    names: dict[str, str],
    positions: Mapping[Pointer, Position],
    out: Mapped,
) -> None:
    """Evidence that the data is synthetic (:mod:`synthgov.lineage.synthetic`), each at its
    place."""
    from synthgov.lineage.synthetic import (
        DECLARED,
        SUSPECTED,
        evidence_entry,
        generated_by,
        llm_names,
    )

    found: list[tuple[dict[str, Any], Position | None]] = []
    lowered = {k.lower(): v for k, v in names.items()}
    for wanted in ("keywords", "rai:dataCollectionType"):
        key = names.get(wanted) or lowered.get(wanted.lower())
        if key is None:
            continue
        for i, text in as_strings(data[key]):
            at = positions.get((key,) if i is None else (key, i))
            word = " ".join(text.split())
            if "synthetic" in text.lower():
                found.append((evidence_entry(DECLARED, f'{key} says "{word}"'), at))
            elif models := llm_names(text):
                found.append((evidence_entry(SUSPECTED, f'{key} names "{word}"', models), at))
    noted = {at for _, at in found}
    for wanted in PROSE_KEYS:
        key = names.get(wanted) or lowered.get(wanted.lower())
        if key is None:
            continue
        for i, text in as_strings(data[key]):
            at = positions.get((key,) if i is None else (key, i))
            said = generated_by(text)
            if said is not None and at not in noted:
                reason = f'{key} says "{said[1]}"'
                found.append((evidence_entry(SUSPECTED, reason, said[2]), at))
    if not found:
        return
    out.put(("x-synthetic",), [], found[0][1])
    for entry, at in found:
        out.append(("x-synthetic",), entry, at)
