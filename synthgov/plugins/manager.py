"""The plugin manager and the registry of everything plugins registered.

Nothing is loaded at import time: :func:`load_registry` builds a fresh ``PluginManager``,
registers the built-in plugins through the same hooks third parties use, then loads
entry points of group ``synthgov`` and the ``plugins:`` modules named in the config. A
plugin that fails to import is reported by name and skipped; its rules are then unknown, so
a policy that uses them fails closed.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from synthgov.core.errors import PluginError as PluginError  # re-exported: callers import it here
from synthgov.core.types import Rule

ENTRY_POINT_GROUP = "synthgov"
BUILTIN_PLUGINS = (
    "synthgov.rules.builtin",
    "synthgov.loaders.builtin",
    "synthgov.reporters.builtin",
)


@dataclass(frozen=True, eq=False)  # compared by identity; no __eq__ or __hash__ to build
class PluginInfo:
    """A loaded plugin and what it registered (synthgov plugins)."""

    name: str
    version: str
    source: str  # "builtin", "entry point", "config"
    rules: tuple[str, ...] = ()
    loaders: tuple[str, ...] = ()
    reporters: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()
    models: int = 0
    error: str = ""


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class Registry:
    """Everything the plugins registered: rules, loaders, reporters, packs, models."""

    rules: Mapping[str, Rule]
    loaders: tuple[Any, ...]
    reporters: Mapping[str, Any]
    packs: Mapping[str, Any]
    model_entries: tuple[Mapping[str, Any], ...] = ()
    model_terms: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    plugins: tuple[PluginInfo, ...] = ()
    errors: tuple[str, ...] = ()


def load_registry(
    config_plugins: Sequence[str] = (),
    *,
    entry_points: bool = True,
    extra: Sequence[Any] = (),
    untrusted_root: str | None = None,
) -> Registry:
    """Built-in plugins, entry points of group ``synthgov`` and the config's ``plugins:``.

    ``untrusted_root`` (the gate: ``--policy-from-ref``) is the work tree of the change under
    review: a plugin whose code would be imported from inside it is refused
    (:class:`PluginError`), since importing it runs code the change wrote.
    """
    import pluggy

    from synthgov.core import hookspecs
    from synthgov.core.markers import PROJECT

    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    sources: dict[str, tuple[str, str]] = {}
    errors: list[str] = []
    for module_name in BUILTIN_PLUGINS:
        pm.register(importlib.import_module(module_name), name=module_name)
        sources[module_name] = ("builtin", _own_version())
    if entry_points:
        _load_entry_points(pm, sources, errors, untrusted_root)
    for module_name in config_plugins:
        if untrusted_root is not None:
            _refuse_inside(module_name, untrusted_root, f"plugin {module_name!r} (from config)")
        try:
            module = importlib.import_module(module_name)
        except Exception as exc:  # noqa: BLE001 - any import failure is reported by name
            errors.append(f"plugin {module_name!r} (from config) failed to import: {_brief(exc)}")
            continue
        if pm.is_registered(module):
            continue
        pm.register(module, name=module_name)
        sources[module_name] = ("config", getattr(module, "__version__", ""))
    for plugin in extra:
        pm.register(plugin)
        sources[pm.get_name(plugin) or repr(plugin)] = ("extra", "")
    return _collect(pm, sources, errors)


def _own_version() -> str:
    from synthgov import __version__

    return __version__


def _refuse_inside(module_name: str, root: str, label: str) -> None:
    """PluginError when the top-level package of ``module_name`` would be imported from
    inside ``root``; finding it executes nothing (no parent package is imported)."""
    import importlib.util

    top = module_name.strip().split(".", 1)[0]
    if not top or top in sys.modules:  # already imported from where it was: the environment
        return
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return  # the import that follows reports it
    if spec is None:
        return
    places = [spec.origin or "", *(spec.submodule_search_locations or ())]
    real_root = os.path.realpath(root)
    for place in places:
        if not place or not os.path.isabs(place):
            continue
        real = os.path.realpath(place)
        if real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep):
            raise PluginError(
                f"{label} would be imported from the working tree ({real}): with "
                "--policy-from-ref, plugins come from the installed environment, never from "
                "the change under review"
            )


def _load_entry_points(
    pm: Any,
    sources: dict[str, tuple[str, str]],
    errors: list[str],
    untrusted_root: str | None = None,
) -> None:
    # importlib.metadata costs ~15 ms of imports on every run: synthgov.repo.snapshot keeps the
    # group's entry points until the installation changes
    from synthgov.repo.snapshot import entry_point_rows, load_entry_point

    for name, value, dist_name, version in entry_point_rows(ENTRY_POINT_GROUP):
        if pm.get_plugin(name) is not None or pm.is_blocked(name):
            continue
        label = f"{name} ({dist_name} {version})" if dist_name else name
        if untrusted_root is not None:
            _refuse_inside(value.split(":", 1)[0], untrusted_root, f"plugin {label}")
        try:
            plugin = load_entry_point(value)
            pm.register(plugin, name=name)
        except Exception as exc:  # noqa: BLE001 - a broken plugin is one clear error
            errors.append(f"plugin {label} failed to load: {_brief(exc)}")
            continue
        sources[name] = ("entry point", version)


def _brief(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def _collect(pm: Any, sources: Mapping[str, tuple[str, str]], errors: list[str]) -> Registry:
    got: dict[str, dict[str, Any]] = {}
    for hook in (
        "synthgov_register_rules",
        "synthgov_register_loaders",
        "synthgov_register_reporters",
        "synthgov_register_policies",
        "synthgov_register_models",
    ):
        for impl in getattr(pm.hook, hook).get_hookimpls():
            try:
                result = impl.function()
            except Exception as exc:  # noqa: BLE001 - a plugin bug is one clear error
                errors.append(f"plugin {impl.plugin_name}: {hook} failed: {_brief(exc)}")
                continue
            got.setdefault(impl.plugin_name, {})[hook] = result
    rules: dict[str, Rule] = {}
    loaders: list[Any] = []
    reporters: dict[str, Any] = {}
    packs: dict[str, Any] = {}
    model_entries: list[Mapping[str, Any]] = []
    model_terms: dict[str, Mapping[str, Any]] = {}
    infos: list[PluginInfo] = []
    for name, _plugin in pm.list_name_plugin():
        source, version = sources.get(name, ("", ""))
        results = got.get(name, {})
        rule_ids = []
        for item in results.get("synthgov_register_rules") or []:
            rule = item() if isinstance(item, type) else item
            if not isinstance(getattr(rule, "id", None), str):
                errors.append(f"plugin {name}: registered a rule without an id: {item!r}")
                continue
            if rule.id in rules:
                raise PluginError(
                    f"rule {rule.id} is registered twice (by {rules[rule.id].plugin} and {name})"
                )
            if source != "builtin":
                rule.plugin = name
            rules[rule.id] = rule
            rule_ids.append(rule.id)
        got_loaders = list(results.get("synthgov_register_loaders") or [])
        loaders.extend(got_loaders)
        got_reporters = dict(results.get("synthgov_register_reporters") or {})
        reporters.update(got_reporters)
        got_packs = dict(results.get("synthgov_register_policies") or {})
        packs.update(got_packs)
        got_models = results.get("synthgov_register_models") or {}
        entries = list(got_models.get("models", [])) if isinstance(got_models, Mapping) else []
        model_entries.extend(entries)
        if isinstance(got_models, Mapping):
            model_terms.update(got_models.get("terms", {}) or {})
        infos.append(
            PluginInfo(
                name=name,
                version=version,
                source=source,
                rules=tuple(rule_ids),
                loaders=tuple(getattr(x, "name", type(x).__name__) for x in got_loaders),
                reporters=tuple(sorted(got_reporters)),
                policies=tuple(sorted(got_packs)),
                models=len(entries),
            )
        )
    return Registry(
        rules=rules,
        loaders=tuple(loaders),
        reporters=reporters,
        packs=packs,
        model_entries=tuple(model_entries),
        model_terms=model_terms,
        plugins=tuple(infos),
        errors=tuple(errors),
    )
