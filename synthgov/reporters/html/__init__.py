"""``--format html``: a self-contained audit report (issue 18).

:mod:`.model` computes the content from the report (and the run's
:class:`~.inputs.AuditInputs`, which the CLI attaches as ``report.audit``), :mod:`.svg`
lays out and draws the lineage graph, :mod:`.page` writes the HTML with the inline
:mod:`.assets`. Deterministic: same input, same bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from synthgov.engine.report import Report

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.lineage.render import ModelDescriber
    from synthgov.reporters.html.inputs import AuditInputs


def render(report: Report) -> str:
    from synthgov.reporters.html.inputs import AuditInputs
    from synthgov.reporters.html.model import build
    from synthgov.reporters.html.page import render_page
    from synthgov.reporters.html.svg import render_svg

    inputs = report.audit if isinstance(report.audit, AuditInputs) else AuditInputs()
    view = build(report, inputs)
    anchors: dict[str, str] = {}
    keys: dict[str, str] = {}
    svg = "<p>The lineage graph is not available to this report.</p>"
    if view.graph is not None:
        from synthgov.lineage.graph import dataset_node, pipeline_node

        for ds in view.datasets:
            anchors[dataset_node(ds.id)] = ds.anchor
        for pipe in view.pipelines:
            anchors[pipeline_node(pipe.id)] = pipe.anchor
        drawn = render_svg(view.graph, view.findings, anchors, _describer(inputs))
        svg, keys = drawn.svg, drawn.keys
    return render_page(view, svg, keys)


def _describer(inputs: AuditInputs) -> ModelDescriber | None:
    """Model labels in the graph: their lineage, as the run's model registry gives it."""
    describe = inputs.describe_model
    if describe is None:
        return None

    def words(model_id: str) -> str | None:
        try:
            facts = describe(model_id)
        except Exception:  # noqa: BLE001 - an unresolvable model is described as unknown
            return None
        if facts is None:
            return None
        return f"lineage {facts.lineage}" if facts.known else "unknown model"

    return words
