"""``synthgov verify``: a check that also measures the data files (the check's request,
with the data options)."""

from __future__ import annotations

from typing import Any

import click

from synthgov.cli.check import execute
from synthgov.cli.options import (
    Command,
    quiet_option,
    run_options,
    split_ids,
)


@click.command(cls=Command)
@run_options
@click.option("--no-cache", is_flag=True, help="Do not read or write the measurement cache.")
@quiet_option
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
def verify(select: tuple[str, ...], ignore: tuple[str, ...], **given: Any) -> int:
    """Measure the data files of the cards under PATHS and compare them with the cards.

    Every check of synthgov check runs too; SG500-SG509 report what the data contradicts
    (mismatch) and what could not be measured (unverified).
    """
    # start-up: the app layer is imported when a check runs, not for --help or --version
    from synthgov.app.check.checking import CheckRequest

    request = CheckRequest(
        select=split_ids(select), ignore=split_ids(ignore), verify_data=True, **given
    )
    return execute(request)
