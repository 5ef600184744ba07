"""SG500-SG502, SG509: the data, measured, against what the card declares (docs/verify.md).

These rules run only when data is verified (``synthgov verify``, ``check --verify-data``):
the runner measures the data files (:mod:`synthgov.verify`) and compares them with the
cards' claims before the engine runs; each rule then reports the claims of its own kind that
are a *mismatch*, and SG500 every claim that is *unverified*. Nothing here does I/O or
imports DuckDB.

The measures of the rows' content (duplicates, contamination, synthetic share, languages
and categories, personal data: SG503-SG508) are in :mod:`synthgov.rules.verification_content`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from synthgov.core.types import DATASET_CARD, Document, Issue, Rule, RuleDoc, Severity
from synthgov.engine.context import RuleContext

EXAMPLE_CARD = (
    "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: intents}\n"
    "files:\n  - {path: data/train.jsonl, split: train, rows: 1000}\n"
)


TOLERANCE = {"type": "number", "minimum": 0, "maximum": 1}


def _claims(doc: Document, ctx: RuleContext) -> tuple[Any, ...]:
    verification = getattr(ctx.run, "verification", None)
    if verification is None:
        return ()
    return tuple(verification.claims.get(doc.path, ()))


class DataRule(Rule):
    kinds = frozenset({DATASET_CARD})

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for claim in _claims(doc, ctx):
            if claim.rule == self.id and claim.outcome == "mismatch":
                yield Issue(claim.pointer, claim.message, claim.hint, value=claim.measured)


class ClaimUnverified(DataRule):
    id = "SG500"
    name = "data-claim-unverified"
    # Art. 10: a claim nobody could measure: availability of the data (e)
    references = ("EU AI Act Art. 10(2)(e)",)
    severity = Severity.WARNING
    doc = RuleDoc(
        summary="A claim about the data could not be measured (unverified, not passed).",
        description=(
            "Reported when data is verified (`synthgov verify`, `check --verify-data`) and a "
            "declared value cannot be measured: the file is missing, a Git LFS pointer whose "
            "content was not pulled, outside the repository, in an unknown format, or the "
            "column the measure needs is absent. An unverified claim is never counted as "
            "verified. Raise this rule to error to make the verification job fail closed."
        ),
        bad=EXAMPLE_CARD + "# data/train.jsonl is a Git LFS pointer in the CI checkout\n",
        good=EXAMPLE_CARD + "# the CI job runs `git lfs pull` before `synthgov verify`\n",
        applies="dataset cards, when data is verified",
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for claim in _claims(doc, ctx):
            if claim.outcome == "unverified":
                yield Issue(
                    claim.pointer, f"{claim.rule}: {claim.message}", claim.hint, value=claim.claim
                )


class RowsMismatch(DataRule):
    id = "SG501"
    name = "data-rows-mismatch"
    # Art. 10: quantity (e) and completeness (3)
    references = ("EU AI Act Art. 10(2)(e)", "EU AI Act Art. 10(3)")
    parameters = {
        "type": "object",
        "properties": {
            "tolerance": {
                **TOLERANCE,
                "default": 0.0,
                "description": "Allowed relative difference (0: exact).",
            },
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary="A file's rows, a split's rows or the total rows differ from what the card "
        "declares.",
        description=(
            "Counts the records of each data file (`files[].rows`; for a glob, all the shards "
            "it matches), of each split a Hugging Face card declares "
            "(`dataset_info.splits[].num_examples`, against the `data/<split>-*` files beside "
            "the card or the `files` entries with that split; the message names the split and "
            "the file and line of its `num_examples`) and of the dataset "
            "(`composition.total_rows`). Unreadable rows are not counted (SG509 reports them). "
            "A split with no measurable file, or of a card with several configs, is "
            "unverified (SG500), never passed."
        ),
        bad=EXAMPLE_CARD + "# the file holds 990 records\n",
        good=EXAMPLE_CARD.replace("rows: 1000", "rows: 990"),
        applies="dataset cards, when data is verified",
    )


class SchemaMismatch(DataRule):
    id = "SG502"
    name = "data-schema-mismatch"
    # Art. 10: the data itself against what its card declares
    references = ("EU AI Act Art. 10(3)",)
    parameters = {
        "type": "object",
        "properties": {
            "allow_extra": {
                "type": "boolean",
                "default": True,
                "description": "Columns in the data but not in `features` pass.",
            },
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary="A column declared in `features` is absent or holds values of another type; "
        "or a column holds values of mixed types.",
        description=(
            "Compares the JSON type of every value (string, integer, float, boolean, list, "
            "object; null is always allowed; integer passes as float) with the declared "
            "feature types (`features: {text: string, label: int64}`; Hugging Face type names "
            "are understood). Without `features`, a column holding several types is reported "
            "with the first row of the second type."
        ),
        bad=EXAMPLE_CARD + 'features: {text: string, label: integer}\n# label is "3" in row 17\n',
        good=EXAMPLE_CARD + "features: {text: string, label: integer}\n",
        applies="dataset cards, when data is verified",
    )


class Unreadable(DataRule):
    id = "SG509"
    name = "data-unreadable"
    # Art. 10: the data itself against what its card declares
    references = ("EU AI Act Art. 10(3)",)
    doc = RuleDoc(
        summary="A data file, or some of its rows, cannot be read (malformed JSON, invalid "
        "UTF-8, a line over the size limit, a broken Parquet file).",
        description=(
            "The message names the file, the number of unreadable rows and the first of them "
            "with their row numbers (line numbers for JSONL and CSV). Unreadable rows are "
            "left out of every other measure."
        ),
        bad='# data/train.jsonl line 57: {"text": "unterminated\n',
        good="# every line of data/train.jsonl is a JSON object\n",
        applies="dataset cards, when data is verified",
    )


RULES = [ClaimUnverified, RowsMismatch, SchemaMismatch, Unreadable]

#: rule parameters that change what is measured (MeasureParams field <- (rule, parameter));
#: SG504's ``bands`` and ``threshold`` give the LSH banding (app/check/verifydata.py)
MEASURE_PARAMS = {
    "text_fields": ("SG503", "text_fields"),
    "provenance_field": ("SG506", "field"),
    "human_values": ("SG506", "human_values"),
    "shingle_size": ("SG504", "shingle_size"),
    "num_perm": ("SG504", "num_perm"),
    "ngram": ("SG505", "ngram"),
    "detectors": ("SG508", "detectors"),
}
