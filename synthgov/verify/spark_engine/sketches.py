"""The sketches of one file written by Spark executors (text hashes, MinHash LSH bands,
n-gram hashes), and the search of a file's n-grams in an evaluation set's."""

from __future__ import annotations

import os
from typing import Any

from synthgov.verify import sql
from synthgov.verify.model import MeasureParams
from synthgov.verify.spark_engine.expressions import grams, hash31, hash64, unsigned, words

#: the evaluation side of the n-gram join is broadcast up to this many distinct hashes
#: (8 bytes each: 4,000,000 hashes is about 32 MB per executor); above it, a shuffle join
BROADCAST_MAX_HASHES = 4_000_000


def write_sketches(
    spark: Any, texts: Any, params: MeasureParams, sketch_dir: str, ngrams: bool
) -> None:
    from pyspark.sql import functions as F

    with_text = texts.where(F.col("nt") != "")
    out = {
        name: "file://" + os.path.join(sketch_dir, f"{name}.parquet")
        for name in ("hashes", "bands", "ngrams")
    }
    with_text.select("rn", hash64(F.col("nt")).alias("h")).write.mode("overwrite").parquet(
        out["hashes"]
    )
    word_lists = with_text.select("rn", "nt", words().alias("w"))
    if ngrams:
        found = word_lists.select("rn", F.explode(grams(params.ngram)).alias("g"))
        found.distinct().write.mode("overwrite").parquet(out["ngrams"])
    if params.bands > 0:
        _bands(word_lists, params).write.mode("overwrite").parquet(out["bands"])


def _bands(word_lists: Any, params: MeasureParams) -> Any:
    """(rn, band, bh): MinHash of each row's word shingles, hashed per LSH band.

    The DuckDB engine's spelling (sql.minhash_values): the shingles of each row exploded,
    one ``min((a_i * x + b_i) mod p)`` aggregate per permutation grouped by row, then each
    band's values hashed as ``"<band>:<v1>,...,<vr>"``. Whole-stage code generation runs the
    aggregates; joining the shingles with a permutation table (the first spelling) made
    shingles x permutations rows to shuffle, and per-row lambdas over the permutations were
    slower still: the same band hashes, 3.6x faster than the join on 100,000 rows
    (bench/sketch_study.py, docs/decisions.md)."""
    from pyspark.sql import functions as F

    per_band = params.band_rows
    perms = sql.permutations(per_band * params.bands)
    k = params.shingle_size
    w = F.col("w")
    shingles = F.transform(
        F.sequence(F.lit(1), F.greatest(F.size(w) - k + 1, F.lit(1))),
        lambda i: hash31(F.array_join(F.slice(w, i, F.lit(k)), " ")),
    )
    x = word_lists.select("rn", F.explode(shingles).alias("x"))
    minima = [
        F.expr(f"min(({a} * x + {b}) % {sql.PRIME})").alias(f"v{i}")
        for i, (a, b) in enumerate(perms)
    ]
    values = x.groupBy("rn").agg(*minima)

    def band_hash(band: int) -> Any:
        cols = [
            F.col(f"v{i}").cast("string") for i in range(band * per_band, (band + 1) * per_band)
        ]
        label = F.concat(F.lit(f"{band}:"), F.concat_ws(",", *cols))
        return F.struct(F.lit(band).alias("band"), hash64(label).alias("bh"))

    bands = F.array(*[band_hash(band) for band in range(params.bands)])
    return values.select("rn", F.inline(bands))


def matches(spark: Any, texts: Any, params: MeasureParams, against: str) -> tuple[int, ...]:
    """The n-gram hashes of this file found in the Parquet file ``against`` (unsigned)."""
    from pyspark.sql import functions as F

    found_grams = (
        texts.where(F.col("nt") != "")
        .select("nt", words().alias("w"))
        .select(F.explode(grams(params.ngram)).alias("g"))
        .distinct()
    )
    evaluation = spark.read.parquet("file://" + against)
    if evaluation.count() <= BROADCAST_MAX_HASHES:
        evaluation = F.broadcast(evaluation)
    found = found_grams.join(evaluation, "g", "left_semi").collect()
    return tuple(sorted(unsigned(int(r["g"])) for r in found))
