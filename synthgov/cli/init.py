"""``synthgov init``: a starter setup, or the adoption of the cards a repository has."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from synthgov import __version__
from synthgov.cli.main import EXIT_OK
from synthgov.cli.options import Command
from synthgov.cli.output import write_output
from synthgov.cli.prepare import prepared
from synthgov.core.errors import UsageError

if TYPE_CHECKING:
    from synthgov.app.adoption import AdoptResult, Surveyed


@click.command("init", cls=Command)
@click.option(
    "--baseline",
    "with_baseline",
    is_flag=True,
    help="In a repository with cards: record today's findings so only new ones fail.",
)
def init_cmd(with_baseline: bool) -> int:
    """Set up synthgov in the current directory. In a new repository: a starter
    synthgov.yaml, an example card and a .pre-commit-config.yaml snippet. In a repository
    that has cards already: detect their formats, propose owners, add a synthgov: block to
    Hugging Face cards, and offer a baseline. Never overwrites a file it would create."""
    # start-up: the app layer is imported when the command runs
    from synthgov.app.adoption import survey
    from synthgov.app.scaffold import init

    cwd = os.getcwd()
    surveyed = survey(cwd)
    if surveyed:
        return _adopt(cwd, surveyed, with_baseline)
    try:
        result = init(cwd)
    except OSError as exc:
        raise UsageError(f"init: {exc.strerror or exc}") from None
    if result.existing:
        raise UsageError(
            f"init: {', '.join(result.existing)} already exist(s); nothing was written "
            "(synthgov init never overwrites)"
        )
    for rel in result.written:
        click.echo(f"wrote {rel}")
    click.echo("next: synthgov check, then pre-commit install")
    return EXIT_OK


def _adopt(cwd: str, documents: list[Surveyed], with_baseline: bool) -> int:
    # start-up: the app layer is imported when the command runs
    from synthgov.app import baseline as baselinefile
    from synthgov.app.adoption import BASELINE_FILE, active_findings, adopt
    from synthgov.app.check.runner import CheckOptions

    try:
        result = adopt(cwd, documents, baseline=with_baseline)
    except OSError as exc:
        raise UsageError(f"init: {exc.strerror or exc}") from None
    _print_adoption(result, documents)
    options = CheckOptions(cwd=cwd, use_cache=False)
    findings = active_findings(options, prepared(options))
    if with_baseline:
        written = baselinefile.for_findings(findings, BASELINE_FILE, cwd=cwd, version=__version__)
        write_output(written.text, written.target)
        click.echo(f"wrote {BASELINE_FILE}: {written.count} finding(s) of today are accepted")
        click.echo("next: synthgov check (only new findings fail), then pre-commit install")
        return EXIT_OK
    click.echo(
        f"today: {len(findings)} finding(s); to fail only on new ones, record them with "
        f"`synthgov baseline -o {BASELINE_FILE}` and uncomment `baseline:` in synthgov.yaml"
    )
    click.echo("next: synthgov check, then pre-commit install")
    return EXIT_OK


def _print_adoption(result: AdoptResult, documents: list[Surveyed]) -> None:
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
    unowned = [p for p, _fmt, owned, _ in documents if not owned and p not in proposed]
    if unowned:
        click.echo(
            f"{len(unowned)} document(s) name no owner and none could be proposed "
            "(add a CODEOWNERS entry or metadata.owner): SG401 reports them"
        )
