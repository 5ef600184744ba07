"""SG302, SG304, SG306: validation that is measured - the human review sample is large
enough (Cochran's formula with the finite population correction), the judge agrees with
human labels, and each category's observed share is near its target."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from synthgov.core.types import DATASET_CARD, Document, Issue, Pointer, Rule, RuleDoc, Severity
from synthgov.engine.context import RuleContext
from synthgov.lineage.graph import model_ref_id
from synthgov.rules.provenance import as_list, generation_uses, use_role
from synthgov.rules.validation import EPSILON, as_mapping, as_number, nearest, pct

REVIEW_DEFAULTS = {"confidence": 0.95, "margin": 0.05, "expected_proportion": 0.5}


# -- SG302: the review sample -------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # compared by identity; no __eq__ or __hash__ to build
class SampleRequirement:
    """The inputs and result of the finite-population sample size formula (SPEC section 6)."""

    required: int
    confidence: float
    margin: float
    proportion: float
    z: float
    n0: float
    population: float | None  # None: unknown, no finite-population correction

    def describe(self, origin: str = "") -> str:
        if self.population is None:
            pop = "N unknown, no finite-population correction"
        else:
            pop = f"N={self.population:g}" + (f" from {origin}" if origin else "")
        return (
            f"{pop}, confidence {pct(self.confidence)} (z={self.z:.3f}), margin "
            f"{pct(self.margin)}, expected proportion p={self.proportion:g}"
        )


def required_sample(
    population: float | None,
    confidence: float = 0.95,
    margin: float = 0.05,
    proportion: float = 0.5,
) -> SampleRequirement:
    """n0 = z^2 p (1-p) / e^2; required = ceil(n0 / (1 + (n0 - 1) / N)).

    z is the two-sided normal quantile of the confidence level. Without a population the
    uncorrected n0 (an infinite population) is required.
    """
    from statistics import NormalDist

    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    n0 = z * z * proportion * (1 - proportion) / (margin * margin)
    if population is not None and population > 0:
        value = n0 / (1 + (n0 - 1) / population)
    else:
        population, value = None, n0
    required = max(0, math.ceil(value - EPSILON))
    return SampleRequirement(required, confidence, margin, proportion, z, n0, population)


def review_population(doc: Document, review: Mapping[str, Any]) -> tuple[float | None, str]:
    """The population the review sampled from, and where that number came from."""
    declared = as_number(review.get("population"))
    if declared is not None and declared > 0:
        return declared, "human_review.population"
    comp = as_mapping(doc.data.get("composition")) or {}
    rows = as_number(comp.get("synthetic_rows"))
    if rows is not None and rows > 0:
        return rows, "composition.synthetic_rows"
    frac, total = as_number(comp.get("synthetic_fraction")), as_number(comp.get("total_rows"))
    if frac is not None and total is not None and frac * total > 0:
        return float(round(frac * total)), "composition.synthetic_fraction x total_rows"
    return None, "unknown"


def _review_setting(ctx: RuleContext, key: str) -> float:
    value = as_number(ctx.setting("review", key))
    if value is None or not 0 < value < 1:
        return REVIEW_DEFAULTS[key]
    return value


class ReviewSampleTooSmall(Rule):
    id = "SG302"
    name = "review-sample-too-small"
    # Art. 10: free of errors and complete
    references = ("EU AI Act Art. 10(3)",)
    synthetic_only = True
    kinds = frozenset({DATASET_CARD})
    doc = RuleDoc(
        summary="No human review, or a review sample smaller than the statistics require.",
        description=(
            "Eyeballing a few rows says little about thousands. The required sample is the "
            "finite-population formula: n0 = z^2 p (1-p) / e^2 and required = "
            "ceil(n0 / (1 + (n0 - 1) / N)), with z the two-sided normal quantile of the "
            "confidence c, e the margin, p the expected proportion and N the population "
            "(`human_review.population`, else the synthetic rows of `composition`). c, e and p "
            "are policy settings: `settings.review.confidence` (0.95), `margin` (0.05), "
            "`expected_proportion` (0.5, the most conservative); with `use_declared_rate: true` "
            "a declared `error_rate` strictly between 0 and 1 replaces p. At the defaults 1,000 "
            "rows need 278 reviewed and 9,600 rows need 370. A card with no validation section "
            "at all has no human review either, so SG301 and SG302 both fire."
        ),
        bad=(
            "composition: {total_rows: 12000, synthetic_rows: 9600}\n"
            "validation:\n  human_review: {sample_size: 50, reviewers: 1}\n"
        ),
        good=(
            "composition: {total_rows: 12000, synthetic_rows: 9600}\n"
            "validation:\n  human_review: {sample_size: 370, reviewers: 2}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        review = doc.get(("validation", "human_review"))
        if not isinstance(review, Mapping):
            yield Issue(
                nearest(doc, ("validation", "human_review"), ("validation",)),
                "synthetic dataset records no human review",
                "add validation.human_review: {sample_size: N, reviewers: R, date: YYYY-MM-DD}",
            )
            return
        population, origin = review_population(doc, review)
        origin = "" if origin == "unknown" else origin
        proportion = _review_setting(ctx, "expected_proportion")
        rate = as_number(review.get("error_rate"))
        if ctx.setting("review", "use_declared_rate") is True and rate is not None:
            if 0 < rate < 1:
                proportion = rate
        need = required_sample(
            population,
            _review_setting(ctx, "confidence"),
            _review_setting(ctx, "margin"),
            proportion,
        )
        size = review.get("sample_size")
        number = as_number(size)
        if number is None:
            yield Issue(
                ("validation", "human_review"),
                f"human review records no sample_size; {need.required} rows are required "
                f"({need.describe(origin)})",
                f"add sample_size: (at least {need.required}) to validation.human_review",
                value=need.required,
            )
            return
        if number >= need.required:
            return
        yield Issue(
            ("validation", "human_review", "sample_size"),
            f"human review sample of {size:g} rows is below the required {need.required} "
            f"({need.describe(origin)}); shortfall {need.required - number:g}",
            f"review at least {need.required - number:g} more rows, or record the population "
            "the sample was drawn from in human_review.population",
            value=size,
        )


_AGREEMENT_METRICS = {
    "cohen_kappa": "Cohen's kappa",
    "fleiss_kappa": "Fleiss' kappa",
    "krippendorff_alpha": "Krippendorff's alpha",
    "percent": "percent agreement",
}


class JudgeUncalibrated(Rule):
    id = "SG304"
    name = "judge-uncalibrated"
    # Art. 10: a judge that scores or filters rows performs annotation and labelling
    references = ("EU AI Act Art. 10(2)(c)", "EU AI Act Art. 10(3)")
    synthetic_only = True
    kinds = frozenset({DATASET_CARD})
    parameters = {
        "type": "object",
        "properties": {
            "min_labels": {
                "type": "integer",
                "minimum": 0,
                "default": 100,
                "description": "Fewest human labels the judge must have been compared with.",
            },
            "min_agreement": {
                "type": "number",
                "minimum": -1,
                "maximum": 1,
                "default": 0.6,
                "description": "Lowest acceptable judge-human agreement (any metric of 3.2).",
            },
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary="An LLM judge without calibration, with too few human labels, or low agreement.",
        description=(
            "A judge that scores or filters rows is a measuring instrument: before trusting it, "
            "compare it with human labels on the same rows. `validation.judge.calibration` "
            "records how many human labels it was compared with (`human_labels`, at least "
            "`min_labels`) and the agreement (`agreement: {metric, value}` with metric "
            "cohen_kappa, fleiss_kappa, krippendorff_alpha or percent; value at least "
            "`min_agreement`). A `generation` use with role judge counts as a judge too. Raw "
            "percent agreement is inflated by chance agreement; prefer a kappa or alpha."
        ),
        bad="validation:\n  judge: {model: gemini-1.5-pro-002}\n",
        good=(
            "validation:\n  judge:\n    model: gemini-1.5-pro-002\n"
            "    calibration: {human_labels: 150, agreement: {metric: cohen_kappa, value: 0.71}}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        judge = doc.get(("validation", "judge"))
        if not isinstance(judge, Mapping):
            yield from _judge_uses_unrecorded(doc)
            return
        mid = model_ref_id(judge.get("model"))
        who = f"judge {mid}" if mid else "the judge (no model named)"
        min_labels = int(as_number(ctx.params.get("min_labels")) or 0)
        min_agreement = as_number(ctx.params.get("min_agreement"))
        min_agreement = 0.6 if min_agreement is None else min_agreement
        calibration = judge.get("calibration")
        if not isinstance(calibration, Mapping):
            yield Issue(
                ("validation", "judge"),
                f"{who} has no calibration against human labels",
                f"compare the judge with at least {min_labels} human labels and record "
                "calibration: {human_labels: N, agreement: {metric: cohen_kappa, value: K}}",
                value=mid,
            )
            return
        yield from _too_few_labels(who, calibration, min_labels)
        yield from _agreement_too_low(who, calibration, min_agreement)


_CALIBRATION: Pointer = ("validation", "judge", "calibration")


def _judge_uses_unrecorded(doc: Document) -> Iterator[Issue]:
    """A generation use of role judge on a card with no ``validation.judge``."""
    for i, use in generation_uses(doc):
        if use_role(use) == "judge":
            label = model_ref_id(use.get("model")) or f"#{i + 1}"
            yield Issue(
                ("generation", i),
                f"judge model {label} is used but validation.judge records no "
                "calibration against human labels",
                "add validation.judge: {model: ..., calibration: {human_labels: N, "
                "agreement: {metric: cohen_kappa, value: K}}}",
                value=label,
            )


def _too_few_labels(who: str, calibration: Mapping[str, Any], min_labels: int) -> Iterator[Issue]:
    labels = as_number(calibration.get("human_labels"))
    if labels is not None and labels >= min_labels:
        return
    have = (
        "does not record how many human labels it was calibrated on"
        if labels is None
        else f"was calibrated on {labels:g} human labels"
    )
    yield Issue(
        (*_CALIBRATION, "human_labels") if labels is not None else _CALIBRATION,
        f"{who} {have}; at least {min_labels} are required",
        f"label at least {min_labels} rows by hand and compare the judge with them",
        value=labels,
    )


def _agreement_too_low(
    who: str, calibration: Mapping[str, Any], min_agreement: float
) -> Iterator[Issue]:
    agreement = calibration.get("agreement")
    value = as_number(agreement.get("value")) if isinstance(agreement, Mapping) else None
    if value is None:
        yield Issue(
            (*_CALIBRATION, "agreement") if isinstance(agreement, Mapping) else _CALIBRATION,
            f"{who} records no agreement with the human labels",
            "add agreement: {metric: cohen_kappa, value: K} to the calibration",
        )
        return
    metric = agreement.get("metric") if isinstance(agreement, Mapping) else None
    metric_name = _AGREEMENT_METRICS.get(str(metric), str(metric or "agreement"))
    if value + EPSILON < min_agreement:
        yield Issue(
            (*_CALIBRATION, "agreement", "value"),
            f"{who} agrees with humans at {metric_name} {value:g}, below the "
            f"required {min_agreement:g}",
            "improve the judge prompt or rubric and re-calibrate, or use a human review",
            value=value,
        )


class RepresentationGap(Rule):
    id = "SG306"
    name = "representation-gap"
    # Art. 10: sufficiently representative (3), the setting of use (4), detecting bias (g)
    references = ("EU AI Act Art. 10(2)(g)", "EU AI Act Art. 10(3)", "EU AI Act Art. 10(4)")
    severity = Severity.WARNING
    synthetic_only = True
    kinds = frozenset({DATASET_CARD})
    parameters = {
        "type": "object",
        "properties": {
            "tolerance": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "default": 0.05,
                "description": "Largest allowed |observed - target| when an attribute gives no "
                "tolerance of its own.",
            }
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary="An observed share differs from its target by more than the tolerance.",
        description=(
            "Generators drift towards what they produce most easily: one language, one tone, "
            "the majority class. For each `representation.attributes` entry, every category of "
            "`target` must have an `observed` share within the tolerance (the attribute's own "
            "`tolerance`, else the `tolerance` parameter, default 0.05). A category with a "
            "target and no observed share is reported too."
        ),
        bad=(
            "representation:\n  attributes:\n    - name: language\n"
            "      target: {en: 0.5, es: 0.25, de: 0.25}\n"
            "      observed: {en: 0.7, es: 0.2, de: 0.1}\n"
        ),
        good=(
            "representation:\n  attributes:\n    - name: language\n"
            "      target: {en: 0.5, es: 0.25, de: 0.25}\n"
            "      observed: {en: 0.52, es: 0.26, de: 0.22}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        default = as_number(ctx.params.get("tolerance"))
        default = 0.05 if default is None else default
        for i, attr in enumerate(as_list(doc.get(("representation", "attributes")))):
            if not isinstance(attr, Mapping) or not isinstance(attr.get("target"), Mapping):
                continue
            name = attr.get("name") if isinstance(attr.get("name"), str) else f"#{i + 1}"
            own = as_number(attr.get("tolerance"))
            tolerance = default if own is None else own
            base: Pointer = ("representation", "attributes", i)
            observed = attr.get("observed")
            if not isinstance(observed, Mapping):
                yield Issue(
                    base,
                    f"attribute {name} has a target but no observed shares",
                    "measure the data and add observed: {category: share, ...}",
                    value=name,
                )
                continue
            for category, target in attr["target"].items():
                want = as_number(target)
                if want is None:
                    continue
                got = as_number(observed.get(category))
                if got is None:
                    yield Issue(
                        (*base, "observed"),
                        f"{name}: no observed share for {category} (target {want:g})",
                        f"add {category}: <share> to observed",
                        value=f"{name}/{category}",
                    )
                    continue
                gap = abs(got - want)
                if gap > tolerance + EPSILON:
                    yield Issue(
                        (*base, "observed", category),
                        f"{name}: observed share of {category} is {got:g}, target {want:g} "
                        f"(gap {gap:.3g} > tolerance {tolerance:g})",
                        "rebalance the generation (prompts, sampling, filtering) or revise the "
                        "target with its owner",
                        value=f"{name}/{category}",
                    )


RULES = [ReviewSampleTooSmall, JudgeUncalibrated, RepresentationGap]
