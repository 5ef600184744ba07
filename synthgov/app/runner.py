"""One ``synthgov check`` run: config, plugins, policy, discovery, loading, engine.

This is the layer that does I/O; :mod:`synthgov.engine.evaluate` stays pure. No click here: the CLI
turns options into a :class:`CheckOptions` and prints what comes back.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from synthgov.app.classify import Unread, classify, not_read, structured
from synthgov.app.classify import too_big as too_big_unread
from synthgov.core.types import Document, FileProblem, Finding, LoadResult, Severity
from synthgov.engine.report import Report, RuleMeta, exit_code, summarize
from synthgov.plugins.manager import Registry, load_registry
from synthgov.policy.config import CONFIG_NAMES, Config, find_config, load_config
from synthgov.policy.resolve import PolicyError, ResolvedPolicy, resolve
from synthgov.repo.discovery import discover, display_path, git_toplevel
from synthgov.repo.parsing.limits import Limits, size_problem

HEAD_BYTES = 4096
LAZY_MIN_FILES = 200  # from this many files on, load with synthgov.app.parallel
PROGRESS_MIN_FILES = 200  # from this many files on, a run reports its phases


@dataclass(frozen=True, eq=False)  # compared by identity; no __eq__ or __hash__ to build
class CheckOptions:
    """The options of synthgov check, as the CLI parsed them."""

    paths: tuple[str, ...] = ()
    config: str | None = None
    policies: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    diff_base: str | None = None
    policy_from_ref: str | None = None
    baseline: str | None = None
    use_cache: bool = True
    color: bool = False
    cwd: str = field(default_factory=os.getcwd)
    #: measure the data files and compare them with the cards (synthgov verify)
    verify_data: bool = False
    #: the measuring engine (duckdb, spark); None: the config's verify.engine, else duckdb
    engine: str | None = None
    #: called as progress(done, total, label) while data files are measured
    progress: Callable[[int, int, str], None] | None = field(default=None, repr=False)
    #: the config's exclude applies to files named on the command line too (pre-commit)
    force_exclude: bool = False
    #: called with a short status line during long runs (the CLI shows it on a terminal);
    #: not part of the run's identity (no repr: the cache key is built from the repr)
    status: Callable[[str], None] | None = field(default=None, repr=False)


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class Loaded:
    """The documents and file problems of the files that loaders claimed."""

    documents: tuple[Document, ...]
    problems: tuple[tuple[str, FileProblem], ...]
    files: int  # files that a loader claimed
    unread: tuple[tuple[str, Unread], ...] = ()  # (absolute path, why no loader reads it)


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class RunResult:
    """The report, exit code and warnings of one check run."""

    report: Report
    exit_code: int
    warnings: tuple[str, ...] = ()
    config: Config | None = None
    #: every document loaded (targets and context), e.g. for ``synthgov graph``
    documents: tuple[Document, ...] = ()
    #: what data verification measured (synthgov.verify.model.Verification), if it ran
    verification: Any = None


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class Setup:
    """Config, plugin registry and resolved policy: what prepare() builds."""

    config: Config
    registry: Registry
    policy: ResolvedPolicy
    warnings: tuple[str, ...]


def prepare(options: CheckOptions, reader: Callable[[str], bytes | None] | None = None) -> Setup:
    """Config, plugins and policy: everything that can fail closed (PolicyError)."""
    from synthgov.policy.resolve import default_reader

    cwd = options.cwd
    read = reader or default_reader
    finder: Callable[[str], str | None] = find_config
    untrusted: str | None = None
    if reader is None and options.policy_from_ref is not None:
        # policies and config as they are at the ref: a change cannot weaken its own judge,
        # nor run its own code as a plugin
        from synthgov.app.gitdiff import ref_files

        at_ref = ref_files(cwd, options.policy_from_ref)
        read, finder, untrusted = at_ref.read, at_ref.find_config, at_ref.root

    def show(path: str) -> str:
        return display_path(path, cwd)

    config_path = os.path.abspath(os.path.join(cwd, options.config)) if options.config else None
    if config_path is None:
        config_path = finder(cwd)
    config = load_config(config_path, cwd=cwd, reader=read, display=show)
    registry = load_registry(config.plugins, untrusted_root=untrusted)
    refs = options.policies or config.policies
    if options.policies:
        origin_label, origin_dir = "--policy", cwd
    else:
        origin_label = show(config.path) if config.path else "default config"
        origin_dir = config.root
    policy = resolve(
        refs,
        origin_label=origin_label,
        origin_dir=origin_dir,
        rules=registry.rules,
        packs=registry.packs,
        reader=read,
        display=show,
        plugin_packs={info.name: info.policies for info in registry.plugins},
    )
    if config.path and config.path not in policy.files:
        policy = ResolvedPolicy(
            rules=policy.rules,
            settings=policy.settings,
            custom=policy.custom,
            files=(config.path, *policy.files),
            names=policy.names,
        )
    return Setup(config, registry, policy, registry.errors)


def load_files(
    files: Sequence[str], loaders: Sequence[Any], cwd: str, limits: Limits, cache: Any = None
) -> Loaded:
    if cache is not None or len(files) >= LAZY_MIN_FILES:  # parse cache, both cores
        from synthgov.app.parallel import load_many

        return load_many(files, loaders, cwd, limits, cache)
    documents: list[Document] = []
    problems: list[tuple[str, FileProblem]] = []
    unread: list[tuple[str, Unread]] = []
    claimed = 0
    for path in files:
        shown = display_path(path, cwd)
        result = read_one(path, shown, loaders, limits)
        if isinstance(result, Unread):
            unread.append((path, result))
            if result.problem is None:
                continue
            result = LoadResult((), (result.problem,))
        claimed += 1
        documents.extend(result.documents)
        problems.extend((shown, p) for p in result.problems)
    return Loaded(tuple(documents), tuple(problems), claimed, tuple(unread))


def load_one(path: str, shown: str, loaders: Sequence[Any], limits: Limits) -> LoadResult | None:
    """Load one file with the loader that claims it; None when no loader does."""
    result = read_one(path, shown, loaders, limits)
    if isinstance(result, Unread):
        return None if result.problem is None else LoadResult((), (result.problem,))
    return result


def read_one(path: str, shown: str, loaders: Sequence[Any], limits: Limits) -> LoadResult | Unread:
    """Load one file with the first loader whose sniff claims it; a YAML or JSON file that
    no sniff claims is parsed and classified (:mod:`synthgov.app.classify`). An :class:`Unread`
    says why no loader reads the file."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block the run, a device never end
            raise IsADirectoryError(0, "not a regular file")
        size = st.st_size
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        if path.lower().endswith((".yaml", ".yml", ".json", ".jsonld", ".md")):
            reason = exc.strerror or type(exc).__name__
            return LoadResult((), (FileProblem("SG001", f"cannot read file: {reason}"),))
        return Unread(not_read(path))
    loader = next((ld for ld in loaders if _sniff(ld, path, head)), None)
    if loader is None and not structured(path):
        return Unread(not_read(path))
    too_big = size_problem(size, limits)
    if too_big is not None:
        return too_big_unread(size, limits) if loader is None else LoadResult((), (too_big,))
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
        if loader is None:
            found = classify(path, raw, loaders, limits)
            if isinstance(found, Unread):
                return found
            loader = loaders[found]
        return loader.load(path, raw, shown, limits)
    except Exception as exc:  # noqa: BLE001 - a loader bug must not become a traceback
        return LoadResult(
            (), (FileProblem("SG001", f"could not load: {type(exc).__name__}: {exc}"),)
        )


def _sniff(loader: Any, path: str, head: bytes) -> bool:
    try:
        return bool(loader.sniff(path, head))
    except Exception:  # noqa: BLE001 - a broken sniff claims nothing
        return False


def context_roots(options: CheckOptions, config: Config) -> list[str]:
    """The project folder of each path of the run: where the documents that give them
    context are found (SPEC section 9: a named file is checked with its repository).

    The folder of the run's config when the path is inside it; else the nearest folder above
    the path with a config of its own (within its git work tree); else the git work tree;
    else the working directory (or the path's own folder when it is outside it).
    """
    roots: set[str] = set()
    for given in options.paths or (".",):
        path = os.path.abspath(os.path.join(options.cwd, given))
        start = path if os.path.isdir(path) else os.path.dirname(path)
        roots.add(_project_root(start, options.cwd, config))
    return sorted(roots)


def _project_root(start: str, cwd: str, config: Config) -> str:
    if config.path and _under(start, config.root):
        return config.root
    top = git_toplevel(start)
    found = find_config(start)
    if found is not None and (top is None or _under(os.path.dirname(found), top)):
        return os.path.dirname(found)
    if top is not None:
        return top
    return cwd if _under(start, cwd) else start


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _covers(options: CheckOptions, root: str) -> bool:
    """Whether the paths of the run (the working directory by default) hold ``root``."""
    for given in options.paths or (".",):
        if _under(root, os.path.abspath(os.path.join(options.cwd, given))):
            return True
    return False


def run_check(options: CheckOptions, setup: Setup) -> RunResult:
    from synthgov.core.dates import today
    from synthgov.engine.context import RunContext
    from synthgov.engine.evaluate import evaluate

    config, registry, policy = setup.config, setup.registry, setup.policy
    cwd = options.cwd
    selection = rule_selection(options, setup)  # typos fail closed (TypoError, a ValueError)
    check_paths(options)
    cache = None
    if (
        options.use_cache
        and config.cache_enabled
        and options.diff_base is None
        and not options.verify_data  # data files have their own per-file measure cache
        and options.policy_from_ref is None  # the ref may move: its waivers, its baseline
    ):
        from synthgov.app.cache import open_cache

        cache = open_cache(options, setup)

    def reload(listed: Sequence[str]) -> Sequence[Document]:  # a hit's documents, on demand
        return load_files(listed, registry.loaders, cwd, config.limits, cache).documents

    if cache is not None:  # nothing changed since the last run: no discovery, no reading
        hit = cache.lookup_unchanged(reload)
        if hit is not None:
            return hit
    found = discover(
        options.paths,
        cwd=cwd,
        root=config.root,
        include=config.include,
        exclude=config.exclude,
        force_exclude=options.force_exclude,
    )
    warnings = list(setup.warnings)
    for missing in found.missing:
        warnings.append(f"path not found: {missing}")
    targets = set(found.files)
    files = set(found.files)
    diff = _diff_info(options, setup) if options.diff_base is not None else None
    # context is always the whole project: a folder or a subfolder run reports only on its
    # own files, but the cards elsewhere still resolve (no false SG004)
    roots = context_roots(options, config)
    if found.explicit or diff is not None:
        missing_context = roots
    else:
        missing_context = [r for r in roots if not _covers(options, r)]
    plan = None  # a commit-time run through the repository index (synthgov/app/index.py)
    if found.explicit and diff is None and cache is not None:
        from synthgov.app.index import RunParts, plan_commit_run

        parts = RunParts(
            load=lambda paths: load_files(paths, registry.loaders, cwd, config.limits, cache),
            files=_local_files(options, config, None),
            registry_factory=_registry_factory(registry, config, policy),
            selection=selection,
        )
        plan = plan_commit_run(options, setup, cache, found, tuple(roots), parts)
    say = None
    if plan is not None:
        files.update(plan.files)
        loaded = Loaded(plan.documents, plan.problems, plan.claimed, plan.unread)
    else:
        if missing_context:
            ctx_found = discover(
                missing_context,
                cwd=cwd,
                root=config.root,
                include=config.include,
                exclude=config.exclude,
            )
            files.update(ctx_found.files)
        if cache is not None:
            fast = not found.explicit and not found.missing and files == targets
            hit = cache.lookup(sorted(files), reload, fast=fast)
            if hit is not None:
                return hit
        say = options.status if len(files) >= PROGRESS_MIN_FILES else None
        if say is not None:
            say(f"reading {len(files)} files")
        loaded = load_files(sorted(files), registry.loaders, cwd, config.limits, cache)
    documents = loaded.documents
    warnings.extend(_unread_notes(loaded.unread, found, documents, cwd))
    if say is not None:
        say(f"checking {len(documents)} documents")
    if plan is not None:
        targets.update(plan.naming)
    elif found.explicit:  # data files given explicitly (pre-commit) select the cards naming them
        targets.update(_cards_naming(found.explicit, documents, cwd))
    problems = (*loaded.problems, *_unreadable_folders(found, cwd))
    waiver_base = None
    if diff is not None or options.policy_from_ref is not None:
        waiver_base = _waiver_base(options, documents, registry.loaders, config.limits, diff)
    run = RunContext(
        documents=documents,
        files=_local_files(options, config, cache),
        today=today(),
        settings=policy.settings,
        registry_factory=_registry_factory(registry, config, policy),
        diff=diff,
        waiver_base=waiver_base,
    )
    scoped = diff is None and (bool(found.explicit) or len(files) != len(targets))
    shown_targets = {display_path(p, cwd) for p in targets} if scoped else None
    if shown_targets is not None:
        shown_targets.update(display_path(folder, cwd) for folder, _ in found.unreadable)
    if options.verify_data:
        scope = shown_targets
        if diff is not None:
            scope = {display_path(p, cwd) for p in targets}
        run = replace(run, verification=_verify(options, setup, run, scope))
    findings = evaluate(
        documents=documents,
        problems=problems,
        rules=registry.rules,
        policy=policy,
        run=run,
        selection=selection,
        report_on=shown_targets,
    )
    if shown_targets is not None:
        n_docs = sum(1 for d in documents if d.path in shown_targets)
        n_files = len(targets)
    else:
        n_docs, n_files = len(documents), loaded.files
    if diff is not None:
        findings, n_files, n_docs = _diff_scope(findings, documents, diff, run, targets, cwd)
    baselined = 0
    if options.baseline:
        findings, baselined = _apply_baseline(findings, options, run.files)
    fail_on = Severity.parse(options.fail_on or config.fail_on)
    everything: Any = documents  # a tuple, or the index's lazily loaded documents
    if plan is not None:  # the report names every document; the rest is loaded on demand
        from synthgov.app.index import documents_of

        everything = documents_of(plan, reload)
    report = build_report(
        findings,
        registry,
        policy,
        n_files,
        n_docs,
        options.color,
        plan.ids if plan is not None else documents,
        baselined,
    )
    graph = _graph_of(everything) if plan is not None else lambda: run.graph
    report = replace(report, graph=graph, fail_on=fail_on)
    if run.verification is not None:
        report = replace(report, verification=tuple(run.verification.all_claims()))
    result = RunResult(
        report,
        exit_code(findings, fail_on),
        tuple(warnings),
        config,
        everything if plan is not None else tuple(documents),
        run.verification,
    )
    if cache is not None:
        cache.save(result)
    return result


def _graph_of(documents: Sequence[Document]) -> Callable[[], Any]:
    def build() -> Any:
        from synthgov.lineage.graph import LineageGraph

        return LineageGraph.build(documents)

    return build


def repository_roots(options: CheckOptions, config: Config) -> tuple[str, ...]:
    """The folders whose files rules may read: for each path checked, the git work tree
    that holds it, else the config's folder or the working directory when it lies inside
    them, else the path's own folder (docs/security.md)."""
    roots: set[str] = set()
    cwd = options.cwd
    for given in options.paths or (".",):
        path = os.path.abspath(os.path.join(cwd, given))
        top = git_toplevel(path)
        if top is not None:
            roots.add(top)
            continue
        for candidate in (config.root if config.path else None, cwd):
            if candidate and _is_within(path, candidate):
                roots.add(candidate)
                break
        else:
            roots.add(path if os.path.isdir(path) else os.path.dirname(path))
    return tuple(sorted(roots))


def _is_within(path: str, folder: str) -> bool:
    folder = os.path.abspath(folder)
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _local_files(options: CheckOptions, config: Config, cache: Any) -> Any:
    from synthgov.repo.files import LocalFiles

    limits = config.limits
    baseline = options.baseline  # named by the operator, not by a card
    files = LocalFiles(
        repository_roots(options, config),
        also=(os.path.join(options.cwd, baseline),) if baseline else (),
        max_hash_bytes=limits.max_hash_bytes,
        hash_seconds=limits.hash_seconds,
    )
    return files if cache is None else cache.files(files)


def _verify(options: CheckOptions, setup: Setup, run: Any, scope: set[str] | None) -> Any:
    """Measure the data files of the cards in scope and compare them with the claims."""
    from synthgov.rules.verification import MEASURE_PARAMS
    from synthgov.verify import compare
    from synthgov.verify.measure import display_from, run_verification
    from synthgov.verify.model import MeasureParams

    try:
        import duckdb  # noqa: F401 - the engine's import, checked here for a clear message
    except ImportError:
        raise PolicyError(
            "--verify-data", None, "data verification needs DuckDB: pip install duckdb"
        ) from None
    engine, files = _verify_engine(options, setup)
    policy = setup.policy
    params_by_rule = {
        rule_id: dict(setting.params)
        for rule_id, setting in policy.rules.items()
        if rule_id.startswith("SG5") and setting.enabled
    }
    values: dict[str, Any] = {}
    for name, (rule_id, param) in MEASURE_PARAMS.items():
        rule = setup.registry.rules.get(rule_id)
        default = rule.parameter_defaults().get(param) if rule is not None else None
        setting = policy.rules.get(rule_id)
        value = setting.params.get(param, default) if setting is not None else default
        if value is not None:
            values[name] = tuple(value) if isinstance(value, list) else value
    params = MeasureParams(**values)
    folder = None
    if options.use_cache and setup.config.cache_enabled:
        from synthgov.app.cache import cache_dir

        base = cache_dir(setup.config)
        folder = os.path.join(base, "verify") if base else None
    verification = run_verification(
        run.documents,
        scope,
        run.graph,
        files,
        params,
        display_from(options.cwd),
        cache_folder=folder,
        engine=engine,
        progress=options.progress,
    )
    by_path = {d.path: d for d in run.documents}
    claims = {
        path: tuple(compare.claims(by_path[path], dm, params_by_rule))
        for path, dm in verification.datasets.items()
        if scope is None or path in scope
    }
    return replace(verification, claims=claims)


def rule_selection(options: CheckOptions, setup: Setup) -> Any:
    """``--select``/``--ignore`` as canonical ids; an unknown id or prefix is a TypoError."""
    from synthgov.app.suggest import resolve_ids, split_ids
    from synthgov.engine.evaluate import Selection

    known = {*setup.registry.rules, *setup.policy.rules}
    select = resolve_ids("--select", split_ids(options.select), known)
    ignore = resolve_ids("--ignore", split_ids(options.ignore), known)
    return Selection(select, ignore)


def check_paths(options: CheckOptions) -> None:
    """Every path named must exist: a typo would otherwise check nothing and pass."""
    from synthgov.app.suggest import TypoError, missing_path

    for given in options.paths:
        if not os.path.lexists(os.path.join(options.cwd, given)):
            raise TypoError(missing_path(given, options.cwd))


def _verify_engine(options: CheckOptions, setup: Setup) -> tuple[Any, Any]:
    """The engine and file access of a verification: DuckDB (None: the default) and local
    files, or Spark (issue 17, synthgov.verify.spark_engine) with storage URIs."""
    raw = setup.config.raw.get("verify") or {}
    name = options.engine or raw.get("engine") or "duckdb"
    if name != "spark":
        return None, _local_files(options, setup.config, None)
    from synthgov.verify import spark_engine

    spark = raw.get("spark") or {}
    base = setup.config.root
    uris = {
        os.path.normpath(os.path.join(base, rel)): uri
        for rel, uri in (spark.get("paths") or {}).items()
    }
    settings = spark_engine.SparkSettings(
        master=spark.get("master") or spark_engine.DEFAULT_MASTER,
        conf=dict(spark.get("conf") or {}),
        uris=uris,
    )
    try:
        engine = spark_engine.open_engine(settings)
    except spark_engine.EngineUnavailable as exc:
        raise PolicyError("--engine spark", None, str(exc)) from None
    return engine, spark_engine.SparkFiles(repository_roots(options, setup.config), engine)


def _diff_info(options: CheckOptions, setup: Setup) -> Any:
    """What changed since the merge base of ``--diff-base`` (GitPython, imported here)."""
    from synthgov.app.gitdiff import changes_since
    from synthgov.engine.context import DiffInfo
    from synthgov.policy.config import CONFIG_NAMES

    changes = changes_since(options.cwd, options.diff_base or "")
    policy_files = {os.path.realpath(p) for p in setup.policy.files}
    policy_files.update(os.path.normpath(os.path.abspath(p)) for p in setup.policy.files)
    changed_policy = []
    for name in changes.names:
        path = os.path.normpath(os.path.join(changes.root, name))
        if (
            os.path.basename(path) in CONFIG_NAMES
            or path in policy_files
            or os.path.realpath(path) in policy_files
        ):
            changed_policy.append(display_path(path, options.cwd))
    return DiffInfo(
        base=changes.base,
        changed=changes.changed,
        policy_changed=tuple(sorted(changed_policy)),
        merge_base=changes.merge_base,
    )


def _unreadable_folders(found: Any, cwd: str) -> list[tuple[str, FileProblem]]:
    """An SG001 finding per folder that discovery could not list: cards in it are unseen."""
    return [
        (
            display_path(folder, cwd),
            FileProblem(
                "SG001",
                f"cannot read folder: {reason}; the documents in it were not checked",
                hint="make the folder readable, or exclude it in synthgov.yaml (exclude:)",
            ),
        )
        for folder, reason in found.unreadable
    ]


def _unread_notes(
    unread: Sequence[tuple[str, Unread]], found: Any, documents: Sequence[Document], cwd: str
) -> list[str]:
    """One line per checked file that no loader reads and that must not vanish silently: a
    candidate that could not be classified, or a file named on the command line that is
    neither read nor named by a card (a data file or prompt)."""
    if not unread:
        return []
    selected = set(found.files)
    named: set[str] = set()
    if found.explicit:
        from synthgov.rules.diffmode import named_files

        named = {os.path.normpath(p) for doc in documents for _, p in named_files(doc)}
    notes = []
    for path, why in sorted(unread, key=lambda item: item[0]):
        if why.problem is not None or path not in selected:
            continue  # a finding says it, or only context
        if os.path.basename(path) in CONFIG_NAMES and not why.notice:
            continue  # the config: read as such, not as a document
        if why.notice or (path in found.explicit and os.path.normpath(path) not in named):
            notes.append(f"{display_path(path, cwd)} was not read: {why.reason}")
    return notes


def _waiver_base(
    options: CheckOptions,
    documents: Sequence[Document],
    loaders: Sequence[Any],
    limits: Limits,
    diff: Any,
) -> Any:
    """Gate mode: the waivers of every document file that has any, as they were at the merge
    base (diff mode) or at ``--policy-from-ref``. Only files with waivers are read from git."""
    from synthgov.engine.context import WaiverBase, waiver_key

    current: dict[tuple[str, str | None], frozenset[str]] = {}  # (path, id) -> waivers now
    for doc in documents:
        waivers = doc.get(("governance", "waivers"))
        if isinstance(waivers, list):
            key = (doc.path, doc.id)
            current[key] = current.get(key, frozenset()) | {waiver_key(w) for w in waivers}
    with_waivers = sorted({path for path, _ in current})
    if diff is not None:
        commit, label = diff.merge_base, diff.base
    else:
        from synthgov.app.gitdiff import ref_files

        at_ref = ref_files(options.cwd, options.policy_from_ref or "")
        commit, label = at_ref.commit, options.policy_from_ref or ""
    known: dict[tuple[str, str | None], frozenset[str]] = {}
    full = {os.path.normpath(os.path.join(options.cwd, p)): p for p in with_waivers}
    if diff is not None:  # a file the change did not touch holds the base's waivers
        for path, shown in list(full.items()):
            if not diff.is_changed(path):
                known.update((k, v) for k, v in current.items() if k[0] == shown)
                del full[path]
    if full:
        from synthgov.app.gitdiff import blobs_at

        for path, raw in blobs_at(options.cwd, commit, sorted(full)).items():
            if raw is None:  # not a regular file at the base: every waiver in it is new
                continue
            shown = full[path]
            loader = next((ld for ld in loaders if _sniff(ld, path, raw[:HEAD_BYTES])), None)
            try:
                loaded = loader.load(path, raw, shown, limits) if loader else None
            except Exception:  # noqa: BLE001 - unreadable at the base: nothing was there
                loaded = None
            for doc in loaded.documents if loaded is not None else ():
                waivers = doc.get(("governance", "waivers"))
                if isinstance(waivers, list):
                    key = (shown, doc.id)
                    known[key] = known.get(key, frozenset()) | {waiver_key(w) for w in waivers}
    return WaiverBase(label, known)


def _cards_naming(explicit: frozenset[str], documents: Sequence[Document], cwd: str) -> set[str]:
    """Absolute paths of the cards that name one of the given files (data, prompts)."""
    from synthgov.rules.diffmode import named_files

    wanted = {os.path.normpath(p) for p in explicit}
    return {
        os.path.normpath(os.path.join(cwd, doc.path))
        for doc in documents
        if any(path in wanted for _, path in named_files(doc))
    }


def _diff_scope(
    findings: Sequence[Finding],
    documents: Sequence[Document],
    diff: Any,
    run: Any,
    targets: set[str],
    cwd: str,
) -> tuple[list[Finding], int, int]:
    """Diff mode: keep findings of changed documents and of documents whose lineage reaches
    one (SPEC section 11), plus changed files that are not documents and changed policies.

    A card also counts as changed when a file it names changed (SG406 lands on it).
    """
    from synthgov.core.types import DATASET_CARD, PIPELINE
    from synthgov.lineage.graph import dataset_node, pipeline_node
    from synthgov.rules.diffmode import named_files

    def changed(doc: Document) -> bool:
        if diff.is_changed(os.path.join(cwd, doc.path)):
            return True
        return any(diff.is_changed(path) for _, path in named_files(doc))

    graph = run.graph
    touched = [d for d in documents if changed(d)]
    datasets: set[str] = set()
    for doc in touched:
        if doc.kind == DATASET_CARD and doc.id:
            datasets.add(dataset_node(doc.id))
        elif doc.kind == PIPELINE and doc.id:  # what its stages produce now derives differently
            datasets.update(_pipeline_datasets(graph, pipeline_node(doc.id), outputs_only=True))
    for node in list(datasets):
        datasets.update(graph.downstream(node))
    in_scope = {d.path for d in touched}
    for doc in documents:
        if doc.kind == DATASET_CARD and doc.id and dataset_node(doc.id) in datasets:
            in_scope.add(doc.path)
        elif doc.kind == PIPELINE and doc.id:
            if _pipeline_datasets(graph, pipeline_node(doc.id)) & datasets:
                in_scope.add(doc.path)
    shown_targets = {display_path(p, cwd) for p in targets}
    in_scope &= shown_targets
    keep = in_scope | set(diff.policy_changed)
    keep |= {display_path(p, cwd) for p in diff.changed} & shown_targets
    kept = [f for f in findings if f.path in keep]
    n_docs = sum(1 for d in documents if d.path in in_scope)
    n_files = len(in_scope | {f.path for f in kept})
    return kept, n_files, n_docs


def _pipeline_datasets(graph: Any, pipeline: str, outputs_only: bool = False) -> set[str]:
    from synthgov.lineage.graph import INPUT, OUTPUT, STAGE

    found: set[str] = set()
    for stage in graph.out_edges(pipeline, STAGE):
        found.update(e.dst for e in graph.out_edges(stage.dst, OUTPUT))
        if not outputs_only:
            found.update(e.src for e in graph.in_edges(stage.dst, INPUT))
    return found


def _apply_baseline(
    findings: Sequence[Finding], options: CheckOptions, files: Any
) -> tuple[list[Finding], int]:
    """Drop findings listed in the baseline; with --policy-from-ref it is read at the ref too.

    Otherwise it is read through the run's file access, so a result cache sees it as an input.
    """
    from synthgov.app import baseline as baselinefile

    path = os.path.abspath(os.path.join(options.cwd, options.baseline or ""))
    shown = display_path(path, options.cwd)

    def from_run(target: str) -> bytes | None:
        return files.read_bytes(target, baselinefile.MAX_BYTES)

    reader: Callable[[str], bytes | None] = from_run
    if options.policy_from_ref is not None:
        from synthgov.app.gitdiff import ref_files

        reader = ref_files(options.cwd, options.policy_from_ref).read
        shown = f"{shown} (at {options.policy_from_ref})"
    base = baselinefile.load(path, shown, reader=reader)
    return baselinefile.apply(findings, base, options.cwd)


def model_registry(setup: Setup) -> Any:
    """The model registry of a run: built-in, plugin, policy and config entries."""
    return _registry_factory(setup.registry, setup.config, setup.policy)()


def _registry_factory(registry: Registry, config: Config, policy: ResolvedPolicy) -> Any:
    def factory() -> Any:
        from synthgov.models.registry import ModelRegistry

        reg = ModelRegistry.builtin()
        extra = [*registry.model_entries]
        if extra or registry.model_terms:
            reg = reg.extended(extra, registry.model_terms, source="plugin")
        settings_models = policy.settings.get("models") if policy.settings else None
        if settings_models:
            reg = reg.extended(list(settings_models), None, source="policy")
        if config.models:
            reg = reg.extended(list(config.models), None, source="config")
        return reg

    return factory


def build_report(
    findings: Sequence[Finding],
    registry: Registry,
    policy: ResolvedPolicy,
    files: int,
    documents: int | Sequence[Document],
    color: bool,
    docs: Sequence[Any] = (),  # documents, or index.IdPath (id and path)
    baselined: int = 0,
) -> Report:
    from synthgov import __version__

    metas = rule_metas(registry, policy)
    n_docs = documents if isinstance(documents, int) else len(documents)
    return Report(
        findings=tuple(findings),
        summary=summarize(findings, files, n_docs, baselined),
        version=__version__,
        rules=metas,
        color=color,
        policies=policy.names,
        documents={d.id: d.path for d in docs if d.id},
    )


def rule_metas(registry: Registry, policy: ResolvedPolicy) -> dict[str, RuleMeta]:
    metas = {
        rule.id: RuleMeta(
            id=rule.id,
            name=rule.name,
            summary=rule.doc.summary,
            description=rule.doc.description or rule.doc.summary,
            default_severity=rule.severity,
            help=rule.doc.description,
            plugin=getattr(rule, "plugin", "synthgov"),
        )
        for rule in registry.rules.values()
    }
    for spec in policy.custom:
        metas[spec.id] = RuleMeta(
            id=spec.id,
            name=spec.title,
            summary=spec.title,
            description=spec.message,
            default_severity=spec.severity,
            help=spec.hint or spec.message,
            plugin=f"policy {spec.origin}",
        )
    return metas


__all__ = ["CheckOptions", "PolicyError", "RunResult", "prepare", "run_check"]
