"""The files of a ``--staged`` commit-time run (:mod:`synthgov.app.index.plan`), learnt from
git's index alone: no file or folder of the work tree is looked at but the named ones.

A file's entry in the repository index is kept under its *staged signature* (the staged
blob's object name, :func:`staged_signature`): content-addressed, so there is no racy
window. The index's state holds where the entries of git's index lay when the repository
index was written whole (:class:`synthgov.repo.gitindex.Layout`). A later run reads git's
index file, and parses only the entries whose bytes changed since
(:func:`synthgov.repo.gitindex.changed_entries`): ``git add`` of one card rewrites the file
but moves no other entry. Files whose entry is not kept under a staged signature (the named
files, read from the work tree; links; conflicts; documents of another format than the
native one) are listed in the state's ``recheck`` and read again on every run, as the work
tree path reads them.

Anything else (an entry added, removed or renamed; a conflict; an index this module does
not parse; another work tree) lists the whole index again (:func:`full_listing`).
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from synthgov.app.cache.filestate import signature
from synthgov.app.index.buckets import MissingPart
from synthgov.app.index.files import Listing
from synthgov.app.index.packed import LazyPaths, pack_signature, unpack_signature
from synthgov.repo.gitindex import (
    Layout,
    changed_entries,
    entry_named,
    index_file,
    is_symlink,
    map_index,
    parse_with_layout,
)

_SHA1 = 20


def staged_signature(name: bytes) -> tuple[int, int, int, int]:
    """A staged blob's name as a signature: never equal to a ``stat`` one (its first field,
    a size there, is negative) and never racy (its second, a modification time, is 0)."""
    return (
        -1 - int.from_bytes(name[:7], "big"),
        0,
        int.from_bytes(name[7:14], "big"),
        int.from_bytes(name[14:20], "big"),
    )


def staged_name(sig: Any) -> bytes | None:
    """The blob name a :func:`staged_signature` holds; None for any other signature."""
    if sig is None or sig[0] >= 0 or sig[1] != 0:
        return None
    first = (-1 - sig[0]).to_bytes(7, "big")
    return first + sig[2].to_bytes(7, "big") + sig[3].to_bytes(6, "big")


class StagedState(NamedTuple):
    """What a ``--staged`` index was written from. Where the entries of git's index lay is
    kept in the index's parts (:meth:`split_parts`): a run reads those of the chunks that
    changed."""

    toplevel: str
    trailer: bytes  # git's index file's checksum then
    header: bytes  # its first 12 bytes
    end: int  # where its entries end
    chunks: bytes  # the digest of each of its chunks
    recheck: frozenset[str]  # files whose entry is not kept under a staged signature
    layout: Layout | None = None  # the whole layout, until it is split into parts

    def split_parts(self) -> tuple[StagedState, dict[str, Any]]:
        """The state without its layout, and the layout's parts: ``c<k>``, the entries
        overlapping chunk ``k``; ``O``, every entry's start (to find one by its path)."""
        layout = self.layout
        if layout is None:
            return self, {}
        parts: dict[str, Any] = {f"c{k}": layout.chunk(k) for k in range(layout.chunk_count())}
        parts["O"] = layout.offsets().tobytes()
        return self._replace(layout=None), parts

    def layout_from(self, parts: Any) -> Layout:
        """The layout, its parts read from ``parts`` when asked for."""
        return Layout(
            self.header,
            self.end,
            self.chunks,
            lambda k: parts.get(f"c{k}"),
            lambda: array("I", parts.get("O")),
            lambda ks: parts.fetch(f"c{k}" for k in ks),
        )


class StagedListing(NamedTuple):
    listing: Listing
    changed: list[str] | None  # the files to read again (None: compare every signature)
    name_of: Callable[[str], bytes | None]  # absolute path -> staged blob name, asked lazily
    state: StagedState | None  # the state to keep with a full save


class Candidates(LazyPaths):
    """The index's files and the targets, sorted; read only if something asks for every
    file (a report's drawing, a full save)."""

    def __init__(self, files: Sequence[str], targets: set[str]) -> None:
        self._files = files
        self._targets = targets

    def _make(self) -> list[str]:
        files = list(self._files)
        extra = self._targets.difference(files)
        return sorted([*files, *extra]) if extra else files


def staged_listing(
    old: Mapping[str, Any] | None,
    top: str,
    targets: set[str],
    governed: Callable[[str], str | None],
) -> StagedListing | None:
    """The files of the run and those to read again; None when git's index cannot be read
    (the full path says why)."""
    where = index_file(top)
    if where is None:
        return None
    try:
        data = map_index(where)
    except (OSError, ValueError):
        return None
    state = old.get("state") if old else None
    if old is not None and isinstance(state, StagedState) and state.toplevel == top:
        try:
            got = _since(old, state, data, top, targets, governed)
        except MissingPart:  # where the entries lay was not kept: list them all
            got = None
        if got is not None:
            return got
    return full_listing(data, top, targets, governed)


def _since(
    old: Mapping[str, Any],
    state: StagedState,
    data: bytes,
    top: str,
    targets: set[str],
    governed: Callable[[str], str | None],
) -> StagedListing | None:
    """The run's files from the last full listing and the entries changed since; None
    when entries were added, removed or renamed (the caller lists everything again)."""
    entries = old["entries"]
    layout = state.layout_from(old["parts"])
    delta = [] if data[-_SHA1:] == state.trailer else changed_entries(data, layout)
    if delta is None:
        return None
    moved = [(path, entry) for entry in delta if (path := governed(entry.path)) is not None]
    recheck = _recheck(state, old.get("delta") or {})
    entries.prefetch([*(p for p, _e in moved), *recheck, *targets])
    known: dict[str, bytes | None] = {}
    for path, entry in moved:
        if not entry.staged or is_symlink(entry.mode) or len(entry.name) != _SHA1:
            return None
        if path not in entries:
            return None  # not in the index's files (a name untracked then): list again
        known[path] = entry.name
    name_of = _names(old["base_entries"], known, _lookup(data, layout, top))
    # what may differ from the entries kept: the entries that stage something new since
    # the full save, the files kept under another signature, and those the delta changed
    # since the full save (an entry back to what it staged then has that name again)
    maybe = [*known, *recheck, *(old.get("delta") or {})]
    sigs = _signatures(entries, name_of, maybe, targets)
    unknown = pack_signature(None)  # a file that cannot be stat'ed is read (and says why)
    changed = sorted(
        p for p, sig in sigs.items() if sig == unknown or entries.packed_signature(p) != sig
    )
    files = old["files"]  # read only if something asks for every file

    def member(path: str) -> bool:
        return path in targets or entries.listed(path)

    unpacked = {p: unpack_signature(sigs[p]) for p in changed}
    listing = Listing(files, Candidates(files, targets), unpacked, False, member)
    return StagedListing(listing, changed, name_of, None)


def _recheck(state: StagedState, delta: Mapping[str, Any]) -> set[str]:
    """The files whose entry is not kept under a staged signature: the full save's, and
    the delta's since."""
    recheck = set(state.recheck)
    for path, (sig, _summaries) in delta.items():
        if staged_name(sig) is None:
            recheck.add(path)
        else:
            recheck.discard(path)
    return recheck


def _lookup(data: bytes, layout: Layout, top: str) -> Callable[[str], bytes | None]:
    """path -> its staged blob name, found in git's index file (None: no staged content)."""
    prefix = os.path.join(top, "")

    def lookup(path: str) -> bytes | None:
        if not path.startswith(prefix):
            return None
        found = entry_named(data, layout, os.path.relpath(path, top).replace(os.sep, "/"))
        if found is None or not found[0] or is_symlink(found[1]):
            return None
        return found[2]

    return lookup


def _names(
    base: Any, known: dict[str, bytes | None], lookup: Callable[[str], bytes | None]
) -> Callable[[str], bytes | None]:
    """path -> its staged blob name now: from the entries parsed this run (their chunk
    changed since the full save), else the full save's (the entry's bytes have not changed
    since), else looked up in git's index file (the full save kept no staged name)."""

    def name_of(path: str) -> bytes | None:
        if path not in known:
            kept = base.packed_signature(path)
            name = staged_name(unpack_signature(kept)) if kept is not None else None
            known[path] = name if name is not None else lookup(path)
        return known[path]

    return name_of


def _signatures(
    entries: Any,
    name_of: Callable[[str], bytes | None],
    changed_paths: Iterable[str],
    targets: set[str],
) -> dict[str, bytes]:
    """The packed signature now of every file that may have changed: the targets (read
    from the work tree: their ``stat`` one) and ``changed_paths`` that are files of the run
    (their staged one; a link's or a conflict's ``stat`` one)."""
    sigs = {path: pack_signature(signature(path)) for path in targets}
    for path in changed_paths:
        if path in sigs or not entries.listed(path):
            continue  # a file named once, not one of the run's: its entry waits
        name = name_of(path)
        sigs[path] = pack_signature(staged_signature(name) if name else signature(path))
    return sigs


def full_listing(
    data: bytes, top: str, targets: set[str], governed: Callable[[str], str | None]
) -> StagedListing | None:
    """Every governed file of git's index; every signature is compared with the index."""
    from synthgov.app.check.staged import governed_entries

    parsed = parse_with_layout(data)
    if parsed is None:
        return None  # an index this module does not parse: the full path asks git
    staged, layout = parsed
    files, names = governed_entries(staged, governed)
    sigs: dict[str, Any] = {}
    for path in (*files, *targets):
        name = names.get(path)
        # read from the work tree (targets, links, conflicts): their stat signature
        sigs[path] = staged_signature(name) if name and path not in targets else signature(path)
    listing = Listing(files, sorted({*files, *targets}), sigs, True)
    state = StagedState(
        top, data[-_SHA1:], layout.header, layout.end, layout.chunks, frozenset(), layout
    )
    return StagedListing(listing, None, names.get, state)


def with_recheck(state: StagedState, entries: Mapping[str, Any]) -> StagedState:
    """``state`` with the files whose entry is not kept under a staged signature."""
    recheck = frozenset(p for p, (sig, _s) in entries.items() if staged_name(sig) is None)
    return state._replace(recheck=recheck)
