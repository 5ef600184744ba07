"""Baselines: `synthgov baseline` then `check --baseline` reports only new findings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli, write_tree

VIOLATIONS = ROOT / "examples" / "violations"

NO_OWNER = "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata:\n  id: {id}\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the violations example: an existing repository with many findings."""
    target = tmp_path / "repo"
    shutil.copytree(VIOLATIONS, target)
    return target


def test_existing_findings_are_baselined_and_new_ones_reported(repo: Path) -> None:
    before = run_cli("check", "--format", "json", cwd=repo)
    assert before.returncode == 1
    total = len([f for f in json.loads(before.stdout)["findings"] if not f["waived"]])
    assert total > 20

    made = run_cli("baseline", cwd=repo)
    assert made.returncode == 0, made.stderr
    assert f"wrote {total} finding(s) to .synthgov-baseline.json" in made.stdout
    data = json.loads((repo / ".synthgov-baseline.json").read_text(encoding="utf-8"))
    assert len(data["findings"]) == total
    for entry in data["findings"]:
        assert {"rule", "path", "pointer", "value"} <= set(entry)
        assert "line" not in entry and "column" not in entry

    quiet = run_cli("check", "--baseline", ".synthgov-baseline.json", cwd=repo)
    assert quiet.returncode == 0, quiet.stdout
    assert f"{total} baselined" in quiet.stdout.splitlines()[-1]
    as_json = run_cli(
        "check", "--baseline", ".synthgov-baseline.json", "--format", "json", cwd=repo
    )
    payload = json.loads(as_json.stdout)
    assert payload["summary"]["baselined"] == total
    assert [f for f in payload["findings"] if not f["waived"]] == []

    write_tree(repo, {"datasets/new-card/card.yaml": NO_OWNER.format(id="brand-new")})
    new = run_cli("check", "--baseline", ".synthgov-baseline.json", "--format", "json", cwd=repo)
    assert new.returncode == 1
    fresh = [f for f in json.loads(new.stdout)["findings"] if not f["waived"]]
    assert {f["path"] for f in fresh} == {"datasets/new-card/card.yaml"}
    assert "SG401" in {f["rule"] for f in fresh}


def test_unrelated_edits_keep_findings_baselined_but_a_second_violation_is_new(
    tmp_path: Path,
) -> None:
    card = (
        "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata:\n  id: intents\n"
        "composition: {total_rows: 10, synthetic_rows: 10}\n"
        "generation:\n"
        "  - {model: gpt-4o, role: generator, parameters: {t: 1}, date: 2024-01-01}\n"
    )
    write_tree(tmp_path, {"card.yaml": card})
    assert run_cli("baseline", cwd=tmp_path).returncode == 0
    moved = card.replace("metadata:\n", "# a comment\n\n\nmetadata:\n").replace(
        "  id: intents\n", "  id: intents\n  name: Intents, version 2\n"
    )
    (tmp_path / "card.yaml").write_text(moved, encoding="utf-8")
    again = run_cli("check", "--baseline", ".synthgov-baseline.json", cwd=tmp_path)
    assert again.returncode == 0, again.stdout

    # the same rule at a new pointer is a new finding; so is a new offending value
    (tmp_path / "card.yaml").write_text(
        moved + "  - {model: gpt-4o, role: paraphraser, parameters: {t: 1}, date: 2024-01-01}\n",
        encoding="utf-8",
    )
    proc = run_cli(
        "check", "--baseline", ".synthgov-baseline.json", "--format", "json", cwd=tmp_path
    )
    rules = [(f["rule"], f["pointer"]) for f in json.loads(proc.stdout)["findings"]]
    assert ("SG102", "/generation/1/model") in rules
    assert ("SG102", "/generation/0/model") not in rules
    (tmp_path / "card.yaml").write_text(moved.replace("gpt-4o,", "gpt-4,"), encoding="utf-8")
    proc = run_cli(
        "check", "--baseline", ".synthgov-baseline.json", "--format", "json", cwd=tmp_path
    )
    assert ("SG102", "/generation/0/model") in [
        (f["rule"], f["pointer"]) for f in json.loads(proc.stdout)["findings"]
    ]


def test_baseline_paths_are_relative_to_the_baseline_file(tmp_path: Path) -> None:
    write_tree(tmp_path, {"data/a/card.yaml": NO_OWNER.format(id="a")})
    out = tmp_path / "ci" / "baseline.json"
    assert run_cli("baseline", "--output", str(out), cwd=tmp_path).returncode == 0
    paths = {e["path"] for e in json.loads(out.read_text(encoding="utf-8"))["findings"]}
    assert paths == {"../data/a/card.yaml"}
    assert sorted(p.name for p in out.parent.iterdir()) == ["baseline.json"]  # atomic, no temp
    # used from another working directory, it still matches
    proc = run_cli(
        "check", ".", "--baseline", "../../ci/baseline.json", cwd=tmp_path / "data" / "a"
    )
    assert proc.returncode == 0, proc.stdout


def test_config_names_the_baseline(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "synthgov.yaml": "baseline: governance/accepted.json\n",
            "a/card.yaml": NO_OWNER.format(id="a"),
        },
    )
    made = run_cli("baseline", cwd=tmp_path)
    assert made.returncode == 0
    assert (tmp_path / "governance" / "accepted.json").is_file()
    assert run_cli("check", cwd=tmp_path).returncode == 0
    write_tree(tmp_path, {"b/card.yaml": NO_OWNER.format(id="b")})
    assert run_cli("check", cwd=tmp_path).returncode == 1


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "not found"),
        ("{not json", "not valid JSON"),
        ('{"version": 7, "findings": []}', "not a synthgov baseline"),
        ('{"version": 1, "findings": [{"rule": "SG401"}]}', "entry 0"),
    ],
)
def test_a_bad_baseline_is_a_one_line_error(
    tmp_path: Path, content: str | None, reason: str
) -> None:
    write_tree(tmp_path, {"card.yaml": NO_OWNER.format(id="a")})
    if content is not None:
        (tmp_path / "b.json").write_text(content, encoding="utf-8")
    proc = run_cli("check", "--baseline", "b.json", cwd=tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("synthgov: error: b.json") and reason in lines[0]


@pytest.mark.slow
def test_same_findings_give_the_same_baseline_bytes(tmp_path: Path) -> None:
    shutil.copytree(VIOLATIONS, tmp_path / "r")
    for name in ("one.json", "two.json"):
        assert run_cli("baseline", "-o", name, cwd=tmp_path / "r").returncode == 0
    assert (tmp_path / "r" / "one.json").read_bytes() == (tmp_path / "r" / "two.json").read_bytes()


@pytest.mark.slow
def test_an_edited_baseline_is_not_served_from_the_result_cache(tmp_path: Path) -> None:
    """The baseline file is an input of the run even when it lies outside the checked paths."""
    write_tree(tmp_path, {"cards/a/card.yaml": NO_OWNER.format(id="a")})
    env = {"SYNTHGOV_CACHE_DIR": str(tmp_path / "cache")}
    args = ("check", "cards", "--baseline", "ci/b.json")
    assert run_cli("baseline", "cards", "-o", "ci/b.json", cwd=tmp_path, env=env).returncode == 0
    assert run_cli(*args, cwd=tmp_path, env=env).returncode == 0
    assert run_cli(*args, cwd=tmp_path, env=env).returncode == 0  # served from the cache
    (tmp_path / "ci" / "b.json").write_text('{"version": 1, "findings": []}', encoding="utf-8")
    proc = run_cli(*args, cwd=tmp_path, env=env)
    assert proc.returncode == 1 and "SG401" in proc.stdout
