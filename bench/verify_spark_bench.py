"""Data verification on Spark ``local[N]`` next to DuckDB on the same files (issue 17).

Uses the generator of ``bench/verify_bench.py`` (seeded: N rows of ~300-byte texts in 10
JSONL shards, planted exact duplicates 5%, near duplicates 3%, 1% of a 10,000-row evaluation
set contaminated), then, in one process and on the same files:

1. DuckDB floor: ``count(*)`` and ``count(DISTINCT md5(text))``;
2. Spark floor: the same two aggregates as a Spark job (session already started);
3. the full verification (``run_verification``) on DuckDB, cold;
4. the full verification on Spark, cold (session start-up reported apart);
5. whether the two agree: rows, duplicates, near duplicates, contaminated rows.

Not a timed test: run by hand, e.g. ``python bench/verify_spark_bench.py --rows 100000``.
The machine is shared: run it once.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _summary(v: Any) -> dict[str, Any]:
    train, ev = v.datasets["train/card.yaml"], v.datasets["eval/card.yaml"]
    return {
        "rows": sum(f.measure.rows for f in train.files if f.measure),
        "duplicate_rows": train.duplicate_rows,
        "near_duplicate_rows": train.near_duplicate_rows,
        "contamination": {k: list(x) for k, x in ev.contamination.items()},
    }


def main() -> None:
    import duckdb
    from verify_bench import floor, full, generate

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--skip-duckdb", action="store_true")
    ap.add_argument("--driver-memory", default="2g", help="spark.driver.memory (local mode)")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="synthgov-sbench-"))
    try:
        generate(root, args.rows)
        files = sorted((root / "train" / "data").glob("train-*.jsonl"))
        shards = str(root / "train" / "data" / "train-*.jsonl")
        report: dict[str, Any] = {
            "rows": args.rows,
            "bytes": sum(f.stat().st_size for f in files),
            "master": args.master,
        }
        con = duckdb.connect()
        floor(con, shards)
        report["duckdb_floor_s"] = round(floor(con, shards)[0], 2)
        con.close()
        if not args.skip_duckdb:
            took, v = full(root, root / "cache-duckdb")
            report["duckdb_full_s"] = round(took, 2)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            report["duckdb_peak_rss_mb"] = round(peak / 1024)
            print(json.dumps(report), file=sys.stderr, flush=True)  # progress on long runs
            report["duckdb"] = _summary(v)
        from pyspark.sql import functions as F

        from synthgov.verify.spark_engine import SparkSettings, open_engine

        t = time.perf_counter()
        settings = SparkSettings(
            master=args.master, conf={"spark.driver.memory": args.driver_memory}
        )
        engine = open_engine(settings)
        spark = engine._spark
        report["spark_start_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        frame = spark.read.json(f"file://{shards}")
        frame.agg(F.count(F.lit(1)), F.count_distinct(F.md5("text"))).collect()
        report["spark_floor_s"] = round(time.perf_counter() - t, 2)
        engine._owns = False  # keep the session for the timing below; stopped at the end
        took, v = full(root, root / "cache-spark", engine)
        report["spark_full_s"] = round(took, 2)
        report["spark"] = _summary(v)
        if "duckdb" in report:
            report["agree"] = report["duckdb"] == report["spark"]
        spark.stop()
        print(json.dumps(report, indent=2))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
