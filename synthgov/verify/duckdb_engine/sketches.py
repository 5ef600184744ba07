"""The sketches of one file (text hashes, MinHash LSH bands, n-gram hashes), written to
Parquet by DuckDB, and the search of a file's n-grams in an evaluation set's. Every
function takes the connection it works on."""

from __future__ import annotations

import os
from typing import Any

from synthgov.verify import sql
from synthgov.verify.duckdb_engine.parallel import Split
from synthgov.verify.duckdb_engine.reading import lit
from synthgov.verify.model import MeasureParams

SKETCHES = ("hashes", "bands", "ngrams")
WORDS = "string_split(nt, ' ')"


def write_sketches(
    con: Any, params: MeasureParams, sketch_dir: str, ngrams: bool, split: Split
) -> None:
    """``hashes.parquet``, ``bands.parquet`` (unless near duplicates are off) and, for
    evaluation data, ``ngrams.parquet`` from ``sg_text`` (the bands from ``split``'s slices)."""
    out = {name: lit(os.path.join(sketch_dir, f"{name}.parquet")) for name in SKETCHES}
    con.execute(
        f"COPY (SELECT rn, {sql.hash64('nt')} AS h FROM sg_text WHERE nt <> '' ORDER BY rn) "
        f"TO {out['hashes']} (FORMAT parquet)"
    )
    if params.bands > 0:  # else near duplicates not measured (bench: the exact measures alone)
        _bands(con, params, out["bands"], split)
    if ngrams:
        _ngrams(con, params, out["ngrams"])


def _bands(con: Any, params: MeasureParams, target: str, split: Split) -> None:
    """MinHash of each row's word shingles, hashed per LSH band: each slice of rows into a
    table of its own (at once), then all of them, sorted, to Parquet.

    The shingle hashes are a table before the ``min`` aggregates read them: the same values
    as one statement with the ``unnest`` inside, 27% less CPU (20,000 rows: 0.93 against
    1.28 s; docs/decisions.md)."""
    per_band = params.band_rows
    shingles = sql.shingle_hashes("w", params.shingle_size)
    values = sql.minhash_values("x", per_band * params.bands)
    bands = sql.band_hashes(per_band * params.bands, per_band)
    tables = split.part_tables("sg_bands")
    hashed = split.part_tables("sg_shingles")

    def part(n: int) -> list[str]:
        return [
            f"CREATE OR REPLACE TABLE {hashed[n]} AS SELECT rn, unnest({shingles}) AS x FROM "
            f"(SELECT rn, {WORDS} AS w FROM {split.source('sg_text', n)} WHERE nt <> '')",
            f"CREATE OR REPLACE TABLE {tables[n]} AS SELECT rn, "
            f"unnest(range({params.bands}))::INTEGER AS band, unnest({bands}) AS bh "
            f"FROM (SELECT rn, {values} FROM {hashed[n]} GROUP BY rn)",
            f"DROP TABLE {hashed[n]}",
        ]

    split.run(part)
    split.combine(con, "sg_bands")
    con.execute(f"COPY (SELECT * FROM sg_bands ORDER BY rn, band) TO {target} (FORMAT parquet)")


def _ngrams(con: Any, params: MeasureParams, target: str) -> None:
    grams = sql.ngram_hashes("w", params.ngram)
    con.execute(
        f"COPY (SELECT DISTINCT rn, unnest(list_append({grams}, {sql.hash64('nt')})) "
        f"AS g FROM (SELECT rn, nt, {WORDS} AS w FROM sg_text WHERE nt <> '') "
        f"ORDER BY rn, g) TO {target} (FORMAT parquet)"
    )


def matches(split: Split, params: MeasureParams, against: str) -> tuple[int, ...]:
    """The n-gram hashes of this file found in the Parquet file ``against`` (each slice of
    rows searched at once)."""
    grams = sql.ngram_hashes("w", params.ngram)

    def part(n: int) -> str:
        return (
            f"SELECT DISTINCT g FROM (SELECT unnest(list_append({grams}, "
            f"{sql.hash64('nt')})) AS g FROM (SELECT nt, {WORDS} AS w "
            f"FROM {split.source('sg_text', n)} WHERE nt <> '')) WHERE g IN (SELECT g FROM "
            f"read_parquet({lit(against)}))"
        )

    return tuple(sorted({int(g) for rows in split.run(part) for (g,) in rows}))
