"""``synthgov graph``: the lineage graph as Mermaid, DOT or JSON."""

from __future__ import annotations

import click

from synthgov.cli.main import EXIT_OK
from synthgov.cli.options import Command, config_option, paths_argument, policy_option
from synthgov.cli.output import warn, write_output
from synthgov.cli.prepare import prepared


@click.command("graph", cls=Command)
@paths_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot", "json"]),
    default="mermaid",
    show_default=True,
    help="Mermaid flowchart, Graphviz DOT or JSON.",
)
@policy_option
@config_option
@click.option("--output", "-o", type=click.Path(), help="Write the graph to this file.")
def graph_cmd(
    paths: tuple[str, ...],
    fmt: str,
    policies: tuple[str, ...],
    config_path: str | None,
    output: str | None,
) -> int:
    """Print the lineage graph of the documents under PATHS, with the datasets, models and
    pipeline stages involved in diversity findings (SG2xx) and cycles highlighted."""
    # start-up: the app layer is imported when the command runs
    from synthgov.app.check.checking import run
    from synthgov.app.check.runner import CheckOptions
    from synthgov.app.lineageview import render_graph

    options = CheckOptions(paths=paths, config=config_path, policies=policies, use_cache=False)
    setup = prepared(options)
    result = run(options, setup)
    text = render_graph(options, setup, result, fmt)
    warn(result.warnings)
    write_output(text, output)
    return EXIT_OK
