"""Which nodes a drawing of some datasets and pipelines keeps (``LineageGraph.focus``).

``synthgov graph FILE...`` and the HTML report draw the lineage around the documents they
were given, not the whole repository loaded for context:

- a seed **dataset** brings everything upstream and downstream of it, and the pipelines that
  read any of it or its downstream datasets;
- a seed **pipeline** brings the datasets its stages read and write and everything upstream
  of them;
- every kept dataset brings the pipelines whose stages wrote it and the models that generated
  or judged it; every kept pipeline its stages, their models and datasets, and its base model.

Only the graph's query methods are used, so a graph that records its queries (the repository
index's) sees every question asked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from synthgov.lineage.types import BASE, GENERATED, INPUT, JUDGED, OUTPUT, STAGE, pipeline_node

if TYPE_CHECKING:
    from synthgov.lineage.graph import LineageGraph


def focus_nodes(graph: LineageGraph, seeds: Iterable[str]) -> set[str]:
    """The node ids a drawing of ``seeds`` keeps (see the module docstring)."""
    datasets, consumed, pipelines = _seeded(graph, seeds)
    pipelines |= _stage_owners(graph, datasets, consumed)
    keep = datasets | {p for p in pipelines if p in graph.nodes}
    keep |= _pipeline_parts(graph, pipelines)
    for ds in datasets:
        keep.update(e.src for e in graph.in_edges(ds) if e.kind in (GENERATED, JUDGED))
    return keep


def _seeded(graph: LineageGraph, seeds: Iterable[str]) -> tuple[set[str], set[str], set[str]]:
    """(datasets, consumed datasets whose readers matter, pipelines) the seeds bring."""
    datasets: set[str] = set()
    consumed: set[str] = set()
    pipelines: set[str] = set()
    for seed in seeds:
        node = graph.nodes.get(seed)
        if node is None:
            continue
        if node.kind == "pipeline":
            pipelines.add(seed)
            for ds in _stage_datasets(graph, seed):
                datasets |= {ds} | graph.upstream(ds)
        elif node.kind == "dataset":
            down = graph.downstream(seed)
            datasets |= {seed} | graph.upstream(seed) | down
            consumed |= {seed} | down
    return datasets, consumed, pipelines


def _stage_datasets(graph: LineageGraph, pipeline: str) -> list[str]:
    """The datasets the stages of ``pipeline`` read and write, stage by stage."""
    found: list[str] = []
    for stage in graph.out_edges(pipeline, STAGE):
        found += [e.src for e in graph.in_edges(stage.dst, INPUT)]
        found += [e.dst for e in graph.out_edges(stage.dst, OUTPUT)]
    return found


def _stage_owners(graph: LineageGraph, datasets: set[str], consumed: set[str]) -> set[str]:
    """Pipelines whose stages wrote a dataset, or read a consumed one."""
    owners: set[str] = set()
    for ds in datasets:
        stages = [e.src for e in graph.in_edges(ds, OUTPUT)]
        if ds in consumed:
            stages += [e.dst for e in graph.out_edges(ds, INPUT)]
        # a stage node is "stage:<pipeline id>/<stage id>"
        owners.update(pipeline_node(st.split(":", 1)[1].partition("/")[0]) for st in stages)
    return owners


def _pipeline_parts(graph: LineageGraph, pipelines: set[str]) -> set[str]:
    """Base models, stages, and the stages' models and datasets of ``pipelines``."""
    parts: set[str] = set()
    for pipe in pipelines:
        parts.update(e.src for e in graph.in_edges(pipe, BASE))
        for stage in graph.out_edges(pipe, STAGE):
            parts.add(stage.dst)
            parts.update(e.src for e in graph.in_edges(stage.dst))
            parts.update(e.dst for e in graph.out_edges(stage.dst))
    return parts
