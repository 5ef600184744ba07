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
   (:func:`discovery_state`); then the file list of the last run is used.
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
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.app.runner import CheckOptions, RunResult, Setup
    from synthgov.core.types import Document
    from synthgov.policy.config import Config

FORMAT = 1
ENV_DIR = "SYNTHGOV_CACHE_DIR"
DB_NAME = f"cache-v{FORMAT}.sqlite3"
#: files modified less than this before the run are checked by content next time
RACY_NS = 3_000_000_000
#: run entries kept (the most recent ones); parse entries expire after PARSE_TTL seconds
MAX_RUNS = 64
PARSE_TTL = 30 * 24 * 3600
#: the tables of the database: parse results, run results, repository indexes (index.py)
TABLES = ("parse", "runs", "repo_index")
#: tables that keep only their most recent entries (how many)
KEEP_LATEST = {"runs": MAX_RUNS, "repo_index": 32}  # index.MAX_INDEXES
BUSY_TIMEOUT = 5.0
BATCH = 500
#: environment variables that can change what a run reports (besides SYNTHGOV_*)
ENV_KEYS = (
    "GITHUB_ACTIONS",
    "GITHUB_EVENT_NAME",
    "GITHUB_BASE_REF",
    "GITHUB_HEAD_REF",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
)
#: loaders known to be pure functions of (path, bytes, display path, limits)
PURE_LOADERS = frozenset({"synthgov.loaders.native.NativeLoader"})
CODE_SUFFIXES = (".py", ".yaml", ".yml", ".json")

Signature = tuple[int, int, int, int] | None


# --------------------------------------------------------------------------- locations


def cache_dir(config: Config) -> str | None:
    """Where this run's cache lives (see the module documentation)."""
    from synthgov.repo.snapshot import user_cache_home

    env = os.environ.get(ENV_DIR, "").strip()
    if env:
        return os.path.abspath(os.path.expanduser(env))
    if config.cache_dir:
        return os.path.abspath(os.path.join(config.root, os.path.expanduser(config.cache_dir)))
    return user_cache_home()


# --------------------------------------------------------------------------- signatures


def signature(path: str) -> Signature:
    """(size, mtime_ns, inode, ctime_ns) of ``path``, or None when it cannot be stat'ed."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def all_unchanged(items: Iterable[tuple[str, str, Any]]) -> bool:
    """Whether every ``(kind, path, signature)`` still holds: ``kind`` "dir" compares
    :func:`_dir_signature`, anything else :func:`signature`."""
    return all(
        (_dir_signature(path) if kind == "dir" else signature(path)) == sig
        for kind, path, sig in items
    )


CHECK_BESIDE_FROM = 4096
"""Signatures from which :func:`check_beside` is worth a fork (about 1 ms here)."""


def check_beside(items: Sequence[tuple[str, str, Any]]) -> Callable[[], bool] | None:
    """Check :func:`all_unchanged` in a forked child while the caller goes on; returns the
    function that waits for its verdict, or None where there is no ``fork`` (then the
    caller checks itself). A warm run over 10,000 cards checks some 20,000 folders and
    20,000 files: about 70 ms each here, and ``stat`` holds the GIL too long for threads.
    The child only calls ``stat`` and leaves with ``os._exit`` (no buffers, no handlers)."""
    if not hasattr(os, "fork") or not sys.platform.startswith("linux"):
        return None
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return None  # a plugin's threads: forking them is not safe
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # pragma: no cover - the child; its exit status is the verdict
        code = 3
        try:
            code = 0 if all_unchanged(items) else 1
        finally:
            os._exit(code)

    def verdict() -> bool:
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return False
        return os.waitstatus_to_exitcode(status) == 0

    return verdict


def content_hash(path: str) -> str | None:
    """sha256 of a regular file; None for anything else (a FIFO is never opened for
    reading in blocking mode, so it cannot hang the run). At most the size ``fstat``
    reports is read: a file in ``/proc`` (size 0, endless content) costs nothing."""
    import stat

    digest = hashlib.sha256()
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return None
        left = st.st_size
        with os.fdopen(fd, "rb", closefd=False) as handle:
            while left > 0:
                block = handle.read(min(1 << 20, left))
                if not block:
                    break
                left -= len(block)
                digest.update(block)
    except (OSError, ValueError):
        return None
    finally:
        os.close(fd)
    return digest.hexdigest()


def listing(directory: str) -> tuple[tuple[str, Signature], ...]:
    """The entries of a folder with their signatures (for loaders that look around)."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return ()
    return tuple((name, signature(os.path.join(directory, name))) for name in names)


def code_fingerprint(objects: Sequence[Any]) -> str:
    """A hash of the signatures of synthgov's code and data files, and of the modules that
    define ``objects`` (plugins' rules, loaders, reporters)."""
    import synthgov

    roots = {os.path.dirname(os.path.abspath(synthgov.__file__))}
    for package in ("synthgov.policies", "synthgov.schemas"):
        module = sys.modules.get(package)
        locations = getattr(getattr(module, "__spec__", None), "submodule_search_locations", None)
        roots.update(os.path.abspath(p) for p in locations or ())
    files: set[str] = set()
    for root in roots:
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            files.update(os.path.join(folder, n) for n in names if n.endswith(CODE_SUFFIXES))
    for obj in objects:
        module = sys.modules.get(getattr(obj, "__module__", None) or type(obj).__module__)
        path = getattr(module, "__file__", None)
        if isinstance(path, str):
            files.add(os.path.abspath(path))
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(f"{path}\0{signature(path)}\n".encode())
    return digest.hexdigest()


def _loader_name(loader: Any) -> str:
    cls = type(loader)
    return f"{cls.__module__}.{cls.__qualname__}"


def is_pure(loader: Any) -> bool:
    return getattr(loader, "cacheable", None) is True or _loader_name(loader) in PURE_LOADERS


# --------------------------------------------------------------------------- secret and store


class Store:
    """Signed blobs in the tables of one SQLite database (:data:`TABLES`)."""

    def __init__(self, conn: Any, path: str, secret: bytes) -> None:
        self._conn = conn
        self._path = path
        self._secret = secret
        self._broken = False

    @classmethod
    def open(cls, directory: str) -> Store | None:
        from synthgov.repo.snapshot import signing_key

        secret = signing_key()
        if secret is None:
            return None
        import sqlite3

        path = os.path.join(directory, DB_NAME)
        for _attempt in range(2):
            try:
                os.makedirs(directory, exist_ok=True)
                conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
            except (OSError, sqlite3.Error):
                return None
            try:
                conn.execute("PRAGMA trusted_schema=OFF")
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                for table in TABLES:
                    conn.execute(
                        f"CREATE TABLE IF NOT EXISTS {table} "
                        "(key TEXT PRIMARY KEY, blob BLOB NOT NULL, created INTEGER NOT NULL)"
                    )
                return cls(conn, path, secret)
            except sqlite3.OperationalError:  # locked for longer than the timeout, read-only
                conn.close()
                return None
            except sqlite3.DatabaseError:  # not a database, or a damaged one: start afresh
                conn.close()
                _remove_database(path)
        return None

    def _mac(self, table: str, key: str, payload: bytes | memoryview) -> bytes:
        mac = hmac.new(self._secret, f"{FORMAT}\0{table}\0{key}\0".encode(), "sha256")
        mac.update(payload)
        return mac.digest()

    def get_many(self, table: str, keys: Sequence[str]) -> dict[str, bytes]:
        """The verified payloads of the keys found; a bad or missing entry is a miss."""
        return dict(self.iter_many(table, keys))

    def iter_many(self, table: str, keys: Sequence[str]) -> Iterator[tuple[str, bytes]]:
        """(key, verified payload) of the keys found, a batch at a time (so that 10,000
        entries are never all in memory at once)."""
        import sqlite3

        if self._broken or not keys:
            return
        try:
            for start in range(0, len(keys), BATCH):
                batch = list(keys[start : start + BATCH])
                marks = ",".join("?" * len(batch))
                rows = self._conn.execute(
                    f"SELECT key, blob FROM {table} WHERE key IN ({marks})", batch
                ).fetchall()
                for key, blob in rows:
                    if not isinstance(key, str) or not isinstance(blob, bytes) or len(blob) < 32:
                        continue
                    payload = memoryview(blob)[32:]
                    if hmac.compare_digest(blob[:32], self._mac(table, key, payload)):
                        yield key, bytes(payload)
        except sqlite3.OperationalError:
            return
        except sqlite3.DatabaseError:
            self._damaged()

    def put_many(self, table: str, items: Mapping[str, bytes]) -> None:
        import sqlite3

        if self._broken or not items:
            return
        now = int(time.time())
        rows = [(k, self._mac(table, k, v) + v, now) for k, v in items.items()]
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(
                    f"INSERT OR REPLACE INTO {table} (key, blob, created) VALUES (?, ?, ?)", rows
                )
                if table in KEEP_LATEST:
                    self._conn.execute(
                        f"DELETE FROM {table} WHERE key NOT IN "
                        f"(SELECT key FROM {table} ORDER BY created DESC, key LIMIT ?)",
                        (KEEP_LATEST[table],),
                    )
                else:
                    self._conn.execute("DELETE FROM parse WHERE created < ?", (now - PARSE_TTL,))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError:
            return  # busy: another run is writing; this run's results are simply not kept
        except sqlite3.DatabaseError:
            self._damaged()

    def _damaged(self) -> None:
        self._broken = True
        try:
            self._conn.close()
        except Exception:  # noqa: BLE001 - closing a damaged database may fail too
            pass
        _remove_database(self._path)


def _remove_database(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(path + suffix)
        except OSError:
            pass


# --------------------------------------------------------------------------- recording files


class RecordingFiles:
    """File access for rules that remembers every path asked about, with its signature
    taken before the first read (see :mod:`synthgov.repo.files`)."""

    def __init__(
        self, inner: Any, deps: dict[str, Signature], outside: set[str] | None = None
    ) -> None:
        self._inner = inner
        self._deps = deps
        self._outside = outside if outside is not None else set()

    def _note(self, path: Any) -> None:
        if isinstance(path, str | os.PathLike):
            full = os.path.abspath(os.fspath(path))
            if full not in self._deps:
                self._deps[full] = signature(full)
                inside = getattr(self._inner, "inside", None)
                if inside is not None and not inside(full):
                    self._outside.add(full)  # its content is never read, not even here

    def info(self, path: str) -> Any:
        self._note(path)
        return self._inner.info(path)

    def sha256(self, path: str) -> str | None:
        self._note(path)
        return self._inner.sha256(path)

    def read_bytes(self, path: str, limit: int) -> bytes | None:
        self._note(path)
        return self._inner.read_bytes(path, limit)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if not callable(attr):
            return attr

        def recorded(*args: Any, **kwargs: Any) -> Any:
            for value in (*args, *kwargs.values()):
                self._note(value)
            return attr(*args, **kwargs)

        return recorded


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


# --------------------------------------------------------------------------- the run cache


def _canonical(value: Any) -> str:
    return repr(value)


def run_key(options: CheckOptions, setup: Setup) -> tuple[str, str]:
    """(run key, code fingerprint) of a run; see the module documentation."""
    from synthgov import __version__
    from synthgov.core.dates import today

    registry = setup.registry
    objects = [*registry.rules.values(), *registry.loaders, *registry.reporters.values()]
    code = code_fingerprint(objects)
    env = sorted(
        (k, v)
        for k, v in os.environ.items()
        if (k.startswith("SYNTHGOV_") and k != ENV_DIR) or k in ENV_KEYS
    )
    parts: list[tuple[str, Any]] = [
        ("format", FORMAT),
        ("version", __version__),
        ("python", sys.version),
        ("code", code),
        ("options", replace(options, use_cache=True)),
        ("config", setup.config),
        ("policy", setup.policy),
        ("plugins", registry.plugins),
        ("rules", sorted((rid, _loader_name(rule)) for rid, rule in registry.rules.items())),
        ("loaders", [_loader_name(ld) for ld in registry.loaders]),
        ("models", (registry.model_entries, sorted(registry.model_terms.items()))),
        ("warnings", setup.warnings),
        ("today", today()),
        ("env", env),
    ]
    digest = hashlib.sha256()
    for label, value in parts:
        digest.update(f"{label}\0{_canonical(value)}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest(), code


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
    from synthgov.app.registries import lineage_linkers

    return RunCache(store, key, code, config, options, lineage_linkers(setup.registry.loaders))


Reload = Callable[[Sequence[str]], Sequence["Document"]]

# --------------------------------------------------------------------------- discovery state

#: git configuration files that can name ignore rules (core.excludesFile) or include others
_GIT_CONFIGS = ("/etc/gitconfig", "~/.gitconfig", "{xdg}/git/config", "{xdg}/git/ignore")


def _xdg_config() -> str:
    base = os.environ.get("XDG_CONFIG_HOME", "").strip()
    return base if os.path.isabs(base) else os.path.join(os.path.expanduser("~"), ".config")


def _git_dir(top: str) -> str | None:
    dotgit = os.path.join(top, ".git")
    if os.path.isdir(dotgit):
        return dotgit
    try:
        with open(dotgit, encoding="utf-8") as handle:
            first = handle.readline().strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not first.startswith("gitdir:"):
        return None
    return os.path.normpath(os.path.join(top, first[len("gitdir:") :].strip()))


def _dir_signature(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def discovery_state(roots: Sequence[str], racy_from: int) -> tuple[Any, ...] | None:
    """What the file list of a discovery under ``roots`` depends on, or None when that
    cannot be captured safely (then every run discovers).

    Every folder discovery walks (the signature of a folder changes when an entry is added,
    removed or renamed in it), whether each ancestor has a ``.git`` (which switches discovery
    to ``git ls-files``), and for git work trees the index, ``info/exclude``, every
    ``.gitignore`` on the way and the user's git configuration. Folders git ignores entirely
    are not walked. A folder changed within the racy window is not trusted.
    """
    import subprocess

    from synthgov.repo.discovery import SKIP_DIRS, git_toplevel
    from synthgov.repo.gitsafe import git_command

    state: list[tuple[str, str, Any]] = []
    for root in roots:
        if not os.path.isdir(root):
            return None
        probe = root
        while True:
            dotgit = os.path.join(probe, ".git")
            state.append(("file", dotgit, signature(dotgit)))
            parent = os.path.dirname(probe)
            if parent == probe:
                break
            probe = parent
        top = git_toplevel(root)
        ignored: set[str] = set()
        if top is not None:
            git_dir = _git_dir(top)
            if git_dir is None:
                return None
            for name in ("index", "config", os.path.join("info", "exclude")):
                path = os.path.join(git_dir, name)
                state.append(("file", path, signature(path)))
            for template in _GIT_CONFIGS:
                path = os.path.expanduser(template.format(xdg=_xdg_config()))
                state.append(("file", path, signature(path)))
                try:
                    with open(path, "rb") as handle:
                        text = handle.read().lower()
                except OSError:
                    continue
                if b"excludesfile" in text or b"include" in text:
                    return None  # ignore rules from files this state cannot see
            probe = root
            while probe != top and os.path.dirname(probe) != probe:
                probe = os.path.dirname(probe)
                path = os.path.join(probe, ".gitignore")
                state.append(("file", path, signature(path)))
            try:
                proc = subprocess.run(
                    git_command("ls-files", "-z", "--others", "--ignored",
                                "--exclude-standard", "--directory", "--", "."),
                    cwd=root, capture_output=True, timeout=60, check=False,
                )  # fmt: skip
            except (OSError, subprocess.SubprocessError):
                return None
            if proc.returncode != 0:
                return None
            for rel in proc.stdout.decode("utf-8", "surrogateescape").split("\0"):
                if rel.endswith("/"):
                    ignored.add(os.path.normpath(os.path.join(root, rel)))
        for folder, dirnames, filenames in os.walk(root, followlinks=False):
            sig = _dir_signature(folder)
            if sig is None or sig[0] >= racy_from:  # changed within the racy window
                return None
            state.append(("dir", folder, sig))
            if top is not None:
                dirnames[:] = sorted(
                    d for d in dirnames if d != ".git" and os.path.join(folder, d) not in ignored
                )
                if ".gitignore" in filenames:
                    path = os.path.join(folder, ".gitignore")
                    state.append(("file", path, signature(path)))
            else:
                dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
    return tuple(state)


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
        for baseline in (options.baseline, config.baseline):  # read by the runner itself
            if baseline:
                base = options.cwd if baseline == options.baseline else config.root
                path = os.path.abspath(os.path.join(base, baseline))
                self.deps[path] = signature(path)

    # ---- run results

    def lookup_unchanged(self, reload: Reload) -> RunResult | None:
        """The cached result of the last run with this key when no folder it discovered
        changed: the file list is reused without discovery (see :func:`discovery_state`)."""
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
            state = self._discovery_state()
            if state is None:
                return
            fast = {"state": state, "files": self._files}
            payload = pickle.dumps(fast, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - not kept, that is all
            return
        self.store.put_many("runs", {f"fast:{self.key}": payload})

    def _discovery_state(self) -> tuple[tuple[str, str, Any], ...] | None:
        roots = [
            os.path.abspath(os.path.join(self.options.cwd, p)) for p in self.options.paths
        ] or [os.path.abspath(self.options.cwd)]
        return discovery_state(sorted(set(roots)), self.started_ns - RACY_NS)

    # ---- parse results

    def note_loader(self, loader: Any, path: str) -> None:
        """A file was claimed by ``loader``; an impure loader makes its folder a dependency."""
        if not is_pure(loader):
            self.dirs.add(os.path.dirname(path))

    def parse_key(self, loader: Any, path: str, shown: str, raw: bytes) -> str | None:
        if not is_pure(loader):
            return None
        digest = hashlib.sha256(
            f"{FORMAT}\0{self.code}\0{_loader_name(loader)}\0{self.config.limits!r}\0"
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
