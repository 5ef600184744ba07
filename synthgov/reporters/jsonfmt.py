"""``--format json`` (SPEC section 10): stable shape, deterministic bytes."""

from __future__ import annotations

import json

from synthgov.core.escaping import json_wellformed
from synthgov.engine.report import Report


def render(report: Report) -> str:
    payload = {
        "version": 1,
        "tool": {"name": "synthgov", "version": report.version},
        "summary": report.summary.to_json(),
        "findings": [f.to_json() for f in report.findings],
    }
    verification = report.verification_json()
    if verification is not None:
        payload["verification"] = verification
    return (
        json_wellformed(json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=False)) + "\n"
    )
