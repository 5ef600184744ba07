"""The default engine: embedded DuckDB. Imported only when data is verified.

Rows are never brought into Python: each file is read by DuckDB into a temporary table of
(row number, JSON record), measured with SQL, and its sketches are written to Parquet by
DuckDB. Python sees counts, a few example row numbers and the sketches' paths.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from typing import Any

from synthgov.verify import sql
from synthgov.verify.model import (
    PII_DETECTORS,
    BadRow,
    ColumnType,
    FileMeasure,
    FileSpec,
    MeasureParams,
)

JSON_TYPES = {
    "VARCHAR": "string",
    "BIGINT": "integer",
    "UBIGINT": "integer",
    "DOUBLE": "float",
    "BOOLEAN": "boolean",
    "ARRAY": "list",
    "OBJECT": "object",
    "NULL": "null",
}
AUTO_TEXT_MIN_MEAN = 16  # auto-detected text fields: string columns at least this long on average
AUTO_SAMPLE_ROWS = 1000
SKETCHES = ("hashes", "bands", "ngrams")


def _lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _field(column: str) -> str:
    """A JSON path selecting a top-level key, whatever characters it holds."""
    return _lit('$."' + column.replace("\\", "\\\\").replace('"', '\\"') + '"')


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line[:300]


class DuckDBEngine:
    """:class:`synthgov.verify.engine.Engine` on an in-memory DuckDB database."""

    name = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str = "1GB") -> None:
        import duckdb

        self._duckdb = duckdb
        config: dict[str, Any] = {"memory_limit": memory_limit}
        if threads:
            config["threads"] = threads
        self._base = duckdb.connect(":memory:", config=config)
        self._local = threading.local()

    @property
    def _con(self) -> Any:
        """This thread's connection to the database (temporary tables are per connection,
        so files can be measured on several threads at once)."""
        con = getattr(self._local, "con", None)
        if con is None:
            con = self._base.cursor()
            con.execute(sql.LUHN_MACRO)
            self._local.con = con
        return con

    def close(self) -> None:
        self._base.close()

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
            reason = _first_line(exc).replace(spec.path, spec.shown)
            return FileMeasure(error=f"cannot read {spec.format}: {reason}")
        except (ValueError, OverflowError, UnicodeError, MemoryError) as exc:
            # what DuckDB's Python layer raises outside duckdb.Error (e.g. a value it cannot
            # convert): still a finding about the file, never a traceback
            reason = _first_line(exc).replace(spec.path, spec.shown)
            return FileMeasure(error=f"cannot measure {spec.format}: {reason}")
        finally:
            for table in (
                "sg_lines",
                "sg_src",
                "sg_rec",
                "sg_text",
                "sg_rej",
                "sg_scan",
                "sg_shift",
            ):
                self._con.execute(f"DROP TABLE IF EXISTS {table}")

    def _measure(
        self,
        spec: FileSpec,
        params: MeasureParams,
        sketch_dir: str,
        ngrams: bool,
        against: str | None,
    ) -> FileMeasure:
        con = self._con
        rejected = self._load(spec, params)
        bad_examples: list[BadRow] = []
        bad = len(rejected)
        for line, reason in rejected[: params.max_examples]:
            bad_examples.append(BadRow(line, reason))
        if spec.format == "jsonl":
            n_bad, malformed = con.execute(
                "SELECT count(*), list(rn ORDER BY rn)[1:?] FROM sg_lines "
                "WHERE line IS NOT NULL AND trim(line) <> '' "
                "AND coalesce(json_type(TRY_CAST(line AS JSON)), '') <> 'OBJECT'",
                [params.max_examples],
            ).fetchone()
            bad += int(n_bad)
            for rn in malformed or []:
                bad_examples.append(BadRow(int(rn), "not a JSON object"))
        bad_examples.sort(key=lambda b: b.row)
        rows = int(con.execute("SELECT count(*) FROM sg_rec").fetchone()[0])
        columns = self._columns()
        text_fields = params.text_fields or self._auto_text(params)
        parts = ", ".join(f"json_extract_string(j, {_field(f)})" for f in text_fields)
        text = f"concat_ws(' ', {parts})" if text_fields else "''"
        con.execute(
            f"CREATE TEMP TABLE sg_text AS SELECT rn, {text} AS t, "
            f"{sql.normalise(text)} AS nt FROM sg_rec"
        )
        text_rows = int(con.execute("SELECT count(*) FROM sg_text WHERE nt <> ''").fetchone()[0])
        self._sketches(params, sketch_dir, ngrams)
        contaminated: tuple[int, ...] = ()
        if against is not None:
            contaminated = self._matches(params, against)
        pii, pii_first, pii_rows = self._pii(params.detectors)
        prov, present = self._provenance(params)
        dists = {a: self._distribution(a) for a in params.attributes}
        return FileMeasure(
            rows=rows,
            bad_rows=bad,
            bad_examples=tuple(bad_examples[: params.max_examples]),
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

    def _load(self, spec: FileSpec, params: MeasureParams) -> list[tuple[int, str]]:
        """Read the file into ``sg_rec(rn, j)``; return the lines DuckDB rejected."""
        con = self._con
        path = _lit(spec.path)
        comp = "" if spec.compression == "auto" else f", compression={_lit(spec.compression)}"
        rejects = (
            f", store_rejects=true, rejects_table='sg_rej', rejects_scan='sg_scan', "
            f"max_line_size={int(params.max_line_bytes)}"
        )
        if spec.format == "jsonl":
            con.execute(
                "CREATE TEMP TABLE sg_lines AS SELECT row_number() OVER () AS rn, line FROM "
                f"read_csv({path}, columns={{'line': 'VARCHAR'}}, header=false, "
                f"delim=chr(1), quote='', escape='', auto_detect=false, parallel=false, "
                f"strict_mode=false{comp}{rejects})"
            )
            self._renumber()
            con.execute(
                "CREATE TEMP TABLE sg_rec AS SELECT rn, j FROM (SELECT rn, TRY_CAST(line AS JSON) "
                "AS j FROM sg_lines) WHERE json_type(j) = 'OBJECT'"
            )
        elif spec.format == "csv":
            con.execute(
                f"CREATE TEMP TABLE sg_src AS SELECT * FROM read_csv({path}, header=true, "
                f"parallel=false{comp}{rejects})"
            )
            con.execute(
                "CREATE TEMP TABLE sg_rec AS SELECT row_number() OVER () + 1 AS rn, "
                "to_json(s) AS j FROM sg_src s"
            )
        elif spec.format == "parquet":
            con.execute(
                "CREATE TEMP TABLE sg_rec AS SELECT row_number() OVER () AS rn, "
                f"to_json(s) AS j FROM read_parquet({path}) s"
            )
            return []
        else:  # the caller resolves formats; anything else is a programming error
            raise ValueError(f"unknown format {spec.format}")
        found = con.execute(
            "SELECT line, error_type, any_value(error_message) FROM sg_rej "
            "GROUP BY line, error_type ORDER BY line"
        ).fetchall()
        return [(int(line), _reject_reason(kind, msg)) for line, kind, msg in found]

    def _renumber(self) -> None:
        """Give the kept lines their line numbers in the file: DuckDB numbers only the lines
        it kept. The j-th rejected line r_j (1-based) has r_j - j kept lines before it, so
        kept line k is file line k + #{j : r_j - j < k}."""
        con = self._con
        if not con.execute("SELECT count(*) FROM sg_rej").fetchone()[0]:
            return
        con.execute(
            "CREATE OR REPLACE TEMP TABLE sg_shift AS SELECT line - row_number() OVER "
            "(ORDER BY line) AS lim FROM (SELECT DISTINCT line FROM sg_rej)"
        )
        con.execute(
            "CREATE OR REPLACE TEMP TABLE sg_lines AS SELECT l.rn + count(s.lim) AS rn, "
            "any_value(l.line) AS line FROM sg_lines l LEFT JOIN sg_shift s ON s.lim < l.rn "
            "GROUP BY l.rn"
        )

    def _columns(self) -> tuple[ColumnType, ...]:
        found = self._con.execute(
            "SELECT k, json_type(json_extract(j, '$.\"' || replace(k, '\"', '\\\"') || '\"')) "
            "AS t, count(*), min(rn) FROM sg_rec, unnest(json_keys(j)) AS u(k) "
            "GROUP BY ALL ORDER BY k, t"
        ).fetchall()
        return tuple(
            ColumnType(str(k), JSON_TYPES.get(str(t), str(t).lower()), int(n), int(first))
            for k, t, n, first in found
        )

    def _auto_text(self, params: MeasureParams) -> tuple[str, ...]:
        skip = {params.provenance_field, *params.attributes}
        found = self._con.execute(
            "SELECT k, avg(length(json_extract_string(j, '$.\"' || replace(k, '\"', '\\\"') "
            "|| '\"'))) AS m FROM (SELECT * FROM sg_rec WHERE rn <= ?), "
            "unnest(json_keys(j)) AS u(k) WHERE json_type(json_extract(j, '$.\"' || "
            "replace(k, '\"', '\\\"') || '\"')) = 'VARCHAR' GROUP BY k ORDER BY m DESC, k",
            [AUTO_SAMPLE_ROWS],
        ).fetchall()
        cands = [(str(k), float(m)) for k, m in found if str(k) not in skip]
        long = sorted(k for k, m in cands if m >= AUTO_TEXT_MIN_MEAN)
        if long:
            return tuple(long)
        return (cands[0][0],) if cands else ()

    def _sketches(self, params: MeasureParams, sketch_dir: str, ngrams: bool) -> None:
        con = self._con
        out = {name: _lit(os.path.join(sketch_dir, f"{name}.parquet")) for name in SKETCHES}
        con.execute(
            f"COPY (SELECT rn, {sql.hash64('nt')} AS h FROM sg_text WHERE nt <> '' ORDER BY rn) "
            f"TO {out['hashes']} (FORMAT parquet)"
        )
        words = "string_split(nt, ' ')"
        if params.bands <= 0:  # near duplicates not measured (bench: the exact measures alone)
            if ngrams:
                self._ngrams(params, out["ngrams"], words)
            return
        per_band = max(1, params.num_perm // params.bands)
        shingles = sql.shingle_hashes("w", params.shingle_size)
        columns, bands = sql.minhash_bands("sh", per_band * params.bands, per_band)
        con.execute(
            f"COPY (SELECT rn, unnest(range({params.bands}))::INTEGER AS band, "
            f"unnest({bands}) AS bh FROM (SELECT rn, {columns} FROM (SELECT rn, {shingles} "
            f"AS sh FROM (SELECT rn, {words} AS w FROM sg_text WHERE nt <> ''))) "
            f"ORDER BY rn, band) TO {out['bands']} (FORMAT parquet)"
        )
        if ngrams:
            self._ngrams(params, out["ngrams"], words)

    def _ngrams(self, params: MeasureParams, target: str, words: str) -> None:
        grams = sql.ngram_hashes("w", params.ngram)
        self._con.execute(
            f"COPY (SELECT DISTINCT rn, unnest(list_append({grams}, {sql.hash64('nt')})) "
            f"AS g FROM (SELECT rn, nt, {words} AS w FROM sg_text WHERE nt <> '') "
            f"ORDER BY rn, g) TO {target} (FORMAT parquet)"
        )

    def _matches(self, params: MeasureParams, against: str) -> tuple[int, ...]:
        grams = sql.ngram_hashes("w", params.ngram)
        found = self._con.execute(
            f"SELECT DISTINCT g FROM (SELECT unnest(list_append({grams}, "
            f"{sql.hash64('nt')})) AS g FROM (SELECT nt, string_split(nt, ' ') AS w "
            f"FROM sg_text WHERE nt <> '')) WHERE g IN (SELECT g FROM read_parquet("
            f"{_lit(against)})) ORDER BY g"
        ).fetchall()
        return tuple(int(g) for (g,) in found)

    def _pii(self, detectors: tuple[str, ...]) -> tuple[dict[str, int], dict[str, int], int]:
        conds = {k: f"regexp_matches(t, {_lit(v)})" for k, v in sql.PII_PATTERNS.items()}
        conds["card"] = sql.card_number("t")
        cols = ", ".join(
            f"count(*) FILTER ({conds[d]}), min(rn) FILTER ({conds[d]})" for d in PII_DETECTORS
        )
        if not detectors:
            return dict.fromkeys(PII_DETECTORS, 0), {}, 0
        union = " OR ".join(f"({conds[d]})" for d in PII_DETECTORS if d in detectors)
        row = self._con.execute(
            f"SELECT {cols}, count(*) FILTER ({union}) FROM sg_text WHERE t <> ''"
        ).fetchone()
        counts, first = {}, {}
        for i, det in enumerate(PII_DETECTORS):
            counts[det] = int(row[2 * i] or 0)
            if row[2 * i + 1] is not None:
                first[det] = int(row[2 * i + 1])
        return counts, first, int(row[-1] or 0)

    def _provenance(self, params: MeasureParams) -> tuple[int, int]:
        field = _field(params.provenance_field)
        human = ", ".join(_lit(v.lower()) for v in params.human_values) or "NULL"
        value = f"json_extract_string(j, {field})"
        row = self._con.execute(
            f"SELECT count(*) FILTER ({value} IS NOT NULL AND lower({value}) NOT IN ({human})), "
            f"count(*) FILTER ({value} IS NOT NULL) FROM sg_rec"
        ).fetchone()
        return int(row[0]), int(row[1])

    def _distribution(self, attribute: str) -> dict[str, int]:
        found = self._con.execute(
            f"SELECT coalesce(json_extract_string(j, {_field(attribute)}), '') AS v, count(*) "
            "FROM sg_rec GROUP BY v ORDER BY count(*) DESC, v LIMIT 1000"
        ).fetchall()
        return {str(v): int(n) for v, n in found}

    # ------------------------------------------------------------------ datasets

    def _union(self, sketch_dirs: Sequence[str], name: str) -> str | None:
        parts = [
            f"SELECT {i} AS f, * FROM read_parquet({_lit(os.path.join(d, name + '.parquet'))})"
            for i, d in enumerate(sketch_dirs)
            if os.path.exists(os.path.join(d, name + ".parquet"))
        ]
        return " UNION ALL ".join(parts) if parts else None

    def duplicate_rows(self, sketch_dirs: Sequence[str]) -> int:
        hashes = self._union(sketch_dirs, "hashes")
        if hashes is None:
            return 0
        row = self._con.execute(f"SELECT count(*) - count(DISTINCT h) FROM ({hashes})")
        return int(row.fetchone()[0])

    def near_duplicate_rows(self, sketch_dirs: Sequence[str]) -> int:
        hashes, bands = self._union(sketch_dirs, "hashes"), self._union(sketch_dirs, "bands")
        if hashes is None or bands is None:
            return 0
        row = self._con.execute(
            f"WITH b AS ({bands}), hh AS ({hashes}), "
            "bh AS (SELECT b.f, b.rn, band, bh, h FROM b JOIN hh USING (f, rn)), "
            "buckets AS (SELECT band, bh FROM bh GROUP BY band, bh HAVING count(DISTINCT h) > 1) "
            "SELECT count(*) FROM (SELECT DISTINCT f, rn FROM bh SEMI JOIN buckets "
            "USING (band, bh))"
        ).fetchone()
        return int(row[0])

    def ngram_union(self, sketch_dirs: Sequence[str], out_path: str) -> str:
        grams = self._union(sketch_dirs, "ngrams")
        body = (
            grams
            if grams is not None
            else "SELECT 0 AS f, 0::BIGINT AS rn, 0::UBIGINT AS g LIMIT 0"
        )
        self._con.execute(
            f"COPY (SELECT DISTINCT g FROM ({body}) ORDER BY g) "
            f"TO {_lit(out_path)} (FORMAT parquet)"
        )
        digest = hashlib.sha256()
        for (g,) in self._con.execute(
            f"SELECT g FROM read_parquet({_lit(out_path)}) ORDER BY g"
        ).fetchall():
            digest.update(int(g).to_bytes(8, "big"))
        return digest.hexdigest()

    def contaminated_rows(self, sketch_dirs: Sequence[str], found: Sequence[int]) -> int:
        grams = self._union(sketch_dirs, "ngrams")
        if grams is None or not found:
            return 0
        self._con.execute("CREATE OR REPLACE TEMP TABLE sg_found (g UBIGINT)")
        self._con.executemany("INSERT INTO sg_found VALUES (?)", [[int(g)] for g in found])
        row = self._con.execute(
            f"SELECT count(*) FROM (SELECT DISTINCT f, rn FROM ({grams}) "
            "WHERE g IN (SELECT g FROM sg_found))"
        ).fetchone()
        return int(row[0])


def _reject_reason(kind: Any, message: Any) -> str:
    kind = str(kind or "").upper()
    if "ENCODING" in kind:
        return "invalid UTF-8"
    if "LINE SIZE" in kind:
        return "line longer than the limit"
    if "CAST" in kind:
        return "value does not match the column type"
    if "COLUMNS" in kind:
        return "wrong number of columns"
    text = str(message or kind).splitlines()
    return (text[0] if text else "unreadable row")[:200]
