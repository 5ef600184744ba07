"""Where a native field goes in each format, so that every hint can be followed.

Rules write their hints for native cards (``add a generation entry: {model: ...}``). In a
Hugging Face README the same field is read only under the front matter's ``synthgov:`` key, a
Croissant file says it with PROV terms or a top-level ``synthgov`` object, a DVC stage in its
``meta.synthgov``; :func:`adapt_hint` adds that to the hint of a finding about an adapted
document. Nothing here does I/O.
"""

from __future__ import annotations

from synthgov.core.lazyre import LazyRegex
from synthgov.core.types import DATASET_CARD, Document

HUGGINGFACE = "huggingface"
CROISSANT = "croissant"
DISTILABEL = "distilabel"
DATADREAMER = "datadreamer"
DVC = "dvc"
# native top-level fields a hint may tell the user to add
_NATIVE_FIELD = LazyRegex(
    r"\b(?:synthetic|generation|composition|validation|human_review|metadata|owner|sources|"
    r"files|prompt|parameters|governance|approvals|limitations|intended_use|purpose|"
    r"primary_model|stages|training_data|evaluation_data|license|revision|date)\b"
)


def declare_where(doc: Document) -> str:
    """Where a native card field is written in this document's format (a phrase)."""
    fmt = doc.source_format
    if fmt == HUGGINGFACE:
        return "under the `synthgov:` key of the README front matter"
    if fmt == CROISSANT:
        return 'in a top-level `"synthgov": {...}` object of the Croissant file'
    if fmt == DATADREAMER:
        return (
            "under the `synthgov:` key of the front matter of the README.md beside "
            "datadreamer.json (that README then becomes the card)"
        )
    if fmt == DVC:
        return "in the stage's `meta: {synthgov: {...}}` (DVC ignores `meta`)"
    if fmt == DISTILABEL:
        return "in the step's `llm:` block (`model`, `revision`) of pipeline.yaml"
    return "in the card" if doc.kind == DATASET_CARD else "in the pipeline"


def generation_hint(doc: Document) -> str:
    """How to declare the generator model, in this document's format (SG101)."""
    entry = "{model: <pinned id>, role: generator, rows: N}"
    fmt = doc.source_format
    if fmt == HUGGINGFACE:
        return (
            f"add to the README front matter `synthgov: {{generation: [{entry}]}}` "
            "(a top-level `generation:` is not read in a Hugging Face card)"
        )
    if fmt == CROISSANT:
        return (
            "add a `prov:wasGeneratedBy` activity (its `prov:label` saying what it generated) "
            'whose `prov:wasAssociatedWith` is `{"@type": "prov:SoftwareAgent", "prov:label": '
            '"<pinned id>"}`, or the top-level `"synthgov": {"generation": [{"model": '
            '"<pinned id>", "role": "generator", "rows": N}]}`'
        )
    if fmt == DATADREAMER:
        return f"add `synthgov: {{generation: [{entry}]}}` {declare_where(doc)}"
    return f"add a generation entry: {entry}"


def adapt_hint(doc: Document, hint: str) -> str:
    """``hint`` made valid for the document's format: says where native fields go."""
    if not hint or doc.source_format in ("native", "") or doc.source_format not in _KNOWN:
        return hint
    if "synthgov" in hint or "prov:" in hint or not _NATIVE_FIELD.search(hint):
        return hint
    if doc.source_format in (DVC, DISTILABEL) and _PIPELINE_FIELD.search(hint):
        name = "dvc.yaml" if doc.source_format == DVC else "a distilabel pipeline.yaml"
        return (
            f"{hint} ({name} has no place for this: relax the rule for this file in the "
            "policy, or accept the finding with `synthgov baseline`)"
        )
    return f"{hint} ({declare_where(doc)})"


# pipeline-level fields DVC and distilabel files cannot hold (stage fields they can)
_PIPELINE_FIELD = LazyRegex(
    r"\b(?:metadata|owner|governance|approvals|training_data|evaluation_data|primary_model)\b"
)
_KNOWN = frozenset({HUGGINGFACE, CROISSANT, DISTILABEL, DATADREAMER, DVC})
