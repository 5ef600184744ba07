"""A card's Delta table on local disk: its log read through the run's confined file access
(:class:`synthgov.repo.files.LocalFiles`), checkpoints read with DuckDB (imported here,
lazily), replayed by :mod:`synthgov.verify.delta_log`."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from synthgov.core.fileinfo import INVALID_PATH, OUTSIDE_ROOT
from synthgov.verify.delta_log import DELTA_LOG, DeltaError, Snapshot, replay


class LocalLog:
    """:class:`synthgov.verify.delta_log.LogSource` of a local table, confined by ``files``."""

    def __init__(self, root: str, files: Any) -> None:
        self.folder = os.path.join(root, DELTA_LOG)
        self.files = files

    def _check(self, path: str, shown: str, folder: bool = False) -> str:
        """The real path of ``path`` after the confinement check; DeltaError if refused."""
        info = self.files.info(path)
        if info.error in (OUTSIDE_ROOT, INVALID_PATH):
            reason = info.error
        elif not info.exists:
            reason = "missing (not a Delta table)" if folder else "missing"
        elif info.is_file == folder:
            reason = "not a folder" if folder else "not a regular file"
        else:
            reason = info.error
        if reason:
            raise DeltaError(f"{shown}: {reason}")
        real = getattr(self.files, "real", None)
        found = real(path) if real is not None else path
        return str(found) if found else path

    def names(self) -> Sequence[str]:
        real = self._check(self.folder, DELTA_LOG, folder=True)
        try:
            return sorted(os.listdir(real))
        except OSError as exc:
            raise DeltaError(f"{DELTA_LOG}: cannot be listed ({exc.strerror})") from None

    def read(self, name: str, limit: int) -> bytes:
        path = os.path.join(self.folder, name)
        self._check(path, f"{DELTA_LOG}/{name}")
        data = self.files.read_bytes(path, limit)
        if data is None:
            raise DeltaError(f"{DELTA_LOG}/{name}: cannot be read")
        return bytes(data)

    def checkpoint_rows(self, names: Sequence[str]) -> list[str]:
        paths = [self._check(os.path.join(self.folder, n), f"{DELTA_LOG}/{n}") for n in names]
        import duckdb

        from synthgov.verify.duckdb_engine.reading import first_line

        con = duckdb.connect()
        try:
            con.execute("SET threads = 1")
            rows = con.execute("SELECT to_json(c) FROM read_parquet(?) c", [paths]).fetchall()
        except duckdb.Error as exc:
            reason = first_line(exc)
            for real, name in zip(paths, names, strict=True):
                reason = reason.replace(real, f"{DELTA_LOG}/{name}")
            raise DeltaError(f"{DELTA_LOG}/{names[0]}: checkpoint unreadable ({reason})") from None
        finally:
            con.close()
        return [str(r[0]) for r in rows]


def local_table(root: str, files: Any) -> Snapshot | str:
    """The snapshot of the table at ``root``, or why it cannot be measured."""
    try:
        return replay(LocalLog(root, files))
    except DeltaError as exc:
        return f"Delta table: {exc}"
