"""DataDreamer's ``datadreamer.json`` (SPEC section 3.4).

DataDreamer publishes the metadata of the step that produced a dataset as
``datadreamer.json`` next to the dataset: ``{data_card: {<step name>: {<entry type>: ...}},
__version__, datetime, type, name, version, fingerprint, pickled, req_versions,
interpreter}``, where the entry types are ``Date & Time`` (a string in what DataDreamer 0.46
writes), ``Dataset Name``, ``Model Name``, ``URL``, ``Dataset Card``, ``Model Card``,
``License Information`` and ``Citation Information`` (lists). A step that runs steps of its
own (``FilterWithPrompt``, ``RankWithPrompt``) records them as ``<step> / <sub-step>``, and
its model is on the sub-step (``Filter Abstracts / Getting filter generations``). What maps
to the native DatasetCard:

* every ``Model Name`` of a step -> a ``generation`` use, with the step's first ``Date &
  Time`` as ``date`` and its ``License Information`` / ``Model Card`` under
  ``x-datadreamer``; the role comes from the step: the final step's class (``type``) for the
  final step and its sub-steps, else the step name (judge, filter, rank, label, paraphrase;
  else generator);
* every ``Dataset Name`` of a step without a model (a data source) -> a ``sources`` entry with
  that step's ``License Information`` and ``URL``;
* ``name`` -> ``metadata.name``; ``version`` -> ``metadata.version``; the id is the folder
  name (the dataset repository). DataDreamer data is synthetic by construction.

When the folder's ``README.md`` has a ``synthgov:`` block, that README is the card and this
file is not read as a second one (it would repeat the id).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from synthgov.core.lazyre import LazyRegex
from synthgov.core.types import DATASET_CARD, FileProblem, LoadResult, Pointer, Position
from synthgov.loaders.adapting import Mapped, as_strings, basename, folder_name, iso_date
from synthgov.repo.parsing.limits import Limits

NAME = "datadreamer"
FILE_NAME = "datadreamer.json"
DATETIME = "Date & Time"
MODEL_NAME = "Model Name"
DATASET_NAME = "Dataset Name"
LICENSE = "License Information"
MODEL_CARD = "Model Card"
URL = "URL"
_ROLES = (
    (LazyRegex(r"judg|rank|\bscor|\brat(e|ing)\b", re.I), "judge"),
    (LazyRegex(r"filter", re.I), "filter"),
    (LazyRegex(r"label|classif|annotat", re.I), "labeler"),
    (LazyRegex(r"paraphras|rewrit|translat|process", re.I), "paraphraser"),
)


def role_of(text: str) -> str:
    return next((role for pattern, role in _ROLES if pattern.search(text)), "generator")


class DataDreamerLoader:
    name = NAME
    suffixes = (".json",)  # the files discovery offers this loader

    def sniff(self, path: str, head: bytes) -> bool:
        return basename(path) == FILE_NAME

    def load(self, path: str, raw: bytes, display_path: str, limits: Limits) -> LoadResult:
        from synthgov.loaders.huggingface import readme_has_synthgov_block
        from synthgov.loaders.native import to_document
        from synthgov.repo.parsing.jsonpos import load_json

        parsed = load_json(raw, limits)
        problems = tuple(parsed.problems)
        if not parsed.ok:
            return LoadResult((), problems)
        data = parsed.data
        card = data.get("data_card") if isinstance(data, Mapping) else None
        if not isinstance(card, Mapping):
            problem = FileProblem(
                "SG001",
                "not DataDreamer metadata: expected a JSON object with a `data_card` mapping",
                hint="datadreamer.json is written by DataDreamer when it publishes a dataset",
            )
            return LoadResult((), (*problems, problem))
        if readme_has_synthgov_block(os.path.dirname(os.path.abspath(path))):
            return LoadResult((), problems)  # the README's synthgov: block is the card
        mapped = map_metadata(data, parsed.positions, path)
        return to_document(
            mapped.data,
            mapped.positions,
            path,
            display_path,
            problems,
            source_format=NAME,
            native=False,
        )


def map_metadata(
    data: Mapping[str, Any], positions: Mapping[Pointer, Position], path: str
) -> Mapped:
    out = Mapped(DATASET_CARD, positions.get(()))
    out.put(("metadata",), {}, positions.get(()))
    out.put(("metadata", "id"), folder_name(path))
    for key, native in (("name", "name"), ("version", "version")):
        value = data.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value):
            out.put(("metadata", native), str(value), positions.get((key,)))
    from synthgov.lineage.synthetic import DECLARED, evidence_entry

    reason = "a DataDreamer datadreamer.json (its data is written by the steps' models)"
    out.put(("x-synthetic",), [evidence_entry(DECLARED, reason)], positions.get(("data_card",)))
    out.positions[("x-synthetic", 0)] = positions.get(("data_card",)) or Position(1, 1)
    final_name, final_type = data.get("name"), data.get("type")
    card = data["data_card"]
    for step, entries in card.items():
        if not isinstance(entries, Mapping):
            continue
        base: Pointer = ("data_card", step)
        if isinstance(final_type, str) and _part_of(str(step), final_name):
            role = role_of(final_type)
        else:
            role = role_of(str(step))
        models = as_strings(entries.get(MODEL_NAME))
        if models:
            _uses(out, positions, base, step, entries, models, role)
        else:
            _sources(out, positions, base, entries)
    extra = {
        k: data[k]
        for k in ("__version__", "datetime", "type", "fingerprint", "req_versions", "interpreter")
        if k in data
    }
    out.put(("x-datadreamer",), extra, positions.get(()))
    return out


def _part_of(step: str, final_name: Any) -> bool:
    """Whether ``step`` is the final step or one of the sub-steps it ran."""
    return isinstance(final_name, str) and (
        step == final_name or step.startswith(final_name + " / ")
    )


def _first(entries: Mapping[str, Any], key: str) -> tuple[int | None, str] | None:
    values = as_strings(entries.get(key))
    return values[0] if values else None


def _at(
    positions: Mapping[Pointer, Position], base: Pointer, key: str, index: int | None
) -> Position | None:
    return positions.get((*base, key) if index is None else (*base, key, index))


def _uses(
    out: Mapped,
    positions: Mapping[Pointer, Position],
    base: Pointer,
    step: str,
    entries: Mapping[str, Any],
    models: list[tuple[int | None, str]],
    role: str,
) -> None:
    when = _first(entries, DATETIME)
    date = iso_date(when[1]) if when else None
    licenses = [v for _, v in as_strings(entries.get(LICENSE))]
    cards = [v for _, v in as_strings(entries.get(MODEL_CARD))]
    for n, (i, model) in enumerate(models):
        at = _at(positions, base, MODEL_NAME, i)
        use: dict[str, Any] = {"model": model.strip(), "role": role}
        if date:
            use["date"] = date
        extra: dict[str, Any] = {"step": step}
        if licenses:
            extra["license"] = licenses[n] if len(licenses) == len(models) else licenses
        if cards:
            extra["model_card"] = cards[n] if len(cards) == len(models) else cards
        use["x-datadreamer"] = extra
        k = out.append(("generation",), use, at)
        out.put(("generation", k, "model"), use["model"], at)
        if date and when is not None:
            out.put(("generation", k, "date"), date, _at(positions, base, DATETIME, when[0]))
        out.positions.setdefault(("generation",), at or Position(1, 1))


def _sources(
    out: Mapped, positions: Mapping[Pointer, Position], base: Pointer, entries: Mapping[str, Any]
) -> None:
    license_value = _first(entries, LICENSE)
    url = _first(entries, URL)
    for i, name in as_strings(entries.get(DATASET_NAME)):
        at = _at(positions, base, DATASET_NAME, i)
        entry: dict[str, Any] = {"name": name.strip()}
        if url is not None:
            entry["url"] = url[1].strip()
        if license_value is not None:
            entry["license"] = license_value[1].strip()
        k = out.append(("sources",), entry, at)
        if license_value is not None:
            where = _at(positions, base, LICENSE, license_value[0])
            out.put(("sources", k, "license"), entry["license"], where)
        out.positions.setdefault(("sources",), at or Position(1, 1))
