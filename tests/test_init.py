"""``synthgov init``: starter files that pass the baseline, and never an overwrite."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from synthgov.app.scaffold import starter_files
from tests.conftest import run_cli

TARGETS = sorted(starter_files())


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
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
    assert [h["id"] for h in hooks] == ["synthgov", "synthgov-test"]
    assert hooks[0]["entry"] == "synthgov check --staged --force-exclude"
    assert hooks[1]["entry"] == "synthgov test --allow-empty"
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


HF_CARD = """---
license: cc-by-4.0
pretty_name: Support reviews
annotations_creators: [machine-generated]
tags: [synthetic]
---

# Support reviews

Prose of the card stays as it is.
"""


def _existing_repo(root: Path) -> None:
    from tests.conftest import ROOT, write_tree

    croissant = json.loads(
        (ROOT / "tests/corpus/croissant/huggingface-squad_v2.json").read_text(encoding="utf-8")
    )
    croissant["creator"] = {"@type": "Person", "name": "Lab", "email": "lab@uni.example"}
    write_tree(
        root,
        {
            "data/reviews/README.md": HF_CARD,
            "data/flow/README.md": "---\n{license: mit, tags: [synthetic]}\n---\n",
            "data/owned/README.md": HF_CARD.replace(
                "tags:", "synthgov: {metadata: {id: o}}\ntags:"
            ),
            "croissant/squad.json": json.dumps(croissant, indent=1),
            ".github/CODEOWNERS": (
                "# owners\n*  @acme/platform\n/data/reviews/ reviews@acme.example\n"
            ),
        },
    )


def test_init_adopts_an_existing_repository(tmp_path: Path) -> None:
    _existing_repo(tmp_path)
    before = (tmp_path / "data/owned/README.md").read_bytes()
    proc = run_cli("init", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out[0] == "found 4 document(s): 1 croissant, 3 huggingface"
    assert (
        "owner of croissant/squad.json: lab@uni.example (from creator.email in the Croissant file)"
        in out
    )
    assert (
        "owner of data/reviews/README.md: reviews@acme.example (from .github/CODEOWNERS:3)" in out
    )
    assert "owner of data/flow/README.md: @acme/platform (from .github/CODEOWNERS:2)" in out
    assert "added a synthgov: block to data/reviews/README.md" in out
    assert any(x.startswith("left data/flow/README.md as it is: ") for x in out)
    assert "left data/owned/README.md as it is: it has a synthgov: block already" in out
    assert "wrote synthgov.yaml" in out and "wrote .pre-commit-config.yaml" in out
    assert (
        out[-2].startswith("today: ") and "synthgov baseline -o .synthgov-baseline.json" in out[-2]
    )
    # no native example card: the Hugging Face card itself is adopted
    assert not (tmp_path / "datasets").exists()
    card = (tmp_path / "data/reviews/README.md").read_text(encoding="utf-8")
    front = yaml.safe_load(card.split("---\n")[1])
    assert front["synthgov"] == {"metadata": {"id": "reviews", "owner": "reviews@acme.example"}}
    assert front["license"] == "cc-by-4.0" and card.endswith("Prose of the card stays as it is.\n")
    assert (tmp_path / "data/owned/README.md").read_bytes() == before
    config = yaml.safe_load((tmp_path / "synthgov.yaml").read_text(encoding="utf-8"))
    assert config == {"policies": ["builtin:baseline"], "fail_on": "error"}
    # the adopted card now names its owner: no SG401 there
    check = run_cli("check", "--format", "json", cwd=tmp_path)
    rules = {(f["path"], f["rule"]) for f in json.loads(check.stdout)["findings"]}
    assert ("data/reviews/README.md", "SG401") not in rules
    assert ("data/flow/README.md", "SG401") in rules


def test_init_baseline_makes_day_one_green(tmp_path: Path) -> None:
    _existing_repo(tmp_path)
    proc = run_cli("init", "--baseline", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-2].startswith("wrote .synthgov-baseline.json: ")
    config = yaml.safe_load((tmp_path / "synthgov.yaml").read_text(encoding="utf-8"))
    assert config["baseline"] == ".synthgov-baseline.json"
    check = run_cli("check", cwd=tmp_path)
    assert check.returncode == 0, check.stdout
    assert "baselined" in check.stdout
    # a new problem still fails
    (tmp_path / "data/new/README.md").parent.mkdir(parents=True)
    (tmp_path / "data/new/README.md").write_text(HF_CARD, encoding="utf-8")
    assert run_cli("check", cwd=tmp_path).returncode == 1
    # a second init writes nothing over what is there
    again = run_cli("init", cwd=tmp_path)
    assert again.returncode == 0 and "kept synthgov.yaml (init never overwrites)" in again.stdout
