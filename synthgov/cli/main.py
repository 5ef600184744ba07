"""The command line (SPEC section 9): the ``synthgov`` group, its list of commands, and
the exit codes.

Each command lives in a module of :mod:`synthgov.cli` named for it and is imported only when
it runs (or when ``--help`` lists it): ``synthgov --version`` and a pre-commit ``check`` pay
for their own command alone. A command parses its options into one request, calls the app
layer, prints, and *returns* its exit code.

Exit codes, in one place (this module):

    0  nothing at or above the fail level (or --exit-zero)
    1  findings at or above the fail level (also: a plugin failed, a policy test failed)
    2  a usage, configuration or policy error: synthgov fails closed

Every command runs inside :class:`SynthgovGroup`: the code a command returns ends the
process, and a :class:`~synthgov.core.errors.SynthgovError` that leaves it -- raised by the
app layer, or by the command for a bad option (``UsageError``) -- becomes one line on stderr,
``synthgov: error: ...``, with the code :data:`EXIT_CODES` maps it to. No other module of the
CLI exits, prints an error line or picks a code. Click's own usage errors (an unknown option,
a bad choice) keep click's message and its exit code, 2.
"""

from __future__ import annotations

from typing import Any

import click

from synthgov import __version__
from synthgov.core.errors import SynthgovError
from synthgov.core.escaping import command_safe, printable

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
#: the one mapping of synthgov's errors to exit codes (most specific class first)
EXIT_CODES: tuple[tuple[type[SynthgovError], int], ...] = ((SynthgovError, EXIT_ERROR),)


def exit_code_for(exc: BaseException) -> int | None:
    """The exit code of one of synthgov's errors; None for anything else (a bug)."""
    for cls, code in EXIT_CODES:
        if isinstance(exc, cls):
            return code
    return None


def safe(text: object) -> str:
    """A line for stderr: messages quote file names and values from a pull request."""
    return command_safe(printable(text))


class SynthgovGroup(click.Group):
    """The CLI's group: a command's returned exit code ends the process with it; a
    SynthgovError that leaves a command is one line and its exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            code = super().invoke(ctx)
        except SynthgovError as exc:
            click.echo(safe(f"synthgov: error: {exc}"), err=True)
            ctx.exit(exit_code_for(exc) or EXIT_ERROR)
        if isinstance(code, int) and not isinstance(code, bool):
            ctx.exit(code)
        return code


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
        # an import statement's path (not importlib's), so that -X importtime sees it
        module = __import__(f"synthgov.cli.{place[0]}", fromlist=[place[1]])
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
