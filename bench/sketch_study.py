"""A measured study of cheaper near-duplicate sketches than 128-permutation MinHash (issue 16
and 17 speed): research only, the engines are not changed.

Every sketch is computed on the same word 5-shingles as the engines (``sql.shingle_hashes``:
the first 32 bits of MD5 of each shingle, mod 2^31 - 1) and cut into LSH bands whose hashes are
the first 64 bits of MD5 of ``"<band>:<values>"``, as ``bands.parquet`` holds them. Sketches:

- ``minhash-N``: the engines' MinHash with the banding ``synthgov.verify.lsh`` chooses for the
  threshold (0.8) and N permutations; N = 128 is today's sketch (the baseline, computed by the
  engines' own functions);
- ``oph-K``: one permutation hashing: one mixing y = (a x + b) mod p of each shingle hash,
  bin = y mod K, value = y div K, ``min`` per (row, bin); empty bins densified by rotation
  (an empty bin takes the value of the next non-empty bin to its right, circularly, plus
  C times the distance, C = p div K + 1); K = b * r of the banding chosen for N;
- ``oph-K-sparse``: the same bins without densification: a band hashes the ``bin=value`` of
  its non-empty bins; a band whose bins are all empty is skipped (no row).

For each sketch: the time of shingles + signature + band hashes written to Parquet (``ORDER
BY rn, band``, as the engine writes them) for ``--rows`` rows of ``bench/verify_bench.py``'s
generator, in DuckDB with one and with two threads and in Spark ``local[2]`` (when PySpark and
Java are there; MinHash also spelled as one ``min`` aggregate per permutation, "wide", besides
the Spark engine's join with a permutation table); whether Spark's band hashes equal DuckDB's;
precision and recall of the planted near duplicates (read from the bands as
``verify_bench.quality`` reads them); the false candidate pairs (pairs sharing a bucket that
are neither a planted pair nor the same text) over all row pairs; and, on ``--pairs`` pairs
made by editing rows (exact Jaccard of the shingle sets 0.3 .. 1.0), the mean absolute error
of the sketch's Jaccard estimate and the share of pairs that become LSH candidates, per
similarity level.

Not a test: run it by hand, e.g. ``python bench/sketch_study.py --rows 100000``. Exact
duplicates and contamination do not read these sketches (``hashes.parquet``,
``ngrams.parquet``): no sketch here changes them.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthgov.verify import lsh, sql

SHINGLE = 5
THRESHOLD = lsh.DEFAULT_THRESHOLD
LEVELS = [(0.3, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]


def _mixing() -> tuple[int, int]:
    """The one mixing of OPH: like the MinHash permutations, from SHA-256 of a fixed label."""
    import hashlib

    digest = hashlib.sha256(b"synthgov-oph").digest()
    a = int.from_bytes(digest[:8], "big") % (sql.PRIME - 1) + 1
    return a, int.from_bytes(digest[8:16], "big") % sql.PRIME


@functools.cache
def _choose(num_perm: int) -> lsh.Banding:
    """lsh.py's banding for the threshold (45 ms a call: computed once per size)."""
    return lsh.choose_banding(THRESHOLD, num_perm)


@dataclass(frozen=True)
class Sketch:
    kind: str  # "minhash" | "oph" (rotation densification) | "oph-sparse"
    num_perm: int  # MinHash permutations whose threshold banding is used

    @property
    def banding(self) -> lsh.Banding:
        return _choose(self.num_perm)

    @property
    def k(self) -> int:
        """Signature values (MinHash) or bins (OPH): b * r."""
        return self.banding.permutations

    @property
    def name(self) -> str:
        if self.kind == "minhash":
            return f"minhash-{self.num_perm}"
        return f"{self.kind.replace('oph', f'oph-{self.k}')}"


SKETCHES = [
    Sketch("minhash", 128),
    Sketch("minhash", 64),
    Sketch("minhash", 32),
    Sketch("oph", 128),
    Sketch("oph-sparse", 128),
    Sketch("oph", 64),
    Sketch("oph", 32),
    Sketch("oph-sparse", 32),
]


# ---------------------------------------------------------------- DuckDB spellings


def duck_shingles(src: str) -> str:
    words = "string_split(nt, ' ')"
    return (
        f"SELECT rn, unnest({sql.shingle_hashes('w', SHINGLE)}) AS x "
        f"FROM (SELECT rn, {words} AS w FROM {src} WHERE nt <> '')"
    )


def duck_bins(src: str, k: int) -> str:
    """(rn, bin, v): OPH's non-empty bins."""
    a, b = _mixing()
    return (
        f"SELECT rn, y % {k} AS bin, min(y // {k}) AS v FROM (SELECT rn, "
        f"({a} * x + {b}) % {sql.PRIME} AS y FROM ({duck_shingles(src)})) GROUP BY rn, bin"
    )


def duck_dense(src: str, k: int) -> str:
    """(rn, bin, v) for every bin 0..k-1: rotation densification as relational steps: each
    non-empty bin covers the empty bins since the previous non-empty one (the first one
    those after the last, circularly)."""
    c = sql.PRIME // k + 1
    prev = (
        f"coalesce(lag(bin) OVER (PARTITION BY rn ORDER BY bin), "
        f"max(bin) OVER (PARTITION BY rn) - {k})"
    )
    return (
        f"SELECT rn, (j + {k}) % {k} AS bin, v + {c} * (b - j) AS v FROM ("
        f"SELECT rn, b, v, unnest(range(prev + 1, b + 1)) AS j FROM ("
        f"SELECT rn, bin AS b, v, {prev} AS prev FROM ({duck_bins(src, k)})))"
    )


def duck_minhash_long(src: str, n: int) -> str:
    """(rn, bin, v): the engines' MinHash values in long form (for the Jaccard estimates)."""
    perms = ", ".join(f"({i}, {a}, {b})" for i, (a, b) in enumerate(sql.permutations(n)))
    return (
        f"SELECT rn, i AS bin, min((a * x + b) % {sql.PRIME}) AS v FROM ({duck_shingles(src)}) "
        f"CROSS JOIN (VALUES {perms}) AS p(i, a, b) GROUP BY rn, i"
    )


def duck_long_bands(sig: str, r: int, labelled: bool) -> str:
    item = "bin::VARCHAR || '=' || v::VARCHAR" if labelled else "v::VARCHAR"
    label = f"band::VARCHAR || ':' || string_agg({item}, ',' ORDER BY bin)"
    return (
        f"SELECT rn, band, {sql.hash64(label)} AS bh FROM (SELECT rn, bin, v, "
        f"(bin // {r})::INTEGER AS band FROM ({sig})) GROUP BY rn, band"
    )


def duck_signature(s: Sketch, src: str) -> str:
    if s.kind == "minhash":
        return duck_minhash_long(src, s.k)
    return duck_dense(src, s.k) if s.kind == "oph" else duck_bins(src, s.k)


def duck_write_bands(con: Any, s: Sketch, target: str) -> None:
    """The bands of ``sg_text`` to ``target``; MinHash by the DuckDB engine's own function."""
    if s.kind == "minhash":
        from synthgov.verify.duckdb_engine.sketches import _bands
        from synthgov.verify.model import MeasureParams

        params = MeasureParams(bands=s.banding.bands, rows_per_band=s.banding.rows)
        _bands(con, params, f"'{target}'")
        return
    query = duck_long_bands(duck_signature(s, "sg_text"), s.banding.rows, s.kind != "oph")
    con.execute(f"COPY ({query} ORDER BY rn, band) TO '{target}' (FORMAT parquet)")


# ---------------------------------------------------------------- Spark spellings


def spark_shingles(texts: Any) -> Any:
    """(rn, x): the shingle hashes of each row, spelled as the Spark engine spells them."""
    from pyspark.sql import functions as F

    from synthgov.verify.spark_engine.expressions import hash31, words

    w = F.col("w")
    shingles = F.transform(
        F.sequence(F.lit(1), F.greatest(F.size(w) - SHINGLE + 1, F.lit(1))),
        lambda i: hash31(F.array_join(F.slice(w, i, F.lit(SHINGLE)), " ")),
    )
    word_lists = texts.where(F.col("nt") != "").select("rn", words().alias("w"))
    return word_lists.select("rn", F.explode(shingles).alias("x"))


def spark_minhash_wide(texts: Any, s: Sketch) -> Any:
    """The engines' MinHash values as one ``min`` aggregate per permutation over the shingles
    grouped by row (DuckDB's spelling), instead of the engine's join with a permutation
    table: the same sketch, another plan."""
    from pyspark.sql import functions as F

    from synthgov.verify.spark_engine.expressions import hash64

    perms = sql.permutations(s.k)
    mins = [F.expr(f"min(({a} * x + {b}) % {sql.PRIME})") for a, b in perms]
    values = (
        spark_shingles(texts).groupBy("rn").agg(*[m.alias(f"v{i}") for i, m in enumerate(mins)])
    )
    r = s.banding.rows

    def label(k: int) -> Any:
        cols = [F.col(f"v{i}").cast("string") for i in range(k * r, k * r + r)]
        return F.concat(F.lit(f"{k}:"), F.concat_ws(",", *cols))

    bands = F.array(
        *[
            F.struct(F.lit(k).alias("band"), hash64(label(k)).alias("bh"))
            for k in range(s.banding.bands)
        ]
    )
    return values.select("rn", F.inline(bands))


def spark_bands(spark: Any, texts: Any, s: Sketch) -> Any:
    """(rn, band, bh) of a sketch; MinHash by the Spark engine's own function: the join when
    the study was made; since stop 12 the engine uses the "wide" plan, so both rows time it."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from synthgov.verify.model import MeasureParams
    from synthgov.verify.spark_engine.expressions import hash64, words
    from synthgov.verify.spark_engine.sketches import _bands

    r, k = s.banding.rows, s.k
    if s.kind == "minhash":
        word_lists = texts.where(F.col("nt") != "").select("rn", "nt", words().alias("w"))
        return _bands(word_lists, MeasureParams(bands=s.banding.bands, rows_per_band=r))
    a, c = _mixing()
    y = spark_shingles(texts).select("rn", F.expr(f"({a} * x + {c}) % {sql.PRIME}").alias("y"))
    bins = y.groupBy("rn", F.expr(f"y % {k}").alias("bin")).agg(
        F.min(F.expr(f"y div {k}")).alias("v")
    )
    if s.kind == "oph":
        order = Window.partitionBy("rn").orderBy("bin")
        last = F.max("bin").over(Window.partitionBy("rn")) - k
        prev = bins.select("rn", "bin", "v", F.coalesce(F.lag("bin").over(order), last).alias("p"))
        spans = prev.select(
            "rn",
            F.col("bin").alias("b"),
            "v",
            F.explode(F.sequence(F.col("p") + 1, F.col("bin"))).alias("j"),
        )
        bins = spans.select(
            "rn",
            F.expr(f"(j + {k}) % {k}").alias("bin"),
            F.expr(f"v + {sql.PRIME // k + 1} * (b - j)").alias("v"),
        )
    band = F.expr(f"cast(bin div {r} as int)").alias("band")
    pairs = F.array_sort(F.collect_list(F.struct("bin", "v")))
    if s.kind == "oph":
        items = F.transform(pairs, lambda e: e["v"].cast("string"))
    else:
        items = F.transform(
            pairs, lambda e: F.concat(e["bin"].cast("string"), F.lit("="), e["v"].cast("string"))
        )
    grouped = bins.groupBy("rn", band).agg(F.array_join(items, ",").alias("vals"))
    label = F.concat(F.col("band").cast("string"), F.lit(":"), F.col("vals"))
    return grouped.select("rn", "band", hash64(label).alias("bh"))


# ---------------------------------------------------------------- data


@dataclass(frozen=True)
class Data:
    parquet: str  # (rn, nt) of the benchmark rows
    pairs_parquet: str  # (rn, nt) of the edited pairs: rows 2j and 2j + 1
    rows: int
    near: frozenset[int]  # planted near copies (rn)
    near_src: frozenset[int]
    near_pairs: frozenset[tuple[int, int]]
    jaccard: tuple[float, ...]  # exact Jaccard of edited pair j


def load(root: Path, rows: int, n_pairs: int, seed: int) -> Data:
    import duckdb
    from verify_bench import generate

    planted = generate(root, rows)
    by_loc: dict[tuple[str, int], int] = {}
    texts: dict[int, str] = {}
    for f in sorted((root / "train" / "data").glob("train-*.jsonl")):
        with open(f, encoding="utf-8") as h:
            for line_no, line in enumerate(h, 1):
                rec = json.loads(line)
                by_loc[(f.name, line_no)] = rec["id"]
                texts[rec["id"]] = rec["text"]
    near = frozenset(by_loc[loc] for loc in planted["near"])
    near_src = frozenset(by_loc[loc] for loc in planted["near_src"])
    src_of = {texts[i]: i for i in near_src}
    near_pairs = frozenset(tuple(sorted((src_of[texts[i].rsplit(" ", 1)[0]], i))) for i in near)
    unique = sorted(set(texts) - {by_loc[loc] for key in ("exact", "near") for loc in planted[key]})
    edited, jaccard = _edited_pairs([texts[i] for i in unique], n_pairs, seed)
    con = duckdb.connect()
    norm = sql.normalise("text")
    out = str(root / "texts.parquet")
    con.execute(
        f"COPY (SELECT id AS rn, {norm} AS nt FROM read_json('{root}/train/data/*.jsonl', "
        f"format='newline_delimited') ORDER BY rn) TO '{out}' (FORMAT parquet)"
    )
    con.execute("CREATE TABLE e (rn BIGINT, text VARCHAR)")
    con.executemany("INSERT INTO e VALUES (?, ?)", [[j, t] for j, t in enumerate(edited)])
    pairs_out = str(root / "pairs.parquet")
    con.execute(
        f"COPY (SELECT rn, {norm} AS nt FROM e ORDER BY rn) TO '{pairs_out}' (FORMAT parquet)"
    )
    con.close()
    return Data(out, pairs_out, rows, near, near_src, near_pairs, tuple(jaccard))


def shingle_set(text: str) -> set[str]:
    w = text.split(" ")
    return {" ".join(w[i : i + SHINGLE]) for i in range(max(len(w) - SHINGLE + 1, 1))}


def _edited_pairs(sources: list[str], n: int, seed: int) -> tuple[list[str], list[float]]:
    """n pairs (source, edited source) spread evenly over the Jaccard LEVELS: 1 .. 8 edits,
    each a word appended, deleted or replaced (twice as likely) at a random place."""
    rng = random.Random(seed)
    vocab = sorted({w for t in sources[:2000] for w in t.split(" ")})
    quota = [n // len(LEVELS) + (1 if i < n % len(LEVELS) else 0) for i in range(len(LEVELS))]
    texts: list[str] = []
    jaccard: list[float] = []
    while any(quota):
        words = rng.choice(sources).split(" ")
        edited = list(words)
        for _ in range(rng.randint(1, 8)):
            op, at = rng.randrange(4), rng.randrange(len(edited))
            if op == 0:  # a word appended (as the planted near copies)
                edited.append(rng.choice(vocab))
            elif op == 1 and len(edited) > SHINGLE:  # a word deleted
                del edited[at]
            else:  # a word replaced
                edited[at] = rng.choice(vocab)
        a, b = shingle_set(" ".join(words)), shingle_set(" ".join(edited))
        j = len(a & b) / len(a | b)
        level = next((i for i, (lo, hi) in enumerate(LEVELS) if lo <= j < hi), None)
        if level is None or not quota[level]:
            continue
        quota[level] -= 1
        texts += [" ".join(words), " ".join(edited)]
        jaccard.append(j)
    return texts, jaccard


# ---------------------------------------------------------------- measurements


def duck_times(data: Data, work: Path, sketches: list[Sketch], repeats: int) -> dict:
    """Seconds per (sketch, threads): the best of ``repeats`` rounds, sketches interleaved."""
    import duckdb

    out: dict[tuple[str, int], float] = {}

    def keep(key: tuple[str, int], start: float) -> None:
        took = time.perf_counter() - start
        out[key] = min(out.get(key, took), took)

    for threads in (1, 2):
        con = duckdb.connect(config={"threads": threads, "memory_limit": "1GB"})
        con.execute(f"CREATE TABLE sg_text AS SELECT * FROM read_parquet('{data.parquet}')")
        floor = f"SELECT rn, min(x) AS m FROM ({duck_shingles('sg_text')}) GROUP BY rn"
        for _ in range(repeats):
            for s in sketches:
                start = time.perf_counter()
                duck_write_bands(con, s, str(work / f"duck-{s.name}-{threads}.parquet"))
                keep((s.name, threads), start)
                log(f"duckdb {threads} thread(s) {s.name}: {time.perf_counter() - start:.2f} s")
            start = time.perf_counter()
            con.execute(f"CREATE OR REPLACE TABLE fl AS {floor}")
            keep(("floor", threads), start)
        con.close()
    return out


def spark_times(data: Data, work: Path, sketches: list[Sketch], master: str) -> dict:
    from pyspark.sql import SparkSession

    from synthgov.verify.spark_engine.session import session_conf

    builder = SparkSession.builder.master(master).appName("sketch-study")
    for key, value in {**session_conf(), "spark.driver.memory": "3g"}.items():
        builder = builder.config(key, value)
    t = time.perf_counter()
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    out: dict[str, float] = {"session": time.perf_counter() - t}
    try:
        texts = spark.read.parquet("file://" + data.parquet).repartition(2).cache()
        texts.count()
        runs = [(s.name, s, spark_bands) for s in sketches]
        runs += [(f"{s.name} wide", s, None) for s in sketches if s.kind == "minhash"]
        for name, s, build in runs:
            target = "file://" + str(work / f"spark-{name}")
            df = build(spark, texts, s) if build else spark_minhash_wide(texts, s)
            start = time.perf_counter()
            df.write.mode("overwrite").parquet(target)
            out[name] = time.perf_counter() - start
            log(f"spark {name}: {out[name]:.1f} s")
    finally:
        spark.stop()
    return out


def same_bands(duck: str, spark_dir: str) -> int:
    """Rows in one sketch file and not in the other (Spark's hashes are signed)."""
    import duckdb

    con = duckdb.connect()
    d = f"SELECT rn, band, bh::HUGEINT AS bh FROM read_parquet('{duck}')"
    s = (
        "SELECT rn, band, CASE WHEN bh < 0 THEN bh::HUGEINT + 18446744073709551616 "
        f"ELSE bh::HUGEINT END AS bh FROM read_parquet('{spark_dir}/*.parquet')"
    )
    got = con.execute(
        f"SELECT (SELECT count(*) FROM ({d} EXCEPT ALL {s})) + "
        f"(SELECT count(*) FROM ({s} EXCEPT ALL {d}))"
    ).fetchone()
    con.close()
    return int(got[0])


def quality(data: Data, bands: str) -> dict[str, float]:
    """Planted near duplicates found (as verify_bench.quality reads the bands) and false
    candidate pairs: pairs sharing a bucket, of different text, that are not a planted pair."""
    import duckdb

    con = duckdb.connect()
    con.execute(
        f"CREATE TABLE hh AS SELECT rn, {sql.hash64('nt')} AS h FROM read_parquet("
        f"'{data.parquet}') WHERE nt <> ''"
    )
    con.execute(
        f"CREATE TABLE x AS SELECT b.rn, band, bh, h FROM read_parquet('{bands}') b JOIN hh "
        "USING (rn)"
    )
    found = {
        int(rn)
        for (rn,) in con.execute(
            "WITH k AS (SELECT band, bh FROM x GROUP BY ALL HAVING count(DISTINCT h) > 1) "
            "SELECT DISTINCT rn FROM x SEMI JOIN k USING (band, bh)"
        ).fetchall()
    }
    pairs = {
        (int(a), int(b))
        for a, b in con.execute(
            "WITH k AS (SELECT band, bh FROM x GROUP BY ALL HAVING count(*) > 1), "
            "m AS (SELECT * FROM x SEMI JOIN k USING (band, bh)) "
            "SELECT DISTINCT p.rn, q.rn FROM m p JOIN m q USING (band, bh) "
            "WHERE p.rn < q.rn AND p.h <> q.h"
        ).fetchall()
    }
    con.close()
    false_pairs = len(pairs - data.near_pairs)
    legit = data.near | data.near_src
    return {
        "precision": len(found & legit) / len(found) if found else 1.0,
        "recall": len(found & data.near) / len(data.near),
        "false_pairs": false_pairs,
        "false_rate": false_pairs / (data.rows * (data.rows - 1) / 2),
    }


def estimates(data: Data, work: Path, s: Sketch) -> dict[str, list[float]]:
    """Per Jaccard level: |estimate - exact| and whether the pair became an LSH candidate."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"CREATE TABLE sg_text AS SELECT * FROM read_parquet('{data.pairs_parquet}')")
    sig: dict[int, dict[int, int]] = {}
    for rn, b, v in con.execute(duck_signature(s, "sg_text")).fetchall():
        sig.setdefault(int(rn), {})[int(b)] = int(v)
    target = str(work / f"pairs-{s.name}.parquet")
    duck_write_bands(con, s, target)
    buckets: dict[int, set[tuple[int, int]]] = {}
    for rn, band, bh in con.execute(f"SELECT * FROM read_parquet('{target}')").fetchall():
        buckets.setdefault(int(rn), set()).add((int(band), int(bh)))
    con.close()
    out: dict[str, list[float]] = {"err": [], "cand": [], "level": []}
    for j, exact in enumerate(data.jaccard):
        a, b = sig.get(2 * j, {}), sig.get(2 * j + 1, {})
        if s.kind == "oph-sparse":  # matches over the bins not empty in both
            used = set(a) | set(b)
            est = sum(1 for i in used if a.get(i) == b.get(i)) / len(used)
        else:
            est = sum(1 for i in range(s.k) if a.get(i) == b.get(i)) / s.k
        out["err"].append(abs(est - exact))
        out["cand"].append(float(bool(buckets.get(2 * j, set()) & buckets.get(2 * j + 1, set()))))
        out["level"].append(next(i for i, (lo, hi) in enumerate(LEVELS) if lo <= exact < hi))
    return out


# ---------------------------------------------------------------- report


def log(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else float("nan")


def report(data: Data, sketches: list[Sketch], results: dict[str, Any], full_s: float) -> str:
    """Markdown tables. "1M full run" is ``full_s`` (today's full cold run of 1,000,000 rows)
    minus what this sketch saves over the baseline, scaled to 1,000,000 rows, on two bases:
    the one-thread time halved (a verify run measures two files at once, one core each) and
    the two-thread time (as if one file used both cores)."""
    duck, spark = results["duck"], results.get("spark") or {}
    parity = results.get("parity", {})
    scale = 1_000_000 / data.rows
    base1, base2 = duck[(sketches[0].name, 1)], duck[(sketches[0].name, 2)]
    head = (
        "| sketch | banding | DuckDB 1 thread s | DuckDB 2 threads s | 1M full run s est. "
        "| Spark local[2] s | Spark = DuckDB | near P | near R | false pairs (rate) | MAE of J |"
    )
    lines = [head, "|" + "---|" * 11]
    for s in sketches:
        q, e = results["quality"][s.name], results["estimates"][s.name]
        sp, same = "-", "-"
        if s.name in spark:
            sp = f"{spark[s.name]:.1f}"
            wide = spark.get(f"{s.name} wide")
            sp += f" (wide: {wide:.1f})" if wide is not None else ""
            same = "yes" if parity.get(s.name) == parity.get(f"{s.name} wide", 0) == 0 else "NO"
        est1 = full_s - scale * (base1 - duck[(s.name, 1)]) / 2
        est2 = full_s - scale * (base2 - duck[(s.name, 2)])
        lines.append(
            f"| {s.name} | {s.banding.text()} | {duck[(s.name, 1)]:.2f} | "
            f"{duck[(s.name, 2)]:.2f} | {est1:.0f} / {est2:.0f} | {sp} | {same} | "
            f"{q['precision']:.4f} | {q['recall']:.4f} | "
            f"{q['false_pairs']} ({q['false_rate']:.1e}) | {_mean(e['err']):.4f} |"
        )
    lines.append(
        f"| floor: shingles + one min per row | - | {duck[('floor', 1)]:.2f} | "
        f"{duck[('floor', 2)]:.2f} | - | - | - | - | - | - | - |"
    )
    levels = [f"{lo:.1f}-{min(hi, 1.0):.1f}" for lo, hi in LEVELS]
    lines += ["", "| sketch | " + " | ".join(f"MAE / candidates at J {x}" for x in levels) + " |"]
    lines.append("|" + "---|" * (len(LEVELS) + 1))
    for s in sketches:
        e = results["estimates"][s.name]
        cells = []
        for i in range(len(LEVELS)):
            err = [x for x, lv in zip(e["err"], e["level"], strict=True) if lv == i]
            cand = [x for x, lv in zip(e["cand"], e["level"], strict=True) if lv == i]
            cells.append(f"{_mean(err):.3f} / {_mean(cand):.2f}")
        lines.append(f"| {s.name} | " + " | ".join(cells) + " |")
    counts = [
        sum(1 for lv in results["estimates"][sketches[0].name]["level"] if lv == i)
        for i in range(len(LEVELS))
    ]
    lines.append(f"\npairs per level: {dict(zip(levels, counts, strict=True))}; rows: {data.rows}")
    if spark:
        lines.append(f"Spark session start-up: {spark['session']:.1f} s")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--pairs", type=int, default=2_000)
    ap.add_argument("--repeats", type=int, default=2, help="DuckDB rounds (best is kept)")
    ap.add_argument("--spark", choices=("auto", "off"), default="auto")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--only", help="comma-separated sketch names (default: all)")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument(
        "--full-run-s",
        type=float,
        default=118.0,
        help="today's full cold verify of 1,000,000 rows (docs/decisions.md), for the estimate",
    )
    args = ap.parse_args()
    sketches = [s for s in SKETCHES if not args.only or s.name in args.only.split(",")]
    root = Path(tempfile.mkdtemp(prefix="synthgov-sketch-"))
    try:
        data = load(root, args.rows, args.pairs, args.seed)
        log(f"generated {data.rows} rows and {len(data.jaccard)} edited pairs")
        work = root / "out"
        work.mkdir()
        results: dict[str, Any] = {"duck": duck_times(data, work, sketches, args.repeats)}
        results["quality"], results["estimates"] = {}, {}
        for s in sketches:
            results["quality"][s.name] = quality(data, str(work / f"duck-{s.name}-1.parquet"))
            results["estimates"][s.name] = estimates(data, work, s)
            log(f"quality and estimates of {s.name}")
        if args.spark == "auto" and _spark_available():
            try:
                results["spark"] = spark_times(data, work, sketches, args.master)
            except Exception as exc:  # noqa: BLE001 - py4j/JVM errors have no common base
                log(f"Spark not measured: {str(exc).strip().splitlines()[0][:300]}")
                results["spark"] = {}
            results["parity"] = {
                name: same_bands(
                    str(work / f"duck-{name.split()[0]}-1.parquet"), str(work / f"spark-{name}")
                )
                for name in results["spark"]
                if name != "session"
            }
        print(report(data, sketches, results, args.full_run_s))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _spark_available() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print("PySpark is not installed: Spark not measured", file=sys.stderr)
        return False
    if shutil.which("java") is None:
        print("no Java runtime: Spark not measured", file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    main()
