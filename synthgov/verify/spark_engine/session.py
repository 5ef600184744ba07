"""Starting the Spark engine: ``verify.spark`` settings, the session and its configuration,
and which storage URIs Spark can be asked to read."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass

from synthgov.verify.spark_engine.engine import SparkEngine

#: URI schemes read through Hadoop file systems (the connectors must be on the classpath)
SCHEMES = ("s3a", "gs", "abfss", "hdfs", "file")
DEFAULT_MASTER = "local[2]"


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
