"""Discovery: .gitignore through git ls-files, include/exclude, context for named files."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import git, run_cli, write_tree

CARD = "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {{id: {id}, owner: a@b.example}}\n"


def _paths(proc) -> set[str]:  # type: ignore[no-untyped-def]
    return {f["path"] for f in json.loads(proc.stdout)["findings"]}


def test_gitignore_is_honoured(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".gitignore": "build/\n",
            "a/card.yaml": CARD.format(id="a") + "x-typo-not-allowed: 1\nbad: 1\n",
            "build/card.yaml": CARD.format(id="b") + "bad: 1\n",
        },
    )
    git(tmp_path, "init", "-q")
    proc = run_cli("check", "--format", "json", "--select", "SG002", cwd=tmp_path)
    assert _paths(proc) == {"a/card.yaml"}


def test_include_and_exclude(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "synthgov.yaml": "include: ['datasets/**']\nexclude: ['datasets/old/*']\n",
            "datasets/new/card.yaml": CARD.format(id="n") + "bad: 1\n",
            "datasets/old/card.yaml": CARD.format(id="o") + "bad: 1\n",
            "elsewhere/card.yaml": CARD.format(id="e") + "bad: 1\n",
        },
    )
    proc = run_cli("check", "--format", "json", "--select", "SG002", cwd=tmp_path)
    assert _paths(proc) == {"datasets/new/card.yaml"}


def test_named_file_gets_repository_context(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "seed/card.yaml": CARD.format(id="seed"),
            "derived/card.yaml": CARD.format(id="derived") + "sources: [{dataset: seed}]\n",
        },
    )
    git(tmp_path, "init", "-q")
    proc = run_cli("check", "--format", "json", "derived/card.yaml", cwd=tmp_path)
    data = json.loads(proc.stdout)
    assert [f for f in data["findings"] if f["rule"] == "SG004"] == []
    assert data["summary"]["documents"] == 1
    assert _paths(proc) <= {"derived/card.yaml"}


def test_python_dash_m_runs(tmp_path: Path) -> None:
    write_tree(tmp_path, {"card.yaml": CARD.format(id="x")})
    proc = run_cli("check", "--select", "SG00", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
