"""SARIF output: the official 2.1.0 schema, determinism, content-based fingerprints."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import ROOT, SARIF_SCHEMA, run_cli, write_tree

VIOLATIONS = ROOT / "examples" / "violations"


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def sarif(cwd: Path, *args: str) -> tuple[str, dict]:
    proc = run_cli("check", "--format", "sarif", *args, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.stdout, json.loads(proc.stdout)


def test_violations_example_validates_against_the_official_schema(validator) -> None:
    _, doc = sarif(VIOLATIONS)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]
    run = doc["runs"][0]
    results = run["results"]
    assert len(results) > 20
    assert {r["level"] for r in results} == {"error", "warning", "note"}
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    for rule in rules:
        assert rule["shortDescription"]["text"].strip()
        assert rule["fullDescription"]["text"].strip()
        assert rule["help"]["text"].strip() and rule["help"]["markdown"].strip()
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert not location["artifactLocation"]["uri"].startswith("/")
        assert location["region"]["startLine"] >= 1
        assert location["region"]["startColumn"] >= 1
        assert result["partialFingerprints"]["primaryLocationLineHash"]


def test_levels_and_locations_match_the_json_report() -> None:
    _, doc = sarif(VIOLATIONS)
    findings = json.loads(run_cli("check", "--format", "json", cwd=VIOLATIONS).stdout)["findings"]
    got = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["level"],
        )
        for r in doc["runs"][0]["results"]
    ]
    level = {"error": "error", "warning": "warning", "info": "note"}
    want = [(f["rule"], f["path"], f["line"], level[f["severity"]]) for f in findings]
    assert got == want


def test_same_input_gives_byte_identical_sarif(tmp_path: Path) -> None:
    """Two independent runs (no result cache, different hash seeds, the input copied to
    another folder) write the same bytes."""
    runs = []
    for seed, where in (("1", VIOLATIONS), ("2", tmp_path / "copy")):
        if where != VIOLATIONS:
            shutil.copytree(VIOLATIONS, where)
        proc = run_cli(
            "check", "--format", "sarif", "--no-cache", cwd=where, env={"PYTHONHASHSEED": seed}
        )
        assert proc.returncode == 1, proc.stderr
        runs.append(proc.stdout)
    assert len(json.loads(runs[0])["runs"][0]["results"]) > 20
    assert runs[0].encode("utf-8") == runs[1].encode("utf-8")
    cached, _ = sarif(VIOLATIONS)  # and a run served from the cache says the same
    assert cached == runs[0]


CARD = """\
apiVersion: synthgov/v1
kind: DatasetCard
metadata:
  id: intents
  owner: nlp@acme.example
composition: {total_rows: 100, synthetic_rows: 100}
generation:
  - model: gpt-4o
    role: generator
    parameters: {temperature: 0.7}
    date: 2024-09-01
  - model: gpt-4o
    role: paraphraser
    parameters: {temperature: 0.7}
    date: 2024-09-01
validation:
  human_review: {sample_size: 10, reviewers: 1}
"""


def _fingerprints(doc: dict) -> list[tuple[str, str, str]]:
    return sorted(
        (
            r["ruleId"],
            r["partialFingerprints"]["primaryLocationLineHash"],
            r["partialFingerprints"]["synthgovContentHash/v1"],
        )
        for r in doc["runs"][0]["results"]
    )


def _lines(doc: dict) -> list[int]:
    return [
        r["locations"][0]["physicalLocation"]["region"]["startLine"]
        for r in doc["runs"][0]["results"]
    ]


def test_editing_an_unrelated_line_keeps_every_fingerprint(tmp_path: Path, validator) -> None:
    write_tree(tmp_path, {"card.yaml": CARD})
    _, before = sarif(tmp_path)
    assert not list(validator.iter_errors(before))
    prints = _fingerprints(before)
    assert len(prints) >= 4
    # two unpinned uses of the same model at different pointers: distinct fingerprints
    unpinned = [p for p in prints if p[0] == "SG102"]
    assert len(unpinned) == 2 and unpinned[0][1] != unpinned[1][1]

    edited = CARD.replace(
        "metadata:\n",
        "# Support intents, regenerated in September.\n\nmetadata:\n",
    ).replace("  owner: nlp@acme.example\n", "  owner: nlp@acme.example\n  name: Intents\n")
    (tmp_path / "card.yaml").write_text(edited, encoding="utf-8")
    _, after = sarif(tmp_path)
    assert _lines(after) != _lines(before)  # the findings did move...
    assert _fingerprints(after) == prints  # ...and kept their fingerprints

    # changing the offending value itself gives a new fingerprint
    (tmp_path / "card.yaml").write_text(
        edited.replace(
            "  - model: gpt-4o\n    role: paraphraser", "  - model: gpt-4\n    role: paraphraser"
        ),
        encoding="utf-8",
    )
    _, changed = sarif(tmp_path)
    assert _fingerprints(changed) != prints


def test_waived_findings_are_suppressed_results(tmp_path: Path, validator) -> None:
    write_tree(
        tmp_path,
        {
            "card.yaml": (
                "apiVersion: synthgov/v1\nkind: DatasetCard\n"
                "metadata: {id: w, owner: a@b.example}\n"
                "governance:\n  waivers:\n    - rule: SG402\n      reason: steward on leave\n"
                "      approved_by: lead@b.example\n      approved_on: 2026-11-01\n"
                "      expires: 2027-01-01\n"
            )
        },
    )
    text, doc = sarif(tmp_path)
    assert not list(validator.iter_errors(doc))
    waived = [r for r in doc["runs"][0]["results"] if r.get("suppressions")]
    assert [r["ruleId"] for r in waived] == ["SG402"]
    assert waived[0]["suppressions"][0]["kind"] == "inSource"


def test_empty_run_is_valid_sarif(tmp_path: Path, validator) -> None:
    write_tree(tmp_path, {"notes.txt": "nothing governed here\n"})
    _, doc = sarif(tmp_path)
    assert not list(validator.iter_errors(doc))
    assert doc["runs"][0]["results"] == []
    assert doc["runs"][0]["tool"]["driver"]["rules"]  # rules are still described


def test_output_file_is_written_atomically(tmp_path: Path) -> None:
    write_tree(tmp_path, {"card.yaml": CARD})
    out = tmp_path / "reports" / "synthgov.sarif"
    proc = run_cli("check", "--format", "sarif", "--output", str(out), cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == "2.1.0"
    assert sorted(p.name for p in out.parent.iterdir()) == ["synthgov.sarif"]  # no temp file
