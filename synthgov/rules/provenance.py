"""SG101-SG103, SG105, SG109, SG110: provenance of synthetic data - which models made it,
from which sources, with which parameters, and how much of it.

The helpers that walk a card's model references are shared by the other provenance modules:
:mod:`synthgov.rules.provenance_files` (the files a card names: SG104, SG107, SG108) and
:mod:`synthgov.rules.provenance_terms` (the models' terms and lifecycle: SG106, SG111).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from synthgov.core.types import (
    DATASET_CARD,
    PIPELINE,
    Document,
    Issue,
    Pointer,
    Rule,
    RuleDoc,
    Severity,
)
from synthgov.engine.context import RuleContext
from synthgov.lineage.graph import model_ref_id


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def generation_uses(doc: Document) -> tuple[tuple[int, Mapping[str, Any]], ...]:
    """(index, entry) of each ``generation`` entry that is a mapping (once per document:
    a dozen rules ask)."""
    return doc.derived(_generation_uses)


def _generation_uses(doc: Document) -> tuple[tuple[int, Mapping[str, Any]], ...]:
    generation = as_list(doc.data.get("generation"))
    return tuple((i, use) for i, use in enumerate(generation) if isinstance(use, Mapping))


def use_role(use: Mapping[str, Any]) -> str:
    role = use.get("role")
    return role if isinstance(role, str) and role else "generator"


def model_references(doc: Document) -> tuple[tuple[Pointer, Any, str], ...]:
    """Every auxiliary model reference: (pointer, ref, what it is) - never primary_model.id
    (once per document: several rules ask)."""
    return doc.derived(_model_references)


def _model_references(doc: Document) -> tuple[tuple[Pointer, Any, str], ...]:
    return tuple(_each_model_reference(doc))


def _each_model_reference(doc: Document) -> Iterator[tuple[Pointer, Any, str]]:
    if doc.kind == DATASET_CARD:
        for i, use in generation_uses(doc):
            if "model" in use:
                yield ("generation", i, "model"), use["model"], use_role(use)
        judge = doc.get(("validation", "judge"))
        if isinstance(judge, Mapping) and "model" in judge:
            yield ("validation", "judge", "model"), judge["model"], "judge"
    elif doc.kind == PIPELINE:
        base = doc.get(("primary_model", "base"))
        if base is not None:
            yield ("primary_model", "base"), base, "base"
        for i, stage in enumerate(as_list(doc.data.get("stages"))):
            if isinstance(stage, Mapping) and "model" in stage:
                yield ("stages", i, "model"), stage["model"], f"stage {stage.get('id', i)}"


def resolve_path(doc: Document, rel: str) -> str:
    return os.path.normpath(os.path.join(doc.abs_dir, rel))


class GeneratorUndeclared(Rule):
    id = "SG101"
    name = "generator-undeclared"
    # Art. 10: data collection processes and the origin of data
    references = ("EU AI Act Art. 10(2)(b)",)
    synthetic_only = True
    kinds = frozenset({DATASET_CARD})
    doc = RuleDoc(
        summary="Synthetic data with no `generation` entry of role generator.",
        description=(
            "A synthetic dataset must say which model generated it. Add one `generation` entry "
            "per auxiliary model use, with `role: generator` for the model that wrote the rows "
            "(entries without a role count as generators)."
        ),
        bad="composition: {total_rows: 100, synthetic_rows: 100}\n# no generation section\n",
        good=(
            "composition: {total_rows: 100, synthetic_rows: 100}\ngeneration:\n"
            "  - {model: gpt-4o-2024-08-06, role: generator, rows: 100}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        from synthgov.lineage.roles import generators
        from synthgov.lineage.synthetic import synthetic_status
        from synthgov.repo.formats import generation_hint

        if any(use_role(u) == "generator" for _, u in generation_uses(doc)):
            return
        if doc.id and any(u.doc is not doc for u in generators(ctx.graph, doc.id)):
            return  # a pipeline that writes this dataset names the generator (distilabel)
        has_section = "generation" in doc.data
        hint = generation_hint(doc)
        named = synthetic_status(doc).models
        message = "synthetic dataset declares no generator model"
        if has_section:
            message += " (generation has no entry with role generator)"
        if named:
            message += (
                f"; its tags, keywords or prose name {', '.join(named)}, which this check "
                "takes as evidence of the generator but not as a declaration"
            )
            hint = hint.replace("<pinned id>", f"<pinned id of {named[0]}>")
        yield Issue(("generation",) if has_section else (), message, hint)


class ModelUnpinned(Rule):
    id = "SG102"
    name = "model-unpinned"
    # Art. 10: data collection processes and the origin of data
    references = ("EU AI Act Art. 10(2)(b)",)
    doc = RuleDoc(
        summary="A model id is a moving alias rather than a dated snapshot or pinned revision.",
        description=(
            "`gpt-4o` or `claude-3-5-sonnet-latest` point at different models over time, so the "
            "card cannot say which model made the data. Use a dated snapshot "
            "(`gpt-4o-2024-08-06`; the hint names the snapshot an alias points at) or, for a "
            "Hugging Face repository id, add `revision` with the full 40-hex commit sha (a "
            "branch, tag or abbreviated sha can move or be ambiguous). Routed ids get a hint "
            "for their route: a versioned Bedrock id (`-v1:0`), the deployed version of an "
            "Azure deployment, a dated OpenRouter slug; an OpenAI fine-tune (`ft:...`) is a "
            "fixed model. `synthgov models ID` shows how an id was read. Applies to generation "
            "uses, judges, stage models and `primary_model.base`, never to `primary_model.id`."
        ),
        bad="generation:\n  - {model: gpt-4o, role: generator}\n",
        good="generation:\n  - {model: gpt-4o-2024-08-06, role: generator}\n",
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for pointer, ref, what in model_references(doc):
            mid = model_ref_id(ref)
            if mid is None:
                continue
            info = ctx.models.resolve(ref)
            if info.pinned:
                continue
            hint = info.pin_hint or "use a dated snapshot instead of the moving alias"
            yield Issue(
                pointer,
                f"{what} model {mid} is not pinned ({info.pin_reason})",
                hint,
                value=mid,
            )


class ModelUnknown(Rule):
    id = "SG103"
    name = "model-unknown"
    # Art. 10: data collection processes and the origin of data
    references = ("EU AI Act Art. 10(2)(b)",)
    severity = Severity.WARNING
    doc = RuleDoc(
        summary="A model matches no registry entry and gives no family.",
        description=(
            "Diversity rules need to know a model's family and lineage. An unknown model counts "
            "as its own lineage, so it can prove no conflict; `builtin:strict` makes this an "
            "error. Give `family` (and `provider`) in the reference, or add the model to the "
            "registry with `models:` in synthgov.yaml."
        ),
        bad="generation:\n  - {model: acme/house-model-7b, role: generator}\n",
        good=(
            "generation:\n  - model: {id: acme/house-model-7b, revision: 1a2b3c4, "
            "family: llama, provider: acme}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for pointer, ref, what in model_references(doc):
            mid = model_ref_id(ref)
            if mid is None:
                continue
            if ctx.models.resolve(ref).known:
                continue
            yield Issue(
                pointer,
                f"{what} model {mid} is not in the model registry and gives no family",
                "add family/provider to the model reference, or a models: entry in synthgov.yaml",
                value=mid,
            )


class SourceUndocumented(Rule):
    id = "SG105"
    name = "source-undocumented"
    # Art. 10: for personal data, 10(2)(b) asks for the original purpose of the collection
    references = ("EU AI Act Art. 10(2)(b)",)
    synthetic_only = True
    kinds = frozenset({DATASET_CARD})
    doc = RuleDoc(
        summary="A source has no license, or personal data without consent or legal basis.",
        description=(
            "Seed and real data that generation drew on must carry its license; when it holds "
            "personal data (`personal_data: true`), a `consent` or `legal_basis` field must say "
            "why it may be used. Sources that name a card (`dataset:`) are documented by that "
            "card."
        ),
        bad="sources:\n  - {name: support-tickets, personal_data: true}\n",
        good=(
            "sources:\n  - {name: support-tickets, license: proprietary, personal_data: true,\n"
            "     legal_basis: contract}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for i, src in enumerate(as_list(doc.data.get("sources"))):
            if not isinstance(src, Mapping) or "dataset" in src:
                continue
            label = src.get("name") or src.get("url") or f"#{i + 1}"
            if not src.get("license"):
                yield Issue(
                    ("sources", i),
                    f"source {label} has no license",
                    "add license: <spdx-like id> (or 'proprietary' with a description)",
                    value=label,
                )
            if src.get("personal_data") is True and not (
                src.get("consent") or src.get("legal_basis")
            ):
                yield Issue(
                    ("sources", i, "personal_data"),
                    f"source {label} holds personal data but records no consent or legal_basis",
                    "add consent: ... or legal_basis: ... (e.g. GDPR Art. 6(1)(b) contract)",
                    value=label,
                )


class GenerationParamsMissing(Rule):
    id = "SG109"
    name = "generation-params-missing"
    # Art. 10: data collection processes and the origin of data
    references = ("EU AI Act Art. 10(2)(b)",)
    severity = Severity.WARNING
    synthetic_only = True
    kinds = frozenset({DATASET_CARD})
    doc = RuleDoc(
        summary="A generation use has no `parameters` or no `date`.",
        description=(
            "Sampling parameters (temperature, top_p, seed) and the date of the run are what "
            "make a generation reproducible and let SG305 compare validation dates with it."
        ),
        bad="generation:\n  - {model: gpt-4o-2024-08-06, role: generator}\n",
        good=(
            "generation:\n  - model: gpt-4o-2024-08-06\n    role: generator\n"
            "    parameters: {temperature: 0.9, seed: 7}\n    date: 2024-09-01\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for i, use in generation_uses(doc):
            missing = [k for k in ("parameters", "date") if not use.get(k)]
            if missing:
                label = model_ref_id(use.get("model")) or f"#{i + 1}"
                yield Issue(
                    ("generation", i),
                    f"generation use {label} has no {' and no '.join(missing)}",
                    "record parameters: {temperature, top_p, seed, ...} and date: YYYY-MM-DD",
                    value=missing,
                )


class SyntheticShareUndeclared(Rule):
    id = "SG110"
    name = "synthetic-share-undeclared"
    # Art. 10: how much of the data is synthetic: quantity and suitability of the data sets
    references = ("EU AI Act Art. 10(2)(e)",)
    severity = Severity.WARNING
    synthetic_only = True
    kinds = frozenset({DATASET_CARD})
    doc = RuleDoc(
        summary="Synthetic data without `composition.synthetic_rows` or `synthetic_fraction`.",
        description=(
            "How much of a dataset is synthetic decides the required review sample (SG302) and "
            "the concentration check (SG205). Declare it in `composition`."
        ),
        bad="generation:\n  - {model: gpt-4o-2024-08-06, role: generator}\n",
        good="composition: {total_rows: 12000, synthetic_rows: 9600}\n",
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        comp = doc.data.get("composition")
        if isinstance(comp, Mapping) and ("synthetic_rows" in comp or "synthetic_fraction" in comp):
            return
        yield Issue(
            ("composition",) if isinstance(comp, Mapping) else (),
            "synthetic dataset does not declare its synthetic share",
            "add composition: {total_rows: N, synthetic_rows: M} (or synthetic_fraction)",
        )


RULES = [
    GeneratorUndeclared,
    ModelUnpinned,
    ModelUnknown,
    SourceUndocumented,
    GenerationParamsMissing,
    SyntheticShareUndeclared,
]
