"""The Spark engine (issue 17): the measures of :mod:`synthgov.verify.duckdb_engine` written
for Spark's execution model. Imported only when ``--engine spark`` (or ``verify: {engine:
spark}``) is asked for; PySpark is imported inside :func:`open_engine` and when a column
expression is built.

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

Modules: ``session`` (settings, starting a session), ``engine`` (:class:`SparkEngine`),
``reading`` (a file's numbered records), ``measures`` (one file's measures),
``sketches`` (hashes, MinHash bands, n-grams), ``expressions`` (shared column
expressions), ``files`` (:class:`SparkFiles`, storage URIs).
"""

from __future__ import annotations

from synthgov.verify.spark_engine.engine import SparkEngine
from synthgov.verify.spark_engine.files import SparkFiles
from synthgov.verify.spark_engine.session import (
    DEFAULT_MASTER,
    SCHEMES,
    EngineUnavailable,
    SparkSettings,
    check_uri,
    find_java,
    open_engine,
    session_conf,
)

__all__ = [
    "DEFAULT_MASTER",
    "SCHEMES",
    "EngineUnavailable",
    "SparkEngine",
    "SparkFiles",
    "SparkSettings",
    "check_uri",
    "find_java",
    "open_engine",
    "session_conf",
]
