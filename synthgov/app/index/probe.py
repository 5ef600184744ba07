"""The probe of a commit-time run (:mod:`synthgov.app.index.plan`): evaluate the targets against
a candidate context and record what the rules asked about (lineage keys, ids), so that the
plan can widen the context until every document holding one of them is in it.

A question the index cannot bound (going over every id, every card or the whole graph, a
query starting at a model) marks the probe unbounded: the run then takes the full path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.app.check.runner import Setup
    from synthgov.app.index.plan import RunParts
    from synthgov.core.types import Document


class Recorder:
    """What the rules of a probe asked about: lineage keys and ids (mutable, per probe)."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.unbounded = False  # a question about the whole repository


def probe(
    setup: Setup,
    parts: RunParts,
    documents: Sequence[Document],
    shown_targets: set[str],
    target_keys: set[str],
) -> set[str] | None:
    """Evaluate the targets against ``documents`` and return the lineage keys and ids the
    rules asked about (every document holding one must be in the context), or None when a
    rule asked something the index cannot bound."""
    from synthgov.core.dates import today
    from synthgov.engine.evaluate import evaluate

    recorder = Recorder()
    policy = setup.policy
    run = _recording_run_class()(
        documents=documents,
        files=parts.files,
        today=today(),
        settings=policy.settings,
        registry_factory=parts.registry_factory,
        linkers=parts.linkers,
        recorder=recorder,
        target_keys=frozenset(target_keys),
    )
    evaluate(
        documents=documents,
        problems=(),
        rules=setup.registry.rules,
        policy=policy,
        run=run,
        selection=parts.selection,
        report_on=shown_targets,
    )
    return None if recorder.unbounded else recorder.keys


class RecordingDict(dict[Any, Any]):
    """A mapping of the run (``RunContext.by_id``, ``LineageGraph.nodes``) that tells its
    recorder every key looked up, as ``name_of`` names it (None: not recorded); going over
    all of it is a question about the whole repository."""

    def __init__(
        self, items: Mapping[Any, Any], recorder: Recorder, name_of: Callable[[Any], str | None]
    ) -> None:
        super().__init__(items)
        self.recorder = recorder
        self._name_of = name_of

    def _note(self, key: Any) -> None:
        name = self._name_of(key)
        if name is not None:
            self.recorder.keys.add(name)

    def _whole(self) -> None:
        self.recorder.unbounded = True

    def get(self, key: Any, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def __getitem__(self, key: Any) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key: Any) -> bool:
        self._note(key)
        return super().__contains__(key)

    def __iter__(self) -> Any:
        self._whole()
        return super().__iter__()

    def keys(self) -> Any:
        self._whole()
        return super().keys()

    def values(self) -> Any:
        self._whole()
        return super().values()

    def items(self) -> Any:
        self._whole()
        return super().items()

    def __len__(self) -> int:
        self._whole()
        return super().__len__()


def _id_key(key: Any) -> str:
    return f"id:{key}"


def _node_key(key: Any) -> str | None:
    """A node looked up in the graph; models are not followed (see the index)."""
    return key if isinstance(key, str) and not key.startswith("model:") else None


def _recording_graph(
    documents: Sequence[Document], recorder: Recorder, target_keys: Any, linkers: Sequence[Any]
) -> Any:
    from synthgov.lineage.graph import LineageGraph

    class RecordingGraph(LineageGraph):
        """The lineage graph of a probe: every node a query starts from is remembered.

        Every edge touching a dataset, pipeline or stage node is declared by a document
        holding that node's key, so a query about a node is answered as in the full graph
        once every holder of the key is in the context. A query starting at a model (whose
        uses the index does not follow) or about the whole graph is unbounded."""

        def _note(self, node: str) -> None:
            if node.startswith("model:"):
                recorder.unbounded = True
            recorder.keys.add(node)

        def out_edges(self, node: str, kind: str | None = None) -> list[Any]:
            self._note(node)
            return super().out_edges(node, kind)

        def in_edges(self, node: str, kind: str | None = None) -> list[Any]:
            self._note(node)
            return super().in_edges(node, kind)

        def derivations_into(self, dataset: str) -> list[Any]:
            self._note(dataset)
            return super().derivations_into(dataset)

        def downstream(self, dataset: str) -> set[str]:
            recorder.unbounded = True  # the index does not follow derivations forwards
            return super().downstream(dataset)

        def focus(self, seeds: Iterable[str]) -> LineageGraph:
            recorder.unbounded = True
            return super().focus(seeds)

        def derivation_edges(self) -> list[Any]:
            return super().derivation_edges()  # internal: answers go through the above

        def cycle_edges(self) -> list[Any]:
            # an edge a target declares lies on a cycle iff the cycle runs through the
            # ancestors of the datasets it names: make them part of the context
            for key in sorted(target_keys):
                if key.startswith("dataset:"):
                    self.upstream(key)
            return super().cycle_edges()

    graph = RecordingGraph.build(documents, linkers)
    graph.nodes = RecordingDict(graph.nodes, recorder, _node_key)
    return graph


def _recording_run_class() -> Any:
    from dataclasses import field
    from functools import cached_property

    from synthgov.engine.context import RunContext

    @dataclass(frozen=True, eq=False, repr=False)
    class RecordingRun(RunContext):
        recorder: Recorder = field(default_factory=Recorder)
        target_keys: frozenset[str] = frozenset()

        @cached_property
        def by_id(self) -> Mapping[str, list[Document]]:
            everything = RunContext.by_id.func(self)  # type: ignore[attr-defined]
            return RecordingDict(everything, self.recorder, _id_key)

        def cards(self) -> list[Document]:
            self.recorder.unbounded = True
            return super().cards()

        @cached_property
        def graph(self) -> Any:
            return _recording_graph(self.documents, self.recorder, self.target_keys, self.linkers)

    return RecordingRun
