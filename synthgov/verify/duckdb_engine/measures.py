"""The measures of one file, as SQL on the tables :mod:`.reading` made: the columns and
their types, the text fields, personal data, the provenance field and attribute values.
Every function takes the connection it works on."""

from __future__ import annotations

from typing import Any

from synthgov.verify import sql
from synthgov.verify.duckdb_engine.parallel import Split
from synthgov.verify.duckdb_engine.reading import json_field, lit
from synthgov.verify.model import PII_DETECTORS, ColumnType, MeasureParams

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


def columns(con: Any) -> tuple[ColumnType, ...]:
    """Top-level keys and the JSON types of their values, with row counts and first row.

    Records are grouped by their ``json_structure`` first (a file has few shapes), so the
    keys are unnested once per shape, not once per row. A record with a repeated key has
    fewer keys in its structure than in ``json_keys``; those shapes are measured row by
    row as before (a repeated key counts once per occurrence)."""
    key = "'$.\"' || replace(k, '\"', '\\\"') || '\"'"
    con.execute(
        "CREATE OR REPLACE TABLE sg_shape AS SELECT json_structure(j) AS st, "
        "len(json_keys(j)) AS nk, count(*) AS n, min(rn) AS m FROM sg_rec GROUP BY ALL"
    )
    counts: dict[tuple[str, str], list[int]] = {}
    fast = con.execute(
        f"SELECT k, CASE json_type(json_extract(st, {key})) WHEN 'VARCHAR' "
        f"THEN json_extract_string(st, {key}) ELSE json_type(json_extract(st, {key})) END, "
        "sum(n), min(m) FROM (SELECT * FROM sg_shape WHERE nk = len(json_keys(st))), "
        "unnest(json_keys(st)) AS u(k) GROUP BY ALL"
    ).fetchall()
    repeated = "SELECT st FROM sg_shape WHERE nk <> len(json_keys(st))"
    slow = []
    if con.execute(f"SELECT count(*) FROM ({repeated})").fetchone()[0]:
        slow = con.execute(
            f"SELECT k, json_type(json_extract(j, {key})), count(*), min(rn) FROM sg_rec, "
            f"unnest(json_keys(j)) AS u(k) WHERE json_structure(j) IN ({repeated}) "
            "GROUP BY ALL"
        ).fetchall()
    for k, t, n, first in [*fast, *slow]:
        slot = counts.setdefault((str(k), str(t)), [0, int(first)])
        slot[0] += int(n)
        slot[1] = min(slot[1], int(first))
    return tuple(
        ColumnType(k, JSON_TYPES.get(t, t.lower()), n, first)
        for (k, t), (n, first) in sorted(counts.items())
    )


def auto_text(con: Any, params: MeasureParams) -> tuple[str, ...]:
    """The text fields when none are configured: the string columns that are long on
    average in the first rows, else the longest one."""
    skip = {params.provenance_field, *params.attributes}
    found = con.execute(
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


def extract_text(
    con: Any, split: Split, params: MeasureParams, text_fields: tuple[str, ...]
) -> int:
    """``sg_text(rn, t, nt, a0, a1, ...)``: the text, its normalised form, the provenance
    field (a0) and the attributes; returns the rows with text.

    One pass extracts every field the measures need with one parse of each record:
    json_extract_string with a list of paths; the later measures read these columns, not
    the JSON again. Each slice of ``sg_rec`` is extracted at once into its own table;
    ``sg_text`` is the view of them."""
    fields = [*text_fields, params.provenance_field, *params.attributes]
    paths = "[" + ", ".join(json_field(f) for f in fields) + "]"
    n_text = len(text_fields)
    parts = ", ".join(f"x[{i + 1}]" for i in range(n_text))
    text = f"concat_ws(' ', {parts})" if text_fields else "''"
    extra = "".join(f", x[{n_text + 1 + i}] AS a{i}" for i in range(len(fields) - n_text))
    tables = split.part_tables("sg_text")
    split.run(
        lambda n: (
            f"CREATE OR REPLACE TABLE {tables[n]} AS SELECT rn, t, {sql.normalise('t')} AS nt"
            f"{extra} FROM (SELECT rn, x, {text} AS t FROM (SELECT rn, json_extract_string(j, "
            f"{paths}) AS x FROM {split.source('sg_rec', n)}))"
        )
    )
    split.combine(con, "sg_text")
    return int(con.execute("SELECT count(*) FROM sg_text WHERE nt <> ''").fetchone()[0])


def pii(split: Split, detectors: tuple[str, ...]) -> tuple[dict[str, int], dict[str, int], int]:
    """Rows per detector, the first row of each, and the rows any asked detector finds
    (each slice of rows at once; counts added, first rows the least)."""
    # every detector needs an '@' (email) or a digit (the others): a cheap test first, so
    # the regular expressions run only on the rows that can match (same counts)
    conds = {
        k: f"({'has_at' if k == 'email' else 'has_digit'} AND regexp_matches(t, {lit(v)}))"
        for k, v in sql.PII_PATTERNS.items()
    }
    conds["card"] = f"(has_digit AND {sql.card_number('t')})"
    conds["iban"] = f"(has_digit AND {sql.iban('t')})"
    cols = ", ".join(
        f"count(*) FILTER ({conds[d]}), min(rn) FILTER ({conds[d]})" for d in PII_DETECTORS
    )
    if not detectors:
        return dict.fromkeys(PII_DETECTORS, 0), {}, 0
    union = " OR ".join(f"({conds[d]})" for d in PII_DETECTORS if d in detectors)
    rows = [
        found[0]
        for found in split.run(
            lambda n: (
                f"SELECT {cols}, count(*) FILTER ({union}) FROM (SELECT rn, t, contains(t, '@') "
                "AS has_at, regexp_matches(t, '[0-9]') AS has_digit FROM "
                f"{split.source('sg_text', n)} WHERE t <> '')"
            ),
            macros=True,
        )
    ]
    counts, first = {}, {}
    for i, det in enumerate(PII_DETECTORS):
        counts[det] = sum(int(row[2 * i] or 0) for row in rows)
        firsts = [int(row[2 * i + 1]) for row in rows if row[2 * i + 1] is not None]
        if firsts:
            first[det] = min(firsts)
    return counts, first, sum(int(row[-1] or 0) for row in rows)


def provenance(con: Any, params: MeasureParams) -> tuple[int, int]:
    """Rows whose provenance field names a generator (not a human value), rows that have
    the field at all."""
    human = ", ".join(lit(v.lower()) for v in params.human_values) or "NULL"
    row = con.execute(
        f"SELECT count(*) FILTER (a0 IS NOT NULL AND lower(a0) NOT IN ({human})), "
        "count(*) FILTER (a0 IS NOT NULL) FROM sg_text"
    ).fetchone()
    return int(row[0]), int(row[1])


def distribution(con: Any, column: str) -> dict[str, int]:
    """The 1,000 most frequent values of an attribute column of ``sg_text``."""
    found = con.execute(
        f"SELECT coalesce({column}, '') AS v, count(*) "
        "FROM sg_text GROUP BY v ORDER BY count(*) DESC, v LIMIT 1000"
    ).fetchall()
    return {str(v): int(n) for v, n in found}
