"""pre-commit: the hooks synthgov offers, run for real with `pre-commit try-repo`.

`pre-commit try-repo` installs the hook repository at a commit: for a local repository with
uncommitted changes it makes a shadow commit of the *tracked* files only (``git add -u``),
so files not yet committed would be missing. The test therefore snapshots the project's
working tree (tracked and untracked files that are not ignored) into a temporary git
repository and points try-repo at that: the hooks under test are exactly the checkout's.
`language: python` makes pre-commit build the project into its own virtual environment
(PyPI or the local indexes must be reachable); that environment is made once per module.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, TODAY, run_cli, write_tree

GIT_ENV = {
    "GIT_AUTHOR_NAME": "synthgov tests",
    "GIT_AUTHOR_EMAIL": "tests@synthgov.example",
    "GIT_COMMITTER_NAME": "synthgov tests",
    "GIT_COMMITTER_EMAIL": "tests@synthgov.example",
}


def _git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        capture_output=True,
        check=True,
    )
    return proc.stdout.decode("utf-8", "surrogateescape")


def _pre_commit(
    *args: str, cwd: Path, home: Path, timeout: float = 600, path: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "SYNTHGOV_TODAY": TODAY}
    if path is not None:
        env["PATH"] = path
    env.pop("GITHUB_ACTIONS", None)
    env.pop("PRE_COMMIT", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project checkout as it is now, committed in a temporary repository."""
    snapshot = tmp_path_factory.mktemp("hook-repo")
    listed = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if source.is_file():
            (snapshot / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, snapshot / rel)
    _git(snapshot, "init", "-q", "-b", "main")
    _git(snapshot, "add", "-A")
    _git(snapshot, "commit", "-q", "-m", "snapshot of the synthgov checkout")
    return snapshot


@pytest.fixture(scope="module")
def pc_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _user_repo(root: Path, *, drop_owner: bool) -> Path:
    shutil.copytree(ROOT / "examples" / "acme", root)
    if drop_owner:
        card = root / "datasets" / "tickets-2024" / "card.yaml"
        text = card.read_text(encoding="utf-8")
        assert "  owner: support-analytics@acme.example\n" in text
        card.write_text(text.replace("  owner: support-analytics@acme.example\n", ""), "utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    return root


@pytest.mark.slow
def test_try_repo_passes_a_compliant_repository(
    tmp_path: Path, hook_repo: Path, pc_home: Path
) -> None:
    repo = _user_repo(tmp_path / "acme", drop_owner=False)
    proc = _pre_commit(
        "try-repo", str(hook_repo), "synthgov", "--all-files", cwd=repo, home=pc_home
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r"synthgov \(dataset cards and pipelines\)\.+Passed", proc.stdout), proc.stdout


@pytest.mark.slow
def test_try_repo_blocks_a_card_without_owner(
    tmp_path: Path, hook_repo: Path, pc_home: Path
) -> None:
    repo = _user_repo(tmp_path / "acme", drop_owner=True)
    proc = _pre_commit(
        "try-repo", str(hook_repo), "synthgov", "--all-files", cwd=repo, home=pc_home
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert re.search(r"synthgov \(dataset cards and pipelines\)\.+Failed", proc.stdout)
    assert "datasets/tickets-2024/card.yaml:3:1: SG401 [error]" in proc.stdout
    assert "tickets-2024 has no owner" in proc.stdout


@pytest.mark.slow
def test_try_repo_honours_exclude_and_passes_without_policy_tests(
    tmp_path: Path, hook_repo: Path, pc_home: Path
) -> None:
    # the config excludes the fixtures of policy tests; pre-commit names them all the same
    repo = _user_repo(tmp_path / "acme", drop_owner=False)
    fixture = repo / "policy-tests" / "no-owner" / "card.yaml"
    fixture.parent.mkdir(parents=True)
    fixture.write_text(
        "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: fixture}\n", "utf-8"
    )
    config = repo / "synthgov.yaml"
    text = config.read_text(encoding="utf-8") if config.exists() else ""
    config.write_text(text + "exclude: [policy-tests/**]\n", encoding="utf-8")
    _git(repo, "add", "-A")
    proc = _pre_commit(
        "try-repo", str(hook_repo), "synthgov", "--all-files", cwd=repo, home=pc_home
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # the policy-test hook in a repository without an expect.yaml: a message, exit 0
    shutil.rmtree(repo / "policy-tests")
    _git(repo, "add", "-A")
    tests = _pre_commit(
        "try-repo", str(hook_repo), "synthgov-test", "--all-files", cwd=repo, home=pc_home
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert re.search(r"synthgov test \(policy unit tests\)\.+Passed", tests.stdout)


# ------------------------------------- the documented .pre-commit-config.yaml, run as written

CONFIG_DOCS = ("README.md", "docs/ci.md")


def _config_blocks(doc: str) -> list[str]:
    """The fenced YAML blocks of ``doc`` that are a whole .pre-commit-config.yaml."""
    blocks = re.findall(r"^```yaml\n(.*?)^```", (ROOT / doc).read_text("utf-8"), re.M | re.S)
    return [b for b in blocks if re.search(r"^repos:", b, re.M)]


def test_documented_configs_are_the_hooks_init_writes_and_the_manifest_offers() -> None:
    from synthgov.app.scaffold import PRE_COMMIT_TEXT

    written = yaml.safe_load(PRE_COMMIT_TEXT)
    for doc in CONFIG_DOCS:
        (block,) = _config_blocks(doc)  # one config per document: no second, stale one
        assert yaml.safe_load(block) == written, f"{doc} and synthgov init disagree"
    (local,) = written["repos"]
    assert local["repo"] == "local"
    offered = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert [h["id"] for h in local["hooks"]] == list(offered)
    for hook in local["hooks"]:
        manifest = offered[hook["id"]]
        keys = ("name", "entry", "types", "types_or", "pass_filenames", "require_serial")
        assert {k: hook.get(k) for k in keys} == {k: manifest.get(k) for k in keys}, hook["id"]
        # the installed synthgov (system) here, pre-commit's own environment (python) there
        assert hook["language"] == "system" and manifest["language"] == "python"


@pytest.mark.slow  # two pre-commit runs: about 4 s
@pytest.mark.parametrize("doc", CONFIG_DOCS)
def test_documented_config_runs_as_written(doc: str, tmp_path: Path) -> None:
    (block,) = _config_blocks(doc)
    repo = _user_repo(tmp_path / "acme", drop_owner=True)
    (repo / ".pre-commit-config.yaml").write_text(block, encoding="utf-8")
    _git(repo, "add", "-A")
    # synthgov installed "the README's way": this environment's scripts first on PATH
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    home = tmp_path / "pre-commit-home"
    failed = _pre_commit("run", "--all-files", cwd=repo, home=home, path=path, timeout=300)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"synthgov \(dataset cards and pipelines\)\.+Failed", failed.stdout)
    assert "datasets/tickets-2024/card.yaml:3:1: SG401 [error]" in failed.stdout
    reported = {line.split(":", 1)[0] for line in failed.stdout.splitlines() if " [error] " in line}
    assert reported == {"datasets/tickets-2024/card.yaml"}  # the compliant cards pass
    # a repository without policy tests passes the policy-test hook
    assert re.search(r"synthgov test \(policy unit tests\)\.+Passed", failed.stdout)

    shutil.rmtree(repo)  # the same repository, every card compliant
    repo = _user_repo(tmp_path / "acme", drop_owner=False)
    (repo / ".pre-commit-config.yaml").write_text(block, encoding="utf-8")
    _git(repo, "add", "-A")
    passed = _pre_commit("run", "--all-files", cwd=repo, home=home, path=path, timeout=300)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"synthgov \(dataset cards and pipelines\)\.+Passed", passed.stdout)


def test_manifest_is_valid_for_pre_commit(tmp_path: Path) -> None:
    proc = _pre_commit(
        "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml"), cwd=ROOT, home=tmp_path
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"synthgov", "synthgov-test"}
    main = hooks["synthgov"]
    assert (
        main["entry"] == "synthgov check --staged --force-exclude" and main["language"] == "python"
    )
    assert main["require_serial"] is True
    assert main.get("pass_filenames", True) is True
    # any file type: cards are YAML, JSON or Markdown; data files and prompts can be anything
    assert main.get("types", ["file"]) == ["file"] and "files" not in main
    test_hook = hooks["synthgov-test"]
    assert test_hook["entry"] == "synthgov test --allow-empty"
    assert test_hook["pass_filenames"] is False


def test_project_config_is_valid_and_runs_ruff_and_synthgov(tmp_path: Path) -> None:
    config = ROOT / ".pre-commit-config.yaml"
    proc = _pre_commit("validate-config", str(config), cwd=ROOT, home=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ids = [h["id"] for r in yaml.safe_load(config.read_text())["repos"] for h in r["hooks"]]
    assert "ruff" in ids and any(i.startswith("synthgov") for i in ids)


# ------------------------------------------------------- files as pre-commit passes them


CARD = """\
apiVersion: synthgov/v1
kind: DatasetCard
metadata: {{id: {id}, owner: a@b.example}}
governance:
  approvals: [{{by: j@b.example, role: data-steward, date: 2024-01-01}}]
files:
  - path: data/rows.jsonl
    sha256: "{{{{sha256:{id}/data/rows.jsonl}}}}"
    size: {{{{size:{id}/data/rows.jsonl}}}}
generation:
  - model: gpt-4o-2024-08-06
    prompt: {{path: ../prompts/shared.txt, sha256: "{{{{sha256:prompts/shared.txt}}}}"}}
    parameters: {{temperature: 0.5}}
    date: 2024-01-01
"""
FILE_RULES = ("--select", "SG104,SG107,SG108")


def _two_cards(root: Path) -> None:
    write_tree(
        root,
        {
            "prompts/shared.txt": "Write one support question.\n",
            "one/data/rows.jsonl": '{"q": "a"}\n',
            "two/data/rows.jsonl": '{"q": "b"}\n',
            "one/card.yaml": CARD.format(id="one"),
            "two/card.yaml": CARD.format(id="two"),
        },
    )


def test_a_changed_data_file_selects_the_card_that_names_it(tmp_path: Path) -> None:
    _two_cards(tmp_path)
    clean = run_cli("check", "one/data/rows.jsonl", *FILE_RULES, cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout
    assert "1 document(s) checked" in clean.stdout
    with open(tmp_path / "one/data/rows.jsonl", "a", encoding="utf-8") as handle:
        handle.write('{"q": "c"}\n')
    proc = run_cli("check", "one/data/rows.jsonl", *FILE_RULES, cwd=tmp_path)
    assert proc.returncode == 1
    assert "one/card.yaml:8:13: SG107 [error]" in proc.stdout, proc.stdout
    assert "two/card.yaml" not in proc.stdout
    # every rule runs on the selected card, and nothing is reported for other cards
    every = run_cli("check", "one/data/rows.jsonl", "--format", "json", cwd=tmp_path)
    assert {f["path"] for f in json.loads(every.stdout)["findings"]} == {"one/card.yaml"}


def test_a_changed_prompt_selects_every_card_that_uses_it(tmp_path: Path) -> None:
    _two_cards(tmp_path)
    (tmp_path / "prompts/shared.txt").write_text("Write two support questions.\n", "utf-8")
    # pre-commit names only files that exist (a missing path is an error since issue 14)
    (tmp_path / "README.md").write_text("# Support data\n", "utf-8")
    proc = run_cli("check", "prompts/shared.txt", "README.md", *FILE_RULES, cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    flagged = sorted({line.split(":", 1)[0] for line in lines if "SG104" in line})
    assert flagged == ["one/card.yaml", "two/card.yaml"]


def test_files_no_card_names_are_ignored(tmp_path: Path) -> None:
    _two_cards(tmp_path)
    write_tree(tmp_path, {"setup.py": "print('hello')\n", "notes/todo.txt": "nothing\n"})
    proc = run_cli("check", "setup.py", "notes/todo.txt", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert "0 document(s) checked" in proc.stdout
