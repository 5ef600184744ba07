"""A recorded discovery state (:mod:`synthgov.app.cache.discoverystate`) in a form that loads
and checks fast: its folders (20,000 of them for 10,000 cards) as one list of paths, their
signatures packed in one ``bytes`` and their names digests in another; the few other entries
as they are. Unpickling it builds one object per folder instead of six, and checking it
compares packed bytes (:func:`synthgov.app.cache.filestate.all_unchanged` asks it)."""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, overload

#: mtime_ns, inode, ctime_ns of a folder
_SIG = struct.Struct("<3q")
_NO_SIG = b"\xff" * _SIG.size  # racy when recorded: the names decide
_DIGEST = 16

Entry = tuple[str, str, Any]


class PackedState(Sequence[Entry]):
    """The entries of a state; ``("dir", path, (signature, names digest))`` packed."""

    def __init__(
        self,
        others: tuple[Entry, ...],
        dirs: Sequence[str],
        sigs: bytes,
        names: bytes,
        prefix: str = "",
    ) -> None:
        self._others = others
        self._dirs = dirs  # each after ``prefix`` (the folders' common start, stored once)
        self._sigs = sigs
        self._names = names
        self._prefix = prefix

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> PackedState:
        others: list[Entry] = []
        dirs: list[str] = []
        sigs: list[bytes] = []
        names: list[bytes] = []
        for kind, path, value in entries:
            if kind != "dir":
                others.append((kind, path, value))
                continue
            sig, digest = value
            dirs.append(path)
            sigs.append(_NO_SIG if sig is None else _SIG.pack(*sig))
            names.append(bytes.fromhex(digest))
        prefix = os.path.commonprefix(dirs) if dirs else ""
        rest = [d[len(prefix) :] for d in dirs]
        return cls(tuple(others), rest, b"".join(sigs), b"".join(names), prefix)

    def __reduce__(self) -> tuple[Any, ...]:
        state = (self._others, self._dirs, self._sigs, self._names, self._prefix)
        return (PackedState, state)

    def __len__(self) -> int:
        return len(self._others) + len(self._dirs)

    @overload
    def __getitem__(self, index: int) -> Entry: ...

    @overload
    def __getitem__(self, index: slice) -> PackedState: ...

    def __getitem__(self, index: int | slice) -> Entry | PackedState:
        """An entry, or a part (``check_beside`` splits the state between two processes)."""
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("a state is split into runs only")
            n = len(self._others)
            lo, hi = max(start - n, 0), max(stop - n, 0)
            return PackedState(
                self._others[start:stop],
                self._dirs[lo:hi],
                self._sigs[lo * _SIG.size : hi * _SIG.size],
                self._names[lo * _DIGEST : hi * _DIGEST],
                self._prefix,
            )
        if index < 0:
            index += len(self)
        if index < len(self._others):
            return self._others[index]
        k = index - len(self._others)
        raw = self._sigs[k * _SIG.size : (k + 1) * _SIG.size]
        sig = None if raw == _NO_SIG else _SIG.unpack(raw)
        digest = self._names[k * _DIGEST : (k + 1) * _DIGEST].hex()
        return ("dir", self._prefix + self._dirs[k], (sig, digest))

    def __iter__(self) -> Iterator[Entry]:
        for index in range(len(self)):
            yield self[index]

    def unchanged(self, holds: Any, names_digest: Any) -> bool:
        """Whether every entry still holds (``holds`` checks the others; a folder holds when
        its packed signature matches, else when its names do)."""
        if not all(holds(kind, path, value) for kind, path, value in self._others):
            return False
        pack, size, sigs, prefix = _SIG.pack, _SIG.size, self._sigs, self._prefix
        for k, rest in enumerate(self._dirs):
            path = prefix + rest
            raw = sigs[k * size : (k + 1) * size]
            try:
                st = os.stat(path)
            except OSError:
                st = None
            if st is not None and raw != _NO_SIG:
                if pack(st.st_mtime_ns, st.st_ino, st.st_ctime_ns) == raw:
                    continue
            digest = names_digest(path)
            if (
                digest is None
                or bytes.fromhex(digest) != self._names[k * _DIGEST : (k + 1) * _DIGEST]
            ):
                return False
        return True
