"""``--format text``: grouped by file, ``path:line:col: ID [severity] message``, hint below.

Text from documents is escaped (:mod:`synthgov.core.escaping`): no control characters reach the
terminal and no line reads as a CI workflow command."""

from __future__ import annotations

from synthgov.core.escaping import command_safe_lines, display_path, printable
from synthgov.core.types import Severity
from synthgov.engine.report import Report

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
        where = _paint(f"{display_path(f.path)}:{f.line}:{f.column}:", "1", report.color)
        waived = " (waived)" if f.waived else ""
        lines.append(f"{where} {printable(f.rule)} {sev} {printable(f.message)}{waived}")
        if f.hint:
            lines.append(f"    hint: {printable(f.hint)}")
    if report.quiet:
        return command_safe_lines("\n".join(lines) + ("\n" if lines else ""))
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
        lines.append(printable(note))
    # values are escaped above; this is the last guard against a forged workflow command
    return command_safe_lines("\n".join(lines) + "\n")
