"""Render the lineage graph as Mermaid (default), Graphviz DOT or JSON (``synthgov graph``).

:func:`render` picks the format; the Mermaid drawing is in :mod:`.mermaid`, the DOT one in
:mod:`.dot`, the JSON here. All three draw from one :class:`~.layout.Layout`: datasets,
models and pipeline stages are nodes with readable labels, each pipeline is a box (a Mermaid
subgraph, a DOT cluster) holding its primary model and stages, synthetic datasets are marked,
and nodes and edges involved in findings that name graph nodes (the SG2xx diversity rules and
SG006 cycles) are highlighted, so a reviewer can follow an inbreeding loop. Output is
deterministic. No I/O here: the caller prints.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from synthgov.core.types import Finding
from synthgov.lineage.dot import render_dot
from synthgov.lineage.graph import LineageGraph
from synthgov.lineage.layout import (
    DrawnEdge,
    Highlight,
    Layout,
    ModelDescriber,
    edge_label,
    highlight,
    lineage_describer,
)
from synthgov.lineage.mermaid import render_mermaid

# the renderings and the layout they share, importable from here (the markdown reporter
# looks up ``render_mermaid`` in this module)
__all__ = [
    "FORMATS",
    "DrawnEdge",
    "Highlight",
    "ModelDescriber",
    "edge_label",
    "highlight",
    "lineage_describer",
    "render",
    "render_dot",
    "render_json",
    "render_mermaid",
]

FORMATS = ("mermaid", "dot", "json")


def render(
    graph: LineageGraph,
    findings: Iterable[Finding] = (),
    fmt: str = "mermaid",
    describe_model: ModelDescriber | None = None,
) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown graph format {fmt!r} (known: {', '.join(FORMATS)})")
    found = tuple(findings)
    return {"mermaid": render_mermaid, "dot": render_dot, "json": render_json}[fmt](
        graph, found, describe_model
    )


def render_json(
    graph: LineageGraph,
    findings: Iterable[Finding] = (),
    describe_model: ModelDescriber | None = None,
) -> str:
    layout = Layout(graph, tuple(findings), describe_model)
    nodes: list[dict[str, Any]] = []
    for node in layout.nodes:
        entry: dict[str, Any] = {"id": node.id, "kind": node.kind, "label": node.label}
        if node.kind == "dataset":
            entry["declared"] = node.declared
            entry["synthetic"] = node.synthetic
            entry["depth"] = graph.synthetic_depth(node.id) if node.declared else 0
        if node.kind == "stage":
            entry["pipeline"] = node.id.split(":", 1)[1].partition("/")[0]
        if node.kind == "pipeline" and node.detail:
            entry["primary_model"] = node.detail
        if node.kind == "model" and describe_model:
            described = describe_model(node.label)
            if described:
                entry["description"] = described
        entry["highlighted"] = layout.highlighted(node)
        nodes.append(entry)
    edges = [
        {
            "source": e.src,
            "target": e.dst,
            "kind": e.kind,
            "label": e.label,
            "declared_at": e.where,
            "highlighted": e.highlighted,
        }
        for e in layout.edges
    ]
    flagged = [
        {
            "rule": f.rule,
            "severity": f.severity.label,
            "path": f.path,
            "line": f.line,
            "message": f.message,
            "related": list(f.related),
        }
        for f in layout.marks.findings
    ]
    data = {"version": 1, "nodes": nodes, "edges": edges, "findings": flagged}
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
