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
   folders, git's index and ignore files: :func:`synthgov.app.cache.discovery_state`, checked in
   a forked child), else discovers again;
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

Entries are trusted only for native documents (the native loader is a pure function of the
file); a file read by another loader, or with no document, is read again on every run. A
file modified within the racy window of the run that indexed it is read again too.

The index lives in the cache database (table ``repo_index``), signed like every cache entry, so it
inherits the cache's guarantees: SQLite transactions (a run killed mid-write leaves the old
index), WAL for concurrent runs, a bad or foreign entry is a miss. Its key holds synthgov's
code, the plugins, loaders, config, working directory and context root, so an index made
under other inputs or in another tree is never used. Gate mode (``--policy-from-ref``) and
diff mode never use it (the runner opens no cache there).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.app.cache import RunCache
    from synthgov.app.runner import CheckOptions, Setup
    from synthgov.core.types import Document

FORMAT = 1
TABLE = "repo_index"
#: indexes kept (one per working directory, root and inputs; the most recent ones)
#: rounds of widening the context before the full path is taken
MAX_ROUNDS = 64
#: changed entries kept beside the base entry before the whole index is written again
DELTA_MAX = 512
MAX_INDEXES = 32  # a base and a delta entry per index; the cache keeps as many (KEEP_LATEST)

#: (display path, kind, id, source format, lineage keys, named files) of one document
Summary = tuple[str, str, str | None, str, tuple[str, ...], tuple[str, ...]]


class IdPath(NamedTuple):
    """What the report needs of a document it did not load: its id and path (a named tuple:
    10,000 of them are built on every commit-time run)."""

    id: str | None
    path: str


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class Plan:
    """A commit-time run's inputs, as the index proved them."""

    files: tuple[str, ...]  # every file of the full run (absolute, sorted)
    #: the context's documents, problems, claimed files and unread files (runner.Loaded)
    documents: tuple[Document, ...]
    problems: tuple[tuple[str, Any], ...]
    claimed: int
    unread: tuple[tuple[str, Any], ...]
    naming: frozenset[str]  # cards (absolute paths) naming one of the explicit files
    ids: tuple[IdPath, ...]  # every document of the repository, in load order


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class RunParts:
    """What the runner lends a commit-time plan (so this module does not import it)."""

    load: Callable[[Sequence[str]], Any]  # files -> runner.Loaded, through the parse cache
    files: Any  # file access for the probe's rules (not recording: the probe is not cached)
    registry_factory: Any  # the run's model registry factory
    selection: Any  # the run's --select/--ignore


def index_key(options: CheckOptions, setup: Setup, code: str, roots: Sequence[str]) -> str:
    """What a file's summary depends on besides the file: code, plugins, loaders, config,
    the working directory (display paths) and the context root."""
    from synthgov import __version__

    registry = setup.registry
    parts = (
        FORMAT,
        __version__,
        sys.version,
        code,
        registry.plugins,
        [f"{type(ld).__module__}.{type(ld).__qualname__}" for ld in registry.loaders],
        setup.config,
        os.path.abspath(options.cwd),
        sorted(os.path.abspath(r) for r in roots),
    )
    text = "\0".join(repr(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def summarize(doc: Document) -> Summary:
    """What other documents need from ``doc``."""
    from synthgov.core.types import DATASET_CARD, PIPELINE
    from synthgov.lineage.declared import card_edges as _card_edges
    from synthgov.lineage.declared import pipeline_edges as _pipeline_edges
    from synthgov.lineage.graph import document_node
    from synthgov.rules.diffmode import named_files

    keys: set[str] = set()
    if doc.id:
        keys.add(f"id:{doc.id}")
    own = document_node(doc)
    if own is not None:
        keys.add(own)
    nodes: dict[str, Any] = {}
    edges: list[Any] = []
    if doc.kind == DATASET_CARD and doc.id:
        _card_edges(doc, nodes, edges)
    elif doc.kind == PIPELINE and doc.id:
        _pipeline_edges(doc, nodes, edges)
    for edge in edges:
        keys.update(n for n in (edge.src, edge.dst) if not n.startswith("model:"))
    keys.update(n for n in nodes if not n.startswith("model:"))
    named = sorted({sys.intern(os.path.normpath(p)) for _, p in named_files(doc)})
    links = tuple(sorted(sys.intern(k) for k in keys))
    return (doc.path, doc.kind, doc.id, doc.source_format, links, tuple(named))


def provable(setup: Setup) -> bool:
    """Whether every rule of the run is a built-in one (whose reach :mod:`synthgov.app.index`
    knows); a plugin's rule may read any document of the run."""
    rules = setup.registry.rules.values()
    return all(type(rule).__module__.startswith("synthgov.") for rule in rules)


def _abs(cwd: str, shown: str) -> str:
    return os.path.normpath(os.path.join(cwd, shown))


def _by_file(cwd: str, documents: Iterable[Document]) -> dict[str, list[Document]]:
    grouped: dict[str, list[Document]] = {}
    for doc in documents:
        grouped.setdefault(_abs(cwd, doc.path), []).append(doc)
    return grouped


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
        return _plan(options, setup, cache, found, roots, run_parts)
    except Exception:  # noqa: BLE001 - the index is an optimisation: never a failure
        return None


def _load_index(cache: RunCache, key: str) -> dict[str, Any] | None:
    """The index: its base entry with the later delta entry laid over it (see _save)."""
    found = cache.store.get_many(TABLE, [key, f"delta:{key}"])
    payload = found.get(key)
    if payload is None:
        return None
    data = pickle.loads(payload)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    delta = pickle.loads(found[f"delta:{key}"]) if f"delta:{key}" in found else None
    if isinstance(delta, dict) and delta.get("base") == data.get("base"):
        data["entries"].update(delta["entries"])
        data["delta"] = delta["entries"]
    return data


def _plan(
    options: CheckOptions,
    setup: Setup,
    cache: RunCache,
    found: Any,
    roots: Sequence[str],
    parts: RunParts,
) -> Plan | None:
    from synthgov.app.cache import RACY_NS, all_unchanged, check_beside, discovery_state, signature
    from synthgov.repo.discovery import discover, display_path

    if found.unreadable or not provable(setup):
        return None
    config = setup.config
    cwd = options.cwd
    started = time.time_ns()
    racy_from = started - RACY_NS
    key = index_key(options, setup, cache.code, roots)
    old = _load_index(cache, key)
    entries: Mapping[str, tuple[Any, tuple[Summary, ...]]] = old["entries"] if old else {}

    listed: tuple[str, ...] | None = None
    verdict = None
    state = old.get("state") if old else None
    if state is not None:
        verdict = check_beside(state)
        if verdict is None:
            listed = tuple(old["files"]) if all_unchanged(state) else None  # type: ignore[index]
        else:
            listed = tuple(old["files"])  # type: ignore[index]
    new_state = False
    # the files' signatures while the child checks the folders
    targets = set(found.files)
    candidates = sorted(set(listed or ()) | targets)
    sigs = {path: signature(path) for path in candidates}
    if verdict is not None and not verdict():
        listed = None
    if listed is None:
        ctx_found = discover(
            list(roots), cwd=cwd, root=config.root, include=config.include, exclude=config.exclude
        )
        if ctx_found.unreadable:
            return None
        listed = tuple(ctx_found.files)
        new_state = True
        candidates = sorted(set(listed) | targets)
        sigs = {path: sigs[path] if path in sigs else signature(path) for path in candidates}

    summaries: dict[str, tuple[Summary, ...]] = {}
    changed: list[str] = []
    for path in candidates:
        entry = entries.get(path)
        sig = sigs[path]
        if entry is not None and sig is not None and entry[0] == sig:
            summaries[path] = entry[1]
        else:
            changed.append(path)
    fresh = parts.load(changed)
    fresh_docs = _by_file(cwd, fresh.documents)
    trusted: dict[str, Any] = {}
    for path in changed:
        docs = fresh_docs.get(path, [])
        summaries[path] = tuple(summarize(d) for d in docs)
        sig = sigs[path]
        native = bool(docs) and all(d.source_format == "native" for d in docs)
        trusted[path] = sig if native and sig is not None and sig[1] < racy_from else None

    # the component of the targets
    # formats whose loader links documents by other means (DVC stages name files): the
    # index does not follow those links
    linked = {"dvc"} | {
        str(getattr(ld, "name", ""))
        for ld in setup.registry.loaders
        if hasattr(ld, "lineage_edges")
    }
    if any(s[3] in linked for docs in summaries.values() for s in docs):
        return None
    explicit = {os.path.normpath(p) for p in found.explicit}
    naming = {
        _abs(cwd, s[0])
        for docs in summaries.values()
        for s in docs
        if any(p in explicit for p in s[5])
    }
    holders: dict[str, list[str]] = {}
    for path, described in summaries.items():
        for summary in described:
            for link in summary[4]:
                holders.setdefault(link, []).append(path)

    docs_of: dict[str, list[Document]] = dict(fresh_docs)
    loaded_problems = list(fresh.problems)
    loaded_unread = list(fresh.unread)

    def load(paths: Iterable[str]) -> bool:
        """Load files of the index not loaded yet; False when one no longer matches it."""
        wanted = sorted(p for p in paths if p not in docs_of and p not in changed_set)
        if not wanted:
            return True
        more = parts.load(wanted)
        grouped = _by_file(cwd, more.documents)
        for path in wanted:
            docs_of[path] = grouped.get(path, [])
            if tuple(summarize(d) for d in docs_of[path]) != summaries.get(path):
                return False
        loaded_problems.extend(more.problems)
        loaded_unread.extend(more.unread)
        return True

    changed_set = set(changed)
    start = targets | (naming & set(candidates))
    component = set(start)
    for path in start:  # the documents sharing a lineage key or an id with a target
        for summary in summaries.get(path, ()):
            for link in summary[4]:
                component.update(holders.get(link, ()))
    target_keys = {k for p in start for s in summaries.get(p, ()) for k in s[4]}
    shown_targets = {display_path(p, cwd) for p in start}
    for _round in range(MAX_ROUNDS):
        if not load(component):
            return None
        documents = [d for path in sorted(component) for d in docs_of.get(path, [])]
        wanted = _probe(setup, parts, documents, shown_targets, target_keys)
        if wanted is None:
            return None  # the rules asked something the index cannot answer
        needed = {p for k in wanted for p in holders.get(k, ())}
        if needed <= component:
            break
        component |= needed
    else:
        return None

    unread = [u for u in loaded_unread if u[0] in component]
    unread_paths = {u[0] for u in unread}
    if any(path in unread_paths for path in targets):
        return None  # a named file that is not a document: the full path says what it is
    problems = [(shown, p) for shown, p in loaded_problems if _abs(cwd, shown) in component]
    order = {path: n for n, path in enumerate(candidates)}
    problems.sort(key=lambda item: order.get(_abs(cwd, item[0]), -1))
    claimed = len({_abs(cwd, d.path) for d in documents} | {_abs(cwd, s) for s, _ in problems})
    ids = tuple(IdPath(s[2], s[0]) for path in candidates for s in summaries.get(path, ()))

    if changed or new_state or old is None:
        if new_state or old is None:
            state = discovery_state(sorted({os.path.abspath(r) for r in roots}), racy_from)
        kept = {p: (trusted[p], summaries[p]) for p in changed}
        delta = dict(old.get("delta") or {}) if old is not None else {}
        if not new_state and old is not None and len(delta) + len(kept) <= DELTA_MAX:
            # a few changed files: only they are written (the base stays as it is)
            delta.update(kept)
            data = {"base": old.get("base"), "entries": delta}
            _save(cache, {f"delta:{key}": data})
        else:
            kept.update((p, entries[p]) for p in candidates if p not in trusted and p in entries)
            base = os.urandom(8).hex()
            full = {"format": FORMAT, "base": base, "files": listed, "state": state}
            _save(
                cache,
                {key: {**full, "entries": kept}, f"delta:{key}": {"base": base, "entries": {}}},
            )
    return Plan(
        tuple(candidates),
        tuple(documents),
        tuple(problems),
        claimed,
        tuple(unread),
        frozenset(naming),
        ids,
    )


def _save(cache: RunCache, items: Mapping[str, Mapping[str, Any]]) -> None:
    """Write entries in one transaction (a run killed before it ends leaves the old ones)."""
    try:
        payloads = {
            k: pickle.dumps(dict(v), protocol=pickle.HIGHEST_PROTOCOL) for k, v in items.items()
        }
    except Exception:  # noqa: BLE001 - not kept, that is all
        return
    cache.store.put_many(TABLE, payloads)


def documents_of(plan: Plan, reload: Any) -> Sequence[Document]:
    """Every document of the full run, loaded on first use (``synthgov graph``, reports)."""
    from synthgov.app.cache import LazyDocuments

    class IndexedDocuments(LazyDocuments):
        """The documents of a run whose context the index chose."""

    files = plan.files
    return IndexedDocuments(lambda: reload(files))


class Recorder:
    """What the rules of a probe asked about: lineage keys and ids (mutable, per probe)."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.unbounded = False  # a question about the whole repository


def _probe(
    setup: Setup,
    parts: RunParts,
    documents: Sequence[Document],
    shown_targets: set[str],
    target_keys: set[str],
) -> set[str] | None:
    """Evaluate the targets against ``documents`` and return the lineage keys and ids the
    rules asked about (every document holding one must be in the context), or None when a
    rule asked something the index cannot bound."""
    from synthgov.core.dates import today
    from synthgov.engine.evaluate import evaluate

    recorder = Recorder()
    policy = setup.policy
    run = _RecordingRun(
        documents=documents,
        files=parts.files,
        today=today(),
        settings=policy.settings,
        registry_factory=parts.registry_factory,
        recorder=recorder,
        target_keys=frozenset(target_keys),
    )
    evaluate(
        documents=documents,
        problems=(),
        rules=setup.registry.rules,
        policy=policy,
        run=run,
        selection=parts.selection,
        report_on=shown_targets,
    )
    return None if recorder.unbounded else recorder.keys


class _RecordingIds(dict):  # type: ignore[type-arg]
    """``RunContext.by_id`` that remembers the ids asked for."""

    recorder: Recorder

    def get(self, key: Any, default: Any = None) -> Any:
        self.recorder.keys.add(f"id:{key}")
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self.recorder.keys.add(f"id:{key}")
        return super().__getitem__(key)

    def __contains__(self, key: Any) -> bool:
        self.recorder.keys.add(f"id:{key}")
        return super().__contains__(key)

    def __iter__(self) -> Any:
        self.recorder.unbounded = True
        return super().__iter__()

    def keys(self) -> Any:
        self.recorder.unbounded = True
        return super().keys()

    def values(self) -> Any:
        self.recorder.unbounded = True
        return super().values()

    def items(self) -> Any:
        self.recorder.unbounded = True
        return super().items()

    def __len__(self) -> int:
        self.recorder.unbounded = True
        return super().__len__()


class _RecordingNodes(dict):  # type: ignore[type-arg]
    """``LineageGraph.nodes`` that remembers the nodes looked up."""

    recorder: Recorder

    def _note(self, key: Any) -> None:
        if isinstance(key, str) and not key.startswith("model:"):
            self.recorder.keys.add(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key: Any) -> bool:
        self._note(key)
        return super().__contains__(key)

    def __iter__(self) -> Any:
        self.recorder.unbounded = True
        return super().__iter__()

    def keys(self) -> Any:
        self.recorder.unbounded = True
        return super().keys()

    def values(self) -> Any:
        self.recorder.unbounded = True
        return super().values()

    def items(self) -> Any:
        self.recorder.unbounded = True
        return super().items()

    def __len__(self) -> int:
        self.recorder.unbounded = True
        return super().__len__()


def _recording_graph(documents: Sequence[Document], recorder: Recorder, target_keys: Any) -> Any:
    from synthgov.lineage.graph import LineageGraph

    class RecordingGraph(LineageGraph):
        """The lineage graph of a probe: every node a query starts from is remembered.

        Every edge touching a dataset, pipeline or stage node is declared by a document
        holding that node's key, so a query about a node is answered as in the full graph
        once every holder of the key is in the context. A query starting at a model (whose
        uses the index does not follow) or about the whole graph is unbounded."""

        def _note(self, node: str) -> None:
            if node.startswith("model:"):
                recorder.unbounded = True
            recorder.keys.add(node)

        def out_edges(self, node: str, kind: str | None = None) -> list[Any]:
            self._note(node)
            return super().out_edges(node, kind)

        def in_edges(self, node: str, kind: str | None = None) -> list[Any]:
            self._note(node)
            return super().in_edges(node, kind)

        def derivations_into(self, dataset: str) -> list[Any]:
            self._note(dataset)
            return super().derivations_into(dataset)

        def downstream(self, dataset: str) -> set[str]:
            recorder.unbounded = True  # the index does not follow derivations forwards
            return super().downstream(dataset)

        def focus(self, seeds: Iterable[str]) -> LineageGraph:
            recorder.unbounded = True
            return super().focus(seeds)

        def derivation_edges(self) -> list[Any]:
            return super().derivation_edges()  # internal: answers go through the above

        def cycle_edges(self) -> list[Any]:
            # an edge a target declares lies on a cycle iff the cycle runs through the
            # ancestors of the datasets it names: make them part of the context
            for key in sorted(target_keys):
                if key.startswith("dataset:"):
                    self.upstream(key)
            return super().cycle_edges()

    graph = RecordingGraph.build(documents)
    nodes = _RecordingNodes(graph.nodes)
    nodes.recorder = recorder
    graph.nodes = nodes
    return graph


def _recording_run_class() -> Any:
    from dataclasses import field
    from functools import cached_property

    from synthgov.engine.context import RunContext

    @dataclass(frozen=True, eq=False, repr=False)
    class RecordingRun(RunContext):
        recorder: Recorder = field(default_factory=Recorder)
        target_keys: frozenset[str] = frozenset()

        @cached_property
        def by_id(self) -> Mapping[str, list[Document]]:
            ids = _RecordingIds(RunContext.by_id.func(self))  # type: ignore[attr-defined]
            ids.recorder = self.recorder
            return ids

        def cards(self) -> list[Document]:
            self.recorder.unbounded = True
            return super().cards()

        @cached_property
        def graph(self) -> Any:
            return _recording_graph(self.documents, self.recorder, self.target_keys)

    return RecordingRun


def _RecordingRun(**kwargs: Any) -> Any:
    return _recording_run_class()(**kwargs)
