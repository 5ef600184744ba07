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


def load(
    con: Any, spec: FileSpec, params: MeasureParams, errors: tuple[type[BaseException], ...] = ()
) -> list[tuple[int, str]]:
    """Read the file into ``sg_rec(rn, j)``; return the lines DuckDB rejected. ``errors``:
    what DuckDB raises, so that a fast path that fails falls back to the exact one."""
    path = lit(spec.path)
    if spec.format == "jsonl" and _load_jsonl_fast(con, spec, params, errors):
        return []
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
            f"to_json(s) AS j FROM {_parquet_rows(spec, path)} s"
        )
        return []
    else:  # the caller resolves formats; anything else is a programming error
        raise ValueError(f"unknown format {spec.format}")
    found = con.execute(
        "SELECT line, error_type, any_value(error_message) FROM sg_rej "
        "GROUP BY line, error_type ORDER BY line"
    ).fetchall()
    return [(int(line), _reject_reason(kind, msg)) for line, kind, msg in found]


def _parquet_rows(spec: FileSpec, path: str) -> str:
    """A Parquet file's rows; with a Delta table's partition values as string columns
    (they replace a column of the same name, as the log's values are the table's)."""
    if not spec.partition:
        return f"read_parquet({path})"
    names = ", ".join(lit(name) for name, _ in spec.partition)
    values = ", ".join(
        f"{'NULL' if value is None else lit(value)}::VARCHAR AS {ident(name)}"
        for name, value in spec.partition
    )
    return f"(SELECT COLUMNS(lambda c: c NOT IN ({names})), {values} FROM read_parquet({path}))"


def ident(name: str) -> str:
    """A SQL identifier, whatever characters it holds."""
    return '"' + name.replace('"', '""') + '"'


FAST_CHUNK = 8 << 20  # bytes read at a time when a file's lines are counted


def _plain_lines(path: str, limit: int) -> int | None:
    """The lines of a plain text file when the fast path reads them as the exact path would:
    no byte order mark, every carriage return before a line feed, no line of ``limit``
    bytes or more; else None. Read in chunks shorter than ``limit``, never whole: a line
    inside a chunk is short enough, only those across chunks are measured."""
    size = max(1, min(FAST_CHUNK, limit - 1))
    lines, run, prev = 0, 0, b""
    with open(path, "rb") as handle:
        while chunk := handle.read(size):
            if not prev and chunk.startswith(b"\xef\xbb\xbf"):
                return None
            if prev == b"\r" and chunk[:1] != b"\n":
                return None
            cr = chunk.count(b"\r")
            if cr and cr != chunk.count(b"\r\n") + (chunk[-1:] == b"\r"):
                return None
            first = chunk.find(b"\n")
            if first < 0:
                run += len(chunk)
            elif run + first >= limit:
                return None
            else:
                lines += chunk.count(b"\n")
                run = len(chunk) - chunk.rfind(b"\n") - 1
            if run >= limit:
                return None
            prev = chunk[-1:]
    return None if prev == b"\r" else lines + (run > 0)


def _load_jsonl_fast(
    con: Any, spec: FileSpec, params: MeasureParams, errors: tuple[type[BaseException], ...]
) -> bool:
    """JSON Lines through DuckDB's parallel JSON reader, numbered by its ordinality: when the
    file is plain, the reader reports no error and it read one value per line (no blank
    line, none malformed), those numbers are the line numbers and every value is what the
    exact path parses; else nothing is kept and the exact path reads the file."""
    if not errors or spec.compression != "auto" or spec.path.endswith((".gz", ".zst")):
        return False
    try:
        lines = _plain_lines(spec.path, params.max_line_bytes)
    except OSError:
        return False
    if not lines:  # an empty file (or unreadable here): the exact path says what it is
        return False
    try:
        con.execute(
            "CREATE OR REPLACE TABLE sg_all AS SELECT ordinality AS rn, json AS j, "
            "json_type(json) AS jt, false AS blank FROM read_json_objects("
            f"{lit(spec.path)}, format='newline_delimited', "
            f"maximum_object_size={int(params.max_line_bytes)}) WITH ORDINALITY"
        )
    except errors:
        con.execute("DROP TABLE IF EXISTS sg_all")
        return False
    if con.execute("SELECT count(*) FROM sg_all").fetchone()[0] != lines:
        con.execute("DROP TABLE sg_all")
        return False
    con.execute("CREATE OR REPLACE VIEW sg_rec AS SELECT rn, j FROM sg_all WHERE jt = 'OBJECT'")
    return True


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
