"""Which documents a run reports on: the cards that name the files given explicitly
(pre-commit), and in diff mode the changed documents and those whose lineage reaches one."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from synthgov.core.types import DATASET_CARD, PIPELINE, Document, Finding
from synthgov.repo.discovery import display_path

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.engine.context import DiffInfo


def cards_naming(explicit: frozenset[str], documents: Sequence[Document], cwd: str) -> set[str]:
    """Absolute paths of the cards that name one of the given files (data, prompts)."""
    from synthgov.rules.diffmode import named_files

    wanted = {os.path.normpath(p) for p in explicit}
    return {
        os.path.normpath(os.path.join(cwd, doc.path))
        for doc in documents
        if any(path in wanted for _, path in named_files(doc))
    }


def diff_scope(
    findings: Sequence[Finding],
    documents: Sequence[Document],
    diff: DiffInfo,
    graph: Any,
    targets: set[str],
    cwd: str,
) -> tuple[list[Finding], int, int]:
    """Diff mode: keep findings of changed documents and of documents whose lineage reaches
    one (SPEC section 11), plus changed files that are not documents and changed policies.
    Returns the findings kept, the files and the documents in scope.

    A card also counts as changed when a file it names changed (SG406 lands on it).
    """
    touched = [d for d in documents if _changed(d, diff, cwd)]
    datasets = _affected_datasets(touched, graph)
    shown_targets = {display_path(p, cwd) for p in targets}
    in_scope = _reaching(documents, touched, datasets, graph) & shown_targets
    keep = in_scope | set(diff.policy_changed)
    keep |= {display_path(p, cwd) for p in diff.changed} & shown_targets
    kept = [f for f in findings if f.path in keep]
    n_docs = sum(1 for d in documents if d.path in in_scope)
    n_files = len(in_scope | {f.path for f in kept})
    return kept, n_files, n_docs


def _changed(doc: Document, diff: DiffInfo, cwd: str) -> bool:
    from synthgov.rules.diffmode import named_files

    if diff.is_changed(os.path.join(cwd, doc.path)):
        return True
    return any(diff.is_changed(path) for _, path in named_files(doc))


def _affected_datasets(touched: Sequence[Document], graph: Any) -> set[str]:
    """The datasets the changed documents declare or produce, and everything downstream."""
    from synthgov.lineage.graph import dataset_node, pipeline_node

    datasets: set[str] = set()
    for doc in touched:
        if doc.kind == DATASET_CARD and doc.id:
            datasets.add(dataset_node(doc.id))
        elif doc.kind == PIPELINE and doc.id:  # what its stages produce now derives differently
            datasets.update(pipeline_datasets(graph, pipeline_node(doc.id), outputs_only=True))
    for node in list(datasets):
        datasets.update(graph.downstream(node))
    return datasets


def _reaching(
    documents: Sequence[Document], touched: Sequence[Document], datasets: set[str], graph: Any
) -> set[str]:
    """Display paths of the changed documents and of those whose lineage reaches one."""
    from synthgov.lineage.graph import dataset_node, pipeline_node

    in_scope = {d.path for d in touched}
    for doc in documents:
        if doc.kind == DATASET_CARD and doc.id and dataset_node(doc.id) in datasets:
            in_scope.add(doc.path)
        elif doc.kind == PIPELINE and doc.id:
            if pipeline_datasets(graph, pipeline_node(doc.id)) & datasets:
                in_scope.add(doc.path)
    return in_scope


def pipeline_datasets(graph: Any, pipeline: str, outputs_only: bool = False) -> set[str]:
    """The datasets a pipeline's stages write (and read, unless ``outputs_only``)."""
    from synthgov.lineage.graph import INPUT, OUTPUT, STAGE

    found: set[str] = set()
    for stage in graph.out_edges(pipeline, STAGE):
        found.update(e.dst for e in graph.out_edges(stage.dst, OUTPUT))
        if not outputs_only:
            found.update(e.src for e in graph.in_edges(stage.dst, INPUT))
    return found
