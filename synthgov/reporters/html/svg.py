"""The lineage graph as inline SVG: a layered left-to-right layout computed in Python.

Nodes, labels, classes and the edges to draw come from :mod:`synthgov.lineage.layout` (the
layout that the Mermaid and DOT renderings share), so the three drawings agree on what the
graph holds and what is highlighted. This module adds coordinates:

1. ranks: the longest path from a source over the drawn edges (and pipeline-to-stage
   links); edges that close a cycle (SG006) are left out of the ranking, found by a
   depth-first search in node order, so the result does not depend on hashing;
2. order within a rank: by the mean position of the node's predecessors (two sweeps,
   ties by node order), which keeps most edges short and straight;
3. coordinates on a fixed grid; edges are cubic curves from the right side of one node to
   the left side of the next.

Deterministic: the same graph and findings give the same bytes. No JavaScript is needed to
see the drawing; the page's script only adds pan, zoom and the dataset filter. Datasets and
pipelines are links to their sections (keyboard focusable); every node has a ``<title>``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from synthgov.core.types import Finding, Severity
from synthgov.lineage.graph import LineageGraph, Node
from synthgov.lineage.layout import Layout, ModelDescriber  # shared with Mermaid and DOT

NODE_W = 200
NODE_H = 46
GAP_X = 90
GAP_Y = 18
PAD = 20
ASPECT = 2.0  # width / height the wrapping aims at (a screen, landscape)
MAX_CHARS = 30  # longer labels are shortened on the node; the full text is in the title


@dataclass(frozen=True)
class Placed:
    node: Node
    short: str
    x: int
    y: int


@dataclass(frozen=True)
class GraphSvg:
    svg: str
    width: int
    height: int
    nodes: int
    edges: int
    highlighted: int
    #: dataset label -> the short id of its node (the page's filter looks datasets up)
    keys: dict[str, str]


def _short(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def ranks(order: Sequence[str], succ: dict[str, list[str]]) -> dict[str, int]:
    """Longest-path layers of the graph without its back edges (iterative DFS)."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    topo: list[str] = []
    back: set[tuple[str, str]] = set()
    for root in order:
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        state[root] = 1
        while stack:
            node, i = stack[-1]
            children = succ.get(node, [])
            if i < len(children):
                stack[-1] = (node, i + 1)
                child = children[i]
                seen = state.get(child)
                if seen is None:
                    state[child] = 1
                    stack.append((child, 0))
                elif seen == 1:
                    back.add((node, child))
                continue
            state[node] = 2
            topo.append(node)
            stack.pop()
    rank = dict.fromkeys(order, 0)
    for node in reversed(topo):
        for child in succ.get(node, []):
            if (node, child) not in back and rank[child] < rank[node] + 1:
                rank[child] = rank[node] + 1
    return rank


def wrap_rows(sizes: Sequence[int], aspect: float = ASPECT) -> int:
    """Nodes per sub-column, so that a layer of many nodes wraps into several columns and
    the drawing is about ``aspect`` times as wide as it is tall (never fewer than 6)."""
    rows = max(6, max(sizes, default=1))
    for candidate in range(6, rows + 1):
        columns = sum(-(-n // candidate) for n in sizes)
        width = columns * (NODE_W + GAP_X)
        height = min(candidate, max(sizes)) * (NODE_H + GAP_Y)
        if width <= aspect * height:
            return candidate
    return rows


def place(layout: Layout) -> tuple[list[Placed], int, int]:
    order = [n.id for n in layout.nodes]
    position = {n: i for i, n in enumerate(order)}
    succ: dict[str, list[str]] = defaultdict(list)
    pred: dict[str, list[str]] = defaultdict(list)
    links = [(e.src, e.dst) for e in layout.edges]
    for pipe, members in layout.members.items():
        links += [(pipe, m.id) for m in members if m.id != pipe]
    for src, dst in sorted(set(links), key=lambda e: (position[e[0]], position[e[1]])):
        succ[src].append(dst)
        pred[dst].append(src)
    rank = ranks(order, succ)
    columns: dict[int, list[str]] = defaultdict(list)
    for node in order:
        columns[rank[node]].append(node)
    slot: dict[str, float] = {}
    for col in sorted(columns):
        for i, node in enumerate(columns[col]):
            slot[node] = i
    for _ in range(2):  # barycentre sweeps, left to right
        for col in sorted(columns):
            if col == 0:
                continue

            def key(node: str) -> tuple[float, int]:
                parents = [slot[p] for p in pred.get(node, []) if p in slot]
                mean = sum(parents) / len(parents) if parents else slot[node]
                return (mean, position[node])

            columns[col].sort(key=key)
            for i, node in enumerate(columns[col]):
                slot[node] = i
    by_id = {n.id: n for n in layout.nodes}
    rows = wrap_rows([len(columns[c]) for c in sorted(columns)])
    placed = []
    x_col = 0
    tallest = 1
    for col in sorted(columns):
        column = columns[col]
        for i, node in enumerate(column):
            sub, row = divmod(i, rows)
            x = PAD + (x_col + sub) * (NODE_W + GAP_X)
            y = PAD + row * (NODE_H + GAP_Y)
            placed.append(Placed(by_id[node], layout.short[node], x, y))
        x_col += -(-len(column) // rows)
        tallest = max(tallest, min(len(column), rows))
    width = PAD * 2 + x_col * (NODE_W + GAP_X) - GAP_X
    height = PAD * 2 + tallest * (NODE_H + GAP_Y) - GAP_Y
    return placed, width, height


def render_svg(
    graph: LineageGraph,
    findings: Sequence[Finding],
    anchors: dict[str, str],
    describe_model: ModelDescriber | None = None,
) -> GraphSvg:
    """The SVG of ``graph``; ``anchors`` maps node ids to the id of their report section."""
    layout = Layout(graph, tuple(findings), describe_model)
    if not layout.nodes:
        empty = (
            '<svg xmlns="http://www.w3.org/2000/svg" id="graph-svg" viewBox="0 0 400 60" '
            'width="400" height="60" aria-labelledby="graph-caption">'
            '<text x="20" y="35">No dataset cards or pipelines were found.</text></svg>'
        )
        return GraphSvg(empty, 400, 60, 0, 0, 0, {})
    placed, width, height = place(layout)
    at = {p.node.id: p for p in placed}
    worst = _worst_by_node(findings, anchors)
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="graph-svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="graph-caption" '
        'focusable="false">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" '
        'fill="#555"/></marker><marker id="arrow-hot" viewBox="0 0 10 10" refX="10" refY="5" '
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path '
        'd="M0,0L10,5L0,10z" fill="#b00000"/></marker></defs>',
        '<g id="graph-viewport"><g class="edges">',
    ]
    links = [(e.src, e.dst, e.highlighted, e.label) for e in layout.edges]
    for pipe, members in layout.members.items():
        links += [(pipe, m.id, False, "") for m in members if m.id != pipe]
    hot = 0
    for src, dst, highlighted, label in links:
        a, b = at[src], at[dst]
        x1, y1 = a.x + NODE_W, a.y + NODE_H // 2
        x2, y2 = b.x, b.y + NODE_H // 2
        if x2 <= x1:  # a back edge (a cycle): loop around below
            mid = max(a.y, b.y) + NODE_H + GAP_Y // 2
            d = f"M{x1},{y1}C{x1 + 60},{mid} {x2 - 60},{mid} {x2},{y2}"
        else:
            c = (x2 - x1) // 2
            d = f"M{x1},{y1}C{x1 + c},{y1} {x2 - c},{y2} {x2},{y2}"
        klass = "e hot" if highlighted else ("e member" if not label and _is_member(src) else "e")
        hot += highlighted
        title = f"<title>{escape(label)}</title>" if label else ""
        out.append(
            f'<path class="{klass}" d="{d}" data-s="{a.short}" data-t="{b.short}">{title}</path>'
        )
    out.append('</g><g class="nodes">')
    for p in placed:
        out.append(_node_svg(layout, p, anchors, worst))
    out.append("</g></g></svg>")
    keys = {p.node.label: p.short for p in placed if p.node.kind == "dataset"}
    return GraphSvg("".join(out), width, height, len(placed), len(links), hot, keys)


def _is_member(node_id: str) -> bool:
    return node_id.startswith("pipeline:")


def _worst_by_node(findings: Sequence[Finding], anchors: dict[str, str]) -> dict[str, Severity]:
    """The worst active finding of each dataset or pipeline node's own document."""
    from synthgov.lineage.graph import dataset_node, pipeline_node

    worst: dict[str, Severity] = {}
    for f in findings:
        if f.waived or not f.document:
            continue
        for node in (dataset_node(f.document), pipeline_node(f.document)):
            if node in anchors and (node not in worst or f.severity > worst[node]):
                worst[node] = f.severity
    return worst


def _node_svg(
    layout: Layout, p: Placed, anchors: dict[str, str], worst: dict[str, Severity]
) -> str:
    node = p.node
    lines = layout.lines(node)
    if node.kind == "pipeline":  # the pipeline's id first, then its primary model
        lines = [f"pipeline {node.label}", *(["primary " + node.detail] if node.detail else [])]
    klass = layout.base_class(node)
    classes = ["n", klass]
    if layout.highlighted(node):
        classes.append("violation")
    severity = worst.get(node.id)
    if severity is not None:
        classes.append(f"sev-{severity.label}")
    kind = {"dataset": "dataset", "model": "model", "pipeline": "pipeline", "stage": "stage"}
    full = " — ".join(lines)
    title = f"{kind.get(node.kind, node.kind)} {full}"
    if layout.highlighted(node):
        title += " (involved in a finding)"
    if severity is not None:
        title += f" (worst finding: {severity.label})"
    rx = 18 if node.kind == "dataset" else (10 if node.kind in ("pipeline", "stage") else 3)
    if node.kind == "model":
        rx = 22
    first = escape(_short(("⚠ " if layout.highlighted(node) else "") + lines[0]))
    second = escape(_short(lines[1])) if len(lines) > 1 else ""
    body = (
        f'<rect x="{p.x}" y="{p.y}" width="{NODE_W}" height="{NODE_H}" rx="{rx}"/>'
        f'<text x="{p.x + 10}" y="{p.y + (19 if second else 28)}">{first}</text>'
    )
    if second:
        body += f'<text class="sub" x="{p.x + 10}" y="{p.y + 36}">{second}</text>'
    target = anchors.get(node.id)
    cls = " ".join(classes)
    if target:
        return (
            f'<a href="#{target}" class="{cls}" data-k="{p.short}">'
            f"<title>{escape(title)}</title>{body}</a>"
        )
    return f'<g class="{cls}" data-k="{p.short}"><title>{escape(title)}</title>{body}</g>'
