"""The example repositories under examples/.

- examples/acme is a compliant repository: the baseline pack finds no error and no warning.
- examples/violations is the same world with typical mistakes: every finding listed in its
  expected.yaml (rule, file, line) must be reported.

Both run the real command line in a subprocess, with SYNTHGOV_TODAY fixed so that waiver
expiry (SG404) does not depend on the calendar.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from statistics import NormalDist
from typing import Any

import pytest
import yaml

from synthgov.plugins.manager import load_registry
from tests.conftest import ROOT, TODAY, run_cli

ACME = "examples/acme"
VIOLATIONS = "examples/violations"

# Rules that are registered today and must always fire on examples/violations.
CORE_RULES = (
    *(f"SG00{i}" for i in range(1, 7)),
    *(f"SG1{i:02d}" for i in range(1, 11)),
    "SG401",
    "SG402",
    "SG403",
    "SG404",
)
# Rules that run only in diff mode (--diff-base), so a plain check cannot show them.
DIFF_ONLY_RULES = tuple(
    sorted(r.id for r in load_registry(entry_points=False).rules.values() if r.diff_only)
)


@cache
def check(path: str, *extra: str) -> tuple[int, dict[str, Any]]:
    proc = run_cli(
        "check", path, "--format", "json", *extra, cwd=ROOT, env={"SYNTHGOV_TODAY": TODAY}
    )
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)


@cache
def registered_rules() -> frozenset[str]:
    proc = run_cli("rules", "--format", "json", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return frozenset(rule["id"] for rule in json.loads(proc.stdout))


def expected_findings() -> list[dict[str, Any]]:
    entries = yaml.safe_load((ROOT / VIOLATIONS / "expected.yaml").read_text(encoding="utf-8"))
    assert isinstance(entries, list) and entries
    for entry in entries:
        assert set(entry) == {"rule", "file", "line"}, entry
        assert (ROOT / VIOLATIONS / entry["file"]).is_file(), entry
    return entries


def _show(findings: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{f['path']}:{f['line']}:{f['column']}: {f['rule']} [{f['severity']}] {f['message']}"
        for f in findings
    )


def test_acme_passes_baseline() -> None:
    code, report = check(ACME)
    active = [f for f in report["findings"] if not f["waived"]]
    assert code == 0, _show(active)
    assert report["summary"]["errors"] == 0, _show(active)
    assert report["summary"]["warnings"] == 0, _show(active)
    # an info finding is tolerated only for generator concentration (SG205); there is none today
    assert [f for f in active if f["rule"] != "SG205"] == [], _show(active)
    assert report["summary"]["documents"] == 4


def test_acme_data_verifies() -> None:
    """Every claim of the acme cards is measured and verified: no mismatch, no unverified."""
    code, report = check(ACME, "--verify-data", "--no-cache")
    active = [f for f in report["findings"] if not f["waived"]]
    assert code == 0 and active == [], _show(active)
    counts = report["verification"]["counts"]
    assert counts["mismatch"] == 0 and counts["unverified"] == 0, counts
    assert counts["verified"] >= 30, counts
    rules = {c["rule"] for c in report["verification"]["claims"]}
    assert rules >= {f"SG50{i}" for i in range(1, 10)}, rules


def test_a_plain_check_measures_no_data() -> None:
    """Pre-commit stays card-only: without --verify-data, no data rule runs."""
    _, report = check(VIOLATIONS)
    assert "verification" not in report
    assert not [f for f in report["findings"] if f["rule"].startswith("SG5")]


def test_acme_passes_whatever_the_date() -> None:
    """The README runs `synthgov check examples/acme` without SYNTHGOV_TODAY: the result must
    not depend on the calendar (no waiver that can expire, no date that can go stale)."""
    for today in ("2026-11-25", "2031-06-30", "2099-12-31"):
        proc = run_cli("check", ACME, "--format", "json", cwd=ROOT, env={"SYNTHGOV_TODAY": today})
        assert proc.returncode == 0, (today, proc.stdout, proc.stderr)
        assert json.loads(proc.stdout)["summary"]["errors"] == 0, today


def test_readme_quick_start_is_what_ci_runs() -> None:
    """The README's two commands are the ones .ci/run executes in a fresh environment."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = section.split("```console\n", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip()]
    assert commands == ['pip install -e ".[test]" && synthgov check examples/acme', "pytest"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert '"$PY" -m venv "$WORK/venv"' in ci  # a fresh virtual environment
    assert 'pip install -q -e ".[test]"' in ci
    assert re.search(r"^(SYNTHGOV_TODAY=\S+ )?synthgov check examples/acme$", ci, re.M)
    assert re.search(r"^pytest( -q)?( -p no:cacheprovider)?$", ci, re.M)
    # the wheel check: policies/ and schemas/ are read from the installed wheel
    assert "-m build --wheel" in ci and 'resources.files("synthgov.policies")' in ci
    assert 'resources.files("synthgov.schemas")' in ci


def test_acme_review_samples_meet_the_spec_formula() -> None:
    """Independent of SG302: every synthetic acme card reviews at least the required sample."""
    z = NormalDist().inv_cdf(1 - (1 - 0.95) / 2)
    n0 = z * z * 0.5 * 0.5 / 0.05**2
    checked = 0
    for path in sorted((ROOT / ACME / "datasets").glob("*/card.yaml")):
        card = yaml.safe_load(path.read_text(encoding="utf-8"))
        synthetic = card.get("composition", {}).get("synthetic_rows", 0)
        if not synthetic:
            continue
        review = card["validation"]["human_review"]
        population = review.get("population", synthetic)
        required = math.ceil(n0 / (1 + (n0 - 1) / population))
        assert review["sample_size"] >= required, (path, required)
        checked += 1
    assert checked == 2


def test_violations_report_every_expected_finding() -> None:
    # the data rules (SG5xx) need the data measured: the CI job's check --verify-data
    code, report = check(VIOLATIONS, "--verify-data", "--no-cache")
    findings = report["findings"]
    assert code == 1
    got = {(f["rule"], f["path"], f["line"]) for f in findings if not f["waived"]}
    expected = expected_findings()
    # every rule named in expected.yaml is registered: none of its entries can be skipped
    assert sorted({e["rule"] for e in expected} - registered_rules()) == []
    missing = [
        e for e in expected if (e["rule"], f"{VIOLATIONS}/{e['file']}", e["line"]) not in got
    ]
    assert not missing, (
        "missing findings:\n" + "\n".join(map(str, missing)) + "\ngot:\n" + (_show(findings))
    )


def test_violations_trigger_the_core_rules() -> None:
    _, report = check(VIOLATIONS)
    fired = {f["rule"] for f in report["findings"]}
    assert set(CORE_RULES) <= registered_rules()
    assert sorted(set(CORE_RULES) - fired) == []


def test_the_tour_covers_every_rule_family() -> None:
    """examples/violations is a tour: every family of built-in rules shows in it. A rule's
    own proof is its case file (tests/test_rule_cases.py requires one for every registered
    rule), so adding a rule does not require editing the tour (docs/decisions.md, issue 12)."""
    listed = {e["rule"] for e in expected_findings()}
    builtin = {r for r in registered_rules() if r.startswith("SG")}
    families = {r[:3] for r in builtin}  # SG0, SG1, ... SG5
    assert families <= {r[:3] for r in listed}
    assert listed <= builtin  # and it names no rule that does not exist
    # the tour still shows nearly every rule; a drop is a deliberate edit, not rot
    assert len(listed - set(DIFF_ONLY_RULES)) >= 0.9 * len(builtin - set(DIFF_ONLY_RULES))


@pytest.mark.parametrize(
    "target",
    [
        "datasets/broken-yaml/card.yaml",  # SG001: a problem, not a document
        "datasets/cycle-a/card.yaml",  # SG006 across two cards
        "datasets/duplicate-id-b/card.yaml",  # SG005 across two cards
        "datasets/waiver-unused/card.yaml",  # post-phase rules (waivers)
        "datasets/eval-unchecked/card.yaml",  # SG307 through the pipelines
        "pipelines/judge-trained-style.yaml",  # SG203 through the graph
        "datasets/checksum-mismatch/data/train.jsonl",  # a data file selects its card
    ],
)
def test_a_named_file_gets_exactly_its_findings_of_a_full_run(tmp_path, target: str) -> None:
    """``check FILE`` (the pre-commit call) evaluates only that file's documents, with the
    whole repository as context: its findings must be those a full run reports for it."""
    import shutil

    repo = tmp_path / "violations"
    shutil.copytree(ROOT / "examples" / "violations", repo)
    full = run_cli("check", "--format", "json", "--no-cache", cwd=repo)
    named = run_cli("check", target, "--format", "json", "--no-cache", cwd=repo)
    assert full.returncode == 1 and named.returncode in (0, 1), named.stderr
    card = target if target.endswith(".yaml") else target.split("/data/")[0] + "/card.yaml"
    expected = [f for f in json.loads(full.stdout)["findings"] if f["path"] == card]
    got = json.loads(named.stdout)["findings"]
    assert expected, f"the example {card} should have findings"
    assert got == expected
