"""The measures of one file as Spark jobs on its records: columns and their JSON types,
text fields, rows/PII/provenance in one aggregate, attribute value distributions."""

from __future__ import annotations

from typing import Any

from synthgov.verify import sql
from synthgov.verify.model import PII_DETECTORS, ColumnType, MeasureParams
from synthgov.verify.spark_engine.expressions import iban, luhn, normalise

AUTO_TEXT_MIN_MEAN = 16  # as the DuckDB engine
AUTO_SAMPLE_ROWS = 1000
#: how the JSON type of a value shows in ``schema_of_variant``, by prefix
VARIANT_TYPES = (
    ("BIGINT", "integer"),
    ("STRING", "string"),
    ("BOOLEAN", "boolean"),
    ("ARRAY", "list"),
    ("OBJECT", "object"),
    ("VOID", "null"),
    ("DOUBLE", "float"),
    ("FLOAT", "float"),
)


def columns(rec: Any) -> tuple[ColumnType, ...]:
    from pyspark.sql import functions as F

    # Spark's VARIANT keeps 1.0 as an exact number without its scale; the JSON text of
    # a number (as Jackson writes it back) tells a float from an integer as DuckDB does
    raw = F.from_json("line", "map<string,string>")
    kinds = (
        rec.select("rn", raw.alias("r"), F.explode("m").alias("k", "val"))
        .select("rn", "k", F.schema_of_variant("val").alias("s"), F.col("r")[F.col("k")].alias("x"))
        .select(
            "rn",
            "k",
            F.when(
                F.col("s").isin("BIGINT", "DECIMAL") | F.col("s").startswith("DECIMAL("),
                F.when(F.col("x").rlike("[.eE]"), F.lit("DOUBLE")).otherwise(F.col("s")),
            )
            .otherwise(F.col("s"))
            .alias("s"),
        )
    )
    found = (
        kinds.groupBy("k", "s")
        .agg(F.count(F.lit(1)).alias("n"), F.min("rn").alias("first"))
        .collect()
    )
    merged: dict[tuple[str, str], list[int]] = {}
    for row in found:
        key = (str(row["k"]), json_type(str(row["s"])))
        have = merged.setdefault(key, [0, int(row["first"])])
        have[0] += int(row["n"])
        have[1] = min(have[1], int(row["first"]))
    return tuple(ColumnType(k, t, n, first) for (k, t), (n, first) in sorted(merged.items()))


def json_type(variant_type: str) -> str:
    upper = variant_type.upper()
    if upper.startswith("DECIMAL"):
        scale = upper.rstrip(")").rsplit(",", 1)[-1].strip()
        return "integer" if scale == "0" else "float"
    for prefix, kind in VARIANT_TYPES:
        if upper.startswith(prefix):
            return kind
    return upper.lower()


def auto_text(rec: Any, params: MeasureParams) -> tuple[str, ...]:
    from pyspark.sql import functions as F

    skip = {params.provenance_field, *params.attributes}
    found = (
        rec.where(F.col("rn") <= AUTO_SAMPLE_ROWS)
        .select(F.explode("m").alias("k", "val"))
        .where(F.schema_of_variant("val") == "STRING")
        .groupBy("k")
        .agg(F.avg(F.length(F.col("val").cast("string"))).alias("mean"))
        .collect()
    )
    cands = sorted(
        ((str(r["k"]), float(r["mean"])) for r in found if str(r["k"]) not in skip),
        key=lambda c: (-c[1], c[0]),
    )
    long = sorted(k for k, m in cands if m >= AUTO_TEXT_MIN_MEAN)
    if long:
        return tuple(long)
    return (cands[0][0],) if cands else ()


def texts(rec: Any, text_fields: tuple[str, ...]) -> Any:
    """(rn, m, t, nt): the records with their text and its normalised form."""
    from pyspark.sql import functions as F

    parts = [F.col("m")[f].cast("string") for f in text_fields]
    text = F.concat_ws(" ", *parts) if parts else F.lit("")
    return rec.select("rn", "m", text.alias("t")).withColumn("nt", normalise("t"))


def aggregates(texts: Any, params: MeasureParams) -> tuple[Any, ...]:
    """Rows, rows with text, PII and provenance in one pass (one Spark job)."""
    from pyspark.sql import functions as F

    t = F.col("t")
    conds = {k: t.rlike(v) for k, v in sql.PII_PATTERNS.items()}
    cards = F.regexp_extract_all(t, F.lit(sql.CARD_CANDIDATE), F.lit(0))
    conds["card"] = F.size(F.filter(cards, luhn)) > 0
    ibans = F.regexp_extract_all(t, F.lit(sql.PII_PATTERNS["iban"]), F.lit(0))
    conds["iban"] = F.size(F.filter(ibans, iban)) > 0
    has_text = t != ""
    value = F.col("m")[params.provenance_field].cast("string")
    human = [v.lower() for v in params.human_values]
    generated = value.isNotNull() & ~F.lower(value).isin(human) if human else value.isNotNull()
    aggs = [
        F.count(F.lit(1)),
        F.count(F.when(F.col("nt") != "", 1)),
        F.count(F.when(generated, 1)),
        F.count(F.when(value.isNotNull(), 1)),
    ]
    if params.detectors:
        for det in PII_DETECTORS:
            hit = has_text & conds[det]
            aggs += [F.count(F.when(hit, 1)), F.min(F.when(hit, F.col("rn")))]
        union: Any = None
        for det in PII_DETECTORS:
            if det in params.detectors:
                union = conds[det] if union is None else union | conds[det]
        aggs.append(F.count(F.when(has_text & union, 1)))
    row = texts.agg(*aggs).collect()[0]
    rows, text_rows, prov, present = (int(row[i] or 0) for i in range(4))
    if not params.detectors:
        return rows, text_rows, dict.fromkeys(PII_DETECTORS, 0), {}, 0, prov, present
    counts, first = {}, {}
    for i, det in enumerate(PII_DETECTORS):
        counts[det] = int(row[4 + 2 * i] or 0)
        if row[5 + 2 * i] is not None:
            first[det] = int(row[5 + 2 * i])
    return rows, text_rows, counts, first, int(row[-1] or 0), prov, present


def distribution(rec: Any, attribute: str) -> dict[str, int]:
    from pyspark.sql import functions as F

    value = F.coalesce(F.col("m")[attribute].cast("string"), F.lit("")).alias("v")
    found = (
        rec.select(value)
        .groupBy("v")
        .count()
        .orderBy(F.col("count").desc(), F.col("v"))
        .limit(1000)
        .collect()
    )
    return {str(r["v"]): int(r["count"]) for r in found}
