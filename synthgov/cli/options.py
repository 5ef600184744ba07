"""Options and arguments several commands share, their shell completion and parsing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("text", "json", "sarif", "junit", "github", "markdown", "html")
SEVERITIES = ("error", "warning", "info")


class Command(click.Command):
    """A command whose summary in ``synthgov --help`` is its first sentence, never cut."""

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return self.short_help
        import inspect  # start-up: only --help needs it

        text = " ".join(inspect.cleandoc(self.help or "").split("\n\n")[0].split())
        end = text.find(". ")
        return text[: end + 1] if end >= 0 else text


def complete_formats(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """Shell completion of ``--format``: the built-in formats and those plugins add."""
    names = set(FORMATS)
    try:
        # start-up: completion alone loads the plugins
        from synthgov.plugins.manager import load_registry

        names.update(load_registry().reporters)
    except Exception:  # noqa: BLE001 - completion must never print a traceback
        pass
    return sorted(n for n in names if n.startswith(incomplete))


def complete_rule_ids(ctx: Any, param: Any, incomplete: str) -> list[str]:
    """Shell completion of rule ids (``--select``, ``--ignore``, ``explain``)."""
    try:
        # start-up: completion alone loads the plugins
        from synthgov.plugins.manager import load_registry

        ids = list(load_registry().rules)
    except Exception:  # noqa: BLE001 - completion must never print a traceback
        return []
    wanted = incomplete.upper()
    return sorted(i for i in ids if i.upper().startswith(wanted))


def split_ids(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--select A,B --select C`` -> ``(A, B, C)``."""
    out: list[str] = []
    for value in values:
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return tuple(out)


def paths_argument(f: F) -> F:
    return click.argument("paths", nargs=-1, type=click.Path())(f)


def policy_option(f: F) -> F:
    return click.option(
        "--policy", "policies", multiple=True, help="Policy to apply (repeatable)."
    )(f)


def config_option(f: F) -> F:
    return click.option("--config", "config_path", type=click.Path(), help="Config file to use.")(f)


def format_option(f: F) -> F:
    """``--format`` of check and verify: a reporter's name (plugins may add some)."""
    return click.option(
        "--format",
        "fmt",
        default=None,
        shell_complete=complete_formats,
        help=f"Output format: {', '.join(FORMATS)}.",
    )(f)


def output_option(f: F) -> F:
    return click.option("--output", "-o", type=click.Path(), help="Write the report to this file.")(
        f
    )


def fail_on_option(f: F) -> F:
    return click.option(
        "--fail-on", type=click.Choice(list(SEVERITIES)), help="Lowest failing severity."
    )(f)


def select_options(f: F) -> F:
    """``--select`` and ``--ignore``: rule ids or prefixes, repeatable, comma-separated."""
    f = click.option(
        "--ignore",
        multiple=True,
        shell_complete=complete_rule_ids,
        help="Skip these rule ids or prefixes.",
    )(f)
    return click.option(
        "--select",
        multiple=True,
        shell_complete=complete_rule_ids,
        help="Only these rule ids or prefixes.",
    )(f)


def quiet_option(f: F) -> F:
    return click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")(f)


def run_options(f: F) -> F:
    """What ``check`` and ``verify`` share: the paths, policies, config, output format and
    file, the failing severity and the rule selection, in this order in ``--help``."""
    for option in (
        select_options,
        fail_on_option,
        output_option,
        format_option,
        config_option,
        policy_option,
        paths_argument,
    ):
        f = option(f)
    return f
