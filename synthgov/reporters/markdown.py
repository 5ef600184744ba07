"""``--format markdown``: a report for a pull-request comment, a CI job summary or an audit.

A summary table (counts, and findings per rule), the findings grouped per dataset (or
pipeline; findings outside any document by file), the references each rule maps to (for
example regulation clauses from the ``eu-ai-act`` pack), and the lineage graph as a Mermaid
diagram when the report carries the graph and a Mermaid renderer is installed
(:mod:`synthgov.lineage.render`). Text from documents is escaped (:mod:`synthgov.core.escaping`), so
a message cannot break the table, inject HTML, links or images, or mention anyone; code spans
and fences are longer than any backtick run inside them. Deterministic.
"""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import Iterable

from synthgov.core.escaping import fence_for, markdown_code, markdown_text
from synthgov.core.types import Finding, Severity
from synthgov.engine.report import Report

#: at most this many finding rows (GitHub caps a comment at 65,536 characters and a job
#: summary at 1 MiB); SARIF and JSON always carry every finding
MAX_ROWS = 500
RENDERER_MODULE = "synthgov.lineage.render"
#: larger graphs are not drawn (Mermaid in a comment or job summary becomes unreadable)
MAX_NODES = 300


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell: no markup, no HTML, no mentions, no pipes."""
    return markdown_text(text)


def code(text: object) -> str:
    """Inline code that no text can close (see :func:`synthgov.core.escaping.markdown_code`)."""
    return markdown_code(text)


def render(report: Report) -> str:
    out: list[str] = ["## synthgov report", ""]
    out += _summary(report)
    if report.findings:
        out += _per_rule(report)
        out += _per_document(report)
    else:
        out += ["No findings.", ""]
    out += _verification(report)
    out += _references(report.findings)
    out += _lineage(report)
    return "\n".join(out).rstrip("\n") + "\n"


def _summary(report: Report) -> list[str]:
    s = report.summary
    verdict = "failed" if s.errors else "passed"
    lines = [
        f"**{verdict}**: {s.errors} error(s), {s.warnings} warning(s), {s.infos} info(s) "
        f"in {s.documents} document(s) of {s.files} file(s).",
        "",
    ]
    if report.policies:
        lines += [f"Policies: {', '.join(code(p) for p in report.policies)}", ""]
    lines += [
        "| | count |",
        "|---|---:|",
        f"| errors | {s.errors} |",
        f"| warnings | {s.warnings} |",
        f"| infos | {s.infos} |",
        f"| waived | {s.waived} |",
    ]
    if s.baselined:
        lines.append(f"| baselined | {s.baselined} |")
    lines.append("")
    for note in report.notes:
        lines += [cell(note), ""]
    return lines


def _per_rule(report: Report) -> list[str]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    names: dict[str, str] = {}
    worst: dict[str, Severity] = {}
    for f in report.findings:
        counts[f.rule][1 if f.waived else 0] += 1
        names[f.rule] = f.name
        if not f.waived:
            worst[f.rule] = max(worst.get(f.rule, f.severity), f.severity)
    lines = [
        "### Rules",
        "",
        "| rule | name | severity | findings | waived |",
        "|---|---|---|---:|---:|",
    ]
    for rule_id in sorted(counts):
        active, waived = counts[rule_id]
        severity = worst[rule_id].label if rule_id in worst else "-"
        lines.append(
            f"| {code(rule_id)} | {cell(names[rule_id])} | {severity} | {active} | {waived} |"
        )
    return [*lines, ""]


def _per_document(report: Report) -> list[str]:
    groups: dict[tuple[int, str, str], list[Finding]] = defaultdict(list)
    for f in report.findings:
        key = (0, f.document, f.path) if f.document else (1, f.path, f.path)
        groups[key].append(f)
    lines = ["### Findings by dataset", ""]
    rows = 0
    omitted = 0
    for (kind, name, path), findings in sorted(groups.items()):
        if rows >= MAX_ROWS:
            omitted += len(findings)
            continue
        title = f"{code(name)} ({code(path)})" if kind == 0 else code(path)
        lines += [f"#### {title}", ""]
        lines += ["| severity | rule | location | message |", "|---|---|---|---|"]
        for f in findings:
            if rows >= MAX_ROWS:
                omitted += 1
                continue
            rows += 1
            severity = f"{f.severity.label} (waived)" if f.waived else f.severity.label
            message = cell(f.message)
            if f.hint:
                message += f"<br>*hint:* {cell(f.hint)}"
            where = code(f"{f.path}:{f.line}:{f.column}")
            lines.append(f"| {severity} | {code(f.rule)} {cell(f.name)} | {where} | {message} |")
        lines.append("")
    if omitted:
        lines += [
            f"{omitted} more finding(s) not shown; see the SARIF or JSON report for all.",
            "",
        ]
    return lines


def _references(findings: Iterable[Finding]) -> list[str]:
    refs: dict[str, tuple[str, tuple[str, ...]]] = {}
    for f in findings:
        if f.references:
            refs[f.rule] = (f.name, f.references)
    if not refs:
        return []
    lines = ["### References", "", "| rule | name | references |", "|---|---|---|"]
    for rule_id in sorted(refs):
        name, items = refs[rule_id]
        lines.append(f"| {code(rule_id)} | {cell(name)} | {'<br>'.join(cell(r) for r in items)} |")
    return [*lines, ""]


def _lineage(report: Report) -> list[str]:
    diagram = lineage_mermaid(report)
    if not diagram:
        return []
    if diagram.startswith("%"):  # a note instead of a diagram
        return ["### Lineage", "", cell(diagram.lstrip("% ").rstrip()), ""]
    body = diagram.rstrip("\n")
    fence = fence_for(body)
    return ["### Lineage", "", f"{fence}mermaid", body, fence, ""]


def lineage_mermaid(report: Report) -> str | None:
    """The Mermaid text of the run's lineage graph, or None when the report has no graph or
    no renderer is installed. The renderer (:mod:`synthgov.lineage.render`, the one behind
    ``synthgov graph``) is imported only here; findings that name graph nodes are
    highlighted by it. A graph too large to read comes back as a ``%%`` note."""
    if report.graph is None:
        return None
    try:
        module = importlib.import_module(RENDERER_MODULE)
    except ImportError:
        return None
    renderer = getattr(module, "render_mermaid", None)
    if renderer is None:
        return None
    try:
        graph = report.graph()
        if graph is None:
            return None
        size = len(getattr(graph, "nodes", ()))
        if size > MAX_NODES:
            return (
                f"%% The lineage graph has {size} nodes, too many to draw here; "
                "run `synthgov graph` to see it."
            )
        text = renderer(graph, report.findings)
    except Exception:  # noqa: BLE001 - a diagram must never cost the report
        return None
    return text if isinstance(text, str) and text.strip() else None


MAX_CLAIM_ROWS = 500


def _verification(report: Report) -> list[str]:
    """Data verification: declared vs measured, one row per claim (mismatches first)."""
    if report.verification is None:
        return []
    counts = report.verification_counts() or {}
    lines = [
        "### Data verification: declared vs measured",
        "",
        f"{counts.get('verified', 0)} verified, {counts.get('mismatch', 0)} mismatch, "
        f"{counts.get('unverified', 0)} unverified claim(s).",
        "",
        "| outcome | dataset | claim | declared | measured | rule |",
        "|---|---|---|---|---|---|",
    ]
    order = {"mismatch": 0, "unverified": 1, "verified": 2}
    claims = sorted(report.verification, key=lambda c: (order.get(c.outcome, 3), c.card, c.rule))
    for claim in claims[:MAX_CLAIM_ROWS]:
        measured = "n/a" if claim.measured is None else claim.measured
        lines.append(
            f"| {claim.outcome} | {cell(claim.dataset)} | {cell(claim.claim)} | "
            f"{cell(claim.declared)} | {cell(measured)} | {claim.rule} |"
        )
    if len(claims) > MAX_CLAIM_ROWS:
        lines.append(
            f"| ... | {len(claims) - MAX_CLAIM_ROWS} more claim(s) in the JSON report | | | | |"
        )
    lines.append("")
    return lines
