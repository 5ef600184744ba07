"""The page's sections of the cards: each dataset (facts, provenance, validation coverage,
declared vs measured, findings) and each pipeline (models, stages, findings)."""

from __future__ import annotations

from collections.abc import Sequence

from synthgov.reporters.html.inputs import MeasuredValue
from synthgov.reporters.html.markup import e, findings, table
from synthgov.reporters.html.records import NOT_RECORDED, AuditView, DatasetView, PipelineView


def datasets(view: AuditView) -> str:
    out = ['<section id="datasets" aria-labelledby="h-datasets">']
    out.append(f'<h2 id="h-datasets">Datasets ({len(view.datasets)})</h2>')
    if not view.datasets:
        out.append("<p>No dataset cards.</p>")
    for ds in view.datasets:
        out.append(_dataset(ds, view.verified))
    out.append("</section>")
    return "\n".join(out)


def _dataset(ds: DatasetView, verified_run: bool) -> str:
    hid = f"h-{ds.anchor}"
    out = [f'<section class="dataset" id="{e(ds.anchor)}" aria-labelledby="{e(hid)}">']
    kind = "synthetic" if ds.synthetic else "real"
    out.append(f'<h3 id="{e(hid)}">{e(ds.heading or ds.id)} <small>({kind})</small></h3>')
    out.append('<dl class="facts">')
    facts = (
        ("Name", e(ds.name)),
        ("Card", f"<code>{e(ds.path)}</code>"),
        ("Owner", e(ds.owner)),
        ("Purpose", e(ds.purpose)),
        ("Rows", f"{e(ds.total_rows)} total, {e(ds.synthetic_rows)} synthetic"),
        ("Sources", ", ".join(e(s) for s in ds.sources) or "none recorded"),
    )
    out += [f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts]
    out.append("</dl>")
    out.append(f'<h4 id="{e(hid)}-prov">Provenance</h4>')
    out.append(_provenance(ds, hid))
    out.append(f'<h4 id="{e(hid)}-cov">Validation coverage</h4>')
    out.append(_coverage(ds))
    out.append(f'<h4 id="{e(hid)}-dvm">Declared vs measured</h4>')
    out.append(_measured(ds, hid, verified_run))
    out.append(f'<h4 id="{e(hid)}-fnd">Findings</h4>')
    out.append(findings(ds.findings))
    out.append("</section>")
    return "\n".join(out)


def _provenance(ds: DatasetView, hid: str) -> str:
    if not ds.generators:
        return "<p>No generator recorded.</p>"
    rows = [
        (
            f"<code>{e(g.model)}</code>",
            f'<code class="pin">{e(g.revision)}</code>'
            if g.revision
            else ("pinned snapshot" if g.pinned else '<span class="err">not pinned</span>'),
            e(g.role),
            e(g.lineage),
            e(g.rows),
            e(g.prompt),
            e(g.terms),
            e(g.date),
        )
        for g in ds.generators
    ]
    head = ("model", "pin", "role", "lineage", "rows", "prompt", "terms", "date")
    return table(head, rows, f"{hid}-prov")


def _measured(ds: DatasetView, hid: str, verified_run: bool) -> str:
    if ds.measured:
        rows = [
            (
                e(m.field),
                e(m.declared),
                e(m.measured),
                _outcome(m),
                e(" ".join(x for x in (m.path, m.note) if x) or "-"),
            )
            for m in ds.measured
        ]
        return table(("value", "declared", "measured", "result", "how"), rows, f"{hid}-dvm")
    if verified_run:
        return "<p>No verification result for this dataset.</p>"
    return "<p>The data was not verified in this run; the values above are declared.</p>"


def _outcome(m: MeasuredValue) -> str:
    """The result cell: a claim that could not be measured is never shown as matching."""
    outcome = m.outcome or ("verified" if m.ok else "mismatch")
    if outcome == "unverified":
        return '<span class="warn">unverified</span>'
    return (
        '<span class="ok">matches</span>'
        if outcome == "verified"
        else ('<span class="err">differs</span>')
    )


def _coverage(ds: DatasetView) -> str:
    checks = (
        "; ".join(
            f"{e(c.name)} ({e(c.tool)}, coverage {e(c.coverage)}, pass rate {e(c.pass_rate)})"
            for c in ds.checks
        )
        or "none recorded"
    )
    cont = (
        "; ".join(
            f"against {e(c.against)} by {e(c.method)}, overlap {e(c.overlap)}"
            for c in ds.contamination
        )
        or "none recorded"
    )
    return (
        '<dl class="facts">'
        f"<dt>Human review</dt><dd>{_review(ds)}</dd>"
        f"<dt>LLM judge</dt><dd>{_judge(ds)}</dd>"
        f"<dt>Automated checks</dt><dd>{checks}</dd>"
        f"<dt>Contamination checks</dt><dd>{cont}</dd>"
        "</dl>"
    )


def _review(ds: DatasetView) -> str:
    review = ds.review
    if review is None:
        return "none recorded"
    verdict = review.sufficient
    mark = ""
    if verdict is not None:
        mark = (
            ' <span class="ok">sufficient</span>'
            if verdict
            else ' <span class="err">too small</span>'
        )
    sample = "not recorded" if review.sample is None else f"{review.sample:,}"
    required = "-" if review.required is None else f"{review.required:,}"
    return (
        f"sample {sample} of the required {required} "
        f"({e(review.population)}){mark}; reviewers {e(review.reviewers)}, agreement "
        f"{e(review.agreement)}, error rate {e(review.error_rate)}, {e(review.date)}"
    )


def _judge(ds: DatasetView) -> str:
    judge = ds.judge
    if judge is None:
        return "none"
    when = f", {e(judge.date)}" if judge.date != NOT_RECORDED else ""
    cal = (
        f"calibrated on {e(judge.labels)} human labels, agreement {e(judge.agreement)}" + when
        if judge.calibrated
        else '<span class="err">not calibrated</span>'
    )
    return f"<code>{e(judge.model)}</code>: {cal}"


def pipelines(pipelines: Sequence[PipelineView]) -> str:
    out = ['<section id="pipelines" aria-labelledby="h-pipelines">']
    out.append(f'<h2 id="h-pipelines">Pipelines ({len(pipelines)})</h2>')
    if not pipelines:
        out.append("<p>No pipelines.</p>")
    for p in pipelines:
        out.append(_pipeline(p))
    out.append("</section>")
    return "\n".join(out)


def _pipeline(p: PipelineView) -> str:
    hid = f"h-{p.anchor}"
    out = [f'<section class="pipeline" id="{e(p.anchor)}" aria-labelledby="{e(hid)}">']
    out.append(f'<h3 id="{e(hid)}">{e(p.heading or p.id)}</h3>')
    out.append(
        f'<dl class="facts"><dt>File</dt><dd><code>{e(p.path)}</code></dd>'
        f"<dt>Owner</dt><dd>{e(p.owner)}</dd>"
        f"<dt>Primary model</dt><dd><code>{e(p.primary)}</code></dd>"
        f"<dt>Base model</dt><dd><code>{e(p.base)}</code></dd></dl>"
    )
    if p.stages:
        rows = [
            (
                e(s.id),
                e(s.type),
                f"<code>{e(s.model)}</code>" if s.model else "-",
                e(", ".join(s.inputs) or "-"),
                e(", ".join(s.outputs) or "-"),
            )
            for s in p.stages
        ]
        out.append(f'<h4 id="{e(hid)}-st">Stages</h4>')
        out.append(table(("stage", "type", "model", "inputs", "outputs"), rows, f"{hid}-st"))
    out.append(f'<h4 id="{e(hid)}-fnd">Findings</h4>')
    out.append(findings(p.findings))
    out.append("</section>")
    return "\n".join(out)
