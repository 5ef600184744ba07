"""Reading a data file with Spark: its records as JSON text numbered as the DuckDB engine
numbers them, parsed into variant maps, and the rows that are not records."""

from __future__ import annotations

from typing import Any

from synthgov.verify.model import BadRow, FileSpec, MeasureParams


def lines(spark: Any, spec: FileSpec, src: str) -> Any:
    """(rn, line): the file's records as JSON text, numbered as the DuckDB engine does
    (JSONL: line number; CSV: line number with the header as line 1; Parquet: row)."""
    from pyspark.sql import functions as F

    reader = spark.read
    if spec.format == "jsonl":
        frame, first = reader.text(src).withColumnRenamed("value", "line"), 1
    elif spec.format == "csv":
        raw = reader.option("header", "true").option("inferSchema", "true").csv(src)
        frame, first = _as_json(raw), 2
    elif spec.format == "parquet":
        frame, first = _as_json(_with_partition(reader.parquet(src), spec)), 1
    else:
        raise ValueError(f"unknown format {spec.format}")
    frame = frame.select(
        F.spark_partition_id().alias("p"),
        F.monotonically_increasing_id().alias("id"),
        "line",
    )
    local = F.col("id") - F.shiftleft(F.col("p").cast("bigint"), 33)
    return frame.select((local + _partition_start(frame, first)).cast("bigint").alias("rn"), "line")


def _with_partition(frame: Any, spec: FileSpec) -> Any:
    """A Delta table's partition values as string columns (replacing a column of the same
    name, as the DuckDB engine does)."""
    from pyspark.sql import functions as F

    for name, value in spec.partition:
        frame = frame.withColumn(name, F.lit(value).cast("string"))
    return frame


def _partition_start(frame: Any, first: int) -> Any:
    """The row number of each partition's first row: ``first`` plus the rows of the
    earlier partitions (one small aggregate, never the rows)."""
    from pyspark.sql import functions as F

    if frame.rdd.getNumPartitions() <= 1:  # driver metadata: no job for a small file
        counts = [(0, 0)]
    else:
        counts = sorted(
            (int(r["p"]), int(r["count"])) for r in frame.groupBy("p").count().collect()
        )
    offset, start = first, F.lit(0)
    cases = None
    for part, n in counts:
        cond = F.col("p") == part
        cases = F.when(cond, F.lit(offset)) if cases is None else cases.when(cond, F.lit(offset))
        offset += n
    if cases is not None:
        start = cases.otherwise(F.lit(0))
    return start


def _as_json(frame: Any) -> Any:
    from pyspark.sql import functions as F

    cols = [F.col(f"`{c}`") for c in frame.columns]
    return frame.select(F.to_json(F.struct(*cols), {"ignoreNullFields": "false"}).alias("line"))


def parse(numbered: Any) -> Any:
    """(rn, line, m): ``m`` the record as a map of variants, null when the line is not a
    JSON object."""
    from pyspark.sql import functions as F

    return numbered.select(
        "rn",
        "line",
        F.try_parse_json("line").alias("v"),
    ).select(
        "rn",
        "line",
        F.when(
            F.col("v").isNotNull() & F.col("line").rlike(r"^[ \t\r\n]*\{"),
            F.col("v").cast("map<string,variant>"),
        ).alias("m"),
    )


def records(parsed: Any, params: MeasureParams) -> tuple[int, tuple[BadRow, ...], Any]:
    """The rows that are not records (too long, bad encoding, not a JSON object), at most
    ``max_examples`` of them, and the records (rn, line, m)."""
    from pyspark.sql import functions as F

    reason = (
        F.when(F.octet_length("line") > params.max_line_bytes, "line longer than the limit")
        .when(~F.expr("is_valid_utf8(line)"), "invalid UTF-8")
        .when(F.col("m").isNull(), "not a JSON object")
    )
    blank = F.trim(F.col("line")) == ""
    bad_rows = parsed.where(~blank & reason.isNotNull()).select("rn", reason.alias("why"))
    bad = bad_rows.count()
    examples = tuple(  # at most max_examples row numbers; no job when nothing is bad
        BadRow(int(r["rn"]), str(r["why"]))
        for r in (bad_rows.orderBy("rn").limit(params.max_examples).collect() if bad else [])
    )
    return bad, examples, parsed.where(~blank & reason.isNull()).select("rn", "line", "m")
