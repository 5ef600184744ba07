"""Small packed forms of the repository index (:mod:`synthgov.app.index.store`; the parts a
run reads one by one are in :mod:`synthgov.app.index.buckets`):

- a file's signature packed in 32 bytes (:func:`pack_signature`);
- :class:`PathTable`: a list of paths pickled as one string;
- :class:`Overlay`: the base entries with the delta's laid over them;
- :class:`Inverted`: key -> the files holding it, built from summaries when there is no
  index yet.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

#: size, mtime_ns, inode, ctime_ns
_SIG = struct.Struct("<4q")
_NONE = b"\xff" * _SIG.size  # no signature (the file is read again next time)

Entry = tuple[Any, tuple[Any, ...]]  # (signature, summaries)


def pack_signature(sig: Any) -> bytes:
    return _NONE if sig is None else _SIG.pack(*sig)


def unpack_signature(raw: bytes) -> Any:
    return None if raw == _NONE else _SIG.unpack(raw)


class LazyPaths(Sequence[str]):
    """A sequence of paths made when first read (:meth:`_make`), then kept."""

    _list: list[str] | None = None

    def _make(self) -> list[str]:
        raise NotImplementedError

    def _items(self) -> list[str]:
        if self._list is None:
            self._list = self._make()
        return self._list

    def __getitem__(self, n: Any) -> Any:
        return self._items()[n]

    def __len__(self) -> int:
        return len(self._items())

    def __iter__(self) -> Iterator[str]:
        return iter(self._items())


class PathTable(LazyPaths):
    """Paths in order, pickled as one string and split when first read: a pickle of
    10,000 paths as one object loads in a fraction of the time of 10,000 strings."""

    def __init__(self, joined: str) -> None:
        self._joined = joined

    @classmethod
    def of(cls, paths: Iterable[str]) -> PathTable:
        listed = list(paths)
        table = cls("\0".join(listed))  # no path holds a NUL
        table._list = listed
        return table

    def __reduce__(self) -> tuple[Any, ...]:
        return (PathTable, (self._joined,))

    def _make(self) -> list[str]:
        return self._joined.split("\0") if self._joined else []


class Overlay(Mapping[str, Entry]):
    """The base entries with the delta's (plain ``path -> entry``) laid over them."""

    def __init__(self, base: Any, delta: Mapping[str, Entry]) -> None:
        self.base = base  # buckets.BucketEntries
        self.delta = delta

    def packed_signature(self, path: str) -> bytes | None:
        if path in self.delta:
            return pack_signature(self.delta[path][0])
        found: bytes | None = self.base.packed_signature(path)
        return found

    def prefetch(self, paths: Iterable[str]) -> None:
        self.base.prefetch(p for p in paths if p not in self.delta)

    def listed(self, path: str) -> bool:
        """Whether ``path`` is one of the files of the index (see BucketEntries.listed)."""
        return bool(self.base.listed(path))

    def __getitem__(self, path: str) -> Entry:
        if path in self.delta:
            return self.delta[path]
        found: Entry = self.base[path]
        return found

    def __contains__(self, path: object) -> bool:
        return path in self.delta or path in self.base

    def __iter__(self) -> Iterator[str]:
        yield from self.base
        yield from (p for p in self.delta if p not in self.base)

    def __len__(self) -> int:
        return len(self.base) + sum(1 for p in self.delta if p not in self.base)


class KeyFiles(Protocol):
    """key -> the files holding it (lineage keys, or named files)."""

    def prefetch(self, keys: Iterable[str]) -> None: ...

    def get(self, key: str) -> list[str]: ...

    def move(self, path: str, old: Iterable[str], new: Iterable[str]) -> None: ...


class Inverted:
    """key -> the files holding it, in memory (a run without an index builds it from the
    summaries it read)."""

    def __init__(self, held: dict[str, list[str]] | None = None) -> None:
        self._held: dict[str, list[str]] = held if held is not None else {}

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Inverted:
        """From (key, file) pairs, in order."""
        held: dict[str, list[str]] = {}
        for key, path in pairs:
            files = held.setdefault(key, [])
            if not files or files[-1] != path:
                files.append(path)
        return cls(held)

    def prefetch(self, keys: Iterable[str]) -> None:
        """Nothing to read: every key is in memory."""

    def get(self, key: str) -> list[str]:
        return sorted(self._held.get(key, ()))

    def move(self, path: str, old: Iterable[str], new: Iterable[str]) -> None:
        """``path`` no longer holds the keys ``old``, and holds ``new``."""
        for key in set(old):
            if key in self._held:
                self._held[key] = [p for p in self._held[key] if p != path]
        for key in set(new):
            files = self._held.setdefault(key, [])
            if path not in files:
                files.append(path)
