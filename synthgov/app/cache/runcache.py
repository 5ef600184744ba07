"""The cache (SPEC section 14): a re-run with nothing changed serves its findings without
reading a single card; a run after a change re-parses only the files that changed.

Two layers, in one SQLite database (``cache-v1.sqlite3``) under the cache directory:

1. **Run results.** The run key hashes everything that can change a finding apart from the
   files themselves: synthgov's version and the stat of its own code and data (so an edited
   checkout never serves old results), the plugin set and the files of each plugin's code,
   the resolved policy and config, registry entries from plugins, the options (paths,
   ``--select``/``--ignore``, ``--fail-on``, ``--baseline``...), today's date (waivers
   expire) and the environment variables synthgov reads. The entry key adds the path and
   ``stat`` signature (size, mtime, inode, ctime) of every discovered file, so an edited,
   added or removed card is a different entry. The entry lists every file the rules read
   through ``ctx.files`` (data files, prompts, whether they exist or not) with its signature
   at first use, and is served only if they are all unchanged. A hit therefore costs one
   ``stat`` per file and no read. Results are all-or-nothing for the whole run, so rules
   that look across documents (references, lineage, diversity) can never see stale data.
   Discovery itself (``git ls-files`` walks the whole work tree) is skipped too when
   nothing it depends on changed: every folder it walked (adding, removing or renaming an
   entry changes a folder's mtime), the ``.git`` of every ancestor, and in a git work tree
   the index, ``info/exclude``, the ``.gitignore`` files and the user's git configuration
   (:mod:`synthgov.app.cache.discoverystate`); then the file list of the last run is used.
2. **Parse results** per file, keyed by the sha256 of its bytes with the loader, the limits,
   the path and synthgov's code: when one card of 10,000 changed, the other 9,999 are not
   parsed again (every rule still runs on all of them). Only loaders that are pure functions
   of (path, bytes) are cached: the native loader and loaders with ``cacheable = True``.
   Files claimed by other loaders are re-parsed every time, and the run result also depends
   on the listing of their folder (an adapter may look at files next to its input).

A file modified within a few seconds of the run that cached it is "racy": its mtime cannot
prove that it did not change again in the same clock tick, so the entry also records its
content hash, checked on the next run (as git does for its index).

Where: ``$SYNTHGOV_CACHE_DIR``, else ``cache: {dir: ...}`` from the config (relative to the
config file, e.g. ``.synthgov_cache``), else ``$XDG_CACHE_HOME/synthgov`` or
``~/.cache/synthgov``. ``cache: {enabled: false}`` or ``--no-cache`` turn it off.

Safety: entries are pickles, so each is signed with HMAC-SHA256 under a random per-user key
(``$XDG_STATE_HOME/synthgov/secret.key``, else ``~/.local/state/synthgov/secret.key``, mode
0600: not in the cache folder, which CI systems save and restore) covering the entry's key;
an entry that does not verify is ignored and never unpickled. A cache directory committed to
a repository therefore cannot make synthgov run code. Concurrency: SQLite in WAL mode with a
busy timeout; a locked, unreadable or corrupt database means running without the cache
(a corrupt file is removed), never a failure.

The pieces: :mod:`synthgov.app.cache.store` (the signed store), :mod:`synthgov.app.cache.keys`
(run key, code fingerprint, pure loaders), :mod:`synthgov.app.cache.filestate` (signatures,
content hashes, checking them in a forked child), :mod:`synthgov.app.cache.discoverystate` (what a
discovery depends on), :mod:`synthgov.app.cache.recordingfiles` (what the rules read); this module
holds one run's view of them (:class:`RunCache`).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from synthgov.app.cache.filestate import (
    RACY_NS,
    Signature,
    all_unchanged,
    check_beside,
    content_hash,
    listing,
    signature,
)
from synthgov.app.cache.keys import ENV_DIR, is_pure, loader_name, run_key
from synthgov.app.cache.recordingfiles import RecordingFiles
from synthgov.app.cache.store import FORMAT, Store

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.app.check.runner import CheckOptions, RunResult, Setup
    from synthgov.core.types import Document
    from synthgov.policy.config import Config

CHECK_BESIDE_FROM = 4096
"""Signatures from which :func:`check_beside` is worth a fork (about 1 ms here)."""

Reload = Callable[[Sequence[str]], Sequence["Document"]]


def cache_dir(config: Config) -> str | None:
    """Where this run's cache lives (see the module documentation)."""
    from synthgov.repo.snapshot import user_cache_home

    env = os.environ.get(ENV_DIR, "").strip()
    if env:
        return os.path.abspath(os.path.expanduser(env))
    if config.cache_dir:
        return os.path.abspath(os.path.join(config.root, os.path.expanduser(config.cache_dir)))
    return user_cache_home()


def open_cache(options: CheckOptions, setup: Setup) -> RunCache | None:
    """The cache of this run, or None when it is off or cannot be used."""
    config = setup.config
    if not options.use_cache or not config.cache_enabled:
        return None
    directory = cache_dir(config)
    if directory is None:
        return None
    try:
        key, code = run_key(options, setup)
    except Exception:  # noqa: BLE001 - e.g. a bad SYNTHGOV_TODAY: the run reports it itself
        return None
    store = Store.open(directory)
    if store is None:
        return None
    from synthgov.app.check.registries import lineage_linkers

    return RunCache(store, key, code, config, options, lineage_linkers(setup.registry.loaders))


class LazyDocuments(Sequence["Document"]):
    """The documents of a cached run, loaded (through the parse cache) on first use."""

    def __init__(self, load: Callable[[], Sequence[Document]]) -> None:
        self._load: Callable[[], Sequence[Document]] | None = load
        self._docs: tuple[Document, ...] = ()

    def _all(self) -> tuple[Document, ...]:
        if self._load is not None:
            load, self._load = self._load, None
            self._docs = tuple(load())
        return self._docs

    def __getitem__(self, index: Any) -> Any:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[Document]:
        return iter(self._all())


class RunCache:
    """One run's view of the cache: look up, record what the rules read, then save."""

    def __init__(
        self,
        store: Store,
        key: str,
        code: str,
        config: Config,
        options: CheckOptions,
        linkers: Sequence[Any],  # the loaders' lineage_edges hooks, for a hit's graph
    ) -> None:
        self.store = store
        self.linkers = tuple(linkers)
        self.key = key
        self.code = code
        self.config = config
        self.options = options
        self.started_ns = time.time_ns()
        self.deps: dict[str, Signature] = {}
        self.outside: set[str] = set()  # deps outside the repository: signature only
        self.dirs: set[str] = set()
        self._files: tuple[str, ...] = ()
        self._stats: list[Signature] = []
        self._entry: str | None = None
        self._fast = False
        self._state: Any = None  # what the discovery depended on, taken before it
        for baseline in (options.baseline, config.baseline):  # read by the runner itself
            if baseline:
                base = options.cwd if baseline == options.baseline else config.root
                path = os.path.abspath(os.path.join(base, baseline))
                self.deps[path] = signature(path)

    # ---- run results

    def lookup_unchanged(self, reload: Reload) -> RunResult | None:
        """The cached result of the last run with this key when no folder it discovered
        changed: the file list is reused without discovery
        (see :mod:`synthgov.app.cache.discoverystate`)."""
        try:
            payload = self.store.get_many("runs", [f"fast:{self.key}"]).get(f"fast:{self.key}")
            if payload is None:
                return None
            fast = pickle.loads(payload)
            state = fast["state"]
            # the folders are checked by a child process while this one checks the files
            verdict = check_beside(state) if len(state) >= CHECK_BESIDE_FROM else None
            if verdict is None and not all_unchanged(state):
                return None
            files = tuple(fast["files"])
        except Exception:  # noqa: BLE001 - an unusable entry is a miss
            return None
        hit = self.lookup(files, reload, fast=True, refresh=False)
        if verdict is not None and not verdict():
            return None  # a folder changed: the runner discovers and looks up again
        if hit is None:  # a file changed, not the list: its state still describes it
            self._state = state
        return hit

    def lookup(
        self, files: Sequence[str], reload: Reload, fast: bool = False, refresh: bool = True
    ) -> RunResult | None:
        """The cached result of a run over ``files`` (absolute paths, sorted), or None.
        ``fast``: the files are what discovering the run's paths found (no explicit files,
        no missing paths), so a later run may skip discovery while its folders are the same."""
        self.started_ns = time.time_ns()
        self._files = tuple(files)
        self._fast = fast
        self._stats = [signature(p) for p in self._files]
        digest = hashlib.sha256(f"{FORMAT}\0{self.key}\n".encode())
        text = "".join(
            [f"{path}\0{sig}\n" for path, sig in zip(self._files, self._stats, strict=True)]
        )
        digest.update(text.encode("utf-8", "surrogatepass"))
        self._entry = digest.hexdigest()
        try:
            payload = self.store.get_many("runs", [self._entry]).get(self._entry)
            if payload is None:
                return None
            entry = pickle.loads(payload)
            if not self._still_valid(entry):
                return None
            if fast and refresh:  # discovery found what it found before: skip it next time
                self._save_fast()
            result = entry["result"]
            listed = self._files
            documents = LazyDocuments(lambda: reload(listed))
            report = result.report
            if entry.get("graph"):
                report = replace(report, graph=_lazy_graph(documents, self.linkers))
            return replace(result, report=report, config=self.config, documents=documents)
        except Exception:  # noqa: BLE001 - an unusable entry is a miss
            return None

    def _still_valid(self, entry: Mapping[str, Any]) -> bool:
        if not all_unchanged(("file", path, sig) for path, sig in entry["deps"]):
            return False
        for path, sha in entry["racy"]:
            if content_hash(path) != sha:
                return False
        return all(listing(folder) == shown for folder, shown in entry["dirs"])

    def files(self, inner: Any) -> RecordingFiles:
        """File access for the rules of this run that records what they read."""
        return RecordingFiles(inner, self.deps, self.outside)

    def save(self, result: RunResult) -> None:
        """Keep ``result`` for the next run over the same files (never raises)."""
        if self._entry is None:
            return
        try:
            racy_from = self.started_ns - RACY_NS
            racy = [
                (path, content_hash(path))
                for path, sig in (*zip(self._files, self._stats, strict=True), *self.deps.items())
                if sig is not None and sig[1] >= racy_from and path not in self.outside
            ]
            stored = replace(
                result,
                report=replace(result.report, graph=None),
                config=None,
                documents=(),
            )
            entry = {
                "deps": sorted(self.deps.items()),
                "racy": racy,
                "dirs": [(d, listing(d)) for d in sorted(self.dirs)],
                "graph": result.report.graph is not None,
                "result": stored,
            }
            items = {self._entry: pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)}
        except Exception:  # noqa: BLE001 - something not picklable: not cached
            return
        self.store.put_many("runs", items)
        if self._fast:
            self._save_fast()

    def _save_fast(self) -> None:
        """Remember which files discovery found and what that depended on."""
        try:
            state = self._state
            if state is None:
                return
            fast = {"state": state, "files": self._files}
            payload = pickle.dumps(fast, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - not kept, that is all
            return
        self.store.put_many("runs", {f"fast:{self.key}": payload})

    def _roots(self) -> list[str]:
        roots = [
            os.path.abspath(os.path.join(self.options.cwd, p)) for p in self.options.paths
        ] or [os.path.abspath(self.options.cwd)]
        return sorted(set(roots))

    def before_discovery(self) -> None:
        """Take what the discovery about to run depends on, before it runs (see
        :mod:`synthgov.app.cache.discoverystate`), unless :meth:`lookup_unchanged` found the
        last one still holding; a run naming files keeps no list."""
        roots = self._roots()
        if self._state is None and all(os.path.isdir(r) for r in roots):
            from synthgov.app.cache.discoverystate import discovery_state

            self._state = discovery_state(roots, self.started_ns - RACY_NS)

    # ---- parse results

    def note_loader(self, loader: Any, path: str) -> None:
        """A file was claimed by ``loader``; an impure loader makes its folder a dependency."""
        if not is_pure(loader):
            self.dirs.add(os.path.dirname(path))

    def parse_key(self, loader: Any, path: str, shown: str, raw: bytes) -> str | None:
        if not is_pure(loader):
            return None
        digest = hashlib.sha256(
            f"{FORMAT}\0{self.code}\0{loader_name(loader)}\0{self.config.limits!r}\0"
            f"{path}\0{shown}\0".encode("utf-8", "surrogatepass")
        )
        digest.update(raw)
        return digest.hexdigest()

    def parse_get(self, order_of: Mapping[int, str]) -> Iterator[tuple[int, bytes]]:
        """Cached parse results as (file order, bytes); ``order_of`` maps order -> key."""
        orders: dict[str, list[int]] = {}
        for order, key in order_of.items():
            orders.setdefault(key, []).append(order)
        try:
            for key, blob in self.store.iter_many("parse", list(orders)):
                for order in orders.get(key, ()):
                    yield order, blob
        except Exception:  # noqa: BLE001 - a cache problem is a miss
            return

    def parse_put(self, items: Mapping[str, bytes]) -> None:
        try:
            self.store.put_many("parse", items)
        except Exception:  # noqa: BLE001 - not cached, that is all
            return


def _lazy_graph(documents: Sequence[Document], linkers: Sequence[Any]) -> Callable[[], Any]:
    def build() -> Any:
        from synthgov.lineage.graph import LineageGraph

        return LineageGraph.build(documents, linkers)

    return build
