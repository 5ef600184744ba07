"""Croissant JSON-LD dataset descriptions, 1.0 and 1.1 (SPEC section 3.4).

Read leniently, since real files spell terms in several ways: a key may be compact
(``prov:wasDerivedFrom``, ``rai:dataLimitations``, ``sc:license``), a full IRI
(``http://www.w3.org/ns/prov#wasDerivedFrom``) or bare (``license``); RAI keys are matched
without regard to case. What maps to the native DatasetCard:

* ``name`` -> ``metadata.id`` and ``metadata.name``; ``license`` (a string, a CreativeWork,
  or a list; license URLs such as ``https://choosealicense.com/licenses/cc-by-sa-4.0/`` give
  their id) -> ``metadata.license``; ``version``, ``description``; ``keywords`` ->
  ``metadata.tags``;
* ``rai:dataLimitations`` -> ``limitations``; ``rai:dataUseCases`` (or ``rai:useCases``) ->
  ``intended_use``; every ``rai:`` field is kept under ``x-rai``;
* ``prov:wasDerivedFrom`` (and schema.org ``isBasedOn``) -> ``sources``;
* PROV activities -> ``generation``, by what they do (``activity_role``: generation,
  paraphrase, filtering, annotation, judging) with their dates (``prov:endedAtTime``, else
  ``prov:startedAtTime``): each model agent (``prov:wasAssociatedWith``,
  ``prov:isAssociatedWith``, ``prov:wasAttributedTo``; a ``prov:SoftwareAgent`` or a label
  naming a model) becomes a use with that role. Agents named without an activity count only
  when their label names a model; people, organisations and tools are not model uses;
* evidence of the synthetic status under ``x-synthetic``: a keyword or
  ``rai:dataCollectionType`` saying "synthetic" declares it; a keyword naming an LLM, or a
  ``description`` / ``rai:dataCollection`` / ``rai:dataCollectionRawData`` /
  ``rai:dataCollectionType`` saying the data came from a model makes it suspected;
* ``distribution`` FileObjects with a local ``contentUrl`` -> ``files`` (``path``, ``sha256``,
  ``size`` in bytes; :mod:`~synthgov.loaders.croissant_files`), checked like a native card's
  (SG107, SG108) and measured by ``synthgov verify``;
* a top-level ``"synthgov"`` object holds native card fields, which win.

The Croissant file is never checked against the native schema (SG002): it is not ours.

The pieces: this module (the loader, the ``"synthgov"`` object, the mapping's steps in
order), :mod:`~synthgov.loaders.croissant_terms` (the vocabulary, license ids),
:mod:`~synthgov.loaders.croissant_dataset` (name, license, keywords, RAI, sources,
synthetic evidence), :mod:`~synthgov.loaders.croissant_scopes` (distributions, record sets,
fields), :mod:`~synthgov.loaders.croissant_files` (local files) and
:mod:`~synthgov.loaders.croissant_uses` (generation uses from PROV).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from synthgov.core.lazyre import LazyRegex
from synthgov.core.types import DATASET_CARD, FileProblem, LoadResult, Pointer, Position
from synthgov.loaders.adapting import Mapped
from synthgov.repo.parsing.limits import Limits

NAME = "croissant"
SYNTHGOV_KEY = "synthgov"
_MARKER = LazyRegex(rb"mlcommons\.org/croissant", re.I)


def _strings(node: Any, depth: int) -> Iterator[Any]:
    """The scalars of a JSON-LD ``@context`` (a string, a list or a mapping), shallowly."""
    if isinstance(node, Mapping):
        node = list(node.values())
    if isinstance(node, list):
        if depth > 0:
            for item in node:
                yield from _strings(item, depth - 1)
        return
    yield node


class CroissantLoader:
    name = NAME
    suffixes = (".json", ".jsonld")  # the files discovery offers this loader

    def sniff(self, path: str, head: bytes) -> bool:
        return path.lower().endswith((".json", ".jsonld")) and _MARKER.search(head) is not None

    def classify(self, path: str, data: Any) -> bool:
        """Claim parsed JSON whose ``@context`` names the Croissant vocabulary, however the
        bytes spelled it (``"http:\\/\\/mlcommons.org\\/croissant\\/"`` is the same string)."""
        if not path.lower().endswith((".json", ".jsonld")) or not isinstance(data, Mapping):
            return False
        return any(
            isinstance(value, str) and "mlcommons.org/croissant" in value.lower()
            for value in _strings(data.get("@context"), 3)
        )

    def load(self, path: str, raw: bytes, display_path: str, limits: Limits) -> LoadResult:
        from synthgov.loaders.native import to_document
        from synthgov.repo.parsing.jsonpos import load_json

        parsed = load_json(raw, limits)
        problems = tuple(parsed.problems)
        if not parsed.ok:
            return LoadResult((), problems)
        if not isinstance(parsed.data, Mapping):
            found = "empty" if parsed.data is None else type(parsed.data).__name__
            problem = FileProblem(
                "SG001", f"a Croissant file must hold a JSON object, found {found}"
            )
            return LoadResult((), (*problems, problem))
        mapped = map_croissant(parsed.data, parsed.positions, path)
        problems += block_problems(parsed.data, parsed.positions)
        return to_document(
            mapped.data,
            mapped.positions,
            path,
            display_path,
            problems,
            source_format=NAME,
            native=False,
        )


def block_problems(
    data: Mapping[str, Any], positions: Mapping[Pointer, Position]
) -> tuple[FileProblem, ...]:
    """Typos fail closed in the ``"synthgov"`` object: it must be an object, and its keys
    (and those of its ``metadata``) must be native DatasetCard fields. Deeper levels are
    not checked (the rest of the file is not ours, so SG002 does not run on it)."""
    if SYNTHGOV_KEY not in data:
        return ()
    block = data[SYNTHGOV_KEY]
    at = positions.get((SYNTHGOV_KEY,), Position(1, 1))
    if not isinstance(block, Mapping):
        message = (
            f'the "synthgov" object must hold native card fields, found {type(block).__name__}'
        )
        hint = 'write native fields in it, e.g. "synthgov": {"synthetic": false}'
        return (FileProblem("SG001", message, at.line, at.column, (SYNTHGOV_KEY,), hint),)
    from synthgov.core.resources import schema

    card = schema("DatasetCard")
    found: list[FileProblem] = []
    levels: list[tuple[Pointer, Mapping[str, Any], Mapping[str, Any]]] = [
        ((SYNTHGOV_KEY,), block, card.get("properties", {}))
    ]
    meta = block.get("metadata")
    if isinstance(meta, Mapping):
        known = card.get("properties", {}).get("metadata", {}).get("properties", {})
        levels.append(((SYNTHGOV_KEY, "metadata"), meta, known))
    for base, node, known in levels:
        for key in node:
            if key in known or str(key).startswith("x-") or key in ("apiVersion", "kind"):
                continue
            where = positions.get((*base, key), at)
            found.append(
                FileProblem(
                    "SG002",
                    f'unknown key "{key}" in the "synthgov" object (not a DatasetCard field)',
                    where.line,
                    where.column,
                    (*base, key),
                    "use a native card field (synthgov schema DatasetCard), or an x- key",
                )
            )
    return tuple(found)


def map_croissant(
    data: Mapping[str, Any], positions: Mapping[Pointer, Position], path: str
) -> Mapped:
    """The native DatasetCard of a Croissant file, each value at its place in the file."""
    # the mapping's modules load with the first Croissant file, not with every run
    from synthgov.loaders.croissant_dataset import (
        map_keywords,
        map_license,
        map_name,
        map_rai,
        map_sources,
        map_synthetic,
        map_texts,
    )
    from synthgov.loaders.croissant_files import map_files
    from synthgov.loaders.croissant_scopes import field_provenance
    from synthgov.loaders.croissant_terms import term_keys
    from synthgov.loaders.croissant_uses import map_generation

    names = term_keys(data)
    out = Mapped(DATASET_CARD, positions.get(()))
    out.put(("metadata",), {}, positions.get(()))
    map_name(data, names, positions, path, out)
    map_license(data, names, positions, out)
    map_texts(data, names, positions, out)
    map_keywords(data, names, positions, out)
    map_rai(data, positions, out)
    map_sources(data, names, positions, out)
    map_generation(data, positions, out)
    map_synthetic(data, names, positions, out)
    map_files(data, positions, out)
    extra = {k: data[v] for k, v in names.items() if k in ("conformsTo", "url", "@type")}
    fields = sorted(set(field_provenance(data)))
    if fields:
        extra["field_provenance"] = fields
    out.put(("x-croissant",), extra, positions.get(()))
    _overlay(data, positions, out)
    return out


def _overlay(data: Mapping[str, Any], positions: Mapping[Pointer, Position], out: Mapped) -> None:
    """A top-level ``"synthgov": {...}`` object holds native card fields; they win."""
    block = data.get(SYNTHGOV_KEY)
    if not isinstance(block, Mapping):
        return
    for key, value in block.items():
        if key == "metadata" and isinstance(value, Mapping):
            for meta_key, meta_value in value.items():
                out.forget(("metadata", meta_key))
                out.put_tree(
                    ("metadata", meta_key), meta_value, positions, (SYNTHGOV_KEY, key, meta_key)
                )
            continue
        out.forget((key,))
        out.put_tree((key,), value, positions, (SYNTHGOV_KEY, key))
