"""``synthgov plugins`` and ``synthgov schema``: what is installed, and the document kinds."""

from __future__ import annotations

import os

import click

from synthgov.cli.main import EXIT_FINDINGS, EXIT_OK
from synthgov.cli.options import Command
from synthgov.core.errors import UsageError

_FIELDS = ("rules", "loaders", "reporters", "policies")


@click.command("plugins", cls=Command)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def plugins_cmd(fmt: str) -> int:
    """List loaded plugins, their versions and what they registered; exit 1 if one failed."""
    # start-up: config and plugins are read when the command runs
    from synthgov.app.preparation import local_registry

    registry = local_registry(os.getcwd())
    if fmt == "json":
        import json

        rows = [
            {
                "name": p.name,
                "version": p.version,
                "source": p.source,
                **{f: list(getattr(p, f)) for f in _FIELDS},
                "models": p.models,
            }
            for p in registry.plugins
        ]
        click.echo(json.dumps({"plugins": rows, "errors": list(registry.errors)}, indent=2))
    else:
        for p in registry.plugins:
            click.echo(f"{p.name} {p.version or '(no version)'} ({p.source or 'unknown'})")
            for f in _FIELDS:
                if getattr(p, f):
                    click.echo(f"    {f}: {', '.join(getattr(p, f))}")
            if p.models:
                click.echo(f"    models: {p.models} registry entries")
        for error in registry.errors:
            click.echo(f"error: {error}")
    return EXIT_FINDINGS if registry.errors else EXIT_OK


@click.command(cls=Command)
@click.argument("kind")
def schema(kind: str) -> int:
    """Print the JSON Schema of KIND (DatasetCard, Pipeline, Policy, Config, Report)."""
    # start-up: the packaged schemas only for this command
    from synthgov.core import resources

    names = {k.lower(): k for k in resources.SCHEMA_FILES}
    canonical = names.get(kind.lower())
    if canonical is None:
        raise UsageError(f"unknown kind {kind!r} (known: {', '.join(resources.SCHEMA_FILES)})")
    text = resources.schema_text(canonical)
    click.echo(text if text.endswith("\n") else text + "\n", nl=False)
    return EXIT_OK
