from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Everything the tests read lives in this repository: a user's clone has nothing beside it.
CORPUS = ROOT / "tests" / "corpus"
SARIF_SCHEMA = ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json"
SPEC_RULE_CATALOG = ROOT / "tests" / "fixtures" / "spec-rule-catalog.md"
TODAY = "2026-11-25"

_PLACEHOLDER = re.compile(r"\{\{(sha256|size):([^}]+)\}\}")


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNTHGOV_TODAY", TODAY)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def write_tree(root: Path, files: dict[str, str | bytes]) -> None:
    """Write files; ``{{sha256:rel}}`` / ``{{size:rel}}`` in text are replaced by the real
    values of another file of the tree (data files are written first)."""
    plain = {k: v for k, v in files.items() if isinstance(v, bytes) or "{{" not in v}
    templated = {k: v for k, v in files.items() if k not in plain}
    for rel, content in plain.items():
        _write(root / rel, content)
    for rel, content in templated.items():
        assert isinstance(content, str)

        def sub(match: re.Match[str]) -> str:
            data = (root / match.group(2)).read_bytes()
            if match.group(1) == "sha256":
                return hashlib.sha256(data).hexdigest()
            return str(len(data))

        _write(root / rel, _PLACEHOLDER.sub(sub, content))


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def run_cli(
    *args: str,
    cwd: Path | str | None = None,
    env: dict[str, str] | None = None,
    input: str | None = None,
    timeout: float = 120,
    process: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run ``synthgov ARGS`` in ``cwd`` and return what a process would: exit code, stdout,
    stderr. In this process by default (the edit loop pays no interpreter start-up per call);
    ``process=True`` starts ``python -m synthgov`` for what only a process shows (start-up
    imports, fast exit, signals). A ``PYTHON*`` variable in ``env`` (``PYTHONPATH`` to reach a
    plugin, a shim module) only takes effect in a new interpreter, so it starts a process too.
    ``SYNTHGOV_TEST_PROCESS=1`` runs every call as a process."""
    full_env = {**os.environ, "SYNTHGOV_TODAY": TODAY, "NO_COLOR": "1"}
    full_env.pop("GITHUB_ACTIONS", None)
    full_env.pop("GITHUB_STEP_SUMMARY", None)
    if env:
        full_env.update(env)
    fresh_interpreter = any(k.startswith("PYTHON") for k in env or {})
    if process or fresh_interpreter or os.environ.get("SYNTHGOV_TEST_PROCESS"):
        return subprocess.run(
            [sys.executable, "-m", "synthgov", *args],
            cwd=str(cwd or ROOT),
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            input=input,
        )
    return _run_in_process(list(args), Path(cwd or ROOT), full_env, input)


def _run_in_process(
    args: list[str], cwd: Path, env: dict[str, str], input: str | None
) -> subprocess.CompletedProcess[str]:
    import traceback

    from click.testing import CliRunner

    from synthgov.cli.main import main

    changes: dict[str, str | None] = {k: v for k, v in env.items() if os.environ.get(k) != v}
    changes.update({k: None for k in os.environ if k not in env})
    before = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(
            main, args, env=changes, input=input, prog_name="synthgov", catch_exceptions=True
        )
    finally:
        os.chdir(before)
    stderr = result.stderr
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # what the interpreter prints for an uncaught exception, exit code 1
        assert result.exc_info is not None
        stderr += "".join(traceback.format_exception(*result.exc_info))
        code = 1
    return subprocess.CompletedProcess(["synthgov", *args], code, result.stdout, stderr)


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` with a fixed identity (commits need one); its standard output."""

    proc = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return proc.stdout


def imported_modules(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, runs: int = 1
) -> set[str]:
    """The modules that ``python -m synthgov ARGS`` imports (``-X importtime``), as seen in
    the last of ``runs`` runs (a second run has the start-up snapshots of the first)."""

    full_env = {**os.environ, "SYNTHGOV_TODAY": TODAY, **(env or {})}
    modules: set[str] = set()
    for _ in range(runs):
        proc = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "synthgov", *args],
            cwd=cwd,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        modules = {
            line.rsplit("|", 1)[1].strip()
            for line in proc.stderr.splitlines()
            if line.startswith("import time:") and "|" in line
        }
        assert modules, proc.stderr
    return modules
