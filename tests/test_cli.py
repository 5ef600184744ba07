"""The command line: exit codes, formats, rules, explain, schema, version."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from synthgov import __version__
from synthgov.plugins import load_registry
from tests.conftest import run_cli, write_tree

BAD_CARD = "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata:\n  id: x\n"
GOOD_CARD = (
    "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: x, owner: a@b.example}\n"
    "governance:\n  approvals: [{by: j@b.example, role: data-steward, date: 2024-01-01}]\n"
)
RULE_IDS = sorted(load_registry(entry_points=False).rules)


def test_version() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"synthgov {__version__}"


def test_exit_codes(tmp_path: Path) -> None:
    write_tree(tmp_path, {"good/card.yaml": GOOD_CARD, "bad/card.yaml": BAD_CARD})
    assert run_cli("check", "good", cwd=tmp_path).returncode == 0
    bad = run_cli("check", "bad", cwd=tmp_path)
    assert bad.returncode == 1
    assert run_cli("check", "bad", "--select", "SG0", cwd=tmp_path).returncode == 0
    assert run_cli("check", "bad", "--ignore", "SG401,SG402", cwd=tmp_path).returncode == 0
    usage = run_cli("check", "--format", "nope", cwd=tmp_path)
    assert usage.returncode == 2 and "unknown format" in usage.stderr


def test_text_output_shape(tmp_path: Path) -> None:
    write_tree(tmp_path, {"card.yaml": BAD_CARD})
    proc = run_cli("check", cwd=tmp_path)
    lines = proc.stdout.splitlines()
    assert lines[0] == "card.yaml:1:1: SG402 [warning] no approval by the role(s) data-steward"
    assert lines[2] == "card.yaml:3:1: SG401 [error] dataset card x has no owner"
    assert lines[3].startswith("    hint: add metadata.owner")
    assert re.match(r"synthgov: 1 file\(s\), 1 document\(s\) checked; 1 error\(s\)", lines[-1])
    assert "\x1b[" not in proc.stdout  # no colour when not on a terminal


def test_json_output_shape_and_determinism(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a/card.yaml": BAD_CARD, "b/card.yaml": BAD_CARD})
    first = run_cli("check", "--format", "json", cwd=tmp_path)
    second = run_cli("check", "--format", "json", cwd=tmp_path)
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["version"] == 1
    assert data["tool"] == {"name": "synthgov", "version": __version__}
    assert set(data["summary"]) >= {"files", "documents", "errors", "warnings", "infos", "waived"}
    finding = data["findings"][0]
    assert set(finding) >= {
        "rule",
        "name",
        "severity",
        "path",
        "line",
        "column",
        "pointer",
        "document",
        "message",
        "hint",
        "waived",
        "references",
    }
    keys = [(f["path"], f["line"], f["column"], f["rule"]) for f in data["findings"]]
    assert keys == sorted(keys)
    assert {f["rule"] for f in data["findings"]} >= {"SG005", "SG401"}


def test_output_file_is_written(tmp_path: Path) -> None:
    write_tree(tmp_path, {"card.yaml": GOOD_CARD})
    proc = run_cli("check", "--format", "json", "--output", "out/report.json", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout == ""
    assert json.loads((tmp_path / "out/report.json").read_text())["summary"]["documents"] == 1
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".synthgov-")]


def test_rules_lists_every_rule() -> None:
    proc = run_cli("rules")
    assert proc.returncode == 0
    listed = [line.split()[0] for line in proc.stdout.splitlines()]
    assert listed == RULE_IDS
    rows = json.loads(run_cli("rules", "--format", "json").stdout)
    assert all({"id", "name", "severity", "plugin"} <= set(r) for r in rows)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_explain_every_rule(rule_id: str) -> None:
    proc = run_cli("explain", rule_id)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith(rule_id + " ")
    assert "Default severity:" in out and "Parameters" in out
    assert "Example violation:" in out and "Fix:" in out


def test_explain_shows_parameter_defaults() -> None:
    out = run_cli("explain", "SG402").stdout
    assert 'roles (array, default ["data-steward"])' in out


def test_explain_unknown_rule() -> None:
    proc = run_cli("explain", "SG999")
    assert proc.returncode == 2 and "unknown rule" in proc.stderr


@pytest.mark.parametrize("kind", ["DatasetCard", "Pipeline", "Policy", "Config", "datasetcard"])
def test_schema(kind: str) -> None:
    proc = run_cli("schema", kind)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["$schema"].startswith("https://json-schema.org/draft/2020-12")


def test_schema_unknown_kind() -> None:
    assert run_cli("schema", "Nope").returncode == 2


def test_missing_path_is_reported(tmp_path: Path) -> None:
    proc = run_cli("check", "does-not-exist", cwd=tmp_path)
    assert "path not found: does-not-exist" in proc.stderr


def test_quiet_prints_findings_only(tmp_path: Path) -> None:
    write_tree(tmp_path, {"card.yaml": BAD_CARD})
    proc = run_cli("check", "-q", cwd=tmp_path)
    assert proc.returncode == 1
    assert "synthgov:" not in proc.stdout
    assert "SG401 [error]" in proc.stdout
    write_tree(tmp_path, {"card.yaml": GOOD_CARD})
    assert run_cli("check", "-q", cwd=tmp_path).stdout == ""


def test_explain_diff_rules_say_where_they_apply() -> None:
    assert "policy and config files" in run_cli("explain", "SG405").stdout


def test_docs_rules_md_is_current() -> None:
    from tests.conftest import ROOT

    generated = run_cli("rules", "--format", "markdown").stdout
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == generated, (
        "docs/rules.md is stale: run `synthgov rules --format markdown > docs/rules.md`"
    )
