"""The edges documents declare, before any format-specific linker runs.

A dataset card declares its ``sources`` (dataset -> dataset), the models of its
``generation`` uses (model -> dataset) and its judge (``validation.judge.model``); a pipeline
declares its base model (``primary_model.base``), its stages, each stage's model and the
datasets a stage reads (``inputs``) and writes (``outputs``). Each edge keeps the document
and pointer that declared it. :class:`~synthgov.lineage.graph.LineageGraph` builds from
these; the repository index (``synthgov.app.index.plan``) summarises one document with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synthgov.core.types import Document
from synthgov.lineage.types import (
    BASE,
    GENERATED,
    INPUT,
    JUDGED,
    OUTPUT,
    SOURCE,
    STAGE,
    USES,
    Edge,
    Node,
    dataset_node,
    model_node,
    pipeline_node,
    stage_node,
)


def model_ref_id(ref: Any) -> str | None:
    """The id of a model reference: a string, or a mapping's ``id`` (None when blank)."""
    if isinstance(ref, str) and ref.strip():
        return ref.strip()
    if isinstance(ref, Mapping) and isinstance(ref.get("id"), str) and ref["id"].strip():
        return ref["id"].strip()
    return None


def card_edges(doc: Document, nodes: dict[str, Node], edges: list[Edge]) -> None:
    me = dataset_node(doc.id or "")
    sources = doc.data.get("sources")
    if isinstance(sources, list):
        for i, src in enumerate(sources):
            if isinstance(src, Mapping) and isinstance(src.get("dataset"), str):
                other = dataset_node(src["dataset"])
                _ensure_dataset(nodes, src["dataset"])
                edges.append(Edge(other, me, SOURCE, doc, ("sources", i, "dataset")))
    generation = doc.data.get("generation")
    if isinstance(generation, list):
        for i, use in enumerate(generation):
            if not isinstance(use, Mapping):
                continue
            mid = model_ref_id(use.get("model"))
            if mid:
                _ensure_model(nodes, mid)
                role = use.get("role") if isinstance(use.get("role"), str) else ""
                role = role or "generator"
                edges.append(
                    Edge(
                        model_node(mid),
                        me,
                        GENERATED,
                        doc,
                        ("generation", i, "model"),
                        {"role": role, "rows": use.get("rows"), "ref": use.get("model")},
                    )
                )
    judge = doc.get(("validation", "judge", "model"))
    mid = model_ref_id(judge)
    if mid:
        _ensure_model(nodes, mid)
        edges.append(
            Edge(model_node(mid), me, JUDGED, doc, ("validation", "judge", "model"), {"ref": judge})
        )


def pipeline_edges(doc: Document, nodes: dict[str, Node], edges: list[Edge]) -> None:
    pid = doc.id or ""
    me = pipeline_node(pid)
    primary = model_ref_id(doc.get(("primary_model", "id")))
    nodes.setdefault(me, Node(me, "pipeline", pid, detail=primary or ""))
    base = doc.get(("primary_model", "base"))
    mid = model_ref_id(base)
    if mid:
        _ensure_model(nodes, mid)
        edges.append(Edge(model_node(mid), me, BASE, doc, ("primary_model", "base"), {"ref": base}))
    stages = doc.data.get("stages")
    if not isinstance(stages, list):
        return
    for i, stage in enumerate(stages):
        if not isinstance(stage, Mapping) or not isinstance(stage.get("id"), str):
            continue
        sid = stage_node(pid, stage["id"])
        stype = stage.get("type") if isinstance(stage.get("type"), str) else ""
        label = f"{stage['id']} ({stype})" if stype and stype != stage["id"] else stage["id"]
        nodes.setdefault(sid, Node(sid, "stage", label))
        edges.append(Edge(me, sid, STAGE, doc, ("stages", i), {"type": stype}))
        mid = model_ref_id(stage.get("model"))
        if mid:
            _ensure_model(nodes, mid)
            edges.append(
                Edge(
                    model_node(mid),
                    sid,
                    USES,
                    doc,
                    ("stages", i, "model"),
                    {"type": stype, "ref": stage.get("model")},
                )
            )
        for j, ds in _id_list(stage.get("inputs")):
            _ensure_dataset(nodes, ds)
            ptr = ("stages", i, "inputs") if j is None else ("stages", i, "inputs", j)
            edges.append(Edge(dataset_node(ds), sid, INPUT, doc, ptr, {"type": stype}))
        for j, ds in _id_list(stage.get("outputs")):
            _ensure_dataset(nodes, ds)
            ptr = ("stages", i, "outputs") if j is None else ("stages", i, "outputs", j)
            edges.append(Edge(sid, dataset_node(ds), OUTPUT, doc, ptr, {"type": stype}))


def _ensure_dataset(nodes: dict[str, Node], ds_id: str) -> None:
    key = dataset_node(ds_id)
    if key not in nodes:
        nodes[key] = Node(key, "dataset", ds_id, declared=False)


def _ensure_model(nodes: dict[str, Node], model_id: str) -> None:
    key = model_node(model_id)
    if key not in nodes:
        nodes[key] = Node(key, "model", model_id)


def _id_list(value: Any) -> list[tuple[int | None, str]]:
    if isinstance(value, str):
        return [(None, value)]
    if isinstance(value, list):
        return [(i, v) for i, v in enumerate(value) if isinstance(v, str)]
    return []
