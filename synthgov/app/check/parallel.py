"""Loading many files: both cores, the parse cache, and lazy positions.

:func:`synthgov.app.check.runner.load_files` hands a run over to :func:`load_many` when it has a
cache or many files (``synthgov.app.check.loading.LAZY_MIN_FILES``). The parent process reads every
candidate file and asks the loaders which one claims it (``loading.read_candidate``: the same
decisions as the sequential path), and looks the bytes up in the parse cache; the misses are
parsed by a pool of worker processes (one per core, ``fork`` where the platform has it) in
chunks from ``PARALLEL_MIN_FILES`` files on, else in the parent. Each file's
:class:`~synthgov.core.types.LoadResult` travels as bytes (:mod:`synthgov.app.check.resultcodec`:
marshal for plain documents, with mapping keys and short strings interned so that 10,000 cards
share one copy of each; pickle otherwise), and the parent stores the same bytes in the parse
cache.

Memory: the positions of a 3 KB card (a dict of pointer tuples) take more room than its
data, and only the documents that get a finding ever need them. In batch mode a document
keeps its raw bytes instead, and its ``positions`` is a :class:`LazyPositions` mapping that
re-parses those bytes with the same loader on first use. The result is the same mapping the
loader produced, so findings point at the same lines.

The cyclic garbage collector is paused while documents are built (millions of containers
that all stay alive: each collection would walk them again for nothing) and restored after;
in batch mode the documents are then frozen out of its sight (``gc.freeze``) for the rest of
the run.
"""

from __future__ import annotations

import gc
import os
import pickle
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from synthgov.app.check.classify import Unread
from synthgov.app.check.loading import (
    LAZY_MIN_FILES,
    Loaded,
    Reader,
    document_suffixes,
    load_claimed,
    read_candidate,
)
from synthgov.app.check.resultcodec import decode, encode
from synthgov.core.types import Document, FileProblem, LoadResult, Pointer, Position
from synthgov.repo.discovery import display_path
from synthgov.repo.parsing.limits import Limits

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.app.cache.runcache import RunCache

#: below this many files, one process parses faster than a pool can start
PARALLEL_MIN_FILES = 500
CHUNK_FILES = 128
STORE_BATCH = 1000  # parse results written to the cache at a time
ENV_WORKERS = "SYNTHGOV_WORKERS"


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (reference counting still frees memory)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def worker_count(n_items: int) -> int:
    """Worker processes for ``n_items`` files to parse: 0 means parse in this process."""
    configured = os.environ.get(ENV_WORKERS, "").strip()
    if configured.isdigit():
        wanted = int(configured)
    else:
        try:
            wanted = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            wanted = os.cpu_count() or 1
    if wanted < 2 or n_items < PARALLEL_MIN_FILES:
        return 0
    return min(wanted, max(1, n_items // CHUNK_FILES))


class LazyPositions(Mapping[Pointer, Position]):
    """The positions of one document, computed on first use by parsing its file again.

    The file's bytes are not kept (3 KB a card: 30 MB on 10,000 cards); its length and CRC
    are, and the file is read again when a finding needs a position. A file that changed
    since (another length or CRC) gives no positions: its findings point at line 1, as a
    convenience that lost its source, never a wrong line."""

    __slots__ = ("_args", "_index", "_loaded")

    def __init__(
        self,
        loader: Any,
        path: str,
        raw: bytes,
        shown: str,
        limits: Limits,
        index: int,
        reread: Rereader | None = None,
    ):
        check = (len(raw), zlib.crc32(raw))
        self._args: tuple[Any, ...] | None = (loader, path, *check, shown, limits, reread)
        self._index = index
        self._loaded: Mapping[Pointer, Position] | None = None

    def _positions(self) -> Mapping[Pointer, Position]:
        if self._loaded is None:
            loaded: Mapping[Pointer, Position] = {}
            if self._args is not None:
                loader, path, size, crc, shown, limits, reread = self._args
                raw = (reread or _read_again)(path, size)
                try:
                    if raw is not None and len(raw) == size and zlib.crc32(raw) == crc:
                        docs = loader.load(path, raw, shown, limits).documents
                        if self._index < len(docs):
                            loaded = docs[self._index].positions
                except Exception:  # noqa: BLE001 - positions are a convenience, never a crash
                    loaded = {}
            self._loaded = loaded
            self._args = None
        return self._loaded

    def __getitem__(self, key: Pointer) -> Position:
        return self._positions()[key]

    def get(self, key: Any, default: Any = None) -> Any:
        return self._positions().get(key, default)

    def __iter__(self) -> Iterator[Pointer]:
        return iter(self._positions())

    def __len__(self) -> int:
        return len(self._positions())

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self._positions()),))


#: (path, size) -> the file's bytes again (at most ``size + 1``), for its positions
Rereader = Callable[[str, int], "bytes | None"]


def _read_again(path: str, size: int) -> bytes | None:
    """At most ``size + 1`` bytes of ``path`` when it is a regular file (a longer file shows
    it changed), through the rules' own file access: never blocks on a FIFO or a device."""
    from synthgov.repo.files import LocalFiles

    return LocalFiles().read_bytes(path, size + 1)


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: bytes are not compared
class _Claimed:
    """A candidate file that a loader claimed, with its bytes."""

    order: int
    path: str
    shown: str
    loader: int  # index into the loaders
    raw: bytes


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: filled while a batch is loaded
class _Batch:
    """The files of one :func:`load_many` call as they are read, looked up and parsed."""

    results: dict[int, LoadResult]  # file order -> result (read problems, cache hits, parsed)
    claimed: list[_Claimed]  # the files a loader claimed, in order
    shown: dict[int, str]  # file order -> display path
    unread: list[tuple[str, Unread]]  # (absolute path, why no loader reads it)


def _load(loader: Any, item: _Claimed, limits: Limits) -> LoadResult:
    return load_claimed(loader, item.path, item.raw, item.shown, limits)


def parse_chunk(
    items: Sequence[_Claimed], loaders: Sequence[Any], limits: Limits
) -> list[tuple[int, bytes | None]]:
    """Worker: parse each item; its LoadResult without positions, encoded (None when it
    cannot be: the parent then parses that file itself)."""
    out: list[tuple[int, bytes | None]] = []
    with gc_paused():
        for item in items:
            out.append((item.order, encode(_load(loaders[item.loader], item, limits))))
    return out


def _pool_results(
    chunks: list[list[_Claimed]], loaders: Sequence[Any], limits: Limits, workers: int
) -> Iterator[tuple[int, bytes | None]]:
    """Parse the chunks in worker processes; chunks a broken pool did not finish are parsed
    here, so a crashed worker costs time, not results."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    done = 0
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [pool.submit(parse_chunk, chunk, loaders, limits) for chunk in chunks]
            for future in futures:
                yield from future.result()
                done += 1
    except (BrokenProcessPool, OSError, pickle.PicklingError):
        pass
    for chunk in chunks[done:]:
        yield from parse_chunk(chunk, loaders, limits)


def load_many(
    files: Sequence[str],
    loaders: Sequence[Any],
    cwd: str,
    limits: Limits,
    cache: RunCache | None = None,
    read: Reader | None = None,
    reread: Rereader | None = None,
) -> Loaded:
    """Load ``files`` (absolute paths, sorted) like :func:`load_sequential`, through the
    parse cache, on both cores, with lazy positions from ``LAZY_MIN_FILES`` files on;
    ``read`` reads a file (default: :func:`read_candidate`), ``reread`` reads it again for
    the positions of its documents (default: from the work tree)."""
    lazy = len(files) >= LAZY_MIN_FILES
    with gc_paused():
        batch = _read_candidates(files, loaders, cwd, limits, read)
        keys = _from_cache(batch, loaders, cache)
        todo = [item for item in batch.claimed if item.order not in batch.results]
        parsed = (
            _parse_workers(todo, loaders, limits)
            if lazy
            else _parse_here(todo, loaders, limits, keys)
        )
        _collect(parsed, batch.results, keys, cache)
        documents, problems = _assemble(batch, loaders, limits, reread)
    if lazy:
        # The documents live until the end of the run and hold no cycles: take them out of
        # the cyclic collector's sight, or every full collection during evaluation walks
        # millions of objects again (about 20% of a 10,000-card evaluation).
        gc.freeze()
    return Loaded(documents, problems, len(batch.results), tuple(batch.unread))


def _read_candidates(
    files: Sequence[str],
    loaders: Sequence[Any],
    cwd: str,
    limits: Limits,
    read: Reader | None = None,
) -> _Batch:
    """Read every file once and ask the loaders which one claims it."""
    suffixes = document_suffixes(loaders)
    batch = _Batch({}, [], {}, [])
    for order, path in enumerate(files):
        got = read(path) if read else read_candidate(path, loaders, limits, suffixes)
        if isinstance(got, Unread):
            batch.unread.append((path, got))
            if got.problem is None:
                continue
            got = LoadResult((), (got.problem,))
        shown = display_path(path, cwd)
        batch.shown[order] = shown
        if isinstance(got, LoadResult):
            batch.results[order] = got
        else:
            batch.claimed.append(_Claimed(order, path, shown, got.loader, got.raw))
    return batch


def _from_cache(batch: _Batch, loaders: Sequence[Any], cache: RunCache | None) -> dict[int, str]:
    """Fill ``batch.results`` with the parse cache's hits; the parse keys of the claimed files."""
    if cache is None:
        return {}
    for item in batch.claimed:
        cache.note_loader(loaders[item.loader], item.path)
    keys = {
        item.order: key
        for item in batch.claimed
        if (key := cache.parse_key(loaders[item.loader], item.path, item.shown, item.raw))
    }
    for order, blob in cache.parse_get(keys):
        result = decode(blob)
        if result is not None:
            batch.results[order] = result
    return keys


def _parse_workers(
    todo: Sequence[_Claimed], loaders: Sequence[Any], limits: Limits
) -> Iterator[tuple[int, LoadResult, bytes | None]]:
    """Batch mode: parse in worker processes (or here, below ``PARALLEL_MIN_FILES``); each
    result comes without positions, with its encoded bytes for the parse cache."""
    workers = worker_count(len(todo))
    parsed: Iterator[tuple[int, bytes | None]]
    if workers:
        size = max(16, min(CHUNK_FILES, -(-len(todo) // (workers * 4))))
        chunks = [list(todo[i : i + size]) for i in range(0, len(todo), size)]
        parsed = _pool_results(chunks, loaders, limits, workers)
    else:
        parsed = iter(parse_chunk(todo, loaders, limits))
    by_order = {item.order: item for item in todo}
    for order, found in parsed:
        result = decode(found) if found is not None else None
        if result is None:  # not picklable: parse here, positions and all
            item = by_order[order]
            yield order, _load(loaders[item.loader], item, limits), None
        else:
            yield order, result, found


def _parse_here(
    todo: Sequence[_Claimed], loaders: Sequence[Any], limits: Limits, keys: Mapping[int, str]
) -> Iterator[tuple[int, LoadResult, bytes | None]]:
    """Parse in this process, positions and all; encoded only when the parse cache keeps it."""
    for item in todo:
        result = _load(loaders[item.loader], item, limits)
        yield item.order, result, encode(result) if item.order in keys else None


def _collect(
    parsed: Iterator[tuple[int, LoadResult, bytes | None]],
    results: dict[int, LoadResult],
    keys: Mapping[int, str],
    cache: RunCache | None,
) -> None:
    """Take the parsed results; store the encoded ones in the parse cache, a batch at a time
    (memory stays flat)."""
    fresh: dict[str, bytes] = {}
    for order, result, encoded in parsed:
        results[order] = result
        if cache is not None and encoded is not None and order in keys:
            fresh[keys[order]] = encoded
            if len(fresh) >= STORE_BATCH:
                cache.parse_put(fresh)
                fresh = {}
    if cache is not None and fresh:
        cache.parse_put(fresh)


def _assemble(
    batch: _Batch, loaders: Sequence[Any], limits: Limits, reread: Rereader | None = None
) -> tuple[tuple[Document, ...], tuple[tuple[str, FileProblem], ...]]:
    """The documents and problems in file order; documents parsed without positions get
    :class:`LazyPositions`."""
    items = {item.order: item for item in batch.claimed}
    documents: list[Document] = []
    problems: list[tuple[str, FileProblem]] = []
    for order in sorted(batch.results):
        result = batch.results[order]
        claim = items.get(order)
        docs = result.documents
        if claim is not None and docs and not docs[0].positions:
            docs = _with_lazy_positions(docs, loaders[claim.loader], claim, limits, reread)
        documents.extend(docs)
        problems.extend((batch.shown[order], p) for p in result.problems)
    return tuple(documents), tuple(problems)


def _with_lazy_positions(
    docs: Sequence[Document],
    loader: Any,
    item: _Claimed,
    limits: Limits,
    reread: Rereader | None = None,
) -> tuple[Document, ...]:
    return tuple(
        replace(
            doc,
            positions=LazyPositions(loader, item.path, item.raw, item.shown, limits, i, reread),
        )
        for i, doc in enumerate(docs)
    )
