"""Data-driven rule tests: every tests/rule_cases/*.yaml file holds cases for one rule.

A case writes a small repository (``files``), runs a check over it in-process, and compares
the findings of the rule with ``expect`` (a list of ``{file, line}``; empty means the rule
must not fire). ``policy`` optionally gives a policy file's text, ``config`` a synthgov.yaml.
``git_base`` (diff-mode rules) is a tree committed to a fresh git repository first; ``files``
are then written over it and the check runs with ``--diff-base HEAD``. ``verify: true``
(data rules SG5xx) measures the data files as ``synthgov verify`` does (real DuckDB).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from synthgov.app.check.runner import CheckOptions, prepare, run_check
from tests.conftest import write_tree

CASES_DIR = Path(__file__).parent / "rule_cases"


class _NoDates(yaml.SafeLoader):
    pass


_NoDates.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        spec = yaml.load(path.read_text(encoding="utf-8"), Loader=_NoDates)  # noqa: S506
        for case in spec["cases"]:
            params.append(pytest.param(spec["rule"], case, id=f"{spec['rule']}-{case['name']}"))
    return params


def run_case(tmp_path: Path, case: dict[str, Any]) -> list[Any]:
    diff_base = None
    if "git_base" in case:  # diff-mode rules: commit git_base, write files on top, diff to HEAD
        write_tree(tmp_path, dict(case["git_base"]))
        _commit_all(tmp_path)
        diff_base = "HEAD"
    files = dict(case["files"])
    if "config" in case:
        files["synthgov.yaml"] = case["config"]
    write_tree(tmp_path, files)
    verify = bool(case.get("verify", False))
    options = CheckOptions(
        paths=(),
        cwd=str(tmp_path),
        select=(),
        diff_base=diff_base,
        verify_data=verify,
        use_cache=not verify,  # measures go to a temporary folder, not the user's cache
    )
    setup = prepare(options)
    return list(run_check(options, setup).report.findings)


def _commit_all(root: Path) -> None:
    import subprocess

    ident = ["-c", "user.name=synthgov tests", "-c", "user.email=tests@synthgov.example"]
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        [*ident, "commit", "-q", "-m", "base"],
    ):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.mark.parametrize(("rule", "case"), _load_cases())
def test_rule_case(tmp_path: Path, rule: str, case: dict[str, Any]) -> None:
    findings = run_case(tmp_path, case)
    got = sorted((f.path, f.line) for f in findings if f.rule == rule)
    want = sorted((e["file"], e["line"]) for e in case.get("expect", []))
    assert got == want, "\n".join(f"{f.path}:{f.line} {f.rule} {f.message}" for f in findings)
    for entry in case.get("expect", []):
        if "message" in entry:
            messages = [f.message for f in findings if f.rule == rule]
            assert any(entry["message"] in m for m in messages), messages
    if "waived" in case:
        waived = sorted((f.rule, f.path, f.line) for f in findings if f.waived)
        assert waived == sorted((e["rule"], e["file"], e["line"]) for e in case["waived"])


def test_every_rule_has_cases() -> None:
    from synthgov.plugins.manager import load_registry

    covered = {p.values[0] for p in _load_cases()}
    missing = sorted(set(load_registry(entry_points=False).rules) - covered)
    assert not missing, f"rules without data-driven cases: {missing}"


def test_every_rule_fires_and_stays_quiet() -> None:
    fires: set[str] = set()
    quiet: set[str] = set()
    for p in _load_cases():
        rule, case = p.values
        (fires if case.get("expect") else quiet).add(rule)
    rules = {p.values[0] for p in _load_cases()}
    assert rules <= fires, f"no firing case: {sorted(rules - fires)}"
    assert rules <= quiet, f"no quiet case: {sorted(rules - quiet)}"
