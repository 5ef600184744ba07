"""SG301-SG307: validation coverage of synthetic and evaluation data."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from synthgov.core.dates import parse_date
from synthgov.core.types import DATASET_CARD, Document, Issue, Pointer, Rule, RuleDoc, Severity
from synthgov.engine.context import RuleContext
from synthgov.lineage.graph import INPUT, STAGE, dataset_node, model_ref_id, pipeline_node
from synthgov.rules.provenance import generation_uses, use_role

REVIEW_DEFAULTS = {"confidence": 0.95, "margin": 0.05, "expected_proportion": 0.5}
EPSILON = 1e-9  # float noise when comparing shares and when rounding the sample size up


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _mapping(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _nearest(doc: Document, *pointers: Pointer) -> Pointer:
    """The first pointer that exists in the document (the root when none does)."""
    missing = object()
    for pointer in pointers:
        if doc.get(pointer, missing) is not missing:
            return pointer
    return ()


def _pct(value: float) -> str:
    return f"{value * 100:g}%"


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
            f"{pop}, confidence {_pct(self.confidence)} (z={self.z:.3f}), margin "
            f"{_pct(self.margin)}, expected proportion p={self.proportion:g}"
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
    declared = _number(review.get("population"))
    if declared is not None and declared > 0:
        return declared, "human_review.population"
    comp = _mapping(doc.data.get("composition")) or {}
    rows = _number(comp.get("synthetic_rows"))
    if rows is not None and rows > 0:
        return rows, "composition.synthetic_rows"
    frac, total = _number(comp.get("synthetic_fraction")), _number(comp.get("total_rows"))
    if frac is not None and total is not None and frac * total > 0:
        return float(round(frac * total)), "composition.synthetic_fraction x total_rows"
    return None, "unknown"


def _review_setting(ctx: RuleContext, key: str) -> float:
    value = _number(ctx.setting("review", key))
    if value is None or not 0 < value < 1:
        return REVIEW_DEFAULTS[key]
    return value


class ValidationMissing(Rule):
    id = "SG301"
    name = "validation-missing"
    # Art. 10: free of errors and complete
    references = ("EU AI Act Art. 10(3)",)
    synthetic_only = True
    kinds = frozenset({DATASET_CARD})
    doc = RuleDoc(
        summary="Synthetic data with no `validation` section.",
        description=(
            "Synthetic rows must be checked before anyone trains or evaluates on them: "
            "automated checks over all rows (SG303), a human review of a statistically "
            "sufficient sample (SG302), a calibrated judge when one is used (SG304), and "
            "contamination checks for evaluation data (SG307). The `validation` section records "
            "them; a synthetic card without one has not been validated at all."
        ),
        bad=(
            "composition: {total_rows: 1000, synthetic_rows: 1000}\n"
            "generation:\n  - {model: gpt-4o-2024-08-06, role: generator, rows: 1000}\n"
            "# no validation section\n"
        ),
        good=(
            "validation:\n  automated:\n"
            "    - {check: dedup, coverage: 1.0, pass_rate: 0.97, date: 2024-09-05}\n"
            "    - {check: pii, coverage: 1.0, pass_rate: 0.999, date: 2024-09-05}\n"
            "  human_review: {sample_size: 278, reviewers: 2, date: 2024-09-10}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        validation = doc.data.get("validation")
        if "validation" not in doc.data:
            yield Issue(
                (),
                "synthetic dataset has no validation section",
                "add validation: with automated checks (dedup, pii) and a human_review",
            )
        elif not validation:
            yield Issue(
                ("validation",),
                "synthetic dataset has an empty validation section",
                "record the automated checks and the human review under validation:",
            )


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
                _nearest(doc, ("validation", "human_review"), ("validation",)),
                "synthetic dataset records no human review",
                "add validation.human_review: {sample_size: N, reviewers: R, date: YYYY-MM-DD}",
            )
            return
        population, origin = review_population(doc, review)
        origin = "" if origin == "unknown" else origin
        proportion = _review_setting(ctx, "expected_proportion")
        rate = _number(review.get("error_rate"))
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
        number = _number(size)
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


class AutomatedCheckMissing(Rule):
    id = "SG303"
    name = "automated-check-missing"
    # Art. 10: dedup and PII scans are cleaning operations (c) that support error-free data (3)
    references = ("EU AI Act Art. 10(2)(c)", "EU AI Act Art. 10(3)")
    synthetic_only = True
    kinds = frozenset({DATASET_CARD})
    parameters = {
        "type": "object",
        "properties": {
            "required": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "default": ["dedup", "pii"],
                "description": "Checks (`validation.automated[].check`) that must be present.",
            },
            "min_coverage": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "default": 1.0,
                "description": "Smallest share of the rows each required check must cover.",
            },
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary="A required automated check is absent or covers too few rows.",
        description=(
            "Automated checks run over every row, which a human review cannot. Each check named "
            "in `required` (default dedup and pii) must appear in `validation.automated` with a "
            "`coverage` (share of rows checked, 0-1) of at least `min_coverage` (default 1.0). "
            "Check names are compared without regard to case. A card with no validation section "
            "at all lacks every required check (and SG301 fires as well)."
        ),
        bad=(
            "validation:\n  automated:\n"
            "    - {check: dedup, tool: text-dedup, coverage: 0.6, date: 2024-09-05}\n"
        ),
        good=(
            "validation:\n  automated:\n"
            "    - {check: dedup, tool: text-dedup, coverage: 1.0, date: 2024-09-05}\n"
            "    - {check: pii, tool: presidio, coverage: 1.0, date: 2024-09-05}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        required = [r for r in _list(ctx.params.get("required")) if isinstance(r, str)]
        minimum = _number(ctx.params.get("min_coverage"))
        minimum = 1.0 if minimum is None else minimum
        entries = [
            (i, e)
            for i, e in enumerate(_list(doc.get(("validation", "automated"))))
            if isinstance(e, Mapping) and isinstance(e.get("check"), str)
        ]
        for name in required:
            matches = [(i, e) for i, e in entries if e["check"].lower() == name.lower()]
            if not matches:
                yield Issue(
                    _nearest(doc, ("validation", "automated"), ("validation",)),
                    f"required automated check {name!r} is missing",
                    f"run {name} over every row and add validation.automated: "
                    f"[{{check: {name}, tool: ..., coverage: 1.0, date: YYYY-MM-DD}}]",
                    value=name,
                )
                continue
            covered = [(i, _number(e.get("coverage"))) for i, e in matches]
            best_i, best = max(covered, key=lambda c: -1.0 if c[1] is None else c[1])
            if best is None:
                yield Issue(
                    ("validation", "automated", best_i),
                    f"automated check {name!r} records no coverage (required: at least "
                    f"{_pct(minimum)} of the rows)",
                    "add coverage: the share of rows the check ran over (1.0 for all)",
                    value=name,
                )
            elif best + EPSILON < minimum:
                yield Issue(
                    ("validation", "automated", best_i, "coverage"),
                    f"automated check {name!r} covers {_pct(best)} of the rows, below the "
                    f"required {_pct(minimum)}",
                    f"run {name} over the remaining rows and update coverage",
                    value=best,
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
            return
        mid = model_ref_id(judge.get("model"))
        who = f"judge {mid}" if mid else "the judge (no model named)"
        min_labels = int(_number(ctx.params.get("min_labels")) or 0)
        min_agreement = _number(ctx.params.get("min_agreement"))
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
        base: Pointer = ("validation", "judge", "calibration")
        labels = _number(calibration.get("human_labels"))
        if labels is None or labels < min_labels:
            have = (
                "does not record how many human labels it was calibrated on"
                if labels is None
                else f"was calibrated on {labels:g} human labels"
            )
            yield Issue(
                (*base, "human_labels") if labels is not None else base,
                f"{who} {have}; at least {min_labels} are required",
                f"label at least {min_labels} rows by hand and compare the judge with them",
                value=labels,
            )
        agreement = calibration.get("agreement")
        value = _number(agreement.get("value")) if isinstance(agreement, Mapping) else None
        if value is None:
            yield Issue(
                (*base, "agreement") if isinstance(agreement, Mapping) else base,
                f"{who} records no agreement with the human labels",
                "add agreement: {metric: cohen_kappa, value: K} to the calibration",
            )
            return
        metric = agreement.get("metric") if isinstance(agreement, Mapping) else None
        metric_name = _AGREEMENT_METRICS.get(str(metric), str(metric or "agreement"))
        if value + EPSILON < min_agreement:
            yield Issue(
                (*base, "agreement", "value"),
                f"{who} agrees with humans at {metric_name} {value:g}, below the "
                f"required {min_agreement:g}",
                "improve the judge prompt or rubric and re-calibrate, or use a human review",
                value=value,
            )


_VALIDATION_DATES: tuple[tuple[str, ...], ...] = (
    ("automated",),
    ("human_review",),
    ("judge",),
    ("contamination",),
)


class ValidationStale(Rule):
    id = "SG305"
    name = "validation-stale"
    # Art. 10: validation that predates an update of the data does not cover it
    references = ("EU AI Act Art. 10(2)(c)", "EU AI Act Art. 10(3)")
    synthetic_only = True
    kinds = frozenset({DATASET_CARD})
    doc = RuleDoc(
        summary="A validation date is earlier than the latest generation date.",
        description=(
            "Validation describes the data as it was when it was checked. When rows are "
            "generated again after a check (a new batch, a regenerated half), the check no "
            "longer covers them. Every date under `validation` (automated checks, the human "
            "review, the judge run, contamination checks) must be on or after the latest "
            "`generation[].date`. A judge's `calibration.date` is exempt: calibrating a judge "
            "is about the judge, not the rows."
        ),
        bad=(
            "generation:\n  - {model: gpt-4o-2024-08-06, role: generator, date: 2024-09-20}\n"
            "validation:\n  human_review: {sample_size: 400, date: 2024-09-10}\n"
        ),
        good=(
            "generation:\n  - {model: gpt-4o-2024-08-06, role: generator, date: 2024-09-20}\n"
            "validation:\n  human_review: {sample_size: 400, date: 2024-09-25}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        latest: tuple[Any, str] | None = None
        for _, use in generation_uses(doc):
            day = parse_date(use.get("date"))
            if day is not None and (latest is None or day > latest[0]):
                latest = (day, model_ref_id(use.get("model")) or "a generation use")
        if latest is None:
            return  # no generation date to compare with (SG109 asks for one)
        newest, model = latest
        for pointer, what, value in _validation_dates(doc):
            day = parse_date(value)
            if day is None or day >= newest:
                continue
            yield Issue(
                pointer,
                f"{what} dated {value} predates the latest generation ({newest.isoformat()}, "
                f"{model}); it does not cover the rows generated since",
                "re-run the check over the current data and update its date",
                value=value,
            )


def _validation_dates(doc: Document) -> Iterator[tuple[Pointer, str, Any]]:
    for i, entry in enumerate(_list(doc.get(("validation", "automated")))):
        if isinstance(entry, Mapping) and "date" in entry:
            name = entry.get("check") if isinstance(entry.get("check"), str) else f"#{i + 1}"
            yield ("validation", "automated", i, "date"), f"automated check {name}", entry["date"]
    review = doc.get(("validation", "human_review"))
    if isinstance(review, Mapping) and "date" in review:
        yield ("validation", "human_review", "date"), "human review", review["date"]
    judge = doc.get(("validation", "judge"))
    if isinstance(judge, Mapping) and "date" in judge:
        yield ("validation", "judge", "date"), "judge run", judge["date"]
    for i, entry in enumerate(_list(doc.get(("validation", "contamination")))):
        if isinstance(entry, Mapping) and "date" in entry:
            yield (
                ("validation", "contamination", i, "date"),
                "contamination check",
                entry["date"],
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
        default = _number(ctx.params.get("tolerance"))
        default = 0.05 if default is None else default
        for i, attr in enumerate(_list(doc.get(("representation", "attributes")))):
            if not isinstance(attr, Mapping) or not isinstance(attr.get("target"), Mapping):
                continue
            name = attr.get("name") if isinstance(attr.get("name"), str) else f"#{i + 1}"
            own = _number(attr.get("tolerance"))
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
                want = _number(target)
                if want is None:
                    continue
                got = _number(observed.get(category))
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


class ContaminationUnchecked(Rule):
    id = "SG307"
    name = "contamination-unchecked"
    # Art. 10: a test set that leaked into training is not suitable for testing
    references = ("EU AI Act Art. 10(2)(e)", "EU AI Act Art. 10(3)")
    evaluation_only = True
    kinds = frozenset({DATASET_CARD})
    doc = RuleDoc(
        summary="An evaluation set is not checked for overlap with the data trained on.",
        description=(
            "Scores on an evaluation set mean nothing when its rows leaked into training. For "
            "every pipeline with an `evaluate` stage that reads this dataset, every input of "
            "that pipeline's `train` stages must appear in the `against` list of a "
            "`validation.contamination` entry of this card. The lineage graph finds the "
            "pipelines; a pipeline that trains on the evaluation set itself is reported too."
        ),
        bad=(
            "purpose: [evaluation]\nvalidation:\n  contamination:\n"
            "    - {against: [tickets-2024], method: ngram-13, overlap: 0.0}\n"
            "# a pipeline evaluates on this set and trains on support-intents-synth-v1\n"
        ),
        good=(
            "purpose: [evaluation]\nvalidation:\n  contamination:\n"
            "    - {against: [tickets-2024, support-intents-synth-v1], method: ngram-13,\n"
            "       overlap: 0.0004}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        if not doc.id:
            return
        me = dataset_node(doc.id)
        checked = _checked_against(doc)
        pointer = _nearest(doc, ("validation", "contamination"), ("validation",))
        needed: dict[str, set[str]] = {}  # training dataset -> pipelines that need it
        graph = ctx.graph
        for edge in graph.out_edges(me, INPUT):
            if edge.attrs.get("type") != "evaluate":
                continue
            for owner in graph.in_edges(edge.dst, STAGE):
                pipeline = owner.src
                for stage in graph.out_edges(pipeline, STAGE):
                    if stage.attrs.get("type") != "train":
                        continue
                    for train_input in graph.in_edges(stage.dst, INPUT):
                        ds = graph.nodes[train_input.src].label
                        needed.setdefault(ds, set()).add(graph.nodes[pipeline].label)
        for ds in sorted(needed):
            pipelines = ", ".join(sorted(needed[ds]))
            related = (me, dataset_node(ds), *(pipeline_node(p) for p in sorted(needed[ds])))
            if ds == doc.id:
                yield Issue(
                    pointer,
                    f"pipeline {pipelines} trains on this evaluation dataset itself",
                    "remove the evaluation set from the train stage inputs",
                    value=ds,
                    related=related,
                )
            elif ds not in checked:
                yield Issue(
                    pointer,
                    f"no contamination check against training dataset {ds} (pipeline "
                    f"{pipelines} trains on it and evaluates on this dataset)",
                    f"check for overlap and add validation.contamination: [{{against: [{ds}], "
                    "method: ..., overlap: ..., date: YYYY-MM-DD}]",
                    value=ds,
                    related=related,
                )


def _checked_against(doc: Document) -> set[str]:
    found: set[str] = set()
    for entry in _list(doc.get(("validation", "contamination"))):
        if not isinstance(entry, Mapping):
            continue
        against = entry.get("against")
        if isinstance(against, str):
            found.add(against)
        else:
            found.update(a for a in _list(against) if isinstance(a, str))
    return found


RULES = [
    ValidationMissing,
    ReviewSampleTooSmall,
    AutomatedCheckMissing,
    JudgeUncalibrated,
    ValidationStale,
    RepresentationGap,
    ContaminationUnchecked,
]
