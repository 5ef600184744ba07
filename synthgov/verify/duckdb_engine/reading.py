"""Reading a data file into DuckDB: the table ``sg_rec(rn, j)`` of (row number, JSON
record), in the measuring thread's schema, and the lines DuckDB rejected with their
reasons. Every function takes the connection it works on; none imports DuckDB."""

from __future__ import annotations

from typing import Any

from synthgov.verify.model import BadRow, FileSpec, MeasureParams

#: DuckDB's rejects tables (temporary: per connection), dropped after each file; the
#: measure's own tables and views live in the measuring thread's schema
TEMPORARY = ("sg_rej", "sg_scan")


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def json_field(column: str) -> str:
    """A JSON path selecting a top-level key, whatever characters it holds."""
    return lit('$."' + column.replace("\\", "\\\\").replace('"', '\\"') + '"')


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line[:300]


def load(con: Any, spec: FileSpec, params: MeasureParams) -> list[tuple[int, str]]:
    """Read the file into ``sg_rec(rn, j)``; return the lines DuckDB rejected."""
    path = lit(spec.path)
    comp = "" if spec.compression == "auto" else f", compression={lit(spec.compression)}"
    rejects = (
        f", store_rejects=true, rejects_table='sg_rej', rejects_scan='sg_scan', "
        f"max_line_size={int(params.max_line_bytes)}"
    )
    if spec.format == "jsonl":
        _load_jsonl(con, path, comp + rejects)
    elif spec.format == "csv":
        con.execute(
            f"CREATE OR REPLACE TABLE sg_src AS SELECT * FROM read_csv({path}, header=true, "
            f"parallel=false{comp}{rejects})"
        )
        con.execute(
            "CREATE OR REPLACE TABLE sg_rec AS SELECT row_number() OVER () + 1 AS rn, "
            "to_json(s) AS j FROM sg_src s"
        )
    elif spec.format == "parquet":
        con.execute(
            "CREATE OR REPLACE TABLE sg_rec AS SELECT row_number() OVER () AS rn, "
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


def _load_jsonl(con: Any, path: str, options: str) -> None:
    """JSON Lines: each line read as text, numbered as in the file and parsed once, in one
    statement (no table of raw lines); every line (with its JSON type) is in ``sg_all``,
    and ``sg_rec`` is the view of its objects."""
    con.execute(
        "CREATE OR REPLACE TABLE sg_all AS SELECT rn, j, json_type(j) AS jt, blank FROM "
        "(SELECT row_number() OVER () AS rn, TRY_CAST(line AS JSON) AS j, "
        "line IS NULL OR trim(line) = '' AS blank FROM "
        f"read_csv({path}, columns={{'line': 'VARCHAR'}}, header=false, "
        f"delim=chr(1), quote='', escape='', auto_detect=false, parallel=false, "
        f"strict_mode=false{options}))"
    )
    _renumber(con)
    con.execute("CREATE OR REPLACE VIEW sg_rec AS SELECT rn, j FROM sg_all WHERE jt = 'OBJECT'")


def _renumber(con: Any) -> None:
    """Give the kept lines their line numbers in the file: DuckDB numbers only the lines
    it kept. The j-th rejected line r_j (1-based) has r_j - j kept lines before it, so
    kept line k is file line k + #{j : r_j - j < k}."""
    if not con.execute("SELECT count(*) FROM sg_rej").fetchone()[0]:
        return
    con.execute(
        "CREATE OR REPLACE TABLE sg_shift AS SELECT line - row_number() OVER "
        "(ORDER BY line) AS lim FROM (SELECT DISTINCT line FROM sg_rej)"
    )
    con.execute(
        "CREATE OR REPLACE TABLE sg_all AS SELECT l.rn + count(s.lim) AS rn, any_value(l.j) "
        "AS j, any_value(l.jt) AS jt, any_value(l.blank) AS blank FROM sg_all l "
        "LEFT JOIN sg_shift s ON s.lim < l.rn GROUP BY l.rn"
    )


def bad_rows(
    con: Any, spec: FileSpec, params: MeasureParams, rejected: list[tuple[int, str]]
) -> tuple[int, tuple[BadRow, ...]]:
    """The rows that are not records (rejected lines; in JSON Lines, lines that are not a
    JSON object) and at most ``max_examples`` of them, by row."""
    examples = [BadRow(line, reason) for line, reason in rejected[: params.max_examples]]
    bad = len(rejected)
    if spec.format == "jsonl":
        n_bad, malformed = con.execute(
            "SELECT count(*), list(rn ORDER BY rn)[1:?] FROM sg_all "
            "WHERE NOT blank AND coalesce(jt, '') <> 'OBJECT'",
            [params.max_examples],
        ).fetchone()
        bad += int(n_bad)
        examples += [BadRow(int(rn), "not a JSON object") for rn in malformed or []]
    examples.sort(key=lambda b: b.row)
    return bad, tuple(examples[: params.max_examples])


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
