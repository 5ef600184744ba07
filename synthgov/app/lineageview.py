"""``synthgov graph``: the lineage graph of a check run, rendered. No printing here."""

from __future__ import annotations

import os

from synthgov.app.check.registries import lineage_linkers
from synthgov.app.check.runner import CheckOptions, RunResult, Setup, model_registry
from synthgov.lineage.graph import LineageGraph, document_node
from synthgov.lineage.render import lineage_describer, render
from synthgov.repo.discovery import display_path


def render_graph(options: CheckOptions, setup: Setup, result: RunResult, fmt: str) -> str:
    """Mermaid, DOT or JSON of the run's lineage graph with its findings highlighted; when
    files were named, only their lineage (not the whole repository loaded for context)."""
    compare = setup.policy.settings.get("diversity", {}).get("compare", "lineage")
    describe = lineage_describer(model_registry(setup), compare)
    lineage = LineageGraph.build(result.documents, lineage_linkers(setup.registry.loaders))
    paths = options.paths
    named = {display_path(os.path.abspath(p), options.cwd) for p in paths if os.path.isfile(p)}
    if named:
        lineage = lineage.focus(
            node
            for doc in result.documents
            if doc.path in named and (node := document_node(doc)) is not None
        )
    text: str = render(lineage, result.report.findings, fmt, describe)
    return text
