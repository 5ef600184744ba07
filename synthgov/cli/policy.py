"""The commands about policies and rules: ``rules``, ``explain`` and ``test``."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import click

from synthgov.cli.main import EXIT_OK
from synthgov.cli.options import Command, complete_rule_ids
from synthgov.cli.prepare import local_custom_rules, local_registry
from synthgov.core.errors import UsageError

if TYPE_CHECKING:
    from synthgov.core.types import Rule
    from synthgov.policy.types import CustomRuleSpec


@click.command("rules", cls=Command)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text")
def rules_cmd(fmt: str) -> int:
    """List every rule: id, name, default severity, plugin (or policy file:line)."""
    registry = local_registry()
    rules = sorted(registry.rules.values(), key=lambda r: r.id)
    if fmt == "markdown":
        # start-up: the catalog renderer only for --format markdown
        from synthgov.app.explain import render_catalog

        click.echo(render_catalog(rules), nl=False)
        return EXIT_OK
    custom = sorted(local_custom_rules(), key=lambda c: c.id)
    if fmt == "json":
        click.echo(_rules_json(rules, custom))
        return EXIT_OK
    width = max((len(r.name) for r in rules), default=10)
    for r in rules:
        click.echo(f"{r.id}  {r.name:<{width}}  {r.severity.label:<7}  {r.plugin}  {r.doc.summary}")
    for c in custom:
        click.echo(f"{c.id}  {c.title}  {c.severity.label:<7}  policy {c.origin}")
    return EXIT_OK


def _rules_json(rules: list[Rule], custom: list[CustomRuleSpec]) -> str:
    import json  # start-up: only --format json needs it

    rows: list[dict[str, Any]] = [
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
    return json.dumps(rows, indent=2)


@click.command(cls=Command)
@click.argument("rule_id", shell_complete=complete_rule_ids)
def explain(rule_id: str) -> int:
    """Show a rule's documentation, parameters, and an example violation with its fix."""
    # start-up: the app layer is imported when the command runs
    from synthgov.app.explain import render_custom_explanation, render_explanation
    from synthgov.app.suggest import close_matches, did_you_mean

    registry = local_registry()
    rule = registry.rules.get(rule_id.upper()) or next(
        (r for r in registry.rules.values() if r.name == rule_id), None
    )
    if rule is not None:
        click.echo(render_explanation(rule), nl=False)
        return EXIT_OK
    custom = local_custom_rules()
    spec = next((c for c in custom if c.id.upper() == rule_id.upper()), None)
    if spec is None:
        known = [*registry.rules, *(c.id for c in custom)]
        hint = did_you_mean(close_matches(rule_id, known, n=1))
        raise UsageError(f"unknown rule {rule_id!r}{hint} (see `synthgov rules`)")
    click.echo(render_custom_explanation(spec), nl=False)
    return EXIT_OK


@click.command("test", cls=Command)
@click.argument("directory", default=".", required=False)
@click.option("--config", "config_path", type=click.Path(), help="Config file for every case.")
@click.option("-v", "--verbose", is_flag=True, help="List passing cases too.")
@click.option(
    "--allow-empty",
    is_flag=True,
    help="Exit 0 with a message when DIRECTORY holds no case (the pre-commit hook does).",
)
def test_cmd(directory: str, config_path: str | None, verbose: bool, allow_empty: bool) -> int:
    """Run the policy tests under DIRECTORY: folders of documents with an expect.yaml."""
    # start-up: the app layer is imported when the command runs
    from synthgov.app.policytest import render, run_tests

    run = run_tests(directory, cwd=os.getcwd(), config=config_path)
    if allow_empty and run.no_cases:
        click.echo(f"synthgov: {run.error}; nothing to test")
        return EXIT_OK
    click.echo(render(run, verbose=verbose), nl=False, err=run.error is not None)
    return run.exit_code
