"""The audit report's content, computed from a report and its inputs; no I/O, no HTML.

:func:`build` turns a :class:`~synthgov.engine.report.Report` (findings, counts, the lineage graph)
and :class:`~synthgov.reporters.html.inputs.AuditInputs` (documents, commit, policies,
references, verification results) into an :class:`~.records.AuditView`: frozen records
(:mod:`.records`) that :mod:`synthgov.reporters.html.page` renders. Every value read from a
document is checked for its type first (:mod:`.values`): a malformed card shows as "not
recorded", never as an exception (its problems are findings already). The sections are
built by :mod:`.cards` (datasets, pipelines), :mod:`.governance` (waivers, regulation) and
:mod:`.training` (the training content summary); the overview here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from synthgov.core.types import DATASET_CARD, PIPELINE, Finding, Severity
from synthgov.engine.report import Report
from synthgov.reporters.html import cards
from synthgov.reporters.html.governance import regulation, waivers
from synthgov.reporters.html.inputs import AuditInputs, MeasuredValue, PolicySource
from synthgov.reporters.html.records import (
    AuditView,
    DatasetView,
    FindingView,
    Overview,
    PipelineView,
)
from synthgov.reporters.html.training import training
from synthgov.reporters.html.values import FAMILIES, family, source_link

GRAPH_MISSING = "The lineage graph was not available to this report."


def build(report: Report, inputs: AuditInputs | None = None) -> AuditView:
    inputs = inputs or AuditInputs()
    graph = _graph(report)
    views = [
        FindingView(f, source_link(inputs, f.path, f.line), f"f{i}")
        for i, f in enumerate(report.findings)
    ]
    datasets, pipelines, other = _documents(views, inputs)
    by_reference, unreferenced = regulation(views, inputs.regulation)
    return AuditView(
        title=inputs.title or "synthgov governance report",
        version=report.version,
        timestamp=inputs.timestamp,
        commit=inputs.commit,
        dirty=inputs.dirty,
        policies=inputs.policies
        or tuple(PolicySource(p, "", "") for p in report.policies or ("builtin:baseline",)),
        overview=_overview(report, datasets, pipelines),
        datasets=datasets,
        pipelines=pipelines,
        other_findings=other,
        waivers=waivers(inputs.documents, report.findings),
        regulation=by_reference,
        unreferenced=unreferenced,
        training=training(inputs.documents, datasets),
        graph=graph,
        findings=report.findings,
        verified=bool(inputs.verification),
        notes=(*report.notes, *(() if graph is not None else (GRAPH_MISSING,))),
    )


def _graph(report: Report) -> Any:
    """The run's lineage graph, or None when it cannot be had."""
    if report.graph is None:
        return None
    try:
        return report.graph()
    except Exception:  # noqa: BLE001 - a graph must never cost the report
        return None


def _documents(
    views: Sequence[FindingView], inputs: AuditInputs
) -> tuple[tuple[DatasetView, ...], tuple[PipelineView, ...], tuple[FindingView, ...]]:
    """The dataset and pipeline sections, each with its findings, and the findings outside
    any known document."""
    by_doc: dict[tuple[str, str | None], list[FindingView]] = defaultdict(list)
    for view in views:
        by_doc[(view.finding.path, view.finding.document)].append(view)
    measured: dict[str, list[MeasuredValue]] = defaultdict(list)
    for value in inputs.verification:
        measured[value.dataset].append(value)
    placed: set[tuple[str, str | None]] = set()
    datasets: list[DatasetView] = []
    pipelines: list[PipelineView] = []
    for doc in sorted(inputs.documents, key=lambda d: (d.kind, d.label, d.path)):
        key = (doc.path, doc.id)
        found = tuple(by_doc.get(key, ()))
        placed.add(key)
        if doc.kind == DATASET_CARD:
            values = tuple(measured.get(doc.id or "", ()))
            datasets.append(cards.dataset(doc, found, inputs, values))
        elif doc.kind == PIPELINE:
            pipelines.append(cards.pipeline(doc, found))
    other = tuple(v for v in views if (v.finding.path, v.finding.document) not in placed)
    return tuple(_unique_anchors(datasets)), tuple(_unique_anchors(pipelines)), other


def _unique_anchors(views: list[Any]) -> list[Any]:
    """Two cards with one id (an SG005 finding) still get distinct section ids."""
    from dataclasses import replace

    seen: Counter[str] = Counter()
    out = []
    for view in views:
        seen[view.anchor] += 1
        n = seen[view.anchor]
        if n == 1:
            out.append(view)
        else:
            out.append(
                replace(view, anchor=f"{view.anchor}--{n}", heading=f"{view.id} ({view.path})")
            )
    return out


def _overview(
    report: Report, datasets: Sequence[DatasetView], pipelines: Sequence[PipelineView]
) -> Overview:
    s = report.summary
    return Overview(
        files=s.files,
        documents=s.documents,
        errors=s.errors,
        warnings=s.warnings,
        infos=s.infos,
        waived=s.waived,
        baselined=s.baselined,
        datasets=len(datasets),
        synthetic_datasets=sum(1 for d in datasets if d.synthetic),
        pipelines=len(pipelines),
        total_rows=sum(int(d.total_rows) for d in datasets if d.total_rows.isdigit()),
        synthetic_rows=sum(int(d.synthetic_rows) for d in datasets if d.synthetic_rows.isdigit()),
        by_family=_by_family(report.findings),
        by_lineage=_by_lineage(datasets),
    )


def _by_family(findings: Iterable[Finding]) -> tuple[tuple[str, int, int, int], ...]:
    counts: dict[str, list[int]] = {}
    for f in findings:
        if f.waived:
            continue
        row = counts.setdefault(family(f.rule), [0, 0, 0])
        row[{Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}[f.severity]] += 1
    order = [*FAMILIES.values(), "other", "custom and plugin rules"]
    return tuple((name, *counts[name]) for name in order if name in counts)  # type: ignore[misc]


def _by_lineage(datasets: Sequence[DatasetView]) -> tuple[tuple[str, int, int], ...]:
    uses: Counter[str] = Counter()
    holders: dict[str, set[str]] = defaultdict(set)
    for ds in datasets:
        for gen in ds.generators:
            uses[gen.lineage] += 1
            holders[gen.lineage].add(ds.id)
    return tuple(
        (lineage, uses[lineage], len(holders[lineage]))
        for lineage in sorted(uses, key=lambda k: (-uses[k], k))
    )
