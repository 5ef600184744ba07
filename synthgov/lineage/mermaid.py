"""The lineage graph as a Mermaid flowchart (``synthgov graph``, the default format).

Datasets are cylinders (dashed: synthetic), models hexagons, each pipeline a subgraph of its
stages; whatever a finding involves is red, and the findings are listed as comments.
"""

from __future__ import annotations

from collections.abc import Iterable

from synthgov.core.types import Finding
from synthgov.lineage.graph import LineageGraph, Node
from synthgov.lineage.layout import VIOLATION, Layout, ModelDescriber, one_line

_MERMAID_STYLES = (
    ("real", "fill:#e8f1fb,stroke:#4a78b5,color:#111"),
    ("synthetic", "fill:#fff1d6,stroke:#d48a00,stroke-dasharray:5 3,color:#111"),
    ("missing", "fill:#f4f4f4,stroke:#999,stroke-dasharray:2 2,color:#555"),
    ("model", "fill:#eef7ee,stroke:#4d8f4d,color:#111"),
    ("stage", "fill:#ffffff,stroke:#777,color:#111"),
    ("pipeline", "fill:#f6f6f6,stroke:#777,color:#111"),
    ("violation", f"fill:#ffe0e0,stroke:{VIOLATION},stroke-width:3px,color:#600"),
)


def _mermaid_text(text: str) -> str:
    return (
        one_line(text)
        .replace("&", "#amp;")
        .replace('"', "#quot;")
        .replace("<", "#lt;")
        .replace(">", "#gt;")
    )


def _mermaid_node(layout: Layout, node: Node) -> str:
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
    layout = Layout(graph, tuple(findings), describe_model)
    out = ["flowchart LR"]
    out.append(
        "  %% synthgov lineage graph: datasets are cylinders (dashed: synthetic), models "
        "hexagons, pipelines boxes of stages; red: involved in a finding"
    )
    for finding in layout.marks.findings:
        out.append(
            "  %% "
            + one_line(f"{finding.rule} {finding.path}:{finding.line}: {finding.message}").replace(
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
            f"  linkStyle {','.join(map(str, hot))} stroke:{VIOLATION},stroke-width:3px,"
            f"color:{VIOLATION}"
        )
    return "\n".join(out) + "\n"
