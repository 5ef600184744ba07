"""The context of a commit-time run (:mod:`synthgov.app.index.plan`): the component of its
targets, the files sharing a lineage key or an id with them, widened while the rules ask
about more."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from synthgov.app.index.records import (
    LINKS,
    NAMED,
    PATH,
    SOURCE_FORMAT,
    Summary,
    abs_path,
    by_file,
)

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.app.check.runner import Setup
    from synthgov.app.index.files import Reading
    from synthgov.app.index.packed import KeyFiles
    from synthgov.app.index.plan import RunParts
    from synthgov.core.types import Document

#: rounds of widening the context before the full path is taken
MAX_ROUNDS = 64


def links_elsewhere(setup: Setup, reading: Reading) -> bool:
    """Whether a document comes from a format whose loader links documents by other means
    (DVC stages name files): the index does not follow those links. Only the files read
    again need looking at: the index trusts native documents alone, so a file of any other
    format is read again on every run."""
    linked = {"dvc"} | {
        str(getattr(ld, "name", ""))
        for ld in setup.registry.loaders
        if hasattr(ld, "lineage_edges")
    }
    return any(s[SOURCE_FORMAT] in linked for p in reading.changed for s in reading.summaries[p])


def inverted_maps(reading: Reading, old: Mapping[str, Any] | None) -> tuple[KeyFiles, KeyFiles]:
    """(lineage key or id -> the files holding it, named file -> the files naming it): the
    index's, with the files read again moved (their old summaries out, the new ones in);
    built from the summaries without an index."""
    from synthgov.app.index.records import inverted, move_file

    if old is None or old.get("holders") is None:
        entries = {p: (None, reading.summaries[p]) for p in reading.summaries}
        return inverted(entries, LINKS), inverted(entries, NAMED)
    entries = old["entries"]
    for path in reading.changed:
        move_file(old, path, entries[path][1] if path in entries else (), reading.summaries[path])
    return old["holders"], old["named"]


def naming_files(
    named: KeyFiles,
    summaries: Mapping[str, tuple[Summary, ...]],
    explicit: Iterable[str],
    cwd: str,
) -> set[str]:
    """The documents (absolute paths) naming one of the explicit files."""
    files = {f for p in explicit for f in named.get(os.path.normpath(p))}
    return {abs_path(cwd, s[PATH]) for f in files if f in summaries for s in summaries[f]}


# ---- the context: the component of the targets, widened while the rules ask for more


class Context:
    """The documents loaded for a plan so far (mutable, per plan): the changed files' and
    those of the files the component takes in."""

    def __init__(self, parts: RunParts, cwd: str, reading: Reading, holders: KeyFiles) -> None:
        self.parts = parts
        self.cwd = cwd
        self.summaries = reading.summaries
        self.holders = holders
        self._changed = set(reading.changed)
        self.docs_of: dict[str, list[Document]] = dict(reading.fresh_docs)
        self.problems: list[tuple[str, Any]] = list(reading.fresh.problems)
        self.unread: list[tuple[str, Any]] = list(reading.fresh.unread)

    def load(self, paths: Iterable[str]) -> bool:
        """Load files of the index not loaded yet; False when one no longer matches it."""
        from synthgov.app.index.records import summarize

        wanted = sorted(p for p in paths if p not in self.docs_of and p not in self._changed)
        if not wanted:
            return True
        more = self.parts.load(wanted)
        grouped = by_file(self.cwd, more.documents)
        for path in wanted:
            self.docs_of[path] = grouped.get(path, [])
            if tuple(summarize(d) for d in self.docs_of[path]) != self.summaries.get(path):
                return False
        self.problems.extend(more.problems)
        self.unread.extend(more.unread)
        return True

    def documents(self, component: Iterable[str]) -> list[Document]:
        return [d for path in sorted(component) for d in self.docs_of.get(path, [])]

    def keys_of(self, paths: Iterable[str]) -> set[str]:
        """The lineage keys and ids the documents of ``paths`` hold."""
        return {k for p in paths for s in self.summaries.get(p, ()) for k in s[LINKS]}

    def holding(self, keys: Iterable[str]) -> set[str]:
        """The files of the run holding one of ``keys`` (the index's holders may still name
        a file that is gone)."""
        return {p for k in keys for p in self.holders.get(k) if p in self.summaries}


def component_of(
    setup: Setup, parts: RunParts, context: Context, start: set[str]
) -> tuple[set[str], list[Document]] | None:
    """The files of the context and their documents: ``start`` and the files sharing a
    lineage key or an id with them, widened by what the rules ask about until it holds
    still; None when the rules ask something the index cannot answer, or a file no longer
    matches the index."""
    from synthgov.app.index.probe import probe
    from synthgov.repo.discovery import display_path

    target_keys = context.keys_of(start)
    component = start | context.holding(target_keys)
    shown_targets = {display_path(p, context.cwd) for p in start}
    for _round in range(MAX_ROUNDS):
        if not context.load(component):
            return None
        documents = context.documents(component)
        wanted = probe(setup, parts, documents, shown_targets, target_keys)
        if wanted is None:
            return None  # the rules asked something the index cannot answer
        needed = context.holding(wanted)
        if needed <= component:
            return component, documents
        component |= needed
    return None
