"""The repository index (issue 15): commit-time checks whose cost does not grow with the
repository.

A pre-commit call names the changed files; the rules still need the rest of the repository
as context (references, duplicate ids, lineage, diversity). The full path discovers the
whole repository, loads every document from the parse cache and builds the whole lineage
graph. This module keeps, per discovered file, what other documents need from it: for each
document its display path, kind, id, source format, the lineage keys it declares or names
(``dataset:``, ``pipeline:``, ``stage:`` nodes and ``id:`` for duplicate ids; models are
left out, see below) and the files it names. A commit-time run then:

1. takes the file list of the last run while nothing discovery depends on changed (the
   folders, git's index and ignore files: :mod:`synthgov.app.cache.discoverystate`, checked in a
   forked child), else discovers again;
2. compares each file's ``stat`` signature with the index and re-reads only the files that
   changed (through the parse cache);
3. takes the *component* of the targets: the documents linked to them through shared lineage
   keys, transitively; loads only those, and evaluates the targets against them.

Why a component gives the findings of the full run: a rule checking a document reads other
documents only through the run context (``ctx.card``, ``ctx.by_id``) and the lineage graph,
whose edges are all declared by documents holding a key of both ends. Every edge into or
out of a dataset, pipeline or stage node of the component is declared by a document of the
component, in the same relative order (files keep their sorted order), so every query a
built-in rule makes (in/out edges, upstream, downstream, cycles, synthetic depth, duplicate
ids) answers the same. Model nodes are not followed: no built-in rule walks from a model to
its other uses (the registry answers questions about models). Where this cannot be proved
the run takes the full path: a rule from a plugin, a DVC document (its stages link to cards
by file path), a named file that is not a document, a folder discovery could not read.

What the reporters draw is not answered from the component: a report's lineage graph is
built from every document of the run, loaded on first use (:func:`documents_of`), as in a
full run; graph queries answer the same whatever was asked before (the memoised synthetic
depths included), so the drawing is the full run's.

Entries are trusted only for native documents (the native loader is a pure function of the
file); a file read by another loader, or with no document, is read again on every run. A
file modified within the racy window of the run that indexed it is read again too.

The index lives in the cache database (table ``repo_index``), signed like every cache entry, so it
inherits the cache's guarantees: SQLite transactions (a run killed mid-write leaves the old
index), WAL for concurrent runs, a bad or foreign entry is a miss. Its key holds synthgov's
code, the plugins, loaders, config, working directory and context root, so an index made
under other inputs or in another tree is never used. Gate mode (``--policy-from-ref``) and
diff mode never use it (the runner opens no cache there).

The pieces: :mod:`synthgov.app.index.records` (what is kept per document),
:mod:`synthgov.app.index.store` (where and how it is kept), :mod:`synthgov.app.index.files`
(the run's files, and those read again), :mod:`synthgov.app.index.context` (the component of
the targets), :mod:`synthgov.app.index.probe` (what the rules ask about); this module plans a
run from them and keeps the index for the next one.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from synthgov.app.index.buckets import MissingPart
from synthgov.app.index.context import (
    Context,
    component_of,
    inverted_maps,
    links_elsewhere,
    naming_files,
)
from synthgov.app.index.files import Listing, Reading, discover_all, list_files, read_changed
from synthgov.app.index.records import ID, PATH, IdPath, abs_path

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.app.cache.runcache import RunCache
    from synthgov.app.check.runner import CheckOptions, Setup
    from synthgov.core.types import Document


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class Plan:
    """A commit-time run's inputs, as the index proved them."""

    files: Sequence[str]  # every file of the full run (absolute, sorted; read when asked)
    #: the context's documents, problems, claimed files and unread files (runner.Loaded)
    documents: tuple[Document, ...]
    problems: tuple[tuple[str, Any], ...]
    claimed: int
    unread: tuple[tuple[str, Any], ...]
    naming: frozenset[str]  # cards (absolute paths) naming one of the explicit files
    ids: Callable[[], tuple[IdPath, ...]]  # every document of the repository, in load order
    #: loads files as the plan read them (``--staged``: as staged), for :func:`documents_of`
    load: Callable[[Sequence[str]], Any]
    #: every document of the run read without the index: what :func:`documents_of` and
    #: ``ids`` give if a part of the index they read later cannot be read
    without_index: Callable[[], Sequence[Document]]


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class RunParts:
    """What the runner lends a commit-time plan (so this module does not import it)."""

    load: Callable[[Sequence[str]], Any]  # files -> runner.Loaded, through the parse cache
    files: Any  # file access for the probe's rules (not recording: the probe is not cached)
    registry_factory: Any  # the run's model registry factory
    suffixes: tuple[str, ...]  # the file suffixes the loaders declare (discovery)
    linkers: tuple[Any, ...]  # the loaders' lineage_edges hooks (the graph)
    selection: Any  # the run's --select/--ignore


def provable(setup: Setup) -> bool:
    """Whether every rule of the run is a built-in one (whose reach :mod:`synthgov.app.index.plan`
    knows); a plugin's rule may read any document of the run."""
    rules = setup.registry.rules.values()
    return all(type(rule).__module__.startswith("synthgov.") for rule in rules)


def plan_commit_run(
    options: CheckOptions,
    setup: Setup,
    cache: RunCache,
    found: Any,
    roots: Sequence[str],
    run_parts: RunParts,
) -> Plan | None:
    """The inputs of a commit-time run over ``found`` (explicit files) with the repository
    under ``roots`` as context, or None when the index cannot prove them (full path)."""
    try:
        try:
            return _plan(options, setup, cache, found, roots, run_parts)
        except MissingPart:  # a part of the index is gone: index the repository again
            return _plan(options, setup, cache, found, roots, run_parts, fresh=True)
    except Exception:  # noqa: BLE001 - the index is an optimisation: never a failure
        return None


def _plan(
    options: CheckOptions,
    setup: Setup,
    cache: RunCache,
    found: Any,
    roots: Sequence[str],
    parts: RunParts,
    fresh: bool = False,
) -> Plan | None:
    from synthgov.app.cache.filestate import RACY_NS
    from synthgov.app.index.store import index_key, load_index

    if found.unreadable or not provable(setup):
        return None
    cwd = options.cwd
    racy_from = time.time_ns() - RACY_NS
    key = index_key(options, setup, cache.code, roots)
    old = None if fresh else load_index(cache, key)
    state: list[Any] = []  # what the discovery depended on, taken before it

    def discover() -> tuple[str, ...] | None:
        from synthgov.app.cache.discoverystate import discovery_state

        state.append(discovery_state(sorted({os.path.abspath(r) for r in roots}), racy_from))
        return discover_all(options, setup, roots)

    known_changed = None
    listing: Listing | None
    if options.staged:
        staged = _staged(options, setup, cache, old, found, roots, parts)
        if staged is None:
            return None
        listing, known_changed, parts, kept_state = staged
        state.append(kept_state)
    else:
        listing = list_files(old, set(found.files), discover)
    if listing is None:
        return None
    entries = old["entries"] if old else {}
    reading = read_changed(listing, entries, parts, cwd, racy_from, known_changed)
    if links_elsewhere(setup, reading):
        return None
    holders, named = inverted_maps(reading, old)
    naming = naming_files(named, reading.summaries, found.explicit, cwd)
    context = Context(parts, cwd, reading, holders)
    start = set(found.files) | {p for p in naming if p in reading.summaries}  # candidates
    component = component_of(setup, parts, context, start)
    if component is None:
        return None
    every = _without_index(options, setup, cache, found, roots, parts)
    plan = _assemble(listing, reading, context, component, set(found.files), naming, cwd, every)
    if plan is not None:
        _keep(cache, key, old, listing, reading, state[0] if state else None)
    return plan


def _staged(
    options: CheckOptions,
    setup: Setup,
    cache: RunCache,
    old: Mapping[str, Any] | None,
    found: Any,
    roots: Sequence[str],
    parts: RunParts,
) -> tuple[Listing, list[str] | None, RunParts, Any] | None:
    """``--staged``: the files from git's index (:mod:`synthgov.app.index.staged`), and
    parts that read them as staged."""
    from dataclasses import replace

    from synthgov.app.check.staged import governed, load_staged, toplevel
    from synthgov.app.index.staged import staged_listing

    config = setup.config
    top = toplevel(options.cwd, roots)
    check = governed(top, roots, config.root, config.include, config.exclude, parts.suffixes)
    targets = frozenset(found.files)
    got = staged_listing(old, top, set(targets), check)
    if got is None:
        return None
    name_of, loaders = got.name_of, setup.registry.loaders

    def load(paths: Sequence[str]) -> Any:
        return load_staged(paths, top, name_of, targets, loaders, options.cwd, config.limits, cache)

    return got.listing, got.changed, replace(parts, load=load), got.state


def _assemble(
    listing: Listing,
    reading: Reading,
    context: Context,
    component: tuple[set[str], list[Document]],
    targets: set[str],
    naming: set[str],
    cwd: str,
    without_index: Callable[[], Sequence[Document]],
) -> Plan | None:
    """The plan of the run, or None when a target is a named file that is not a document
    (the full path says what it is)."""
    paths, documents = component
    unread = [u for u in context.unread if u[0] in paths]
    unread_paths = {u[0] for u in unread}
    if any(path in unread_paths for path in targets):
        return None
    problems = [(shown, p) for shown, p in context.problems if abs_path(cwd, shown) in paths]
    if problems:
        order = {path: n for n, path in enumerate(listing.candidates)}
        problems.sort(key=lambda item: order.get(abs_path(cwd, item[0]), -1))
    claimed = len(
        {abs_path(cwd, d.path) for d in documents} | {abs_path(cwd, s) for s, _ in problems}
    )
    candidates, summaries = listing.candidates, reading.summaries

    def ids() -> tuple[IdPath, ...]:
        try:
            return tuple(
                IdPath(s[ID], s[PATH]) for path in candidates for s in summaries.get(path, ())
            )
        except MissingPart:
            return tuple(IdPath(d.id, d.path) for d in without_index())

    return Plan(
        listing.candidates,
        tuple(documents),
        tuple(problems),
        claimed,
        tuple(unread),
        frozenset(naming),
        ids,
        context.parts.load,
        without_index,
    )


def _keep(
    cache: RunCache,
    key: str,
    old: Mapping[str, Any] | None,
    listing: Listing,
    reading: Reading,
    state: Any,
) -> None:
    """Keep what changed for the next run: only the changed files' entries while the file
    list is the index's, else the whole index with ``state``, what the new discovery
    depended on."""
    from synthgov.app.index.store import save_delta, save_full

    if not (reading.changed or listing.rediscovered or old is None):
        return
    kept = {p: (reading.trusted[p], reading.summaries[p]) for p in reading.changed}
    if old is not None and not listing.rediscovered:
        if save_delta(cache, key, old, kept):
            return
        state = old.get("state")
    entries = old["entries"] if old else {}
    kept.update(
        (p, entries[p]) for p in listing.candidates if p not in reading.trusted and p in entries
    )
    from synthgov.app.index.staged import StagedState, with_recheck

    if isinstance(state, StagedState):
        state = with_recheck(state, kept)
    save_full(cache, key, listing.files, state, kept)


def documents_of(plan: Plan) -> Sequence[Document]:
    """Every document of the full run, loaded on first use (``synthgov graph``, reports),
    as the plan read them."""
    from synthgov.app.cache.runcache import LazyDocuments

    class IndexedDocuments(LazyDocuments):
        """The documents of a run whose context the index chose."""

    def every() -> Sequence[Document]:
        try:
            documents: Sequence[Document] = plan.load(plan.files).documents
        except MissingPart:
            return plan.without_index()
        return documents

    return IndexedDocuments(every)


def _without_index(
    options: CheckOptions,
    setup: Setup,
    cache: RunCache,
    found: Any,
    roots: Sequence[str],
    parts: RunParts,
) -> Callable[[], Sequence[Document]]:
    """Every document of the run as the full path reads it (the index's parts are read
    lazily after the plan: one that is gone by then, damaged or evicted, must not fail
    the run)."""

    def every() -> Sequence[Document]:
        targets = frozenset(found.files)
        if options.staged:
            from synthgov.app.check.staged import load_staged_run

            loaders = setup.registry.loaders
            _files, loaded = load_staged_run(
                options.cwd, roots, setup.config, loaders, parts.suffixes, targets, cache
            )
        else:
            listed = discover_all(options, setup, roots) or ()
            loaded = parts.load(sorted({*targets, *listed}))
        documents: Sequence[Document] = loaded.documents
        return documents

    return every
