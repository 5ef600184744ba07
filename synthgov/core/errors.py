"""The error tree of synthgov: every problem that stops a run with exit 2 and one line.

``SynthgovError`` is the root; the CLI maps it to its exit code in one place
(:mod:`synthgov.cli.main`: ``EXIT_CODES``, ``exit_code_for`` and the group that turns an
error leaving any command into one line on stderr). A bad *document* is never one of these:
it is a finding. These are for a bad option, policy, config, baseline, git ref, plugin or
model registry.

    SynthgovError
    ├── PolicyError(path, line, message)   a policy file or pack
    │   ├── ConfigError                    synthgov.yaml / [tool.synthgov]
    │   ├── BaselineError                  a --baseline file
    │   └── GitError (synthgov.app.check.gitdiff)    diff mode, --policy-from-ref
    ├── PluginError                        two plugins register one id, a bad registration
    ├── RegistryError (also ValueError)    model registry data
    └── UsageError                         an option, argument, path or environment value
"""

from __future__ import annotations


class SynthgovError(Exception):
    """A problem with the run's inputs (not with a document): exit 2, one line."""


class PolicyError(SynthgovError):
    """A policy or config problem: exit code 2 with one line naming the file."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")


class ConfigError(PolicyError):
    """``synthgov.yaml``, ``.synthgov.yaml`` or ``[tool.synthgov]`` is wrong."""


class BaselineError(PolicyError):
    """A ``--baseline`` file that cannot be read or is not a synthgov baseline."""


class PluginError(SynthgovError):
    """Two plugins registered the same rule id, or a registration is malformed."""


class RegistryError(SynthgovError, ValueError):
    """Invalid registry data (built-in file, config ``models:`` or a plugin)."""


class UsageError(SynthgovError):
    """A bad option, argument or environment value, or an output file that cannot be
    written: exit 2 with one line (the message says which)."""
