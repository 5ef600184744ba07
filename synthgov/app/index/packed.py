"""The repository index's large parts in a form that loads in a few milliseconds
(:mod:`synthgov.app.index.store`): a commit-time run over 10,000 cards reads every file's
signature but only a handful of summaries, and looks up a handful of lineage keys.

- :class:`PackedEntries`: per file, its signature packed in one ``bytes`` and its summaries
  pickled on their own, decoded when asked: loading it builds three objects per file
  instead of a dozen (about 50 ms -> 3 ms on this machine for 10,000 cards, under load).
- :class:`Overlay`: the base entries with the delta's laid over them.
- :class:`Inverted`: key -> the files holding it, each list kept as one string.
"""

from __future__ import annotations

import pickle
import struct
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

#: size, mtime_ns, inode, ctime_ns
_SIG = struct.Struct("<4q")
_NONE = b"\xff" * _SIG.size  # no signature (the file is read again next time)

Entry = tuple[Any, tuple[Any, ...]]  # (signature, summaries)


def pack_signature(sig: Any) -> bytes:
    return _NONE if sig is None else _SIG.pack(*sig)


class PackedEntries(Mapping[str, Entry]):
    """path -> (signature, summaries), packed (see the module)."""

    def __init__(self, paths: Sequence[str], sigs: bytes, blobs: Sequence[bytes]) -> None:
        self._paths = paths
        self._sigs = sigs
        self._blobs = blobs
        self._at: dict[str, int] | None = None

    @classmethod
    def pack(cls, entries: Mapping[str, Entry]) -> PackedEntries:
        paths = list(entries)
        sigs = b"".join(pack_signature(entries[p][0]) for p in paths)
        blobs = [pickle.dumps(entries[p][1], protocol=pickle.HIGHEST_PROTOCOL) for p in paths]
        return cls(paths, sigs, blobs)

    def __reduce__(self) -> tuple[Any, ...]:
        return (PackedEntries, (self._paths, self._sigs, self._blobs))

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
        return sig, pickle.loads(self._blobs[n])

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
    """key -> the files holding it (each list one NUL-joined string: a dict of 20,000
    strings loads in a tenth of the time of 20,000 lists). Mutable, per run."""

    def __init__(self, joined: dict[str, str] | None = None) -> None:
        self._joined: dict[str, str] = joined if joined is not None else {}

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Inverted:
        """From (key, file) pairs, in order."""
        lists: dict[str, list[str]] = {}
        for key, path in pairs:
            held = lists.setdefault(key, [])
            if not held or held[-1] != path:
                held.append(path)
        return cls({k: "\0".join(v) for k, v in lists.items()})

    def __reduce__(self) -> tuple[Any, ...]:
        return (Inverted, (self._joined,))

    def get(self, key: str) -> list[str]:
        joined = self._joined.get(key)
        return joined.split("\0") if joined else []

    def move(self, path: str, old: Iterable[str], new: Iterable[str]) -> None:
        """``path`` no longer holds the keys ``old``, and holds ``new``."""
        for key in set(old):
            held = [p for p in self.get(key) if p != path]
            self._set(key, held)
        for key in set(new):
            held = self.get(key)
            if path not in held:
                self._set(key, [*held, path])

    def _set(self, key: str, held: list[str]) -> None:
        if held:
            self._joined[key] = "\0".join(held)
        else:
            self._joined.pop(key, None)
