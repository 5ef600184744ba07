"""What a command reads before it runs: the working directory's config and plugins.

No printing here: the CLI prints the plugin errors these functions return.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from synthgov.app.check.runner import CheckOptions
    from synthgov.plugins.manager import Registry


def local_registry(cwd: str) -> Registry:
    """The plugin registry of the config found from ``cwd`` (PolicyError, PluginError)."""
    # start-up: config and plugins are read only by the commands that need them
    from synthgov.plugins.manager import load_registry
    from synthgov.policy.config import find_config, load_config

    config = load_config(find_config(cwd), cwd=cwd)
    return load_registry(config.plugins)


def plugin_errors(options: CheckOptions) -> tuple[str, ...]:
    """The plugins that failed to load for ``options`` (their rules are unknown, which is
    why a policy naming them failed); none when even that cannot be found out.

    With ``--policy-from-ref`` the plugins are those of the ref's config, and none is imported
    from the working tree: the change under review never names code to run."""
    # start-up: config and plugins only after a policy error
    from synthgov.plugins.manager import load_registry
    from synthgov.policy.config import find_config, load_config

    try:
        cwd = options.cwd or os.getcwd()
        given = options.config
        if options.policy_from_ref is not None:
            # start-up: git only for --policy-from-ref
            from synthgov.app.check.gitdiff import ref_files

            at_ref = ref_files(cwd, options.policy_from_ref)
            path = os.path.abspath(os.path.join(cwd, given)) if given else at_ref.find_config(cwd)
            config = load_config(path, cwd=cwd, reader=at_ref.read)
            registry = load_registry(config.plugins, untrusted_root=at_ref.root)
        else:
            path = os.path.abspath(os.path.join(cwd, given)) if given else find_config(cwd)
            registry = load_registry(load_config(path, cwd=cwd).plugins)
    except Exception:  # noqa: BLE001 - the policy error that follows is the one to report
        return ()
    return tuple(registry.errors)
