"""What git's index holds (``--staged``: the hook's context is what the commit will hold).

:func:`read_index` parses the index file itself (versions 2 and 3, the ones git writes by
default): a commit-time run reads it on every call, and ``git ls-files --stage`` costs a
process and a text parse of every entry. Anything else (version 4's compressed paths, a
split or sparse index, SHA-256 object names, a file that does not parse) is answered by
``git ls-files --stage -z`` instead, so an index this module does not know gives the same
entries, only slower.

Kept per path (relative to the work tree, ``/``-separated): the mode and the blob's object
name. Left out, as ``git commit`` leaves them out: entries added with ``git add -N`` (intent
to add: nothing is staged yet) and submodules. Paths in conflict (a stage other than 0) are
listed in ``unmerged``: there is no one staged content to read.

Reading a staged file's bytes is :mod:`synthgov.repo.gitblobs`'.
"""

from __future__ import annotations

import hashlib
import os
import struct
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from synthgov.repo.gitsafe import git_output

_HEADER = struct.Struct(">4sII")
_FLAGS = struct.Struct(">H")
_MODE = struct.Struct(">I")
_SHA1 = 20
#: ctime, mtime, dev, ino, mode, uid, gid, size (10 x 4 bytes), then the object name
_NAME_AT = 40
_FLAGS_AT = _NAME_AT + _SHA1
_EXTENDED = 0x4000  # flags: a second 16-bit flags word follows (version 3)
_INTENT_TO_ADD = 0x2000  # in the second flags word
_STAGE = 0x3000
_NAME_MASK = 0xFFF
_GITLINK = 0o160000
_SYMLINK = 0o120000


class Staged(NamedTuple):
    """git's index: per path, (mode, blob name)."""

    entries: Mapping[str, tuple[int, bytes]]
    unmerged: frozenset[str]


def git_dir(toplevel: str) -> str | None:
    """The git folder of a work tree: ``.git`` itself, or where a ``.git`` file points
    (linked work trees, submodules)."""
    dotgit = os.path.join(toplevel, ".git")
    if os.path.isdir(dotgit):
        return dotgit
    try:
        with open(dotgit, encoding="utf-8") as handle:
            line = handle.readline(4096).strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not line.startswith("gitdir:"):
        return None
    return os.path.normpath(os.path.join(toplevel, line[len("gitdir:") :].strip()))


def index_file(toplevel: str) -> str | None:
    found = git_dir(toplevel)
    return None if found is None else os.path.join(found, "index")


def read_index(toplevel: str) -> Staged | None:
    """git's index for the work tree at ``toplevel``; None when git cannot say (not a work
    tree, git missing)."""
    path = index_file(toplevel)
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:  # a repository without a first ``git add``: nothing staged
        return Staged({}, frozenset())
    except OSError:
        return None
    parsed = parse_with_layout(data)
    return parsed[0] if parsed is not None else _ls_files(toplevel)


class ChunkEntries(NamedTuple):
    """The entries of an index file that overlap one chunk of it."""

    first: int  # the position (0, 1, ...) of the first of them
    offsets: bytes  # array("I"): where each starts, then where the last one ends
    paths: bytes  # an 8-byte digest of each one's path, one after the other
    contents: bytes  # an 8-byte digest of what each one stages (kind, mode, object name)


class Layout:
    """Where the entries of an index file lie, so that a later version of the file is read
    only where its bytes changed (:func:`changed_entries`): ``git add`` of one file rewrites
    the index, but its other entries keep their bytes and places. The file is cut in
    chunks of :data:`CHUNK` bytes; each chunk's digest is kept, and which entries overlap it
    (:meth:`chunk`), which a stored layout reads only for the chunks that changed."""

    def __init__(
        self,
        header: bytes,
        end: int,
        chunks: bytes,
        chunk: Callable[[int], ChunkEntries],
        offsets: Callable[[], array[int]],
        prefetch: Callable[[list[int]], None] | None = None,
    ) -> None:
        self.header = header  # signature, version, entry count
        self.end = end  # where the entries end
        self.chunks = chunks  # the SHA-1 of each chunk, one after the other
        self.chunk = chunk
        self.offsets = offsets  # every entry's start, then ``end`` (for bisection)
        self.prefetch = prefetch  # reads the entries of these chunks at once (stored)

    @classmethod
    def of(
        cls, header: bytes, offsets: array[int], paths: bytes, contents: bytes, chunks: bytes
    ) -> Layout:
        """The layout of a file just parsed: every entry's start and path digest."""

        def chunk(k: int) -> ChunkEntries:
            lo, hi = 12 + k * CHUNK, 12 + (k + 1) * CHUNK
            first = max(bisect_right(offsets, lo) - 1, 0)
            last = max(bisect_left(offsets, hi), first + 1)
            last = min(last, len(offsets) - 1)
            return ChunkEntries(
                first,
                offsets[first : last + 1].tobytes(),
                paths[first * 8 : last * 8],
                contents[first * 8 : last * 8],
            )

        return cls(header, offsets[-1], chunks, chunk, lambda: offsets)

    def chunk_count(self) -> int:
        return len(self.chunks) // _SHA1


CHUNK = 1 << 13


def parse_with_layout(data: bytes) -> tuple[Staged, Layout] | None:
    """The entries of an index file of version 2 or 3 and the file's :class:`Layout`; None
    for anything else (the caller asks git)."""
    try:
        signature, version, count = _HEADER.unpack_from(data, 0)
    except struct.error:
        return None
    if signature != b"DIRC" or version not in (2, 3):
        return None
    entries: dict[str, tuple[int, bytes]] = {}
    unmerged: set[str] = set()
    offsets = array("I", [12])
    digests: list[bytes] = []
    contents: list[bytes] = []
    at, end = 12, len(data) - _SHA1
    for _ in range(count):
        got = _entry(data, at, version, end)
        if got is None:
            return None
        at, raw_path, kind, mode, name = got
        offsets.append(at)
        digests.append(_path_digest(raw_path))
        contents.append(_content_digest(kind, mode, name))
        path = raw_path.decode("utf-8", "surrogateescape")
        if kind == _UNMERGED:
            unmerged.add(path)
        elif kind == _STAGED:
            entries[path] = (mode, name)
    if not _plain_extensions(data, at):
        return None  # a split or sparse index: its entries are elsewhere
    for path in unmerged:
        entries.pop(path, None)
    layout = Layout.of(
        data[:12], offsets, b"".join(digests), b"".join(contents), _chunk_digests(data, at)
    )
    return Staged(entries, frozenset(unmerged)), layout


_STAGED, _LEFT_OUT, _UNMERGED = 0, 1, 2


def _entry(
    data: bytes, at: int, version: int, end: int
) -> tuple[int, bytes, int, int, bytes] | None:
    """The entry at ``at``: (where the next starts, path, kind, mode, object name); None
    when it does not parse."""
    try:
        flags = _FLAGS.unpack_from(data, at + _FLAGS_AT)[0]
        start = at + _FLAGS_AT + 2
        extra = 0
        if flags & _EXTENDED:
            if version < 3:
                return None
            extra = _FLAGS.unpack_from(data, start)[0]
            start += 2
        size = flags & _NAME_MASK
        stop = data.find(b"\0", start, end) if size == _NAME_MASK else start + size
        if stop < 0 or stop >= end or data[stop] != 0:
            return None
        following = at + ((stop - at + 8) & ~7)  # 1 to 8 NULs pad to a multiple of 8 bytes
        if following > end:
            return None
        mode = _MODE.unpack_from(data, at + 24)[0]
    except (struct.error, ValueError):
        return None
    if flags & _STAGE:
        kind = _UNMERGED
    elif extra & _INTENT_TO_ADD or mode & 0o170000 == _GITLINK:
        kind = _LEFT_OUT
    else:
        kind = _STAGED
    return following, data[start:stop], kind, mode, data[at + _NAME_AT : at + _FLAGS_AT]


def map_index(path: str) -> Any:
    """The index file at ``path``, memory-mapped (read only, no copy: a commit-time run
    reads 3 MB of it at 10,000 cards to hash its chunks). git replaces the file by renaming
    a new one over it, so the mapped bytes never change under the reader. An empty file
    comes back as ``b""``; OSError when it cannot be opened."""
    import mmap

    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return b""
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def _content_digest(kind: int, mode: int, name: bytes) -> bytes:
    return hashlib.blake2b(b"%d %o " % (kind, mode) + name, digest_size=8).digest()


def _path_digest(raw_path: bytes) -> bytes:
    return hashlib.blake2b(raw_path, digest_size=8).digest()


def _chunk_digests(data: bytes, end: int) -> bytes:
    view = memoryview(data)
    return b"".join(
        hashlib.sha1(view[at : min(at + CHUNK, end)]).digest() for at in range(12, end, CHUNK)
    )


class Changed(NamedTuple):
    """An entry of a newer index at the place of an entry of the same path."""

    path: str
    staged: bool  # False: left out (intent to add, a submodule)
    mode: int
    name: bytes


def changed_entries(data: bytes, layout: Layout) -> list[Changed] | None:
    """The entries of index file ``data`` that stage something else than in the version
    ``layout`` describes (looked for in the chunks whose bytes differ); None when entries
    were added, removed, moved or renamed, or one is in conflict (the caller reads the
    whole index)."""
    end = layout.end
    if data[:12] != layout.header or len(data) < end + _SHA1:
        return None
    if not _plain_extensions(data, end):
        return None
    version = _HEADER.unpack_from(data, 0)[1]
    chunks = _chunk_digests(data, end)
    if len(chunks) != len(layout.chunks):
        return None
    changed: list[Changed] = []
    seen: set[int] = set()
    old = layout.chunks
    differ = [
        k
        for k in range(len(chunks) // _SHA1)
        if chunks[k * _SHA1 : (k + 1) * _SHA1] != old[k * _SHA1 : (k + 1) * _SHA1]
    ]
    if layout.prefetch is not None and differ:
        layout.prefetch(differ)
    for k in differ:
        part = layout.chunk(k)
        offsets = array("I", part.offsets)
        for j in range(len(offsets) - 1):
            n = part.first + j
            if n in seen:
                continue
            seen.add(n)
            got = _entry(data, offsets[j], version, len(data) - _SHA1)
            if got is None or got[0] != offsets[j + 1] or got[2] == _UNMERGED:
                return None
            if _path_digest(got[1]) != part.paths[j * 8 : (j + 1) * 8]:
                return None
            if _content_digest(got[2], got[3], got[4]) == part.contents[j * 8 : (j + 1) * 8]:
                continue  # what it stages is what it staged then (its stat fields moved)
            path = got[1].decode("utf-8", "surrogateescape")
            changed.append(Changed(path, got[2] == _STAGED, got[3], got[4]))
    return changed


def _plain_extensions(data: bytes, at: int) -> bool:
    """Whether the extensions from ``at`` on are well formed and none makes the entries
    incomplete: a split index (``link``: the entries are in another file) or a sparse one
    (``sdir``: folders stand for their files). Each extension is a 4-byte signature and a
    4-byte size, then its bytes; the file ends with its checksum."""
    end = len(data) - _SHA1
    while at < end:
        if at + 8 > end:
            return False
        signature = data[at : at + 4]
        if signature in (b"link", b"sdir"):
            return False
        at += 8 + _MODE.unpack_from(data, at + 4)[0]
    return at == end


def _ls_files(toplevel: str) -> Staged | None:
    """The index as ``git ls-files --stage -z`` tells it: ``<mode> <name> <stage>\t<path>``."""
    out = git_output(toplevel, "ls-files", "--stage", "-z")
    if out is None:
        return None
    entries: dict[str, tuple[int, bytes]] = {}
    unmerged: set[str] = set()
    for record in out.split(b"\0"):
        head, tab, rel = record.partition(b"\t")
        if not tab:
            continue
        mode_s, name, stage = head.split(b" ")
        path = rel.decode("utf-8", "surrogateescape")
        mode = int(mode_s, 8)
        if stage != b"0":
            unmerged.add(path)
        elif mode & 0o170000 != _GITLINK:
            entries[path] = (mode, bytes.fromhex(name.decode("ascii")))
    for path in unmerged:
        entries.pop(path, None)
    return Staged(entries, frozenset(unmerged))


def is_symlink(mode: int) -> bool:
    return mode & 0o170000 == _SYMLINK


def entry_named(data: bytes, layout: Layout, path: str) -> tuple[bool, int, bytes] | None:
    """(staged, mode, object name) of the entry of ``path`` in index file ``data`` (which
    ``layout`` describes), found by bisection (git keeps entries sorted by path); None
    when the index has no entry for it or it is in conflict."""
    want = path.encode("utf-8", "surrogateescape")
    version = _HEADER.unpack_from(data, 0)[1]
    offsets = layout.offsets()
    lo, hi = 0, len(offsets) - 1
    end = len(data) - _SHA1
    while lo < hi:
        mid = (lo + hi) // 2
        got = _entry(data, offsets[mid], version, end)
        if got is None:
            return None
        if got[1] < want:
            lo = mid + 1
        else:
            hi = mid
    if lo >= len(offsets) - 1:
        return None
    got = _entry(data, offsets[lo], version, end)
    if got is None or got[1] != want or got[2] == _UNMERGED:
        return None
    return got[2] == _STAGED, got[3], got[4]
