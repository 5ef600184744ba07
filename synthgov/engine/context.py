"""What a rule may read: the documents of the run, the graph, the registry, settings."""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from synthgov.core.types import Document

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.core.fileinfo import FileAccess
    from synthgov.lineage.graph import LineageGraph
    from synthgov.lineage.types import Linker
    from synthgov.models.registry import ModelRegistry


@dataclass(frozen=True, eq=False)  # compared by identity; no __eq__ or __hash__ to build
class DiffInfo:
    """Diff mode (SPEC section 11): what changed since the merge base."""

    base: str  # the ref as given (for messages)
    changed: frozenset[str]  # absolute paths of changed files (also as spelled from the cwd)
    policy_changed: tuple[str, ...] = ()  # display paths of changed policy/config files
    merge_base: str = ""  # the commit id the working tree is compared with

    def is_changed(self, path: str) -> bool:
        """Whether the file at ``path`` (absolute, normalised) changed since the merge base."""
        return os.path.normpath(path) in self.changed


@dataclass(frozen=True, eq=False)  # compared by identity; no __eq__ or __hash__ to build
class WaiverBase:
    """Gate mode (diff mode or ``--policy-from-ref``): the waivers each document file held
    at the commit the change is judged against. A waiver not among them is new or changed
    in the change under review, and applies only when the policy's approvers allow it."""

    ref: str  # the ref as given (for messages)
    #: (display path, document id) -> canonical JSON of that document's waivers there
    known: Mapping[tuple[str, str | None], frozenset[str]]

    def is_new(self, path: str, doc_id: str | None, waiver: Any) -> bool:
        return waiver_key(waiver) not in self.known.get((path, doc_id), frozenset())


def waiver_key(waiver: Any) -> str:
    """A waiver as canonical JSON (the same waiver gives the same text wherever it is)."""
    import json

    return json.dumps(waiver, sort_keys=True, ensure_ascii=False, default=str)


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class RunContext:
    """Shared by all rules of one run. The graph and registry are built on first use, from
    what the runner passes in (this layer reads nothing itself)."""

    documents: Sequence[Document]
    files: FileAccess
    today: str
    #: builds the run's model registry (built-in, plugin, policy and config entries)
    registry_factory: Callable[[], ModelRegistry]
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: format-specific lineage edges: the ``lineage_edges`` hooks of the run's loaders
    linkers: Sequence[Linker] = ()
    diff: DiffInfo | None = None
    #: measured data and its claims (synthgov.verify.model.Verification) when data is verified
    verification: Any = None
    waiver_base: WaiverBase | None = None

    @cached_property
    def by_id(self) -> Mapping[str, list[Document]]:
        index: dict[str, list[Document]] = defaultdict(list)
        for doc in self.documents:
            if doc.id:
                index[doc.id].append(doc)
        return dict(index)

    def cards(self) -> list[Document]:
        return [d for d in self.documents if d.kind == "DatasetCard"]

    def card(self, ds_id: str) -> Document | None:
        for doc in self.by_id.get(ds_id, ()):
            if doc.kind == "DatasetCard":
                return doc
        return None

    @cached_property
    def graph(self) -> LineageGraph:
        from synthgov.lineage.graph import LineageGraph

        return LineageGraph.build(self.documents, self.linkers)

    @cached_property
    def models(self) -> ModelRegistry:
        return self.registry_factory()

    def setting(self, *path: str, default: Any = None) -> Any:
        node: Any = self.settings
        for part in path:
            if not isinstance(node, Mapping) or part not in node:
                return default
            node = node[part]
        return node


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class RuleContext:
    """The run context plus the parameters of the rule being evaluated."""

    run: RunContext
    params: Mapping[str, Any]

    # the attributes rules ask for most, without the slower __getattr__ path
    @property
    def files(self) -> FileAccess:
        return self.run.files

    @property
    def documents(self) -> Sequence[Document]:
        return self.run.documents

    @property
    def graph(self) -> LineageGraph:
        return self.run.graph

    @property
    def models(self) -> ModelRegistry:
        return self.run.models

    @property
    def today(self) -> str:
        return self.run.today

    def __getattr__(self, name: str) -> Any:
        # delegate documents, graph, models, files, today, settings, diff, ... to the run
        return getattr(self.run, name)
