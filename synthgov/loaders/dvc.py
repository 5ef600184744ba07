"""DVC pipelines (``dvc.yaml``) and the lineage links of their stages (SPEC section 3.4).

Each DVC stage becomes a stage of a native Pipeline document whose id is
``<folder>-dvc``. DVC stages name *files*, not datasets, so the loader keeps them as they are
written, under ``x-dvc`` (``deps`` and ``outs`` resolved against ``wdir``, relative to the
``dvc.yaml``), and :func:`file_link_edges` turns them into lineage edges at graph-build time:
a dep or out that is a file named by a card's ``files`` (or a folder holding one) links the
stage to that card, as a stage input or output. Paths that no card names (code, params,
models, plots) are ignored, and nothing is reported for them.

A stage's type is guessed from its name (``train``, ``evaluate``/``eval``/``test``,
``generate``/``synth``, ``label``, ``filter``); DVC's free-form ``meta`` lets a user state
native stage fields precisely: ``meta: {synthgov: {type: generate, model: ...}}`` wins.
``foreach``/``matrix`` stages are read from their template; ``${...}`` paths stay unresolved
and link to nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from synthgov.core.lazyre import LazyRegex
from synthgov.core.types import DATASET_CARD, PIPELINE, FileProblem, LoadResult, Pointer, Position
from synthgov.loaders.adapting import Mapped, basename, folder_name
from synthgov.repo.parsing.limits import Limits

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.core.types import Document
    from synthgov.lineage.types import Edge

NAME = "dvc"
FILE_NAMES = ("dvc.yaml", "dvc.yml")
DVC_KEY = "x-dvc"
STAGE_FIELDS = ("type", "model", "inputs", "outputs", "description")
_TYPES = (
    (LazyRegex(r"(^|[-_. ])(train|training|finetune|fine-tune|sft)([-_. ]|$)", re.I), "train"),
    (LazyRegex(r"(^|[-_. ])(evaluate|evaluation|eval|test)([-_. ]|$)", re.I), "evaluate"),
    (
        LazyRegex(r"(^|[-_. ])(generate|generation|gen|synth|synthesize)([-_. ]|$)", re.I),
        "generate",
    ),
    (LazyRegex(r"(^|[-_. ])(label|labelling|labeling|annotate)([-_. ]|$)", re.I), "label"),
    (LazyRegex(r"(^|[-_. ])(filter|filtering)([-_. ]|$)", re.I), "filter"),
)


def guess_type(stage_name: str) -> str | None:
    return next((kind for pattern, kind in _TYPES if pattern.search(stage_name)), None)


# the top-level keys of dvc.yaml (DVC's project file schema)
DVC_TOP_KEYS = frozenset({"vars", "stages", "params", "metrics", "plots", "artifacts", "datasets"})


class DvcLoader:
    name = NAME
    suffixes = (".yaml", ".yml")  # the files discovery offers this loader

    def sniff(self, path: str, head: bytes) -> bool:
        return basename(path) in FILE_NAMES

    def lineage_edges(self, documents: Sequence[Document]) -> list[Edge]:
        """The graph-build hook: stage links to the cards that name a stage's files."""
        if not any(doc.source_format == NAME for doc in documents):
            return []  # no DVC stage: nothing to link (and no card index to build)
        return file_link_edges(documents)

    def load(self, path: str, raw: bytes, display_path: str, limits: Limits) -> LoadResult:
        from synthgov.loaders.native import to_document
        from synthgov.repo.parsing.safeyaml import load_yaml

        parsed = load_yaml(raw, limits)
        problems = tuple(parsed.problems)
        if not parsed.ok:
            return LoadResult((), problems)
        data = parsed.data
        if data is None:
            return LoadResult((), problems)
        stages = data.get("stages") if isinstance(data, Mapping) else None
        if isinstance(data, Mapping) and stages is None and set(data) <= DVC_TOP_KEYS:
            # a valid dvc.yaml without a pipeline (DVCLive writes metrics/plots/artifacts):
            # nothing to govern
            return LoadResult((), problems)
        if not isinstance(stages, Mapping):
            at = parsed.positions.get(("stages",), Position(1, 1))
            problem = FileProblem(
                "SG001", "not a DVC pipeline: expected a `stages:` mapping", at.line, at.column
            )
            return LoadResult((), (*problems, problem))
        mapped = map_dvc(stages, parsed.positions, path)
        return to_document(
            mapped.data,
            mapped.positions,
            path,
            display_path,
            problems,
            source_format=NAME,
            native=False,
        )


def map_dvc(stages: Mapping[str, Any], positions: Mapping[Pointer, Position], path: str) -> Mapped:
    out = Mapped(PIPELINE, positions.get(()))
    folder = folder_name(path)
    out.put(("metadata",), {"id": f"{folder}-dvc", "name": f"DVC pipeline of {folder}"})
    out.put(("stages",), [], positions.get(("stages",)))
    for name, body in stages.items():
        base: Pointer = ("stages", name)
        if isinstance(body, Mapping) and isinstance(body.get("do"), Mapping):
            body, base = body["do"], (*base, "do")  # foreach: the template
        if not isinstance(body, Mapping):
            continue
        _map_stage(out, positions, str(name), base, body)
    return out


def _paths(value: Any) -> list[tuple[int, str]]:
    """Paths of a deps/outs list: strings, or one-key mappings ``{path: {options}}``."""
    found: list[tuple[int, str]] = []
    for i, item in enumerate(value if isinstance(value, list) else []):
        if isinstance(item, str) and item.strip():
            found.append((i, item.strip()))
        elif isinstance(item, Mapping) and len(item) == 1:
            key = next(iter(item))
            if isinstance(key, str) and key.strip():
                found.append((i, key.strip()))
    return found


def _map_stage(
    out: Mapped,
    positions: Mapping[Pointer, Position],
    name: str,
    base: Pointer,
    body: Mapping[str, Any],
) -> None:
    k = len(out.data["stages"])
    ptr: Pointer = ("stages", k)
    out.put(ptr, {}, positions.get(("stages", name)))
    out.put((*ptr, "id"), name, positions.get(("stages", name)))
    kind = guess_type(name)
    if kind is not None:
        out.put((*ptr, "type"), kind, positions.get(("stages", name)))
    wdir_value = body.get("wdir")
    wdir = wdir_value if isinstance(wdir_value, str) else ""
    extra: dict[str, Any] = {"wdir": wdir or "."}
    cmd = body.get("cmd")
    if isinstance(cmd, str):
        extra["cmd"] = cmd.strip()
    out.put((*ptr, DVC_KEY), extra, positions.get((*base, "cmd")))
    for key in ("deps", "outs"):
        paths = _paths(body.get(key))
        if not paths:
            continue
        out.put((*ptr, DVC_KEY, key), [], positions.get((*base, key)))
        for i, value in paths:
            rel = os.path.normpath(os.path.join(wdir, value)).replace(os.sep, "/")
            out.append((*ptr, DVC_KEY, key), rel, positions.get((*base, key, i)))
    meta = body.get("meta")
    own = meta.get("synthgov") if isinstance(meta, Mapping) else None
    if isinstance(own, Mapping):
        for key in STAGE_FIELDS:
            if key in own:
                out.forget((*ptr, key))
                out.put_tree((*ptr, key), own[key], positions, (*base, "meta", "synthgov", key))


# -- lineage links (DvcLoader.lineage_edges, called by LineageGraph.build) ----------------


def card_files(documents: Iterable[Document]) -> dict[str, str]:
    """Absolute normalised path -> id of the card whose ``files`` names it."""
    named: dict[str, str] = {}
    for doc in documents:
        if doc.kind != DATASET_CARD or not doc.id:
            continue
        files = doc.data.get("files")
        for entry in files if isinstance(files, list) else []:
            rel = entry.get("path") if isinstance(entry, Mapping) else None
            if isinstance(rel, str) and rel.strip():
                named.setdefault(os.path.normpath(os.path.join(doc.abs_dir, rel)), doc.id)
    return named


def _cards_for(path: str, named: Mapping[str, str], ordered: Sequence[str]) -> list[str]:
    """Ids of the cards naming ``path``, or a file below it when it is a folder."""
    if path in named:
        return [named[path]]
    prefix = path.rstrip(os.sep) + os.sep
    return sorted({named[p] for p in ordered if p.startswith(prefix)})


def file_link_edges(documents: Sequence[Document]) -> list[Edge]:
    """Stage input/output edges for DVC stages whose deps/outs are files named by cards."""
    from synthgov.lineage.types import INPUT, OUTPUT, Edge, dataset_node, stage_node

    named = card_files(documents)
    if not named:
        return []
    ordered = sorted(named)
    edges: list[Edge] = []
    for doc in documents:
        if doc.kind != PIPELINE or not doc.id:
            continue
        stages = doc.data.get("stages")
        for i, stage in enumerate(stages if isinstance(stages, list) else []):
            if not isinstance(stage, Mapping) or not isinstance(stage.get("id"), str):
                continue
            links = stage.get(DVC_KEY)
            if not isinstance(links, Mapping):
                continue
            stype = stage.get("type") if isinstance(stage.get("type"), str) else ""
            node = stage_node(doc.id, stage["id"])
            for key, kind in (("deps", INPUT), ("outs", OUTPUT)):
                values = links.get(key)
                seen: set[str] = set()
                for j, rel in enumerate(values if isinstance(values, list) else []):
                    if not isinstance(rel, str):
                        continue
                    target = os.path.normpath(os.path.join(doc.abs_dir, rel))
                    for card_id in _cards_for(target, named, ordered):
                        if card_id in seen:
                            continue
                        seen.add(card_id)
                        pointer = ("stages", i, DVC_KEY, key, j)
                        ds = dataset_node(card_id)
                        src, dst = (ds, node) if kind == INPUT else (node, ds)
                        edges.append(Edge(src, dst, kind, doc, pointer, {"type": stype}))
    return edges
