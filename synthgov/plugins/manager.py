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
    # start-up: pluggy and the hooks only when the registry is built (not for --version)
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
    from synthgov import __version__  # start-up: the root package is light; kept local

    return __version__


def _refuse_inside(module_name: str, root: str, label: str) -> None:
    """PluginError when the top-level package of ``module_name`` would be imported from
    inside ``root``; finding it executes nothing (no parent package is imported)."""
    import importlib.util  # start-up: only with --policy-from-ref

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


_HOOKS = (
    "synthgov_register_rules",
    "synthgov_register_loaders",
    "synthgov_register_reporters",
    "synthgov_register_policies",
    "synthgov_register_models",
)


def _collect(pm: Any, sources: Mapping[str, tuple[str, str]], errors: list[str]) -> Registry:
    """Call every registration hook and gather the answers, plugin by plugin."""
    got = _call_hooks(pm, errors)
    gathering = _Gathering(errors)
    for name, _plugin in pm.list_name_plugin():
        source, version = sources.get(name, ("", ""))
        gathering.add(name, source, version, got.get(name, {}))
    return gathering.registry()


def _call_hooks(pm: Any, errors: list[str]) -> dict[str, dict[str, Any]]:
    """Each plugin's answer to each registration hook; a hook that raises is one error."""
    got: dict[str, dict[str, Any]] = {}
    for hook in _HOOKS:
        for impl in getattr(pm.hook, hook).get_hookimpls():
            try:
                result = impl.function()
            except Exception as exc:  # noqa: BLE001 - a plugin bug is one clear error
                errors.append(f"plugin {impl.plugin_name}: {hook} failed: {_brief(exc)}")
                continue
            got.setdefault(impl.plugin_name, {})[hook] = result
    return got


class _Gathering:
    """What the plugins registered so far, while :func:`_collect` walks them in order."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        self.rules: dict[str, Rule] = {}
        self.loaders: list[Any] = []
        self.reporters: dict[str, Any] = {}
        self.packs: dict[str, Any] = {}
        self.model_entries: list[Mapping[str, Any]] = []
        self.model_terms: dict[str, Mapping[str, Any]] = {}
        self.infos: list[PluginInfo] = []

    def add(self, name: str, source: str, version: str, results: Mapping[str, Any]) -> None:
        rule_ids = self._rules(name, source, results.get("synthgov_register_rules") or [])
        got_loaders = list(results.get("synthgov_register_loaders") or [])
        self.loaders.extend(got_loaders)
        got_reporters = dict(results.get("synthgov_register_reporters") or {})
        self.reporters.update(got_reporters)
        got_packs = dict(results.get("synthgov_register_policies") or {})
        self.packs.update(got_packs)
        models = self._models(results.get("synthgov_register_models") or {})
        self.infos.append(
            PluginInfo(
                name=name,
                version=version,
                source=source,
                rules=tuple(rule_ids),
                loaders=tuple(getattr(x, "name", type(x).__name__) for x in got_loaders),
                reporters=tuple(sorted(got_reporters)),
                policies=tuple(sorted(got_packs)),
                models=models,
            )
        )

    def _rules(self, name: str, source: str, items: Sequence[Any]) -> list[str]:
        """Register a plugin's rules (classes or instances); their ids."""
        rule_ids = []
        for item in items:
            rule = item() if isinstance(item, type) else item
            if not isinstance(getattr(rule, "id", None), str):
                self.errors.append(f"plugin {name}: registered a rule without an id: {item!r}")
                continue
            if rule.id in self.rules:
                raise PluginError(
                    f"rule {rule.id} is registered twice "
                    f"(by {self.rules[rule.id].plugin} and {name})"
                )
            if source != "builtin":
                rule.plugin = name
            self.rules[rule.id] = rule
            rule_ids.append(rule.id)
        return rule_ids

    def _models(self, got: Any) -> int:
        """Add a plugin's model registry entries and terms; how many entries."""
        if not isinstance(got, Mapping):
            return 0
        entries = list(got.get("models", []))
        self.model_entries.extend(entries)
        self.model_terms.update(got.get("terms", {}) or {})
        return len(entries)

    def registry(self) -> Registry:
        return Registry(
            rules=self.rules,
            loaders=tuple(self.loaders),
            reporters=self.reporters,
            packs=self.packs,
            model_entries=tuple(self.model_entries),
            model_terms=self.model_terms,
            plugins=tuple(self.infos),
            errors=tuple(self.errors),
        )
