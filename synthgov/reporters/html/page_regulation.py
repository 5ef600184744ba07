"""The page's regulation sections: findings by paragraph of EU AI Act Article 10, and the
synthetic-data part (2.5) of the training content summary."""

from __future__ import annotations

from collections.abc import Sequence

from synthgov.reporters.html.markup import e, num, table
from synthgov.reporters.html.records import NOT_RECORDED, AuditView, FindingView


def regulation(view: AuditView) -> str:
    out = ['<section id="regulation" aria-labelledby="h-regulation" class="print-break">']
    out.append('<h2 id="h-regulation">Regulation view: EU AI Act, Article 10</h2>')
    out.append(
        "<p>Findings grouped by the paragraph of Article 10 (data and data governance) that the "
        "<code>eu-ai-act</code> policy pack maps their rule to. A paragraph without findings "
        "lists the rules that checked it. A finding is evidence for an audit, not a legal "
        "assessment.</p>"
    )
    if not view.regulation:
        out.append("<p>No references are known to this report.</p>")
    for i, group in enumerate(view.regulation):
        hid = f"h-reg-{i}"
        active = sum(1 for v in group.findings if not v.finding.waived)
        out.append(
            f'<section class="reg" aria-labelledby="{hid}"><h3 id="{hid}">{e(group.reference)} '
            f"<small>({active} active finding(s))</small></h3>"
        )
        out.append("<p>Rules: " + ", ".join(f"<code>{e(r)}</code>" for r in group.rules) + "</p>")
        out.append(_by_rule(group.findings, hid))
        out.append("</section>")
    if view.unreferenced:
        out.append('<section class="reg" aria-labelledby="h-reg-none">')
        out.append('<h3 id="h-reg-none">Findings without a reference</h3>')
        out.append(_by_rule(view.unreferenced, "h-reg-none"))
        out.append("</section>")
    out.append("</section>")
    return "\n".join(out)


def _by_rule(views: Sequence[FindingView], labelledby: str) -> str:
    """Findings of one paragraph, a row per rule: each finding is a link to its entry in
    its dataset's section (the message and hint are there, not repeated here)."""
    if not views:
        return '<p class="ok">No findings.</p>'
    rules: dict[str, list[FindingView]] = {}
    for view in views:
        rules.setdefault(view.finding.rule, []).append(view)
    rows = []
    for rule in sorted(rules):
        found = rules[rule]
        first = found[0].finding
        active = sum(1 for v in found if not v.finding.waived)
        links = " ".join(
            f'<a href="#{e(v.anchor)}">{e(v.finding.path)}:{v.finding.line}</a>'
            + (" (waived)" if v.finding.waived else "")
            for v in found
        )
        rows.append(
            f'<tr data-rule="{e(rule)}"><td><code>{e(rule)}</code> {e(first.name)}</td>'
            f'<td class="num">{active:,}</td><td class="locs">{links}</td></tr>'
        )
    return (
        f'<table aria-labelledby="{labelledby}"><thead><tr><th scope="col">rule</th>'
        '<th scope="col" class="num">active</th><th scope="col">findings (each links to its '
        "entry)</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def training(view: AuditView) -> str:
    t = view.training
    out = ['<section id="training-summary" aria-labelledby="h-training">']
    out.append('<h2 id="h-training">Training content summary: synthetic data (section 2.5)</h2>')
    out.append(
        "<p>The synthetic-data part of the European Commission's template for the public "
        "summary of training content, filled in from the dataset cards of training data "
        "(cards whose <code>purpose</code> includes training or is not recorded). Review it "
        "before publishing: the cards are the only source.</p>"
    )
    uses = "Yes" if t.synthetic_training else "No"
    out.append('<dl class="facts">')
    out.append(
        f"<dt>Synthetic data used for training</dt><dd><strong>{uses}</strong>: "
        f"{t.synthetic_training} of {t.training_datasets} training dataset card(s) are "
        "synthetic.</dd>"
    )
    if t.modalities:
        mods = "; ".join(
            f"{e(m.name)} ({m.datasets} dataset(s), from {e(m.source)})" for m in t.modalities
        )
    else:
        mods = NOT_RECORDED
    if t.unknown_modality:
        mods += f"; {t.unknown_modality} synthetic dataset(s) record no modality"
    out.append(f"<dt>Modalities of the synthetic data</dt><dd>{mods}</dd>")
    out.append("</dl>")
    out.append('<h3 id="h-training-models">Models used to generate the synthetic data</h3>')
    if t.generators:
        rows = [
            (
                f"<code>{e(g.model)}</code>",
                "yes" if g.known else "not in the model registry",
                e(g.lineage),
                num(g.datasets),
            )
            for g in t.generators
        ]
        out.append(
            table(
                ("model", "known model", "lineage", "datasets"),
                rows,
                "h-training-models",
                (3,),
            )
        )
    else:
        out.append("<p>No training card records a generator.</p>")
    out.append("</section>")
    return "\n".join(out)
