"""Before a run reads any document: config, plugins and policy, the ``--select``/
``--ignore`` ids and the paths named. Everything here fails closed (exit 2, one line)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from synthgov.app.check.options import CheckOptions, Setup
from synthgov.plugins.manager import load_registry
from synthgov.policy.config import find_config, load_config
from synthgov.policy.resolve import ResolvedPolicy, resolve
from synthgov.repo.discovery import display_path


def prepare(options: CheckOptions, reader: Callable[[str], bytes | None] | None = None) -> Setup:
    """Config, plugins and policy: everything that can fail closed (PolicyError)."""
    from synthgov.policy.resolve import default_reader

    cwd = options.cwd
    read = reader or default_reader
    finder: Callable[[str], str | None] = find_config
    untrusted: str | None = None
    if reader is None and options.policy_from_ref is not None:
        # policies and config as they are at the ref: a change cannot weaken its own judge,
        # nor run its own code as a plugin
        from synthgov.app.check.gitdiff import ref_files

        at_ref = ref_files(cwd, options.policy_from_ref)
        read, finder, untrusted = at_ref.read, at_ref.find_config, at_ref.root

    def show(path: str) -> str:
        return display_path(path, cwd)

    config_path = os.path.abspath(os.path.join(cwd, options.config)) if options.config else None
    if config_path is None:
        config_path = finder(cwd)
    config = load_config(config_path, cwd=cwd, reader=read, display=show)
    registry = load_registry(config.plugins, untrusted_root=untrusted)
    refs = options.policies or config.policies
    if options.policies:
        origin_label, origin_dir = "--policy", cwd
    else:
        origin_label = show(config.path) if config.path else "default config"
        origin_dir = config.root
    policy = resolve(
        refs,
        origin_label=origin_label,
        origin_dir=origin_dir,
        rules=registry.rules,
        packs=registry.packs,
        reader=read,
        display=show,
        plugin_packs={info.name: info.policies for info in registry.plugins},
    )
    if config.path and config.path not in policy.files:
        policy = ResolvedPolicy(
            rules=policy.rules,
            settings=policy.settings,
            custom=policy.custom,
            files=(config.path, *policy.files),
            names=policy.names,
        )
    return Setup(config, registry, policy, registry.errors)


def rule_selection(options: CheckOptions, setup: Setup) -> Any:
    """``--select``/``--ignore`` as canonical ids; an unknown id or prefix is a TypoError."""
    from synthgov.engine.evaluate import Selection

    if not options.select and not options.ignore:
        return Selection((), ())
    from synthgov.app.suggest import resolve_ids, split_ids  # start-up: only when selecting

    known = {*setup.registry.rules, *setup.policy.rules}
    select = resolve_ids("--select", split_ids(options.select), known)
    ignore = resolve_ids("--ignore", split_ids(options.ignore), known)
    return Selection(select, ignore)


def check_paths(options: CheckOptions) -> None:
    """Every path named must exist: a typo would otherwise check nothing and pass."""
    for given in options.paths:
        if not os.path.lexists(os.path.join(options.cwd, given)):
            from synthgov.app.suggest import TypoError, missing_path  # start-up: on a typo only

            raise TypoError(missing_path(given, options.cwd))
