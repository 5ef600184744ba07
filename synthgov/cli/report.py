"""``synthgov report``: the self-contained HTML audit report."""

from __future__ import annotations

from typing import Any

import click

from synthgov.cli import output
from synthgov.cli.main import EXIT_OK
from synthgov.cli.options import (
    Command,
    config_option,
    output_option,
    paths_argument,
    policy_option,
)
from synthgov.cli.prepare import prepared


@click.command("report", cls=Command)
@paths_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html"]),
    default="html",
    show_default=True,
    help="Report format.",
)
@output_option
@policy_option
@config_option
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
def report_cmd(**given: Any) -> int:
    """Write a self-contained audit report of the documents under PATHS: overview, lineage
    graph, per-dataset provenance and validation coverage, findings and a regulation view.
    Exits 0 when the report was written, whatever it found; 2 on a usage or policy error."""
    # start-up: the app layer is imported when the command runs
    from synthgov.app.auditreport import ReportRequest, audit_report

    request = ReportRequest(**given).checked()  # a bad --timestamp fails before any work
    options = request.options()
    setup = prepared(options)
    audit = audit_report(request, options, setup)
    output.warn(audit.result.warnings)
    output.write_output(audit.text, request.output)
    if request.output not in (None, "-"):
        output.note(audit.written_line(str(request.output)))
    return EXIT_OK
