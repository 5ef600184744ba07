"""One file's heaviest queries (text extraction and normalisation, MinHash bands, the n-gram
search, PII) spread over both cores.

DuckDB parallelises a table scan by row group (122,880 rows), so every query over a shard of
100,000 rows runs on one thread: a cold run keeps both cores busy by measuring two files at
once, but a warm run that re-measures one changed shard left a core idle. Here a file's
tables live in a schema of the measuring thread (not temporary tables: those are per
connection), and each heavy query runs in ``parts`` slices of row numbers, one connection and
one thread each; the caller combines the slices' answers (a view over the slices' tables,
sums, minimums, sets). The results are those of one query over the whole file: the slices
are disjoint and cover every row, and what is written to a sketch is sorted afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from synthgov.verify import sql

PARTS = 2  # slices per query: the cores of the machine the issue names
MIN_SPLIT_ROWS = 4096  # below this, one slice: the threads cost more than they save


@dataclass(frozen=True)
class Split:
    """The row number ranges (inclusive) of a file's slices, the schema its tables live in
    and the database whose connections run the slices."""

    base: Any
    schema: str
    bounds: tuple[tuple[int, int], ...]

    def source(self, table: str, part: int) -> str:
        lo, hi = self.bounds[part]
        return f"(SELECT * FROM {table} WHERE rn BETWEEN {lo} AND {hi})"

    def part_tables(self, name: str) -> list[str]:
        return [f"{name}_p{part}" for part in range(len(self.bounds))]

    def run(self, query: Callable[[int], str | list[str]], macros: bool = False) -> list[Any]:
        """Run ``query(part)`` (a statement, or statements in order) for every slice at once,
        each on its own connection (in the file's schema); return each slice's rows of its
        last statement (``fetchall``), in slice order."""

        def one(part: int) -> Any:
            cur = self.base.cursor()
            try:
                cur.execute(f"SET schema = '{self.schema}'")
                if macros:  # the PII detectors' macros are temporary: per connection
                    cur.execute(sql.LUHN_MACRO)
                    cur.execute(sql.IBAN_MACRO)
                statements = query(part)
                for statement in [statements] if isinstance(statements, str) else statements:
                    found = cur.execute(statement).fetchall()
                return found
            finally:
                cur.close()

        if len(self.bounds) == 1:
            return [one(0)]
        with ThreadPoolExecutor(max_workers=len(self.bounds)) as pool:
            return list(pool.map(one, range(len(self.bounds))))

    def combine(self, con: Any, name: str) -> None:
        """The view ``name`` of the slices' tables ``name_p<i>``."""
        union = " UNION ALL ".join(f"SELECT * FROM {t}" for t in self.part_tables(name))
        con.execute(f"CREATE OR REPLACE VIEW {name} AS {union}")


def split(con: Any, base: Any, schema: str, table: str, parts: int = PARTS) -> Split:
    """Cut the row numbers of ``table`` into ``parts`` ranges of about as many rows (one
    range when the table is small)."""
    n, lo, hi = con.execute(f"SELECT count(*), min(rn), max(rn) FROM {table}").fetchone()
    if not n or n < MIN_SPLIT_ROWS or parts < 2:
        return Split(base, schema, ((-(1 << 62), 1 << 62),))
    quantiles = ", ".join(str(i / parts) for i in range(1, parts))
    cuts = con.execute(f"SELECT quantile_disc(rn, [{quantiles}]) FROM {table}").fetchone()[0]
    edges = [int(lo) - 1, *(int(c) for c in cuts), int(hi)]
    return Split(base, schema, tuple((edges[i] + 1, edges[i + 1]) for i in range(parts)))
