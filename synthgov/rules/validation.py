"""SG301, SG303, SG305, SG307: validation coverage of synthetic and evaluation data - a
validation section, the automated checks, validation newer than the data, contamination
checks against the training data.

The measured parts of validation (the review sample's size SG302, the judge's calibration
SG304, the representation of categories SG306) are in :mod:`synthgov.rules.validation_stats`,
which shares the small readers here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from synthgov.core.dates import parse_date
from synthgov.core.types import DATASET_CARD, Document, Issue, Pointer, Rule, RuleDoc
from synthgov.engine.context import RuleContext
from synthgov.lineage.graph import INPUT, STAGE, dataset_node, model_ref_id, pipeline_node
from synthgov.rules.provenance import as_list, generation_uses

EPSILON = 1e-9  # float noise when comparing shares and when rounding the sample size up


def as_mapping(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def as_number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def nearest(doc: Document, *pointers: Pointer) -> Pointer:
    """The first pointer that exists in the document (the root when none does)."""
    missing = object()
    for pointer in pointers:
        if doc.get(pointer, missing) is not missing:
            return pointer
    return ()


def pct(value: float) -> str:
    return f"{value * 100:g}%"


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
        required = [r for r in as_list(ctx.params.get("required")) if isinstance(r, str)]
        minimum = as_number(ctx.params.get("min_coverage"))
        minimum = 1.0 if minimum is None else minimum
        entries = [
            (i, e)
            for i, e in enumerate(as_list(doc.get(("validation", "automated"))))
            if isinstance(e, Mapping) and isinstance(e.get("check"), str)
        ]
        for name in required:
            matches = [(i, e) for i, e in entries if e["check"].lower() == name.lower()]
            if not matches:
                yield Issue(
                    nearest(doc, ("validation", "automated"), ("validation",)),
                    f"required automated check {name!r} is missing",
                    f"run {name} over every row and add validation.automated: "
                    f"[{{check: {name}, tool: ..., coverage: 1.0, date: YYYY-MM-DD}}]",
                    value=name,
                )
                continue
            covered = [(i, as_number(e.get("coverage"))) for i, e in matches]
            best_i, best = max(covered, key=lambda c: -1.0 if c[1] is None else c[1])
            if best is None:
                yield Issue(
                    ("validation", "automated", best_i),
                    f"automated check {name!r} records no coverage (required: at least "
                    f"{pct(minimum)} of the rows)",
                    "add coverage: the share of rows the check ran over (1.0 for all)",
                    value=name,
                )
            elif best + EPSILON < minimum:
                yield Issue(
                    ("validation", "automated", best_i, "coverage"),
                    f"automated check {name!r} covers {pct(best)} of the rows, below the "
                    f"required {pct(minimum)}",
                    f"run {name} over the remaining rows and update coverage",
                    value=best,
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
    for i, entry in enumerate(as_list(doc.get(("validation", "automated")))):
        if isinstance(entry, Mapping) and "date" in entry:
            name = entry.get("check") if isinstance(entry.get("check"), str) else f"#{i + 1}"
            yield ("validation", "automated", i, "date"), f"automated check {name}", entry["date"]
    review = doc.get(("validation", "human_review"))
    if isinstance(review, Mapping) and "date" in review:
        yield ("validation", "human_review", "date"), "human review", review["date"]
    judge = doc.get(("validation", "judge"))
    if isinstance(judge, Mapping) and "date" in judge:
        yield ("validation", "judge", "date"), "judge run", judge["date"]
    for i, entry in enumerate(as_list(doc.get(("validation", "contamination")))):
        if isinstance(entry, Mapping) and "date" in entry:
            yield (
                ("validation", "contamination", i, "date"),
                "contamination check",
                entry["date"],
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
        pointer = nearest(doc, ("validation", "contamination"), ("validation",))
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
    for entry in as_list(doc.get(("validation", "contamination"))):
        if not isinstance(entry, Mapping):
            continue
        against = entry.get("against")
        if isinstance(against, str):
            found.add(against)
        else:
            found.update(a for a in as_list(against) if isinstance(a, str))
    return found


RULES = [ValidationMissing, AutomatedCheckMissing, ValidationStale, ContaminationUnchecked]
