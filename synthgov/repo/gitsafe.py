"""The options every git process of synthgov runs with (no GitPython here: start-up cost).

A repository's own configuration can name programs that git runs on ordinary read commands:
``core.fsmonitor`` (run by ``ls-files``, ``diff`` and ``status`` to ask which files changed)
and hooks such as ``post-index-change`` (run when ``diff`` refreshes the index). A pull
request cannot write ``.git/config``, but a developer's clone, a CI cache or a shared folder
can hold one, and neither pre-commit nor a gate should run it. So every git command synthgov
starts, discovery included, carries :data:`SAFE_OPTIONS` before the subcommand.
"""

from __future__ import annotations

import os

#: ``git -c KEY=VALUE`` pairs: no file-system monitor, no hooks, no untracked cache (its
#: refresh can run the monitor too).
SAFE_CONFIG: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", os.devnull),
    ("core.untrackedCache", "false"),
)

#: the same, as command-line options to put right after ``git``
SAFE_OPTIONS: tuple[str, ...] = tuple(
    part for key, value in SAFE_CONFIG for part in ("-c", f"{key}={value}")
)


def git_command(*args: str) -> list[str]:
    """``git`` with :data:`SAFE_OPTIONS`, then ``args``."""
    return ["git", *SAFE_OPTIONS, *args]


def git_output(cwd: str, *args: str, env: dict[str, str] | None = None) -> bytes | None:
    """The standard output of ``git`` (with :data:`SAFE_OPTIONS`) run in ``cwd``, or None
    when it cannot run, times out (60 s) or fails."""
    import subprocess

    try:
        proc = subprocess.run(
            git_command(*args), cwd=cwd, capture_output=True, timeout=60, check=False, env=env
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None
