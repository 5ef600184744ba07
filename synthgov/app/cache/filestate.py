"""The state of files and folders as the caches see it: ``stat`` signatures, content hashes
and folder listings, and checking a recorded state in a forked child (see
:mod:`synthgov.app.cache.runcache`).

A file's signature is (size, mtime, inode, ctime); a folder's is (mtime, inode, ctime), which
changes when an entry is added, removed or renamed in it. A recorded state is a sequence of
``(kind, path, value)``:

- "dir": a folder, ``(signature, names)``. When the signature changed, the folder still
  holds if its entries have the same names and types (:func:`names_digest`): an editor's
  save by rename, or pre-commit putting back the unstaged changes it had set aside, change
  the folder's signature and nothing a discovery sees;
- "tracked": the paths git tracks under a folder, ``(index file, its signature, digest of
  the paths)``. A ``git add`` rewrites git's index; the paths it tracks are what a
  discovery depends on, so they are listed again (one ``git ls-files``) only when the
  index's signature changed;
- "present": what is at a path, "dir", "file" or None (a ``.git``: git writes in that
  folder on every ``git add``; whether it is there is what a discovery depends on);
- anything else: a file, its signature.
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

#: files modified less than this before the run are checked by content next time
RACY_NS = 3_000_000_000

Signature = tuple[int, int, int, int] | None


def signature(path: str) -> Signature:
    """(size, mtime_ns, inode, ctime_ns) of ``path``, or None when it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def dir_signature(path: str) -> tuple[int, int, int] | None:
    """(mtime_ns, inode, ctime_ns) of a folder, or None when it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def names_digest(folder: str) -> str | None:
    """A digest of the names in a folder, each with whether it is a folder (as ``os.walk``
    tells them apart), or None when it cannot be listed."""
    try:
        with os.scandir(folder) as entries:
            names = sorted(("d/" if _is_dir(e) else "f/") + e.name for e in entries)
    except OSError:
        return None
    return walked_digest(names)


def walked_digest(names: Iterable[str]) -> str:
    """:func:`names_digest` of names already told apart (sorted, "d/" or "f/" first)."""
    text = "\0".join(names).encode("utf-8", "surrogateescape")
    return hashlib.blake2b(text, digest_size=16).hexdigest()


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def tracked_digest(folder: str) -> str | None:
    """A digest of the paths git tracks under ``folder`` (None: git could not say)."""
    from synthgov.repo.gitsafe import git_output

    out = git_output(folder, "ls-files", "-z", "--cached", "--", ".")
    return None if out is None else hashlib.blake2b(out, digest_size=16).hexdigest()


def presence(path: str) -> str | None:
    """ "dir", "file" or None (nothing there, or it cannot be stat'ed)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return "dir" if stat.S_ISDIR(st.st_mode) else "file"


def _holds(kind: str, path: str, value: Any) -> bool:
    """Whether one entry that is not a folder still holds (folders: ``PackedState``)."""
    if kind == "present":
        return presence(path) == value
    if kind == "tracked":
        index, sig, digest = value
        return (sig is not None and signature(index) == sig) or tracked_digest(path) == digest
    return signature(path) == value


def all_unchanged(items: Iterable[tuple[str, str, Any]]) -> bool:
    """Whether every ``(kind, path, value)`` of a recorded state still holds: the folders
    are checked by :class:`synthgov.app.cache.packedstate.PackedState` (a recorded state is
    one; any other sequence of entries is packed first), the rest by :func:`_holds`."""
    from synthgov.app.cache.packedstate import PackedState

    state = items if isinstance(items, PackedState) else PackedState.of(items)
    return state.unchanged(_holds, names_digest)


#: the share of the items the child checks; the caller checks the rest when it asks for
#: the verdict (its own work is usually done first: it then helps instead of waiting)
CHILD_SHARE = 0.6


def check_beside(items: Sequence[tuple[str, str, Any]]) -> Callable[[], bool] | None:
    """Check :func:`all_unchanged` in a forked child while the caller goes on; returns the
    function that waits for its verdict, or None where there is no ``fork`` (then the
    caller checks itself). A warm run over 10,000 cards checks some 20,000 folders and
    20,000 files: about 70 ms each here, and ``stat`` holds the GIL too long for threads.
    The child checks the first part of the items; the verdict function checks the rest in
    the caller before it waits. The child only calls ``stat`` and leaves with ``os._exit``
    (no buffers, no handlers)."""
    if not hasattr(os, "fork") or not sys.platform.startswith("linux"):
        return None
    cut = int(len(items) * CHILD_SHARE)
    theirs, mine = items[:cut], items[cut:]
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return None  # a plugin's threads: forking them is not safe
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # pragma: no cover - the child; its exit status is the verdict
        code = 3
        try:
            code = 0 if all_unchanged(theirs) else 1
        finally:
            os._exit(code)

    def verdict() -> bool:
        here = all_unchanged(mine)
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return False
        return here and os.waitstatus_to_exitcode(status) == 0

    return verdict


def content_hash(path: str) -> str | None:
    """sha256 of a regular file; None for anything else (a FIFO is never opened for
    reading in blocking mode, so it cannot hang the run). At most the size ``fstat``
    reports is read: a file in ``/proc`` (size 0, endless content) costs nothing."""

    digest = hashlib.sha256()
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        left = st.st_size
        with os.fdopen(fd, "rb", closefd=False) as handle:
            while left > 0:
                block = handle.read(min(1 << 20, left))
                if not block:
                    break
                left -= len(block)
                digest.update(block)
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)
    return digest.hexdigest()


def listing(directory: str) -> tuple[tuple[str, Signature], ...]:
    """The entries of a folder with their signatures (for loaders that look around)."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return ()
    return tuple((name, signature(os.path.join(directory, name))) for name in names)
