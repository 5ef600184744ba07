"""The repository index's large parts in a form that loads in a few milliseconds
(:mod:`synthgov.app.index.store`): a commit-time run over 10,000 cards reads every file's
signature but only a handful of summaries, and looks up a handful of lineage keys.

- :class:`PackedEntries`: per file, its signature packed in one ``bytes`` and its summaries
  pickled and compressed on their own, decoded when asked: loading it builds three objects per file
  instead of a dozen (about 50 ms -> 3 ms on this machine for 10,000 cards, under load).
- :class:`Overlay`: the base entries with the delta's laid over them.
- :class:`Inverted`: key -> the files holding it, as positions in the entries' path list.
"""

from __future__ import annotations

import pickle
import struct
import zlib
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

#: size, mtime_ns, inode, ctime_ns
_SIG = struct.Struct("<4q")
_NONE = b"\xff" * _SIG.size  # no signature (the file is read again next time)

Entry = tuple[Any, tuple[Any, ...]]  # (signature, summaries)
#: summaries sampled for the preset dictionary, and its size (zlib's window)
_SAMPLES = 64
_ZDICT_MAX = 32 << 10


def _compress(data: bytes, zdict: bytes) -> bytes:
    deflate = zlib.compressobj(level=6, zdict=zdict) if zdict else zlib.compressobj(level=6)
    return deflate.compress(data) + deflate.flush()


def pack_signature(sig: Any) -> bytes:
    return _NONE if sig is None else _SIG.pack(*sig)


class PackedEntries(Mapping[str, Entry]):
    """path -> (signature, summaries), packed (see the module)."""

    def __init__(
        self, paths: Sequence[str], sigs: bytes, blobs: Sequence[bytes], zdict: bytes = b""
    ) -> None:
        self._paths = paths
        self._sigs = sigs
        self._blobs = blobs  # each compressed with ``zdict`` (see :meth:`pack`)
        self._zdict = zdict
        self._at: dict[str, int] | None = None

    @classmethod
    def pack(cls, entries: Mapping[str, Entry]) -> PackedEntries:
        """Each file's summaries pickled and compressed with a preset dictionary sampled
        from them: one file's summaries are 400 bytes that repeat the same kinds, formats
        and path shapes as every other's, which zlib alone cannot see in 400 bytes (10,000
        cards: 3.9 MB -> 0.6 MB; a summary decodes in about 10 us)."""
        paths = list(entries)
        sigs = b"".join(pack_signature(entries[p][0]) for p in paths)
        raw = [pickle.dumps(entries[p][1], protocol=pickle.HIGHEST_PROTOCOL) for p in paths]
        step = max(1, len(raw) // _SAMPLES)
        # a few files: a dictionary of them all would only store them twice
        zdict = b"".join(raw[::step][:_SAMPLES])[-_ZDICT_MAX:] if step > 1 else b""
        return cls(paths, sigs, [_compress(b, zdict) for b in raw], zdict)

    def __reduce__(self) -> tuple[Any, ...]:
        return (PackedEntries, (self._paths, self._sigs, self._blobs, self._zdict))

    @property
    def paths(self) -> Sequence[str]:
        """The files, in order (the table :class:`Inverted` positions point into)."""
        return self._paths

    def _index(self, path: str) -> int | None:
        if self._at is None:
            self._at = {p: n for n, p in enumerate(self._paths)}
        return self._at.get(path)

    def packed_signature(self, path: str) -> bytes | None:
        """The file's signature as :func:`pack_signature` packs it (None: no entry)."""
        n = self._index(path)
        return None if n is None else self._sigs[n * _SIG.size : (n + 1) * _SIG.size]

    def __getitem__(self, path: str) -> Entry:
        n = self._index(path)
        if n is None:
            raise KeyError(path)
        raw = self._sigs[n * _SIG.size : (n + 1) * _SIG.size]
        sig = None if raw == _NONE else _SIG.unpack(raw)
        inflate = zlib.decompressobj(zdict=self._zdict) if self._zdict else zlib.decompressobj()
        return sig, pickle.loads(inflate.decompress(self._blobs[n]) + inflate.flush())

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self._index(path) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)


class Overlay(Mapping[str, Entry]):
    """The base entries with the delta's (plain ``path -> entry``) laid over them."""

    def __init__(self, base: PackedEntries, delta: Mapping[str, Entry]) -> None:
        self.base = base
        self.delta = delta

    def packed_signature(self, path: str) -> bytes | None:
        if path in self.delta:
            return pack_signature(self.delta[path][0])
        return self.base.packed_signature(path)

    def __getitem__(self, path: str) -> Entry:
        if path in self.delta:
            return self.delta[path]
        return self.base[path]

    def __contains__(self, path: object) -> bool:
        return path in self.delta or path in self.base

    def __iter__(self) -> Iterator[str]:
        yield from self.base
        yield from (p for p in self.delta if p not in self.base)

    def __len__(self) -> int:
        return len(self.base) + sum(1 for p in self.delta if p not in self.base)


class Inverted:
    """key -> the files holding it. Each list is packed as 32-bit positions in a table of
    paths (the entries' own list, so a pickle of the index stores every path once): a dict of
    20,000 small ``bytes`` loads in a tenth of the time of 20,000 lists, and weighs a tenth of
    the paths written out. Mutable, per run: paths new to the table go to ``extra``."""

    def __init__(self, table: Sequence[str], packed: dict[str, bytes] | None = None) -> None:
        self._table = table
        self._packed: dict[str, bytes] = packed if packed is not None else {}
        self._extra: list[str] = []
        self._at: dict[str, int] | None = None

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]], table: Sequence[str]) -> Inverted:
        """From (key, file) pairs, in order; every file must be in ``table``."""
        at = {p: n for n, p in enumerate(table)}
        lists: dict[str, list[int]] = {}
        for key, path in pairs:
            held = lists.setdefault(key, [])
            if not held or held[-1] != at[path]:
                held.append(at[path])
        return cls(table, {k: array("I", v).tobytes() for k, v in lists.items()})

    def __reduce__(self) -> tuple[Any, ...]:
        if self._extra:  # never pickled after a patch (the index saves a new one)
            raise TypeError("a patched Inverted is not pickled")
        return (Inverted, (self._table, self._packed))

    def _path(self, n: int) -> str:
        size = len(self._table)
        return self._table[n] if n < size else self._extra[n - size]

    def _position(self, path: str) -> int:
        if self._at is None:
            self._at = {p: n for n, p in enumerate(self._table)}
        n = self._at.get(path)
        if n is None:
            n = self._at[path] = len(self._table) + len(self._extra)
            self._extra.append(path)
        return n

    def _positions(self, key: str) -> list[int]:
        packed = self._packed.get(key)
        return array("I", packed).tolist() if packed else []

    def get(self, key: str) -> list[str]:
        return [self._path(n) for n in self._positions(key)]

    def move(self, path: str, old: Iterable[str], new: Iterable[str]) -> None:
        """``path`` no longer holds the keys ``old``, and holds ``new``."""
        n = self._position(path)
        for key in set(old):
            self._set(key, [m for m in self._positions(key) if m != n])
        for key in set(new):
            held = self._positions(key)
            if n not in held:
                self._set(key, [*held, n])

    def _set(self, key: str, held: list[int]) -> None:
        if held:
            self._packed[key] = array("I", held).tobytes()
        else:
            self._packed.pop(key, None)
