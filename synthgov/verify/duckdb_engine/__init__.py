"""The default engine: embedded DuckDB. Imported only when data is verified.

Rows are never brought into Python: each file is read by DuckDB into a temporary table of
(row number, JSON record), measured with SQL, and its sketches are written to Parquet by
DuckDB. Python sees counts, a few example row numbers and the sketches' paths.

``engine`` holds :class:`DuckDBEngine` (connections, one file's measure, the dataset
measures); ``reading`` reads a file into the record table; ``measures`` the SQL of each
measure of a file; ``sketches`` the hashes, MinHash bands and n-grams written to Parquet.
"""

from __future__ import annotations

from synthgov.verify.duckdb_engine.engine import DuckDBEngine

__all__ = ["DuckDBEngine"]
