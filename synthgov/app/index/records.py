"""What the repository index (:mod:`synthgov.app.index.plan`) keeps of each document: a summary
of what other documents need from it, and the id and path the report needs of documents the
run did not load."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple, cast

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.app.index.packed import Inverted
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


def inverted(entries: Mapping[str, tuple[Any, tuple[Summary, ...]]], field: int) -> Inverted:
    """``field`` (:data:`LINKS` or :data:`NAMED`) -> the files whose documents hold it."""
    from synthgov.app.index.packed import Inverted

    return Inverted.of(
        (key, path)
        for path, (_sig, described) in entries.items()
        for key in sorted(fields_of(described, field))
    )


def move_file(
    index: Mapping[str, Any],
    path: str,
    before: Iterable[Summary],
    after: Iterable[Summary],
) -> None:
    """Move ``path`` in the index's inverted maps (``holders``: lineage keys; ``named``:
    named files) from what its ``before`` summaries held to what its ``after`` ones hold."""
    before, after = tuple(before), tuple(after)
    for name, field in (("holders", LINKS), ("named", NAMED)):
        index[name].move(path, fields_of(before, field), fields_of(after, field))


def fields_of(described: Iterable[Summary], field: int) -> set[str]:
    """The lineage keys (:data:`LINKS`) or named files (:data:`NAMED`) of summaries."""
    found: set[str] = set()
    for summary in described:
        found.update(cast(tuple[str, ...], summary[field]))
    return found


class LazySummaries(Mapping[str, tuple[Summary, ...]]):
    """The summaries of every candidate file: the files read again, and the index's entries
    (decoded when asked: a commit-time run needs a handful of 10,000)."""

    def __init__(
        self,
        candidates: Sequence[str],
        entries: Mapping[str, tuple[Any, tuple[Summary, ...]]],
        fresh: dict[str, tuple[Summary, ...]],
        member: Callable[[str], bool] | None = None,
    ) -> None:
        self._candidates = candidates
        self._member = member  # else a set of the candidates, made when first asked
        self._members: set[str] | None = None
        self._entries = entries
        self._known = fresh

    def __getitem__(self, path: str) -> tuple[Summary, ...]:
        found = self._known.get(path)
        if found is None:
            if path not in self:
                raise KeyError(path)
            found = self._known[path] = self._entries[path][1]
        return found

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, str):
            return False
        if path in self._known or (self._member is not None and self._member(path)):
            return True
        if self._member is not None:
            return False
        if self._members is None:
            self._members = set(self._candidates)
        return path in self._members

    def __iter__(self) -> Iterator[str]:
        return iter(self._candidates)

    def __len__(self) -> int:
        return len(self._candidates)
