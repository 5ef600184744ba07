"""What commands read before they run, with the warnings it gives printed on stderr."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from synthgov.cli.output import warn

if TYPE_CHECKING:
    from synthgov.app.check.runner import CheckOptions, Setup
    from synthgov.plugins.manager import Registry
    from synthgov.policy.types import CustomRuleSpec


def prepared(options: CheckOptions) -> Setup:
    """Config, plugins and policy. Before a policy error, the plugins that failed to load
    are named: their rules are unknown, which may be why the policy failed."""
    # start-up: the runner (and what it imports) only once a command runs
    from synthgov.app.check.runner import prepare
    from synthgov.core.errors import PolicyError

    try:
        return prepare(options)
    except PolicyError:
        from synthgov.app.preparation import plugin_errors

        warn(plugin_errors(options))
        raise


def local_registry() -> Registry:
    """The plugin registry of the working directory; plugin errors are warnings."""
    # start-up: config and plugins are read when a command runs
    from synthgov.app.preparation import local_registry as load

    registry = load(os.getcwd())
    warn(registry.errors)
    return registry


def local_custom_rules() -> tuple[CustomRuleSpec, ...]:
    """The custom rules of the working directory's policy (config or builtin:baseline)."""
    # start-up: the runner (and what it imports) only once a command runs
    from synthgov.app.check.runner import CheckOptions

    return tuple(prepared(CheckOptions(cwd=os.getcwd())).policy.custom)
