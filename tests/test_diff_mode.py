"""Diff mode (``--diff-base``), SG405/SG406 and ``--policy-from-ref``, in real git repositories."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from synthgov.app.check.runner import CheckOptions, prepare, run_check
from tests.conftest import run_cli, write_tree

GIT_ENV = {
    "GIT_AUTHOR_NAME": "synthgov tests",
    "GIT_AUTHOR_EMAIL": "tests@synthgov.example",
    "GIT_COMMITTER_NAME": "synthgov tests",
    "GIT_COMMITTER_EMAIL": "tests@synthgov.example",
    "GIT_CONFIG_NOSYSTEM": "1",
}


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


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def card(ds_id: str, *, owner: bool = True, extra: str = "") -> str:
    owner_line = "  owner: data@acme.example\n" if owner else ""
    return (
        "apiVersion: synthgov/v1\nkind: DatasetCard\n"
        f"metadata:\n  id: {ds_id}\n{owner_line}"
        "governance:\n  approvals: [{by: j@acme.example, role: data-steward, date: 2024-01-01}]\n"
        f"{extra}"
    )


DATA = '{"text": "Where is my order?", "intent": "order_status"}\n'
CARD_WITH_DATA = card(
    "tickets",
    extra=(
        "files:\n"
        "  - {path: data/tickets.jsonl, sha256: '{{sha256:tickets/data/tickets.jsonl}}', "
        "size: {{size:tickets/data/tickets.jsonl}}, rows: 1}\n"
    ),
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    return tmp_path


def check_json(root: Path, *args: str) -> tuple[int, list[dict]]:
    proc = run_cli("check", "--format", "json", *args, cwd=root)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)["findings"]


def test_appending_a_row_without_touching_the_card_raises_sg406(repo: Path) -> None:
    write_tree(
        repo,
        {
            "synthgov.yaml": "policies: [builtin:baseline]\n",
            "tickets/data/tickets.jsonl": DATA,
            "tickets/card.yaml": CARD_WITH_DATA,
        },
    )
    commit(repo, "base")
    assert check_json(repo, "--diff-base", "main") == (0, [])
    with open(repo / "tickets/data/tickets.jsonl", "a", encoding="utf-8") as handle:
        handle.write('{"text": "Cancel my plan", "intent": "cancel"}\n')
    code, findings = check_json(repo, "--diff-base", "main")
    assert code == 1
    stale = [f for f in findings if f["rule"] == "SG406"]
    assert [(f["path"], f["line"], f["pointer"]) for f in stale] == [
        ("tickets/card.yaml", 9, "/files/0/path")
    ]
    assert "data/tickets.jsonl changed since main" in stale[0]["message"]
    assert stale[0]["severity"] == "error"
    # SG406 runs only in diff mode: a plain check sees the checksum problem, not staleness
    _, plain = check_json(repo)
    assert "SG406" not in {f["rule"] for f in plain}
    assert "SG107" in {f["rule"] for f in plain}


def test_a_committed_data_change_is_also_seen(repo: Path) -> None:
    """CI: the change is committed on a branch; the diff runs from the merge base."""
    write_tree(repo, {"tickets/data/tickets.jsonl": DATA, "tickets/card.yaml": CARD_WITH_DATA})
    commit(repo, "base")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "tickets/data/tickets.jsonl").write_text(DATA * 2, encoding="utf-8")
    commit(repo, "more rows")
    git(repo, "checkout", "-q", "main")
    (repo / "unrelated.txt").write_text("main moved on\n", encoding="utf-8")
    commit(repo, "main moves")
    git(repo, "checkout", "-q", "feature")
    _, findings = check_json(repo, "--diff-base", "main")
    assert [f["rule"] for f in findings if f["rule"] == "SG406"] == ["SG406"]


def test_changing_the_config_raises_sg405(repo: Path) -> None:
    write_tree(
        repo,
        {"synthgov.yaml": "policies: [builtin:baseline]\n", "a/card.yaml": card("a")},
    )
    commit(repo, "base")
    assert check_json(repo, "--diff-base", "HEAD") == (0, [])
    (repo / "synthgov.yaml").write_text(
        "policies: [builtin:baseline]\nfail_on: error\n", encoding="utf-8"
    )
    code, findings = check_json(repo, "--diff-base", "HEAD")
    assert code == 0  # a warning
    assert [(f["rule"], f["path"], f["line"], f["severity"]) for f in findings] == [
        ("SG405", "synthgov.yaml", 1, "warning")
    ]
    assert "differs from HEAD" in findings[0]["message"]


def test_only_changed_documents_and_their_lineage_are_reported(repo: Path) -> None:
    # every card lacks an owner (SG401), so each would be reported in a full check
    write_tree(
        repo,
        {
            "seed/card.yaml": card("seed", owner=False),
            "derived/card.yaml": card("derived", owner=False, extra="sources: [{dataset: seed}]\n"),
            "grandchild/card.yaml": card(
                "grandchild", owner=False, extra="sources: [{dataset: derived}]\n"
            ),
            "upstream-only/card.yaml": card("upstream-only", owner=False),
            "unrelated/card.yaml": card("unrelated", owner=False),
            "pipe.yaml": (
                "apiVersion: synthgov/v1\nkind: Pipeline\n"
                "metadata: {id: p}\n"  # no owner either
                "primary_model: {id: acme/bot}\n"
                "stages:\n  - {id: train, type: train, inputs: [grandchild]}\n"
            ),
        },
    )
    commit(repo, "base")
    _, full = check_json(repo)
    assert len({f["path"] for f in full if f["rule"] == "SG401"}) == 6

    with open(repo / "seed/card.yaml", "a", encoding="utf-8") as handle:
        handle.write("intended_use: seed examples for generation\n")
    _, findings = check_json(repo, "--diff-base", "main")
    reported = sorted({f["path"] for f in findings})
    assert reported == [
        "derived/card.yaml",  # downstream of the changed card
        "grandchild/card.yaml",  # downstream, two steps away
        "pipe.yaml",  # trains on a dataset downstream of the change
        "seed/card.yaml",  # changed
    ]
    assert "unrelated/card.yaml" not in reported  # unchanged and unrelated: not reported
    proc = run_cli("check", "--diff-base", "main", cwd=repo)
    assert "4 document(s) checked" in proc.stdout


def test_a_changed_downstream_card_does_not_report_its_sources(repo: Path) -> None:
    write_tree(
        repo,
        {
            "seed/card.yaml": card("seed", owner=False),
            "derived/card.yaml": card("derived", owner=False, extra="sources: [{dataset: seed}]\n"),
        },
    )
    commit(repo, "base")
    with open(repo / "derived/card.yaml", "a", encoding="utf-8") as handle:
        handle.write("limitations: short texts only\n")
    _, findings = check_json(repo, "--diff-base", "main")
    assert sorted({f["path"] for f in findings}) == ["derived/card.yaml"]


def test_context_is_loaded_so_unchanged_cards_still_resolve(repo: Path) -> None:
    """Diff mode loads the whole repository: a changed card's reference to an unchanged one
    is not SG004 (unresolved)."""
    write_tree(repo, {"seed/card.yaml": card("seed"), "derived/card.yaml": card("derived")})
    commit(repo, "base")
    (repo / "derived/card.yaml").write_text(
        card("derived", extra="sources: [{dataset: seed}]\n"), encoding="utf-8"
    )
    assert check_json(repo, "derived", "--diff-base", "main") == (0, [])


def test_a_new_untracked_card_counts_as_changed(repo: Path) -> None:
    write_tree(repo, {"a/card.yaml": card("a")})
    commit(repo, "base")
    write_tree(repo, {"b/card.yaml": card("b", owner=False)})
    _, findings = check_json(repo, "--diff-base", "main")
    assert {(f["rule"], f["path"]) for f in findings} == {("SG401", "b/card.yaml")}


def test_pull_request_cannot_weaken_its_own_policy(repo: Path) -> None:
    """A commit that turns SG401 off in the policy and breaks a card passes when judged by
    the working-tree policy and fails when judged by the policy of the commit before."""
    write_tree(
        repo,
        {
            "synthgov.yaml": "policies: [builtin:baseline, ./policy/team.yaml]\n",
            "policy/team.yaml": (
                "apiVersion: synthgov/v1\nkind: Policy\nmetadata: {name: team}\n"
                "rules:\n  SG109: warning\n"
            ),
            "cards/a/card.yaml": card("a"),
        },
    )
    commit(repo, "base")
    write_tree(
        repo,
        {
            "policy/team.yaml": (
                "apiVersion: synthgov/v1\nkind: Policy\nmetadata: {name: team}\n"
                "rules:\n  SG109: warning\n  SG401: off\n"
            ),
            "cards/a/card.yaml": card("a", owner=False),
        },
    )
    commit(repo, "relax the policy and drop the owner")

    weak = run_cli("check", cwd=repo)
    assert weak.returncode == 0, weak.stdout
    strict = run_cli("check", "--policy-from-ref", "HEAD~1", cwd=repo)
    assert strict.returncode == 1
    assert "cards/a/card.yaml:3:1: SG401 [error]" in strict.stdout
    # the gate a CI runs on the pull request: diff mode against the base, base policy
    gate = run_cli(
        "check",
        "--diff-base",
        "HEAD~1",
        "--policy-from-ref",
        "HEAD~1",
        "--format",
        "json",
        cwd=repo,
    )
    assert gate.returncode == 1
    rules = sorted(f["rule"] for f in json.loads(gate.stdout)["findings"])
    assert rules == ["SG401", "SG405"]  # the broken card, and the policy change itself


def test_policy_from_ref_finds_the_config_of_the_ref_even_when_deleted(repo: Path) -> None:
    """Deleting synthgov.yaml (falling back to defaults) does not escape the ref's policy."""
    write_tree(
        repo,
        {
            "synthgov.yaml": "policies: [builtin:baseline]\nfail_on: warning\n",
            "a/card.yaml": card("a").replace("governance:", "x-governance:"),  # SG402 warning
        },
    )
    commit(repo, "base")
    (repo / "synthgov.yaml").unlink()
    commit(repo, "drop the config")
    assert run_cli("check", cwd=repo).returncode == 0
    proc = run_cli("check", "--policy-from-ref", "HEAD~1", cwd=repo)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "SG402" in proc.stdout


def test_policy_from_ref_reads_policy_files_from_the_ref_in_process(repo: Path) -> None:
    write_tree(
        repo,
        {
            "synthgov.yaml": "policies: [./p.yaml]\n",
            "p.yaml": "apiVersion: synthgov/v1\nkind: Policy\nmetadata: {name: p}\n"
            "extends: [builtin:baseline]\nrules: {SG402: error}\n",
            "a/card.yaml": card("a"),
        },
    )
    commit(repo, "base")
    (repo / "p.yaml").write_text("this: [is not a policy", encoding="utf-8")
    options = CheckOptions(cwd=str(repo), policy_from_ref="main")
    setup = prepare(options)
    assert setup.policy.rules["SG402"].severity.label == "error"
    assert run_check(options, setup).exit_code == 0


@pytest.mark.parametrize(
    "ref",
    ["--output=/tmp/synthgov-owned", "-p", "no-such-branch", "HEAD~5", "main\nHEAD", ""],
)
def test_bad_refs_are_a_usage_error_and_never_reach_git_as_options(repo: Path, ref: str) -> None:
    write_tree(repo, {"a/card.yaml": card("a")})
    commit(repo, "base")
    for option in ("--diff-base", "--policy-from-ref"):
        proc = run_cli("check", f"{option}={ref}", cwd=repo)
        assert proc.returncode == 2, (option, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"synthgov: error: {option}"), lines
    assert not os.path.exists("/tmp/synthgov-owned")


def test_diff_mode_outside_a_git_repository_is_a_usage_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a/card.yaml": card("a")})
    proc = run_cli("check", "--diff-base", "main", cwd=tmp_path)
    assert proc.returncode == 2
    assert "not inside a git repository" in proc.stderr


def test_diff_rules_are_quiet_without_diff_mode(repo: Path) -> None:
    write_tree(repo, {"synthgov.yaml": "policies: [builtin:baseline]\n", "a/card.yaml": card("a")})
    commit(repo, "base")
    (repo / "synthgov.yaml").write_text("policies: [builtin:strict]\n", encoding="utf-8")
    _, findings = check_json(repo)
    assert not [f for f in findings if f["rule"] in ("SG405", "SG406")]


def test_changed_only_uses_the_pull_request_base_in_github_actions(repo: Path) -> None:
    write_tree(repo, {"a/card.yaml": card("a"), "b/card.yaml": card("b", owner=False)})
    commit(repo, "base")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")  # as actions/checkout leaves it
    write_tree(repo, {"c/card.yaml": card("c", owner=False)})
    env = {"GITHUB_ACTIONS": "true", "GITHUB_BASE_REF": "main"}
    proc = run_cli("check", "--changed-only", "--format", "json", cwd=repo, env=env)
    assert proc.returncode == 1, proc.stderr
    assert {f["path"] for f in json.loads(proc.stdout)["findings"]} == {"c/card.yaml"}

    outside = run_cli("check", "--changed-only", cwd=repo)
    assert outside.returncode == 2
    assert "--changed-only needs --diff-base" in outside.stderr
    explicit = run_cli("check", "--changed-only", "--diff-base", "main", cwd=repo)
    assert explicit.returncode == 1 and "b/card.yaml" not in explicit.stdout


def test_diff_mode_through_a_symlinked_working_directory(repo: Path, tmp_path_factory) -> None:
    write_tree(
        repo,
        {
            "synthgov.yaml": "policies: [builtin:baseline]\n",
            "tickets/data/tickets.jsonl": DATA,
            "tickets/card.yaml": CARD_WITH_DATA,
        },
    )
    commit(repo, "base")
    link = tmp_path_factory.mktemp("links") / "checkout"
    link.symlink_to(repo, target_is_directory=True)
    (link / "tickets/data/tickets.jsonl").write_text(DATA * 2, encoding="utf-8")
    (link / "synthgov.yaml").write_text("policies: [builtin:strict]\n", encoding="utf-8")
    # in-process, so the working directory keeps the symlinked spelling (a child process's
    # getcwd() would resolve it)
    options = CheckOptions(cwd=str(link), diff_base="main")
    findings = run_check(options, prepare(options)).report.findings
    assert sorted((f.rule, f.path) for f in findings if f.rule in ("SG405", "SG406")) == [
        ("SG405", "synthgov.yaml"),
        ("SG406", "tickets/card.yaml"),
    ]


def test_shallow_clone_says_how_to_fetch_the_history(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    write_tree(origin, {"a/card.yaml": card("a")})
    commit(origin, "first")
    git(origin, "checkout", "-q", "-b", "feature")
    write_tree(origin, {"b/card.yaml": card("b")})
    commit(origin, "feature")
    git(origin, "checkout", "-q", "main")
    write_tree(origin, {"c/card.yaml": card("c")})
    commit(origin, "main moves on")
    # what actions/checkout does by default: one commit of each branch, no shared history
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", "--no-single-branch", "-b", "feature"]
        + [(origin.as_uri()), str(clone)],
        check=True,
        capture_output=True,
    )
    proc = run_cli("check", "--diff-base", "origin/main", cwd=clone)
    assert proc.returncode == 2, proc.stdout
    (line,) = proc.stderr.splitlines()
    assert "have no common history: this is a shallow clone" in line
    assert "fetch-depth: 0" in line and "git fetch --unshallow" in line
    # a ref that is not fetched at all gets the same hint
    missing = run_cli("check", "--diff-base", "origin/release", cwd=clone)
    assert missing.returncode == 2 and "fetch-depth: 0" in missing.stderr
    # a full clone has no such hint
    full = run_cli("check", "--diff-base", "nope", cwd=origin)
    assert full.returncode == 2 and "shallow" not in full.stderr
