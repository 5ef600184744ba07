"""Render the lineage graph as Mermaid (default), Graphviz DOT or JSON (``synthgov graph``).

Datasets, models and pipeline stages are nodes with readable labels; each pipeline is a box
(a Mermaid subgraph, a DOT cluster) holding its primary model and stages. Synthetic datasets
are marked (label and style). Nodes and edges involved in findings that name graph nodes
(``Finding.related``: the SG2xx diversity rules and SG006 cycles) are highlighted, so a
reviewer can follow an inbreeding loop: an edge is highlighted when both its ends belong to
one such finding. Output is deterministic. No I/O here: the caller prints.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from synthgov.core.types import Finding
from synthgov.lineage.graph import (
    BASE,
    GENERATED,
    INPUT,
    JUDGED,
    OUTPUT,
    SOURCE,
    STAGE,
    USES,
    Edge,
    LineageGraph,
    Node,
)

FORMATS = ("mermaid", "dot", "json")
_KIND_ORDER = {"dataset": 0, "model": 1, "pipeline": 2, "stage": 3}
_VIOLATION = "#d00000"

#: describes a model node's id, e.g. with its lineage; None adds nothing
ModelDescriber = Callable[[str], str | None]


@dataclass(frozen=True)
class Highlight:
    """What to highlight: node ids, edge keys, and the findings behind them."""

    nodes: frozenset[str]
    edges: frozenset[tuple[str, str, str]]  # (src, dst, kind)
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class DrawnEdge:
    """An edge as the graph renderings draw it."""

    src: str
    dst: str
    kind: str
    label: str
    edge: Edge  # the first declaration (its line is read only when asked for)
    highlighted: bool

    @property
    def where(self) -> str:
        """``path:line`` of the first declaration."""
        return f"{self.edge.doc.path}:{self.edge.doc.position(self.edge.pointer).line}"


def highlight(graph: LineageGraph, findings: Iterable[Finding] = ()) -> Highlight:
    """Nodes named by active findings, and the edges whose two ends one finding names."""
    nodes: set[str] = set()
    edges: set[tuple[str, str, str]] = set()
    involved: list[Finding] = []
    for finding in findings:
        related = [n for n in finding.related if n in graph.nodes]
        if finding.waived or not related:
            continue
        involved.append(finding)
        members = set(related)
        nodes.update(members)
        for node in members:
            for edge in graph.out_edges(node):
                if edge.dst in members:
                    edges.add((edge.src, edge.dst, edge.kind))
    return Highlight(frozenset(nodes), frozenset(edges), tuple(involved))


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


# --------------------------------------------------------------------------- shared layout


class _Layout:
    """Stable short ids, labels, pipeline membership and the edges to draw."""

    def __init__(
        self,
        graph: LineageGraph,
        findings: Sequence[Finding],
        describe_model: ModelDescriber | None,
    ) -> None:
        self.graph = graph
        self.marks = highlight(graph, findings)
        self.describe_model = describe_model
        ordered = sorted(graph.nodes.values(), key=lambda n: (_KIND_ORDER.get(n.kind, 9), n.id))
        self.nodes: list[Node] = ordered
        self.short = {node.id: f"n{i}" for i, node in enumerate(ordered)}
        self.pipelines = [n for n in ordered if n.kind == "pipeline"]
        self.members: dict[str, list[Node]] = {p.id: [p] for p in self.pipelines}
        self.top: list[Node] = []
        for node in ordered:
            if node.kind == "stage":
                owner = "pipeline:" + node.id.split(":", 1)[1].partition("/")[0]
                self.members.setdefault(owner, []).append(node)
            elif node.kind != "pipeline":
                self.top.append(node)
        self.edges = self._edges()

    def _edges(self) -> list[DrawnEdge]:
        drawn: dict[tuple[str, str, str, str], DrawnEdge] = {}
        for edge in self.graph.edges:
            if edge.kind == STAGE or edge.src not in self.short or edge.dst not in self.short:
                continue
            label = edge_label(edge)
            key = (edge.src, edge.dst, edge.kind, label)
            if key in drawn:
                continue
            drawn[key] = DrawnEdge(
                edge.src,
                edge.dst,
                edge.kind,
                label,
                edge,
                (edge.src, edge.dst, edge.kind) in self.marks.edges,
            )
        return [drawn[k] for k in sorted(drawn)]

    def highlighted(self, node: Node) -> bool:
        if node.id in self.marks.nodes:
            return True
        # a pipeline-to-stage edge is not drawn: the pipeline box stands for it
        return node.kind == "pipeline" and any(
            src == node.id and kind == STAGE for src, _, kind in self.marks.edges
        )

    def lines(self, node: Node) -> list[str]:
        """The label of a node, one entry per line."""
        if node.kind == "dataset":
            out = [node.label]
            if not node.declared:
                out.append("no card")
            elif node.synthetic:
                out.append(f"synthetic, depth {self.graph.synthetic_depth(node.id)}")
            return out
        if node.kind == "model":
            extra = self.describe_model(node.label) if self.describe_model else None
            return [node.label, extra] if extra else [node.label]
        if node.kind == "pipeline":
            return [f"primary model {node.detail}"] if node.detail else [f"pipeline {node.label}"]
        return [node.label]

    def klass(self, node: Node) -> str:
        return "violation" if self.highlighted(node) else self.base_class(node)

    @staticmethod
    def base_class(node: Node) -> str:
        if node.kind == "dataset":
            if not node.declared:
                return "missing"
            return "synthetic" if node.synthetic else "real"
        return node.kind


def edge_label(edge: Edge) -> str:
    if edge.kind == GENERATED:
        role = edge.attrs.get("role")
        return role if isinstance(role, str) and role else "generator"
    if edge.kind == USES:
        stype = edge.attrs.get("type")
        roles = {
            "generate": "generator",
            "evaluate": "judge",
            "filter": "filter",
            "label": "labeler",
        }
        return roles.get(stype if isinstance(stype, str) else "", "model")
    return {JUDGED: "judge", BASE: "base", SOURCE: "source", INPUT: "", OUTPUT: ""}.get(
        edge.kind, edge.kind
    )


def _one_line(text: str) -> str:
    from synthgov.core.escaping import break_old_commands, printable

    return break_old_commands(printable(" ".join(text.split())))


# --------------------------------------------------------------------------- Mermaid

_MERMAID_STYLES = (
    ("real", "fill:#e8f1fb,stroke:#4a78b5,color:#111"),
    ("synthetic", "fill:#fff1d6,stroke:#d48a00,stroke-dasharray:5 3,color:#111"),
    ("missing", "fill:#f4f4f4,stroke:#999,stroke-dasharray:2 2,color:#555"),
    ("model", "fill:#eef7ee,stroke:#4d8f4d,color:#111"),
    ("stage", "fill:#ffffff,stroke:#777,color:#111"),
    ("pipeline", "fill:#f6f6f6,stroke:#777,color:#111"),
    ("violation", f"fill:#ffe0e0,stroke:{_VIOLATION},stroke-width:3px,color:#600"),
)


def _mermaid_text(text: str) -> str:
    return (
        _one_line(text)
        .replace("&", "#amp;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
    )


def _mermaid_node(layout: _Layout, node: Node) -> str:
    label = "<br/>".join(_mermaid_text(line) for line in layout.lines(node))
    if layout.highlighted(node):
        label = "⚠ " + label
    short = layout.short[node.id]
    if node.kind == "dataset":
        return f'{short}[("{label}")]'
    if node.kind == "model":
        return f'{short}{{{{"{label}"}}}}'
    if node.kind == "pipeline":
        return f'{short}(["{label}"])'
    return f'{short}["{label}"]'


def render_mermaid(
    graph: LineageGraph,
    findings: Iterable[Finding] = (),
    describe_model: ModelDescriber | None = None,
) -> str:
    layout = _Layout(graph, tuple(findings), describe_model)
    out = ["flowchart LR"]
    out.append(
        "  %% synthgov lineage graph: datasets are cylinders (dashed: synthetic), models "
        "hexagons, pipelines boxes of stages; red: involved in a finding"
    )
    for finding in layout.marks.findings:
        out.append(
            "  %% "
            + _one_line(f"{finding.rule} {finding.path}:{finding.line}: {finding.message}").replace(
                "%%", "%"
            )
        )
    if not layout.nodes:
        out.append('  empty["no dataset cards or pipelines found"]')
        return "\n".join(out) + "\n"
    for node in layout.top:
        out.append(f"  {_mermaid_node(layout, node)}")
    for i, pipe in enumerate(layout.pipelines):
        title = _mermaid_text(f"pipeline {pipe.label}")
        out.append(f'  subgraph p{i}["{title}"]')
        for member in layout.members.get(pipe.id, []):
            out.append(f"    {_mermaid_node(layout, member)}")
        out.append("  end")
    hot: list[int] = []
    for index, edge in enumerate(layout.edges):
        arrow = "==>" if edge.highlighted else "-->"
        label = f'|"{_mermaid_text(edge.label)}"|' if edge.label else ""
        out.append(f"  {layout.short[edge.src]} {arrow}{label} {layout.short[edge.dst]}")
        if edge.highlighted:
            hot.append(index)
    for name, style in _MERMAID_STYLES:
        out.append(f"  classDef {name} {style}")
    by_class: dict[str, list[str]] = {}
    for node in layout.nodes:
        by_class.setdefault(layout.klass(node), []).append(layout.short[node.id])
    for name, _ in _MERMAID_STYLES:
        if by_class.get(name):
            out.append(f"  class {','.join(by_class[name])} {name}")
    if hot:
        out.append(
            f"  linkStyle {','.join(map(str, hot))} stroke:{_VIOLATION},stroke-width:3px,"
            f"color:{_VIOLATION}"
        )
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- DOT

_DOT_NODE = {
    "real": 'shape=cylinder, style=filled, fillcolor="#e8f1fb", color="#4a78b5"',
    "synthetic": 'shape=cylinder, style="filled,dashed", fillcolor="#fff1d6", color="#d48a00"',
    "missing": 'shape=cylinder, style="dashed", color="#999999", fontcolor="#555555"',
    "model": 'shape=hexagon, style=filled, fillcolor="#eef7ee", color="#4d8f4d"',
    "stage": 'shape=box, style="rounded", color="#777777"',
    "pipeline": 'shape=box, style="rounded,filled", fillcolor="#f6f6f6", color="#777777"',
}


def _dot_text(text: str) -> str:
    return '"' + _one_line(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_node(layout: _Layout, node: Node) -> str:
    label = "\\n".join(_dot_text(line)[1:-1] for line in layout.lines(node))
    attrs = _DOT_NODE[layout.base_class(node)]
    if layout.highlighted(node):  # keep the shape of the kind, in red
        shape = attrs.split(",")[0]
        attrs = (
            f'{shape}, style="filled,bold", fillcolor="#ffe0e0", color="{_VIOLATION}", penwidth=3'
        )
        label = "⚠ " + label
    return f'{layout.short[node.id]} [label="{label}", {attrs}];'


def render_dot(
    graph: LineageGraph,
    findings: Iterable[Finding] = (),
    describe_model: ModelDescriber | None = None,
) -> str:
    layout = _Layout(graph, tuple(findings), describe_model)
    out = [
        "digraph lineage {",
        '  graph [rankdir=LR, fontname="Helvetica", label="synthgov lineage graph", labelloc=t];',
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for finding in layout.marks.findings:
        text = _one_line(f"{finding.rule} {finding.path}:{finding.line}: {finding.message}")
        out.append(f"  // {text}")
    for node in layout.top:
        out.append(f"  {_dot_node(layout, node)}")
    for i, pipe in enumerate(layout.pipelines):
        out.append(f"  subgraph cluster_p{i} {{")
        out.append(f"    label={_dot_text('pipeline ' + pipe.label)};")
        color = _VIOLATION if layout.highlighted(pipe) else "#999999"
        out.append(f'    style="rounded"; color="{color}";')
        for member in layout.members.get(pipe.id, []):
            out.append(f"    {_dot_node(layout, member)}")
        out.append("  }")
    for edge in layout.edges:
        attrs = [f"label={_dot_text(edge.label)}"] if edge.label else []
        if edge.highlighted:
            attrs += [f'color="{_VIOLATION}"', f'fontcolor="{_VIOLATION}"', "penwidth=3"]
        if edge.kind in (SOURCE,):
            attrs.append('style="dashed"')
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        out.append(f"  {layout.short[edge.src]} -> {layout.short[edge.dst]}{suffix};")
    out.append("}")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- JSON


def render_json(
    graph: LineageGraph,
    findings: Iterable[Finding] = (),
    describe_model: ModelDescriber | None = None,
) -> str:
    layout = _Layout(graph, tuple(findings), describe_model)
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


def lineage_describer(registry: Any, compare: str = "lineage") -> ModelDescriber:
    """Describe a model by its lineage (or provider) as the registry resolves it."""

    def describe(model_id: str) -> str | None:
        try:
            info = registry.resolve(model_id)
        except (TypeError, ValueError):
            return None
        if not info.known:
            return "unknown model"
        if compare == "provider":
            return "provider " + ", ".join(sorted(info.providers))
        return "lineage " + ", ".join(sorted(info.lineage))

    return describe
