"""The parts of the lineage graph (SPEC section 5): node names, edge kinds, ``Node``, ``Edge``.

They sit below :mod:`synthgov.lineage.graph` and the loaders, so that a loader can build the edges
of its own format (``lineage_edges``, the :data:`Linker` hook of ``LineageGraph.build``)
without importing the graph (issue 12: no import cycles).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from synthgov.core.types import Document, Pointer

# edge kinds
SOURCE = "source"  # dataset -> dataset that draws on it (sources[].dataset)
INPUT = "input"  # dataset -> stage
OUTPUT = "output"  # stage -> dataset
STAGE = "stage"  # pipeline -> stage
USES = "uses"  # model -> stage (the stage's model)
GENERATED = "generated"  # model -> dataset (card generation uses)
JUDGED = "judged"  # model -> dataset (card validation.judge)
BASE = "base"  # model -> pipeline (primary_model.base)


def dataset_node(ds_id: str) -> str:
    return f"dataset:{ds_id}"


def model_node(model_id: str) -> str:
    return f"model:{model_id}"


def pipeline_node(pipeline_id: str) -> str:
    return f"pipeline:{pipeline_id}"


def stage_node(pipeline_id: str, stage_id: str) -> str:
    return f"stage:{pipeline_id}/{stage_id}"


@dataclass(frozen=True)
class Node:
    """A dataset, model, pipeline or stage of the lineage graph."""

    id: str
    kind: str  # dataset | model | pipeline | stage
    label: str
    synthetic: bool = False
    declared: bool = True  # False for a dataset named somewhere but with no card
    detail: str = ""  # pipelines: the primary model's id


@dataclass(frozen=True)
class Edge:
    """A lineage edge, with the document and pointer that declared it."""

    src: str
    dst: str
    kind: str
    doc: Document = field(compare=False, repr=False)
    pointer: Pointer = ()
    attrs: Mapping[str, Any] = field(default_factory=dict, compare=False)


#: a loader's hook: the edges of its own format among a run's documents
Linker = Callable[[Sequence[Document]], Iterable[Edge]]
