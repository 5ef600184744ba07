"""The published JSON Schema of the JSON report (schemas/report.schema.json) holds for real
reports, and `synthgov schema Report` prints it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import ROOT, run_cli, write_tree

SCHEMA = json.loads((ROOT / "schemas" / "report.schema.json").read_text(encoding="utf-8"))


def _validate(report: dict) -> None:
    jsonschema.Draft202012Validator(SCHEMA).validate(report)


def test_report_schema_is_valid_and_served() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    proc = run_cli("schema", "Report")
    assert proc.returncode == 0 and json.loads(proc.stdout) == SCHEMA


@pytest.mark.parametrize("example", ["acme", "violations"])
def test_reports_of_the_examples_match_the_schema(example: str) -> None:
    proc = run_cli("check", "--format", "json", cwd=ROOT / "examples" / example)
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    _validate(report)
    if example == "violations":  # every severity, null documents, waived findings
        findings = report["findings"]
        assert {f["severity"] for f in findings} == {"error", "warning", "info"}
        assert any(f["document"] is None for f in findings)


def test_baselined_report_matches_the_schema(tmp_path: Path) -> None:
    write_tree(tmp_path, {"card.yaml": "apiVersion: synthgov/v1\nkind: DatasetCard\n"})
    assert run_cli("baseline", cwd=tmp_path).returncode == 0
    proc = run_cli(
        "check", "--format", "json", "--baseline", ".synthgov-baseline.json", cwd=tmp_path
    )
    report = json.loads(proc.stdout)
    assert report["summary"]["baselined"] >= 1
    _validate(report)


def test_schema_rejects_what_the_shape_does_not_allow() -> None:
    proc = run_cli("check", "--format", "json", cwd=ROOT / "examples" / "violations")
    report = json.loads(proc.stdout)
    report["findings"][0]["severity"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        _validate(report)
