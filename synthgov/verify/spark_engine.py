"""The Spark engine (issue 17): the measures of :mod:`synthgov.verify.duckdb_engine` written
for Spark's execution model. Imported only when ``--engine spark`` (or ``verify: {engine:
spark}``) is asked for; PySpark is imported inside :func:`open_engine`.

What runs where (docs/spark.md): every row is read, parsed, hashed and aggregated by Spark
executors with built-in SQL functions and higher-order functions (no Python UDF, so rows
never cross into Python workers either). The driver receives aggregates only: counts, the
column/type table, at most ``max_examples`` malformed row numbers, value distributions
(at most 1,000 values per attribute), the evaluation n-gram hashes found in a training file
(the interface's ``contaminated``), and per-partition row counts used to number rows.

The hash functions are those of :mod:`synthgov.verify.sql`, spelled with Spark's ``md5``,
``conv`` and ``regexp_replace``; 64-bit hashes are kept as signed BIGINT (Spark has no
unsigned type: the same 64 bits in two's complement) and converted back to unsigned at the
interface, so ``contaminated`` holds the same numbers as the DuckDB engine's.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from synthgov.repo.files import FileInfo, LocalFiles
from synthgov.verify import sql
from synthgov.verify.model import (
    PII_DETECTORS,
    BadRow,
    ColumnType,
    FileMeasure,
    FileSpec,
    MeasureParams,
)

#: URI schemes read through Hadoop file systems (the connectors must be on the classpath)
SCHEMES = ("s3a", "gs", "abfss", "hdfs", "file")
DEFAULT_MASTER = "local[2]"
#: the evaluation side of the n-gram join is broadcast up to this many distinct hashes
#: (8 bytes each: 4,000,000 hashes is about 32 MB per executor); above it, a shuffle join
BROADCAST_MAX_HASHES = 4_000_000
AUTO_TEXT_MIN_MEAN = 16  # as the DuckDB engine
AUTO_SAMPLE_ROWS = 1000
TWO64 = 1 << 64
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


class EngineUnavailable(Exception):
    """The Spark engine cannot start (no PySpark, no Java, a bad master or conf)."""


@dataclass(frozen=True)
class SparkSettings:
    """``verify.spark`` of the config."""

    master: str = DEFAULT_MASTER
    conf: Mapping[str, str] | None = None
    #: data file path (absolute, as the card resolves it) -> storage URI read instead
    uris: Mapping[str, str] | None = None


def check_uri(uri: str) -> str:
    """'' if Spark can be asked to read ``uri``, else why not."""
    scheme = uri.split("://", 1)[0].lower()
    if scheme in SCHEMES:
        return ""
    if scheme == "s3":
        return "use s3a:// (Hadoop's S3A connector) instead of s3://"
    return f"unsupported URI scheme {scheme}:// (known: {', '.join(SCHEMES)})"


def find_java() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home and os.path.isfile(os.path.join(home, "bin", "java")):
        return os.path.join(home, "bin", "java")
    return shutil.which("java")


def open_engine(settings: SparkSettings) -> SparkEngine:
    """Start a Spark session for a run; :class:`EngineUnavailable` with one clear line when
    that is impossible."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise EngineUnavailable(
            "the Spark engine needs PySpark: pip install 'synthgov[spark]'"
        ) from None
    if find_java() is None:
        raise EngineUnavailable(
            "the Spark engine needs a Java runtime (17 or later): install one "
            "(e.g. apt-get install default-jre-headless) or set JAVA_HOME"
        )
    from pyspark import SparkContext

    # a session that is already running (a notebook, a test module, spark-submit's) is
    # used as it is and left running; one started here is stopped at the end of the run
    running = SparkContext._active_spark_context is not None
    builder = SparkSession.builder.master(settings.master).appName("synthgov-verify")
    for key, value in session_conf(settings.conf).items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - py4j/JVM start-up errors have no common base
        text = str(exc).strip().splitlines()
        raise EngineUnavailable(
            f"cannot start Spark (master {settings.master}): "
            f"{text[0][:300] if text else type(exc).__name__}"
        ) from None
    session.sparkContext.setLogLevel("ERROR")
    return SparkEngine(session, uris=settings.uris, owns_session=not running)


def session_conf(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Spark settings synthgov needs, then the user's (which win)."""
    conf = {
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": "8",
        "spark.sql.variant.allowDuplicateKeys": "true",
        "spark.sql.ansi.enabled": "false",
    }
    conf.update({str(k): str(v) for k, v in (extra or {}).items()})
    return conf


def _signed(value: int) -> int:
    return value - TWO64 if value >= 1 << 63 else value


def _unsigned(value: int) -> int:
    return value + TWO64 if value < 0 else value


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


class SparkEngine:
    """:class:`synthgov.verify.engine.Engine` on a Spark session."""

    name = "spark"

    def __init__(
        self,
        session: Any,
        uris: Mapping[str, str] | None = None,
        owns_session: bool = False,
    ) -> None:
        from pyspark.sql import functions as F

        self._spark = session
        self._F = F
        self._uris = dict(uris or {})
        self._owns = owns_session

    def close(self) -> None:
        if self._owns:
            self._spark.stop()

    # ------------------------------------------------------------------ hashes

    def _hash64(self, col: Any) -> Any:
        F = self._F
        return F.conv(F.substring(F.md5(col), 1, 16), 16, -10).cast("bigint")

    def _hash31(self, col: Any) -> Any:
        F = self._F
        return F.pmod(F.conv(F.substring(F.md5(col), 1, 8), 16, 10).cast("bigint"), sql.PRIME)

    def _normalise(self, col: Any) -> Any:
        F = self._F
        return F.trim(
            F.regexp_replace(F.regexp_replace(F.lower(col), r"[^\pL\pN\s]+", " "), r"\s+", " ")
        )

    # ------------------------------------------------------------------ one file

    def source(self, spec: FileSpec) -> str:
        """What Spark reads for a file: its mapped URI, the URI itself, or a local path."""
        target = self._uris.get(spec.path, spec.path)
        if "://" in target:
            return target
        return "file://" + target

    def measure_file(
        self,
        spec: FileSpec,
        params: MeasureParams,
        sketch_dir: str,
        *,
        ngrams: bool = False,
        against: str | None = None,
    ) -> FileMeasure:
        os.makedirs(sketch_dir, exist_ok=True)
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException

        cached: list[Any] = []
        try:
            return self._measure(spec, params, sketch_dir, ngrams, against, cached)
        except (PySparkException, Py4JError, ValueError) as exc:
            reason = _first_line(exc).replace(self.source(spec), spec.shown)
            return FileMeasure(error=f"cannot read {spec.format}: {reason}")
        finally:
            for frame in cached:
                frame.unpersist()

    def _lines(self, spec: FileSpec) -> Any:
        """(rn, line): the file's records as JSON text, numbered as the DuckDB engine does
        (JSONL: line number; CSV: line number with the header as line 1; Parquet: row)."""
        F, reader = self._F, self._spark.read
        src = self.source(spec)
        if spec.format == "jsonl":
            frame, first = reader.text(src).withColumnRenamed("value", "line"), 1
        elif spec.format == "csv":
            raw = reader.option("header", "true").option("inferSchema", "true").csv(src)
            frame, first = self._as_json(raw), 2
        elif spec.format == "parquet":
            frame, first = self._as_json(reader.parquet(src)), 1
        else:
            raise ValueError(f"unknown format {spec.format}")
        frame = frame.select(
            F.spark_partition_id().alias("p"),
            F.monotonically_increasing_id().alias("id"),
            "line",
        )
        if frame.rdd.getNumPartitions() <= 1:  # driver metadata: no job for a small file
            counts = [(0, 0)]
        else:  # rows per partition: one small aggregate, never the rows
            counts = sorted(
                (int(r["p"]), int(r["count"])) for r in frame.groupBy("p").count().collect()
            )
        offset, start = first, F.lit(0)
        cases = None
        for part, n in counts:  # row number = rows of earlier partitions + index in this one
            cond = F.col("p") == part
            cases = (
                F.when(cond, F.lit(offset)) if cases is None else cases.when(cond, F.lit(offset))
            )
            offset += n
        if cases is not None:
            start = cases.otherwise(F.lit(0))
        local = F.col("id") - F.shiftleft(F.col("p").cast("bigint"), 33)
        return frame.select((local + start).cast("bigint").alias("rn"), "line")

    def _as_json(self, frame: Any) -> Any:
        F = self._F
        cols = [F.col(f"`{c}`") for c in frame.columns]
        return frame.select(F.to_json(F.struct(*cols), {"ignoreNullFields": "false"}).alias("line"))

    def _measure(
        self,
        spec: FileSpec,
        params: MeasureParams,
        sketch_dir: str,
        ngrams: bool,
        against: str | None,
        cached: list[Any],
    ) -> FileMeasure:
        F = self._F
        if spec.compression == "zstd":
            return FileMeasure(
                error="cannot read zstd-compressed files with the Spark engine "
                "(Hadoop's zstd codec needs native libraries); use gzip or Parquet"
            )
        lines = self._lines(spec)
        parsed = lines.select(
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
        parsed = parsed.persist()
        cached.append(parsed)
        # rows that are not records: too long, bad encoding, not a JSON object
        reason = (
            F.when(F.octet_length("line") > params.max_line_bytes, "line longer than the limit")
            .when(~F.expr("is_valid_utf8(line)"), "invalid UTF-8")
            .when(F.col("m").isNull(), "not a JSON object")
        )
        blank = F.trim(F.col("line")) == ""
        bad_rows = parsed.where(~blank & reason.isNotNull()).select("rn", reason.alias("why"))
        bad = bad_rows.count()
        examples = [  # at most max_examples row numbers; no job when nothing is bad
            BadRow(int(r["rn"]), str(r["why"]))
            for r in (bad_rows.orderBy("rn").limit(params.max_examples).collect() if bad else [])
        ]
        rec = parsed.where(~blank & reason.isNull()).select("rn", "line", "m")
        columns = self._columns(rec)
        text_fields = params.text_fields or self._auto_text(rec, params)
        parts = [F.col("m")[f].cast("string") for f in text_fields]
        text = F.concat_ws(" ", *parts) if parts else F.lit("")
        texts = rec.select("rn", "m", text.alias("t")).withColumn("nt", self._normalise("t"))
        texts = texts.persist()
        cached.append(texts)
        rows, text_rows, pii, pii_first, pii_rows, prov, present = self._aggregates(texts, params)
        self._sketches(texts, params, sketch_dir, ngrams)
        contaminated: tuple[int, ...] = ()
        if against is not None:
            contaminated = self._matches(texts, params, against)
        dists = {a: self._distribution(rec, a) for a in params.attributes}
        return FileMeasure(
            rows=rows,
            bad_rows=bad,
            bad_examples=tuple(examples),
            columns=columns,
            text_fields=tuple(text_fields),
            text_rows=text_rows,
            pii=pii,
            pii_first_row=pii_first,
            pii_rows=pii_rows,
            provenance_rows=prov,
            provenance_present=present,
            distributions=dists,
            contaminated=contaminated,
        )

    def _columns(self, rec: Any) -> tuple[ColumnType, ...]:
        F = self._F
        # Spark's VARIANT keeps 1.0 as an exact number without its scale; the JSON text of
        # a number (as Jackson writes it back) tells a float from an integer as DuckDB does
        raw = F.from_json("line", "map<string,string>")
        kinds = (
            rec.select("rn", raw.alias("r"), F.explode("m").alias("k", "val"))
            .select(
                "rn", "k", F.schema_of_variant("val").alias("s"), F.col("r")[F.col("k")].alias("x")
            )
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
            key = (str(row["k"]), _json_type(str(row["s"])))
            have = merged.setdefault(key, [0, int(row["first"])])
            have[0] += int(row["n"])
            have[1] = min(have[1], int(row["first"]))
        return tuple(ColumnType(k, t, n, first) for (k, t), (n, first) in sorted(merged.items()))

    def _auto_text(self, rec: Any, params: MeasureParams) -> tuple[str, ...]:
        F = self._F
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

    def _luhn(self, cand: Any) -> Any:
        F = self._F
        d = F.regexp_replace(cand, "[^0-9]", "")
        n = F.length(d)

        def add(acc: Any, i: Any) -> Any:
            x = d.substr(n - i + 1, F.lit(1)).cast("int")
            doubled = x * 2 - F.when(x * 2 > 9, 9).otherwise(0)
            return acc + F.when(i % 2 == 0, doubled).otherwise(x)

        return F.aggregate(F.sequence(F.lit(1), n), F.lit(0), add) % 10 == 0

    def _iban(self, c: Any) -> Any:
        """ISO 13616 mod-97 of an IBAN candidate, as sql.IBAN_MACRO spells it for DuckDB:
        the first four characters moved to the end, letters as 10..35, the digits folded."""
        F = self._F
        cleaned = F.regexp_replace(c, " ", "")
        moved = F.concat(F.substring(cleaned, 5, 1 << 16), F.substring(cleaned, 1, 4))
        chars = F.filter(F.split(moved, ""), lambda ch: ch != "")
        digits = F.array_join(
            F.transform(
                chars,
                lambda ch: F.when(
                    (ch >= "A") & (ch <= "Z"), (F.ascii(ch) - 55).cast("string")
                ).otherwise(ch),
            ),
            "",
        )
        folded = F.aggregate(
            F.filter(F.split(digits, ""), lambda d: d != ""),
            F.lit(0).cast("bigint"),
            lambda acc, x: (acc * 10 + x.cast("bigint")) % 97,
        )
        return folded == 1

    def _aggregates(self, texts: Any, params: MeasureParams) -> tuple[Any, ...]:
        """Rows, rows with text, PII and provenance in one pass (one Spark job)."""
        F = self._F
        t = F.col("t")
        conds = {k: t.rlike(v) for k, v in sql.PII_PATTERNS.items()}
        cards = F.regexp_extract_all(t, F.lit(sql.CARD_CANDIDATE), F.lit(0))
        conds["card"] = F.size(F.filter(cards, self._luhn)) > 0
        ibans = F.regexp_extract_all(t, F.lit(sql.PII_PATTERNS["iban"]), F.lit(0))
        conds["iban"] = F.size(F.filter(ibans, self._iban)) > 0
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
            union = None
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

    def _words(self) -> Any:
        return self._F.split(self._F.col("nt"), " ")

    def _grams(self, n: int) -> Any:
        """Hashed word n-grams plus the hash of the whole normalised text (as DuckDB)."""
        F = self._F
        w = F.col("w")
        grams = F.when(
            F.size(w) >= n,
            F.transform(
                F.sequence(F.lit(1), F.size(w) - n + 1),
                lambda i: self._hash64(F.array_join(F.slice(w, i, F.lit(n)), " ")),
            ),
        ).otherwise(F.array().cast("array<bigint>"))
        return F.array_append(grams, self._hash64(F.col("nt")))

    def _sketches(self, texts: Any, params: MeasureParams, sketch_dir: str, ngrams: bool) -> None:
        F = self._F
        with_text = texts.where(F.col("nt") != "")
        out = {
            name: "file://" + os.path.join(sketch_dir, f"{name}.parquet")
            for name in ("hashes", "bands", "ngrams")
        }
        with_text.select("rn", self._hash64(F.col("nt")).alias("h")).write.mode(
            "overwrite"
        ).parquet(out["hashes"])
        words = with_text.select("rn", "nt", self._words().alias("w"))
        if ngrams:
            grams = words.select("rn", F.explode(self._grams(params.ngram)).alias("g"))
            grams.distinct().write.mode("overwrite").parquet(out["ngrams"])
        if params.bands <= 0:
            return
        per_band = max(1, params.num_perm // params.bands)
        perms = sql.permutations(per_band * params.bands)
        k = params.shingle_size
        w = F.col("w")
        shingles = F.transform(
            F.sequence(F.lit(1), F.greatest(F.size(w) - k + 1, F.lit(1))),
            lambda i: self._hash31(F.array_join(F.slice(w, i, F.lit(k)), " ")),
        )
        # as the DuckDB engine (sql.minhash_bands): the shingles of each row joined with the
        # permutations (a small broadcast table) and two aggregations. Whole-stage code
        # generation runs this; per-row higher-order lambdas over 128 permutations were
        # measured far slower (docs/decisions.md)
        table = self._spark.createDataFrame(
            [(i, a, b) for i, (a, b) in enumerate(perms)], "i int, a bigint, b bigint"
        )
        x = words.select("rn", F.explode(shingles).alias("x"))
        minima = (
            x.crossJoin(F.broadcast(table))
            .groupBy("rn", "i")
            .agg(F.min((F.col("a") * F.col("x") + F.col("b")) % sql.PRIME).alias("v"))
        )
        band = (F.col("i") / per_band).cast("int")
        values = F.transform(
            F.array_sort(F.collect_list(F.struct("i", "v"))), lambda e: e["v"].cast("string")
        )
        bands = minima.groupBy("rn", band.alias("band")).agg(
            F.array_join(values, ",").alias("vals")
        )
        label = F.concat(F.col("band").cast("string"), F.lit(":"), F.col("vals"))
        bands.select("rn", "band", self._hash64(label).alias("bh")).write.mode("overwrite").parquet(
            out["bands"]
        )

    def _matches(self, texts: Any, params: MeasureParams, against: str) -> tuple[int, ...]:
        F = self._F
        grams = (
            texts.where(F.col("nt") != "")
            .select("nt", self._words().alias("w"))
            .select(F.explode(self._grams(params.ngram)).alias("g"))
            .distinct()
        )
        evaluation = self._spark.read.parquet("file://" + against)
        if evaluation.count() <= BROADCAST_MAX_HASHES:
            evaluation = F.broadcast(evaluation)
        found = grams.join(evaluation, "g", "left_semi").collect()
        return tuple(sorted(_unsigned(int(r["g"])) for r in found))

    def _distribution(self, rec: Any, attribute: str) -> dict[str, int]:
        F = self._F
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

    # ------------------------------------------------------------------ datasets

    def _union(self, sketch_dirs: Sequence[str], name: str) -> Any:
        F = self._F
        frame = None
        for i, d in enumerate(sketch_dirs):
            path = os.path.join(d, name + ".parquet")
            if not os.path.exists(path):
                continue
            part = self._spark.read.parquet("file://" + path).withColumn("f", F.lit(i))
            frame = part if frame is None else frame.unionByName(part)
        return frame

    def duplicate_rows(self, sketch_dirs: Sequence[str]) -> int:
        F = self._F
        hashes = self._union(sketch_dirs, "hashes")
        if hashes is None:
            return 0
        row = hashes.agg(F.count(F.lit(1)), F.count_distinct("h")).collect()[0]
        return int(row[0]) - int(row[1])

    def near_duplicate_rows(self, sketch_dirs: Sequence[str]) -> int:
        """LSH banding as a Spark job: a bucket is (band, band hash); rows in a bucket that
        holds more than one distinct text are near duplicates."""
        F = self._F
        hashes, bands = self._union(sketch_dirs, "hashes"), self._union(sketch_dirs, "bands")
        if hashes is None or bands is None:
            return 0
        joined = bands.join(hashes, ["f", "rn"])
        buckets = (
            joined.groupBy("band", "bh")
            .agg(F.count_distinct("h").alias("n"))
            .where(F.col("n") > 1)
            .select("band", "bh")
        )
        return int(
            joined.join(buckets, ["band", "bh"], "left_semi").select("f", "rn").distinct().count()
        )

    def ngram_union(self, sketch_dirs: Sequence[str], out_path: str) -> str:
        """The distinct n-gram hashes, written by executors; the digest is of the sketch
        folders' names (cache keys of content and parameters), so nothing is collected."""
        grams = self._union(sketch_dirs, "ngrams")
        if grams is None:
            grams = self._spark.createDataFrame([], "g bigint")
        grams.select("g").distinct().write.mode("overwrite").parquet("file://" + out_path)
        digest = hashlib.sha256(b"spark-ngram-union\n")
        for d in sorted(os.path.basename(os.path.normpath(d)) for d in sketch_dirs):
            digest.update(d.encode() + b"\n")
        return digest.hexdigest()

    def contaminated_rows(self, sketch_dirs: Sequence[str], found: Sequence[int]) -> int:
        F = self._F
        grams = self._union(sketch_dirs, "ngrams")
        if grams is None or not found:
            return 0
        hits = self._spark.createDataFrame([(_signed(int(g)),) for g in found], "g bigint")
        return int(
            grams.join(F.broadcast(hits), "g", "left_semi").select("f", "rn").distinct().count()
        )


def _json_type(variant_type: str) -> str:
    upper = variant_type.upper()
    if upper.startswith("DECIMAL"):
        scale = upper.rstrip(")").rsplit(",", 1)[-1].strip()
        return "integer" if scale == "0" else "float"
    for prefix, kind in VARIANT_TYPES:
        if upper.startswith(prefix):
            return kind
    return upper.lower()


class SparkFiles(LocalFiles):
    """Local files plus storage URIs: a URI's existence, size and fingerprint come from the
    Hadoop file system Spark reads it with (ETag when the store reports one, else size and
    modification time), so incremental runs re-measure only changed objects."""

    def __init__(self, roots: Sequence[str] | str | None, engine: SparkEngine) -> None:
        super().__init__(roots)
        self._engine = engine

    remote = True

    def _remote(self, path: str) -> str | None:
        target = self._engine._uris.get(path, path)
        return target if "://" in target else None

    def _status(self, uri: str) -> Any:
        jvm = self._engine._spark.sparkContext._jvm
        conf = self._engine._spark.sparkContext._jsc.hadoopConfiguration()
        hpath = jvm.org.apache.hadoop.fs.Path(uri)
        return hpath.getFileSystem(conf).getFileStatus(hpath)

    def info(self, path: str) -> FileInfo:
        uri = self._remote(path)
        if uri is None:
            return super().info(path)
        problem = check_uri(uri)
        if problem:
            return FileInfo(exists=False, error=problem)
        try:
            status = self._status(uri)
        except Exception as exc:  # noqa: BLE001 - py4j errors carry the store's message
            return FileInfo(exists=False, error=f"cannot stat {uri}: {_first_line(exc)}")
        return FileInfo(exists=True, is_file=bool(status.isFile()), size=int(status.getLen()))

    def sha256(self, path: str) -> str | None:
        uri = self._remote(path)
        if uri is None:
            return super().sha256(path)
        try:
            status = self._status(uri)
        except Exception:  # noqa: BLE001
            return None
        etag = ""
        try:
            etag = str(status.getEtag() or "")  # EtagSource (S3A, ABFS) in Hadoop 3.3+
        except Exception:  # noqa: BLE001 - the file system does not report one
            etag = ""
        text = f"{uri}\netag={etag}\nsize={status.getLen()}\nmtime={status.getModificationTime()}"
        return "remote:" + hashlib.sha256(text.encode()).hexdigest()
