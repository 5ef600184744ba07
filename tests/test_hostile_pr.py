"""A hostile pull request against the documented gate (docs/ci.md, docs/security.md).

Each test builds a base branch and a pull-request branch in a real git repository (a tmp
folder), then runs the gate command of the CI examples in a real subprocess::

    synthgov check --diff-base main --policy-from-ref main

The pull request breaks a card (a finding the base policy makes an error) and tries one way
to talk the gate out of it. The gate must still fail (exit 1), or stop (exit 2) with one clear
line, and must never run code the pull request wrote or that the repository configures.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import TODAY, run_cli, write_tree

GIT_ENV = {
    "GIT_AUTHOR_NAME": "base author",
    "GIT_AUTHOR_EMAIL": "base@acme.example",
    "GIT_COMMITTER_NAME": "base author",
    "GIT_COMMITTER_EMAIL": "base@acme.example",
    "GIT_CONFIG_NOSYSTEM": "1",
}
GATE = ("check", "--diff-base", "main", "--policy-from-ref", "main", "--no-cache")

STRICT_POLICY = (
    "apiVersion: synthgov/v1\nkind: Policy\nmetadata: {name: org}\n"
    "extends: [builtin:baseline]\nrules:\n  SG402: error\n"
)
LAX_POLICY = (  # a fixture of the base branch's own policy tests: everything off
    "apiVersion: synthgov/v1\nkind: Policy\nmetadata: {name: lax}\n"
    "rules:\n  SG401: off\n  SG402: off\n"
)


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args],
        cwd=root,
        env={**os.environ, **GIT_ENV, "HOME": str(root)},
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout


def card(ds_id: str, *, owner: bool = True, governance: bool = True, waivers: str = "") -> str:
    text = f"apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata:\n  id: {ds_id}\n"
    if owner:
        text += "  owner: data@acme.example\n"
    if governance:
        text += (
            "governance:\n  approvals: [{by: j@acme.example, role: data-steward, "
            "date: 2024-01-01}]\n"
        )
        if waivers:
            text += f"  waivers:\n{waivers}"
    return text


def waiver(rule: str, by: str, on: str = "2026-11-01", expires: str = "2027-01-15") -> str:
    return (
        f"    - rule: {rule}\n      reason: accepted for this quarter\n"
        f"      approved_by: {by}\n      approved_on: {on}\n      expires: {expires}\n"
    )


def base_repo(root: Path, files: dict[str, str]) -> Path:
    """A repository whose main branch holds ``files``, with a branch ``pr`` checked out."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write_tree(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "pr")
    return root


def commit_pr(root: Path, message: str = "pull request") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def gate(root: Path, *extra: str, env: dict[str, str] | None = None, process: bool = False):
    return run_cli(*GATE, "--format", "json", *extra, cwd=root, env=env, process=process)


def rules_of(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return sorted(f["rule"] for f in json.loads(proc.stdout)["findings"] if not f["waived"])


STRICT_BASE = {
    "synthgov.yaml": "policies: [./policy/org.yaml]\n",
    "policy/org.yaml": STRICT_POLICY,
    "policy-tests/lax.yaml": LAX_POLICY,
    "policy-tests/org.yaml": LAX_POLICY,
    "cards/a/card.yaml": card("a"),
}


def break_card(root: Path) -> None:
    """The pull request's real change: a card without governance (SG402, an error here)."""
    (root / "cards/a/card.yaml").write_text(card("a", governance=False), encoding="utf-8")


# --------------------------------------------------------------------------- symlinks


def _symlink(link: Path, target: str | Path) -> None:
    if link.is_dir() and not link.is_symlink():
        import shutil

        shutil.rmtree(link)
    elif link.exists() or link.is_symlink():
        link.unlink()
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, link)


def test_the_gate_fails_a_broken_card_without_tricks(tmp_path: Path) -> None:
    root = base_repo(tmp_path / "repo", STRICT_BASE)
    break_card(root)
    commit_pr(root)
    proc = gate(root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "SG402" in rules_of(proc)


@pytest.mark.parametrize(
    "attack",
    [
        "config-to-empty-file-outside",
        "policy-file-to-lax-policy-of-the-base",
        "policy-folder-to-policy-tests",
        "config-to-lax-config-outside",
    ],
)
def test_a_symlink_in_the_pull_request_cannot_redirect_config_or_policy(
    tmp_path: Path, attack: str
) -> None:
    root = base_repo(tmp_path / "repo", STRICT_BASE)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "empty.yaml").write_text("", encoding="utf-8")
    # the lax policy that the base keeps for its own policy tests
    (outside / "lax.yaml").write_text("policies: [./policy-tests/lax.yaml]\n", encoding="utf-8")
    break_card(root)
    if attack == "config-to-empty-file-outside":
        _symlink(root / "synthgov.yaml", outside / "empty.yaml")
    elif attack == "policy-file-to-lax-policy-of-the-base":
        _symlink(root / "policy/org.yaml", "../policy-tests/lax.yaml")
    elif attack == "policy-folder-to-policy-tests":
        _symlink(root / "policy", "policy-tests")  # policy-tests/org.yaml is lax at the base
    else:
        _symlink(root / "synthgov.yaml", outside / "lax.yaml")
    commit_pr(root, f"symlink attack: {attack}")
    proc = gate(root)
    assert proc.returncode == 1, (attack, proc.stdout, proc.stderr)
    assert "SG402" in rules_of(proc)


def test_a_symlinked_pyproject_cannot_replace_the_tool_table(tmp_path: Path) -> None:
    root = base_repo(
        tmp_path / "repo",
        {
            "pyproject.toml": '[project]\nname = "x"\n\n[tool.synthgov]\nfail_on = "warning"\n',
            "cards/a/card.yaml": card("a"),
        },
    )
    outside = tmp_path / "outside.toml"
    outside.write_text('[tool.synthgov]\nfail_on = "error"\n', encoding="utf-8")
    break_card(root)  # SG402 is a warning by default; the base fails on warnings
    _symlink(root / "pyproject.toml", outside)
    commit_pr(root)
    proc = gate(root)
    assert proc.returncode == 1, proc.stdout + proc.stderr


def test_a_symlinked_baseline_cannot_swallow_new_findings(tmp_path: Path) -> None:
    root = base_repo(
        tmp_path / "repo",
        {**STRICT_BASE, "synthgov.yaml": STRICT_BASE["synthgov.yaml"] + "baseline: base.json\n"},
    )
    proc = run_cli("baseline", "--output", "base.json", cwd=root)
    assert proc.returncode == 0, proc.stderr
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "empty baseline")
    git(root, "branch", "-f", "main", "HEAD")
    break_card(root)
    forged = tmp_path / "forged.json"
    proc = run_cli("baseline", "--output", "forged.json", cwd=root)  # lists the new finding
    assert proc.returncode == 0, proc.stderr
    (root / "forged.json").rename(forged)  # entry paths are relative to base.json's folder
    _symlink(root / "base.json", forged)
    commit_pr(root)
    proc = gate(root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "SG402" in rules_of(proc)


def test_a_symlink_at_the_base_is_followed_inside_the_tree(tmp_path: Path) -> None:
    """Not a bypass: the base itself keeps its config behind a symlink inside the tree."""
    root = tmp_path / "repo"
    root.mkdir()
    write_tree(root, {"config/synthgov.yaml": "policies: [./policy/org.yaml]\n"})
    os.symlink("config/synthgov.yaml", root / "synthgov.yaml")
    base_repo(root, {k: v for k, v in STRICT_BASE.items() if k != "synthgov.yaml"})
    break_card(root)
    commit_pr(root)
    proc = gate(root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "SG402" in rules_of(proc)


def test_a_symlink_at_the_base_that_leaves_the_tree_stops_the_gate(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    os.symlink("../outside.yaml", root / "synthgov.yaml")
    (tmp_path / "outside.yaml").write_text("policies: [builtin:baseline]\n", encoding="utf-8")
    base_repo(root, {"cards/a/card.yaml": card("a")})
    proc = gate(root)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith("synthgov: error: ")
    assert "leaves the repository" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- plugins

EVIL_PLUGIN = (
    "import pathlib\n"
    "pathlib.Path(__file__).with_name('PWNED').write_text('imported')\n"
    "def synthgov_register_rules():\n    return []\n"
)


def test_a_policy_error_never_imports_the_pull_requests_plugins(tmp_path: Path) -> None:
    """The base's policy fails (it names a rule no installed plugin has); printing why must
    not import the plugin the pull request names in its own config."""
    root = base_repo(
        tmp_path / "repo",
        {
            "synthgov.yaml": "policies: [./policy/org.yaml]\n",
            "policy/org.yaml": STRICT_POLICY + "  ACME001: error\n",
            "cards/a/card.yaml": card("a"),
        },
    )
    write_tree(
        root,
        {"synthgov.yaml": "policies: [./policy/org.yaml]\nplugins: [evil_plugin]\n"},
    )
    (root / "evil_plugin.py").write_text(EVIL_PLUGIN, encoding="utf-8")
    commit_pr(root)
    proc = gate(root, process=True)  # a fresh interpreter: nothing imported before
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "ACME001" in proc.stderr
    assert not (root / "PWNED").exists(), "the gate imported the pull request's plugin"


def test_a_plugin_of_the_base_config_is_never_imported_from_the_work_tree(tmp_path: Path) -> None:
    """The base names a plugin module; the pull request plants a module of that name."""
    root = base_repo(
        tmp_path / "repo",
        {
            "synthgov.yaml": "policies: [builtin:baseline]\nplugins: [acme_rules]\n",
            "cards/a/card.yaml": card("a"),
        },
    )
    (root / "acme_rules.py").write_text(EVIL_PLUGIN, encoding="utf-8")
    commit_pr(root)
    proc = gate(root, process=True)  # a fresh interpreter: nothing imported before
    assert not (root / "PWNED").exists(), "the gate imported a module the pull request wrote"
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "working tree" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_plugin_installed_outside_the_work_tree_still_loads_in_the_gate(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "acme_rules.py").write_text(
        "import pathlib\n"
        "from synthgov.core.markers import hookimpl\n"
        "pathlib.Path(__file__).with_name('LOADED').write_text('yes')\n"
        "@hookimpl\n"
        "def synthgov_register_rules():\n    return []\n",
        encoding="utf-8",
    )
    root = base_repo(
        tmp_path / "repo",
        {
            "synthgov.yaml": "policies: [builtin:baseline]\nplugins: [acme_rules]\n",
            "cards/a/card.yaml": card("a"),
        },
    )
    break_card(root)
    commit_pr(root)
    proc = gate(root, env={"PYTHONPATH": str(site)})
    assert proc.returncode == 0, proc.stdout + proc.stderr  # SG402 is a warning here
    assert (site / "LOADED").exists()
    assert "warning" not in proc.stderr


# --------------------------------------------------------------------------- waivers

OWNERLESS_WAIVED = {"cards/a/card.yaml": card("a")}


def test_a_pull_request_cannot_approve_its_own_waiver(tmp_path: Path) -> None:
    root = base_repo(tmp_path / "repo", OWNERLESS_WAIVED)
    (root / "cards/a/card.yaml").write_text(
        card("a", owner=False, waivers=waiver("SG401", "me@attacker.example")), encoding="utf-8"
    )
    commit_pr(root)
    proc = gate(root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    assert [f["rule"] for f in findings if not f["waived"]] == ["SG401", "SG403"]
    sg403 = next(f for f in findings if f["rule"] == "SG403")
    assert "new or changed in this change" in sg403["message"]
    assert "me@attacker.example" in sg403["message"]


def test_a_waiver_of_the_base_still_applies_and_an_edited_one_does_not(tmp_path: Path) -> None:
    root = base_repo(
        tmp_path / "repo",
        {"cards/a/card.yaml": card("a", owner=False, waivers=waiver("SG401", "j@acme.example"))},
    )
    (root / "cards/a/card.yaml").write_text(  # an unrelated edit: the waiver is unchanged
        card("a", owner=False, waivers=waiver("SG401", "j@acme.example")) + "x-note: hi\n",
        encoding="utf-8",
    )
    commit_pr(root, "unrelated edit")
    proc = gate(root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # stretching the expiry is a change: the waiver must be approved again
    (root / "cards/a/card.yaml").write_text(
        card("a", owner=False, waivers=waiver("SG401", "j@acme.example", expires="2027-04-30")),
        encoding="utf-8",
    )
    commit_pr(root, "stretch the waiver")
    proc = gate(root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert rules_of(proc) == ["SG401", "SG403"]


def test_the_base_policys_approvers_allow_a_new_waiver(tmp_path: Path) -> None:
    policy = (
        "apiVersion: synthgov/v1\nkind: Policy\nmetadata: {name: org}\n"
        "extends: [builtin:baseline]\n"
        "settings:\n  waivers:\n    approvers: ['*@security.acme.example', lead@acme.example]\n"
    )
    root = base_repo(
        tmp_path / "repo",
        {
            "synthgov.yaml": "policies: [./policy/org.yaml]\n",
            "policy/org.yaml": policy,
            "cards/a/card.yaml": card("a"),
        },
    )
    for who, code in (("Ann@Security.acme.example", 0), ("me@attacker.example", 1)):
        (root / "cards/a/card.yaml").write_text(
            card("a", owner=False, waivers=waiver("SG401", who)), encoding="utf-8"
        )
        commit_pr(root, f"waiver by {who}")
        proc = gate(root)
        assert proc.returncode == code, (who, proc.stdout, proc.stderr)
    # the pull request cannot add itself to the approvers: the policy comes from the base
    (root / "policy/org.yaml").write_text(
        policy.replace("lead@acme.example", "me@attacker.example"), encoding="utf-8"
    )
    commit_pr(root, "approve myself")
    proc = gate(root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "SG403" in rules_of(proc)


def test_an_approval_date_in_the_future_is_invalid_in_every_mode(tmp_path: Path) -> None:
    root = base_repo(tmp_path / "repo", OWNERLESS_WAIVED)
    (root / "cards/a/card.yaml").write_text(
        card("a", owner=False, waivers=waiver("SG401", "j@acme.example", on="2099-01-01",
                                              expires="2099-06-01")),
        encoding="utf-8",
    )  # fmt: skip
    commit_pr(root)
    for args in ((*GATE, "--format", "json"), ("check", "--no-cache", "--format", "json")):
        proc = run_cli(*args, cwd=root)
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        sg403 = [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "SG403"]
        assert sg403 and f"after today ({TODAY})" in sg403[0]["message"], proc.stdout


# --------------------------------------------------------------------------- git config


def _marking_repo(tmp_path: Path) -> tuple[Path, Path]:
    """A repository whose configuration runs programs: an fsmonitor and an index hook."""
    root = base_repo(tmp_path / "repo", STRICT_BASE)
    marks = tmp_path / "marks"
    marks.mkdir()
    script = tmp_path / "fsmonitor.sh"
    script.write_text(f"#!/bin/sh\ntouch '{marks}/fsmonitor'\nexit 1\n", encoding="utf-8")
    script.chmod(0o755)
    git(root, "config", "core.fsmonitor", str(script))
    hook = root / ".git" / "hooks" / "post-index-change"
    hook.parent.mkdir(exist_ok=True)
    hook.write_text(f"#!/bin/sh\ntouch '{marks}/hook'\n", encoding="utf-8")
    hook.chmod(0o755)
    return root, marks


def test_git_never_runs_the_repositorys_fsmonitor_or_hooks_in_the_gate(tmp_path: Path) -> None:
    root, marks = _marking_repo(tmp_path)
    break_card(root)
    commit_pr(root)
    card_path = root / "cards/a/card.yaml"
    later = card_path.stat().st_mtime + 5  # stale index entry: git diff refreshes the index
    os.utime(card_path, (later, later))
    for mark in marks.iterdir():  # the test's own git add and commit ran them
        mark.unlink()
    proc = gate(root)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert sorted(p.name for p in marks.iterdir()) == []


def test_discovery_never_runs_the_repositorys_fsmonitor(tmp_path: Path) -> None:
    root, marks = _marking_repo(tmp_path)
    (root / "cards/b/card.yaml").parent.mkdir()
    (root / "cards/b/card.yaml").write_text(card("b"), encoding="utf-8")  # untracked
    proc = run_cli("check", "--no-cache", cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 document(s)" in proc.stdout  # discovery did run through git ls-files
    assert sorted(p.name for p in marks.iterdir()) == []


# --------------------------------------------------------------------------- cache folder


def test_a_tampered_registry_snapshot_does_not_change_verdicts(tmp_path: Path) -> None:
    """The cache folder is shared or restored by CI: a snapshot written there by someone
    else (here: gpt-4o marked as pinned) is not believed."""
    root = tmp_path / "repo"
    write_tree(
        root,
        {
            "card.yaml": card("a")
            + "generation:\n  - {model: gpt-4o, rows: 10, parameters: {seed: 1}, "
            "date: 2026-09-02}\ncomposition: {total_rows: 10, synthetic_rows: 10}\n"
        },
    )
    env = {"SYNTHGOV_CACHE_DIR": str(tmp_path / "cache")}
    first = run_cli("check", "--no-cache", "--select", "SG102", cwd=root, env=env)
    assert first.returncode == 1 and "SG102" in first.stdout, first.stdout + first.stderr
    (snap,) = (tmp_path / "cache" / "snapshots").glob("registry-*.json")
    raw = snap.read_bytes()
    start = raw.index(b'{"key"')
    stored = json.loads(raw[start:])
    for entry in stored["value"]["models"]:
        if "^gpt-4o$" in (entry["match"] if isinstance(entry["match"], list) else []):
            entry["pinned"] = True
            entry.pop("alias_of", None)
    forged = json.dumps(stored).encode()
    for content in (forged, raw[:start] + forged):  # unsigned, and under the old signature
        snap.write_bytes(content)
        again = run_cli("check", "--no-cache", "--select", "SG102", cwd=root, env=env)
        assert again.returncode == 1, again.stdout + again.stderr
        assert again.stdout == first.stdout


# --------------------------------------------------------------------------- the class


def test_every_git_process_of_synthgov_goes_through_the_safe_options() -> None:
    """No module starts git except through synthgov.repo.gitsafe (subprocesses) or gitdiff's
    open_repo (GitPython, with the same options made persistent)."""
    import re

    from tests.conftest import ROOT

    offenders = []
    for path in sorted((ROOT / "synthgov").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(ROOT).as_posix()
        if rel != "synthgov/repo/gitsafe.py" and re.search(r"""\[\s*["']git["']""", text):
            offenders.append(f"{rel}: a git command line not built by gitsafe.git_command")
        if rel != "synthgov/app/check/gitdiff.py" and re.search(r"\bgit\.(Repo|Git|cmd)\b", text):
            offenders.append(f"{rel}: GitPython used outside gitdiff.open_repo")
    assert offenders == []
    gitdiff = (ROOT / "synthgov" / "app" / "check" / "gitdiff.py").read_text(encoding="utf-8")
    assert gitdiff.count("git.Repo(") == 1 and "set_persistent_git_options" in gitdiff


@pytest.mark.slow
def test_a_symlink_loop_at_the_base_stops_the_gate_with_one_line(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    os.symlink("b.yaml", root / "a.yaml")
    os.symlink("a.yaml", root / "b.yaml")
    os.symlink("a.yaml", root / "synthgov.yaml")
    base_repo(root, {"cards/a/card.yaml": card("a")})
    proc = gate(root)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.startswith("synthgov: error: ") and "too many levels" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
