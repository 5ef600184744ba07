"""SG106, SG111: provenance under the models' terms and lifecycle - outputs that train a
model against a provider's terms, and models used after their retirement."""

from __future__ import annotations

import re
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
from synthgov.lineage.graph import is_synthetic, model_ref_id
from synthgov.rules.provenance import (
    as_list,
    generation_uses,
    model_references,
    use_role,
)

FEEDING_ROLES = frozenset({"generator", "paraphraser", "labeler"})


FEEDING_STAGES = frozenset({"generate", "label"})


def _rewrites(use: Mapping[str, Any]) -> bool:
    return use.get("rewrites") is True


def training_feeds(doc: Document) -> Iterator[tuple[Pointer, Any, str]]:
    """Every model use whose outputs become training data: (pointer, ref, what it is).

    Cards: generation uses of role generator, paraphraser or labeler, and filters that
    rewrite rows (``rewrites: true``), when the card's purpose includes training.
    Pipelines: generate and label stages (and rewriting filters) whose outputs a train stage
    reads; a feeding stage that names no outputs counts when the pipeline trains at all."""
    if doc.kind == DATASET_CARD:
        yield from _card_feeds(doc)
    else:
        yield from _pipeline_feeds(doc)


def _feeds(kind: Any, use: Mapping[str, Any], roles: frozenset[str]) -> bool:
    """Whether a use of role (or stage of type) ``kind`` writes rows that others read."""
    return (kind in roles or (kind == "filter" and _rewrites(use))) and (
        model_ref_id(use.get("model")) is not None
    )


def _card_feeds(doc: Document) -> Iterator[tuple[Pointer, Any, str]]:
    purpose = doc.data.get("purpose")
    purposes = [purpose] if isinstance(purpose, str) else as_list(purpose)
    if "training" not in purposes or not is_synthetic(doc):
        return
    for i, use in generation_uses(doc):
        role = use_role(use)
        if _feeds(role, use, FEEDING_ROLES):
            yield ("generation", i, "model"), use["model"], role


def _pipeline_feeds(doc: Document) -> Iterator[tuple[Pointer, Any, str]]:
    stages = [
        (i, s) for i, s in enumerate(as_list(doc.data.get("stages"))) if isinstance(s, Mapping)
    ]
    train_stages = [s for _, s in stages if s.get("type") == "train"]
    trained = {str(x) for s in train_stages for x in as_list(s.get("inputs"))}
    for i, stage in stages:
        kind = stage.get("type")
        if not _feeds(kind, stage, FEEDING_STAGES):
            continue
        outputs = {str(x) for x in as_list(stage.get("outputs"))}
        if (outputs and outputs & trained) or (not outputs and train_stages):
            yield ("stages", i, "model"), stage["model"], f"{kind} stage {stage.get('id', i)}"


class OutputTermsConflict(Rule):
    id = "SG106"
    name = "output-terms-conflict"
    # Art. 10: data collection processes and the origin of data
    references = ("EU AI Act Art. 10(2)(b)",)
    severity = Severity.WARNING
    kinds = frozenset({DATASET_CARD, PIPELINE})
    doc = RuleDoc(
        summary="Training data from a model whose terms restrict or condition that use.",
        description=(
            "Some providers' terms forbid using outputs to train (competing) models, or attach "
            "conditions (naming, attribution, licence pass-through). Every use that feeds "
            "training data is checked: on synthetic cards whose purpose includes training, "
            "generation uses of role generator, paraphraser or labeler and filters that "
            "rewrite rows (`rewrites: true`); in pipelines, generate and label stages (and "
            "rewriting filters) whose outputs a train stage reads. The message quotes the "
            "conditions from the model registry with their source, the date they were read and "
            "a confidence: `verified` (the primary text was read and the clause is quoted in "
            "the registry) or `reported` (a secondary source; read the primary text before "
            "relying on it). On some routes other terms apply (a Mistral model on Bedrock is "
            "governed by AWS's terms, not La Plateforme's). `synthgov models ID` shows the "
            "entry. Lifecycle is checked by SG111: the registry records the deprecation and "
            "retirement dates providers publish, and a use dated after retirement, or a pinned "
            "snapshot past it, is reported there. Not legal advice: it tells you whom to ask."
        ),
        bad="purpose: [training]\ngeneration:\n  - {model: gpt-4o-2024-08-06, role: generator}\n",
        good=(
            "purpose: [training]\ngeneration:\n"
            "  - model: {id: mistralai/Mixtral-8x7B-Instruct-v0.1,\n"
            "      revision: 41bd4c9cc4b8f18e6b07e0b4f0e0fc39883aa51c}\n"
            "    role: generator\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for pointer, ref, what in training_feeds(doc):
            info = ctx.models.resolve(ref)
            terms = info.terms
            if terms is None or terms.outputs_training not in ("restricted", "conditional"):
                continue
            confidence = terms.confidence or "unstated"
            yield Issue(
                pointer,
                f"{what} {info.id}: outputs used for training are {terms.outputs_training} "
                f"under {terms.name}: {terms.conditions} (source: {terms.source}, read "
                f"{terms.read_on}, {confidence})",
                "check the terms with your legal team, or waive with the approval on record",
                value=info.id,
            )


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _use_date(value: Any) -> str | None:
    text = str(value) if value is not None else ""
    return text[:10] if _ISO_DATE.match(text) else None


class ModelRetired(Rule):
    id = "SG111"
    name = "model-retired"
    # Art. 10: data collection processes and the origin of data
    references = ("EU AI Act Art. 10(2)(b)",)
    severity = Severity.WARNING
    kinds = frozenset({DATASET_CARD, PIPELINE})
    doc = RuleDoc(
        summary="A model used after its retirement date, or a pinned snapshot past retirement.",
        description=(
            "Providers retire model ids on published dates (the registry records "
            "`deprecated_on`, `retired_on` and the page they come from). A generation use dated "
            "after the model's retirement cannot be right: the date or the model id is wrong. "
            "A pinned snapshot that is retired (as of today, which `SYNTHGOV_TODAY` fixes) "
            "can no longer be called, so the data cannot be regenerated or extended with the "
            "same model: record that, or move to a live snapshot. A deprecated model with a "
            "retirement date still ahead is reported too, with that date."
        ),
        bad=("generation:\n  - {model: text-davinci-003, role: generator, date: 2024-03-01}\n"),
        good="generation:\n  - {model: gpt-4o-2024-08-06, role: generator, date: 2024-09-01}\n",
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        dates: dict[Pointer, str | None] = {}
        if doc.kind == DATASET_CARD:
            for i, use in generation_uses(doc):
                dates[("generation", i, "model")] = _use_date(use.get("date"))
        for pointer, ref, what in model_references(doc):
            mid = model_ref_id(ref)
            if mid is None:
                continue
            info = ctx.models.resolve(ref)
            retired, deprecated = info.retired_on, info.deprecated_on
            source = f" (source: {info.lifecycle_source})" if info.lifecycle_source else ""
            used_on = dates.get(pointer)
            if retired and used_on and used_on > retired:
                yield Issue(
                    pointer,
                    f"{what} model {mid} was retired on {retired}{source}, but this use is "
                    f"dated {used_on}",
                    "correct the use's date or the model id (which model really generated?)",
                    value=mid,
                )
            elif retired and retired <= ctx.today and info.pinned:
                yield Issue(
                    pointer,
                    f"{what} model {mid} was retired on {retired}{source}: the data cannot be "
                    "regenerated or extended with it",
                    "record this in the card (limitations) or regenerate with a live snapshot",
                    value=mid,
                )
            elif deprecated and deprecated <= ctx.today and (not retired or retired > ctx.today):
                when = f", retiring on {retired}" if retired else ""
                yield Issue(
                    pointer,
                    f"{what} model {mid} is deprecated since {deprecated}{when}{source}",
                    "plan the move to its replacement before the retirement date",
                    value=mid,
                )


RULES = [OutputTermsConflict, ModelRetired]
