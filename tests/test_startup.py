"""Start-up stays light: `--version` and a single-card check import nothing heavy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TODAY

CARD = (
    "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: one, owner: a@b.example}\n"
    "composition: {total_rows: 10, synthetic_rows: 10}\n"
    "generation: [{model: gpt-4o-2024-08-06, role: generator}]\n"
)
HEAVY = ("git", "jsonschema", "celpy", "referencing", "hypothesis", "rich")


def _imported(args: list[str], cwd: Path) -> set[str]:
    env = {**os.environ, "SYNTHGOV_TODAY": TODAY}
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "synthgov", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    modules = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            modules.add(line.rsplit("|", 1)[1].strip())
    assert modules, proc.stderr
    return modules


def test_version_imports_only_click(tmp_path: Path) -> None:
    modules = _imported(["--version"], tmp_path)
    for heavy in (*HEAVY, "pluggy", "yaml", "jsonschema_rs"):
        assert heavy not in modules, f"--version imported {heavy}"


@pytest.mark.parametrize("in_git", [False, True], ids=["plain-dir", "git-work-tree"])
def test_single_card_check_imports_nothing_heavy(tmp_path: Path, in_git: bool) -> None:
    # the pre-commit case runs inside a git work tree: discovery (git ls-files) and the
    # repository context must not pull GitPython in either
    (tmp_path / "card.yaml").write_text(CARD)
    if in_git:
        subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True, capture_output=True)
        subprocess.run(["git", "add", "card.yaml"], cwd=tmp_path, check=True)
    modules = _imported(["check", "card.yaml"], tmp_path)
    for heavy in HEAVY:
        assert heavy not in modules, f"a single-card check imported {heavy}"
    assert not any(m.startswith(("git.", "gitdb", "smmap")) for m in modules), "GitPython"
    assert "synthgov.gitdiff" not in modules
    assert "synthgov.engine" in modules  # the measurement saw the real run
