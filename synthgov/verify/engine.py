"""The engine interface: what a measuring engine provides (DuckDB now, Spark later).

An engine measures one file at a time into a :class:`FileMeasure` plus sketch files
(Parquet) in a folder it is given, and combines the sketches of many files into dataset
measures. Sketches are plain Parquet tables with fixed columns, so that an engine can read
another engine's sketches and a cached file never needs measuring again:

- ``hashes.parquet``: ``rn BIGINT, h UBIGINT`` (64-bit prefix of the MD5 of the normalised
  text of each row with text);
- ``bands.parquet``: ``rn BIGINT, band INTEGER, bh UBIGINT`` (MinHash LSH band hashes);
- ``ngrams.parquet``: ``rn BIGINT, g UBIGINT`` (n-gram hashes, evaluation data only).

The hash functions are spelled in :mod:`synthgov.verify.sql` from MD5, which DuckDB and Spark
both compute identically, so the two engines agree on every sketch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from synthgov.verify.model import FileMeasure, FileSpec, MeasureParams


class Engine(Protocol):
    """What :mod:`synthgov.verify.measure` needs from an engine."""

    name: str

    def measure_file(
        self,
        spec: FileSpec,
        params: MeasureParams,
        sketch_dir: str,
        *,
        ngrams: bool = False,
        against: str | None = None,
    ) -> FileMeasure:
        """Measure one file; write its sketches into ``sketch_dir``.

        ``ngrams``: also write ``ngrams.parquet`` (the file belongs to evaluation data).
        ``against``: a Parquet file of evaluation n-gram hashes (column ``g``); the measure's
        ``contaminated`` then lists those found in this file. Never raises for bad data: a
        file that cannot be read gives a measure with ``error`` set.
        """
        ...

    def duplicate_rows(self, sketch_dirs: Sequence[str]) -> int:
        """Rows (with text) whose normalised text occurs earlier in the given files."""
        ...

    def near_duplicate_rows(self, sketch_dirs: Sequence[str]) -> int:
        """Rows sharing an LSH bucket with a row of different normalised text."""
        ...

    def ngram_union(self, sketch_dirs: Sequence[str], out_path: str) -> str:
        """Write the distinct n-gram hashes of the given files to ``out_path``; return a
        digest of them (part of the cache key of the training files compared with them)."""
        ...

    def contaminated_rows(self, sketch_dirs: Sequence[str], found: Sequence[int]) -> int:
        """Rows of the given (evaluation) files having an n-gram hash in ``found``."""
        ...

    def close(self) -> None: ...
