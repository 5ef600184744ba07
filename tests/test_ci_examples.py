"""The ready-made CI files in examples/ci/: their YAML, their steps, and their scripts run for
real against a pull-request-like git repository (synthgov from this checkout on PATH)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, TODAY, write_tree

CI = ROOT / "examples" / "ci"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "synthgov tests",
    "GIT_AUTHOR_EMAIL": "tests@synthgov.example",
    "GIT_COMMITTER_NAME": "synthgov tests",
    "GIT_COMMITTER_EMAIL": "tests@synthgov.example",
}


def _load(name: str) -> Any:
    return yaml.safe_load((CI / name).read_text(encoding="utf-8"))


def _workflow_steps() -> list[dict[str, Any]]:
    workflow = _load("github-workflow.yml")
    (job,) = workflow["jobs"].values()
    return job["steps"]


def test_github_workflow_shape() -> None:
    workflow = _load("github-workflow.yml")
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers and "push" in triggers
    assert workflow["permissions"]["security-events"] == "write"
    assert workflow["permissions"]["contents"] == "read"
    steps = _workflow_steps()
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # diff mode needs the merge base
    runs = [s for s in steps if "synthgov check" in s.get("run", "")]
    gate = next(s for s in runs if "--diff-base" in s["run"])
    assert gate["if"] == "github.event_name == 'pull_request'"
    assert '--diff-base "origin/$BASE_REF"' in gate["run"]
    assert '--policy-from-ref "origin/$BASE_REF"' in gate["run"]
    assert gate["env"]["BASE_REF"] == "${{ github.base_ref }}"
    assert "--format" not in gate["run"]  # default output: annotations + job summary
    sarif = next(s for s in runs if "--format sarif" in s["run"])
    upload = next(s for s in steps if "codeql-action/upload-sarif@" in s.get("uses", ""))
    assert f"--output {upload['with']['sarif_file']}" in sarif["run"]
    assert sarif["if"] == "always()" and upload["if"].startswith("always()")
    for step in steps:  # untrusted values reach scripts through env, never spliced in
        assert "${{" not in step.get("run", ""), step
    install = next(s for s in steps if s.get("name") == "Install synthgov")
    assert install["env"] == {"SYNTHGOV_PACKAGE": "${{ vars.SYNTHGOV_PACKAGE }}"}
    assert install["run"] == INSTALL_LINE


def test_gitlab_job_shape() -> None:
    config = _load("gitlab-ci.yml")
    job = config["synthgov"]
    assert job["variables"]["GIT_DEPTH"] == "0"
    script = "\n".join(job["script"])
    assert '--diff-base "origin/$target"' in script
    assert '--policy-from-ref "origin/$target"' in script
    report = job["artifacts"]["reports"]["junit"]
    assert f"--format junit --output {report}" in script
    assert job["artifacts"]["when"] == "always"
    assert job["before_script"] == [INSTALL_LINE]
    assert "SYNTHGOV_PACKAGE" not in job.get("variables", {})  # the project's CI/CD variable


# ----------------------------------------------- installing synthgov: one variable, set once


def _documented_install_line() -> str:
    """The install step as docs/ci.md shows it (the block after its SYNTHGOV_PACKAGE title)."""
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    section = text.split("## Installing synthgov in CI", 1)[1]
    return section.split("```text\n", 1)[1].split("\n```", 1)[0]


INSTALL_LINE = _documented_install_line()
UNSET_LINE = "SYNTHGOV_PACKAGE: set SYNTHGOV_PACKAGE to what pip installs as synthgov (docs/ci.md)"


def test_the_documented_install_line_names_only_the_variable() -> None:
    assert INSTALL_LINE.startswith('python -m pip install "${SYNTHGOV_PACKAGE:?')
    assert "synthgov==" not in INSTALL_LINE and "git+" not in INSTALL_LINE
    assert f"(`{UNSET_LINE}`)" in (ROOT / "docs" / "ci.md").read_text(encoding="utf-8").replace(
        "\n", " "
    )


@pytest.mark.parametrize("value", [None, ""])
def test_install_step_fails_with_one_line_when_the_variable_is_unset(
    value: str | None, tmp_path: Path
) -> None:
    env = {} if value is None else {"SYNTHGOV_PACKAGE": value}
    proc = _run_script(INSTALL_LINE, tmp_path, env, unset=() if env else ("SYNTHGOV_PACKAGE",))
    assert proc.returncode != 0 and proc.stdout == ""
    (line,) = proc.stderr.splitlines()
    assert line.endswith(UNSET_LINE), line  # bash prefixes its name and line number


@pytest.mark.slow  # pip builds the checkout's metadata: about 3 s
def test_install_step_resolves_a_checkout_path(tmp_path: Path) -> None:
    from synthgov import __version__

    # the documented line, with pip told to resolve only (nothing is installed)
    script = INSTALL_LINE.replace("pip install ", "pip install --no-deps --dry-run ", 1)
    assert script != INSTALL_LINE
    proc = _run_script(script, tmp_path, {"SYNTHGOV_PACKAGE": str(ROOT)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"Would install synthgov-{__version__}" in proc.stdout


# --------------------------------------------------------------- the scripts, run for real


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """origin (main: a compliant repository) cloned; a feature branch breaks one card."""

    def git(cwd: Path, *args: str) -> None:
        subprocess.run(
            ["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, check=True, capture_output=True
        )

    origin = tmp_path / "origin"
    shutil.copytree(ROOT / "examples" / "acme", origin)
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "compliant")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", str(origin), str(work))
    git(work, "checkout", "-q", "-b", "feature")
    write_tree(
        work,
        {
            "datasets/new/card.yaml": (
                "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata:\n  id: n\n"
            )
        },
    )
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "a card without owner")
    return work


def _run_script(
    script: str, cwd: Path, env: dict[str, str], unset: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    full = {**os.environ, **GIT_ENV, "PATH": path, "SYNTHGOV_TODAY": TODAY, **env}
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", *unset):
        full.pop(name, None)
    full.update(env)
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=cwd,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_github_workflow_steps_run(pull_request: Path) -> None:
    assert shutil.which("synthgov", path=str(Path(sys.executable).parent))
    summary = pull_request.parent / "step-summary.md"
    summary.write_text("", encoding="utf-8")
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "BASE_REF": "main",
    }
    steps = [s for s in _workflow_steps() if "synthgov check" in s.get("run", "")]
    gate = next(s for s in steps if s.get("if") == "github.event_name == 'pull_request'")
    proc = _run_script(gate["run"], pull_request, env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "datasets/new/card.yaml:3:1: SG401 [error]" in proc.stdout
    assert "::error file=datasets/new/card.yaml,line=3,col=1,title=SG401" in proc.stdout
    assert "tickets-2024" not in proc.stdout  # unchanged cards are not reported
    assert "## synthgov report" in summary.read_text(encoding="utf-8")

    sarif_step = next(s for s in steps if "--format sarif" in s["run"])
    proc = _run_script(sarif_step["run"], pull_request, env)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # findings do not fail this step
    report = json.loads((pull_request / "synthgov.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in report["runs"][0]["results"]].count("SG401") == 1

    # a broken policy still fails the SARIF step: exit 2 is not swallowed like exit 1
    (pull_request / "synthgov.yaml").write_text("policies: [builtin:nope]\n", encoding="utf-8")
    broken = _run_script(sarif_step["run"], pull_request, {**env, "BASE_REF": ""})
    assert broken.returncode != 0 and "builtin:nope" in broken.stderr


@pytest.mark.slow
def test_gitlab_script_runs(pull_request: Path) -> None:
    job = _load("gitlab-ci.yml")["synthgov"]
    script = "\n".join(job["script"])
    env = {"CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}
    proc = _run_script(script, pull_request, env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "datasets/new/card.yaml:3:1: SG401 [error]" in proc.stdout
    root = ET.parse(pull_request / job["artifacts"]["reports"]["junit"]).getroot()
    failures = root.findall(".//failure")
    assert failures and all("new/card.yaml" in (f.text or "") for f in failures)
