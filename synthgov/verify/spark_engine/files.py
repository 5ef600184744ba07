"""File access for the Spark engine: local files, and storage URIs whose existence, size
and fingerprint come from the Hadoop file system Spark reads them with."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from synthgov.repo.files import FileInfo, LocalFiles
from synthgov.verify.spark_engine.engine import SparkEngine
from synthgov.verify.spark_engine.expressions import first_line
from synthgov.verify.spark_engine.session import check_uri


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

    def uri_of(self, path: str) -> str | None:
        """The storage URI a local path is mapped to (``verify.spark.paths``), if any."""
        return self._remote(path)

    def delta_table(self, uri: str) -> Any:
        """The snapshot of the Delta table at ``uri`` (listed and read through Hadoop), or
        why it cannot be measured."""
        from synthgov.verify.spark_engine import delta

        problem = check_uri(uri)
        if problem:
            return f"Delta table: {problem}"
        return delta.table(self._engine._spark, uri)

    def is_delta_table(self, uri: str) -> bool:
        from synthgov.verify.spark_engine import delta

        return not check_uri(uri) and delta.is_table(self._engine._spark, uri)

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
            return FileInfo(exists=False, error=f"cannot stat {uri}: {first_line(exc)}")
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
