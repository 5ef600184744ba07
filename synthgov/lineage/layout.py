"""What the lineage drawings share: node order and short ids, labels, classes, pipeline
boxes, the edges to draw and what findings highlight.

The Mermaid (:mod:`.mermaid`), DOT (:mod:`.dot`) and JSON renderings (:mod:`.render`) and the
HTML report's SVG (``synthgov.reporters.html.svg``) draw from one :class:`Layout`, so they
agree on what the graph holds and what is highlighted. Nodes and edges involved in findings
that name graph nodes (``Finding.related``: the SG2xx diversity rules and SG006 cycles) are
highlighted: an edge when both its ends belong to one such finding. No I/O here.
"""

from __future__ import annotations

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

_KIND_ORDER = {"dataset": 0, "model": 1, "pipeline": 2, "stage": 3}
VIOLATION = "#d00000"  # the colour of whatever a finding involves

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


class Layout:
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


def one_line(text: str) -> str:
    from synthgov.core.escaping import break_old_commands, printable

    return break_old_commands(printable(" ".join(text.split())))


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
