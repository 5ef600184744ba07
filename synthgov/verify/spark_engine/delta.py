"""A Delta table at a storage URI: its ``_delta_log`` listed and read through the Hadoop file
system Spark reads the data with (so ``s3a://``, ``gs://``, ``abfss://``, ``hdfs://`` work
wherever their connector is on the classpath), replayed by :mod:`synthgov.verify.delta_log`.

The commits are small JSON files read whole on the driver; a checkpoint is read by Spark
and its action rows (one per file of the table: metadata, never data rows) are collected to
the driver for the replay."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from synthgov.verify.delta_log import DELTA_LOG, DeltaError
from synthgov.verify.spark_engine.expressions import first_line


def is_table(spark: Any, uri: str) -> bool:
    """Whether ``uri`` holds a ``_delta_log`` folder (False when it cannot be asked)."""
    try:
        log = HadoopLog(spark, uri)
        return bool(log._fs.isDirectory(log._path))
    except Exception:  # noqa: BLE001 - no connector, no access: not known to be a table
        return False


def table(spark: Any, uri: str) -> Any:
    """The snapshot of the table at ``uri``, or why it cannot be measured."""
    from synthgov.verify.delta_log import replay

    try:
        return replay(HadoopLog(spark, uri))
    except DeltaError as exc:
        return f"Delta table: {exc}"


class HadoopLog:
    """:class:`synthgov.verify.delta_log.LogSource` of the table at ``uri``."""

    def __init__(self, spark: Any, uri: str) -> None:
        self._spark = spark
        self.folder = uri.rstrip("/") + "/" + DELTA_LOG
        jvm = spark.sparkContext._jvm
        self._jvm = jvm
        self._path = jvm.org.apache.hadoop.fs.Path(self.folder)
        conf = spark.sparkContext._jsc.hadoopConfiguration()
        try:
            self._fs = self._path.getFileSystem(conf)
        except Exception as exc:  # noqa: BLE001 - py4j errors carry the store's message
            raise DeltaError(f"{DELTA_LOG}: {first_line(exc)}") from None

    def names(self) -> Sequence[str]:
        try:
            found = self._fs.listStatus(self._path)
        except Exception as exc:  # noqa: BLE001
            if "FileNotFoundException" in str(exc):
                raise DeltaError(f"{DELTA_LOG}: missing (not a Delta table)") from None
            raise DeltaError(f"{DELTA_LOG}: cannot be listed ({first_line(exc)})") from None
        return sorted(str(s.getPath().getName()) for s in found if s.isFile())

    def read(self, name: str, limit: int) -> bytes:
        path = self._jvm.org.apache.hadoop.fs.Path(self.folder + "/" + name)
        try:
            size = int(self._fs.getFileStatus(path).getLen())
            if size >= limit:
                raise DeltaError(f"{DELTA_LOG}/{name}: larger than the {limit - 1:,}-byte limit")
            stream = self._fs.open(path)
            try:
                data = self._jvm.org.apache.commons.io.IOUtils.toByteArray(stream, size)
            finally:
                stream.close()
        except DeltaError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise DeltaError(f"{DELTA_LOG}/{name}: cannot be read ({first_line(exc)})") from None
        return bytes(data)

    def checkpoint_rows(self, names: Sequence[str]) -> list[str]:
        from pyspark.sql import functions as F

        uris = [self.folder + "/" + n for n in names]
        try:
            frame = self._spark.read.parquet(*uris)
            cols = [F.col(f"`{c}`") for c in frame.columns]
            rows = frame.select(F.to_json(F.struct(*cols)).alias("j")).collect()
        except Exception as exc:  # noqa: BLE001
            reason = first_line(exc)
            raise DeltaError(f"{DELTA_LOG}/{names[0]}: checkpoint unreadable ({reason})") from None
        return [str(r["j"]) for r in rows]
