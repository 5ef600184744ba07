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
* PROV activities -> ``generation``, by what they do (:func:`activity_role`: generation,
  paraphrase, filtering, annotation, judging) with their dates (``prov:endedAtTime``, else
  ``prov:startedAtTime``): each model agent (``prov:wasAssociatedWith``,
  ``prov:isAssociatedWith``, ``prov:wasAttributedTo``; a ``prov:SoftwareAgent`` or a label
  naming a model) becomes a use with that role. Agents named without an activity count only
  when their label names a model; people, organisations and tools are not model uses;
* evidence of the synthetic status under ``x-synthetic``: a keyword or
  ``rai:dataCollectionType`` saying "synthetic" declares it; a keyword naming an LLM or a
  description saying a model generated the data makes it suspected;
* a top-level ``"synthgov"`` object holds native card fields, which win.

The Croissant file is never checked against the native schema (SG002): it is not ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from synthgov.core.lazyre import LazyRegex
from synthgov.core.types import DATASET_CARD, FileProblem, LoadResult, Pointer, Position
from synthgov.loaders.adapting import Mapped, as_strings, folder_name, iso_date
from synthgov.repo.parsing.limits import Limits

NAME = "croissant"
SYNTHGOV_KEY = "synthgov"
_MARKER = LazyRegex(rb"mlcommons\.org/croissant", re.I)
_PREFIXES = (
    ("http://www.w3.org/ns/prov#", "prov:"),
    ("https://www.w3.org/ns/prov#", "prov:"),
    ("http://mlcommons.org/croissant/rai/", "rai:"),
    ("http://mlcommons.org/croissant/", ""),
    ("https://schema.org/", ""),
    ("http://schema.org/", ""),
    ("sc:", ""),
    ("schema:", ""),
    ("cr:", ""),
    ("dct:", ""),
)
_LICENSE_URL = LazyRegex(
    r"^https?://(?:choosealicense\.com/licenses|spdx\.org/licenses|opensource\.org/licenses?)"
    r"/(?P<id>[A-Za-z0-9.+-]+?)(?:\.html)?/?$",
    re.I,
)
_CC_URL = LazyRegex(
    r"^https?://creativecommons\.org/licenses/(?P<kind>[a-z-]+)/(?P<ver>\d\.\d)/?", re.I
)
# an agent label that names a model (family tokens) or a generator
_MODEL_LABEL = LazyRegex(
    r"gpt|claude|llama|mistral|mixtral|gemini|gemma|qwen|phi-?\d|deepseek|falcon|command-?r|"
    r"nemotron|\bt5\b|\bllm\b|generator|language model|\bmodel\b|/",
    re.I,
)
# what a PROV activity does, from its words (first match wins)
_ACTIVITY_ROLES = (
    (LazyRegex(r"judg|\brat(e|ing)\b|\bscor|evaluat|\bgrad(e|ing)\b", re.I), "judge"),
    (
        LazyRegex(
            r"filter|remov|moderat|de-?identif|anonymi|redact|dedup|detox|toxic|\bpii\b|clean",
            re.I,
        ),
        "filter",
    ),
    (LazyRegex(r"label|annotat|classif", re.I), "labeler"),
    (LazyRegex(r"paraphras|rewrit|translat", re.I), "paraphraser"),
    (LazyRegex(r"generat|synthes|distill|augment|simulat", re.I), "generator"),
)


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


def term(key: str) -> str:
    """A key without its vocabulary: ``prov:wasDerivedFrom``, ``rai:dataBiases``, ``license``."""
    low = key.lower()
    for prefix, short in _PREFIXES:
        if low.startswith(prefix):
            return short + key[len(prefix) :]
    return key


def _terms(node: Mapping[str, Any]) -> dict[str, str]:
    """Normalised term -> the key as written (first spelling wins)."""
    found: dict[str, str] = {}
    for key in node:
        if isinstance(key, str):
            found.setdefault(term(key), key)
    return found


def _get(node: Mapping[str, Any], names: dict[str, str], *wanted: str) -> tuple[str, Any] | None:
    for name in wanted:
        key = names.get(name)
        if key is not None and node.get(key) is not None:
            return key, node[key]
    return None


def map_croissant(
    data: Mapping[str, Any], positions: Mapping[Pointer, Position], path: str
) -> Mapped:
    names = _terms(data)
    out = Mapped(DATASET_CARD, positions.get(()))
    out.put(("metadata",), {}, positions.get(()))
    name = _get(data, names, "name")
    if name is not None and isinstance(name[1], str) and name[1].strip():
        out.put(("metadata", "id"), name[1].strip(), positions.get((name[0],)))
        out.put(("metadata", "name"), name[1].strip(), positions.get((name[0],)))
    else:
        out.put(("metadata", "id"), folder_name(path))
    _map_license(data, names, positions, out)
    for native, wanted in (("version", "version"), ("description", "description")):
        got = _get(data, names, wanted)
        if (
            got is not None
            and isinstance(got[1], str | int | float)
            and not isinstance(got[1], bool)
        ):
            value = str(got[1]).strip()
            if value:
                out.put(("metadata", native), value, positions.get((got[0],)))
    keywords = _get(data, names, "keywords")
    if keywords is not None:
        items = as_strings(keywords[1])
        if len(items) == 1 and items[0][0] is None and "," in items[0][1]:
            items = [(None, k.strip()) for k in items[0][1].split(",") if k.strip()]
        if items:
            out.put(("metadata", "tags"), [], positions.get((keywords[0],)))
            for i, word in items:
                at = positions.get((keywords[0],) if i is None else (keywords[0], i))
                out.append(("metadata", "tags"), word, at)
    _map_rai(data, positions, out)
    _map_sources(data, names, positions, out)
    _map_generation(data, positions, out)
    _map_synthetic(data, names, positions, out)
    extra = {k: data[v] for k, v in names.items() if k in ("conformsTo", "url", "@type")}
    fields = sorted(set(_field_provenance(data)))
    if fields:
        extra["field_provenance"] = fields
    out.put(("x-croissant",), extra, positions.get(()))
    _overlay(data, positions, out)
    return out


def license_id(value: str) -> str:
    """A license id from a license string or URL (``cc-by-sa-4.0``); other text unchanged."""
    text = value.strip()
    found = _LICENSE_URL.match(text)
    if found:
        return found.group("id").lower()
    cc = _CC_URL.match(text)
    if cc:
        return f"cc-{cc.group('kind').lower()}-{cc.group('ver')}"
    return text


def _map_license(
    data: Mapping[str, Any],
    names: dict[str, str],
    positions: Mapping[Pointer, Position],
    out: Mapped,
) -> None:
    got = _get(data, names, "license")
    if got is None:
        return
    key, value = got
    items: list[tuple[Pointer, str]] = []
    for i, item in enumerate(value if isinstance(value, list) else [value]):
        pointer: Pointer = (key, i) if isinstance(value, list) else (key,)
        if isinstance(item, str) and item.strip():
            items.append((pointer, license_id(item)))
        elif isinstance(item, Mapping):
            inner = _terms(item)
            text = _get(item, inner, "identifier", "name", "url", "@id")
            if text is not None and isinstance(text[1], str) and text[1].strip():
                items.append(((*pointer, text[0]), license_id(text[1])))
    if items:
        joined = " AND ".join(dict.fromkeys(v for _, v in items))
        out.put(("metadata", "license"), joined, positions.get(items[0][0]))


def _map_rai(data: Mapping[str, Any], positions: Mapping[Pointer, Position], out: Mapped) -> None:
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
        text = _text(rai[found])
        if text:
            out.put((native,), text, positions.get((where[found],)))


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return "; ".join(v.strip() for v in value if isinstance(v, str) and v.strip())
    return ""


def _listed(value: Any, pointer: Pointer) -> Iterator[tuple[Pointer, Any]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield (*pointer, i), item
    elif value is not None:
        yield pointer, value


def _map_sources(
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
        for pointer, item in _listed(data[key], (key,)):
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
    inner = _terms(item)
    entry: dict[str, str] = {}
    label = _get(item, inner, "prov:label", "name", "@id")
    if label is not None and isinstance(label[1], str) and label[1].strip():
        entry["name"] = label[1].strip()
    url = _get(item, inner, "prov:atLocation", "prov:locatedAt", "url", "@id")
    if url is not None and isinstance(url[1], str) and url[1].startswith(("http://", "https://")):
        entry["url"] = url[1].strip()
    lic = _get(item, inner, "license")
    if lic is not None and isinstance(lic[1], str) and lic[1].strip():
        entry["license"] = license_id(lic[1])
    return entry or None


def _agents_index(data: Any) -> dict[str, tuple[Pointer, Mapping[str, Any]]]:
    """Every mapping with an ``@id`` anywhere in the file (to resolve agent references)."""
    index: dict[str, tuple[Pointer, Mapping[str, Any]]] = {}
    stack: list[tuple[Pointer, Any]] = [((), data)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, Mapping):
            ident = node.get("@id")
            if isinstance(ident, str) and len(node) > 1:
                index.setdefault(ident, (pointer, node))
            stack.extend(((*pointer, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*pointer, i), v) for i, v in enumerate(node))
    return index


def _scopes(data: Mapping[str, Any]) -> Iterator[tuple[Pointer, Mapping[str, Any]]]:
    """The dataset, its distributions, record sets and their (sub)fields and annotations:
    everywhere PROV terms may sit."""
    yield (), data
    names = _terms(data)
    stack: list[tuple[Pointer, Mapping[str, Any]]] = []
    for section in ("distribution", "recordSet"):
        key = names.get(section)
        if key is None:
            continue
        for pointer, item in _listed(data[key], (key,)):
            if isinstance(item, Mapping):
                stack.append((pointer, item))
    stack.reverse()
    while stack:
        pointer, node = stack.pop()
        yield pointer, node
        inner = _terms(node)
        children: list[tuple[Pointer, Mapping[str, Any]]] = []
        for child in ("field", "subField", "annotation"):
            key = inner.get(child)
            if key is None:
                continue
            for cpointer, item in _listed(node[key], (*pointer, key)):
                if isinstance(item, Mapping):
                    children.append((cpointer, item))
        stack.extend(reversed(children))


def _map_generation(
    data: Mapping[str, Any], positions: Mapping[Pointer, Position], out: Mapped
) -> None:
    """Generation uses from PROV: activities first (what they do gives the role, their
    times the date), then agents named without an activity (only when they name a model)."""
    index = _agents_index(data)
    seen: set[str] = set()
    scopes = list(_scopes(data))
    for scope_pointer, scope in scopes:
        names = _terms(scope)
        key = names.get("prov:wasGeneratedBy")
        if key is None:
            continue
        for apointer, activity in _listed(scope[key], (*scope_pointer, key)):
            if isinstance(activity, str):
                resolved = index.get(activity)
                if resolved is None:
                    continue
                activity = resolved[1]
            if not isinstance(activity, Mapping):
                continue
            role = activity_role(activity)
            inner = _terms(activity)
            for wanted in (
                "prov:wasAssociatedWith",
                "prov:isAssociatedWith",
                "prov:wasAttributedTo",
                "wasAssociatedWith",
            ):
                akey = inner.get(wanted)
                if akey is None:
                    continue
                for pointer, agent in _listed(activity[akey], (*apointer, akey)):
                    _add_use(out, positions, index, seen, pointer, agent, activity, role)
    for scope_pointer, scope in scopes:
        names = _terms(scope)
        for wanted in ("prov:wasAttributedTo", "prov:wasAssociatedWith", "prov:isAssociatedWith"):
            key = names.get(wanted)
            if key is not None:
                for pointer, agent in _listed(scope[key], (*scope_pointer, key)):
                    _add_use(out, positions, index, seen, pointer, agent, None, "generator")


def activity_role(activity: Mapping[str, Any]) -> str | None:
    """What a PROV activity does, from its id, type, label and description: ``generator``,
    ``paraphraser``, ``filter``, ``labeler`` or ``judge``; None when it says none of these
    (collection, conversion, publication: their tools are not model uses)."""
    act = _terms(activity)
    words = " ".join(
        str(activity[act[k]])
        for k in ("@id", "@type", "prov:label", "name", "prov:description", "description")
        if k in act and isinstance(activity[act[k]], str)
    )
    for pattern, role in _ACTIVITY_ROLES:
        if pattern.search(words):
            return role
    return None


def _add_use(
    out: Mapped,
    positions: Mapping[Pointer, Position],
    index: Mapping[str, tuple[Pointer, Mapping[str, Any]]],
    seen: set[str],
    pointer: Pointer,
    agent: Any,
    activity: Mapping[str, Any] | None,
    role: str | None,
) -> None:
    """Add a generation use for ``agent`` (a mapping or an ``@id`` reference) if it is a model."""
    referenced = isinstance(agent, str)
    if referenced:
        resolved = index.get(agent)
        if resolved is None:
            return
        agent = resolved[1]
    if not isinstance(agent, Mapping):
        return
    inner = _terms(agent)
    if len(agent) == 1 and "@id" in inner:  # a bare reference: resolve it
        resolved = index.get(str(agent[inner["@id"]]))
        if resolved is None:
            return
        agent, inner = resolved[1], _terms(resolved[1])
    label = _get(agent, inner, "prov:label", "name", "@id")
    if label is None or not isinstance(label[1], str) or not label[1].strip():
        return
    model = label[1].strip()
    type_key = inner.get("@type", "@type")
    types = " ".join(t for _, t in as_strings(agent.get(type_key))).lower()
    if activity is None or role is None:
        if not _MODEL_LABEL.search(model):
            return  # a tool, a person or an organisation named without what it did
        role = role or "generator"
    elif "softwareagent" not in types and not _MODEL_LABEL.search(model):
        return  # a person or an organisation: not a model use
    if model in seen:
        return
    seen.add(model)
    use: dict[str, Any] = {"model": model, "role": role}
    if activity is not None:
        act = _terms(activity)
        when = _get(activity, act, "prov:endedAtTime", "prov:startedAtTime")
        date = iso_date(when[1]) if when is not None else None
        if date:
            use["date"] = date
    at = positions.get(pointer if referenced else (*pointer, label[0])) or positions.get(pointer)
    k = out.append(("generation",), use, at)
    out.put(("generation", k, "model"), model, at)
    out.positions.setdefault(("generation",), at or Position(1, 1))


def _field_provenance(data: Mapping[str, Any]) -> Iterator[str]:
    """Names of fields whose values carry PROV terms (``equivalentProperty: prov:...``)."""
    for _, scope in _scopes(data):
        names = _terms(scope)
        key = names.get("equivalentProperty")
        if key is None:
            continue
        values = [v for _, v in as_strings(scope[key])]
        if any(term(v).startswith("prov:") for v in values):
            label = _get(scope, names, "name", "@id")
            if label is not None and isinstance(label[1], str):
                yield label[1]


def _map_synthetic(
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
    key = names.get("description")
    if key is not None and isinstance(data[key], str):
        said = generated_by(data[key])
        if said is not None:
            reason = f'description says "{said[1]}"'
            models = said[2]
            found.append((evidence_entry(SUSPECTED, reason, models), positions.get((key,))))
    if not found:
        return
    out.put(("x-synthetic",), [], found[0][1])
    for entry, at in found:
        out.append(("x-synthetic",), entry, at)


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
