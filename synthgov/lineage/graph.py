"""The lineage graph of a run (SPEC section 5): :class:`LineageGraph` and its queries.

One graph over every document of a run: datasets (cards), pipelines, their stages and the
models they name. Each edge remembers the document and pointer that declared it, so a
finding about an edge can point at the exact line. Built once per run, shared by all rules.
Its parts (``Node``, ``Edge``, node names, edge kinds) are in :mod:`.types`, the edges a card
or pipeline declares in :mod:`.declared`, what a drawing keeps in :mod:`.focus`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any

from synthgov.core.types import DATASET_CARD, PIPELINE, Document
from synthgov.lineage.declared import card_edges as _card_edges
from synthgov.lineage.declared import model_ref_id
from synthgov.lineage.declared import pipeline_edges as _pipeline_edges
from synthgov.lineage.types import (
    BASE,
    GENERATED,
    INPUT,
    JUDGED,
    OUTPUT,
    SOURCE,
    STAGE,
    USES,
    Edge,
    Linker,
    Node,
    dataset_node,
    model_node,
    pipeline_node,
    stage_node,
)

# Node, Edge and the node names live in lineage.types (below the loaders, which build edges
# through the `linkers` hook of LineageGraph.build); they are re-exported here, with
# model_ref_id from lineage.declared.
__all__ = [
    "BASE",
    "GENERATED",
    "INPUT",
    "JUDGED",
    "OUTPUT",
    "SOURCE",
    "STAGE",
    "USES",
    "Edge",
    "LineageGraph",
    "Linker",
    "Node",
    "dataset_node",
    "document_node",
    "is_evaluation",
    "is_synthetic",
    "model_ref_id",
    "model_node",
    "pipeline_node",
    "stage_node",
]


def document_node(doc: Document) -> str | None:
    """The graph node a document declares (a card's dataset, a pipeline), if any."""
    if not doc.id:
        return None
    if doc.kind == DATASET_CARD:
        return dataset_node(doc.id)
    if doc.kind == PIPELINE:
        return pipeline_node(doc.id)
    return None


def is_synthetic(doc: Document) -> bool:
    """Declared synthetic (:mod:`synthgov.lineage.synthetic`): the synthetic-only rules apply."""
    from synthgov.lineage.synthetic import is_synthetic as declared

    return declared(doc)


def is_evaluation(doc: Document) -> bool:
    purpose = doc.data.get("purpose")
    if isinstance(purpose, str):
        return purpose == "evaluation"
    return isinstance(purpose, list) and "evaluation" in purpose


class LineageGraph:
    """Nodes, edges and the derived queries the rules need. Immutable after build()."""

    def __init__(self, nodes: Mapping[str, Node], edges: Sequence[Edge]) -> None:
        self.nodes: Mapping[str, Node] = dict(nodes)
        self.edges: tuple[Edge, ...] = tuple(edges)
        out: dict[str, list[Edge]] = defaultdict(list)
        inc: dict[str, list[Edge]] = defaultdict(list)
        out_kind: dict[tuple[str, str], list[Edge]] = defaultdict(list)
        in_kind: dict[tuple[str, str], list[Edge]] = defaultdict(list)
        for edge in self.edges:
            out[edge.src].append(edge)
            inc[edge.dst].append(edge)
            out_kind[(edge.src, edge.kind)].append(edge)
            in_kind[(edge.dst, edge.kind)].append(edge)
        self._out = dict(out)
        self._in = dict(inc)
        self._out_kind = dict(out_kind)
        self._in_kind = dict(in_kind)
        # lazily derived, computed once per graph (the graph itself never changes)
        self._depth: dict[str, int] = {}
        self._deriv: list[tuple[str, str, Edge]] | None = None
        self._parents_of: dict[str, list[tuple[str, Edge]]] | None = None
        self._children_of: dict[str, set[str]] | None = None
        self._cycles: list[Edge] | None = None
        self._memo: dict[Hashable, Any] = {}

    # -- construction -------------------------------------------------------------------
    @classmethod
    def build(cls, documents: Iterable[Document], linkers: Sequence[Linker] = ()) -> LineageGraph:
        """The graph of ``documents``. ``linkers`` add format-specific edges: the caller
        passes the ``lineage_edges`` hooks of its loaders (the plugin registry's)."""
        nodes: dict[str, Node] = {}
        edges: list[Edge] = []
        docs = list(documents)
        for doc in docs:
            if doc.kind == DATASET_CARD and doc.id:
                nodes.setdefault(
                    dataset_node(doc.id),
                    Node(dataset_node(doc.id), "dataset", doc.id, synthetic=is_synthetic(doc)),
                )
        for doc in docs:
            if doc.kind == DATASET_CARD and doc.id:
                _card_edges(doc, nodes, edges)
            elif doc.kind == PIPELINE and doc.id:
                _pipeline_edges(doc, nodes, edges)
        # format-specific edges (e.g. DVC stages name files, not dataset ids) come from the
        # loaders that read the documents, through their `lineage_edges` hook
        for linker in linkers:
            edges.extend(linker(docs))
        return cls(nodes, edges)

    # -- queries ------------------------------------------------------------------------
    def out_edges(self, node: str, kind: str | None = None) -> list[Edge]:
        if kind is None:
            return list(self._out.get(node, ()))
        return list(self._out_kind.get((node, kind), ()))

    def in_edges(self, node: str, kind: str | None = None) -> list[Edge]:
        if kind is None:
            return list(self._in.get(node, ()))
        return list(self._in_kind.get((node, kind), ()))

    def focus(self, seeds: Iterable[str]) -> LineageGraph:
        """The lineage around some datasets and pipelines, for drawing.

        A seed dataset brings everything upstream and downstream of it and the pipelines
        that read or write any of those; a seed pipeline brings the datasets its stages read
        and write and everything upstream of them. Every dataset brings the pipelines whose
        stages wrote it and the models that generated or judged it; every pipeline its
        stages, their models and datasets, and its base model (:mod:`.focus`)."""
        from synthgov.lineage.focus import focus_nodes  # only for drawings

        keep = focus_nodes(self, seeds)
        nodes = {k: v for k, v in self.nodes.items() if k in keep}
        return LineageGraph(nodes, [e for e in self.edges if e.src in keep and e.dst in keep])

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """A value derived from this (immutable) graph, computed once per run."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def derivation_edges(self) -> list[tuple[str, str, Edge]]:
        """Dataset -> dataset derivations: sources, and stage input -> stage output."""
        pairs: list[tuple[str, str, Edge]] = []
        for edge in self.edges:
            if edge.kind == SOURCE:
                pairs.append((edge.src, edge.dst, edge))
            elif edge.kind == INPUT:
                for out in self.out_edges(edge.dst, OUTPUT):
                    pairs.append((edge.src, out.dst, out))
        return pairs

    def parents(self, dataset: str) -> list[str]:
        """Datasets the given dataset node is derived from (direct)."""
        return sorted({src for src, _ in self.derivations_into(dataset)})

    def derivations_into(self, dataset: str) -> list[tuple[str, Edge]]:
        """(parent dataset node, declaring edge) for each direct derivation of ``dataset``."""
        if self._parents_of is None:
            parents_of: dict[str, list[tuple[str, Edge]]] = defaultdict(list)
            for src, dst, edge in self.derivation_edges_cached():
                parents_of[dst].append((src, edge))
            self._parents_of = dict(parents_of)
        return list(self._parents_of.get(dataset, ()))

    def derivation_edges_cached(self) -> list[tuple[str, str, Edge]]:
        if self._deriv is None:
            self._deriv = self.derivation_edges()
        return self._deriv

    def upstream(self, dataset: str) -> set[str]:
        """Every dataset node this one derives from, transitively (cycle-safe)."""
        seen: set[str] = set()
        stack = [dataset]
        while stack:
            for parent, _ in self.derivations_into(stack.pop()):
                if parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
        seen.discard(dataset)
        return seen

    def downstream(self, dataset: str) -> set[str]:
        if self._children_of is None:
            children_of: dict[str, set[str]] = defaultdict(set)
            for src, dst, _ in self.derivation_edges_cached():
                children_of[src].add(dst)
            self._children_of = dict(children_of)
        seen: set[str] = set()
        stack = [dataset]
        while stack:
            for child in self._children_of.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        seen.discard(dataset)
        return seen

    def cycle_edges(self) -> list[Edge]:
        """Derivation edges that lie on a cycle (both ends in one strongly connected set)."""
        if self._cycles is None:
            self._cycles = self._find_cycle_edges()
        return list(self._cycles)

    def _find_cycle_edges(self) -> list[Edge]:
        pairs = self.derivation_edges_cached()
        adjacency: dict[str, list[str]] = defaultdict(list)
        for src, dst, _ in pairs:
            adjacency[src].append(dst)
        component = _strongly_connected(adjacency)
        sizes: dict[int, int] = defaultdict(int)
        for comp in component.values():
            sizes[comp] += 1
        result = []
        for src, dst, edge in pairs:
            same = component.get(src) is not None and component.get(src) == component.get(dst)
            if src == dst or (same and sizes[component[src]] > 1):
                result.append(edge)
        return result

    def synthetic_depth(self, dataset: str) -> int:
        """0 for real data; 1 + the largest depth among its sources for synthetic data.

        Sources on a cycle with the dataset (SG006 reports the cycle) do not count: the
        depth is that of the cycle's way out. The answer does not depend on which datasets
        were asked about before (a commit-time run asks about a few, a full run about all
        of them, a drawing about each node it draws): see :meth:`_fill_depths`."""
        if dataset not in self._depth:
            self._fill_depths(dataset)
        return self._depth[dataset]

    def _fill_depths(self, dataset: str) -> None:
        """Compute the depth of ``dataset`` and of *every* ancestor whose depth is not known
        yet, cycle by cycle, sources first.

        Filling every unknown ancestor (not only those the answer needs) keeps one
        invariant: a dataset whose depth is known has all its ancestors known. So a dataset
        on a cycle with a known one is known too, and the known ones can be left out of the
        cycle search below: the cycles found among the unknown ancestors are the graph's."""
        parents: dict[str, list[str]] = {}
        todo = [dataset]
        while todo:
            node = todo.pop()
            if node in parents:
                continue
            parents[node] = [p for p, _ in self.derivations_into(node) if p not in self._depth]
            todo.extend(parents[node])
        component = _strongly_connected(parents)
        # Tarjan numbers a cycle after every cycle it derives from: sources come first
        for node in sorted(parents, key=lambda n: (component[n], n)):
            info = self.nodes.get(node)
            if info is None or not info.synthetic:
                self._depth[node] = 0
                continue
            outside = [
                self._depth[p]
                for p, _ in self.derivations_into(node)
                if component.get(p) != component[node]
            ]
            self._depth[node] = 1 + max(outside, default=0)


def _strongly_connected(adjacency: Mapping[str, list[str]]) -> dict[str, int]:
    """Tarjan's algorithm, iterative: node -> component number."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component: dict[str, int] = {}
    counter = 0
    comp_no = 0
    all_nodes = set(adjacency)
    for targets in adjacency.values():
        all_nodes.update(targets)
    for root in sorted(all_nodes):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child_i = work.pop()
            if child_i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = adjacency.get(node, [])
            if child_i < len(children):
                work.append((node, child_i + 1))
                child = children[child_i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component[member] = comp_no
                    if member == node:
                        break
                comp_no += 1
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return component
