"""Data verification benchmark (issue 16), side by side in one run.

Generates (seeded) N rows of ~300-byte texts in 10 JSONL shards with planted exact
duplicates (5%), near duplicates (3%: one word appended to a source row) and a 10,000-row
evaluation set of which 1% is copied from the training rows; then measures, in one process:

1. the floor: a bare DuckDB query, ``count(*)`` and ``count(DISTINCT md5(text))`` over the
   shards;
2. the exact measures of synthgov's DuckDB engine (rows, columns and types, normalised-text
   hashes, duplicates; no MinHash, no PII): the ratio to the floor;
3. the full verification (``run_verification``: MinHash LSH near duplicates, 13-gram
   contamination, PII, distributions) cold, with a fresh measure cache;
4. a warm run after one of the 10 shards changed (ratio to the cold run);
5. precision and recall of the planted duplicates, near duplicates and contaminated rows,
   read from the sketches the run wrote.

Not a timed test: run it by hand, e.g. ``python bench/verify_bench.py --rows 200000``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SHARDS = 10
EVAL_ROWS = 10_000


def _words(rng: random.Random, n: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choice(letters) for _ in range(rng.randint(3, 9))) for _ in range(n)]


def generate(root: Path, rows: int, seed: int = 16) -> dict[str, set[tuple[str, int]]]:
    """Write the shards and the evaluation set; return the planted rows as (file, line)."""
    rng = random.Random(seed)
    vocab = _words(rng, 20_000)
    n_exact, n_near = rows * 5 // 100, rows * 3 // 100
    n_unique = rows - n_exact - n_near
    # kinds: 0 unique, 1 exact copy, 2 near copy; copies come after their source
    kinds = [0] * n_unique + [1] * n_exact + [2] * n_near
    rng.shuffle(kinds)
    kinds.sort(key=lambda k: k != 0)  # sources first keeps it simple: copies follow
    order = list(range(rows))
    texts: list[str] = []
    where: list[tuple[str, int]] = []
    planted: dict[str, set[tuple[str, int]]] = {
        "exact": set(),
        "exact_src": set(),
        "near": set(),
        "near_src": set(),
    }
    per_shard = -(-rows // SHARDS)
    data = root / "train" / "data"
    data.mkdir(parents=True)
    handles = [open(data / f"train-{s:05d}.jsonl", "w", encoding="utf-8") for s in range(SHARDS)]
    used_sources: set[int] = set()
    # interleave: spread copies over every shard
    rng.shuffle(order)
    slots = sorted(range(rows), key=lambda i: order[i])
    line = [0] * SHARDS
    for i, kind in enumerate(kinds):
        if kind == 0:
            text = " ".join(rng.choice(vocab) for _ in range(45))
        else:
            src = rng.randrange(0, n_unique)
            while src in used_sources:
                src = rng.randrange(0, n_unique)
            used_sources.add(src)
            if kind == 1:
                text = texts[src].upper() + "!"  # same normalised text
                planted["exact_src"].add(where[src])
            else:
                text = texts[src] + " " + rng.choice(vocab)
                planted["near_src"].add(where[src])
        shard = slots[i] // per_shard
        line[shard] += 1
        loc = (f"train-{shard:05d}.jsonl", line[shard])
        texts.append(text)
        where.append(loc)
        if kind == 1:
            planted["exact"].add(loc)
        elif kind == 2:
            planted["near"].add(loc)
        gen = "model-a" if i % 3 else "human"
        handles[shard].write(json.dumps({"id": i, "text": text, "generator": gen}) + "\n")
    for h in handles:
        h.close()
    # the evaluation set: 1% copied from training rows (with a prefix), the rest fresh
    ev = root / "eval" / "data"
    ev.mkdir(parents=True)
    planted["contaminated"] = set()
    with open(ev / "test.jsonl", "w", encoding="utf-8") as h:
        for j in range(EVAL_ROWS):
            if j % 100 == 0:
                text = "Question: " + texts[rng.randrange(0, n_unique)]
                planted["contaminated"].add(("test.jsonl", j + 1))
            else:
                text = " ".join(rng.choice(vocab) for _ in range(45))
            h.write(json.dumps({"id": j, "text": text, "generator": "model-b"}) + "\n")
    card = (
        "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {{id: {id}}}\npurpose: [{p}]\n"
        "files:\n  - {{path: '{glob}'}}\n{extra}"
    )
    (root / "train" / "card.yaml").write_text(
        card.format(id="bench-train", p="training", glob="data/train-*.jsonl", extra="")
    )
    (root / "eval" / "card.yaml").write_text(
        card.format(
            id="bench-eval",
            p="evaluation",
            glob="data/test.jsonl",
            extra="validation:\n  contamination:\n    - {against: [bench-train], overlap: 0.0}\n",
        )
    )
    return planted


def floor(con: object, shards: str) -> tuple[float, tuple[int, int]]:
    t = time.perf_counter()
    got = con.execute(  # type: ignore[attr-defined]
        f"SELECT count(*), count(DISTINCT md5(text)) FROM read_json('{shards}', "
        "format='newline_delimited')"
    ).fetchone()
    return time.perf_counter() - t, (int(got[0]), int(got[1]))


def exact(files: list[Path], sketch_root: Path) -> tuple[float, int, int]:
    from synthgov.verify.duckdb_engine import DuckDBEngine
    from synthgov.verify.model import FileSpec, MeasureParams

    params = MeasureParams(bands=0, detectors=(), text_fields=("text",))
    engine = DuckDBEngine()
    from concurrent.futures import ThreadPoolExecutor

    from synthgov.verify.measure import WORKERS

    def one(k: int) -> int:
        spec = FileSpec(str(files[k]), files[k].name, "jsonl")
        return engine.measure_file(spec, params, str(sketch_root / f"e{k}")).rows

    t = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:  # as the verify run does
        rows = sum(pool.map(one, range(len(files))))
    dups = engine.duplicate_rows([str(sketch_root / f"e{k}") for k in range(len(files))])
    took = time.perf_counter() - t
    engine.close()
    return took, rows, dups


def full(root: Path, cache: Path, engine: Any = None) -> tuple[float, Any]:
    """One timed verification run of the generated repository (the default engine when
    ``engine`` is None); bench/verify_spark_bench.py times Spark with it too."""
    from synthgov.app.check.runner import CheckOptions, load_files, prepare
    from synthgov.lineage.graph import LineageGraph
    from synthgov.loaders.native import NativeLoader  # noqa: F401 - imported by load_files
    from synthgov.repo.files import LocalFiles
    from synthgov.verify.measure import display_from, run_verification
    from synthgov.verify.model import MeasureParams

    options = CheckOptions(cwd=str(root))
    setup = prepare(options)
    cards = [str(root / "train" / "card.yaml"), str(root / "eval" / "card.yaml")]
    docs = load_files(cards, setup.registry.loaders, str(root), setup.config.limits).documents
    t = time.perf_counter()
    v = run_verification(
        docs,
        None,
        LineageGraph.build(docs),
        LocalFiles(str(root)),
        MeasureParams(text_fields=("text",)),
        display_from(str(root)),
        cache_folder=str(cache),
        engine=engine,
    )
    return time.perf_counter() - t, v


def quality(v: object, planted: dict[str, set[tuple[str, int]]]) -> dict[str, dict[str, float]]:
    import duckdb

    con = duckdb.connect()
    train = v.datasets["train/card.yaml"]  # type: ignore[attr-defined]
    evald = v.datasets["eval/card.yaml"]  # type: ignore[attr-defined]

    def union(files: object, name: str) -> str:
        parts = [
            f"SELECT '{os.path.basename(f.spec.path)}' AS f, * FROM "
            f"read_parquet('{os.path.join(f.sketch, name + '.parquet')}')"
            for f in files  # type: ignore[attr-defined]
        ]
        return " UNION ALL ".join(parts)

    hashes = union(train.files, "hashes")
    found_exact = {
        (f, int(rn))
        for f, rn in con.execute(
            f"SELECT f, rn FROM (SELECT f, rn, count(*) OVER (PARTITION BY h) AS k "
            f"FROM ({hashes})) WHERE k > 1"
        ).fetchall()
    }
    bands = union(train.files, "bands")
    found_near = {
        (f, int(rn))
        for f, rn in con.execute(
            f"WITH b AS ({bands}), hh AS ({hashes}), x AS (SELECT b.f, b.rn, band, bh, h FROM b "
            "JOIN hh USING (f, rn)), k AS (SELECT band, bh FROM x GROUP BY ALL HAVING "
            "count(DISTINCT h) > 1) SELECT DISTINCT f, rn FROM x SEMI JOIN k USING (band, bh)"
        ).fetchall()
    }
    found_cont: set[tuple[str, int]] = set()
    hits = sorted({g for f in train.files for g in f.measure.contaminated})
    if hits:
        con.execute("CREATE TABLE found (g UBIGINT)")
        con.executemany("INSERT INTO found VALUES (?)", [[g] for g in hits])
        grams = union(evald.files, "ngrams")
        found_cont = {
            (f, int(rn))
            for f, rn in con.execute(
                f"SELECT DISTINCT f, rn FROM ({grams}) WHERE g IN (SELECT g FROM found)"
            ).fetchall()
        }

    def pr(found: set, truth: set, legit: set) -> dict[str, float]:
        tp = len(found & truth)
        return {
            "found": len(found),
            "planted": len(truth),
            "precision": round(len(found & legit) / len(found), 4) if found else 1.0,
            "recall": round(tp / len(truth), 4) if truth else 1.0,
        }

    near_legit = planted["near"] | planted["near_src"]
    return {
        # a duplicate group holds the source and its copy: both are found, either may come
        # first in file order, so the copy is recalled and a found row is right when it is
        # a copy or the source of one
        "exact_duplicates": pr(
            found_exact, planted["exact"], planted["exact"] | planted["exact_src"]
        ),
        "near_duplicates": pr(found_near, planted["near"], near_legit),
        "contamination": pr(found_cont, planted["contaminated"], planted["contaminated"]),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--keep", help="generate into this folder and keep it")
    args = ap.parse_args()
    import duckdb

    root = Path(args.keep or tempfile.mkdtemp(prefix="synthgov-vbench-"))
    try:
        t = time.perf_counter()
        planted = generate(root, args.rows)
        gen_s = time.perf_counter() - t
        files = sorted((root / "train" / "data").glob("train-*.jsonl"))
        shards = str(root / "train" / "data" / "train-*.jsonl")
        size = sum(f.stat().st_size for f in files)
        con = duckdb.connect()
        floor(con, shards)  # page cache warm for both
        floor_s, (n, distinct) = floor(con, shards)
        con.close()
        exact_s, rows, dups = exact(files, root / "sk")
        cold_s, v = full(root, root / "cache")
        train = v.datasets["train/card.yaml"]  # type: ignore[attr-defined]
        # one shard changes: its last row is replaced
        victim = files[3]
        lines = victim.read_text(encoding="utf-8").splitlines()
        lines[-1] = json.dumps({"id": -1, "text": "a changed row", "generator": "human"})
        victim.write_text("\n".join(lines) + "\n", encoding="utf-8")
        warm_s, v2 = full(root, root / "cache")
        remeasured = [
            f.spec.shown
            for dm in v2.datasets.values()  # type: ignore[attr-defined]
            for f in dm.files
            if not f.cached
        ]
        report = {
            "rows": n,
            "bytes": size,
            "generate_s": round(gen_s, 2),
            "floor_s": round(floor_s, 2),
            "floor": {"count": n, "distinct_md5": distinct},
            "exact_s": round(exact_s, 2),
            "exact_over_floor": round(exact_s / floor_s, 2),
            "exact": {"rows": rows, "duplicate_rows": dups},
            "full_cold_s": round(cold_s, 2),
            "full": {
                "duplicate_rows": train.duplicate_rows,
                "near_duplicate_rows": train.near_duplicate_rows,
                "contamination": v.datasets["eval/card.yaml"].contamination,  # type: ignore
            },
            "rows_per_s_beyond_exact": round(rows / max(cold_s - exact_s, 1e-9)),
            "warm_after_one_shard_s": round(warm_s, 2),
            "warm_over_cold": round(warm_s / cold_s, 3),
            "remeasured": remeasured,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "quality": quality(v, planted),
        }
        print(json.dumps(report, indent=2, default=str))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
