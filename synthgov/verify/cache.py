"""Per-file measurement cache: a file measured once is not measured again while its content
and the measure parameters stay the same.

An entry is a folder named by the SHA-256 of (engine, schema version, the code that measured
it: synthgov's version, the verify package's files and the engine library's version, the
file's content hash, its format, the parameters and the contamination input); it holds
``measure.json`` and the file's sketches (Parquet). Entries are written to a temporary
folder and renamed into place, so a crashed run never leaves half an entry. Without a cache,
entries go to a temporary folder that is removed after the run: cold and warm runs share one
code path.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import Any

from synthgov.verify.model import FileMeasure

SCHEMA = 1


@dataclass(frozen=True)
class Entry:
    """Where a file's measure lives, and the measure if it was already there."""

    folder: str
    measure: FileMeasure | None


class MeasureCache:
    """A folder of entries; ``persistent=False`` removes it on :meth:`close`."""

    def __init__(self, folder: str | None, code: str = "") -> None:
        self.code = code  # :func:`code_version` of the run's engine
        self.persistent = folder is not None
        self.folder = folder or tempfile.mkdtemp(prefix="synthgov-verify-")
        os.makedirs(self.folder, exist_ok=True)

    def key(self, parts: dict[str, Any]) -> str:
        text = json.dumps(
            {"schema": SCHEMA, "code": self.code, **parts}, sort_keys=True, separators=(",", ":")
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def lookup(self, key: str) -> Entry:
        folder = os.path.join(self.folder, key[:2], key)
        try:
            with open(os.path.join(folder, "measure.json"), encoding="utf-8") as handle:
                return Entry(folder, FileMeasure.from_json(json.load(handle)))
        except (OSError, ValueError, KeyError, TypeError):
            return Entry(folder, None)

    def staging(self) -> str:
        return tempfile.mkdtemp(prefix=".new-", dir=self.folder)

    def commit(self, staging: str, key: str, measure: FileMeasure) -> str:
        """Write the measure into the staging folder and move it into place."""
        with open(os.path.join(staging, "measure.json"), "w", encoding="utf-8") as handle:
            json.dump(measure.to_json(), handle, sort_keys=True)
        final = os.path.join(self.folder, key[:2], key)
        os.makedirs(os.path.dirname(final), exist_ok=True)
        if os.path.isdir(final):
            shutil.rmtree(final, ignore_errors=True)
        try:
            os.replace(staging, final)
        except OSError:  # another run won the race: its entry is as good as ours
            shutil.rmtree(staging, ignore_errors=True)
        return final

    def scratch(self, name: str) -> str:
        path = os.path.join(self.folder, "scratch")
        os.makedirs(path, exist_ok=True)
        return os.path.join(path, name)

    def close(self) -> None:
        if not self.persistent:
            shutil.rmtree(self.folder, ignore_errors=True)


def code_version(engine: Any) -> str:
    """What measured an entry: synthgov's version, the signatures (name, size, mtime) of the
    verify package's files and the engine library's version (``engine.library``), so that a
    measure made by other code (an upgrade, a fix, another DuckDB) is a miss, never reused."""
    from synthgov import __version__

    here = os.path.dirname(os.path.abspath(__file__))
    digest = hashlib.sha256(f"{__version__}\0{getattr(engine, 'library', '')}\n".encode())
    for folder, dirs, names in sorted(os.walk(here)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(n for n in names if n.endswith(".py")):
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            line = f"{os.path.relpath(path, here)}\0{st.st_size}\0{st.st_mtime_ns}\n"
            digest.update(line.encode())
    return digest.hexdigest()
