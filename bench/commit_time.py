"""Commit-time checks with the repository index (issue 15), side by side with check-jsonschema.

    python bench/commit_time.py                 # 10 and 10,000 cards, 7 rounds
    python bench/commit_time.py --sizes 10,1000 --rounds 5 --no-install

For each repository size (``bench/generate.py``): one card is edited before every call (its
description changes; saved by rename and staged with ``git add``, as a developer's commit
would), then ``synthgov check --staged <card>`` runs as
pre-commit runs it (cache and index warm) and ``check-jsonschema --schemafile
schemas/datasetcard.schema.json <card>`` on the same card, taking turns (interleaved);
medians (timed: the hook's own command, ``synthgov check --staged --force-exclude <card>``, text
report). Also measured once: the first commit-time run with an empty cache (it fills the
parse cache and the index) and ``--no-cache`` on the same card (the full path); that the
indexed run's output is the ``--no-cache`` one is checked here and proved by
``tests/test_index.py``. Disk: the cache database with and without the index's tables.

Uses ``bench/.venv`` like ``bench/run.py`` (synthgov installed as a wheel, check-jsonschema).
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate_repo  # noqa: E402
from run import SCHEMA, VENV, _env, bench_venv, measure  # noqa: E402


def _edit(card: Path, text: str, n: int, root: Path) -> None:
    """What a commit does to the card before the hook runs: an editor's save (a new file
    renamed over the old one, as vim, JetBrains' safe write and many others save) and
    ``git add``; both change more than the card (its folder, git's index)."""
    fresh = card.with_name(f".{card.name}.tmp")
    fresh.write_text(text.replace("  description: ", f"  description: edit {n}. ", 1))
    fresh.replace(card)
    subprocess.run(["git", "add", str(card)], cwd=root, check=True, capture_output=True)


def _disk(cache: Path) -> dict[str, int]:
    db = cache / "cache-v1.sqlite3"
    subprocess.run(  # fold the write-ahead log into the file before measuring it
        [sys.executable, "-c", f"import sqlite3; sqlite3.connect({str(db)!r}).execute("
         "'PRAGMA wal_checkpoint(TRUNCATE)')"],
        check=False,
    )  # fmt: skip
    with sqlite3.connect(db) as conn:
        sizes = {
            table: conn.execute(f"SELECT coalesce(sum(length(blob)), 0) FROM {table}").fetchone()[0]
            for table in ("parse", "runs", "repo_index", "index_parts")
        }
    sizes["file"] = db.stat().st_size
    return sizes


def one_size(n: int, rounds: int, work: Path, python: Path) -> dict[str, Any]:
    repo = generate_repo(work / f"repo-{n}", n)
    root = repo.root
    env = _env(work / f"env-{n}")
    card = repo.cards[min(7, len(repo.cards) - 1)]
    rel = str(card.relative_to(root))
    text = card.read_text()
    # timed: the command the pre-commit hook runs (.pre-commit-hooks.yaml); compared with
    # --no-cache: the same run's JSON report
    hook = [str(python), "-m", "synthgov", "check", "--staged", "--force-exclude", rel]
    synthgov = [str(python), "-m", "synthgov", "check", "--staged", "--format", "json", rel]
    cjs = [str(VENV / "bin" / "check-jsonschema"), "--schemafile", str(SCHEMA), rel]
    first = measure(synthgov, root, env)  # empty cache: fills the parse cache and the index
    full = measure([*synthgov, "--no-cache"], root, env)
    ours, theirs = [], []
    for r in range(rounds):
        _edit(card, text, r, root)
        pair = [("synthgov", hook), ("check-jsonschema", cjs)]
        for name, cmd in pair if r % 2 == 0 else pair[::-1]:
            sample = measure(cmd, root, env)
            (ours if name == "synthgov" else theirs).append(sample.seconds)
    indexed = subprocess.run(synthgov, cwd=root, env=env, capture_output=True).stdout
    cold = subprocess.run([*synthgov, "--no-cache"], cwd=root, env=env, capture_output=True)
    card.write_text(text)
    disk = _disk(Path(env["SYNTHGOV_CACHE_DIR"]))
    without = disk["parse"] + disk["runs"]
    return {
        "cards": n,
        "synthgov, one edited card, index warm (median s)": statistics.median(ours),
        "check-jsonschema, that card (median s)": statistics.median(theirs),
        "ratio": statistics.median(ours) / statistics.median(theirs),
        "first commit-time run, empty cache (s)": first.seconds,
        "--no-cache on that card (s)": full.seconds,
        "output identical to --no-cache": indexed == cold.stdout and bool(indexed),
        "cache entries without the index (bytes)": without,
        "index (bytes)": disk["repo_index"] + disk["index_parts"],
        "index added to the cache (share)": (
            (disk["repo_index"] + disk["index_parts"]) / without if without else None
        ),
        "database file (bytes)": disk["file"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default="10,10000")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--no-install", action="store_true")
    args = parser.parse_args()
    python = bench_venv(not args.no_install)
    work = Path(tempfile.mkdtemp(prefix="synthgov-commit-"))
    results = [one_size(int(n), args.rounds, work, python) for n in args.sizes.split(",")]
    print(json.dumps(results, indent=2))
    if len(results) >= 2:
        small, large = results[0], results[-1]
        key = "synthgov, one edited card, index warm (median s)"
        print(f"largest / smallest repository: {large[key] / small[key]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
