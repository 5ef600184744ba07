"""What rules may know of a file a card names, without touching the file system.

The types and the reason strings that rules read (``FileInfo``, ``Digest``, the
``FileAccess`` protocol, ``digest_of``). The real file access, confined to the repository
roots, is :class:`synthgov.repo.files.LocalFiles`; the run context hands it to the rules, so
the engine layer imports only this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

OUTSIDE_ROOT = "outside the repository"
INVALID_PATH = "not a valid path (it contains a NUL character)"


@dataclass(frozen=True)
class FileInfo:
    """What a rule may know of a file named by a card: existence, size, sha256, LFS pointer."""

    exists: bool
    is_file: bool = False
    size: int = 0
    lfs_oid: str | None = None  # set when the file is a Git LFS pointer
    lfs_size: int | None = None
    error: str = ""  # OUTSIDE_ROOT, or why the file cannot be read (it then cannot be hashed)


@dataclass(frozen=True)
class Digest:
    """The sha256 of a file, or why there is none."""

    sha256: str | None
    error: str = ""


class FileAccess(Protocol):
    def info(self, path: str) -> FileInfo: ...

    def sha256(self, path: str) -> str | None: ...

    def read_bytes(self, path: str, limit: int) -> bytes | None: ...


def digest_of(files: FileAccess, path: str) -> Digest:
    """``files.digest(path)`` when the implementation has it, else from ``sha256``."""
    digest = getattr(files, "digest", None)
    if digest is not None:
        return digest(path)
    value = files.sha256(path)
    return Digest(value, "" if value is not None else "cannot be read")
