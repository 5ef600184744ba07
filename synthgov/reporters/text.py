"""``--format text``: grouped by file, ``path:line:col: ID [severity] message``, hint below."""

from __future__ import annotations

from synthgov.model import Severity
from synthgov.report import Report

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, enabled: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if enabled else text


def render(report: Report) -> str:
    lines: list[str] = []
    current = None
    for f in report.findings:
        if f.path != current:
            if current is not None:
                lines.append("")
            current = f.path
        sev = _paint(f"[{f.severity.label}]", _COLORS[f.severity], report.color)
        where = _paint(f"{f.path}:{f.line}:{f.column}:", "1", report.color)
        waived = " (waived)" if f.waived else ""
        lines.append(f"{where} {f.rule} {sev} {f.message}{waived}")
        if f.hint:
            lines.append(f"    hint: {f.hint}")
    if report.quiet:
        return "\n".join(lines) + ("\n" if lines else "")
    s = report.summary
    if lines:
        lines.append("")
    counts = (
        f"{s.errors} error(s), {s.warnings} warning(s), {s.infos} info(s)"
        f"{f', {s.waived} waived' if s.waived else ''}"
        f"{f', {s.baselined} baselined' if s.baselined else ''}"
    )
    lines.append(f"synthgov: {s.files} file(s), {s.documents} document(s) checked; {counts}.")
    verified = report.verification_line()
    if verified is not None:
        lines.append(f"synthgov: {verified}.")
    for note in report.notes:
        lines.append(note)
    return "\n".join(lines) + "\n"
