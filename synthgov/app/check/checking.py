"""``synthgov check`` and ``synthgov verify`` as steps the CLI calls in order.

The CLI parses the command line into one :class:`CheckRequest`, then: :func:`options_for`
(the runner's options), ``prepare`` (config, plugins, policy), :func:`choose_format`,
:func:`run`, :func:`apply_fixes` (``--fix``), :func:`shape_report` and :func:`render`; it
prints between the steps. Every step reports a bad input as a
:class:`~synthgov.core.errors.SynthgovError` (exit 2, one line). No printing here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from synthgov.app.check.runner import CheckOptions, RunResult, Setup, run_check
from synthgov.core.errors import SynthgovError, UsageError

if TYPE_CHECKING:
    from synthgov.engine.report import Report

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class CheckRequest:
    """The command line of ``synthgov check`` (and ``verify``), parsed."""

    paths: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()
    config_path: str | None = None
    fmt: str | None = None
    output: str | None = None
    fail_on: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    diff_base: str | None = None
    changed_only: bool = False
    policy_from_ref: str | None = None
    baseline_path: str | None = None
    no_cache: bool = False
    force_exclude: bool = False
    staged: bool = False
    fix: bool = False
    dry_run: bool = False
    exit_zero: bool = False
    statistics: bool = False
    quiet: bool = False
    verbose: int = 0
    verify_data: bool = False
    profile_path: str | None = None
    engine: str | None = None

    def validate(self) -> None:
        """Options that contradict each other: UsageError."""
        if self.engine is not None and self.engine not in ENGINES:
            raise UsageError(f"unknown engine {self.engine!r} (known: {', '.join(ENGINES)})")
        if self.profile_path is not None and not self.verify_data:
            raise UsageError("--profile needs --verify-data (or use synthgov verify)")
        if self.dry_run and not self.fix:
            raise UsageError("--dry-run goes with --fix")
        if self.staged and (self.diff_base or self.changed_only or self.policy_from_ref):
            raise UsageError(
                "--staged checks the commit being made; it does not go with --diff-base, "
                "--changed-only or --policy-from-ref"
            )


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class Plan:
    """What a check runs with once the setup is known: the options, the format and its
    reporter, and whether it runs inside a GitHub Actions job (annotations, job summary)."""

    options: CheckOptions
    fmt: str
    reporter: Callable[[Report], str]
    in_actions: bool


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class FixOutcome:
    """What ``--fix`` did: the diff, a line saying so, the run after the fixes (the run
    before them when nothing changed) and, with ``--dry-run``, the exit code to end with."""

    result: RunResult
    message: str
    diff: str = ""
    exit_code: int | None = None


def pull_request_base(environ: Mapping[str, str]) -> str:
    """``--changed-only`` without ``--diff-base``: the base branch of a GitHub pull request."""
    base = environ.get("GITHUB_BASE_REF", "")
    if environ.get("GITHUB_ACTIONS") != "true" or not base:
        raise UsageError(
            "--changed-only needs --diff-base REF outside a GitHub Actions pull request "
            "(GITHUB_BASE_REF is not set)"
        )
    return f"origin/{base}"


def options_for(
    request: CheckRequest,
    *,
    color: bool,
    status: Callable[[str], None] | None,
    progress: Callable[[int, int, str], None] | None,
) -> CheckOptions:
    """The runner's options; ``status`` and ``progress`` are the terminal's (or None)."""
    diff_base = request.diff_base
    if request.changed_only and diff_base is None:
        diff_base = pull_request_base(os.environ)
    machine_format = request.fmt not in (None, "text")
    return CheckOptions(
        paths=request.paths,
        config=request.config_path,
        policies=request.policies,
        select=request.select,
        ignore=request.ignore,
        fail_on=request.fail_on,
        diff_base=diff_base,
        policy_from_ref=request.policy_from_ref,
        baseline=request.baseline_path,
        use_cache=not request.no_cache,
        color=color,
        verify_data=request.verify_data,
        engine=request.engine,
        progress=progress if request.verify_data else None,
        force_exclude=request.force_exclude,
        staged=request.staged,
        # a status line for long runs; never with a machine format
        status=None if machine_format or request.quiet else status,
    )


def choose_format(request: CheckRequest, options: CheckOptions, setup: Setup) -> Plan:
    """The format (option, else config, else text) and its reporter; the config's baseline
    when none was given."""
    fmt = request.fmt or setup.config.format or "text"
    if fmt != "text" and options.status is not None:  # e.g. format: json in the config
        options = replace(options, status=None)
    reporter = setup.registry.reporters.get(fmt)
    if reporter is None:
        known = ", ".join(sorted(setup.registry.reporters))
        raise UsageError(f"unknown format {fmt!r} (known: {known})")
    if request.baseline_path is None and setup.config.baseline:
        configured = os.path.join(setup.config.root, setup.config.baseline)
        options = replace(options, baseline=configured)
    in_actions = request.fmt is None and fmt == "text"
    in_actions = in_actions and os.environ.get("GITHUB_ACTIONS") == "true"
    return Plan(options, fmt, reporter, in_actions)


def run(options: CheckOptions, setup: Setup) -> RunResult:
    """One check run; a bad ``SYNTHGOV_TODAY`` (or another bad value) is a UsageError."""
    try:
        return run_check(options, setup)
    except SynthgovError:  # RegistryError is a ValueError too: keep its class
        raise
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def apply_fixes(result: RunResult, plan: Plan, setup: Setup, dry_run: bool) -> FixOutcome:
    """Apply (or with ``dry_run``, only show) the mechanical fixes; then check again."""
    # start-up: the fixer only for --fix
    from synthgov.app import fix

    options = plan.options
    fixes = fix.plan(result.report.findings, result.documents, options.cwd)
    fixed = sum(f.fixed for f in fixes)
    if dry_run:
        message = f"synthgov: would fix {fixed} finding(s) in {len(fixes)} file(s) (--dry-run)"
        return FixOutcome(result, message, fix.diff(fixes), exit_code=1 if fixes else 0)
    if not fixes:
        return FixOutcome(result, "synthgov: nothing to fix")
    try:
        fix.write(fixes)
    except OSError as exc:
        raise UsageError(f"--fix: cannot write {exc.filename}: {exc.strerror}") from None
    message = f"synthgov: fixed {fixed} finding(s) in {len(fixes)} file(s)"
    return FixOutcome(run(replace(options, use_cache=False), setup), message, fix.diff(fixes))


def shape_report(request: CheckRequest, plan: Plan, setup: Setup, result: RunResult) -> Report:
    """The report to render: ``--quiet`` drops the notes; HTML gets the audit inputs."""
    report = result.report
    if request.quiet and plan.fmt == "text":
        report = replace(report, notes=(), quiet=True)
    if plan.fmt == "html":
        report = with_audit(report, result, setup, plan.options.cwd, request.paths)
    return report


#: report formats that name files exactly, for programs to read (text and github show
#: a name that is not UTF-8 escaped, for people)
EXACT_FORMATS = frozenset({"json", "sarif", "junit", "markdown", "html"})


def render(report: Report, plan: Plan, statistics: bool) -> str:
    if statistics:
        return render_statistics(report, plan.fmt)
    if plan.fmt in EXACT_FORMATS:
        _require_utf8_names(report, plan.fmt)
    return plan.reporter(report)


def _require_utf8_names(report: Report, fmt: str) -> None:
    """A file name that is not UTF-8 cannot be written exactly in a UTF-8 report (JSON would
    hold a different string, so a reader could mistake one file for another): exit 2 with
    one line, rather than a report that names a file that does not exist."""
    from synthgov.core.escaping import printable

    paths = (*(f.path for f in report.findings), *report.documents.values())
    for path in paths:
        if not path.isascii():
            try:
                path.encode("utf-8")
            except UnicodeEncodeError:
                raise UsageError(
                    f"cannot write a {fmt} report: the file name {printable(path)} is not "
                    f"UTF-8; rename the file (--format text shows it escaped)"
                ) from None


def render_statistics(report: Report, fmt: str) -> str:
    """``--statistics``: findings per rule, most frequent first (waived ones left out)."""
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for f in report.findings:
        if not f.waived:
            counts[f.rule] = counts.get(f.rule, 0) + 1
            names[f.rule] = f.name
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if fmt == "json":
        data = [{"rule": r, "name": names[r], "count": n} for r, n in rows]
        return json.dumps(data, indent=2) + "\n"
    if fmt != "text":
        raise UsageError(f"--statistics prints text or json, not {fmt}")
    width = max((len(str(n)) for _, n in rows), default=1)
    return "".join(f"{n:>{width}}  {r}  {names[r]}\n" for r, n in rows)


def verbose_line(setup: Setup) -> str:
    """``-v``: the policies, the number of rules and the config of the run."""
    return (
        f"synthgov: policies {', '.join(setup.policy.names) or 'builtin:baseline'}; "
        f"{len(setup.registry.rules)} rules; config {setup.config.path or '(none)'}"
    )


def profile_text(result: RunResult, report: Report) -> str | None:
    """The ``--profile`` JSON of what verification measured; None when it did not run."""
    if result.verification is None:
        return None
    # start-up: the profile writer only for --profile
    from synthgov.verify.profile import render_profile

    return render_profile(result.verification, report)


def with_audit(
    report: Report,
    result: RunResult,
    setup: Setup,
    cwd: str,
    paths: tuple[str, ...],
    timestamp: str = "",
    repo_url: str = "",
) -> Report:
    """The report with what the HTML audit report needs (commit, policies, documents...)."""
    # start-up: git and the audit inputs only for the HTML report
    from synthgov.app.audit import gather, measured_values, scope

    measured = measured_values(report.verification or ())
    inputs = gather(
        setup, result, cwd=cwd, timestamp=timestamp, repo_url=repo_url, verification=measured
    )
    audited: Report = scope(replace(report, audit=inputs), paths, cwd)
    return audited
