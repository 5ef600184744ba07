"""The DuckDB engine: a connection per thread, one file's measure (:mod:`.reading`,
:mod:`.measures`, :mod:`.sketches`) and the dataset measures over many files' sketches."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from typing import Any

from synthgov.verify import sql
from synthgov.verify.duckdb_engine import measures, parallel, reading, sketches
from synthgov.verify.duckdb_engine.reading import lit
from synthgov.verify.model import FileMeasure, FileSpec, MeasureParams


class DuckDBEngine:
    """:class:`synthgov.verify.engine.Engine` on an in-memory DuckDB database."""

    name = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str = "1GB") -> None:
        import duckdb

        self._duckdb = duckdb
        self.library = f"duckdb {duckdb.__version__}"  # part of the measure cache's key
        config: dict[str, Any] = {"memory_limit": memory_limit}
        if threads:
            config["threads"] = threads
        self._base = duckdb.connect(":memory:", config=config)
        self._config = config
        self._local = threading.local()
        self._whole: Any = None  # the dataset-level queries' database, opened on first use

    @property
    def _con(self) -> Any:
        """This thread's connection to the database (temporary tables are per connection,
        so files can be measured on several threads at once)."""
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._base.cursor()
            # a file's tables live in this thread's schema, which the connections measuring
            # its slices also use (duckdb_engine/parallel.py)
            self._local.schema = f"sg_w{threading.get_ident()}"
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {self._local.schema}")
            con.execute(f"SET schema = '{self._local.schema}'")
            con.execute(sql.LUHN_MACRO)
            con.execute(sql.IBAN_MACRO)
            self._local.con = con
        return con

    @property
    def _all(self) -> Any:
        """The database of the dataset-level queries (over every shard's sketches). It does
        not keep insertion order: with it, DuckDB cannot spill the joins and aggregates of a
        10,000,000-row dataset's band hashes (90 million rows) and runs out of its memory
        limit; without it the same query finishes in bounded memory. Per-file measures
        number rows in file order, so they keep the default on their own database."""
        if self._whole is None:
            config = {**self._config, "preserve_insertion_order": False}
            self._whole = self._duckdb.connect(":memory:", config=config)
        return self._whole

    def close(self) -> None:
        self._base.close()
        if self._whole is not None:
            self._whole.close()

    # ------------------------------------------------------------------ one file

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
        try:
            return self._measure(spec, params, sketch_dir, ngrams, against)
        except self._duckdb.Error as exc:
            reason = reading.first_line(exc).replace(spec.path, spec.shown)
            return FileMeasure(error=f"cannot read {spec.format}: {reason}")
        except (ValueError, OverflowError, UnicodeError, MemoryError) as exc:
            # what DuckDB's Python layer raises outside duckdb.Error (e.g. a value it cannot
            # convert): still a finding about the file, never a traceback
            reason = reading.first_line(exc).replace(spec.path, spec.shown)
            return FileMeasure(error=f"cannot measure {spec.format}: {reason}")
        finally:
            self._drop_tables()

    def _drop_tables(self) -> None:
        """Drop the views and tables of a file's measure: those in this thread's schema,
        and DuckDB's temporary rejects tables."""
        con = self._con
        found = con.execute(
            "SELECT table_name, table_type FROM information_schema.tables "
            "WHERE table_schema = current_schema() ORDER BY table_type DESC, table_name"
        ).fetchall()
        for name, kind in found:  # views ('VIEW') before tables ('BASE TABLE')
            con.execute(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} IF EXISTS {name}")
        for table in reading.TEMPORARY:
            con.execute(f"DROP TABLE IF EXISTS {table}")

    def _measure(
        self,
        spec: FileSpec,
        params: MeasureParams,
        sketch_dir: str,
        ngrams: bool,
        against: str | None,
    ) -> FileMeasure:
        con = self._con
        rejected = reading.load(con, spec, params, (self._duckdb.Error,))
        bad, bad_examples = reading.bad_rows(con, spec, params, rejected)
        rows = int(con.execute("SELECT count(*) FROM sg_rec").fetchone()[0])
        columns = measures.columns(con)
        text_fields = params.text_fields or measures.auto_text(con, params)
        split = parallel.split(con, self._base, self._local.schema, "sg_rec")
        text_rows = measures.extract_text(con, split, params, text_fields)
        sketches.write_sketches(con, params, sketch_dir, ngrams, split)
        contaminated = sketches.matches(split, params, against) if against is not None else ()
        pii, pii_first, pii_rows = measures.pii(split, params.detectors)
        prov, present = measures.provenance(con, params)
        return FileMeasure(
            rows=rows,
            bad_rows=bad,
            bad_examples=bad_examples,
            columns=columns,
            text_fields=tuple(text_fields),
            text_rows=text_rows,
            pii=pii,
            pii_first_row=pii_first,
            pii_rows=pii_rows,
            provenance_rows=prov,
            provenance_present=present,
            distributions={
                a: measures.distribution(con, f"a{i + 1}") for i, a in enumerate(params.attributes)
            },
            contaminated=contaminated,
        )

    # ------------------------------------------------------------------ datasets

    def _union(self, sketch_dirs: Sequence[str], name: str) -> str | None:
        parts = [
            f"SELECT {i} AS f, * FROM read_parquet({lit(os.path.join(d, name + '.parquet'))})"
            for i, d in enumerate(sketch_dirs)
            if os.path.exists(os.path.join(d, name + ".parquet"))
        ]
        return " UNION ALL ".join(parts) if parts else None

    def duplicate_rows(self, sketch_dirs: Sequence[str]) -> int:
        hashes = self._union(sketch_dirs, "hashes")
        if hashes is None:
            return 0
        row = self._all.execute(f"SELECT count(*) - count(DISTINCT h) FROM ({hashes})")
        return int(row.fetchone()[0])

    def near_duplicate_rows(self, sketch_dirs: Sequence[str]) -> int:
        hashes, bands = self._union(sketch_dirs, "hashes"), self._union(sketch_dirs, "bands")
        if hashes is None or bands is None:
            return 0
        try:
            row = self._all.execute(_near_query(bands, hashes, "")).fetchone()
            return int(row[0])
        except self._duckdb.OutOfMemoryException:
            return self.near_duplicate_rows_by_band(sketch_dirs)

    def near_duplicate_rows_by_band(self, sketch_dirs: Sequence[str]) -> int:
        """:meth:`near_duplicate_rows` one band at a time (each a ninth of the rows), for
        data past what one query over every band fits in the memory limit (about 90 million
        band rows on a 1 GB limit): the same rows found."""
        hashes, bands = self._union(sketch_dirs, "hashes"), self._union(sketch_dirs, "bands")
        if hashes is None or bands is None:
            return 0
        found: set[tuple[int, int]] = set()
        (n_bands,) = self._all.execute(f"SELECT max(band) + 1 FROM ({bands})").fetchone()
        for band in range(int(n_bands or 0)):
            query = _near_query(bands, hashes, f"WHERE band = {band}", rows=True)
            found.update(self._all.execute(query).fetchall())
        return len(found)

    def ngram_union(self, sketch_dirs: Sequence[str], out_path: str) -> str:
        grams = self._union(sketch_dirs, "ngrams")
        body = (
            grams
            if grams is not None
            else "SELECT 0 AS f, 0::BIGINT AS rn, 0::UBIGINT AS g LIMIT 0"
        )
        self._all.execute(
            f"COPY (SELECT DISTINCT g FROM ({body}) ORDER BY g) TO {lit(out_path)} (FORMAT parquet)"
        )
        # the digest names the evaluation files' cache entries (each a SHA-256 of a file's
        # content and the parameters, so it names their n-grams), as the Spark engine's does:
        # hashing every n-gram hash in Python took 0.15 s of each warm run
        digest = hashlib.sha256(b"synthgov-ngram-union-v2")
        for folder in sketch_dirs:
            digest.update(os.path.basename(os.path.normpath(folder)).encode() + b"\n")
        return digest.hexdigest()

    def contaminated_rows(self, sketch_dirs: Sequence[str], found: Sequence[int]) -> int:
        grams = self._union(sketch_dirs, "ngrams")
        if grams is None or not found:
            return 0
        # one list parameter, not a row insert per hash (executemany took 0.8 s for the
        # 3,400 hashes of the benchmark: a fixed cost of every warm run)
        row = self._all.execute(
            f"SELECT count(*) FROM (SELECT DISTINCT f, rn FROM ({grams}) "
            "WHERE g IN (SELECT unnest(?::UBIGINT[])))",
            [[int(g) for g in found]],
        ).fetchone()
        return int(row[0])


def _near_query(bands: str, hashes: str, where: str, rows: bool = False) -> str:
    """The rows sharing a band bucket with a row of another text (or their count). Buckets
    holding one row (nearly all) cannot hold a near duplicate: they are left out before the
    band rows are joined with the text hashes."""
    b0 = f"(SELECT * FROM ({bands}) {where})"
    shared = f"SELECT band, bh FROM {b0} GROUP BY band, bh HAVING count(*) > 1"
    body = (
        f"WITH b AS (SELECT * FROM {b0} SEMI JOIN ({shared}) USING (band, bh)), "
        f"bh AS (SELECT b.f, b.rn, band, bh, h FROM b JOIN ({hashes}) hh USING (f, rn)), "
        "buckets AS (SELECT band, bh FROM bh GROUP BY band, bh HAVING count(DISTINCT h) > 1) "
        "SELECT DISTINCT f, rn FROM bh SEMI JOIN buckets USING (band, bh)"
    )
    return body if rows else f"SELECT count(*) FROM ({body})"
