"""Access to the data files that cards name: existence, size, sha256, Git LFS pointers.

The engine never touches the file system itself; rules receive an object with this
interface through the run context, so tests can substitute their own.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from typing import Protocol

_LFS_HEAD = b"version https://git-lfs.github.com/spec/v1"
_LFS_OID = re.compile(rb"^oid sha256:([0-9a-f]{64})$", re.M)
_LFS_SIZE = re.compile(rb"^size (\d+)$", re.M)
_CHUNK = 1 << 20


@dataclass(frozen=True)
class FileInfo:
    exists: bool
    is_file: bool = False
    size: int = 0
    lfs_oid: str | None = None  # set when the file is a Git LFS pointer
    lfs_size: int | None = None
    error: str = ""


class FileAccess(Protocol):
    def info(self, path: str) -> FileInfo: ...

    def sha256(self, path: str) -> str | None: ...

    def read_bytes(self, path: str, limit: int) -> bytes | None: ...


class LocalFiles:
    """The real file system. Hashes are memoised per instance (one instance per run)."""

    def __init__(self) -> None:
        self._hashes: dict[str, str | None] = {}
        self._infos: dict[str, FileInfo] = {}

    def info(self, path: str) -> FileInfo:
        cached = self._infos.get(path)
        if cached is None:
            cached = self._infos[path] = _stat(path)
        return cached

    def sha256(self, path: str) -> str | None:
        if path not in self._hashes:
            self._hashes[path] = _sha256(path)
        return self._hashes[path]

    def read_bytes(self, path: str, limit: int) -> bytes | None:
        try:
            with open(path, "rb") as handle:
                return handle.read(limit)
        except OSError:
            return None


def _stat(path: str) -> FileInfo:
    try:
        st = os.stat(path)
    except OSError as exc:
        return FileInfo(exists=False, error=exc.strerror or type(exc).__name__)
    import stat as _stat_mod

    if not _stat_mod.S_ISREG(st.st_mode):
        return FileInfo(exists=True, is_file=False, size=0)
    oid = lfs_size = None
    if st.st_size < 1024:
        try:
            with open(path, "rb") as handle:
                head = handle.read(1024)
        except OSError as exc:
            return FileInfo(exists=True, is_file=True, size=st.st_size, error=str(exc))
        if head.startswith(_LFS_HEAD):
            m_oid, m_size = _LFS_OID.search(head), _LFS_SIZE.search(head)
            if m_oid and m_size:
                oid, lfs_size = m_oid.group(1).decode(), int(m_size.group(1))
    return FileInfo(exists=True, is_file=True, size=st.st_size, lfs_oid=oid, lfs_size=lfs_size)


def _sha256(path: str) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb", buffering=0) as handle:
            buf = bytearray(_CHUNK)
            view = memoryview(buf)
            while True:
                n = handle.readinto(buf)
                if not n:
                    break
                digest.update(view[:n])
    except OSError:
        return None
    return digest.hexdigest()
