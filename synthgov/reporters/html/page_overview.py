"""The page's overview section: the verdict and counts, findings by family, generators by
lineage, waivers, policies and the datasets at a glance."""

from __future__ import annotations

from synthgov.reporters.html.markup import count_item, e, num, sev_counts, status, table
from synthgov.reporters.html.records import AuditView, Overview


def overview(view: AuditView) -> str:
    o = view.overview
    out = ['<section id="overview" aria-labelledby="h-overview">']
    out.append('<h2 id="h-overview">Overview</h2>')
    verdict = "failed" if o.errors else "passed"
    out.append(
        f"<p>The check <strong>{verdict}</strong>: {o.errors} error(s), {o.warnings} "
        f"warning(s) and {o.infos} info(s) in {o.documents} document(s) of {o.files} file(s)"
        + (f"; {o.waived} finding(s) waived" if o.waived else "")
        + "."
        + "</p>"
    )
    out += _counts(o)
    for note in view.notes:
        out.append(f'<p class="note">{e(note)}</p>')
    out.append(
        f"<p>Rows: {o.synthetic_rows:,} synthetic of {o.total_rows:,} declared in the cards' "
        "<code>composition</code>.</p>"
    )
    out += _families(o)
    out += _lineages(o)
    out += _waivers(view)
    out += _policies(view)
    out += _index(view)
    out.append("</section>")
    return "\n".join(out)


def _counts(o: Overview) -> list[str]:
    out = ['<ul class="cards" aria-label="Counts">']
    out += [
        count_item("errors", "errors", o.errors, "err"),
        count_item("warnings", "warnings", o.warnings, "warn"),
        count_item("infos", "infos", o.infos, "inf"),
        count_item("waived", "waived", o.waived),
        count_item("files", "files", o.files),
        count_item("documents", "documents", o.documents),
        count_item("datasets", "datasets", o.datasets),
        count_item("synthetic-datasets", "synthetic datasets", o.synthetic_datasets),
        count_item("pipelines", "pipelines", o.pipelines),
        count_item("synthetic-share", "synthetic share of rows", o.synthetic_share),
    ]
    if o.baselined:
        out.append(count_item("baselined", "baselined", o.baselined))
    out.append("</ul>")
    return out


def _families(o: Overview) -> list[str]:
    out = ['<h3 id="h-families">Findings by family</h3>']
    if not o.by_family:
        return [*out, "<p>No active findings.</p>"]
    rows = [(e(name), num(err), num(warn), num(inf)) for name, err, warn, inf in o.by_family]
    out.append(table(("family", "errors", "warnings", "infos"), rows, "h-families", (1, 2, 3)))
    return out


def _lineages(o: Overview) -> list[str]:
    out = ['<h3 id="h-lineages">Generators by lineage</h3>']
    if not o.by_lineage:
        return [*out, "<p>No card records a generator.</p>"]
    rows = [(e(name), num(uses), num(ds)) for name, uses, ds in o.by_lineage]
    out.append(table(("lineage", "generation uses", "datasets"), rows, "h-lineages", (1, 2)))
    return out


def _waivers(view: AuditView) -> list[str]:
    out = ['<h3 id="h-waivers">Waivers</h3>']
    if not view.waivers:
        return [*out, "<p>No waivers.</p>"]
    rows = [
        (
            f'<a href="#{e(w.anchor)}">{e(w.document)}</a>',
            f"<code>{e(w.path)}:{w.line}</code>",
            f"<code>{e(w.rule)}</code>",
            e(w.expires),
            status(w.status),
            e(w.reason),
        )
        for w in view.waivers
    ]
    head = ("document", "where", "rule", "expires", "status", "reason")
    out.append(table(head, rows, "h-waivers"))
    return out


def _policies(view: AuditView) -> list[str]:
    rows = [
        (f"<code>{e(p.name)}</code>", e(p.origin or "-"), e(p.version or "-"))
        for p in view.policies
    ]
    return [
        '<h3 id="h-policies">Policies</h3>',
        table(("policy", "origin", "version"), rows, "h-policies"),
    ]


def _index(view: AuditView) -> list[str]:
    out = ['<h3 id="h-index">Datasets at a glance</h3>']
    if not view.datasets:
        return [*out, "<p>No dataset cards.</p>"]
    rows = []
    for ds in view.datasets:
        err, warn, inf = sev_counts(ds.findings)
        rows.append(
            (
                f'<a href="#{e(ds.anchor)}">{e(ds.id)}</a>',
                "synthetic" if ds.synthetic else "real",
                e(ds.purpose),
                num(err),
                num(warn),
                num(inf),
            )
        )
    head = ("dataset", "kind", "purpose", "errors", "warnings", "infos")
    out.append(table(head, rows, "h-index", (3, 4, 5)))
    return out
