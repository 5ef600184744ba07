"""The repository index cut into rows that a commit-time run reads a handful of
(:mod:`synthgov.app.index.store`).

A run over 10,000 cards looks at the entries of the few files that changed and of the
documents around them, and at the holders of a few lineage keys. Kept as one entry, the
index (3.6 MB at 10,000 cards) was read, authenticated and unpickled whole on every call:
15-20 ms, most of the difference between a 10-card and a 10,000-card repository. Here each
part is a row of table ``index_parts`` named ``<index key>:<base>:<part>``, signed like every
cache entry and read when first needed:

- ``e<n>``: the entries of the files whose path falls in bucket ``n`` (CRC-32 of the path):
  per file its packed signature, its summaries (compressed with the index's preset
  dictionary) and whether it is one of the run's files;
- ``h<n>`` / ``n<n>``: lineage key -> the files holding it, and named file -> the files
  naming it, for the keys of bucket ``n``;
- ``f``: the file list; other parts a state keeps (``--staged``: where git's index entries
  lay, :mod:`synthgov.app.index.staged`).

A part that cannot be read (evicted, damaged, written by another base) raises
:class:`MissingPart`: the plan takes the full path, as for any index it cannot trust.
"""

from __future__ import annotations

import os
import pickle
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from synthgov.app.index.packed import LazyPaths, PathTable, pack_signature, unpack_signature

#: table of the parts (the index's head and delta stay in ``repo_index``)
PARTS = "index_parts"
#: files per bucket, and the most buckets an index has
PER_BUCKET = 8
MAX_BUCKETS = 4096

Entry = tuple[Any, tuple[Any, ...]]  # (signature, summaries)


class MissingPart(LookupError):
    """A part of the index is not in the cache: the index cannot be used."""


class Relative(NamedTuple):
    """Paths kept relative to the index's root (a part holds the same folders many times;
    10,000 cards: about half the bytes)."""

    root: str  # ends with a separator; "" keeps paths whole

    @classmethod
    def of(cls, paths: Iterable[str]) -> Relative:
        listed = [p for p in paths if os.path.isabs(p)]
        try:
            common = os.path.commonpath(listed) if listed else ""
        except ValueError:  # paths on different drives
            common = ""
        return cls(os.path.join(common, "") if common and common != os.sep else "")

    def short(self, path: str) -> str:
        root = self.root
        return path[len(root) :] if root and path.startswith(root) else path

    def full(self, kept: str) -> str:
        return self.root + kept if self.root and not os.path.isabs(kept) else kept


def bucket_count(files: int) -> int:
    return max(1, min(MAX_BUCKETS, files // PER_BUCKET))


def bucket_of(text: str, count: int) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogatepass")) % count


class Parts:
    """The rows of one base of an index, each read when first asked for, then kept."""

    def __init__(self, store: Any, prefix: str) -> None:
        self._store = store
        self._prefix = prefix
        self._rows: dict[str, Any] = {}

    def fetch(self, names: Iterable[str]) -> None:
        """Read the rows ``names`` not read yet, in one query."""
        missing = sorted({n for n in names if n not in self._rows})
        if not missing:
            return
        found = self._store.get_many(PARTS, [self._prefix + n for n in missing])
        for name in missing:
            blob = found.get(self._prefix + name)
            if blob is None:
                raise MissingPart(name)
            self._rows[name] = pickle.loads(blob)

    def get(self, name: str) -> Any:
        if name not in self._rows:
            self.fetch((name,))
        return self._rows[name]


def compress(data: bytes, zdict: bytes) -> bytes:
    deflate = zlib.compressobj(level=6, zdict=zdict) if zdict else zlib.compressobj(level=6)
    return deflate.compress(data) + deflate.flush()


def decompress(data: bytes, zdict: bytes) -> bytes:
    inflate = zlib.decompressobj(zdict=zdict) if zdict else zlib.decompressobj()
    return inflate.decompress(data) + inflate.flush()


#: summaries sampled for the preset dictionary, and its size (zlib's window)
_SAMPLES = 64
_ZDICT_MAX = 32 << 10


def preset_dictionary(raw: Sequence[bytes]) -> bytes:
    """A preset dictionary sampled from the pickled summaries: one file's summaries are
    400 bytes that repeat the same kinds, formats and path shapes as every other's, which
    zlib alone cannot see in 400 bytes (10,000 cards: 3.9 MB -> 0.6 MB). A few files: none
    (a dictionary of them all would only store them twice)."""
    step = max(1, len(raw) // _SAMPLES)
    return b"".join(raw[::step][:_SAMPLES])[-_ZDICT_MAX:] if step > 1 else b""


class BucketEntries(Mapping[str, Entry]):
    """path -> (signature, summaries), a bucket read when one of its paths is asked for."""

    def __init__(self, parts: Parts, buckets: int, zdict: bytes, relative: Relative) -> None:
        self._parts = parts
        self._buckets = buckets
        self._zdict = zdict
        self._relative = relative

    def _found(self, path: str) -> tuple[bytes, bytes, bool] | None:
        row: dict[str, tuple[bytes, bytes, bool]] = self._parts.get(
            f"e{bucket_of(path, self._buckets)}"
        )
        return row.get(self._relative.short(path))

    def prefetch(self, paths: Iterable[str]) -> None:
        """Read the buckets of ``paths`` in one query."""
        self._parts.fetch({f"e{bucket_of(p, self._buckets)}" for p in paths})

    def packed_signature(self, path: str) -> bytes | None:
        """The file's signature as :func:`~synthgov.app.index.packed.pack_signature` packs it
        (None: no entry)."""
        found = self._found(path)
        return None if found is None else found[0]

    def listed(self, path: str) -> bool:
        """Whether ``path`` was one of the files of the run that wrote the index (not only
        a file named on its command line)."""
        found = self._found(path)
        return found is not None and found[2]

    def __getitem__(self, path: str) -> Entry:
        found = self._found(path)
        if found is None:
            raise KeyError(path)
        return unpack_signature(found[0]), pickle.loads(decompress(found[1], self._zdict))

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and self._found(path) is not None

    def _all(self) -> list[str]:
        names = [f"e{n}" for n in range(self._buckets)]
        self._parts.fetch(names)
        full = self._relative.full
        return sorted(full(p) for name in names for p in self._parts.get(name))

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


class BucketInverted:
    """key -> the files holding it (lineage keys: part ``h``; named files: part ``n``), with
    the moves of the files changed since the base laid over it (the delta's, then this
    run's: :meth:`move`)."""

    def __init__(self, parts: Parts, kind: str, buckets: int, relative: Relative) -> None:
        self._parts = parts
        self._kind = kind
        self._buckets = buckets
        self._relative = relative
        self._added: dict[str, set[str]] = {}
        self._removed: dict[str, set[str]] = {}

    def prefetch(self, keys: Iterable[str]) -> None:
        self._parts.fetch({f"{self._kind}{bucket_of(k, self._buckets)}" for k in keys})

    def get(self, key: str) -> list[str]:
        row = self._parts.get(f"{self._kind}{bucket_of(key, self._buckets)}")
        relative = self._relative
        held = {relative.full(p) for p in row.get(relative.short(key), ())}
        held -= self._removed.get(key, set())
        held |= self._added.get(key, set())
        return sorted(held)

    def move(self, path: str, old: Iterable[str], new: Iterable[str]) -> None:
        """``path`` no longer holds the keys ``old``, and holds ``new``."""
        new = set(new)
        for key in set(old) - new:
            self._added.get(key, set()).discard(path)
            self._removed.setdefault(key, set()).add(path)
        for key in new:
            self._removed.get(key, set()).discard(path)
            self._added.setdefault(key, set()).add(path)


class LazyFiles(LazyPaths):
    """The index's file list (part ``f``), read when first used."""

    def __init__(self, parts: Parts, relative: Relative) -> None:
        self._parts = parts
        self._relative = relative

    def _make(self) -> list[str]:
        table: PathTable = self._parts.get("f")
        return [self._relative.full(p) for p in table]


def split(
    files: Sequence[str],
    entries: Mapping[str, Entry],
    links: int,
    named: int,
    fields_of: Any,
) -> tuple[dict[str, Any], int, bytes, Relative]:
    """The parts of an index (name -> object to pickle), its bucket count, its preset
    dictionary and the root its paths are kept relative to, from the file list and every
    file's entry."""
    paths = sorted(entries)
    buckets = bucket_count(len(paths))
    relative = Relative.of([*paths, *files])
    short = relative.short
    raw = {p: pickle.dumps(entries[p][1], protocol=pickle.HIGHEST_PROTOCOL) for p in paths}
    zdict = preset_dictionary([raw[p] for p in paths])
    listed = set(files)
    parts: dict[str, Any] = {"f": PathTable.of(short(f) for f in files)}
    for kind in ("e", "h", "n"):
        for n in range(buckets):
            parts[f"{kind}{n}"] = {}
    holders: dict[str, list[str]] = {}
    naming: dict[str, list[str]] = {}
    for path in paths:
        sig, summaries = entries[path]
        row = (pack_signature(sig), compress(raw[path], zdict), path in listed)
        parts[f"e{bucket_of(path, buckets)}"][short(path)] = row
        for key in sorted(fields_of(summaries, links)):
            holders.setdefault(key, []).append(short(path))
        for key in sorted(fields_of(summaries, named)):
            naming.setdefault(key, []).append(short(path))
    for kind, inverted in (("h", holders), ("n", naming)):
        for key, held in inverted.items():
            parts[f"{kind}{bucket_of(key, buckets)}"][short(key)] = tuple(held)
    return parts, buckets, zdict, relative
