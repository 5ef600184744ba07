"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=PATH,line=L,col=C,title=TITLE::MESSAGE`` (``::warning`` for warnings,
``::notice`` for infos), escaped the way the Actions toolkit does it: in the message ``%``,
CR and LF become ``%25``, ``%0D`` and ``%0A``; in property values ``:`` and ``,`` are escaped
too (``%3A``, ``%2C``), so a value never adds a line and can never start a workflow command
of its own (``::stop-commands::``, a forged ``::error``). Other control characters (ANSI
escapes, bidirectional overrides) are made visible (:func:`synthgov.core.escaping.printable`).
Waived findings are not annotated. The hint follows the message on its own line.
"""

from __future__ import annotations

from synthgov.core.escaping import printable
from synthgov.core.types import Finding, Severity
from synthgov.engine.report import Report

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A workflow command's data: control characters made visible, then the toolkit's
    escapes (line breaks become ``%0A``: the value stays on the command's line)."""
    out = printable(text, keep_line_breaks=True)
    return out.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    props = {
        "file": f.path,
        "line": str(f.line),
        "col": str(f.column),
        "title": f"{f.rule} {f.name}",
    }
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
    message = escape_data(f.message)
    if f.hint:  # the line break is ours, so it is escaped after the values
        message += "%0Ahint: " + escape_data(f.hint)
    return f"::{COMMANDS[f.severity]} {joined}::{message}"


def render(report: Report) -> str:
    lines = [annotation(f) for f in report.findings if not f.waived]
    verified = report.verification_line()
    if verified is not None:
        lines.append(f"::notice title=synthgov data verification::{escape_data(verified)}")
    return "".join(line + "\n" for line in lines)
