"""Hugging Face dataset cards: ``README.md`` with YAML front matter (SPEC section 3.4).

The front matter is the YAML block between the first two ``---`` lines (LF, CRLF or CR line
ends); it is parsed with the safe loader, with line numbers counted from the top of the
README. What maps to the native DatasetCard:

* ``pretty_name`` -> ``metadata.name``; ``license`` (``other`` with ``license_name`` gives the
  name; several licenses are joined with `` AND ``) -> ``metadata.license``; ``tags`` ->
  ``metadata.tags``;
* ``source_datasets`` -> ``sources`` (external sources named after the Hub dataset;
  ``original`` is dropped, ``extended|squad`` gives ``squad``);
* ``configs`` in the current form (mappings with ``data_files``) -> ``files`` for every
  literal path (glob patterns are kept only in ``x-huggingface``); the old form (a list of
  config names) maps to nothing;
* ``machine-generated`` in ``annotations_creators``/``language_creators``, or the tag
  ``synthetic``, marks the card synthetic (``x-synthetic-hint``, which
  :func:`synthgov.graph.is_synthetic` honours when the card has no composition or generation);
* the whole front matter is kept under ``x-huggingface`` (for custom rules);
* a ``synthgov:`` mapping holds native fields; they take precedence (``metadata`` is merged
  key by key, other sections replace what the Hub fields gave) and such a card is checked
  like a native one, schema (SG002) included.

The card id is ``synthgov.metadata.id``, else the name of the folder holding the README. A
README without front matter is not a document; neither is a model or Space card (front
matter with ``base_model``, ``model-index``, ``pipeline_tag`` or ``sdk`` and no dataset key),
nor a README next to a ``datadreamer.json`` that has no ``synthgov:`` block (the DataDreamer
file is that dataset's card). Front matter that is not a mapping is SG001.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from synthgov.lazyre import LazyRegex
from synthgov.loaders.adapting import Mapped, as_strings, basename, folder_name
from synthgov.loading.limits import Limits
from synthgov.model import DATASET_CARD, FileProblem, LoadResult, Pointer, Position

NAME = "huggingface"
README = "readme.md"
SYNTHGOV_KEY = "synthgov"
# the block between the first two --- lines; leading blank lines are allowed, as the Hub does
_FRONT_MATTER = LazyRegex(
    r"\A(?P<lead>[ \t\r\n]*---[ \t]*(?:\r\n|\r|\n))"
    r"(?P<body>.*?)"
    r"(?:\r\n|\r|\n)---[ \t]*(?:\r\n|\r|\n|\Z)",
    re.S,
)
_NEWLINE = LazyRegex(r"\r\n|\r|\n")
_HEAD = LazyRegex(rb"\A(?:\xef\xbb\xbf)?[ \t\r\n]*---[ \t]*[\r\n]")
_TOP_SYNTHGOV = LazyRegex(r"^synthgov[ \t]*:", re.M)
_GLOB = LazyRegex(r"[*?\[\]{}]")
MACHINE = "machine-generated"
SYNTHETIC_TAG = "synthetic"
CREATOR_KEYS = ("annotations_creators", "language_creators")
OTHER_CARD_KEYS = frozenset({"base_model", "model-index", "pipeline_tag", "sdk", "app_file"})
DATASET_KEYS = frozenset(
    {
        "annotations_creators",
        "language_creators",
        "source_datasets",
        "task_categories",
        "task_ids",
        "size_categories",
        "dataset_info",
        "configs",
        "config_names",
        "multilinguality",
        "paperswithcode_id",
        "train-eval-index",
    }
)
DATADREAMER_FILE = "datadreamer.json"


def front_matter(text: str) -> tuple[str, int] | None:
    """The YAML text of the front matter and the number of lines above it, or None."""
    found = _FRONT_MATTER.match(text)
    if found is None:
        return None
    return found.group("body"), len(_NEWLINE.findall(found.group("lead")))


def readme_has_synthgov_block(folder: str) -> bool:
    """Whether ``folder/README.md`` has front matter with a top-level ``synthgov:`` key."""
    path = os.path.join(folder, "README.md")
    try:
        with open(path, "rb") as handle:
            raw = handle.read(1024 * 1024)
    except OSError:
        return False
    found = front_matter(raw.decode("utf-8", "replace").lstrip("\ufeff"))
    return found is not None and _TOP_SYNTHGOV.search(found[0]) is not None


class HuggingFaceCardLoader:
    name = NAME

    def sniff(self, path: str, head: bytes) -> bool:
        return basename(path) == README and _HEAD.match(head) is not None

    def load(self, path: str, raw: bytes, display_path: str, limits: Limits) -> LoadResult:
        from synthgov.loaders.native import to_document
        from synthgov.loading.safeyaml import decode, load_yaml_text

        text = decode(raw)
        if isinstance(text, FileProblem):
            return LoadResult((), (text,))
        found = front_matter(text)
        if found is None:
            return LoadResult()  # no front matter: not a document
        body, offset = found
        parsed = load_yaml_text(body, limits, offset)
        problems = tuple(parsed.problems)
        if not parsed.ok:
            return LoadResult((), problems)
        data = parsed.data
        if data is None:
            return LoadResult((), problems)  # empty front matter: nothing declared
        if not isinstance(data, Mapping):
            at = parsed.positions.get((), Position(offset + 1, 1))
            found_type = "a list" if isinstance(data, list) else type(data).__name__
            problem = FileProblem(
                "SG001",
                f"Hugging Face card front matter must be a mapping, found {found_type}",
                at.line,
                at.column,
                hint="write the card metadata as `key: value` lines between the --- lines",
            )
            return LoadResult((), (*problems, problem))
        block = data.get(SYNTHGOV_KEY)
        if block is None and (_other_card(data) or _datadreamer_next_to(path)):
            return LoadResult((), problems)
        mapped, extra = map_card(data, parsed.positions, path, Position(offset + 1, 1))
        native = isinstance(block, Mapping)
        return to_document(
            mapped.data,
            mapped.positions,
            path,
            display_path,
            (*problems, *extra),
            source_format=NAME,
            native=native,
        )


def _other_card(data: Mapping[str, Any]) -> bool:
    """A model or Space card: model/Space keys and no dataset key."""
    keys = set(data)
    return bool(keys & OTHER_CARD_KEYS) and not keys & DATASET_KEYS


def _datadreamer_next_to(path: str) -> bool:
    """DataDreamer's own card (datadreamer.json) describes this dataset."""
    return os.path.exists(os.path.join(os.path.dirname(path), DATADREAMER_FILE))


def map_card(
    fm: Mapping[str, Any],
    positions: Mapping[Pointer, Position],
    path: str,
    origin: Position,
) -> tuple[Mapped, tuple[FileProblem, ...]]:
    """The native DatasetCard of a front matter (plus problems with its synthgov: block)."""
    out = Mapped(DATASET_CARD, positions.get((), origin))
    out.put(("metadata",), {}, positions.get((), origin))
    out.put(("metadata", "id"), folder_name(path))
    _map_metadata(fm, positions, out)
    _map_sources(fm, positions, out)
    _map_files(fm, positions, out)
    hint = synthetic_signal(fm)
    if hint is not None:
        out.put(("x-synthetic-hint",), True, positions.get(hint))
    rest = {k: v for k, v in fm.items() if k != SYNTHGOV_KEY}
    out.put(("x-huggingface",), rest, positions.get((), origin))
    for key, value in rest.items():
        out.copy_positions(("x-huggingface", key), value, positions, (key,))
    problems: tuple[FileProblem, ...] = ()
    block = fm.get(SYNTHGOV_KEY)
    if isinstance(block, Mapping):
        _overlay(out, block, positions)
    elif block is not None:
        at = positions.get((SYNTHGOV_KEY,), origin)
        problems = (
            FileProblem(
                "SG001",
                f"the synthgov: block must be a mapping of native card fields, found "
                f"{type(block).__name__}",
                at.line,
                at.column,
                (SYNTHGOV_KEY,),
                hint="write native fields under it, e.g. synthgov: {metadata: {owner: ...}}",
            ),
        )
    return out, problems


def _map_metadata(
    fm: Mapping[str, Any], positions: Mapping[Pointer, Position], out: Mapped
) -> None:
    name = fm.get("pretty_name")
    if isinstance(name, str) and name.strip():
        out.put(("metadata", "name"), name.strip(), positions.get(("pretty_name",)))
    license_value = _license(fm)
    if license_value is not None:
        out.put(("metadata", "license"), license_value[0], positions.get(license_value[1]))
    tags = as_strings(fm.get("tags"))
    if tags:
        out.put(("metadata", "tags"), [], positions.get(("tags",)))
        for i, tag in tags:
            out.append(
                ("metadata", "tags"), tag, positions.get(("tags",) if i is None else ("tags", i))
            )


def _license(fm: Mapping[str, Any]) -> tuple[str, Pointer] | None:
    values = as_strings(fm.get("license"))
    if not values:
        return None
    names = [v.strip() for _, v in values]
    if names == ["other"] and isinstance(fm.get("license_name"), str) and fm["license_name"]:
        return fm["license_name"].strip(), ("license_name",)
    return " AND ".join(names), ("license",)


def _map_sources(fm: Mapping[str, Any], positions: Mapping[Pointer, Position], out: Mapped) -> None:
    seen: set[str] = set()
    for i, value in as_strings(fm.get("source_datasets")):
        name = value.strip().split("|", 1)[1] if "|" in value else value.strip()
        if name in ("original", "extended", "") or name in seen:
            continue
        seen.add(name)
        at = positions.get(("source_datasets",) if i is None else ("source_datasets", i))
        entry = {"name": name, "url": f"https://huggingface.co/datasets/{name}"}
        k = out.append(("sources",), entry, at)
        out.put(("sources", k, "name"), name, at)
    if "sources" in out.data:
        out.positions.setdefault(
            ("sources",), positions.get(("source_datasets",)) or Position(1, 1)
        )


def _map_files(fm: Mapping[str, Any], positions: Mapping[Pointer, Position], out: Mapped) -> None:
    configs = fm.get("configs")
    if not isinstance(configs, list):
        return
    seen: set[str] = set()
    for c, config in enumerate(configs):
        if not isinstance(config, Mapping):
            continue  # the old form: a config name
        for pointer, split, file_path in _data_files(
            config.get("data_files"), ("configs", c, "data_files")
        ):
            if _GLOB.search(file_path) or file_path in seen:
                continue
            seen.add(file_path)
            entry: dict[str, Any] = {"path": file_path}
            if split:
                entry["split"] = split
            k = out.append(("files",), entry, positions.get(pointer))
            out.put(("files", k, "path"), file_path, positions.get(pointer))
    if "files" in out.data:
        out.positions.setdefault(("files",), positions.get(("configs",)) or Position(1, 1))


def _data_files(value: Any, pointer: Pointer) -> list[tuple[Pointer, str | None, str]]:
    """(pointer, split, path) for every path in a ``data_files`` value, in any of its forms."""
    found: list[tuple[Pointer, str | None, str]] = []
    if isinstance(value, str):
        found.append((pointer, None, value))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                found.append(((*pointer, i), None, item))
            elif isinstance(item, Mapping):
                split = item.get("split") if isinstance(item.get("split"), str) else None
                for j, path in as_strings(item.get("path")):
                    where = (*pointer, i, "path") if j is None else (*pointer, i, "path", j)
                    found.append((where, split, path))
    elif isinstance(value, Mapping):  # {split: path or [paths]}
        for split, paths in value.items():
            for j, path in as_strings(paths):
                where = (*pointer, split) if j is None else (*pointer, split, j)
                found.append((where, str(split), path))
    return found


def synthetic_signal(fm: Mapping[str, Any]) -> Pointer | None:
    """The pointer of what marks the card synthetic (a creator or a tag), or None."""
    for key in CREATOR_KEYS:
        for i, value in as_strings(fm.get(key)):
            if value.strip().lower() == MACHINE:
                return (key,) if i is None else (key, i)
    for i, value in as_strings(fm.get("tags")):
        if value.strip().lower() == SYNTHETIC_TAG:
            return ("tags",) if i is None else ("tags", i)
    return None


def _overlay(out: Mapped, block: Mapping[str, Any], positions: Mapping[Pointer, Position]) -> None:
    """Native fields of the synthgov: block win over those mapped from the Hub fields."""
    base: Pointer = (SYNTHGOV_KEY,)
    for key, value in block.items():
        if key == "metadata" and isinstance(value, Mapping):
            out.positions[("metadata",)] = positions.get((*base, key), out.positions[("metadata",)])
            for meta_key, meta_value in value.items():
                out.forget(("metadata", meta_key))
                out.put_tree(("metadata", meta_key), meta_value, positions, (*base, key, meta_key))
            continue
        out.forget((key,))
        out.put_tree((key,), value, positions, (*base, key))
