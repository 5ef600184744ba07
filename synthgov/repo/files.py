"""Access to the data files that cards name: existence, size, sha256, Git LFS pointers.

The engine never touches the file system itself; rules receive an object with this
interface through the run context, so tests can substitute their own.

Confinement (docs/security.md, docs/limits.md): a :class:`LocalFiles` built with ``roots``
answers only for paths whose real path (symlinks resolved) lies inside one of them. A path
outside is reported as :data:`OUTSIDE_ROOT` and is never opened, not even ``stat``-ed, so a
card cannot make a CI runner disclose the size or fingerprint of a file elsewhere on the
machine. Only regular files are opened, with ``O_NONBLOCK`` and a ``fstat`` on the open
descriptor (a FIFO or device swapped in cannot block the run), and hashing reads at most the
size ``fstat`` reported, at most ``max_hash_bytes``, within the run's ``hash_seconds``.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from collections.abc import Sequence

from synthgov.core.fileinfo import (
    INVALID_PATH,
    OUTSIDE_ROOT,
    Digest,
    FileAccess,
    FileInfo,
    digest_of,
)
from synthgov.core.lazyre import LazyRegex

__all__ = [
    "INVALID_PATH",
    "OUTSIDE_ROOT",
    "Digest",
    "FileAccess",
    "FileInfo",
    "LocalFiles",
    "digest_of",
    "parse_lfs_pointer",
]

LFS_VERSION = "https://git-lfs.github.com/spec/v1"
LFS_MAX_BYTES = 1024  # the Git LFS specification: a pointer is smaller than 1024 bytes
DEFAULT_MAX_HASH_BYTES = 64 * 1024**3  # 64 GiB per data file (Limits.max_hash_bytes)
DEFAULT_HASH_SECONDS = 600.0  # hashing time of one run, all files together
_CHUNK = 1 << 20
_LFS_EXT = LazyRegex(r"ext-\d-[a-z0-9.-]+")


class LocalFiles:
    """The real file system. Answers are memoised per instance (one instance per run).

    With ``roots``, nothing outside them is read: a card in a pull request must not make the
    CI runner hash (and so disclose a fingerprint of) files elsewhere on the machine. ``also``
    lists single files the operator named (``--baseline``) that may lie elsewhere.
    """

    def __init__(
        self,
        roots: Sequence[str] | str | None = None,
        *,
        also: Sequence[str] = (),
        max_hash_bytes: int = DEFAULT_MAX_HASH_BYTES,
        hash_seconds: float = DEFAULT_HASH_SECONDS,
    ) -> None:
        if isinstance(roots, str):
            roots = (roots,)
        self._roots = tuple(os.path.realpath(r) for r in roots or ())
        self._also = frozenset(os.path.realpath(p) for p in also)  # files the operator named
        self._max_hash = max_hash_bytes
        self._budget = hash_seconds
        self._spent = 0.0
        self._digests: dict[str, Digest] = {}
        self._infos: dict[str, FileInfo] = {}
        self._real_dirs: dict[str, str] = {}  # folder as written -> its real path
        self._reals: dict[str, str] = {}  # path as asked -> its real path
        self._lstat: dict[str, os.stat_result] = {}  # real paths lstat-ed on the way

    def real(self, path: str) -> str | None:
        """The real path of ``path`` when it lies inside the roots (or there are none).

        Raises ValueError for a path the operating system cannot take (a NUL character).
        """
        real = self._reals.get(path)
        if real is None:
            real = self._reals[path] = self._realpath(path)
        if not self._roots or real in self._also:
            return real
        for root in self._roots:
            if real == root or real.startswith(root.rstrip(os.sep) + os.sep):
                return real
        return None

    def _realpath(self, path: str) -> str:
        """``os.path.realpath(path)``, with the real path of each folder remembered: a card's
        data file then costs an ``lstat`` per folder not seen yet and one for its own name,
        instead of one per component of its absolute path."""
        if "\0" in path:
            raise ValueError("embedded null character in path")
        if not path.startswith("/"):
            path = os.path.join(os.getcwd(), path)
        if os.sep != "/" or "/./" in path + "/" or "/../" in path + "/" or "//" in path:
            return os.path.realpath(path)  # ".", "..", "//": realpath's own walk
        return self._real_clean(path)

    def _real_clean(self, path: str) -> str:
        """The real path of an absolute path without ".", ".." or empty components."""
        folder, _, name = path.rpartition("/")
        if not name:
            return os.path.realpath(path)
        real_folder = self._real_dirs.get(folder)
        if real_folder is None:
            real_folder = self._real_dirs[folder] = self._real_clean(folder) if folder else ""
        candidate = real_folder + "/" + name
        try:
            st = os.lstat(candidate)
        except OSError:  # missing: realpath keeps the name as it is
            return candidate
        if stat.S_ISLNK(st.st_mode):
            return os.path.realpath(candidate)  # a symlink: resolved in full, loops included
        self._lstat[candidate] = st  # not a link: what stat would say (see info)
        return candidate

    def inside(self, path: str) -> bool:
        try:
            return self.real(path) is not None
        except ValueError:
            return False

    def info(self, path: str) -> FileInfo:
        cached = self._infos.get(path)
        if cached is None:
            try:
                real = self.real(path)
            except ValueError:
                cached = FileInfo(exists=False, error=INVALID_PATH)
            else:
                if real is None:
                    cached = FileInfo(exists=False, error=OUTSIDE_ROOT)
                else:
                    cached, small = _stat(real, self._lstat.pop(real, None))
                    if small is not None and self._may_hash(cached.size, path):
                        self._digests[path] = small  # read whole already: not read again
            self._infos[path] = cached
        return cached

    def _may_hash(self, size: int, path: str) -> bool:
        """Whether a file of ``size`` bytes, already read, gets the digest ``_digest`` would
        give it (within the size and time limits, not hashed yet)."""
        return size <= self._max_hash and self._spent < self._budget and path not in self._digests

    def digest(self, path: str) -> Digest:
        cached = self._digests.get(path)
        if cached is None:
            cached = self._digest(path)
            self._digests[path] = cached
        return cached

    def _digest(self, path: str) -> Digest:
        try:
            real = self.real(path)
        except ValueError:
            return Digest(None, INVALID_PATH)
        if real is None:
            return Digest(None, OUTSIDE_ROOT)
        started = time.monotonic()
        found = _sha256(real, self._max_hash, started + self._budget - self._spent)
        self._spent += time.monotonic() - started
        return found

    def sha256(self, path: str) -> str | None:
        return self.digest(path).sha256

    def read_bytes(self, path: str, limit: int) -> bytes | None:
        if not self.inside(path):
            return None
        real = self.real(path)
        if real is None:
            return None
        fd = _open_regular(real)
        if isinstance(fd, str):
            return None
        try:
            with os.fdopen(fd, "rb") as handle:
                return handle.read(limit)
        except OSError:
            return None


def _open_regular(path: str) -> int | str:
    """A read-only descriptor of the regular file at ``path``, or why there is none.

    ``O_NONBLOCK`` so that opening a FIFO never waits for a writer; the type is checked on
    the descriptor itself, so a file swapped for a device after a ``stat`` is still refused.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    except ValueError as exc:  # an embedded NUL
        return str(exc)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return "not a regular file"
    except OSError as exc:
        os.close(fd)
        return exc.strerror or type(exc).__name__
    return fd


def _stat(path: str, known: os.stat_result | None = None) -> tuple[FileInfo, Digest | None]:
    """What ``path`` is (``known``: its stat, taken already); for a file smaller than a Git
    LFS pointer can be, which is read whole to tell whether it is one, also its digest (so
    it is not opened twice)."""
    try:
        st = known if known is not None else os.stat(path)
    except OSError as exc:
        return FileInfo(exists=False, error=exc.strerror or type(exc).__name__), None
    except ValueError as exc:
        return FileInfo(exists=False, error=str(exc)), None
    if not stat.S_ISREG(st.st_mode):
        return FileInfo(exists=True, is_file=False, size=0), None
    fd = _open_regular(path)  # a file that cannot be opened cannot be checked: say so
    if isinstance(fd, str):
        return FileInfo(exists=True, is_file=True, size=st.st_size, error=fd), None
    if st.st_size >= LFS_MAX_BYTES:
        os.close(fd)
        return FileInfo(exists=True, is_file=True, size=st.st_size), None
    try:
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read(LFS_MAX_BYTES)
    except OSError as exc:
        return FileInfo(exists=True, is_file=True, size=st.st_size, error=exc.strerror or ""), None
    pointer = parse_lfs_pointer(raw)
    if pointer is not None:
        oid, lfs_size = pointer
        return FileInfo(True, True, st.st_size, lfs_oid=oid, lfs_size=lfs_size), None
    # read whole when the size is the one stat gave (a file that grew is hashed later)
    small = Digest(hashlib.sha256(raw).hexdigest()) if len(raw) == st.st_size else None
    return FileInfo(exists=True, is_file=True, size=st.st_size), small


def parse_lfs_pointer(raw: bytes) -> tuple[str, int] | None:
    """(oid, size) when ``raw`` is exactly a Git LFS pointer file, else None.

    The pointer format (git-lfs docs/spec.md): smaller than 1024 bytes, UTF-8 lines of
    ``key value`` each ending in a line feed, ``version`` first, the other keys (``oid``,
    ``size`` and ``ext-N-name`` extensions only) in alphabetical order, each once,
    ``oid sha256:<64 hex>`` and ``size <digits>`` present.
    Anything else, such as a pointer followed by extra bytes, is ordinary content and is
    hashed as such.
    """
    if len(raw) >= LFS_MAX_BYTES or not raw.endswith(b"\n"):
        return None
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return None
    fields = _lfs_fields(text[:-1].split("\n"))
    return None if fields is None else _lfs_oid_and_size(fields)


def _lfs_fields(lines: list[str]) -> dict[str, str] | None:
    """The ``key value`` lines of a pointer, or None when they break its format: ``version``
    (the spec's URL) first, then known keys only, each once, in alphabetical order."""
    fields: dict[str, str] = {}
    previous = ""
    for number, line in enumerate(lines):
        key, sep, value = line.partition(" ")
        if not sep or not value or not key or key in fields:
            return None
        if key not in ("version", "oid", "size") and not _LFS_EXT.fullmatch(key):
            return None
        if number == 0:
            if key != "version" or value != LFS_VERSION:
                return None
        elif key <= previous and previous != "version":
            return None
        fields[key] = value
        previous = key
    return fields


def _lfs_oid_and_size(fields: dict[str, str]) -> tuple[str, int] | None:
    """(sha256 hex digest, size) from a pointer's fields, when both are well formed."""
    oid, size = fields.get("oid", ""), fields.get("size", "")
    if not oid.startswith("sha256:") or not size.isdigit() or size != str(int(size)):
        return None
    hexdigest = oid[len("sha256:") :]
    if len(hexdigest) != 64 or hexdigest.strip("0123456789abcdef"):
        return None
    return hexdigest, int(size)


def _sha256(path: str, max_bytes: int, deadline: float) -> Digest:
    fd = _open_regular(path)
    if isinstance(fd, str):
        return Digest(None, fd)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "rb", buffering=0) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > max_bytes:
                return Digest(None, f"larger than the {max_bytes:,}-byte hashing limit")
            buf = bytearray(_CHUNK)
            view = memoryview(buf)
            left = size + 1  # one byte more than stat reported shows a file that grows
            while left > 0:
                if time.monotonic() > deadline:
                    return Digest(None, "the run's hashing time limit was reached")
                n = handle.readinto(view[: min(_CHUNK, left)])
                if not n:
                    break
                left -= n
                digest.update(view[:n])
            if left <= 0:
                return Digest(None, "its content is longer than its size (it changed while read)")
    except OSError as exc:
        return Digest(None, exc.strerror or type(exc).__name__)
    return Digest(digest.hexdigest())
