"""What the repository index (:mod:`synthgov.app.index.plan`) keeps of each document: a summary
of what other documents need from it, and the id and path the report needs of documents the
run did not load."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.core.types import Document

#: (display path, kind, id, source format, lineage keys, named files) of one document
Summary = tuple[str, str, str | None, str, tuple[str, ...], tuple[str, ...]]
#: the positions in a Summary
PATH: Final = 0
KIND: Final = 1
ID: Final = 2
SOURCE_FORMAT: Final = 3
LINKS: Final = 4
NAMED: Final = 5


class IdPath(NamedTuple):
    """What the report needs of a document it did not load: its id and path (a named tuple:
    10,000 of them are built on every commit-time run)."""

    id: str | None
    path: str


def summarize(doc: Document) -> Summary:
    """What other documents need from ``doc``."""
    from synthgov.core.types import DATASET_CARD, PIPELINE
    from synthgov.lineage.declared import card_edges as _card_edges
    from synthgov.lineage.declared import pipeline_edges as _pipeline_edges
    from synthgov.lineage.graph import document_node
    from synthgov.rules.diffmode import named_files

    keys: set[str] = set()
    if doc.id:
        keys.add(f"id:{doc.id}")
    own = document_node(doc)
    if own is not None:
        keys.add(own)
    nodes: dict[str, Any] = {}
    edges: list[Any] = []
    if doc.kind == DATASET_CARD and doc.id:
        _card_edges(doc, nodes, edges)
    elif doc.kind == PIPELINE and doc.id:
        _pipeline_edges(doc, nodes, edges)
    for edge in edges:
        keys.update(n for n in (edge.src, edge.dst) if not n.startswith("model:"))
    keys.update(n for n in nodes if not n.startswith("model:"))
    named = sorted({sys.intern(os.path.normpath(p)) for _, p in named_files(doc)})
    links = tuple(sorted(sys.intern(k) for k in keys))
    return (doc.path, doc.kind, doc.id, doc.source_format, links, tuple(named))


def abs_path(cwd: str, shown: str) -> str:
    return os.path.normpath(os.path.join(cwd, shown))


def by_file(cwd: str, documents: Iterable[Document]) -> dict[str, list[Document]]:
    grouped: dict[str, list[Document]] = {}
    for doc in documents:
        grouped.setdefault(abs_path(cwd, doc.path), []).append(doc)
    return grouped


def holders_of(entries: Mapping[str, tuple[Any, tuple[Summary, ...]]]) -> dict[str, list[str]]:
    """Lineage key or id -> the files holding it (kept in the index's base entry, so that a
    commit-time run patches it instead of building it: 20 ms over 10,000 cards)."""
    holders: dict[str, list[str]] = {}
    for path, (_sig, described) in entries.items():
        for summary in described:
            for link in summary[LINKS]:
                holders.setdefault(link, []).append(path)
    return holders


def patch_holders(
    holders: dict[str, list[str]],
    path: str,
    old: Iterable[Summary],
    new: Iterable[Summary],
) -> None:
    """Move ``path`` from the keys its ``old`` summaries held to those ``new`` ones hold."""
    for summary in old:
        for link in summary[LINKS]:
            held = holders.get(link)
            if held is not None and path in held:
                held.remove(path)
    for summary in new:
        for link in summary[LINKS]:
            held = holders.setdefault(link, [])
            if path not in held:
                held.append(path)
