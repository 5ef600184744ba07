"""Which files a commit-time run has, and which of them it reads again
(:mod:`synthgov.app.index.plan`): the index's file list while nothing discovery depends on
changed, and the summaries of the files whose signature no longer matches their entry."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from synthgov.app.index.records import Summary, by_file

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.app.cache.filestate import Signature
    from synthgov.app.check.runner import CheckOptions, Setup
    from synthgov.app.index.plan import RunParts
    from synthgov.core.types import Document


class Listing(NamedTuple):
    """The files of a commit-time run and their signatures."""

    files: Sequence[str]  # what discovery found (the last run's list while it holds)
    candidates: Sequence[str]  # those and the targets, sorted
    sigs: dict[str, Signature]  # of every candidate (--staged: of those read again)
    rediscovered: bool  # discovery ran: the index's file list and state are new
    #: whether a path is a candidate, without reading the list (--staged; None: the list)
    member: Callable[[str], bool] | None = None


class Reading(NamedTuple):  # a named tuple: a frozen dataclass costs more to build at import
    """The summaries of every candidate: from the index where a file's signature matches
    its entry, else from reading it again (through the parse cache)."""

    summaries: Mapping[str, tuple[Summary, ...]]  # records.LazySummaries
    changed: tuple[str, ...]  # the files read again
    fresh: Any  # runner.Loaded of the changed files
    fresh_docs: dict[str, list[Document]]  # their documents, by absolute path
    trusted: dict[str, Signature]  # the signature kept per changed file (None: read again)


def list_files(
    old: Mapping[str, Any] | None,
    targets: set[str],
    discover_all: Callable[[], tuple[str, ...] | None],
) -> Listing | None:
    """The files of the run: the index's list when it still holds (checked by a child while
    the files' signatures are taken), else what discovery finds; None when discovery could
    not read a folder."""
    from synthgov.app.cache.filestate import signature

    listed, verdict = _last_listing(old)
    candidates = sorted(set(listed or ()) | targets)
    sigs = {path: signature(path) for path in candidates}
    if verdict is not None and not verdict():
        listed = None
    if listed is not None:
        return Listing(listed, candidates, sigs, False)
    listed = discover_all()
    if listed is None:
        return None
    candidates = sorted(set(listed) | targets)
    sigs = {path: sigs[path] if path in sigs else signature(path) for path in candidates}
    return Listing(listed, candidates, sigs, True)


def _last_listing(
    old: Mapping[str, Any] | None,
) -> tuple[tuple[str, ...] | None, Callable[[], bool] | None]:
    """The index's file list, or None when what it depends on changed; with the verdict
    still to come from a child checking that (None: checked already)."""
    from synthgov.app.cache.filestate import all_unchanged, check_beside

    state = old.get("state") if old else None
    if old is None or state is None:
        return None, None
    verdict = check_beside(state)
    if verdict is None and not all_unchanged(state):
        return None, None
    return tuple(old["files"]), verdict


def discover_all(
    options: CheckOptions, setup: Setup, roots: Sequence[str]
) -> tuple[str, ...] | None:
    from synthgov.app.check.loading import document_suffixes
    from synthgov.repo.discovery import discover

    config = setup.config
    found = discover(
        list(roots),
        cwd=options.cwd,
        root=config.root,
        include=config.include,
        exclude=config.exclude,
        suffixes=document_suffixes(setup.registry.loaders),
    )
    return None if found.unreadable else tuple(found.files)


# ---- the summaries: from the index, or from reading the changed files


def read_changed(
    listing: Listing,
    entries: Mapping[str, tuple[Any, tuple[Summary, ...]]],
    parts: RunParts,
    cwd: str,
    racy_from: int,
    changed: list[str] | None = None,
) -> Reading:
    """The files whose signature no longer matches their entry (``changed`` when the
    caller knows them: ``--staged``), read again with ``parts.load``; the summaries of the
    others stay in the index until asked for."""
    from synthgov.app.index.packed import pack_signature
    from synthgov.app.index.records import LazySummaries, summarize

    packed = getattr(entries, "packed_signature", None)  # an index: else nothing is known
    sigs = listing.sigs
    if changed is None or packed is None:
        changed = [
            path
            for path in listing.candidates
            if packed is None or sigs[path] is None or packed(path) != pack_signature(sigs[path])
        ]
    fresh = parts.load(changed)
    fresh_docs = by_file(cwd, fresh.documents)
    trusted: dict[str, Signature] = {}
    known: dict[str, tuple[Summary, ...]] = {}
    for path in changed:
        docs = fresh_docs.get(path, [])
        known[path] = tuple(summarize(d) for d in docs)
        trusted[path] = _trusted(docs, sigs[path], racy_from)
    summaries = LazySummaries(listing.candidates, entries, known, listing.member)
    return Reading(summaries, tuple(changed), fresh, fresh_docs, trusted)


def _trusted(docs: Sequence[Document], sig: Signature, racy_from: int) -> Signature:
    """The signature under which a file's summaries are kept, or None (read it again next
    time): only native documents, and not modified within the racy window."""
    native = bool(docs) and all(d.source_format == "native" for d in docs)
    return sig if native and sig is not None and sig[1] < racy_from else None
