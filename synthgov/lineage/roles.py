"""Roles of models and datasets in the lineage graph (SPEC sections 3.3, 4 and 5).

Who generated a dataset, who judges or filters it, and what a pipeline trains on, evaluates
on, judges with and starts from. The diversity rules (``synthgov/rules/diversity.py``) ask
these questions; the answers are derived from the run's
:class:`~synthgov.lineage.graph.LineageGraph` and memoised on it, so each is computed once per run.

- **generators** of a dataset: its card's ``generation`` uses of role ``generator`` (the
  default role) or ``paraphraser`` (a paraphraser rewrites rows, so its style is in them),
  plus the models of pipeline ``generate`` stages that output it;
- **judges and filters** of a card: ``validation.judge.model`` and ``generation`` uses of
  role ``judge`` or ``filter``;
- of a pipeline: **training data** = inputs of ``train`` stages, **evaluation data** =
  inputs of ``evaluate`` stages, **judges** = models of ``evaluate`` stages, **filters** =
  models of ``filter`` stages (over that stage's inputs), **primary base** =
  ``primary_model.base``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from synthgov.core.types import Document, Pointer
from synthgov.lineage.graph import (
    BASE,
    GENERATED,
    INPUT,
    JUDGED,
    OUTPUT,
    STAGE,
    USES,
    Edge,
    LineageGraph,
    dataset_node,
    model_node,
    pipeline_node,
)

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.models.registry import ModelInfo, ModelRegistry

GENERATOR_ROLES = frozenset({"generator", "paraphraser"})
CHECKER_ROLES = frozenset({"judge", "filter"})
_VERBS = {"generator": "generated", "paraphraser": "paraphrased"}


@dataclass(frozen=True)
class ModelUse:
    """One declared use of a model: where, in which role, for which dataset."""

    model: str  # the model id as written
    ref: Any  # the reference as written (string or mapping)
    role: str  # generator | paraphraser | judge | filter | labeler | base | <stage type>
    doc: Document  # the declaring document
    pointer: Pointer
    dataset: str | None = None  # the dataset it produced or checks (card uses)
    stage: str | None = None  # stage id, when a pipeline stage declared it
    pipeline: str | None = None  # pipeline id, when a pipeline declared it
    rows: Any = None

    @property
    def node(self) -> str:
        return model_node(self.model)

    @property
    def stage_node(self) -> str | None:
        if self.stage is None or self.pipeline is None:
            return None
        return f"stage:{self.pipeline}/{self.stage}"

    @property
    def where(self) -> str:
        """``path:line`` of the declaration."""
        return f"{self.doc.path}:{self.doc.position(self.pointer).line}"

    @property
    def verb(self) -> str:
        return _VERBS.get(self.role, "generated")

    def produced(self, dataset: str) -> str:
        """'generated X' or 'generated X in stage S of pipeline P'."""
        text = f"{self.verb} {dataset}"
        if self.stage is not None:
            text += f" in stage {self.stage} of pipeline {self.pipeline}"
        return text

    def nodes(self) -> tuple[str, ...]:
        """Graph nodes of this use: the model, its stage (if any), its dataset (if any)."""
        out = [self.node]
        if self.stage_node:
            out.append(self.stage_node)
        if self.dataset:
            out.append(dataset_node(self.dataset))
        return tuple(out)


@dataclass(frozen=True)
class DataUse:
    """A dataset named as a stage input of a pipeline."""

    dataset: str
    stage: str
    pipeline: str
    doc: Document
    pointer: Pointer

    @property
    def node(self) -> str:
        return dataset_node(self.dataset)

    @property
    def stage_node(self) -> str:
        return f"stage:{self.pipeline}/{self.stage}"


@dataclass(frozen=True, eq=False)  # compared by identity; no __eq__ or __hash__ to build
class StageCheck:
    """A model that judges (``evaluate``) or filters (``filter``) a stage's inputs."""

    model: ModelUse
    inputs: tuple[DataUse, ...]


@dataclass(frozen=True, eq=False)  # compared by identity; no __eq__ or __hash__ to build
class PipelineRoles:
    """What a pipeline trains on, evaluates on and judges with, and its base model."""

    pipeline: str
    primary: str | None  # primary_model.id (the model being built)
    base: ModelUse | None
    training: tuple[DataUse, ...]
    evaluation: tuple[DataUse, ...]
    judges: tuple[StageCheck, ...]
    filters: tuple[StageCheck, ...]

    @property
    def node(self) -> str:
        return pipeline_node(self.pipeline)


# --------------------------------------------------------------------------- datasets


def _card_use(edge: Edge, dataset: str) -> ModelUse:
    role = edge.attrs.get("role") if edge.kind == GENERATED else "judge"
    return ModelUse(
        model=edge.src.split(":", 1)[1],
        ref=edge.attrs.get("ref"),
        role=role if isinstance(role, str) else "generator",
        doc=edge.doc,
        pointer=edge.pointer,
        dataset=dataset,
        rows=edge.attrs.get("rows"),
    )


def _stage_use(graph: LineageGraph, stage_node: str, dataset: str | None) -> list[ModelUse]:
    pid, _, sid = stage_node.split(":", 1)[1].partition("/")
    uses = []
    for edge in graph.in_edges(stage_node, USES):
        uses.append(
            ModelUse(
                model=edge.src.split(":", 1)[1],
                ref=edge.attrs.get("ref"),
                role=str(edge.attrs.get("type") or "stage"),
                doc=edge.doc,
                pointer=edge.pointer,
                dataset=dataset,
                stage=sid,
                pipeline=pid,
            )
        )
    return uses


def generators(graph: LineageGraph, dataset: str) -> tuple[ModelUse, ...]:
    """The models that generated (or paraphrased) a dataset, in declaration order: its card's
    generation uses, then the ``generate`` stages of pipelines that output it."""

    def compute() -> tuple[ModelUse, ...]:
        node = dataset_node(dataset)
        found = [
            _card_use(e, dataset)
            for e in graph.in_edges(node, GENERATED)
            if e.attrs.get("role", "generator") in GENERATOR_ROLES
        ]
        for out in graph.in_edges(node, OUTPUT):
            if out.attrs.get("type") == "generate":
                found.extend(
                    replace(u, role="generator") for u in _stage_use(graph, out.src, dataset)
                )
        return tuple(_unique(found))

    return graph.memo(("generators", dataset), compute)


def card_checkers(graph: LineageGraph, doc: Document) -> tuple[ModelUse, ...]:
    """The judge and filter models a card declares: ``validation.judge.model`` and
    generation uses of role judge or filter."""
    if not doc.id:
        return ()
    node = dataset_node(doc.id)
    found = [
        _card_use(e, doc.id)
        for e in graph.in_edges(node, GENERATED)
        if e.doc is doc and e.attrs.get("role") in CHECKER_ROLES
    ]
    found.extend(_card_use(e, doc.id) for e in graph.in_edges(node, JUDGED) if e.doc is doc)
    return tuple(found)


def card_generation_uses(graph: LineageGraph, doc: Document) -> tuple[ModelUse, ...]:
    """The card's own generation uses of role generator or paraphraser (SG205)."""
    if not doc.id:
        return ()
    return tuple(
        _card_use(e, doc.id)
        for e in graph.in_edges(dataset_node(doc.id), GENERATED)
        if e.doc is doc and e.attrs.get("role", "generator") in GENERATOR_ROLES
    )


# --------------------------------------------------------------------------- pipelines


def pipeline_roles(graph: LineageGraph, doc: Document) -> PipelineRoles | None:
    """The roles of one pipeline document (only what this document declares)."""
    if not doc.id:
        return None
    pid = doc.id
    me = pipeline_node(pid)
    base = None
    for edge in graph.in_edges(me, BASE):
        if edge.doc is doc:
            base = ModelUse(
                model=edge.src.split(":", 1)[1],
                ref=edge.attrs.get("ref"),
                role="base",
                doc=doc,
                pointer=edge.pointer,
                pipeline=pid,
            )
    primary = doc.get(("primary_model", "id"))
    training: list[DataUse] = []
    evaluation: list[DataUse] = []
    judges: list[StageCheck] = []
    filters: list[StageCheck] = []
    for stage_edge in graph.out_edges(me, STAGE):
        if stage_edge.doc is not doc:
            continue
        stype = stage_edge.attrs.get("type")
        stage_node = stage_edge.dst
        sid = stage_node.split(":", 1)[1].partition("/")[2]
        inputs = tuple(
            DataUse(e.src.split(":", 1)[1], sid, pid, doc, e.pointer)
            for e in graph.in_edges(stage_node, INPUT)
            if e.doc is doc and _in_stage(e.pointer, stage_edge.pointer)
        )
        models = [
            u
            for u in _stage_use(graph, stage_node, None)
            if u.doc is doc and _in_stage(u.pointer, stage_edge.pointer)
        ]
        if stype == "train":
            training.extend(inputs)
        elif stype == "evaluate":
            evaluation.extend(inputs)
            judges.extend(StageCheck(replace(m, role="judge"), inputs) for m in models)
        elif stype == "filter":
            filters.extend(StageCheck(replace(m, role="filter"), inputs) for m in models)
    return PipelineRoles(
        pipeline=pid,
        primary=primary if isinstance(primary, str) else None,
        base=base,
        training=tuple(training),
        evaluation=tuple(evaluation),
        judges=tuple(judges),
        filters=tuple(filters),
    )


def _in_stage(pointer: Pointer, stage_pointer: Pointer) -> bool:
    """Whether a pointer lies under a stage's pointer (a stage id may repeat in a file)."""
    return tuple(pointer[: len(stage_pointer)]) == tuple(stage_pointer)


def _unique(uses: Iterable[ModelUse]) -> list[ModelUse]:
    seen: set[tuple[int, Pointer]] = set()
    out = []
    for use in uses:
        key = (id(use.doc), tuple(use.pointer))
        if key not in seen:
            seen.add(key)
            out.append(use)
    return out


# --------------------------------------------------------------------------- comparison


class Comparator:
    """Relatedness of model uses under ``settings.diversity.compare`` (lineage | provider)."""

    def __init__(
        self, registry: ModelRegistry | Callable[[], ModelRegistry], compare: str = "lineage"
    ) -> None:
        # a callable is called on the first comparison: a run whose documents name no model
        # never builds the registry
        self._registry = registry
        self.compare = compare if compare in ("lineage", "provider") else "lineage"
        # resolved references by object identity (documents outlive the run's comparator)
        self._infos: dict[int, tuple[Any, ModelInfo]] = {}

    @property
    def registry(self) -> ModelRegistry:
        if callable(self._registry):
            self._registry = self._registry()
        return self._registry

    def info(self, use: ModelUse) -> ModelInfo:
        ref = use.ref if isinstance(use.ref, str | Mapping) else use.model
        cached = self._infos.get(id(ref))
        if cached is not None and cached[0] is ref:
            return cached[1]
        info = self.registry.resolve(ref)
        self._infos[id(ref)] = (ref, info)
        return info

    def shared(self, a: ModelUse, b: ModelUse) -> frozenset[str]:
        """What the two models share (empty: unrelated). Unknown models are their own
        lineage: related only to another reference to the same id."""
        return self.registry.related(self.info(a), self.info(b), self.compare)

    def groups(self, use: ModelUse) -> frozenset[str]:
        """The lineages (or providers) a model belongs to; an unknown model its own."""
        info = self.info(use)
        if self.compare == "provider":
            return info.providers or frozenset({info.family})
        return info.lineage

    def phrase(self, shared: Iterable[str]) -> str:
        """'shares lineage llama' / 'shares lineages deepseek and llama' / 'shares provider
        openai'."""
        names = sorted(shared)
        what = "provider" if self.compare == "provider" else "lineage"
        if len(names) == 1:
            return f"shares {what} {names[0]}"
        return f"shares {what}s {', '.join(names[:-1])} and {names[-1]}"


def comparator(ctx: Any) -> Comparator:
    """The comparator of a run (``ctx`` is a RunContext or RuleContext)."""

    def build() -> Comparator:
        compare = ctx.setting("diversity", "compare", default="lineage")
        mode = compare if isinstance(compare, str) else "lineage"
        return Comparator(lambda: ctx.models, mode)

    return ctx.graph.memo(("comparator",), build)
