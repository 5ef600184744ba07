"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

- ``tool.driver.rules`` lists every rule of the run (sorted by id) with short and full
  descriptions, help (text and Markdown) and its default level, so viewers can explain a
  result without synthgov installed.
- Each result has ``ruleId``/``ruleIndex``, ``level`` (error, warning, note), a physical
  location (path relative to the working directory, line and column; columns count Unicode
  code points) and ``partialFingerprints`` computed from content -- rule, path, JSON pointer
  and a hash of the offending value, plus an occurrence number among equal keys -- never
  from line numbers, so an edit elsewhere in the card does not reopen an alert. The same key
  is given as ``primaryLocationLineHash``, the fingerprint GitHub matches alerts by; without
  it the upload action would compute a line-based one.
- Waived findings are results with an ``inSource`` suppression (the waiver is in the card).
- Deterministic: the same report gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from synthgov.core.escaping import json_wellformed
from synthgov.core.types import Finding, Severity
from synthgov.engine.fingerprint import fingerprints
from synthgov.engine.report import Report, RuleMeta

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FAMILIES = {
    "SG0": "structure",
    "SG1": "provenance",
    "SG2": "model-diversity",
    "SG3": "validation",
    "SG4": "governance",
}


def render(report: Report) -> str:
    rules = _rule_descriptors(report)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = [
        _result(f, index[f.rule], fp, n)
        for f, (fp, n) in zip(report.findings, fingerprints(report.findings), strict=True)
    ]
    payload: dict[str, Any] = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "synthgov",
                        "version": report.version,
                        "semanticVersion": report.version,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {
                    "policies": list(report.policies),
                    "summary": report.summary.to_json(),
                },
            }
        ],
    }
    verification = report.verification_json()
    if verification is not None:
        payload["runs"][0]["properties"]["verification"] = verification
    return json_wellformed(json.dumps(payload, indent=2, ensure_ascii=False)) + "\n"


def _rule_descriptors(report: Report) -> list[dict[str, Any]]:
    metas: dict[str, RuleMeta] = dict(report.rules)
    for f in report.findings:  # a finding of a rule the report has no metadata for
        if f.rule not in metas:
            metas[f.rule] = RuleMeta(f.rule, f.name, f.name, f.name, f.severity)
    return [_descriptor(metas[rule_id]) for rule_id in sorted(metas)]


def _descriptor(meta: RuleMeta) -> dict[str, Any]:
    summary = meta.summary or meta.name or meta.id
    full = meta.description or summary
    help_text = meta.help or full
    more = f"Run `synthgov explain {meta.id}` for an example violation and its fix."
    if not meta.id.startswith("SG"):
        more = f"Custom rule from {meta.plugin}."
    return {
        "id": meta.id,
        "name": meta.name or meta.id,
        "shortDescription": {"text": _clip(summary, 1024)},
        "fullDescription": {"text": full},
        "help": {"text": f"{help_text}\n\n{more}", "markdown": f"{help_text}\n\n{more}"},
        "defaultConfiguration": {"level": LEVELS[meta.default_severity]},
        "properties": {
            "tags": ["synthgov", FAMILIES.get(meta.id[:3], "custom")],
            "precision": "very-high",
            "plugin": meta.plugin,
        },
    }


def _result(f: Finding, rule_index: int, fp: str, occurrence: int) -> dict[str, Any]:
    text = f.message if not f.hint else f"{f.message}\nhint: {f.hint}"
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[f.severity],
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": {
                    # the path's own bytes, also for a name that is not UTF-8
                    "artifactLocation": {"uri": quote(_path_bytes(f.path), safe="/")},
                    "region": {"startLine": f.line, "startColumn": f.column},
                }
            }
        ],
        "partialFingerprints": {
            "primaryLocationLineHash": f"{fp[:32]}:{occurrence}",
            "synthgovContentHash/v1": f"{fp}:{occurrence}",
        },
        "properties": {
            "pointer": f.pointer,
            "document": f.document,
            "name": f.name,
        },
    }
    if f.references:
        result["properties"]["references"] = list(f.references)
    if f.waived:
        result["suppressions"] = [
            {"kind": "inSource", "justification": "waived in the document's governance.waivers"}
        ]
    return result


def _path_bytes(path: str) -> bytes:
    return path.encode("utf-8", "surrogateescape")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
