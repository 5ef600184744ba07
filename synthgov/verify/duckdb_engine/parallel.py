"""One file's heaviest queries (MinHash bands, the n-gram search, PII) spread over both cores.

DuckDB parallelises a table scan by row group (122,880 rows), so every query over a shard of
100,000 rows runs on one thread: a cold run keeps both cores busy by measuring two files at
once, but a warm run that re-measures one changed shard left a core idle. Here the rows with
text are copied once into a table every connection sees (temporary tables are per
connection) and each query runs in ``parts`` slices of row numbers, one connection and one
thread each; the caller combines the slices' answers. The results are the same as one query
over the whole file: the slices are disjoint and cover every row, and what is written to a
sketch is sorted afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from synthgov.verify import sql

PARTS = 2  # slices per query: the cores of the machine the issue names
MIN_SPLIT_ROWS = 4096  # below this, one slice: the threads cost more than they save


@dataclass(frozen=True)
class Split:
    """The shared table of one file's rows with text (``rn, t, nt``), the row number ranges
    of its slices (inclusive) and the database whose connections run them."""

    base: Any
    table: str
    bounds: tuple[tuple[int, int], ...]

    def source(self, part: int) -> str:
        lo, hi = self.bounds[part]
        return f"(SELECT * FROM {self.table} WHERE rn BETWEEN {lo} AND {hi})"

    def part_table(self, part: int, name: str) -> str:
        return f"{self.table}_{name}{part}"

    def part_tables(self, name: str) -> list[str]:
        return [self.part_table(part, name) for part in range(len(self.bounds))]

    def run(self, query: Callable[[str, int], str], macros: bool = False) -> list[Any]:
        """Run ``query(source, part)`` on every slice at once, each on its own connection;
        return each slice's rows (``fetchall``), in slice order."""

        def one(part: int) -> Any:
            cur = self.base.cursor()
            try:
                if macros:  # the PII detectors' macros are temporary: per connection
                    cur.execute(sql.LUHN_MACRO)
                    cur.execute(sql.IBAN_MACRO)
                return cur.execute(query(self.source(part), part)).fetchall()
            finally:
                cur.close()

        if len(self.bounds) == 1:
            return [one(0)]
        with ThreadPoolExecutor(max_workers=len(self.bounds)) as pool:
            return list(pool.map(one, range(len(self.bounds))))

    def drop(self, con: Any, names: Sequence[str]) -> None:
        """Drop the shared table and the slices' tables named ``names``."""
        for name in names:
            for table in self.part_tables(name):
                con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute(f"DROP TABLE IF EXISTS {self.table}")


def share(con: Any, base: Any, parts: int = PARTS) -> Split:
    """Copy the rows of ``sg_text`` with text into a table every connection of ``base``
    sees; cut its row numbers into ``parts`` ranges of about as many rows."""
    table = f"sg_shared_{threading.get_ident()}"  # a thread measures one file at a time
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT rn, t, nt FROM sg_text WHERE t <> ''")
    n, lo, hi = con.execute(f"SELECT count(*), min(rn), max(rn) FROM {table}").fetchone()
    if not n or n < MIN_SPLIT_ROWS or parts < 2:
        return Split(base, table, ((-(1 << 62), 1 << 62),))
    quantiles = ", ".join(str(i / parts) for i in range(1, parts))
    cuts = con.execute(f"SELECT quantile_disc(rn, [{quantiles}]) FROM {table}").fetchone()[0]
    edges = [int(lo) - 1, *(int(c) for c in cuts), int(hi)]
    return Split(base, table, tuple((edges[i] + 1, edges[i + 1]) for i in range(parts)))
