"""``check --staged`` (the pre-commit hook, synthgov/app/check/staged.py): the rest of the
repository is what git's index holds, the named files are read from the work tree; and
git's index file is read as git itself lists it (synthgov/repo/gitindex.py).

Real git repositories in temporary folders; runs through the real CLI in-process.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from synthgov.cli.main import main
from synthgov.repo.gitblobs import blob_name, read_staged
from synthgov.repo.gitindex import (
    changed_entries,
    entry_named,
    parse_with_layout,
    read_index,
)

CARD = """apiVersion: synthgov/v1
kind: DatasetCard
metadata:
  id: {id}
  owner: data-team
  description: {id}
purpose: [training]
"""


def _git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid")
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def _card(repo: Path, name: str, card_id: str) -> str:
    path = repo / "datasets" / name / "card.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CARD.format(id=card_id), encoding="utf-8")
    return path.relative_to(repo).as_posix()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    _card(root, "a", "alpha")
    _card(root, "b", "beta")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "cards")
    return root


def _check(repo: Path, *args: str, cache: bool = False) -> tuple[int, str]:
    os.environ["SYNTHGOV_CACHE_DIR"] = str(repo.parent / "cache")
    flags = () if cache else ("--no-cache",)
    old = os.getcwd()
    os.chdir(repo)
    try:
        got = CliRunner().invoke(main, ["check", *flags, "--format", "json", *args])
    finally:
        os.chdir(old)
        del os.environ["SYNTHGOV_CACHE_DIR"]
    return got.exit_code, got.output


def _duplicate(output: str) -> bool:
    return '"rule_id": "SG002"' in output or "duplicate" in output.lower()


@pytest.mark.parametrize("cache", [False, True])
def test_an_untracked_card_counts_only_once_staged(repo: Path, cache: bool) -> None:
    _card(repo, "copy", "alpha")  # the same id as datasets/a, not added
    target = "datasets/a/card.yaml"
    code, out = _check(repo, target, cache=cache)
    assert code == 1 and _duplicate(out)  # the work tree: two cards say alpha
    code, out = _check(repo, "--staged", target, cache=cache)
    assert code == 0 and not _duplicate(out)  # the commit: one card
    _git(repo, "add", "datasets/copy/card.yaml")
    code, out = _check(repo, "--staged", target, cache=cache)
    assert code == 1 and _duplicate(out)


@pytest.mark.parametrize("cache", [False, True])
def test_the_context_is_read_as_staged(repo: Path, cache: bool) -> None:
    other = repo / "datasets" / "b" / "card.yaml"
    target = "datasets/a/card.yaml"
    other.write_text(CARD.format(id="alpha"), encoding="utf-8")  # unstaged: not committed
    assert _duplicate(_check(repo, target, cache=cache)[1])
    assert not _duplicate(_check(repo, "--staged", target, cache=cache)[1])
    _git(repo, "add", "datasets/b/card.yaml")
    other.write_text(CARD.format(id="beta"), encoding="utf-8")  # staged alpha, then undone
    assert not _duplicate(_check(repo, target, cache=cache)[1])
    assert _duplicate(_check(repo, "--staged", target, cache=cache)[1])
    other.unlink()  # deleted in the work tree, still staged: still committed
    assert _duplicate(_check(repo, "--staged", target, cache=cache)[1])


def test_the_named_files_are_read_from_the_work_tree(repo: Path) -> None:
    target = repo / "datasets" / "a" / "card.yaml"
    target.write_text(CARD.format(id="beta"), encoding="utf-8")  # unstaged
    code, out = _check(repo, "--staged", "datasets/a/card.yaml")
    assert code == 1 and _duplicate(out)


def test_staged_needs_a_git_work_tree(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "card.yaml").write_text(CARD.format(id="alpha"), encoding="utf-8")
    code, out = _check(folder, "--staged", "card.yaml")
    assert code == 2
    assert "--staged" in out and "not in a git work tree" in out
    assert "Traceback" not in out


def test_staged_does_not_go_with_the_gate(repo: Path) -> None:
    code, out = _check(repo, "--staged", "--diff-base", "HEAD", "datasets/a/card.yaml")
    assert code == 2 and "--staged" in out


def test_the_index_file_reads_as_git_lists_it(repo: Path) -> None:
    _card(repo, "intended", "gamma")
    _git(repo, "add", "-N", "datasets/intended/card.yaml")  # nothing staged yet: left out
    (repo / "link.yaml").symlink_to("datasets/a/card.yaml")
    _git(repo, "add", "link.yaml")
    index = read_index(str(repo))
    assert index is not None
    listed = {}
    for line in _git(repo, "ls-files", "--stage").splitlines():
        meta, path = line.split("\t")
        mode, name, _stage = meta.split()
        listed[path] = (int(mode, 8), bytes.fromhex(name))
    del listed["datasets/intended/card.yaml"]
    assert dict(index.entries) == listed
    data = (repo / "datasets" / "a" / "card.yaml").read_bytes()
    assert blob_name(data) == index.entries["datasets/a/card.yaml"][1]


def test_a_conflict_is_unmerged(repo: Path) -> None:
    _git(repo, "checkout", "-qb", "other")
    _card(repo, "a", "alpha-other")
    _git(repo, "commit", "-qam", "other")
    _git(repo, "checkout", "-q", "-")
    _card(repo, "a", "alpha-main")
    _git(repo, "commit", "-qam", "main")
    subprocess.run(["git", "merge", "-q", "other"], cwd=repo, capture_output=True, check=False)
    index = read_index(str(repo))
    assert index is not None
    assert "datasets/a/card.yaml" in index.unmerged
    assert "datasets/a/card.yaml" not in index.entries
    code, out = _check(repo, "--staged", "datasets/b/card.yaml")
    assert code in (0, 1) and "Traceback" not in out


def test_only_the_changed_chunks_are_read_again(repo: Path) -> None:
    for n in range(300):  # an index of several chunks
        _card(repo, f"many/{n:03d}", f"card-{n}")
    _git(repo, "add", "-A")
    before = (repo / ".git" / "index").read_bytes()
    parsed = parse_with_layout(before)
    assert parsed is not None
    _staged, layout = parsed
    assert changed_entries(before, layout) == []
    _card(repo, "many/150", "card-150-edited")
    _git(repo, "add", "datasets/many/150/card.yaml")
    after = (repo / ".git" / "index").read_bytes()
    changed = changed_entries(after, layout)
    assert changed is not None
    names = {c.path: c.name for c in changed}
    assert "datasets/many/150/card.yaml" in names and len(changed) < 100
    found = entry_named(after, layout, "datasets/many/150/card.yaml")
    assert found is not None and found[2] == names["datasets/many/150/card.yaml"]
    assert entry_named(after, layout, "datasets/none/card.yaml") is None
    _card(repo, "many/150x", "new")  # an entry added: the caller reads the whole index
    _git(repo, "add", "-A")
    assert changed_entries((repo / ".git" / "index").read_bytes(), layout) is None


def test_a_staged_blob_comes_from_git_when_the_work_tree_differs(repo: Path) -> None:
    card = repo / "datasets" / "a" / "card.yaml"
    staged = card.read_bytes()
    name = blob_name(staged)
    card.write_text("changed: after staging\n", encoding="utf-8")
    got = read_staged(str(repo), [(str(card), name)], 1 << 20)
    assert got[str(card)] == (staged, len(staged))
    fifo = repo / "datasets" / "a" / "fifo.yaml"
    os.mkfifo(fifo)  # never opened for reading (would block): the blob comes from git
    got = read_staged(str(repo), [(str(fifo), name)], 1 << 20)
    assert got[str(fifo)] == (staged, len(staged))
    assert read_staged(str(repo), [(str(card), b"\0" * 20)], 1 << 20)[str(card)] is None
    assert read_staged(str(repo), [(str(card), name)], 4)[str(card)] == (b"", len(staged))


def _stage_blob(repo: Path, path: str, text: str) -> None:
    """Stage ``text`` as ``path`` with git's stat fields zero (``update-index
    --index-info``): the same content staged twice gives the same bytes in the index."""
    name = subprocess.run(
        ["git", "hash-object", "-w", "--stdin"],
        cwd=repo,
        input=text,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run(
        ["git", "update-index", "--index-info"],
        cwd=repo,
        input=f"100644 {name}\t{path}\n",
        text=True,
        check=True,
    )


def test_an_entry_back_to_its_bytes_is_read_as_it_is_again(repo: Path) -> None:
    """The index's chunk comparison is against the full save; an entry changed since (kept
    in the delta) and then put back to the very bytes of then is in no changed chunk."""
    for n in range(200):
        _card(repo, f"many/{n:03d}", f"card-{n}")
    _git(repo, "add", "-A")
    target, other = "datasets/a/card.yaml", "datasets/many/100/card.yaml"
    duplicate = CARD.format(id="alpha")  # the target's id: SG002 on the target
    runs = []
    for text in (duplicate, CARD.format(id="card-100"), duplicate):
        _stage_blob(repo, other, text)
        warm = _check(repo, "--staged", target, cache=True)
        assert warm == _check(repo, "--staged", target)
        runs.append(warm[0])
    assert runs == [1, 0, 1]


@pytest.mark.slow
def test_concurrent_staged_runs_share_the_index(repo: Path) -> None:
    """Runs of the hook at once (pre-commit in two clones' worth of terminals) build and
    patch one index: each answers what ``--no-cache`` answers, and the index they leave
    serves the next run."""
    import sys

    for n in range(120):
        _card(repo, f"many/{n:03d}", "alpha" if n == 60 else f"card-{n}")
    _git(repo, "add", "-A")
    env = {**os.environ, "SYNTHGOV_CACHE_DIR": str(repo.parent / "shared"), "NO_COLOR": "1"}
    command = [sys.executable, "-m", "synthgov", "check", "--staged", "--format", "json"]
    targets = ["datasets/a/card.yaml", "datasets/b/card.yaml", "datasets/many/007/card.yaml"]
    procs = [
        subprocess.Popen(
            [*command, targets[n % 3]],
            cwd=repo,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in range(6)
    ]
    done = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode in (0, 1) for p in procs), [err.decode() for _, err in done]
    outs = [out.decode() for out, _ in done]
    for n, target in enumerate(targets):
        code, cold = _check(repo, "--staged", target)
        assert outs[n] == cold, (n, code, len(outs[n]), len(cold), done[n][1].decode()[-3000:])
        assert outs[n + 3] == cold, (
            n,
            code,
            len(outs[n + 3]),
            len(cold),
            done[n + 3][1].decode()[-3000:],
        )
    _card(repo, "many/007", "alpha")  # staged: a second duplicate of the target a
    _git(repo, "add", "-A")
    after = subprocess.run([*command, targets[0]], cwd=repo, env=env, capture_output=True)
    assert after.stdout.decode() == _check(repo, "--staged", targets[0])[1], after.stderr
    assert _duplicate(after.stdout.decode())


def test_a_part_damaged_after_the_plan_is_read_without_the_index(repo: Path) -> None:
    """The file list is read after the plan, for the report (JSON lists every document's
    id): a damaged row there is read around (every document loaded as without an index),
    never a traceback."""
    import sqlite3

    target = "datasets/a/card.yaml"
    assert _check(repo, "--staged", target, cache=True) == _check(repo, "--staged", target)
    database = repo.parent / "cache" / "cache-v1.sqlite3"
    with sqlite3.connect(database) as conn:
        assert conn.execute("UPDATE index_parts SET blob = x'00' WHERE key LIKE '%:f'").rowcount
    _card(repo, "a", "alpha")  # the target changed: the plan runs, the list is asked
    assert _check(repo, "--staged", target, cache=True) == _check(repo, "--staged", target)
