"""The Spark engine: one file's measure (:mod:`.reading`, :mod:`.measures`,
:mod:`.sketches`) and the dataset measures over many files' sketches, as Spark jobs."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from typing import Any

from synthgov.verify.model import FileMeasure, FileSpec, MeasureParams
from synthgov.verify.spark_engine import measures, reading, sketches
from synthgov.verify.spark_engine.expressions import first_line, signed


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
        self.library = f"spark {session.version}"  # part of the measure cache's key
        self._F = F
        self._uris = dict(uris or {})
        self._owns = owns_session

    def close(self) -> None:
        if self._owns:
            self._spark.stop()

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
            reason = first_line(exc).replace(self.source(spec), spec.shown)
            return FileMeasure(error=f"cannot read {spec.format}: {reason}")
        finally:
            for frame in cached:
                frame.unpersist()

    def _measure(
        self,
        spec: FileSpec,
        params: MeasureParams,
        sketch_dir: str,
        ngrams: bool,
        against: str | None,
        cached: list[Any],
    ) -> FileMeasure:
        """``cached``: the frames persisted here, for the caller to release."""
        if spec.compression == "zstd":
            return FileMeasure(
                error="cannot read zstd-compressed files with the Spark engine "
                "(Hadoop's zstd codec needs native libraries); use gzip or Parquet"
            )
        parsed = reading.parse(reading.lines(self._spark, spec, self.source(spec))).persist()
        cached.append(parsed)
        bad, examples, rec = reading.records(parsed, params)
        columns = measures.columns(rec)
        text_fields = params.text_fields or measures.auto_text(rec, params)
        texts = measures.texts(rec, text_fields).persist()
        cached.append(texts)
        rows, text_rows, pii, pii_first, pii_rows, prov, present = measures.aggregates(
            texts, params
        )
        sketches.write_sketches(self._spark, texts, params, sketch_dir, ngrams)
        contaminated: tuple[int, ...] = ()
        if against is not None:
            contaminated = sketches.matches(self._spark, texts, params, against)
        return FileMeasure(
            rows=rows,
            bad_rows=bad,
            bad_examples=examples,
            columns=columns,
            text_fields=tuple(text_fields),
            text_rows=text_rows,
            pii=pii,
            pii_first_row=pii_first,
            pii_rows=pii_rows,
            provenance_rows=prov,
            provenance_present=present,
            distributions={a: measures.distribution(rec, a) for a in params.attributes},
            contaminated=contaminated,
        )

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
        hits = self._spark.createDataFrame([(signed(int(g)),) for g in found], "g bigint")
        return int(
            grams.join(F.broadcast(hits), "g", "left_semi").select("f", "rn").distinct().count()
        )
