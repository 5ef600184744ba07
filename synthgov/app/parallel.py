"""Loading many files: both cores, the parse cache, and lazy positions.

:func:`synthgov.app.runner.load_files` hands a run over to :func:`load_many` when it has a cache
or many files (``synthgov.app.runner.LAZY_MIN_FILES``). The parent process reads every
candidate file (one ``open`` each), asks the sniffers which loader claims it, and looks the
bytes up in the parse cache; the misses are parsed by a pool of worker processes (one per
core, ``fork`` where the platform has it) in chunks from ``PARALLEL_MIN_FILES`` files on,
else in the parent. Each file's :class:`~synthgov.core.types.LoadResult` travels as bytes
(:func:`encode`: marshal for plain documents, with mapping keys and short strings interned so
that 10,000 cards share one copy of each; pickle otherwise), and the parent stores the same
bytes in the parse cache.

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
import marshal
import os
import pickle
import stat
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from synthgov.app.classify import Unread
from synthgov.core.types import Document, FileProblem, LoadResult, Pointer, Position
from synthgov.repo.parsing.limits import Limits, size_problem

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.app.cache import RunCache
    from synthgov.app.runner import Loaded

#: below this many files, one process parses faster than a pool can start
PARALLEL_MIN_FILES = 500
CHUNK_FILES = 128
STORE_BATCH = 1000  # parse results written to the cache at a time
HEAD_BYTES = 4096
DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json", ".jsonld", ".md")
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
    """The positions of one document, computed on first use by re-parsing its bytes."""

    __slots__ = ("_args", "_index", "_loaded")

    def __init__(self, loader: Any, path: str, raw: bytes, shown: str, limits: Limits, index: int):
        self._args: tuple[Any, ...] | None = (loader, path, raw, shown, limits)
        self._index = index
        self._loaded: Mapping[Pointer, Position] | None = None

    def _positions(self) -> Mapping[Pointer, Position]:
        if self._loaded is None:
            loaded: Mapping[Pointer, Position] = {}
            if self._args is not None:
                loader, path, raw, shown, limits = self._args
                try:
                    docs = loader.load(path, raw, shown, limits).documents
                    if self._index < len(docs):
                        loaded = docs[self._index].positions
                except Exception:  # noqa: BLE001 - positions are a convenience, never a crash
                    loaded = {}
            self._loaded = loaded
            self._args = None  # the bytes are not needed any more
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


@dataclass(frozen=True)
class _Claimed:
    """A candidate file that a loader claimed, with its bytes."""

    order: int
    path: str
    shown: str
    loader: int  # index into the loaders
    raw: bytes


def read_candidate(
    path: str, loaders: Sequence[Any], limits: Limits
) -> tuple[int, bytes] | LoadResult | Unread:
    """(loader index, bytes) of a file a loader claims; a LoadResult with the SG001 problem
    when it cannot be read or is too big; an :class:`Unread` when no loader claims it.

    The same decisions as :func:`synthgov.app.runner.read_one`, with one ``open``. Only regular
    files are opened (a FIFO would block the run).
    """
    from synthgov.app.classify import classify, not_read, structured, too_big
    from synthgov.app.runner import _sniff

    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise IsADirectoryError(0, "not a regular file")
        with open(path, "rb") as handle:
            raw = handle.read(HEAD_BYTES if st.st_size > limits.max_bytes else limits.max_bytes + 1)
    except OSError as exc:
        if path.lower().endswith(DOCUMENT_SUFFIXES):
            reason = exc.strerror or type(exc).__name__
            return LoadResult((), (FileProblem("SG001", f"cannot read file: {reason}"),))
        return Unread(not_read(path))
    head = raw[:HEAD_BYTES]
    index = next((i for i, ld in enumerate(loaders) if _sniff(ld, path, head)), None)
    if index is None and not structured(path):
        return Unread(not_read(path))
    size = max(st.st_size, len(raw))
    problem = size_problem(size, limits)
    if problem is not None:
        return too_big(size, limits) if index is None else LoadResult((), (problem,))
    if index is None:
        try:
            found = classify(path, raw, loaders, limits)
        except Exception as exc:  # noqa: BLE001 - a parser bug must not become a traceback
            message = f"could not load: {type(exc).__name__}: {exc}"
            return LoadResult((), (FileProblem("SG001", message),))
        if isinstance(found, Unread):
            return found
        index = found
    return index, raw


def _load(loader: Any, item: _Claimed, limits: Limits) -> LoadResult:
    try:
        return loader.load(item.path, item.raw, item.shown, limits)
    except Exception as exc:  # noqa: BLE001 - a loader bug must not become a traceback
        return LoadResult(
            (), (FileProblem("SG001", f"could not load: {type(exc).__name__}: {exc}"),)
        )


def _strip(result: LoadResult) -> LoadResult:
    if not result.documents:
        return result
    docs = tuple(replace(d, positions={}) for d in result.documents)
    return LoadResult(docs, result.problems)


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
) -> Loaded:
    """Load ``files`` (absolute paths, sorted) like :func:`synthgov.app.runner.load_files`."""
    from synthgov.app.runner import LAZY_MIN_FILES, Loaded
    from synthgov.repo.discovery import display_path

    # from LAZY_MIN_FILES files on, documents keep their bytes and parse positions lazily
    lazy = len(files) >= LAZY_MIN_FILES
    results: dict[int, LoadResult] = {}
    claimed: list[_Claimed] = []
    shown_of: dict[int, str] = {}
    unread: list[tuple[str, Unread]] = []
    with gc_paused():
        for order, path in enumerate(files):
            got = read_candidate(path, loaders, limits)
            if isinstance(got, Unread):
                unread.append((path, got))
                if got.problem is None:
                    continue
                got = LoadResult((), (got.problem,))
            shown = display_path(path, cwd)
            shown_of[order] = shown
            if isinstance(got, LoadResult):
                results[order] = got
            else:
                claimed.append(_Claimed(order, path, shown, got[0], got[1]))
        if cache is not None:
            for item in claimed:
                cache.note_loader(loaders[item.loader], item.path)
        keys: dict[int, str] = {}
        if cache is not None:
            keys = {
                item.order: key
                for item in claimed
                if (key := cache.parse_key(loaders[item.loader], item.path, item.shown, item.raw))
            }
            for order, blob in cache.parse_get(keys):
                result = decode(blob)
                if result is not None:
                    results[order] = result
        todo = [item for item in claimed if item.order not in results]
        fresh: dict[str, bytes] = {}
        if lazy:
            workers = worker_count(len(todo))
            if workers:
                size = max(16, min(CHUNK_FILES, -(-len(todo) // (workers * 4))))
                chunks = [todo[i : i + size] for i in range(0, len(todo), size)]
                parsed: Iterator[tuple[int, bytes | None]] = _pool_results(
                    chunks, loaders, limits, workers
                )
            else:
                parsed = iter(parse_chunk(todo, loaders, limits))
            by_order = {item.order: item for item in todo}
            for order, found in parsed:
                result = decode(found) if found is not None else None
                if result is None:  # not picklable: parse here, positions and all
                    item = by_order[order]
                    results[order] = _load(loaders[item.loader], item, limits)
                    continue
                results[order] = result
                if order in keys and found is not None:  # found is set when result is
                    fresh[keys[order]] = found
                    if cache is not None and len(fresh) >= STORE_BATCH:  # keep memory flat
                        cache.parse_put(fresh)
                        fresh = {}
        else:
            for item in todo:
                result = _load(loaders[item.loader], item, limits)
                results[item.order] = result
                if item.order in keys:
                    encoded = encode(result)
                    if encoded is not None:
                        fresh[keys[item.order]] = encoded
        if cache is not None and fresh:
            cache.parse_put(fresh)
        items = {item.order: item for item in claimed}
        documents: list[Document] = []
        problems: list[tuple[str, FileProblem]] = []
        for order in sorted(results):
            result = results[order]
            claim = items.get(order)
            docs = result.documents
            if claim is not None and docs and not docs[0].positions:
                docs = _with_lazy_positions(docs, loaders[claim.loader], claim, limits)
            documents.extend(docs)
            problems.extend((shown_of[order], p) for p in result.problems)
    if lazy:
        # The documents live until the end of the run and hold no cycles: take them out of
        # the cyclic collector's sight, or every full collection during evaluation walks
        # millions of objects again (about 20% of a 10,000-card evaluation).
        gc.freeze()
    return Loaded(tuple(documents), tuple(problems), len(results), tuple(unread))


def _with_lazy_positions(
    docs: Sequence[Document], loader: Any, item: _Claimed, limits: Limits
) -> tuple[Document, ...]:
    return tuple(
        replace(doc, positions=LazyPositions(loader, item.path, item.raw, item.shown, limits, i))
        for i, doc in enumerate(docs)
    )


_DOCUMENT_FIELDS = ("path", "kind", "data", "positions", "source_format", "abs_dir", "native")
_PROBLEM_FIELDS = ("rule", "message", "line", "column", "pointer", "hint")
_INTERN_MAX = 64


def _interned(value: Any) -> Any:
    """``value`` with its mapping keys and short strings interned: marshal keeps interned
    strings interned, so every document of a run shares one copy of "generation", "role",
    "2026-03-01"... (about half the memory of a card's data)."""
    if type(value) is dict:
        return {(sys.intern(k) if type(k) is str else k): _interned(v) for k, v in value.items()}
    if type(value) is list:
        return [_interned(v) for v in value]
    if type(value) is str and len(value) <= _INTERN_MAX:
        return sys.intern(value)
    return value


def _plain_shapes() -> bool:
    return (
        tuple(f.name for f in fields(Document)) == _DOCUMENT_FIELDS
        and tuple(f.name for f in fields(FileProblem)) == _PROBLEM_FIELDS
    )


def encode(result: LoadResult) -> bytes | None:
    """A LoadResult without positions as bytes: marshal for the plain shapes (fast, and it
    keeps strings interned), pickle for documents of other types; None when neither can."""
    if (
        _plain_shapes()
        and all(type(d) is Document for d in result.documents)
        and all(type(p) is FileProblem for p in result.problems)
    ):
        docs = tuple(
            (d.path, d.kind, _interned(d.data), d.source_format, d.abs_dir, d.native)
            for d in result.documents
        )
        problems = tuple(
            (p.rule, p.message, p.line, p.column, tuple(p.pointer), p.hint) for p in result.problems
        )
        try:
            return b"M" + marshal.dumps((docs, problems))
        except ValueError:  # an object marshal cannot write: pickle below
            pass
    try:
        return b"P" + pickle.dumps(_strip(result), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - e.g. a plugin document holding a lock
        return None


def decode(blob: bytes | None) -> LoadResult | None:
    """The LoadResult of :func:`encode` (positions empty); None for a bad blob."""
    if not blob:
        return None
    try:
        if blob[:1] == b"M":
            docs, problems = marshal.loads(blob[1:])
            return LoadResult(
                tuple(
                    Document(path, kind, data, {}, source_format, abs_dir, native)
                    for path, kind, data, source_format, abs_dir, native in docs
                ),
                tuple(FileProblem(*p) for p in problems),
            )
        if blob[:1] == b"P":
            result = pickle.loads(blob[1:])
            return result if isinstance(result, LoadResult) else None
    except Exception:  # noqa: BLE001 - a bad entry is a miss
        return None
    return None
