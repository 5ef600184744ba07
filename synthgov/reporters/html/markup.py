"""Pieces of markup every section of the page uses: escaping, tables, count cards,
severity counts and finding lists. Every text from a document or a finding is escaped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from synthgov.reporters.html.records import FindingView

NUM = ' class="num"'


def e(value: object) -> str:
    return escape(str(value), quote=True)


def count_item(key: str, label: str, value: object, klass: str = "") -> str:
    cls = f' class="{klass}"' if klass else ""
    if isinstance(value, int):
        value = f"{value:,}"
    return f'<li><span class="v"{cls} data-count="{key}">{e(value)}</span>{e(label)}</li>'


def status(value: str) -> str:
    klass = {"active": "ok", "expired": "err", "invalid": "err", "unused": "warn"}.get(value, "")
    return f'<span class="{klass}">{e(value)}</span>'


def num(value: int) -> str:
    return f"{value:,}"


def sev_counts(findings: Iterable[FindingView]) -> tuple[int, int, int]:
    active = [v.finding for v in findings if not v.finding.waived]
    return (
        sum(1 for f in active if f.severity.label == "error"),
        sum(1 for f in active if f.severity.label == "warning"),
        sum(1 for f in active if f.severity.label == "info"),
    )


def table(
    head: Sequence[str],
    rows: Iterable[Sequence[str]],
    labelledby: str,
    numeric: Sequence[int] = (),
) -> str:
    """A table; cells are HTML already (escaped by the caller)."""
    cols = "".join(
        f'<th scope="col"{NUM if i in numeric else ""}>{e(h)}</th>' for i, h in enumerate(head)
    )
    body = []
    for row in rows:
        cells = "".join(f"<td{NUM if i in numeric else ''}>{c}</td>" for i, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table aria-labelledby="{labelledby}"><thead><tr>{cols}</tr></thead><tbody>'
        + "".join(body)
        + "</tbody></table>"
    )


def finding(view: FindingView, klass: str = "finding") -> str:
    f = view.finding
    where = f"{f.path}:{f.line}:{f.column}"
    loc = (
        f'<a href="{e(view.link)}"><code>{e(where)}</code></a>'
        if view.link
        else f"<code>{e(where)}</code>"
    )
    waived = " waived" if f.waived else ""
    label = f"{f.severity.label} (waived)" if f.waived else f.severity.label
    hint = f'<span class="hint">hint: {e(f.hint)}</span>' if f.hint else ""
    ident = f' id="{e(view.anchor)}"' if view.anchor else ""
    return (
        f'<li class="{klass} sev-{f.severity.label}{waived}" data-rule="{e(f.rule)}"{ident}>'
        f'<span class="badge sev-{f.severity.label}">{e(label)}</span> '
        f"<code>{e(f.rule)}</code> {e(f.name)} at {loc}: "
        f'<span class="msg">{e(f.message)}</span>{hint}</li>'
    )


def findings(views: Sequence[FindingView], klass: str = "finding") -> str:
    if not views:
        return '<p class="ok">No findings.</p>'
    return '<ul class="findings">' + "".join(finding(v, klass) for v in views) + "</ul>"
