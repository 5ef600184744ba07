"""The cache (SPEC section 14, synthgov/app/cache/runcache.py): a warm re-run is served from the
cache and gives the same bytes; anything that can change a finding misses it.

Hits are observed in-process (a cached run's documents are loaded lazily, on demand);
outputs are compared as rendered JSON, byte for byte, against ``--no-cache`` runs of the
real command line.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import synthgov.app.cache.runcache
from synthgov.app.cache.runcache import LazyDocuments
from synthgov.app.cache.store import DB_NAME
from synthgov.app.check.runner import CheckOptions, prepare, run_check
from tests.conftest import ROOT, git, run_cli

sys.path.insert(0, str(ROOT / "bench"))
from generate import card_path, generate_repo


def _check(repo: Path, cache: Path, **options: Any) -> tuple[str, bool, int]:
    """(JSON output, whether the cache served it, exit code), in-process."""
    previous = os.environ.get("SYNTHGOV_CACHE_DIR")
    os.environ["SYNTHGOV_CACHE_DIR"] = str(cache)
    try:
        opts = CheckOptions(cwd=str(repo), **options)
        setup = prepare(opts)
        result = run_check(opts, setup)
        text = setup.registry.reporters["json"](result.report)
    finally:
        if previous is None:
            del os.environ["SYNTHGOV_CACHE_DIR"]
        else:
            os.environ["SYNTHGOV_CACHE_DIR"] = previous
    return text, isinstance(result.documents, LazyDocuments), result.exit_code


def _cli(repo: Path, cache: Path, *args: str, env: dict[str, str] | None = None) -> str:
    proc = run_cli(
        "check",
        "--format",
        "json",
        *args,
        cwd=repo,
        env={"SYNTHGOV_CACHE_DIR": str(cache), **(env or {})},
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


def _findings(text: str) -> list[dict[str, Any]]:
    return json.loads(text)["findings"]


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    repo = tmp_path / "acme"
    shutil.copytree(ROOT / "examples" / "acme", repo)
    return repo


def test_warm_rerun_is_served_and_identical(acme: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold, hit1, code1 = _check(acme, cache)
    warm, hit2, code2 = _check(acme, cache)
    assert (hit1, hit2) == (False, True)
    assert warm == cold and code1 == code2
    assert (cache / DB_NAME).is_file()
    assert _cli(acme, cache) == cold == _cli(acme, cache, "--no-cache")


def test_no_cache_and_config_switch_it_off(acme: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _check(acme, cache, use_cache=False)
    assert not (cache / DB_NAME).exists()  # start-up snapshots (synthgov/repo/snapshot.py) only
    (acme / "synthgov.yaml").write_text("policies: [builtin:baseline]\ncache: {enabled: false}\n")
    _check(acme, cache)
    _, hit, _ = _check(acme, cache)
    assert not hit and not (cache / DB_NAME).exists()


def test_cache_dir_from_config(acme: Path) -> None:
    (acme / "synthgov.yaml").write_text(
        "policies: [builtin:baseline]\ncache: {dir: .synthgov_cache}\n"
    )
    os.environ.pop("SYNTHGOV_CACHE_DIR", None)
    opts = CheckOptions(cwd=str(acme))
    run_check(opts, prepare(opts))
    assert (acme / ".synthgov_cache" / DB_NAME).is_file()
    result = run_check(opts, prepare(opts))
    assert isinstance(result.documents, LazyDocuments)
    assert len(result.documents) == 4  # loaded on demand, e.g. for `synthgov graph`
    assert {d.id for d in result.documents} >= {"support-eval-v1", "tickets-2024"}


def test_data_file_and_prompt_changes_are_seen(acme: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    clean, _, code = _check(acme, cache)
    assert code == 0
    data = acme / "datasets/support-eval/data/test.jsonl"
    data.write_bytes(data.read_bytes().replace(b"a", b"b", 1))  # same size, other sha256
    changed, hit, code = _check(acme, cache)
    assert not hit and code == 1
    assert [f["rule"] for f in _findings(changed)] == ["SG107"]
    assert changed == _cli(acme, cache, "--no-cache")
    data.unlink()
    missing, hit, _ = _check(acme, cache)
    assert not hit and "SG108" in {f["rule"] for f in _findings(missing)}
    prompt = acme / "prompts/support-eval.txt"
    prompt.write_text(prompt.read_text() + "one more line\n")
    after, hit, _ = _check(acme, cache)
    assert not hit and "SG104" in {f["rule"] for f in _findings(after)}
    assert after == _cli(acme, cache, "--no-cache")


def test_same_size_edit_with_restored_mtime_is_seen(acme: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    card = acme / "datasets/tickets-2024/card.yaml"
    before = card.stat()
    _check(acme, cache)
    text = card.read_text()
    card.write_text(text.replace("owner:", "ownr: ", 1))  # same size: SG002 and SG401
    os.utime(card, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert card.stat().st_size == before.st_size and card.stat().st_mtime_ns == before.st_mtime_ns
    out, hit, _ = _check(acme, cache)
    assert not hit
    assert {"SG002", "SG401"} <= {f["rule"] for f in _findings(out)}


POLICY = """apiVersion: synthgov/v1
kind: Policy
metadata: {name: local}
extends: [builtin:baseline]
rules:
  SG109: %s
"""


def test_policy_registry_and_options_are_part_of_the_key(acme: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    card = acme / "datasets/support-eval/card.yaml"
    card.write_text(
        card.read_text().replace("    parameters: {temperature: 0.7, max_tokens: 1024}\n", "")
    )
    base, _, _ = _check(acme, cache)
    assert "SG109" in {f["rule"] for f in _findings(base)}
    policy = acme / "local-policy.yaml"
    policy.write_text(POLICY % "off")
    config = acme / "synthgov.yaml"
    config.write_text("policies: [local-policy.yaml]\n")
    relaxed, hit, _ = _check(acme, cache)
    assert not hit and "SG109" not in {f["rule"] for f in _findings(relaxed)}
    policy.write_text(POLICY % "error")  # the policy file changes, the config does not
    strict, hit, _ = _check(acme, cache)
    assert not hit and "SG109" in {f["rule"] for f in _findings(strict)}
    assert strict == _cli(acme, cache, "--no-cache")
    config.write_text(
        "policies: [builtin:baseline]\nmodels:\n"
        "  - {match: ['claude-3-5-sonnet-*'], family: claude, pinned: false}\n"
    )
    moved, hit, _ = _check(acme, cache)  # a registry entry makes the generator a moving alias
    assert not hit and "SG102" in {f["rule"] for f in _findings(moved)}
    assert moved == _cli(acme, cache, "--no-cache")
    config.write_text("policies: [builtin:baseline]\n")
    policy.unlink()
    again, hit, _ = _check(acme, cache)
    assert again == base
    selected, hit, _ = _check(acme, cache, select=("SG0",))
    assert not hit and "SG109" not in {f["rule"] for f in _findings(selected)}


def test_today_is_part_of_the_key(acme: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    card = acme / "datasets/support-eval/card.yaml"
    text = card.read_text().replace("    parameters: {temperature: 0.7, max_tokens: 1024}\n", "")
    waiver = (
        "  waivers:\n    - {rule: SG109, reason: parameters were not logged, "
        "approved_by: jane.doe@acme.example, approved_on: 2026-11-01, expires: 2026-11-30}\n"
    )
    card.write_text(text + waiver)
    now = _cli(acme, cache)
    assert "SG404" not in {f["rule"] for f in _findings(now)}
    later = _cli(acme, cache, env={"SYNTHGOV_TODAY": "2026-12-02"})
    assert "SG404" in {f["rule"] for f in _findings(later)}
    assert later == _cli(acme, cache, "--no-cache", env={"SYNTHGOV_TODAY": "2026-12-02"})


@pytest.mark.slow
def test_one_changed_card_reports_it_and_its_lineage(tmp_path: Path) -> None:
    """The acceptance case: one card of a generated 10,000-card repository changes (about a
    minute on 2 cores; bench/ times the same scenario)."""
    repo = generate_repo(tmp_path / "repo", 10_000)
    cache = tmp_path / "cache"
    first, hit, _ = _check(repo.root, cache)
    assert not hit
    again, hit, _ = _check(repo.root, cache)
    assert hit and again == first
    conn = sqlite3.connect(cache / DB_NAME)
    parsed_before = conn.execute("SELECT count(*) FROM parse").fetchone()[0]
    conn.close()
    assert parsed_before == len(repo.cards) + len(repo.pipelines)
    # a seed dataset changes its id: every card derived from it now names a missing dataset,
    # and the card itself loses its owner
    seed = 7
    old_id = repo.ids[seed]
    card = card_path(repo.root, old_id, seed)
    text = card.read_text()
    card.write_text(
        text.replace(f"id: {old_id}", "id: renamed-seed").replace("  owner:", "  x-owner:")
    )
    dependents = {
        str(path.relative_to(repo.root))
        for path in repo.cards
        if re.search(rf"dataset: {re.escape(old_id)}\n", path.read_text())
    }
    assert dependents
    changed, hit, _ = _check(repo.root, cache)
    assert not hit
    assert changed == _cli(repo.root, cache, "--no-cache")
    findings = _findings(changed)
    unresolved = {f["path"] for f in findings if f["rule"] == "SG004" and old_id in f["message"]}
    assert unresolved == dependents
    own = {f["rule"] for f in findings if f["path"] == str(card.relative_to(repo.root))}
    assert "SG401" in own
    conn = sqlite3.connect(cache / DB_NAME)
    assert conn.execute("SELECT count(*) FROM parse").fetchone()[0] == parsed_before + 1
    conn.close()
    card.write_text(text)
    restored, hit, _ = _check(repo.root, cache)
    assert restored == first


def test_added_and_removed_cards_are_seen(acme: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    base, _, _ = _check(acme, cache)
    extra = acme / "datasets/extra/card.yaml"
    extra.parent.mkdir()
    extra.write_text(
        "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: support-eval-v1}\n"
    )
    dup, hit, _ = _check(acme, cache)
    assert not hit and "SG005" in {f["rule"] for f in _findings(dup)}
    shutil.rmtree(extra.parent)
    gone, _, _ = _check(acme, cache)
    assert gone == base


def test_corrupt_or_tampered_cache_is_ignored(acme: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    base, _, _ = _check(acme, cache)
    conn = sqlite3.connect(cache / DB_NAME)
    conn.execute("UPDATE runs SET blob = substr(blob, 1, 40) || x'00' || substr(blob, 42)")
    conn.commit()
    conn.close()
    out, hit, _ = _check(acme, cache)
    assert out == base and not hit  # the signature no longer verifies: a miss
    for path in cache.rglob("*"):  # the database, its journal, the start-up snapshots
        if path.is_file():
            path.write_bytes(b"this is not a database" * 100)
    out, hit, _ = _check(acme, cache)
    assert out == base and not hit
    out, hit, _ = _check(acme, cache)
    assert out == base and hit  # the damaged file was replaced by a working one


def test_unwritable_cache_dir_runs_without_cache(acme: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    out, hit, code = _check(acme, blocker / "cache")
    assert code == 0 and not hit
    assert out == _cli(acme, tmp_path / "other", "--no-cache")


@pytest.mark.slow
def test_concurrent_runs_agree(acme: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {
        **os.environ,
        "SYNTHGOV_CACHE_DIR": str(cache),
        "NO_COLOR": "1",
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "synthgov", "check", "--format", "json"],
            cwd=acme,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(6)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outs]
    assert len({o for o, _ in outs}) == 1
    assert outs[0][0].decode() == _cli(acme, cache, "--no-cache")
    # The database survived the race intact. Under heavy load every racing writer may have
    # given up after the busy timeout (its results are then simply not kept), so the next
    # run may have to fill the cache; the one after it must be served from it.
    first, _, _ = _check(acme, cache)
    again, hit, _ = _check(acme, cache)
    assert hit and first == again == outs[0][0].decode()


def _age(root: Path, seconds: float = 60) -> None:
    """Make every folder look untouched for a while (a folder changed within the last few
    seconds is "racy" and never lets a run skip discovery)."""
    import time

    past = time.time() - seconds
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        os.utime(folder, (past, past))


def _fast_rows(cache: Path) -> int:
    conn = sqlite3.connect(cache / DB_NAME)
    try:
        return conn.execute("SELECT count(*) FROM runs WHERE key LIKE 'fast:%'").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.parametrize("beside", [False, True], ids=["in-process", "forked-check"])
@pytest.mark.parametrize("with_git", [True, False])
def test_skipping_discovery_still_sees_new_files(
    acme: Path, tmp_path: Path, with_git: bool, beside: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # forked-check: the folders are checked by a child process (cache.check_beside), as in
    # a warm run over thousands of cards
    monkeypatch.setattr(synthgov.app.cache.runcache, "CHECK_BESIDE_FROM", 0 if beside else 10**9)
    cache = tmp_path / "cache"
    (acme / "datasets" / "empty").mkdir()
    if with_git:
        git(acme, "init", "-q")
        git(acme, "add", "-A")
        git(acme, "commit", "-q", "-m", "x")
    _age(acme)
    base, hit, _ = _check(acme, cache)
    assert not hit and _fast_rows(cache) == 1
    again, hit, _ = _check(acme, cache)
    assert hit and again == base
    # a card appears in a folder that was empty: only that folder's mtime changes
    (acme / "datasets" / "empty" / "card.yaml").write_text(
        "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: support-eval-v1}\n"
    )
    added, hit, _ = _check(acme, cache)
    assert not hit and "SG005" in {f["rule"] for f in _findings(added)}
    assert _check(acme, cache)[1]  # and the next run is served again
    assert added == _cli(acme, cache, "--no-cache")
    if with_git:  # now git ignores it
        _age(acme)
        _check(acme, cache)
        (acme / ".gitignore").write_text("datasets/empty/\n")
        ignored, _, _ = _check(acme, cache)  # the same files as the first run: its result
        assert ignored == base == _cli(acme, cache, "--no-cache")


def test_check_beside_gives_the_childs_verdict(tmp_path: Path) -> None:
    from synthgov.app.cache.filestate import (
        all_unchanged,
        check_beside,
        dir_signature,
        names_digest,
        signature,
    )

    (tmp_path / "a").write_text("a")
    state = [("dir", str(tmp_path), (dir_signature(str(tmp_path)), names_digest(str(tmp_path))))]
    state += [("file", str(tmp_path / "a"), signature(str(tmp_path / "a")))]
    state += [("file", str(tmp_path / "gone"), None)]
    verdict = check_beside(state)
    assert verdict is not None and verdict() is True and all_unchanged(state)
    (tmp_path / "a").write_text("bb")
    verdict = check_beside(state)
    assert verdict is not None and verdict() is False and not all_unchanged(state)


@pytest.mark.parametrize("changed", [0, 9])  # in the child's share, in the caller's
def test_check_beside_sees_a_change_in_either_share(tmp_path: Path, changed: int) -> None:
    from synthgov.app.cache.filestate import check_beside, signature

    paths = [tmp_path / f"f{i}" for i in range(10)]
    for path in paths:
        path.write_text("x")
    state = [("file", str(p), signature(str(p))) for p in paths]
    verdict = check_beside(state)
    assert verdict is not None and verdict() is True
    paths[changed].write_text("changed")
    verdict = check_beside(state)
    assert verdict is not None and verdict() is False


def test_check_beside_does_not_fork_a_threaded_process(tmp_path: Path) -> None:
    import threading

    from synthgov.app.cache.filestate import check_beside

    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        assert check_beside([("file", str(tmp_path / "gone"), None)]) is None
    finally:
        release.set()
        worker.join()


def test_a_discovery_state_holds_through_git_add_and_saves_by_rename(acme: Path) -> None:
    """What a commit does (git add rewrites git's index; an editor saves by rename) changes
    nothing discovery sees; a change of the tracked paths or of a folder's names does."""
    from synthgov.app.cache.discoverystate import discovery_state
    from synthgov.app.cache.filestate import RACY_NS, all_unchanged

    git(acme, "init", "-q")
    git(acme, "add", "-A")
    git(acme, "commit", "-q", "-m", "x")
    _age(acme)
    root = str(acme)
    state = discovery_state([root], time.time_ns() - RACY_NS)
    assert state is not None and all_unchanged(state)
    card = next(acme.glob("datasets/*/card.yaml"))
    fresh = card.with_name(".card.yaml.tmp")
    fresh.write_text(card.read_text() + "# saved\n")
    fresh.replace(card)
    git(acme, "add", "-A")
    assert all_unchanged(state)
    git(acme, "rm", "--cached", "-q", str(card.relative_to(acme)))
    assert not all_unchanged(state)  # the tracked paths changed
    git(acme, "add", "-A")
    assert all_unchanged(state)  # and back
    (card.parent / "notes.txt").write_text("x")
    assert not all_unchanged(state)  # a new name in a folder


def test_an_installed_wheel_is_fingerprinted_by_its_record(tmp_path: Path) -> None:
    """pip rewrites a distribution's RECORD whenever it installs it: one stat stands for
    every installed file; a source checkout (no RECORD listing the package) is walked."""
    from synthgov.app.cache.keys import _installed_record

    package = tmp_path / "site" / "synthgov"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    assert _installed_record(str(package)) is None  # a checkout
    other = tmp_path / "site" / "synthgov_plugin-1.0.dist-info"
    other.mkdir()
    (other / "RECORD").write_text("synthgov_plugin/__init__.py,,\n")
    assert _installed_record(str(package)) is None  # not ours
    info = tmp_path / "site" / "synthgov-0.1.0.dist-info"
    info.mkdir()
    (info / "RECORD").write_text("synthgov/__init__.py,sha256=x,0\nsynthgov/cli/main.py,,\n")
    assert _installed_record(str(package)) == str(info / "RECORD")
