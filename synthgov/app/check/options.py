"""What a ``synthgov check`` run is given and what it gives back: its options (as the CLI
parsed them), its setup (config, plugin registry, policy) and its result."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from synthgov.core.types import Document
from synthgov.engine.report import Report
from synthgov.plugins.manager import Registry
from synthgov.policy.config import Config
from synthgov.policy.resolve import ResolvedPolicy


@dataclass(frozen=True, eq=False)  # compared by identity; no __eq__ or __hash__ to build
class CheckOptions:
    """The options of synthgov check, as the CLI parsed them."""

    paths: tuple[str, ...] = ()
    config: str | None = None
    policies: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    diff_base: str | None = None
    policy_from_ref: str | None = None
    baseline: str | None = None
    use_cache: bool = True
    color: bool = False
    cwd: str = field(default_factory=os.getcwd)
    #: measure the data files and compare them with the cards (synthgov verify)
    verify_data: bool = False
    #: the measuring engine (duckdb, spark); None: the config's verify.engine, else duckdb
    engine: str | None = None
    #: called as progress(done, total, label) while data files are measured
    progress: Callable[[int, int, str], None] | None = field(default=None, repr=False)
    #: the config's exclude applies to files named on the command line too (pre-commit)
    force_exclude: bool = False
    #: the context is git's index (what the commit holds) instead of the work tree; the
    #: files named are still read from the work tree (synthgov.app.check.staged)
    staged: bool = False
    #: called with a short status line during long runs (the CLI shows it on a terminal);
    #: not part of the run's identity (no repr: the cache key is built from the repr)
    status: Callable[[str], None] | None = field(default=None, repr=False)


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class RunResult:
    """The report, exit code and warnings of one check run."""

    report: Report
    exit_code: int
    warnings: tuple[str, ...] = ()
    config: Config | None = None
    #: every document loaded (targets and context), e.g. for ``synthgov graph``
    documents: tuple[Document, ...] = ()
    #: what data verification measured (synthgov.verify.model.Verification), if it ran
    verification: Any = None
    #: lines for stderr that ``--quiet`` silences (named files --force-exclude dropped)
    notices: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class Setup:
    """Config, plugin registry and resolved policy: what prepare() builds."""

    config: Config
    registry: Registry
    policy: ResolvedPolicy
    warnings: tuple[str, ...]
