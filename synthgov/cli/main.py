"""The command line (SPEC section 9). The only module that imports click or exits.

Exit codes: 0 no finding at or above the fail level; 1 findings at or above it; 2 usage,
configuration or policy error (fail closed), with one line on stderr naming the file.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from synthgov import __version__
from synthgov.core.errors import SynthgovError
from synthgov.core.escaping import command_safe, printable

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
#: the one mapping of synthgov's errors to exit codes (most specific class first)
EXIT_CODES: tuple[tuple[type[SynthgovError], int], ...] = ((SynthgovError, EXIT_ERROR),)
FORMATS = ("text", "json", "sarif", "junit", "github", "markdown", "html")


class ConfigProblem(click.ClickException):
    """Exit 2 with one clear line (click prints ``Error: ...``)."""

    exit_code = EXIT_ERROR

    def show(self, file: Any = None) -> None:
        # messages can quote file names and values from a pull request
        click.echo(_safe(f"synthgov: error: {self.format_message()}"), err=True)


def _safe(text: object) -> str:
    """A line for stderr: messages quote file names and values from a pull request."""
    return command_safe(printable(text))


def _fail(message: str) -> ConfigProblem:
    return ConfigProblem(message)


def exit_code_for(exc: BaseException) -> int | None:
    """The exit code of one of synthgov's errors; None for anything else (a bug)."""
    for cls, code in EXIT_CODES:
        if isinstance(exc, cls):
            return code
    return None


class SynthgovGroup(click.Group):
    """The CLI's group: a SynthgovError that leaves a command is one line and its exit code
    (commands still catch their own today; issue 12's thin CLI leaves only this)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SynthgovError as exc:
            click.echo(_safe(f"synthgov: error: {exc}"), err=True)
            ctx.exit(exit_code_for(exc) or EXIT_ERROR)


def _complete_formats(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """Shell completion of ``--format``: the built-in formats and those plugins add."""
    names = set(FORMATS)
    try:
        from synthgov.plugins.manager import load_registry

        names.update(load_registry().reporters)
    except Exception:  # noqa: BLE001 - completion must never print a traceback
        pass
    return sorted(n for n in names if n.startswith(incomplete))


def _complete_rule_ids(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """Shell completion of rule ids (``--select``, ``--ignore``, ``explain``)."""
    try:
        from synthgov.plugins.manager import load_registry

        ids = list(load_registry().rules)
    except Exception:  # noqa: BLE001 - completion must never print a traceback
        return []
    wanted = incomplete.upper()
    return sorted(i for i in ids if i.upper().startswith(wanted))


def _split_ids(values: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return tuple(out)


def write_output(text: str, output: str | None) -> None:
    """Print, or write the file atomically: a temporary file in the same folder, given the
    mode a new file gets under the umask (or the mode of the file it replaces), then renamed
    over the target. A file that cannot be written is exit 2 with one line, never a
    traceback (a CI step could take exit 1 for findings and carry on)."""
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    import tempfile

    target = os.path.abspath(output)
    folder = os.path.dirname(target)
    tmp = None
    try:
        data = text.encode("utf-8")
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".synthgov-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), _new_file_mode(target))
            handle.write(data)
        os.replace(tmp, target)
        tmp = None
    except UnicodeEncodeError as exc:
        raise _fail(f"cannot write {printable(output)}: not valid UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise _fail(f"cannot write {printable(output)}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None and os.path.lexists(tmp):
            os.unlink(tmp)


def _new_file_mode(target: str) -> int:
    """The mode of the file ``target`` replaces, else 0666 less the umask (as ``open``
    would create it)."""
    import stat

    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        pass
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return 0o666 & ~mask


class _Command(click.Command):
    """A command whose summary in ``synthgov --help`` is its first sentence, never cut."""

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return self.short_help
        import inspect

        text = " ".join(inspect.cleandoc(self.help or "").split("\n\n")[0].split())
        end = text.find(". ")
        return text[: end + 1] if end >= 0 else text


class _Group(SynthgovGroup):
    """The CLI's group, whose commands show their first sentence in ``--help``."""

    command_class = _Command


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "-V", "--version", prog_name="synthgov", message="%(prog)s %(version)s"
)
def main() -> None:
    """Policy-as-code for AI-generated data: provenance, model diversity, validation."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--policy", "policies", multiple=True, help="Policy to apply (repeatable).")
@click.option("--config", "config_path", type=click.Path(), help="Config file to use.")
@click.option(
    "--format",
    "fmt",
    default=None,
    shell_complete=_complete_formats,
    help=f"Output format: {', '.join(FORMATS)}.",
)
@click.option("--output", "-o", type=click.Path(), help="Write the report to this file.")
@click.option(
    "--fail-on", type=click.Choice(["error", "warning", "info"]), help="Lowest failing severity."
)
@click.option(
    "--select",
    multiple=True,
    shell_complete=_complete_rule_ids,
    help="Only these rule ids or prefixes.",
)
@click.option(
    "--ignore",
    multiple=True,
    shell_complete=_complete_rule_ids,
    help="Skip these rule ids or prefixes.",
)
@click.option("--diff-base", help="Report only documents changed since this git ref.")
@click.option(
    "--changed-only",
    is_flag=True,
    help="Diff mode against the pull request's base branch (GitHub Actions), or --diff-base.",
)
@click.option("--policy-from-ref", help="Read policies and config from this git ref.")
@click.option("--baseline", "baseline_path", type=click.Path(), help="Report only new findings.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the result cache.")
@click.option(
    "--force-exclude/--no-force-exclude",
    default=False,
    help="Apply the config's exclude to files named on the command line too (the hook does).",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Fix what is mechanical (SG107: sha256, size, rows from the file); show the diff.",
)
@click.option("--dry-run", is_flag=True, help="With --fix: print the diff, change nothing.")
@click.option(
    "--exit-zero", is_flag=True, help="Exit 0 even with findings (2 still means a bad setup)."
)
@click.option(
    "--statistics", is_flag=True, help="Print the number of findings per rule instead of them."
)
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option("-v", "--verbose", count=True, help="Say more about what was read.")
@click.option(
    "--verify-data", is_flag=True, help="Also measure the data files (as synthgov verify)."
)
@click.option(
    "--profile",
    "profile_path",
    type=click.Path(),
    help="With --verify-data: write the measured profile (JSON) to this file.",
)
def check(**kwargs: Any) -> None:
    """Check dataset cards and pipelines under PATHS (default: the current directory)."""
    _check(**kwargs)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--policy", "policies", multiple=True, help="Policy to apply (repeatable).")
@click.option("--config", "config_path", type=click.Path(), help="Config file to use.")
@click.option("--format", "fmt", default=None, help=f"Output format: {', '.join(FORMATS)}.")
@click.option("--output", "-o", type=click.Path(), help="Write the report to this file.")
@click.option(
    "--fail-on", type=click.Choice(["error", "warning", "info"]), help="Lowest failing severity."
)
@click.option("--select", multiple=True, help="Only these rule ids or prefixes.")
@click.option("--ignore", multiple=True, help="Skip these rule ids or prefixes.")
@click.option("--no-cache", is_flag=True, help="Do not read or write the measurement cache.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option(
    "--profile",
    "profile_path",
    type=click.Path(),
    help="Write the measured "
    "profile of every dataset (JSON, schemas/profile.schema.json) to this file.",
)
@click.option(
    "--engine",
    default=None,
    help="Measuring engine: duckdb (default) or spark (config: verify.engine).",
)
def verify(engine: str | None, **kwargs: Any) -> None:
    """Measure the data files of the cards under PATHS and compare them with the cards.

    Every check of synthgov check runs too; SG500-SG509 report what the data contradicts
    (mismatch) and what could not be measured (unverified).
    """
    if engine is not None and engine not in ("duckdb", "spark"):
        raise _fail(f"unknown engine {engine!r} (known: duckdb, spark)")
    _check(
        engine=engine,
        verify_data=True,
        diff_base=None,
        changed_only=False,
        policy_from_ref=None,
        baseline_path=None,
        verbose=0,
        force_exclude=False,
        fix=False,
        dry_run=False,
        exit_zero=False,
        statistics=False,
        **kwargs,
    )


def _check(
    paths: tuple[str, ...],
    policies: tuple[str, ...],
    config_path: str | None,
    fmt: str | None,
    output: str | None,
    fail_on: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    diff_base: str | None,
    changed_only: bool,
    policy_from_ref: str | None,
    baseline_path: str | None,
    no_cache: bool,
    force_exclude: bool,
    fix: bool,
    dry_run: bool,
    exit_zero: bool,
    statistics: bool,
    quiet: bool,
    verbose: int,
    verify_data: bool = False,
    profile_path: str | None = None,
    engine: str | None = None,
) -> None:
    from synthgov.app.runner import CheckOptions, run_check
    from synthgov.policy.resolve import PolicyError

    color = output is None and _color_wanted()
    if changed_only and diff_base is None:
        diff_base = _pull_request_base()
    options = CheckOptions(
        paths=paths,
        config=config_path,
        policies=policies,
        select=_split_ids(select),
        ignore=_split_ids(ignore),
        fail_on=fail_on,
        diff_base=diff_base,
        policy_from_ref=policy_from_ref,
        baseline=baseline_path,
        use_cache=not no_cache,
        color=color,
        verify_data=verify_data,
        engine=engine,
        progress=_progress_bar() if verify_data and sys.stderr.isatty() else None,
        force_exclude=force_exclude,
        # a status line on a terminal for long runs; never with a machine format
        status=_progress if fmt in (None, "text") and not quiet and _stderr_tty() else None,
    )
    if profile_path is not None and not verify_data:
        raise _fail("--profile needs --verify-data (or use synthgov verify)")
    setup = _prepare(options)
    in_actions = fmt is None and os.environ.get("GITHUB_ACTIONS") == "true"
    fmt = fmt or setup.config.format or "text"
    if fmt != "text" and options.status is not None:  # e.g. format: json in the config
        from dataclasses import replace as _no_status

        options = _no_status(options, status=None)
    in_actions = in_actions and fmt == "text"
    reporter = setup.registry.reporters.get(fmt)
    if reporter is None:
        known = ", ".join(sorted(setup.registry.reporters))
        raise _fail(f"unknown format {fmt!r} (known: {known})")
    if baseline_path is None and setup.config.baseline:
        from dataclasses import replace as _replace

        configured = os.path.join(setup.config.root, setup.config.baseline)
        options = _replace(options, baseline=configured)
    try:
        result = run_check(options, setup)
    except ValueError as exc:  # e.g. a bad SYNTHGOV_TODAY
        raise _fail(str(exc)) from None
    except PolicyError as exc:  # git problems in diff mode, a bad baseline file
        raise _fail(str(exc)) from None
    finally:
        if options.status is not None:
            _end_progress()
    for warning in result.warnings:
        click.echo(_safe(f"synthgov: warning: {warning}"), err=True)
    if dry_run and not fix:
        raise _fail("--dry-run goes with --fix")
    if fix:
        result = _fix(result, options, setup, dry_run)
    report = result.report
    if quiet and fmt == "text":
        from dataclasses import replace

        report = replace(report, notes=(), quiet=True)
    if verbose and fmt == "text":
        click.echo(
            _safe(
                f"synthgov: policies {', '.join(setup.policy.names) or 'builtin:baseline'}; "
                f"{len(setup.registry.rules)} rules; config {setup.config.path or '(none)'}"
            ),
            err=True,
        )
    if fmt == "html":
        report = _with_audit(report, result, setup, options.cwd, paths)
    text = _statistics(report, fmt) if statistics else reporter(report)
    if color:  # click strips ANSI codes when stdout is not a terminal, FORCE_COLOR or not
        click.echo(text, nl=False, color=True)
    else:
        write_output(text, output)
    if profile_path is not None and result.verification is not None:
        from synthgov.verify.profile import render_profile

        try:
            write_output(render_profile(result.verification, report), profile_path)
        except OSError as exc:
            raise _fail(f"cannot write the profile {profile_path}: {exc.strerror or exc}") from None
    if in_actions and not statistics:
        _github_actions_extras(setup.registry.reporters, report)
    sys.exit(EXIT_OK if exit_zero else result.exit_code)


def _fix(result: Any, options: Any, setup: Any, dry_run: bool) -> Any:
    """Apply (or with --dry-run, print) the mechanical fixes; the result of a fresh run."""
    from dataclasses import replace

    from synthgov.app import fix
    from synthgov.app.runner import run_check
    from synthgov.policy.resolve import PolicyError

    fixes = fix.plan(result.report.findings, result.documents, options.cwd)
    fixed = sum(f.fixed for f in fixes)
    if dry_run:
        click.echo(fix.diff(fixes), nl=False)
        click.echo(
            f"synthgov: would fix {fixed} finding(s) in {len(fixes)} file(s) (--dry-run)",
            err=True,
        )
        sys.exit(EXIT_FINDINGS if fixes else EXIT_OK)
    if not fixes:
        click.echo("synthgov: nothing to fix", err=True)
        return result
    try:
        fix.write(fixes)
    except OSError as exc:
        raise _fail(f"--fix: cannot write {exc.filename}: {exc.strerror}") from None
    click.echo(fix.diff(fixes), nl=False, err=True)
    click.echo(f"synthgov: fixed {fixed} finding(s) in {len(fixes)} file(s)", err=True)
    try:
        return run_check(replace(options, use_cache=False), setup)
    except (ValueError, PolicyError) as exc:
        raise _fail(str(exc)) from None


def _stderr_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _progress(status: str) -> None:
    """One status line on stderr, overwritten by the next and erased before the report."""
    sys.stderr.write(f"\r\x1b[Ksynthgov: {status}...")
    sys.stderr.flush()


def _end_progress() -> None:
    sys.stderr.write("\r\x1b[K")
    sys.stderr.flush()


def _color_wanted() -> bool:
    """Colour on a terminal; ``NO_COLOR`` turns it off, a non-empty ``FORCE_COLOR`` on
    (e.g. in CI logs that render ANSI colours). ``NO_COLOR`` wins when both are set."""
    if os.environ.get("NO_COLOR", "") != "":
        return False
    if os.environ.get("FORCE_COLOR", "") != "":
        return True
    return sys.stdout.isatty()


def _statistics(report: Any, fmt: str) -> str:
    """``--statistics``: findings per rule, most frequent first (waived ones left out)."""
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for f in report.findings:
        if not f.waived:
            counts[f.rule] = counts.get(f.rule, 0) + 1
            names[f.rule] = f.name
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if fmt == "json":
        import json

        data = [{"rule": r, "name": names[r], "count": n} for r, n in rows]
        return json.dumps(data, indent=2) + "\n"
    if fmt != "text":
        raise _fail(f"--statistics prints text or json, not {fmt}")
    width = max((len(str(n)) for _, n in rows), default=1)
    return "".join(f"{n:>{width}}  {r}  {names[r]}\n" for r, n in rows)


def _progress_bar() -> Any:
    """A one-line progress bar on stderr (only used when stderr is a terminal)."""

    def show(done: int, total: int, label: str) -> None:
        width = 24
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done >= total else ""
        click.echo(f"\r[{bar}] {done}/{total} {label[-40:]:<40}{end}", err=True, nl=False)

    return show


def _with_audit(
    report: Any,
    result: Any,
    setup: Any,
    cwd: str,
    paths: tuple[str, ...],
    timestamp: str = "",
    repo_url: str = "",
) -> Any:
    """The report with what the HTML audit report needs (commit, policies, documents...)."""
    from dataclasses import replace

    from synthgov.app.audit import gather, measured_values, scope

    measured = measured_values(report.verification or ())
    inputs = gather(
        setup, result, cwd=cwd, timestamp=timestamp, repo_url=repo_url, verification=measured
    )
    return scope(replace(report, audit=inputs), paths, cwd)


@main.command("report")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html"]),
    default="html",
    show_default=True,
    help="Report format.",
)
@click.option("--output", "-o", type=click.Path(), help="Write the report to this file.")
@click.option("--policy", "policies", multiple=True, help="Policy to apply (repeatable).")
@click.option("--config", "config_path", type=click.Path(), help="Config file to use.")
@click.option(
    "--timestamp",
    help="Record this ISO 8601 time (or 'now') in the report; without it the report has "
    "no time and is byte-identical for the same input.",
)
@click.option(
    "--repo-url",
    help="Link findings to their source lines: a base URL (GitHub/GitLab style) or a "
    "template with {commit}, {path} and {line}. Overrides report.repo_url in the config.",
)
@click.option(
    "--verify-data",
    is_flag=True,
    help="Also measure the data files (DuckDB) and show declared vs measured per dataset.",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the result cache.")
def report_cmd(
    paths: tuple[str, ...],
    fmt: str,
    output: str | None,
    policies: tuple[str, ...],
    config_path: str | None,
    timestamp: str | None,
    repo_url: str | None,
    verify_data: bool,
    no_cache: bool,
) -> None:
    """Write a self-contained audit report of the documents under PATHS: overview, lineage
    graph, per-dataset provenance and validation coverage, findings and a regulation view.
    Exits 0 when the report was written, whatever it found; 2 on a usage or policy error."""
    from synthgov.app.audit import check_repo_url, parse_timestamp
    from synthgov.app.runner import CheckOptions, run_check
    from synthgov.policy.resolve import PolicyError

    try:
        stamp = parse_timestamp(timestamp) if timestamp is not None else ""
        url = check_repo_url(repo_url) if repo_url is not None else ""
    except ValueError as exc:
        raise _fail(str(exc)) from None
    options = CheckOptions(
        paths=paths,
        config=config_path,
        policies=policies,
        use_cache=not no_cache,
        verify_data=verify_data,
    )
    setup = _prepare(options)
    reporter = setup.registry.reporters.get(fmt)
    if reporter is None:  # pragma: no cover - html is built in
        raise _fail(f"unknown format {fmt!r}")
    try:
        result = run_check(options, setup)
    except (ValueError, PolicyError) as exc:
        raise _fail(str(exc)) from None
    for warning in result.warnings:
        click.echo(f"synthgov: warning: {warning}", err=True)
    report = _with_audit(result.report, result, setup, options.cwd, paths, stamp, url)
    try:
        write_output(reporter(report), output)
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror or exc}") from None
    if output not in (None, "-"):
        s = report.summary
        click.echo(
            f"synthgov: wrote {output}: {s.errors} error(s), {s.warnings} warning(s), "
            f"{s.infos} info(s) in {s.documents} document(s)",
            err=True,
        )


def _pull_request_base() -> str:
    """``--changed-only`` without ``--diff-base``: the base branch of a GitHub pull request."""
    base = os.environ.get("GITHUB_BASE_REF", "")
    if os.environ.get("GITHUB_ACTIONS") != "true" or not base:
        raise _fail(
            "--changed-only needs --diff-base REF outside a GitHub Actions pull request "
            "(GITHUB_BASE_REF is not set)"
        )
    return f"origin/{base}"


def _github_actions_extras(reporters: Any, report: Any) -> None:
    """Inside GitHub Actions: workflow annotations, and the Markdown report appended to the
    job summary (``$GITHUB_STEP_SUMMARY``)."""
    github = reporters.get("github")
    if github is not None:
        click.echo(github(report), nl=False)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    markdown = reporters.get("markdown")
    if summary_file and markdown is not None:
        try:
            with open(summary_file, "a", encoding="utf-8", newline="\n") as handle:
                handle.write(markdown(report))
        except OSError as exc:
            shown = _safe(exc)
            click.echo(f"synthgov: warning: cannot write the job summary: {shown}", err=True)


@main.command("baseline")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--policy", "policies", multiple=True, help="Policy to apply (repeatable).")
@click.option("--config", "config_path", type=click.Path(), help="Config file to use.")
@click.option(
    "--output",
    "-o",
    type=click.Path(),
    help="Baseline file to write (default: the config's baseline, else .synthgov-baseline.json).",
)
@click.option("--select", multiple=True, help="Only these rule ids or prefixes.")
@click.option("--ignore", multiple=True, help="Skip these rule ids or prefixes.")
def baseline_cmd(
    paths: tuple[str, ...],
    policies: tuple[str, ...],
    config_path: str | None,
    output: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
) -> None:
    """Write the current findings to a baseline file; `check --baseline` then reports only
    new ones. Entries are keyed by rule, path, pointer and value hash, never by line."""
    from synthgov.app import baseline as baselinefile
    from synthgov.app.runner import CheckOptions, run_check
    from synthgov.policy.resolve import PolicyError

    options = CheckOptions(
        paths=paths,
        config=config_path,
        policies=policies,
        select=_split_ids(select),
        ignore=_split_ids(ignore),
    )
    setup = _prepare(options)
    try:
        result = run_check(options, setup)
    except (ValueError, PolicyError) as exc:
        raise _fail(str(exc)) from None
    for warning in result.warnings:
        click.echo(_safe(f"synthgov: warning: {warning}"), err=True)
    if output is None:
        config = setup.config
        output = (
            os.path.join(config.root, config.baseline)
            if config.baseline
            else baselinefile.DEFAULT_NAME
        )
    findings = [f for f in result.report.findings if not f.waived]
    to_stdout = output == "-"
    # entry paths are relative to the baseline file's folder (the working directory for -)
    target = os.path.abspath(baselinefile.DEFAULT_NAME if to_stdout else output)
    text = baselinefile.render(findings, cwd=options.cwd, target=target, version=__version__)
    write_output(text, None if to_stdout else target)
    if not to_stdout:
        shown = os.path.relpath(target).replace(os.sep, "/")
        click.echo(f"synthgov: wrote {len(findings)} finding(s) to {shown}")


def _prepare(options: Any) -> Any:
    from synthgov.app.runner import prepare
    from synthgov.plugins.manager import PluginError
    from synthgov.policy.resolve import PolicyError

    try:
        setup = prepare(options)
    except PolicyError as exc:
        _warn_plugin_errors(options)
        raise _fail(str(exc)) from None
    except PluginError as exc:
        raise _fail(str(exc)) from None
    return setup


def _warn_plugin_errors(options: Any) -> None:
    """Before a policy error, name the plugins that failed to load: their rules are unknown.

    With ``--policy-from-ref`` the plugins are those of the ref's config, and none is imported
    from the working tree: the change under review never names code to run."""
    from synthgov.plugins.manager import load_registry
    from synthgov.policy.config import find_config, load_config

    try:
        cwd = getattr(options, "cwd", None) or os.getcwd()
        given = getattr(options, "config", None)
        ref = getattr(options, "policy_from_ref", None)
        if ref is not None:
            from synthgov.app.gitdiff import ref_files

            at_ref = ref_files(cwd, ref)
            path = os.path.abspath(os.path.join(cwd, given)) if given else at_ref.find_config(cwd)
            config = load_config(path, cwd=cwd, reader=at_ref.read)
            registry = load_registry(config.plugins, untrusted_root=at_ref.root)
        else:
            path = os.path.abspath(os.path.join(cwd, given)) if given else find_config(cwd)
            registry = load_registry(load_config(path, cwd=cwd).plugins)
    except Exception:  # noqa: BLE001 - the policy error that follows is the one to report
        return
    for error in registry.errors:
        click.echo(_safe(f"synthgov: warning: {error}"), err=True)


def _registry() -> Any:
    from synthgov.plugins.manager import PluginError, load_registry
    from synthgov.policy.config import find_config, load_config
    from synthgov.policy.resolve import PolicyError

    try:
        config = load_config(find_config(os.getcwd()), cwd=os.getcwd())
        registry = load_registry(config.plugins)
    except (PolicyError, PluginError) as exc:
        raise _fail(str(exc)) from None
    for error in registry.errors:
        click.echo(_safe(f"synthgov: warning: {error}"), err=True)
    return registry


def _custom_rules() -> tuple[Any, ...]:
    """The custom rules of the working directory's policy (config or builtin:baseline)."""
    from synthgov.app.runner import CheckOptions

    return tuple(_prepare(CheckOptions(cwd=os.getcwd())).policy.custom)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
def rules_cmd(fmt: str) -> None:
    """List every rule: id, name, default severity, plugin (or policy file:line)."""
    registry = _registry()
    rules = sorted(registry.rules.values(), key=lambda r: r.id)
    custom = sorted(_custom_rules(), key=lambda c: c.id) if fmt != "markdown" else ()
    if fmt == "markdown":
        from synthgov.app.explain import render_catalog

        click.echo(render_catalog(rules), nl=False)
        return
    if fmt == "json":
        import json

        rows = [
            {
                "id": r.id,
                "name": r.name,
                "severity": r.severity.label,
                "plugin": r.plugin,
                "summary": r.doc.summary,
            }
            for r in rules
        ]
        rows += [
            {
                "id": c.id,
                "name": c.title,
                "severity": c.severity.label,
                "plugin": f"policy {c.origin}",
                "summary": c.message,
            }
            for c in custom
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    width = max((len(r.name) for r in rules), default=10)
    for r in rules:
        click.echo(f"{r.id}  {r.name:<{width}}  {r.severity.label:<7}  {r.plugin}  {r.doc.summary}")
    for c in custom:
        click.echo(f"{c.id}  {c.title}  {c.severity.label:<7}  policy {c.origin}")


@main.command("plugins")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def plugins_cmd(fmt: str) -> None:
    """List loaded plugins, their versions and what they registered; exit 1 if one failed."""
    from synthgov.plugins.manager import PluginError, load_registry
    from synthgov.policy.config import find_config, load_config
    from synthgov.policy.resolve import PolicyError

    try:
        config = load_config(find_config(os.getcwd()), cwd=os.getcwd())
        registry = load_registry(config.plugins)
    except (PolicyError, PluginError) as exc:
        raise _fail(str(exc)) from None
    fields = ("rules", "loaders", "reporters", "policies")
    if fmt == "json":
        import json

        rows = [
            {
                "name": p.name,
                "version": p.version,
                "source": p.source,
                **{f: list(getattr(p, f)) for f in fields},
                "models": p.models,
            }
            for p in registry.plugins
        ]
        click.echo(json.dumps({"plugins": rows, "errors": list(registry.errors)}, indent=2))
    else:
        for p in registry.plugins:
            click.echo(f"{p.name} {p.version or '(no version)'} ({p.source or 'unknown'})")
            for f in fields:
                if getattr(p, f):
                    click.echo(f"    {f}: {', '.join(getattr(p, f))}")
            if p.models:
                click.echo(f"    models: {p.models} registry entries")
        for error in registry.errors:
            click.echo(f"error: {error}")
    if registry.errors:
        sys.exit(EXIT_FINDINGS)


@main.command()
@click.argument("rule_id", shell_complete=_complete_rule_ids)
def explain(rule_id: str) -> None:
    """Show a rule's documentation, parameters, and an example violation with its fix."""
    from synthgov.app.explain import render_explanation

    registry = _registry()
    rule = registry.rules.get(rule_id.upper()) or next(
        (r for r in registry.rules.values() if r.name == rule_id), None
    )
    if rule is not None:
        click.echo(render_explanation(rule), nl=False)
        return
    from synthgov.app.explain import render_custom_explanation
    from synthgov.app.suggest import close_matches, did_you_mean

    custom = _custom_rules()
    spec = next((c for c in custom if c.id.upper() == rule_id.upper()), None)
    if spec is None:
        known = [*registry.rules, *(c.id for c in custom)]
        hint = did_you_mean(close_matches(rule_id, known, n=1))
        raise _fail(f"unknown rule {rule_id!r}{hint} (see `synthgov rules`)")
    click.echo(render_custom_explanation(spec), nl=False)


@main.command()
@click.argument("query", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--config", "config_path", type=click.Path(), help="Config file to use.")
def models(query: str | None, fmt: str, config_path: str | None) -> None:
    """List and explain model registry entries. QUERY, a model id, is resolved step by step
    (route, entry, family, lineage, pinning, terms with source, date and confidence,
    lifecycle); entries mentioning QUERY are listed after it."""
    from synthgov.app.runner import CheckOptions, model_registry
    from synthgov.models.describe import describe
    from synthgov.models.registry import RegistryError

    setup = _prepare(CheckOptions(paths=(), config=config_path, use_cache=False))
    try:
        registry = model_registry(setup)
    except RegistryError as exc:
        raise _fail(str(exc)) from None
    if query is not None and not query.strip():
        raise _fail("the model query is empty")
    click.echo(describe(registry, query.strip() if query else None, fmt), nl=False)


@main.command()
@click.argument("kind")
def schema(kind: str) -> None:
    """Print the JSON Schema of KIND (DatasetCard, Pipeline, Policy, Config, Report)."""
    from synthgov.core import resources

    names = {k.lower(): k for k in resources.SCHEMA_FILES}
    canonical = names.get(kind.lower())
    if canonical is None:
        raise _fail(f"unknown kind {kind!r} (known: {', '.join(resources.SCHEMA_FILES)})")
    text = resources.schema_text(canonical)
    click.echo(text if text.endswith("\n") else text + "\n", nl=False)


@main.command("test")
@click.argument("directory", default=".", required=False)
@click.option("--config", "config_path", type=click.Path(), help="Config file for every case.")
@click.option("-v", "--verbose", is_flag=True, help="List passing cases too.")
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Exit 0 with a message when DIRECTORY holds no case (the pre-commit hook does).",
)
def test_cmd(directory: str, config_path: str | None, verbose: bool, allow_empty: bool) -> None:
    """Run the policy tests under DIRECTORY: folders of documents with an expect.yaml."""
    from synthgov.app.policytest import render, run_tests

    run = run_tests(directory, cwd=os.getcwd(), config=config_path)
    if allow_empty and run.no_cases:
        click.echo(f"synthgov: {run.error}; nothing to test")
        sys.exit(EXIT_OK)
    text = render(run, verbose=verbose)
    click.echo(text, nl=False, err=run.error is not None)
    sys.exit(run.exit_code)


@main.command("init")
@click.option(
    "--baseline",
    "with_baseline",
    is_flag=True,
    help="In a repository with cards: record today's findings so only new ones fail.",
)
def init_cmd(with_baseline: bool) -> None:
    """Set up synthgov in the current directory. In a new repository: a starter
    synthgov.yaml, an example card and a .pre-commit-config.yaml snippet. In a repository
    that has cards already: detect their formats, propose owners, add a synthgov: block to
    Hugging Face cards, and offer a baseline. Never overwrites a file it would create."""
    from synthgov.app.scaffold import init

    surveyed = _survey()
    if surveyed:
        _adopt(surveyed, with_baseline)
        return
    try:
        result = init(os.getcwd())
    except OSError as exc:
        raise _fail(f"init: {exc.strerror or exc}") from None
    if result.existing:
        raise _fail(
            f"init: {', '.join(result.existing)} already exist(s); nothing was written "
            "(synthgov init never overwrites)"
        )
    for rel in result.written:
        click.echo(f"wrote {rel}")
    click.echo("next: synthgov check, then pre-commit install")


def _survey() -> list[tuple[str, str, bool, str | None]]:
    """The documents under the working directory: (path, format, has an owner, id)."""
    from synthgov.app.runner import CheckOptions, prepare, run_check
    from synthgov.plugins.manager import PluginError
    from synthgov.policy.resolve import PolicyError

    options = CheckOptions(cwd=os.getcwd(), use_cache=False)
    try:
        result = run_check(options, prepare(options))
    except (ValueError, PolicyError, PluginError):
        return []  # a config is there and broken: init refuses to touch it (see below)
    found = []
    for doc in result.documents:
        if doc.path.startswith("../"):
            continue
        metadata = doc.data.get("metadata") if isinstance(doc.data, dict) else None
        owner = isinstance(metadata, dict) and bool(metadata.get("owner"))
        found.append((doc.path, doc.source_format, owner, doc.id))
    return sorted(found)


def _adopt(documents: list[tuple[str, str, bool, str | None]], with_baseline: bool) -> None:
    from synthgov.app.adoption import BASELINE_FILE, adopt

    try:
        result = adopt(os.getcwd(), documents, baseline=with_baseline)
    except OSError as exc:
        raise _fail(f"init: {exc.strerror or exc}") from None
    formats = ", ".join(f"{n} {fmt}" for fmt, n in result.formats)
    click.echo(f"found {len(documents)} document(s): {formats}")
    for proposal in result.owners:
        click.echo(f"owner of {proposal.path}: {proposal.owner} (from {proposal.evidence})")
    for path in result.adopted:
        click.echo(f"added a synthgov: block to {path}")
    for path, why in result.skipped:
        click.echo(f"left {path} as it is: {why}")
    for rel in result.written:
        click.echo(f"wrote {rel}")
    for rel in result.existing:
        click.echo(f"kept {rel} (init never overwrites)")
    proposed = {p.path for p in result.owners}
    unowned = [p for p, fmt, owned, _ in documents if not owned and p not in proposed]
    if unowned:
        click.echo(
            f"{len(unowned)} document(s) name no owner and none could be proposed "
            "(add a CODEOWNERS entry or metadata.owner): SG401 reports them"
        )
    from synthgov.app.runner import CheckOptions, run_check
    from synthgov.policy.resolve import PolicyError

    options = CheckOptions(cwd=os.getcwd(), use_cache=False)
    setup = _prepare(options)
    try:
        checked = run_check(options, setup)
    except (ValueError, PolicyError) as exc:
        raise _fail(str(exc)) from None
    findings = [f for f in checked.report.findings if not f.waived]
    if with_baseline:
        from synthgov.app import baseline as baselinefile

        target = os.path.abspath(BASELINE_FILE)
        text = baselinefile.render(findings, cwd=os.getcwd(), target=target, version=__version__)
        write_output(text, target)
        click.echo(f"wrote {BASELINE_FILE}: {len(findings)} finding(s) of today are accepted")
        click.echo("next: synthgov check (only new findings fail), then pre-commit install")
        return
    click.echo(
        f"today: {len(findings)} finding(s); to fail only on new ones, record them with "
        f"`synthgov baseline -o {BASELINE_FILE}` and uncomment `baseline:` in synthgov.yaml"
    )
    click.echo("next: synthgov check, then pre-commit install")


@main.command("graph")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot", "json"]),
    default="mermaid",
    show_default=True,
    help="Mermaid flowchart, Graphviz DOT or JSON.",
)
@click.option("--policy", "policies", multiple=True, help="Policy to apply (repeatable).")
@click.option("--config", "config_path", type=click.Path(), help="Config file to use.")
@click.option("--output", "-o", type=click.Path(), help="Write the graph to this file.")
def graph_cmd(
    paths: tuple[str, ...],
    fmt: str,
    policies: tuple[str, ...],
    config_path: str | None,
    output: str | None,
) -> None:
    """Print the lineage graph of the documents under PATHS, with the datasets, models and
    pipeline stages involved in diversity findings (SG2xx) and cycles highlighted."""
    from synthgov.app.runner import CheckOptions, model_registry, run_check
    from synthgov.lineage.graph import LineageGraph, document_node
    from synthgov.lineage.render import lineage_describer, render
    from synthgov.policy.resolve import PolicyError
    from synthgov.repo.discovery import display_path

    options = CheckOptions(paths=paths, config=config_path, policies=policies, use_cache=False)
    setup = _prepare(options)
    try:
        result = run_check(options, setup)
        compare = setup.policy.settings.get("diversity", {}).get("compare", "lineage")
        describe = lineage_describer(model_registry(setup), compare)
    except (ValueError, PolicyError) as exc:
        raise _fail(str(exc)) from None
    for warning in result.warnings:
        click.echo(_safe(f"synthgov: warning: {warning}"), err=True)
    lineage = LineageGraph.build(result.documents)
    named = {display_path(os.path.abspath(p), options.cwd) for p in paths if os.path.isfile(p)}
    if named:  # files named: their lineage, not the whole repository loaded for context
        lineage = lineage.focus(
            node
            for doc in result.documents
            if doc.path in named and (node := document_node(doc)) is not None
        )
    write_output(render(lineage, result.report.findings, fmt, describe), output)


if __name__ == "__main__":  # pragma: no cover
    main()
