"""A staged file's bytes (``--staged``, :mod:`synthgov.repo.gitindex`): the work tree's copy
when its blob name is the staged one (the common case: pre-commit stashes unstaged changes
before the hooks run), else the blob from ``git cat-file --batch``."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from collections.abc import Iterable

from synthgov.repo.gitsafe import git_command

_SHA1 = 20


def blob_name(data: bytes, width: int = _SHA1) -> bytes:
    """git's object name of a blob holding ``data``."""
    algo = hashlib.sha1 if width == _SHA1 else hashlib.sha256
    return algo(b"blob %d\0" % len(data) + data).digest()


def read_staged(
    toplevel: str, wanted: Iterable[tuple[str, bytes]], max_bytes: int
) -> dict[str, tuple[bytes, int] | None]:
    """The staged bytes and size of each (absolute path, blob name) of ``wanted``: the work
    tree's copy when it is the staged blob, else the blob from git; None when git does not
    have it. A blob larger than ``max_bytes`` comes back empty with its size (the caller
    says it is too big). Only regular files are read from the work tree (no link is
    followed, no FIFO opened)."""
    out: dict[str, tuple[bytes, int] | None] = {}
    missing: dict[bytes, list[str]] = {}
    for path, name in wanted:
        data = _work_tree_copy(path, max_bytes)
        if data is not None and blob_name(data, len(name)) == name:
            out[path] = (data, len(data))
        else:
            missing.setdefault(name, []).append(path)
    if missing:
        blobs = _cat_blobs(toplevel, list(missing), max_bytes)
        for name, paths in missing.items():
            for path in paths:
                out[path] = blobs.get(name)
    return out


def _work_tree_copy(path: str, max_bytes: int) -> bytes | None:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read(max_bytes + 1)
    except OSError:
        return None
    finally:
        os.close(fd)


def _cat(toplevel: str, option: str, names: list[bytes]) -> bytes | None:
    request = b"".join(name.hex().encode("ascii") + b"\n" for name in names)
    try:
        proc = subprocess.run(
            git_command("cat-file", option),
            cwd=toplevel,
            input=request,
            capture_output=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _cat_blobs(toplevel: str, names: list[bytes], max_bytes: int) -> dict[bytes, tuple[bytes, int]]:
    """Blobs by object name: their sizes from one ``git cat-file --batch-check``, then the
    ones within ``max_bytes`` from one ``git cat-file --batch`` (a larger one comes back
    empty, with its size). A name git does not have, or not a blob, is left out."""
    listing = _cat(toplevel, "--batch-check", names)
    if listing is None:
        return {}
    sizes: dict[bytes, int] = {}
    for line in listing.splitlines():
        parts = line.split(b" ")
        if len(parts) == 3 and parts[1] == b"blob":
            sizes[bytes.fromhex(parts[0].decode("ascii"))] = int(parts[2])
    blobs = {name: (b"", size) for name, size in sizes.items() if size > max_bytes}
    small = [name for name, size in sizes.items() if size <= max_bytes]
    data = _cat(toplevel, "--batch", small) if small else b""
    if data is None:
        return blobs
    at = 0
    for name in small:
        line_end = data.find(b"\n", at)
        if line_end < 0:
            break
        header = data[at:line_end].split(b" ")
        at = line_end + 1
        if len(header) != 3:
            break
        size = int(header[2])
        blobs[name] = (data[at : at + size], size)
        at += size + 1  # the content, then a newline
    return blobs
