"""Exit codes, in one place.

    0  nothing at or above the fail level (or --exit-zero)
    1  findings at or above the fail level (and: a plugin failed, a policy test failed)
    2  a usage, configuration or policy error: synthgov fails closed

Every command goes through :class:`SynthgovGroup`: a command *returns* its exit code (0 or 1
from what it found), and a :class:`~synthgov.core.errors.SynthgovError` that leaves it --
raised by the app layer, or by the command for a bad option (``UsageError``) -- becomes one
line on stderr, ``synthgov: error: ...``, and the code :data:`EXIT_CODES` maps it to. No
other module of the CLI exits, prints an error line or picks a code. Click's own usage
errors (an unknown option, a bad choice) keep click's message and its exit code, 2.
"""

from __future__ import annotations

from typing import Any

import click

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
