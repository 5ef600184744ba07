"""What a run's context is built from besides its documents: the model registry (built-in,
plugin, policy and config entries) and the lineage edges of the loaders' formats. The
runner passes both in, so the engine layer reads nothing itself."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from synthgov.app.check.options import Setup
from synthgov.plugins.manager import Registry
from synthgov.policy.config import Config
from synthgov.policy.resolve import ResolvedPolicy

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.lineage.types import Linker
    from synthgov.models.registry import ModelRegistry


def model_registry(setup: Setup) -> ModelRegistry:
    """The model registry of a run: built-in, plugin, policy and config entries."""
    return registry_factory(setup.registry, setup.config, setup.policy)()


def registry_factory(
    registry: Registry, config: Config, policy: ResolvedPolicy
) -> Callable[[], ModelRegistry]:
    """Builds the run's model registry when a rule first asks for it."""

    def factory() -> ModelRegistry:
        from synthgov.models.registry import ModelRegistry

        reg = ModelRegistry.builtin()
        extra = [*registry.model_entries]
        if extra or registry.model_terms:
            reg = reg.extended(extra, registry.model_terms, source="plugin")
        settings_models = policy.settings.get("models") if policy.settings else None
        if settings_models:
            reg = reg.extended(list(settings_models), None, source="policy")
        if config.models:
            reg = reg.extended(list(config.models), None, source="config")
        return reg

    return factory


def lineage_linkers(loaders: Sequence[Any]) -> tuple[Linker, ...]:
    """The ``lineage_edges`` hooks of the loaders (DVC's, a plugin's), in registry order:
    the format-specific edges of the lineage graph (``LineageGraph.build``)."""
    return tuple(loader.lineage_edges for loader in loaders if hasattr(loader, "lineage_edges"))
