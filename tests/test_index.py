"""The repository index (issue 15, synthgov/app/index/plan.py): a commit-time run (explicit files)
re-reads only what changed and evaluates the targets against the context the rules reach,
with results identical to a ``--no-cache`` run in every case.

Runs are in-process against real git repositories made by ``bench/generate.py``; outputs are
compared as rendered JSON, byte for byte.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from synthgov.app.cache.store import DB_NAME
from synthgov.app.check.runner import CheckOptions, prepare, run_check
from tests.conftest import ROOT
from tests.test_robustness import FUZZ

sys.path.insert(0, str(ROOT / "bench"))
from generate import generate_repo

#: each example builds a git repository and runs a dozen checks: few examples in ``ci``
SEQUENCES = settings(FUZZ, max_examples=max(4, FUZZ.max_examples // 10))


#: the base entries of the indexes in a cache database (each also has a delta entry)
BASES = "SELECT count(*) FROM repo_index WHERE key NOT LIKE 'delta:%'"


@contextmanager
def _cache_dir(cache: Path) -> Iterator[None]:
    previous = os.environ.get("SYNTHGOV_CACHE_DIR")
    os.environ["SYNTHGOV_CACHE_DIR"] = str(cache)
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SYNTHGOV_CACHE_DIR"]
        else:
            os.environ["SYNTHGOV_CACHE_DIR"] = previous


#: the reports compared: the Markdown one draws the lineage graph (and its depths)
FORMATS = ("json", "markdown", "sarif")


def _run(
    repo: Path,
    cache: Path,
    paths: tuple[str, ...],
    formats: tuple[str, ...] = FORMATS,
    **options: Any,
) -> tuple[str, int, bool]:
    """(the reports in ``formats``, exit code, whether the index chose the context),
    in-process."""
    with _cache_dir(cache):
        opts = CheckOptions(cwd=str(repo), paths=paths, **options)
        setup = prepare(opts)
        result = run_check(opts, setup)
        reporters = setup.registry.reporters
        text = "\n".join(reporters[f](result.report) for f in formats)
    indexed = type(result.documents).__name__ == "IndexedDocuments"
    return text, result.exit_code, indexed


def _same_as_cold(
    repo: Path,
    cache: Path,
    paths: tuple[str, ...],
    formats: tuple[str, ...] = FORMATS,
    **options: Any,
) -> bool:
    warm, warm_code, indexed = _run(repo, cache, paths, formats, **options)
    cold, cold_code, _ = _run(repo, cache, paths, formats, use_cache=False, **options)
    assert warm == cold, f"index run differs from --no-cache for {paths}"
    assert warm_code == cold_code
    return indexed


def _backdate(repo: Path) -> None:
    """Make every file and folder look older than the racy window (as if time passed)."""
    past = time.time() - 60
    for folder, dirs, files in os.walk(repo):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            os.utime(os.path.join(folder, name), (past, past))
        os.utime(folder, (past, past))


def _cards(repo: Path) -> list[Path]:
    return sorted(repo.glob("datasets/*/*/card.yaml"))


def _load(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dump(path: Path, card: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(card, sort_keys=False), encoding="utf-8")


def _rel(repo: Path, path: Path) -> str:
    return path.relative_to(repo).as_posix()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return generate_repo(tmp_path / "repo", 30).root


@pytest.mark.slow
def test_commit_run_uses_the_index_and_matches_cold(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _backdate(repo)
    card = _cards(repo)[7]
    paths = (_rel(repo, card),)
    _same_as_cold(repo, cache, paths)  # fills the index
    assert _same_as_cold(repo, cache, paths)  # served by it
    # an edit of a card that others derive from: the dependants' findings follow
    data = _load(card)
    data["metadata"]["id"] = "renamed-away"
    _dump(card, data)
    _backdate(repo)
    for other in _cards(repo):
        sources = _load(other).get("sources") or []
        if any(isinstance(s, dict) and s.get("dataset") for s in sources):
            assert _same_as_cold(repo, cache, (_rel(repo, other),))
    pipeline = sorted(repo.glob("pipelines/*.yaml"))[0]
    assert _same_as_cold(repo, cache, (_rel(repo, pipeline),))
    with sqlite3.connect(cache / DB_NAME) as conn:
        (count,) = conn.execute(BASES).fetchone()
    assert count == 1


def test_a_damaged_index_entry_is_a_miss(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _backdate(repo)
    paths = (_rel(repo, _cards(repo)[3]),)
    _same_as_cold(repo, cache, paths)
    query = "SELECT length(blob) FROM repo_index WHERE key NOT LIKE 'delta:%'"
    with sqlite3.connect(cache / DB_NAME) as conn:  # as if killed mid-write, or tampered
        (size,) = conn.execute(query).fetchone()
        conn.execute("UPDATE repo_index SET blob = substr(blob, 1, length(blob) / 2)")
    _same_as_cold(repo, cache, paths)  # not trusted: built afresh, same answer
    with sqlite3.connect(cache / DB_NAME) as conn:
        assert conn.execute(query).fetchone() == (size,)
    assert _same_as_cold(repo, cache, paths)


@pytest.mark.parametrize("staged", [False, True])
@pytest.mark.parametrize("damage", ["DELETE FROM index_parts", "UPDATE index_parts SET blob = x''"])
def test_a_missing_or_damaged_part_builds_the_index_again(
    repo: Path, tmp_path: Path, staged: bool, damage: str
) -> None:
    cache = tmp_path / "cache"
    _backdate(repo)
    paths = (_rel(repo, _cards(repo)[3]),)
    _same_as_cold(repo, cache, paths, staged=staged)
    before = _base_entry(cache)
    with sqlite3.connect(cache / DB_NAME) as conn:  # evicted, torn, or tampered with
        conn.execute(damage)
    _same_as_cold(repo, cache, paths, staged=staged)  # not trusted: indexed again
    assert _base_entry(cache) != before
    with sqlite3.connect(cache / DB_NAME) as conn:
        (parts,) = conn.execute("SELECT count(*) FROM index_parts").fetchone()
    assert parts > 0
    assert _same_as_cold(repo, cache, paths, staged=staged)


def test_an_index_from_another_tree_is_never_used(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _backdate(repo)
    paths = (_rel(repo, _cards(repo)[5]),)
    _same_as_cold(repo, cache, paths)
    other = tmp_path / "other"
    shutil.copytree(repo, other, symlinks=True)
    card = other / paths[0]
    data = _load(card)
    data["metadata"].pop("owner", None)
    _dump(card, data)
    _backdate(other)
    _same_as_cold(other, cache, paths)  # its own index is built, not the first one
    with sqlite3.connect(cache / DB_NAME) as conn:
        (count,) = conn.execute(BASES).fetchone()
    assert count == 2


def test_gate_mode_never_uses_the_index(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _backdate(repo)
    paths = (_rel(repo, _cards(repo)[2]),)
    _same_as_cold(repo, cache, paths)
    text, _, indexed = _run(repo, cache, paths, policy_from_ref="HEAD")
    cold, _, _ = _run(repo, cache, paths, policy_from_ref="HEAD", use_cache=False)
    assert not indexed and text == cold


def test_a_named_data_file_takes_the_full_path(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _backdate(repo)
    data_file = next(iter(sorted(repo.glob("datasets/*/*/data/*.jsonl"))))
    paths = (_rel(repo, data_file),)
    _same_as_cold(repo, cache, paths)
    assert not _same_as_cold(repo, cache, paths)


def _retarget(card: Path, peer: Path) -> None:
    data = _load(card)
    data["sources"] = [{"dataset": _load(peer)["metadata"]["id"]}]
    _dump(card, data)


@pytest.mark.slow
def test_a_cycle_drawn_after_an_index_run_matches_the_full_run(tmp_path: Path) -> None:
    """The random-edit case of issue 15, both ways round: finance -> code -> ads -> finance
    (code also derives from search; ads is real data). The drawing of an index run asks the
    depths of a fresh full graph in node order; the full run's drawing reads the graph its
    rules asked first: every depth must be the same either way (Markdown and HTML draw)."""
    repo = generate_repo(tmp_path / "repo", 12).root
    cache = tmp_path / "cache"
    ads, code, finance = _cards(repo)[:3]
    assert [_load(c)["metadata"]["id"].split("-")[0] for c in (ads, code, finance)] == [
        "ads",
        "code",
        "finance",
    ]
    _backdate(repo)
    _same_as_cold(repo, cache, (_rel(repo, ads),))  # fills the index
    _retarget(ads, finance)
    _retarget(finance, code)
    _backdate(repo)
    for first, second in ((finance, code), (code, finance)):
        for card in (first, second):
            paths = (_rel(repo, card),)
            _same_as_cold(repo, cache, paths, (*FORMATS, "html"))
            markdown, _, indexed = _run(repo, cache, paths, ("markdown",))
            assert indexed and "SG006" in markdown
            assert "finance-reviews-00008<br/>synthetic, depth 1" in markdown


@pytest.mark.slow
def test_a_dvc_pipeline_sends_the_run_down_the_full_path(repo: Path, tmp_path: Path) -> None:
    """DVC stages link documents by file path, which the index does not follow: with a
    dvc.yaml in the repository (read again on every run: the index trusts only native
    documents), runs take the full path."""
    cache = tmp_path / "cache"
    _backdate(repo)
    paths = (_rel(repo, _cards(repo)[7]),)
    _same_as_cold(repo, cache, paths)  # fills the index
    assert _same_as_cold(repo, cache, paths)
    data = _rel(repo, next(repo.glob("datasets/*/*/data/*")))
    (repo / "dvc.yaml").write_text(
        f"stages:\n  gen:\n    cmd: python gen.py\n    outs: [{data}]\n", encoding="utf-8"
    )
    assert not _same_as_cold(repo, cache, paths)  # a DVC document: the full path
    _backdate(repo)
    assert not _same_as_cold(repo, cache, paths)  # and on every later run


def _base_entry(cache: Path) -> bytes:
    """The index's base entry as stored: a new discovery writes a new one."""
    with sqlite3.connect(cache / DB_NAME) as conn:
        rows = conn.execute("SELECT blob FROM repo_index WHERE key NOT LIKE 'delta:%'").fetchall()
    assert len(rows) == 1
    return bytes(rows[0][0])


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _save_by_rename(card: Path, text: str) -> None:
    """An editor's save: a new file renamed over the old one (the folder changes)."""
    fresh = card.with_name(f".{card.name}.swp")
    fresh.write_text(text, encoding="utf-8")
    os.replace(fresh, card)


@pytest.mark.slow
def test_a_commit_keeps_the_file_list_while_git_tracks_the_same_paths(
    repo: Path, tmp_path: Path
) -> None:
    """What a commit does between two hook runs (a save by rename, ``git add``) changes
    git's index and a folder, not the file list: the index's list is kept (no new
    discovery, so the same base entry). A change of the tracked paths or of a folder's
    names discovers again. Every run gives the bytes of ``--no-cache``."""
    cache = tmp_path / "cache"
    _backdate(repo)
    cards = _cards(repo)
    card, other = cards[7], cards[3]
    paths = (_rel(repo, card),)
    _same_as_cold(repo, cache, paths)  # fills the index
    base = _base_entry(cache)
    for number in range(2):
        text = card.read_text(encoding="utf-8")
        _save_by_rename(card, text.replace("  description: ", f"  description: e{number}. ", 1))
        _git(repo, "add", paths[0])
        assert _same_as_cold(repo, cache, paths)
        assert _base_entry(cache) == base  # the list was kept
    _git(repo, "rm", "--cached", "-q", _rel(repo, other))  # tracked paths changed
    assert _same_as_cold(repo, cache, paths)
    assert _base_entry(cache) != base
    base = _base_entry(cache)  # kept with its state although folders changed just now
    for number in range(2):
        text = card.read_text(encoding="utf-8")
        _save_by_rename(card, text.replace("  description: ", f"  description: f{number}. ", 1))
        _git(repo, "add", paths[0])
        assert _same_as_cold(repo, cache, paths)
        assert _base_entry(cache) == base
    (card.parent / "extra.yaml").write_text("not: a card\n", encoding="utf-8")  # a new name
    assert _same_as_cold(repo, cache, paths)
    assert _base_entry(cache) != base


OPS = st.sampled_from(
    [
        "edit",
        "drop_owner",
        "rename_id",
        "retarget",
        "duplicate_id",
        "add",
        "remove",
        "move",
        "save_by_rename",
        "untrack",
        "unstage",
        "intend_to_add",
    ]
)


@pytest.mark.slow
@SEQUENCES
@given(
    steps=st.lists(
        st.tuples(OPS, st.integers(0, 99), st.integers(0, 99), st.booleans(), st.booleans()),
        min_size=1,
        max_size=6,
    ),
    staged=st.booleans(),
)
# a cycle finance -> code -> ads -> finance: the drawing asked the depths in another order
@example(steps=[("retarget", 0, 2, False, False), ("retarget", 2, 1, False, False)], staged=False)
# what a commit does: a save by rename, the change staged
@example(steps=[("save_by_rename", 3, 0, False, True), ("untrack", 4, 0, True, True)], staged=False)
# --staged: a staged edit, then unstaged; untracked and intended cards; a removal unstaged
@example(
    steps=[
        ("rename_id", 1, 0, True, True),
        ("edit", 1, 0, False, False),
        ("unstage", 1, 0, False, False),
        ("add", 2, 1, False, False),
        ("intend_to_add", 3, 1, False, False),
        ("remove", 4, 0, False, False),
        ("duplicate_id", 5, 6, False, True),
    ],
    staged=True,
)
# --staged: a card moved, not staged (the staged copy, gone from disk, keeps its lines)
@example(steps=[("move", 0, 0, False, False)], staged=True)
def test_warm_runs_match_cold_runs_through_random_edits(
    steps: list[tuple[str, int, int, bool, bool]], staged: bool
) -> None:
    """Edits, additions, removals and renames of cards and of ids other cards name, saves by
    rename and changes of what git tracks (untracked, unstaged, intended to add), each maybe
    staged (``git add -A``), in random sequences: after each, a commit-time run with the
    index gives the bytes of a ``--no-cache`` run, for the edited card and for the cards
    around it, with the work tree as context or (``--staged``) git's index."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = generate_repo(Path(tmp) / "repo", 12).root
        cache = Path(tmp) / "cache"
        _backdate(repo)
        _same_as_cold(repo, cache, (_rel(repo, _cards(repo)[0]),), staged=staged)
        for number, (op, i, j, backdate, stage) in enumerate(steps):
            cards = _cards(repo)
            card, peer = cards[i % len(cards)], cards[j % len(cards)]
            data, peer_id = _load(card), _load(peer)["metadata"]["id"]
            touched = card
            if op == "edit":
                data["metadata"]["description"] = f"edited {number}"
                _dump(card, data)
            elif op == "drop_owner":
                data["metadata"].pop("owner", None)
                _dump(card, data)
            elif op == "rename_id":
                data["metadata"]["id"] = f"{data['metadata']['id']}-r{number}"
                _dump(card, data)
            elif op == "retarget":  # may close a cycle, or point at itself
                data["sources"] = [{"dataset": peer_id}]
                _dump(card, data)
            elif op == "duplicate_id":
                data["metadata"]["id"] = peer_id
                _dump(card, data)
            elif op == "add":
                data["metadata"]["id"] = f"added-{number}"
                data["sources"] = [{"dataset": peer_id}]
                data.pop("files", None)
                touched = repo / "datasets" / "added" / f"a{number}" / "card.yaml"
                _dump(touched, data)
            elif op == "remove" and len(cards) > 2:
                card.unlink()
                touched = peer if peer != card else cards[0 if card != cards[0] else 1]
            elif op == "move":
                touched = repo / "datasets" / "moved" / f"m{number}" / "card.yaml"
                touched.parent.mkdir(parents=True)
                card.rename(touched)
            elif op == "save_by_rename":
                data["metadata"]["description"] = f"saved {number}"
                _save_by_rename(card, yaml.safe_dump(data, sort_keys=False))
            elif op == "untrack":
                _git(repo, "rm", "--cached", "-q", "--ignore-unmatch", _rel(repo, card))
            elif op == "unstage":  # the index goes back to the commit's, the work tree stays
                _git(repo, "reset", "-q", "--", _rel(repo, card))
            elif op == "intend_to_add":  # git add -N: tracked, nothing staged yet
                data["metadata"]["id"] = f"intended-{number}"
                touched = repo / "datasets" / "intended" / f"i{number}" / "card.yaml"
                _dump(touched, data)
                _git(repo, "add", "-N", _rel(repo, touched))
            if stage:
                _git(repo, "add", "-A")
            if backdate:
                _backdate(repo)
            for target in {touched, peer}:
                if target.exists():
                    _same_as_cold(repo, cache, (_rel(repo, target),), staged=staged)
