"""``synthgov init``: starter files that pass the baseline, and never an overwrite."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from synthgov.scaffold import starter_files
from tests.conftest import run_cli

TARGETS = sorted(starter_files())


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_init_writes_starter_files_that_pass_every_pack(tmp_path: Path) -> None:
    proc = run_cli("init", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(_tree(tmp_path)) == TARGETS
    for rel in TARGETS:
        assert f"wrote {rel}" in proc.stdout
    config = yaml.safe_load((tmp_path / "synthgov.yaml").read_text(encoding="utf-8"))
    assert config["policies"] == ["builtin:baseline"]
    card = yaml.safe_load((tmp_path / "datasets/example/card.yaml").read_text(encoding="utf-8"))
    assert card["kind"] == "DatasetCard" and card["apiVersion"] == "synthgov/v1"
    for policy in ("builtin:baseline", "builtin:strict", "builtin:eu-ai-act"):
        check = run_cli("check", "--policy", policy, cwd=tmp_path)
        assert check.returncode == 0, policy + check.stdout + check.stderr
        assert "1 document(s) checked; 0 error(s), 0 warning(s), 0 info(s)" in check.stdout


def test_the_pre_commit_snippet_is_a_valid_pre_commit_config(tmp_path: Path) -> None:
    assert run_cli("init", cwd=tmp_path).returncode == 0
    config = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = config["repos"][0]["hooks"]
    assert [h["id"] for h in hooks] == ["synthgov"]
    assert hooks[0]["entry"] == "synthgov check --force-exclude"
    # the pre-commit of the environment running the tests (a test dependency)
    pre_commit = str(Path(sys.executable).parent / "pre-commit")
    if not Path(pre_commit).exists():
        pre_commit = shutil.which("pre-commit") or pre_commit
    proc = subprocess.run(
        [pre_commit, "validate-config", ".pre-commit-config.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    "existing",
    [*TARGETS, ".synthgov.yaml"],
)
def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path, existing: str) -> None:
    target = tmp_path / existing
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("mine\n", encoding="utf-8")
    before = _tree(tmp_path)
    proc = run_cli("init", cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert existing in proc.stderr and "nothing was written" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert _tree(tmp_path) == before


def test_init_refuses_when_pyproject_configures_synthgov(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.synthgov]\nfail_on = 'error'\n")
    proc = run_cli("init", cwd=tmp_path)
    assert proc.returncode == 2 and "pyproject.toml" in proc.stderr
    assert sorted(_tree(tmp_path)) == ["pyproject.toml"]
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert run_cli("init", cwd=tmp_path).returncode == 0
