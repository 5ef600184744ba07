"""``synthgov baseline``: accept today's findings, so ``check --baseline`` reports new ones."""

from __future__ import annotations

import os

import click

from synthgov import __version__
from synthgov.cli.main import EXIT_OK
from synthgov.cli.options import (
    Command,
    config_option,
    paths_argument,
    policy_option,
    select_options,
    split_ids,
)
from synthgov.cli.output import warn, write_output
from synthgov.cli.prepare import prepared


@click.command("baseline", cls=Command)
@paths_argument
@policy_option
@config_option
@click.option(
    "--output",
    "-o",
    type=click.Path(),
    help="Baseline file to write (default: the config's baseline, else .synthgov-baseline.json).",
)
@select_options
def baseline_cmd(
    paths: tuple[str, ...],
    policies: tuple[str, ...],
    config_path: str | None,
    output: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
) -> int:
    """Write the current findings to a baseline file; `check --baseline` then reports only
    new ones. Entries are keyed by rule, path, pointer and value hash, never by line."""
    # start-up: the app layer is imported when the command runs
    from synthgov.app import baseline as baselinefile
    from synthgov.app.check.checking import run
    from synthgov.app.check.runner import CheckOptions

    options = CheckOptions(
        paths=paths,
        config=config_path,
        policies=policies,
        select=split_ids(select),
        ignore=split_ids(ignore),
    )
    setup = prepared(options)
    result = run(options, setup)
    warn(result.warnings)
    config = setup.config
    if output is None:
        output = baselinefile.default_output(config.root, config.baseline)
    written = baselinefile.for_findings(
        result.report.findings, output, cwd=options.cwd, version=__version__
    )
    write_output(written.text, written.target)
    if written.target is not None:
        shown = os.path.relpath(written.target).replace(os.sep, "/")
        click.echo(f"synthgov: wrote {written.count} finding(s) to {shown}")
    return EXIT_OK
