"""The cache database: signed blobs in the tables of one SQLite file (see
:mod:`synthgov.app.cache.runcache` for what is kept and why it is safe).

Every entry is signed with HMAC-SHA256 under the per-user key
(:func:`synthgov.repo.snapshot.signing_key`) over the format, its table, its key and its
payload; an entry that does not verify is a miss and is never unpickled. A locked database
means running without it; a damaged one is removed.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

#: the on-disk format of the cache (its file name, its signatures, its keys)
FORMAT = 1
DB_NAME = f"cache-v{FORMAT}.sqlite3"
#: run entries kept (the most recent ones); parse entries expire after PARSE_TTL seconds
MAX_RUNS = 64
PARSE_TTL = 30 * 24 * 3600
#: the tables of the database: parse results, run results, repository indexes (index.py)
TABLES = ("parse", "runs", "repo_index", "index_parts")  # index_parts: indexbuckets.PARTS
#: tables that keep only their most recent entries (how many)
KEEP_LATEST = {"runs": MAX_RUNS, "repo_index": 32}  # indexstore.MAX_INDEXES
BUSY_TIMEOUT = 5.0
BATCH = 500


_INSERT = "INSERT OR REPLACE INTO {} (key, blob, created) VALUES (?, ?, ?)"
#: how much of the database SQLite reads through a memory map (docs/decisions.md)
MMAP_BYTES = 1 << 30


class Store:
    """Signed blobs in the tables of one SQLite database (:data:`TABLES`)."""

    def __init__(self, conn: Any, path: str, secret: bytes) -> None:
        self._conn = conn
        self._path = path
        self._secret = secret
        self._broken = False

    @classmethod
    def open(cls, directory: str) -> Store | None:
        from synthgov.repo.snapshot import signing_key

        secret = signing_key()
        if secret is None:
            return None
        import sqlite3

        path = os.path.join(directory, DB_NAME)
        for _attempt in range(2):
            try:
                os.makedirs(directory, exist_ok=True)
                conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
            except (OSError, sqlite3.Error):
                return None
            try:
                conn.execute("PRAGMA trusted_schema=OFF")
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                # large entries (the repository index: 3.6 MB at 10,000 cards) are read
                # through a memory map instead of a read per overflow page: 1 ms, not 7
                conn.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
                for table in TABLES:
                    conn.execute(
                        f"CREATE TABLE IF NOT EXISTS {table} "
                        "(key TEXT PRIMARY KEY, blob BLOB NOT NULL, created INTEGER NOT NULL)"
                    )
                    # the clean-up after each write finds old entries through this index;
                    # without it, SQLite reads every row's blob to reach `created`, which is
                    # stored after it (60 ms per write with 10,000 parsed cards)
                    conn.execute(
                        f"CREATE INDEX IF NOT EXISTS {table}_created ON {table} (created, key)"
                    )
                return cls(conn, path, secret)
            except sqlite3.OperationalError:  # locked for longer than the timeout, read-only
                conn.close()
                return None
            except sqlite3.DatabaseError:  # not a database, or a damaged one: start afresh
                conn.close()
                _remove_database(path)
        return None

    def _mac(self, table: str, key: str, payload: bytes | memoryview) -> bytes:
        mac = hmac.new(self._secret, f"{FORMAT}\0{table}\0{key}\0".encode(), "sha256")
        mac.update(payload)
        return mac.digest()

    def get_many(self, table: str, keys: Sequence[str]) -> dict[str, bytes]:
        """The verified payloads of the keys found; a bad or missing entry is a miss."""
        return dict(self.iter_many(table, keys))

    def iter_many(self, table: str, keys: Sequence[str]) -> Iterator[tuple[str, bytes]]:
        """(key, verified payload) of the keys found, a batch at a time (so that 10,000
        entries are never all in memory at once)."""
        import sqlite3

        if self._broken or not keys:
            return
        try:
            for start in range(0, len(keys), BATCH):
                batch = list(keys[start : start + BATCH])
                marks = ",".join("?" * len(batch))
                rows = self._conn.execute(
                    f"SELECT key, blob FROM {table} WHERE key IN ({marks})", batch
                ).fetchall()
                for key, blob in rows:
                    if not isinstance(key, str) or not isinstance(blob, bytes) or len(blob) < 32:
                        continue
                    payload = memoryview(blob)[32:]
                    if hmac.compare_digest(blob[:32], self._mac(table, key, payload)):
                        yield key, bytes(payload)
        except sqlite3.OperationalError:
            return
        except sqlite3.DatabaseError:
            self._damaged()

    def put_many(self, table: str, items: Mapping[str, bytes]) -> None:
        if self._broken or not items:
            return
        now = int(time.time())
        rows = self._signed(table, items, now)

        def write(conn: Any) -> None:
            conn.executemany(_INSERT.format(table), rows)
            if table in KEEP_LATEST:
                self._keep_latest(table)
            else:
                conn.execute("DELETE FROM parse WHERE created < ?", (now - PARSE_TTL,))

        self._transaction(write)

    def put_index(
        self,
        table: str,
        items: Mapping[str, bytes],
        parts_table: str,
        parts: Mapping[str, bytes],
        replaced: str | None,
    ) -> None:
        """Write an index's entries (``table``) and parts (``parts_table``) in one
        transaction. With ``replaced`` (the index's key), the parts are a new base's: the
        parts of its other bases go, and those of indexes no longer kept."""
        if self._broken or not (items or parts):
            return
        now = int(time.time())
        rows, part_rows = self._signed(table, items, now), self._signed(parts_table, parts, now)

        def write(conn: Any) -> None:
            if replaced is not None:
                conn.execute(
                    f"DELETE FROM {parts_table} WHERE key > ? AND key < ?",
                    (replaced + ":", replaced + ";"),
                )
            conn.executemany(_INSERT.format(parts_table), part_rows)
            conn.executemany(_INSERT.format(table), rows)
            self._keep_latest(table)
            if replaced is not None:  # the parts of indexes no longer kept
                conn.execute(
                    f"DELETE FROM {parts_table} WHERE substr(key, 1, instr(key, ':') - 1) "
                    f"NOT IN (SELECT key FROM {table})"
                )

        self._transaction(write)

    def _signed(
        self, table: str, items: Mapping[str, bytes], now: int
    ) -> list[tuple[str, bytes, int]]:
        return [(k, self._mac(table, k, v) + v, now) for k, v in items.items()]

    def _keep_latest(self, table: str) -> None:
        self._conn.execute(
            f"DELETE FROM {table} WHERE key NOT IN "
            f"(SELECT key FROM {table} ORDER BY created DESC, key LIMIT ?)",
            (KEEP_LATEST[table],),
        )

    def _transaction(self, write: Callable[[Any], None]) -> None:
        """Run ``write`` in one immediate transaction; a busy database (another run is
        writing) keeps nothing, a damaged one is removed."""
        import sqlite3

        try:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                write(self._conn)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError:
            return  # busy: this run's entries are simply not kept
        except sqlite3.DatabaseError:
            self._damaged()

    def _damaged(self) -> None:
        self._broken = True
        try:
            self._conn.close()
        except Exception:  # noqa: BLE001 - closing a damaged database may fail too
            pass
        _remove_database(self._path)


def _remove_database(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(path + suffix)
        except OSError:
            pass
