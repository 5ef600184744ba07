"""``synthgov check``: parse the command line into a request, run it through the app layer
(:mod:`synthgov.app.check.checking`), print, and return the exit code."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from synthgov.cli import output
from synthgov.cli.main import EXIT_OK, safe
from synthgov.cli.options import (
    Command,
    quiet_option,
    run_options,
    split_ids,
)
from synthgov.cli.prepare import prepared

if TYPE_CHECKING:
    from synthgov.app.check.checking import CheckRequest


@click.command(cls=Command)
@run_options
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
    "--staged",
    is_flag=True,
    help="Take the rest of the repository as git's index holds it (the hook does): "
    "untracked and unstaged files elsewhere do not count.",
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
@quiet_option
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
def check(select: tuple[str, ...], ignore: tuple[str, ...], **given: Any) -> int:
    """Check dataset cards and pipelines under PATHS (default: the current directory)."""
    # start-up: the app layer is imported when a check runs, not for --help or --version
    from synthgov.app.check.checking import CheckRequest

    request = CheckRequest(select=split_ids(select), ignore=split_ids(ignore), **given)
    return execute(request)


def execute(request: CheckRequest) -> int:
    """Run a parsed check (or verify) request; print the report; the exit code."""
    # start-up: the app layer is imported when a check runs, not for --help or --version
    from synthgov.app.check import checking

    request.validate()
    color = request.output is None and output.color_wanted()
    on_terminal = output.stderr_tty()
    options = checking.options_for(
        request,
        color=color,
        status=output.show_status if on_terminal else None,
        progress=output.progress_bar() if on_terminal else None,
    )
    setup = prepared(options)
    plan = checking.choose_format(request, options, setup)
    try:
        result = checking.run(plan.options, setup)
    finally:
        if plan.options.status is not None:
            output.end_status()
    output.warn(result.warnings)
    if not request.quiet:  # e.g. the named files --force-exclude left unchecked
        for notice in result.notices:
            output.note(safe(f"synthgov: {notice}"))
    if request.fix:
        fixed = checking.apply_fixes(result, plan, setup, request.dry_run)
        if fixed.exit_code is not None:  # --dry-run: the diff is the output
            click.echo(fixed.diff, nl=False)
            output.note(fixed.message)
            return fixed.exit_code
        click.echo(fixed.diff, nl=False, err=True)
        output.note(fixed.message)
        result = fixed.result
    report = checking.shape_report(request, plan, setup, result)
    if request.verbose and plan.fmt == "text":
        output.note(safe(checking.verbose_line(setup)))
    output.print_report(checking.render(report, plan, request.statistics), request.output, color)
    profile = checking.profile_text(result, report) if request.profile_path else None
    if profile is not None:
        output.write_output(profile, request.profile_path)
    if plan.in_actions and not request.statistics:
        output.github_actions_extras(setup.registry.reporters, report)
    return EXIT_OK if request.exit_zero else int(result.exit_code)
