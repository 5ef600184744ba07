"""Hook specifications of the ``synthgov`` plugin project (SPEC section 12).

Every hook is a "return your registrations" hook: each implementation returns a list (or a
mapping, for policies) and the plugin manager gathers them all. The built-in rules, loaders,
reporters, models and packs are registered through these same hooks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from synthgov.core.markers import hookspec


@hookspec
def synthgov_register_rules() -> Sequence[Any]:
    """Return rule classes (subclasses of :class:`synthgov.core.types.Rule`) or rule instances."""
    raise NotImplementedError


@hookspec
def synthgov_register_loaders() -> Sequence[Any]:
    """Return loaders: objects with ``name``, ``sniff(path, head) -> bool`` and
    ``load(path, raw, display_path, limits) -> LoadResult``.

    ``head`` is the first 4 KiB of the file; ``sniff`` must be cheap and must not read the file.
    ``suffixes``: the file name endings the loader reads (e.g. ``(".yaml", ".yml")``);
    discovery walks the files that end with a suffix some loader declares.
    A loader may also have ``lineage_edges(documents) -> list[graphtypes.Edge]``: the
    lineage edges of its own format, added when the graph is built (``LineageGraph.build``).
    """
    raise NotImplementedError


@hookspec
def synthgov_register_reporters() -> Mapping[str, Any]:
    """Return a mapping of format name to a reporter (a callable
    ``render(report) -> str``)."""
    raise NotImplementedError


@hookspec
def synthgov_register_models() -> Mapping[str, Any]:
    """Return ``{"models": [entry, ...], "terms": {id: terms}}`` to extend the model registry."""
    raise NotImplementedError


@hookspec
def synthgov_register_policies() -> Mapping[str, Any]:
    """Return a mapping of pack name to a policy: a mapping in the policy schema, or the
    path of a policy file."""
    raise NotImplementedError
