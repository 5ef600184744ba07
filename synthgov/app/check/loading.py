"""Reading one file: which loader reads it, and what it read (issue 12: one loading path).

Every decision about a file is made here, once, for the sequential path
(:func:`load_sequential`) and the parallel one (:mod:`synthgov.app.check.parallel`): only regular
files are opened (a FIFO would block the run), each with one ``open``; the first loader whose
sniff claims the first 4 KiB reads it; a YAML or JSON file no sniff claims is parsed and
classified (:mod:`synthgov.app.check.classify`); the size limit; and what becomes an SG001 finding
(a file with a suffix some loader declares that cannot be read, a loader that raises).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from synthgov.app.check.classify import Unread, classify, not_read, structured, too_big
from synthgov.core.errors import PluginError
from synthgov.core.types import Document, FileProblem, LoadResult
from synthgov.repo.discovery import display_path
from synthgov.repo.parsing.limits import Limits, size_problem

HEAD_BYTES = 4096  # what a loader's sniff sees
LAZY_MIN_FILES = 200  # from this many files on, load with synthgov.app.check.parallel


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class Loaded:
    """The documents and file problems of the files that loaders claimed."""

    documents: tuple[Document, ...]
    problems: tuple[tuple[str, FileProblem], ...]
    files: int  # files that a loader claimed
    unread: tuple[tuple[str, Unread], ...] = ()  # (absolute path, why no loader reads it)


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: bytes are not compared
class Claim:
    """A file a loader claimed: the loader's index and the file's bytes."""

    loader: int
    raw: bytes


def document_suffixes(loaders: Sequence[Any]) -> tuple[str, ...]:
    """The file suffixes the loaders declare (their ``suffixes``), lower case, sorted.

    A loader without ``suffixes`` reads only the files named to it or that share a suffix
    with another loader; a malformed declaration is a plugin error (fails closed)."""
    found: set[str] = set()
    for loader in loaders:
        declared = getattr(loader, "suffixes", ())
        listed = declared
        if isinstance(declared, str) or not isinstance(declared, tuple | list | frozenset | set):
            listed = (declared,)  # a bare string or a scalar: reported as it was given
        for suffix in listed:
            if not (isinstance(suffix, str) and suffix.startswith(".") and len(suffix) > 1):
                name = getattr(loader, "name", type(loader).__name__)
                raise PluginError(
                    f"loader {name}: suffixes must be a tuple of file suffixes such as "
                    f'(".yaml", ".yml"), not {declared!r}'
                )
            found.add(suffix.lower())
    return tuple(sorted(found))


def sniff(loader: Any, path: str, head: bytes) -> bool:
    """Whether ``loader`` claims the file by its first bytes; a broken sniff claims nothing."""
    try:
        return bool(loader.sniff(path, head))
    except Exception:  # noqa: BLE001 - a broken sniff claims nothing
        return False


def read_candidate(
    path: str, loaders: Sequence[Any], limits: Limits, suffixes: Sequence[str]
) -> Claim | LoadResult | Unread:
    """The loader that claims the file and its bytes; a LoadResult with the SG001 problem
    when it cannot be read, is too big or cannot be parsed; an :class:`Unread` when no loader
    claims it. ``suffixes``: :func:`document_suffixes` of the loaders."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block the run, a device never end
            raise IsADirectoryError(0, "not a regular file")
        with open(path, "rb") as handle:
            raw = handle.read(HEAD_BYTES if st.st_size > limits.max_bytes else limits.max_bytes + 1)
    except OSError as exc:
        return unreadable(path, exc.strerror or type(exc).__name__, suffixes)
    return claim_bytes(path, raw, max(st.st_size, len(raw)), loaders, limits)


def unreadable(path: str, reason: str, suffixes: Sequence[str]) -> LoadResult | Unread:
    """A file that cannot be read: SG001 when some loader declares its suffix."""
    if path.lower().endswith(tuple(suffixes)):
        return _problem(f"cannot read file: {reason}")
    return Unread(not_read(path))


def claim_bytes(
    path: str, raw: bytes, size: int, loaders: Sequence[Any], limits: Limits
) -> Claim | LoadResult | Unread:
    """What :func:`read_candidate` decides once a file's first bytes are read (``raw``: the
    whole file up to the size limit; ``size``: its size): also for bytes that come from
    git's index (``--staged``)."""
    index = next((i for i, ld in enumerate(loaders) if sniff(ld, path, raw[:HEAD_BYTES])), None)
    if index is None and not structured(path):
        return Unread(not_read(path))
    problem = size_problem(size, limits)
    if problem is not None:
        return too_big(size, limits) if index is None else LoadResult((), (problem,))
    if index is not None:
        return Claim(index, raw)
    try:
        found = classify(path, raw, loaders, limits)
    except Exception as exc:  # noqa: BLE001 - a parser bug must not become a traceback
        return _problem(f"could not load: {type(exc).__name__}: {exc}")
    return found if isinstance(found, Unread) else Claim(found, raw)


def load_claimed(loader: Any, path: str, raw: bytes, shown: str, limits: Limits) -> LoadResult:
    """The loader's result for a file it claimed; a loader that raises is an SG001 problem."""
    try:
        return loader.load(path, raw, shown, limits)
    except Exception as exc:  # noqa: BLE001 - a loader bug must not become a traceback
        return _problem(f"could not load: {type(exc).__name__}: {exc}")


#: reads a file (absolute path) for the loaders: :func:`read_candidate` by default, the
#: staged bytes with ``--staged`` (synthgov.app.check.staged)
Reader = Callable[[str], "Claim | LoadResult | Unread"]


def read_one(
    path: str,
    shown: str,
    loaders: Sequence[Any],
    limits: Limits,
    suffixes: Sequence[str],
    read: Reader | None = None,
) -> LoadResult | Unread:
    """Load one file with the loader that claims it, or say why no loader reads it."""
    got = read(path) if read else read_candidate(path, loaders, limits, suffixes)
    if isinstance(got, Claim):
        return load_claimed(loaders[got.loader], path, got.raw, shown, limits)
    return got


def load_one(path: str, shown: str, loaders: Sequence[Any], limits: Limits) -> LoadResult | None:
    """Load one file with the loader that claims it; None when no loader does."""
    result = read_one(path, shown, loaders, limits, document_suffixes(loaders))
    if isinstance(result, Unread):
        return None if result.problem is None else LoadResult((), (result.problem,))
    return result


def load_sequential(
    files: Sequence[str],
    loaders: Sequence[Any],
    cwd: str,
    limits: Limits,
    read: Reader | None = None,
) -> Loaded:
    """Load ``files`` (absolute paths, sorted) one after the other, in this process."""
    suffixes = document_suffixes(loaders)
    documents: list[Document] = []
    problems: list[tuple[str, FileProblem]] = []
    unread: list[tuple[str, Unread]] = []
    claimed = 0
    for path in files:
        shown = display_path(path, cwd)
        result = read_one(path, shown, loaders, limits, suffixes, read)
        if isinstance(result, Unread):
            unread.append((path, result))
            if result.problem is None:
                continue
            result = LoadResult((), (result.problem,))
        claimed += 1
        documents.extend(result.documents)
        problems.extend((shown, p) for p in result.problems)
    return Loaded(tuple(documents), tuple(problems), claimed, tuple(unread))


def _problem(message: str) -> LoadResult:
    return LoadResult((), (FileProblem("SG001", message),))
