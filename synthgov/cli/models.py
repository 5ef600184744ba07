"""``synthgov models``: the model registry, and how a model id resolves."""

from __future__ import annotations

import click

from synthgov.cli.main import EXIT_OK
from synthgov.cli.options import Command, config_option
from synthgov.cli.prepare import prepared
from synthgov.core.errors import UsageError


@click.command(cls=Command)
@click.argument("query", required=False)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@config_option
def models(query: str | None, fmt: str, config_path: str | None) -> int:
    """List and explain model registry entries. QUERY, a model id, is resolved step by step
    (route, entry, family, lineage, pinning, terms with source, date and confidence,
    lifecycle); entries mentioning QUERY are listed after it."""
    # start-up: the app layer is imported when the command runs
    from synthgov.app.check.runner import CheckOptions, model_registry
    from synthgov.models.describe import describe

    setup = prepared(CheckOptions(paths=(), config=config_path, use_cache=False))
    registry = model_registry(setup)
    if query is not None and not query.strip():
        raise UsageError("the model query is empty")
    click.echo(describe(registry, query.strip() if query else None, fmt), nl=False)
    return EXIT_OK
