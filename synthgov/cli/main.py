"""The command line (SPEC section 9): the ``synthgov`` group and its list of commands.

Each command lives in its own module of :mod:`synthgov.cli` and is imported only when it is
run (or listed by ``--help``): ``synthgov --version`` and a pre-commit ``check`` pay for
their own command alone. A command parses its options, calls the app layer, prints, and
returns its exit code; :mod:`synthgov.cli.exits` turns that code, or a synthgov error, into
the process's exit (0 no finding at or above the fail level; 1 findings; 2 usage,
configuration or policy error, with one line on stderr).
"""

from __future__ import annotations

import importlib

import click

from synthgov import __version__
from synthgov.cli.exits import SynthgovGroup

#: the commands: name -> (module of synthgov.cli, the click command in it)
COMMANDS: dict[str, tuple[str, str]] = {
    "baseline": ("baseline", "baseline_cmd"),
    "check": ("check", "check"),
    "explain": ("policy", "explain"),
    "graph": ("graph", "graph_cmd"),
    "init": ("init", "init_cmd"),
    "models": ("models", "models"),
    "plugins": ("plugins", "plugins_cmd"),
    "report": ("report", "report_cmd"),
    "rules": ("policy", "rules_cmd"),
    "schema": ("plugins", "schema"),
    "test": ("policy", "test_cmd"),
    "verify": ("verify", "verify"),
}


class _Group(SynthgovGroup):
    """The CLI's group: the commands of :data:`COMMANDS`, each imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        place = COMMANDS.get(cmd_name)
        if place is None:
            return None
        module = importlib.import_module(f"synthgov.cli.{place[0]}")
        command: click.Command = getattr(module, place[1])
        return command


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "-V", "--version", prog_name="synthgov", message="%(prog)s %(version)s"
)
def main() -> None:
    """Policy-as-code for AI-generated data: provenance, model diversity, validation."""


if __name__ == "__main__":  # pragma: no cover
    main()
