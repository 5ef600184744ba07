"""The report's view of each dataset card (provenance, validation coverage, declared vs
measured) and each pipeline (models, stages)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synthgov.core.types import Document
from synthgov.reporters.html.inputs import AuditInputs, MeasuredValue, ModelFacts
from synthgov.reporters.html.records import (
    NOT_RECORDED,
    Check,
    ContaminationCheck,
    DatasetView,
    FindingView,
    GeneratorUse,
    Judge,
    PipelineView,
    Review,
    Stage,
)
from synthgov.reporters.html.values import anchor, integer, items, mapping, model_id, number, text


def dataset(
    doc: Document,
    findings: tuple[FindingView, ...],
    inputs: AuditInputs,
    measured: tuple[MeasuredValue, ...],
) -> DatasetView:
    from synthgov.lineage.graph import is_synthetic

    data = doc.data
    meta = mapping(data.get("metadata"))
    comp = mapping(data.get("composition"))
    validation = mapping(data.get("validation"))
    name = doc.id or doc.path
    return DatasetView(
        id=name,
        anchor=anchor("ds", name),
        name=text(meta.get("name")) if meta.get("name") else name,
        path=doc.path,
        owner=text(meta.get("owner")),
        purpose=_purpose(doc),
        synthetic=is_synthetic(doc),
        total_rows=text(integer(comp.get("total_rows"))),
        synthetic_rows=text(integer(_synthetic_rows(comp))),
        generators=tuple(_generator(g, inputs) for g in items(data.get("generation"))),
        sources=tuple(
            text(mapping(s).get("dataset") or mapping(s).get("url") or s)
            for s in items(data.get("sources"))
        ),
        checks=tuple(_check(c) for c in items(validation.get("automated"))),
        review=_review(doc, validation.get("human_review"), inputs),
        judge=_judge(validation.get("judge")),
        contamination=tuple(_contamination(c) for c in items(validation.get("contamination"))),
        measured=measured,
        findings=findings,
    )


def _purpose(doc: Document) -> str:
    from synthgov.lineage.graph import is_evaluation

    purpose = doc.data.get("purpose")
    if isinstance(purpose, list):
        purpose_text = ", ".join(str(p) for p in purpose if isinstance(p, str)) or NOT_RECORDED
    else:
        purpose_text = text(purpose)
    if purpose_text == NOT_RECORDED and is_evaluation(doc):
        purpose_text = "evaluation"
    return purpose_text


def _synthetic_rows(comp: Mapping[str, Any]) -> Any:
    """The declared synthetic rows, else the synthetic fraction of the total rows."""
    synthetic_rows = comp.get("synthetic_rows")
    if synthetic_rows is None and number(comp.get("synthetic_fraction")) is not None:
        total = number(comp.get("total_rows"))
        if total is not None:
            synthetic_rows = round(float(comp["synthetic_fraction"]) * total)
    return synthetic_rows


def _check(raw: Any) -> Check:
    c = mapping(raw)
    return Check(
        text(c.get("check")),
        text(c.get("tool")),
        text(c.get("coverage")),
        text(c.get("pass_rate")),
        text(c.get("date")),
    )


def _contamination(raw: Any) -> ContaminationCheck:
    c = mapping(raw)
    return ContaminationCheck(
        ", ".join(str(a) for a in items(c.get("against"))) or text(c.get("against")),
        text(c.get("method")),
        text(c.get("overlap")),
        text(c.get("date")),
    )


def _generator(entry: Any, inputs: AuditInputs) -> GeneratorUse:
    use = mapping(entry)
    ref = use.get("model")
    revision = mapping(ref).get("revision") if isinstance(ref, Mapping) else None
    prompt = use.get("prompt")
    prompt_text = text(mapping(prompt).get("path") if isinstance(prompt, Mapping) else prompt)
    facts: ModelFacts | None = None
    if inputs.describe_model is not None and model_id(ref) != NOT_RECORDED:
        try:
            facts = inputs.describe_model(ref)
        except Exception:  # noqa: BLE001 - an unresolvable reference is unknown
            facts = None
    return GeneratorUse(
        model=model_id(ref),
        revision=text(revision) if revision is not None else "",
        pinned=bool(facts.pinned) if facts else revision is not None,
        role=text(use.get("role")),
        rows=text(integer(use.get("rows"))),
        prompt=prompt_text,
        date=text(use.get("date")),
        lineage=facts.lineage if facts and facts.lineage else "unknown",
        terms=facts.terms if facts and facts.terms else NOT_RECORDED,
        known=bool(facts and facts.known),
    )


def _review(doc: Document, raw: Any, inputs: AuditInputs) -> Review | None:
    if not isinstance(raw, Mapping):
        return None
    from synthgov.rules.validation_stats import required_sample, review_population

    population, origin = review_population(doc, raw)
    settings = inputs.review

    def setting(key: str, default: float) -> float:
        value = number(settings.get(key))
        return value if value is not None and 0 < value < 1 else default

    need = required_sample(
        population,
        setting("confidence", 0.95),
        setting("margin", 0.05),
        setting("expected_proportion", 0.5),
    )
    return Review(
        sample=integer(raw.get("sample_size")),
        required=need.required,
        population=(
            f"N={population:g} from {origin}" if population is not None else "unknown population"
        ),
        reviewers=text(raw.get("reviewers")),
        agreement=_agreement(raw.get("agreement")),
        error_rate=text(raw.get("error_rate")),
        date=text(raw.get("date")),
    )


def _agreement(raw: Any) -> str:
    agreement = mapping(raw)
    if not agreement:
        return NOT_RECORDED
    return f"{text(agreement.get('metric'))} {text(agreement.get('value'))}"


def _judge(raw: Any) -> Judge | None:
    if not isinstance(raw, Mapping):
        return None
    calibration = mapping(raw.get("calibration"))
    return Judge(
        model=model_id(raw.get("model")),
        calibrated=bool(calibration),
        labels=text(calibration.get("human_labels")),
        agreement=_agreement(calibration.get("agreement")),
        date=text(calibration.get("date")),
    )


def pipeline(doc: Document, findings: tuple[FindingView, ...]) -> PipelineView:
    data = doc.data
    primary = mapping(data.get("primary_model"))
    stages = []
    for raw in items(data.get("stages")):
        stage = mapping(raw)
        stages.append(
            Stage(
                id=text(stage.get("id")),
                type=text(stage.get("type")),
                model=model_id(stage.get("model")) if stage.get("model") else "",
                inputs=tuple(str(i) for i in items(stage.get("inputs"))),
                outputs=tuple(str(o) for o in items(stage.get("outputs"))),
            )
        )
    name = doc.id or doc.path
    return PipelineView(
        id=name,
        anchor=anchor("pl", name),
        path=doc.path,
        owner=text(mapping(data.get("metadata")).get("owner")),
        primary=model_id(primary.get("id")) if primary else NOT_RECORDED,
        base=model_id(primary.get("base")) if primary.get("base") else NOT_RECORDED,
        stages=tuple(stages),
        findings=findings,
    )
