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
        _bands(spark, word_lists, params).write.mode("overwrite").parquet(out["bands"])


def _bands(spark: Any, word_lists: Any, params: MeasureParams) -> Any:
    """(rn, band, bh): MinHash of each row's word shingles, hashed per LSH band.

    As the DuckDB engine (sql.minhash_bands): the shingles of each row joined with the
    permutations (a small broadcast table) and two aggregations. Whole-stage code
    generation runs this; per-row higher-order lambdas over 128 permutations were
    measured far slower (docs/decisions.md)."""
    from pyspark.sql import functions as F

    per_band = params.band_rows
    perms = sql.permutations(per_band * params.bands)
    k = params.shingle_size
    w = F.col("w")
    shingles = F.transform(
        F.sequence(F.lit(1), F.greatest(F.size(w) - k + 1, F.lit(1))),
        lambda i: hash31(F.array_join(F.slice(w, i, F.lit(k)), " ")),
    )
    table = spark.createDataFrame(
        [(i, a, b) for i, (a, b) in enumerate(perms)], "i int, a bigint, b bigint"
    )
    x = word_lists.select("rn", F.explode(shingles).alias("x"))
    minima = (
        x.crossJoin(F.broadcast(table))
        .groupBy("rn", "i")
        .agg(F.min((F.col("a") * F.col("x") + F.col("b")) % sql.PRIME).alias("v"))
    )
    band = (F.col("i") / per_band).cast("int")
    values = F.transform(
        F.array_sort(F.collect_list(F.struct("i", "v"))), lambda e: e["v"].cast("string")
    )
    bands = minima.groupBy("rn", band.alias("band")).agg(F.array_join(values, ",").alias("vals"))
    label = F.concat(F.col("band").cast("string"), F.lit(":"), F.col("vals"))
    return bands.select("rn", "band", hash64(label).alias("bh"))


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
