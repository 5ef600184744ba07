"""The ``acme-csv`` output format: one CSV row per finding, for Acme's compliance tracker.

A reporter is a callable that takes the run's :class:`synthgov.engine.report.Report` and returns
the whole output as text; ``synthgov check --format acme-csv`` prints it or writes it to
``--output``. Keep it deterministic: same findings, same bytes.
"""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS = ("path", "line", "rule", "severity", "document", "message")


def render(report: Any) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for f in report.findings:
        if not f.waived:
            writer.writerow((f.path, f.line, f.rule, f.severity.label, f.document or "", f.message))
    return out.getvalue()
