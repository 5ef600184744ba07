"""The lineage graph as Graphviz DOT (``synthgov graph --format dot``).

The same drawing as the Mermaid one: cylinders, hexagons, a cluster per pipeline, findings
in red and listed as comments.
"""

from __future__ import annotations

from collections.abc import Iterable

from synthgov.core.types import Finding
from synthgov.lineage.graph import SOURCE, LineageGraph, Node
from synthgov.lineage.layout import VIOLATION, Layout, ModelDescriber, one_line

_DOT_NODE = {
    "real": 'shape=cylinder, style=filled, fillcolor="#e8f1fb", color="#4a78b5"',
    "synthetic": 'shape=cylinder, style="filled,dashed", fillcolor="#fff1d6", color="#d48a00"',
    "missing": 'shape=cylinder, style="dashed", color="#999999", fontcolor="#555555"',
    "model": 'shape=hexagon, style=filled, fillcolor="#eef7ee", color="#4d8f4d"',
    "stage": 'shape=box, style="rounded", color="#777777"',
    "pipeline": 'shape=box, style="rounded,filled", fillcolor="#f6f6f6", color="#777777"',
}


def _dot_text(text: str) -> str:
    return '"' + one_line(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dot_node(layout: Layout, node: Node) -> str:
    label = "\\n".join(_dot_text(line)[1:-1] for line in layout.lines(node))
    attrs = _DOT_NODE[layout.base_class(node)]
    if layout.highlighted(node):  # keep the shape of the kind, in red
        shape = attrs.split(",")[0]
        attrs = (
            f'{shape}, style="filled,bold", fillcolor="#ffe0e0", color="{VIOLATION}", penwidth=3'
        )
        label = "⚠ " + label
    return f'{layout.short[node.id]} [label="{label}", {attrs}];'


def render_dot(
    graph: LineageGraph,
    findings: Iterable[Finding] = (),
    describe_model: ModelDescriber | None = None,
) -> str:
    layout = Layout(graph, tuple(findings), describe_model)
    out = [
        "digraph lineage {",
        '  graph [rankdir=LR, fontname="Helvetica", label="synthgov lineage graph", labelloc=t];',
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for finding in layout.marks.findings:
        text = one_line(f"{finding.rule} {finding.path}:{finding.line}: {finding.message}")
        out.append(f"  // {text}")
    for node in layout.top:
        out.append(f"  {_dot_node(layout, node)}")
    for i, pipe in enumerate(layout.pipelines):
        out.append(f"  subgraph cluster_p{i} {{")
        out.append(f"    label={_dot_text('pipeline ' + pipe.label)};")
        color = VIOLATION if layout.highlighted(pipe) else "#999999"
        out.append(f'    style="rounded"; color="{color}";')
        for member in layout.members.get(pipe.id, []):
            out.append(f"    {_dot_node(layout, member)}")
        out.append("  }")
    for edge in layout.edges:
        attrs = [f"label={_dot_text(edge.label)}"] if edge.label else []
        if edge.highlighted:
            attrs += [f'color="{VIOLATION}"', f'fontcolor="{VIOLATION}"', "penwidth=3"]
        if edge.kind in (SOURCE,):
            attrs.append('style="dashed"')
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        out.append(f"  {layout.short[edge.src]} -> {layout.short[edge.dst]}{suffix};")
    out.append("}")
    return "\n".join(out) + "\n"
