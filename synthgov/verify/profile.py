"""``--profile FILE``: the measured profile of every dataset, as JSON.

Shaped after OpenLineage dataset facets so that it maps onto them one to one:
``dataQualityMetrics`` (rowCount, bytes, columnMetrics with nullCount) and
``dataQualityAssertions`` (assertion, success, column), plus a custom facet
``synthgov_verification`` with what OpenLineage has no field for (duplicates, near
duplicates, contamination, PII, synthetic rows, three-valued claims). Deterministic: no
timestamps, sorted keys. Schema: ``schemas/profile.schema.json``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from synthgov.verify.model import PII_DETECTORS, DatasetMeasure, Verification

SCHEMA_URL = "https://synthgov.invalid/schemas/profile.schema.json"


def profile(verification: Verification, version: str) -> dict[str, Any]:
    datasets = []
    claims_by_card: dict[str, list[Any]] = defaultdict(list)
    for claim in verification.all_claims():
        claims_by_card[claim.card].append(claim)
    for path in sorted(verification.datasets):
        dm = verification.datasets[path]
        datasets.append(_dataset(dm, claims_by_card.get(path, [])))
    return {
        "producer": f"synthgov {version}",
        "schemaURL": SCHEMA_URL,
        "engine": verification.engine,
        "parameters": verification.params.key(),
        "datasets": datasets,
    }


def _dataset(dm: DatasetMeasure, claims: list[Any]) -> dict[str, Any]:
    columns: dict[str, dict[str, Any]] = {}
    non_null: dict[str, int] = defaultdict(int)
    types: dict[str, set[str]] = defaultdict(set)
    for m in dm.measured:
        for c in m.columns:
            types[c.column].add(c.type)
            if c.type != "null":
                non_null[c.column] += c.rows
    for name in sorted(types):
        columns[name] = {
            "nullCount": dm.rows - non_null[name],
            "types": sorted(types[name]),
        }
    pii: dict[str, int] = dict.fromkeys(PII_DETECTORS, 0)
    for m in dm.measured:
        for det, n in m.pii.items():
            pii[det] = pii.get(det, 0) + n
    files = []
    for f in dm.files:
        entry: dict[str, Any] = {"path": f.spec.shown, "format": f.spec.format, "split": f.split}
        if f.unverified:
            entry["unverified"] = f.unverified
        elif f.measure is not None:
            entry.update(
                rows=f.measure.rows,
                badRows=f.measure.bad_rows,
                textFields=list(f.measure.text_fields),
                error=f.measure.error,
            )
        files.append(entry)
    contamination = [
        {"evaluation": e, "contaminatedRows": hit, "rows": whole, "training": list(trains)}
        for e, (hit, whole, trains) in sorted(dm.contamination.items())
    ]
    return {
        "namespace": "synthgov",
        "name": dm.dataset,
        "card": dm.card,
        "facets": {
            "dataQualityMetrics": {"rowCount": dm.rows, "columnMetrics": columns},
            "dataQualityAssertions": {
                "assertions": [
                    {"assertion": f"{c.rule} {c.claim}", "success": c.outcome == "verified"}
                    for c in claims
                ]
            },
            "synthgov_verification": {
                "complete": dm.complete,
                "files": files,
                "textRows": dm.text_rows,
                "duplicateRows": dm.duplicate_rows,
                "nearDuplicateRows": dm.near_duplicate_rows,
                "piiRows": pii,
                "syntheticRows": sum(m.provenance_rows for m in dm.measured),
                "contamination": contamination,
                "claims": [c.to_json() for c in claims],
            },
        },
    }


def render_profile(verification: Verification, report: Any) -> str:
    data = profile(verification, getattr(report, "version", ""))
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
