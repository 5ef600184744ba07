"""What every step of one check run shares (:class:`RunState`), built before any document is
read (:func:`begin`), and how a run loads files (:func:`load_files`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from synthgov.app.check.loading import (
    LAZY_MIN_FILES,
    Loaded,
    Reader,
    document_suffixes,
    load_sequential,
)
from synthgov.app.check.options import CheckOptions, Setup
from synthgov.app.check.prepare import check_paths, rule_selection
from synthgov.app.check.registries import lineage_linkers, registry_factory
from synthgov.core.types import Document
from synthgov.repo.discovery import Discovered, discover
from synthgov.repo.parsing.limits import Limits

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.lineage.types import Linker


def load_files(
    files: Sequence[str],
    loaders: Sequence[Any],
    cwd: str,
    limits: Limits,
    cache: Any = None,
    read: Reader | None = None,
    reread: Any = None,
) -> Loaded:
    """Load ``files`` (absolute paths, sorted): through the parse cache and on both cores
    (:mod:`synthgov.app.check.parallel`) when there is a cache or many files, else one by one;
    ``read`` reads a file (default: from the work tree), ``reread`` again for the positions
    of its documents (parallel.Rereader)."""
    if cache is not None or len(files) >= LAZY_MIN_FILES:
        from synthgov.app.check.parallel import load_many

        return load_many(files, loaders, cwd, limits, cache, read, reread)
    return load_sequential(files, loaders, cwd, limits, read)


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class RunState:
    """What every step of one run shares: its options, setup and what they decided."""

    options: CheckOptions
    setup: Setup
    selection: Any  # --select/--ignore (engine.evaluate.Selection)
    cache: Any  # the result and parse cache (app.cache.RunCache), or None
    suffixes: tuple[str, ...]  # the file suffixes the loaders declare: discovery walks them
    linkers: tuple[Linker, ...]  # the loaders' lineage_edges hooks, for the graph
    registry_factory: Callable[[], Any]  # builds the model registry on first use

    def discover(self, paths: Sequence[str], force_exclude: bool = False) -> Discovered:
        config = self.setup.config
        return discover(
            paths,
            cwd=self.options.cwd,
            root=config.root,
            include=config.include,
            exclude=config.exclude,
            force_exclude=force_exclude,
            suffixes=self.suffixes,
        )

    def load(self, paths: Sequence[str]) -> Loaded:
        setup = self.setup
        return load_files(
            paths, setup.registry.loaders, self.options.cwd, setup.config.limits, self.cache
        )

    def reload(self, listed: Sequence[str]) -> Sequence[Document]:  # a hit's documents
        return self.load(listed).documents


def begin(options: CheckOptions, setup: Setup) -> RunState:
    """Prepare: the rule selection and the paths (typos fail closed), the cache, and what
    the plugin registry's loaders declare."""
    selection = rule_selection(options, setup)  # typos fail closed (TypoError, a ValueError)
    check_paths(options)
    loaders = setup.registry.loaders
    return RunState(
        options=options,
        setup=setup,
        selection=selection,
        cache=open_run_cache(options, setup),
        suffixes=document_suffixes(loaders),
        linkers=lineage_linkers(loaders),
        registry_factory=registry_factory(setup.registry, setup.config, setup.policy),
    )


def open_run_cache(options: CheckOptions, setup: Setup) -> Any:
    if (
        options.use_cache
        and setup.config.cache_enabled
        and options.diff_base is None
        and not options.verify_data  # data files have their own per-file measure cache
        and options.policy_from_ref is None  # the ref may move: its waivers, its baseline
    ):
        from synthgov.app.cache.runcache import open_cache

        return open_cache(options, setup)
    return None
