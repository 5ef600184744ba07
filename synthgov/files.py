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

from synthgov.lazyre import LazyRegex

_LFS_HEAD = b"version https://git-lfs.github.com/spec/v1"
_LFS_OID = LazyRegex(rb"^oid sha256:([0-9a-f]{64})$", re.M)
_LFS_SIZE = LazyRegex(rb"^size (\d+)$", re.M)
_CHUNK = 1 << 20
OUTSIDE_ROOT = "outside the repository"


@dataclass(frozen=True)
class FileInfo:
    """What a rule may know of a file named by a card: existence, size, sha256, LFS pointer."""

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
    """The real file system. Hashes are memoised per instance (one instance per run).

    With a ``root``, nothing outside it is read: a card in a pull request must not make the
    CI runner hash (and so disclose a fingerprint of) files elsewhere on the machine.
    """

    def __init__(self, root: str | None = None) -> None:
        self._root = os.path.realpath(root) if root else None
        self._hashes: dict[str, str | None] = {}
        self._infos: dict[str, FileInfo] = {}

    def inside(self, path: str) -> bool:
        if self._root is None:
            return True
        real = os.path.realpath(path)
        return real == self._root or real.startswith(self._root + os.sep)

    def info(self, path: str) -> FileInfo:
        cached = self._infos.get(path)
        if cached is None:
            if not self.inside(path):
                cached = FileInfo(exists=False, error=OUTSIDE_ROOT)
            else:
                cached = _stat(path)
            self._infos[path] = cached
        return cached

    def sha256(self, path: str) -> str | None:
        if path not in self._hashes:
            self._hashes[path] = _sha256(path) if self.inside(path) else None
        return self._hashes[path]

    def read_bytes(self, path: str, limit: int) -> bytes | None:
        if not self.inside(path):
            return None
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
