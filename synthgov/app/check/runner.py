"""One ``synthgov check`` run: config, plugins, policy, discovery, loading, engine.

This is the layer that does I/O; :mod:`synthgov.engine.evaluate` stays pure. No click here: the CLI
turns options into a :class:`CheckOptions` and prints what comes back.

:func:`run_check` reads as the run's flow: prepare -> discover -> scope -> load -> context ->
evaluate -> baseline -> report. The steps live in modules named for what they hold:
:mod:`~synthgov.app.check.prepare` (config, plugins, policy, ``--select``),
:mod:`~synthgov.app.check.loading` (one file, one decision), :mod:`~synthgov.app.check.roots`
(project and repository folders),
:mod:`~synthgov.app.check.registries` (model registry and lineage linkers passed to the engine),
:mod:`~synthgov.app.check.scope` and :mod:`~synthgov.app.check.waiverbase` (diff and gate mode),
:mod:`~synthgov.app.check.verifydata` and :mod:`~synthgov.app.check.reporting`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from synthgov.app.check.loading import Loaded, load_one
from synthgov.app.check.options import CheckOptions, RunResult, Setup
from synthgov.app.check.prepare import prepare
from synthgov.app.check.registries import model_registry
from synthgov.app.check.reporting import (
    apply_baseline,
    build_report,
    excluded_notice,
    unread_notes,
    unreadable_folders,
)
from synthgov.app.check.roots import context_roots, covers, local_files
from synthgov.app.check.runstate import RunState, begin, load_files
from synthgov.core.types import Document, FileProblem, Finding, Severity
from synthgov.engine.report import exit_code
from synthgov.policy.resolve import PolicyError
from synthgov.repo.discovery import Discovered, display_path

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.engine.context import DiffInfo, RunContext
    from synthgov.lineage.types import Linker

PROGRESS_MIN_FILES = 200  # from this many files on, a run reports its phases


class _Files:
    """The files of a commit-time plan's run: the targets and the index's files, gathered
    only if something asks (their number, for a run that names no file)."""

    def __init__(self, targets: Sequence[str], indexed: Sequence[str]) -> None:
        self._parts = (targets, indexed)

    def __len__(self) -> int:
        return len({*self._parts[0], *self._parts[1]})


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class _Gathered:
    """What the load step read: the documents and the files behind them."""

    loaded: Loaded
    files: frozenset[str] | _Files  # every file looked at, targets and context (absolute)
    plan: Any  # a commit-time plan of the repository index (app.index.Plan), or None
    say: Callable[[str], None] | None  # the status line of a long run


def run_check(options: CheckOptions, setup: Setup) -> RunResult:
    """One check run: prepare -> discover -> scope -> load -> context -> evaluate ->
    baseline -> report. A result cache answers early when nothing changed."""
    run = begin(options, setup)
    # nothing changed since the last run: no discovery, no reading (--staged: the result
    # cache knows files by their signature on disk, not by what git's index holds)
    if run.cache is not None and not options.staged:
        hit = run.cache.lookup_unchanged(run.reload)
        if hit is not None:
            return hit
        run.cache.before_discovery()
    found = run.discover(options.paths, force_exclude=options.force_exclude)
    warnings = [*setup.warnings, *(f"path not found: {m}" for m in found.missing)]
    notices = excluded_notice(found.excluded, options.cwd)  # --force-exclude: said, not silent
    diff = _diff_info(options, setup) if options.diff_base is not None else None
    gathered = _gather(run, found, diff)
    if isinstance(gathered, RunResult):  # the result cache had this run
        return gathered
    documents = gathered.loaded.documents
    warnings.extend(unread_notes(gathered.loaded.unread, found, documents, options.cwd))
    if gathered.say is not None:
        gathered.say(f"checking {len(documents)} documents")
    targets = _targets(run, found, gathered)
    context = _context(run, documents, diff)
    report_on = _report_on(run, found, gathered, targets, diff)
    if options.verify_data:
        context = _with_verification(run, context, report_on, targets, diff)
    problems = _problems(gathered.loaded, found, options.cwd)
    findings = _evaluate(run, context, problems, report_on)
    n_files, n_docs = _counts(gathered, documents, targets, report_on)
    if diff is not None:
        findings, n_files, n_docs = _diff_scope(findings, diff, context, targets, options.cwd)
    baselined = 0
    if options.baseline:
        findings, baselined = apply_baseline(findings, options, context.files)
    counts = (n_files, n_docs, baselined)
    return _finish(run, gathered, context, findings, counts, (tuple(warnings), notices))


def _gather(run: RunState, found: Discovered, diff: DiffInfo | None) -> _Gathered | RunResult:
    """Scope and load: the targets' files and the project around them (context is always
    the whole project: a folder or a subfolder run reports only on its own files, but the
    cards elsewhere still resolve, no false SG004); a cached result when there is one."""
    options = run.options
    roots = context_roots(options, run.setup.config)
    if found.explicit and diff is None and run.cache is not None:
        plan = _commit_plan(run, found, roots)  # through the repository index (app/index.py)
        if plan is not None:
            loaded = Loaded(plan.documents, plan.problems, plan.claimed, plan.unread)
            return _Gathered(loaded, _Files(found.files, plan.files), plan, None)
    if options.staged:
        return _gather_staged(run, found, roots)
    if found.explicit or diff is not None:
        missing_context = roots
    else:
        missing_context = [r for r in roots if not covers(options, r)]
    files = set(found.files)
    if missing_context:
        files.update(run.discover(missing_context).files)
    if run.cache is not None:
        fast = not (found.explicit or found.missing or found.excluded)
        fast = fast and files == set(found.files)
        hit = run.cache.lookup(sorted(files), run.reload, fast=fast)
        if hit is not None:
            return hit
    say = options.status if len(files) >= PROGRESS_MIN_FILES else None
    if say is not None:
        say(f"reading {len(files)} files")
    return _Gathered(run.load(sorted(files)), frozenset(files), None, say)


def _gather_staged(run: RunState, found: Discovered, roots: Sequence[str]) -> _Gathered:
    """``--staged``: the targets from the work tree, the rest of the repository as git's
    index holds it (:mod:`synthgov.app.check.staged`); no result cache (it knows files by
    their signature on disk)."""
    from synthgov.app.check.staged import load_staged_run

    setup = run.setup
    files, loaded = load_staged_run(
        run.options.cwd,
        roots,
        setup.config,
        setup.registry.loaders,
        run.suffixes,
        frozenset(found.files),
        run.cache,
    )
    return _Gathered(loaded, frozenset(files), None, None)


def _commit_plan(run: RunState, found: Discovered, roots: Sequence[str]) -> Any:
    from synthgov.app.index.plan import RunParts, plan_commit_run

    options, config = run.options, run.setup.config
    parts = RunParts(
        load=run.load,
        files=local_files(options, config, None),
        registry_factory=run.registry_factory,
        selection=run.selection,
        suffixes=run.suffixes,
        linkers=run.linkers,
    )
    return plan_commit_run(options, run.setup, run.cache, found, tuple(roots), parts)


def _targets(run: RunState, found: Discovered, gathered: _Gathered) -> set[str]:
    """The files the run reports on: those found, and the cards naming a data file or
    prompt that was given explicitly (pre-commit)."""
    from synthgov.app.check.scope import cards_naming

    targets = set(found.files)
    if gathered.plan is not None:
        targets.update(gathered.plan.naming)
    elif found.explicit:
        targets.update(cards_naming(found.explicit, gathered.loaded.documents, run.options.cwd))
    return targets


def _problems(loaded: Loaded, found: Discovered, cwd: str) -> tuple[tuple[str, FileProblem], ...]:
    """File problems: unreadable files and folders. (A changed policy, SG405, is a post
    rule's finding: the diff reaches it through the run context.)"""
    return (*loaded.problems, *unreadable_folders(found, cwd))


def _context(run: RunState, documents: Sequence[Document], diff: DiffInfo | None) -> RunContext:
    """The run context the rules read: every input passed in (the engine reads nothing)."""
    from synthgov.core.dates import today
    from synthgov.engine.context import RunContext

    options, setup = run.options, run.setup
    base = None
    if diff is not None or options.policy_from_ref is not None:
        from synthgov.app.check.waiverbase import waiver_base  # start-up: gate mode only

        base = waiver_base(options, documents, setup.registry.loaders, setup.config.limits, diff)
    return RunContext(
        documents=documents,
        files=local_files(options, setup.config, run.cache),
        today=today(),
        registry_factory=run.registry_factory,
        settings=setup.policy.settings,
        linkers=run.linkers,
        diff=diff,
        waiver_base=base,
    )


def _report_on(
    run: RunState, found: Discovered, gathered: _Gathered, targets: set[str], diff: DiffInfo | None
) -> set[str] | None:
    """Display paths of the files reported on, or None for every file loaded."""
    scoped = diff is None and (bool(found.explicit) or len(gathered.files) != len(targets))
    if not scoped:
        return None
    cwd = run.options.cwd
    shown = {display_path(p, cwd) for p in targets}
    shown.update(display_path(folder, cwd) for folder, _ in found.unreadable)
    return shown


def _with_verification(
    run: RunState,
    context: RunContext,
    report_on: set[str] | None,
    targets: set[str],
    diff: DiffInfo | None,
) -> RunContext:
    from synthgov.app.check.verifydata import verify_data

    scope = report_on
    if diff is not None:
        scope = {display_path(p, run.options.cwd) for p in targets}
    return replace(context, verification=verify_data(run.options, run.setup, context, scope))


def _evaluate(
    run: RunState,
    context: RunContext,
    problems: Sequence[tuple[str, FileProblem]],
    report_on: set[str] | None,
) -> list[Finding]:
    from synthgov.engine.evaluate import evaluate

    return evaluate(
        documents=context.documents,
        problems=problems,
        rules=run.setup.registry.rules,
        policy=run.setup.policy,
        run=context,
        selection=run.selection,
        report_on=report_on,
    )


def _counts(
    gathered: _Gathered,
    documents: Sequence[Document],
    targets: set[str],
    report_on: set[str] | None,
) -> tuple[int, int]:
    """The files and documents the summary counts."""
    if report_on is None:
        return gathered.loaded.files, len(documents)
    return len(targets), sum(1 for d in documents if d.path in report_on)


def _diff_scope(
    findings: Sequence[Finding], diff: DiffInfo, context: RunContext, targets: set[str], cwd: str
) -> tuple[list[Finding], int, int]:
    from synthgov.app.check.scope import diff_scope

    return diff_scope(findings, context.documents, diff, context.graph, targets, cwd)


def _finish(
    run: RunState,
    gathered: _Gathered,
    context: RunContext,
    findings: Sequence[Finding],
    counts: tuple[int, int, int],
    messages: tuple[tuple[str, ...], tuple[str, ...]],
) -> RunResult:
    """The report and result of the run (saved in the result cache); ``messages`` are its
    warnings and its notices (stderr lines that ``--quiet`` silences)."""
    options, setup, plan = run.options, run.setup, gathered.plan
    n_files, n_docs, baselined = counts
    fail_on = Severity.parse(options.fail_on or setup.config.fail_on)
    everything: Any = context.documents  # a tuple, or the index's lazily loaded documents
    if plan is not None:  # the report names every document; the rest is loaded on demand
        from synthgov.app.index.plan import documents_of

        everything = documents_of(plan)
    report = build_report(
        findings,
        setup.registry,
        setup.policy,
        n_files,
        n_docs,
        options.color,
        plan.ids if plan is not None else context.documents,
        baselined,
    )
    graph = _graph_of(everything, run.linkers) if plan is not None else lambda: context.graph
    report = replace(report, graph=graph, fail_on=fail_on)
    if context.verification is not None:
        report = replace(report, verification=tuple(context.verification.all_claims()))
    result = RunResult(
        report,
        exit_code(findings, fail_on),
        messages[0],
        setup.config,
        everything if plan is not None else tuple(context.documents),
        context.verification,
        messages[1],
    )
    if run.cache is not None:
        run.cache.save(result)
    return result


def _graph_of(documents: Sequence[Document], linkers: Sequence[Linker]) -> Callable[[], Any]:
    def build() -> Any:
        from synthgov.lineage.graph import LineageGraph

        return LineageGraph.build(documents, linkers)

    return build


def _diff_info(options: CheckOptions, setup: Setup) -> DiffInfo:
    """What changed since the merge base of ``--diff-base`` (GitPython, imported here)."""
    from synthgov.app.check.gitdiff import changes_since
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


__all__ = [
    "PROGRESS_MIN_FILES",
    "CheckOptions",
    "PolicyError",
    "RunResult",
    "Setup",
    "load_files",
    "load_one",
    "model_registry",
    "prepare",
    "run_check",
]
