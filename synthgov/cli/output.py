"""Printing: reports to stdout or a file, warnings and progress on stderr, colour."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import click

from synthgov.cli.main import safe
from synthgov.core.errors import UsageError
from synthgov.core.escaping import printable

if TYPE_CHECKING:
    from synthgov.engine.report import Report


def warn(warnings: Iterable[object]) -> None:
    """Each warning as one ``synthgov: warning: ...`` line on stderr."""
    for warning in warnings:
        click.echo(safe(f"synthgov: warning: {warning}"), err=True)


def note(text: str) -> None:
    """A line on stderr (what was written, fixed or skipped)."""
    click.echo(text, err=True)


def write_output(text: str, output: str | None) -> None:
    """Print, or write the file atomically: a temporary file in the same folder, given the
    mode a new file gets under the umask (or the mode of the file it replaces), then renamed
    over the target. A file that cannot be written is exit 2 with one line, never a
    traceback (a CI step could take exit 1 for findings and carry on)."""
    if output is None or output == "-":
        click.echo(text, nl=False)
        return
    # start-up: only a run that writes a file needs tempfile
    import tempfile

    target = os.path.abspath(output)
    folder = os.path.dirname(target)
    tmp = None
    try:
        data = text.encode("utf-8")
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".synthgov-", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), _new_file_mode(target))
            handle.write(data)
        os.replace(tmp, target)
        tmp = None
    except UnicodeEncodeError as exc:
        reason = f"not valid UTF-8 ({exc.reason})"
        raise UsageError(f"cannot write {printable(output)}: {reason}") from None
    except OSError as exc:
        raise UsageError(f"cannot write {printable(output)}: {exc.strerror or exc}") from None
    finally:
        if tmp is not None and os.path.lexists(tmp):
            os.unlink(tmp)


def _new_file_mode(target: str) -> int:
    """The mode of the file ``target`` replaces, else 0666 less the umask (as ``open``
    would create it)."""
    import stat  # start-up: only a run that writes a file needs it

    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        pass
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return 0o666 & ~mask


def print_report(text: str, output: str | None, color: bool) -> None:
    """The report on stdout (in colour when wanted) or in ``output``."""
    if color:  # click strips ANSI codes when stdout is not a terminal, FORCE_COLOR or not
        click.echo(text, nl=False, color=True)
    else:
        write_output(text, output)


def color_wanted() -> bool:
    """Colour on a terminal; ``NO_COLOR`` turns it off, a non-empty ``FORCE_COLOR`` on
    (e.g. in CI logs that render ANSI colours). ``NO_COLOR`` wins when both are set."""
    if os.environ.get("NO_COLOR", "") != "":
        return False
    if os.environ.get("FORCE_COLOR", "") != "":
        return True
    return sys.stdout.isatty()


def stderr_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def show_status(status: str) -> None:
    """One status line on stderr, overwritten by the next and erased before the report."""
    sys.stderr.write(f"\r\x1b[Ksynthgov: {status}...")
    sys.stderr.flush()


def end_status() -> None:
    sys.stderr.write("\r\x1b[K")
    sys.stderr.flush()


def progress_bar() -> Callable[[int, int, str], None]:
    """A one-line progress bar on stderr (only used when stderr is a terminal)."""

    def show(done: int, total: int, label: str) -> None:
        width = 24
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done >= total else ""
        click.echo(f"\r[{bar}] {done}/{total} {label[-40:]:<40}{end}", err=True, nl=False)

    return show


def github_actions_extras(reporters: Mapping[str, Any], report: Report) -> None:
    """Inside GitHub Actions: workflow annotations, and the Markdown report appended to the
    job summary (``$GITHUB_STEP_SUMMARY``)."""
    github = reporters.get("github")
    if github is not None:
        click.echo(github(report), nl=False)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    markdown = reporters.get("markdown")
    if summary_file and markdown is not None:
        try:
            with open(summary_file, "a", encoding="utf-8", newline="\n") as handle:
                handle.write(markdown(report))
        except OSError as exc:
            shown = safe(exc)
            click.echo(f"synthgov: warning: cannot write the job summary: {shown}", err=True)
