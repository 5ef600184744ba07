"""SG500-SG509: the data, measured, against what the card declares (docs/verify.md).

These rules run only when data is verified (``synthgov verify``, ``check --verify-data``):
the runner measures the data files (:mod:`synthgov.verify`) and compares them with the
cards' claims before the engine runs; each rule then reports the claims of its own kind that
are a *mismatch*, and SG500 every claim that is *unverified*. Nothing here does I/O or
imports DuckDB.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from synthgov.core.types import DATASET_CARD, Document, Issue, Rule, RuleDoc, Severity
from synthgov.engine.context import RuleContext

_CARD = (
    "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: intents}\n"
    "files:\n  - {path: data/train.jsonl, split: train, rows: 1000}\n"
)
_TOL = {"type": "number", "minimum": 0, "maximum": 1}


def _claims(doc: Document, ctx: RuleContext) -> tuple[Any, ...]:
    verification = getattr(ctx.run, "verification", None)
    if verification is None:
        return ()
    return tuple(verification.claims.get(doc.path, ()))


class _DataRule(Rule):
    kinds = frozenset({DATASET_CARD})

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for claim in _claims(doc, ctx):
            if claim.rule == self.id and claim.outcome == "mismatch":
                yield Issue(claim.pointer, claim.message, claim.hint, value=claim.measured)


class ClaimUnverified(_DataRule):
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
        bad=_CARD + "# data/train.jsonl is a Git LFS pointer in the CI checkout\n",
        good=_CARD + "# the CI job runs `git lfs pull` before `synthgov verify`\n",
        applies="dataset cards, when data is verified",
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for claim in _claims(doc, ctx):
            if claim.outcome == "unverified":
                yield Issue(
                    claim.pointer, f"{claim.rule}: {claim.message}", claim.hint, value=claim.claim
                )


class RowsMismatch(_DataRule):
    id = "SG501"
    name = "data-rows-mismatch"
    # Art. 10: quantity (e) and completeness (3)
    references = ("EU AI Act Art. 10(2)(e)", "EU AI Act Art. 10(3)")
    parameters = {
        "type": "object",
        "properties": {
            "tolerance": {
                **_TOL,
                "default": 0.0,
                "description": "Allowed relative difference (0: exact).",
            },
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary="A file's rows, or the total rows, differ from what the card declares.",
        description=(
            "Counts the records of each data file (`files[].rows`; for a glob, all the shards "
            "it matches) and of the dataset (`composition.total_rows`). Unreadable rows are "
            "not counted (SG509 reports them)."
        ),
        bad=_CARD + "# the file holds 990 records\n",
        good=_CARD.replace("rows: 1000", "rows: 990"),
        applies="dataset cards, when data is verified",
    )


class SchemaMismatch(_DataRule):
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
        bad=_CARD + 'features: {text: string, label: integer}\n# label is "3" in row 17\n',
        good=_CARD + "features: {text: string, label: integer}\n",
        applies="dataset cards, when data is verified",
    )


class ExactDuplicates(_DataRule):
    id = "SG503"
    name = "data-exact-duplicates"
    # Art. 10: duplicates: cleaning operations (c), error-free data (3)
    references = ("EU AI Act Art. 10(2)(c)", "EU AI Act Art. 10(3)")
    parameters = {
        "type": "object",
        "properties": {
            "text_fields": {
                "type": "array",
                "items": {"type": "string"},
                "default": [],
                "description": "Columns whose text is compared (empty: "
                "string columns at least 16 characters long on average).",
            },
            "max_rate": {
                **_TOL,
                "default": 0.05,
                "description": "Policy maximum share of duplicate rows.",
            },
            "tolerance": {
                **_TOL,
                "default": 0.0,
                "description": "Allowed shortfall against the declared pass rate.",
            },
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary="Exact duplicates (on normalised text) above the declared dedup pass rate or "
        "the policy maximum.",
        description=(
            "Text is lower-cased, punctuation becomes space and white space is collapsed; a "
            "row is a duplicate when its normalised text occurred in an earlier row of the "
            "dataset (across all its files). Compared with the `dedup` automated check's "
            "`pass_rate` (the share of rows that are unique) and with `max_rate`."
        ),
        bad="validation:\n  automated:\n    - {check: dedup, pass_rate: 1.0}\n"
        "# 4% of the rows repeat an earlier row\n",
        good="validation:\n  automated:\n    - {check: dedup, pass_rate: 0.96}\n",
        applies="dataset cards, when data is verified",
    )


class NearDuplicates(_DataRule):
    id = "SG504"
    name = "data-near-duplicates"
    # Art. 10: duplicates: cleaning operations (c), error-free data (3)
    references = ("EU AI Act Art. 10(2)(c)", "EU AI Act Art. 10(3)")
    severity = Severity.WARNING
    parameters = {
        "type": "object",
        "properties": {
            "shingle_size": {
                "type": "integer",
                "minimum": 1,
                "maximum": 32,
                "default": 5,
                "description": "Words per shingle.",
            },
            "num_perm": {
                "type": "integer",
                "minimum": 8,
                "maximum": 512,
                "default": 128,
                "description": "MinHash permutations.",
            },
            "bands": {
                "type": "integer",
                "minimum": 1,
                "maximum": 256,
                "default": 16,
                "description": "LSH bands (rows per band = num_perm / bands); the "
                "Jaccard threshold is about (1/bands)^(bands/num_perm).",
            },
            "max_rate": {
                **_TOL,
                "default": 0.1,
                "description": "Policy maximum share of near-duplicate rows.",
            },
            "tolerance": {
                **_TOL,
                "default": 0.0,
                "description": "Allowed shortfall against a declared near_dedup pass rate.",
            },
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary="Near duplicates (MinHash LSH over word shingles) above the policy maximum or "
        "a declared `near_dedup` pass rate.",
        description=(
            "Each row's normalised text is cut into word shingles (5 words by default); a "
            "MinHash signature of 128 permutations is cut into 16 bands of 8 rows; two rows "
            "whose band hashes meet in any band are near duplicates: a pair of Jaccard "
            "similarity 0.8 meets with probability 0.95, 0.9 with 0.9999, 0.67 with 0.5 "
            "(1 - (1 - s^8)^16; docs/verify.md). A row "
            "counts when it shares a bucket with a row of different normalised text (exact "
            "duplicates are SG503's). Hashes are MD5 prefixes, computed inside DuckDB."
        ),
        bad="# 15% of the rows are light edits of other rows\n",
        good="# near duplicates removed before release\n",
        applies="dataset cards, when data is verified",
    )


class Contamination(_DataRule):
    id = "SG505"
    name = "data-contamination"
    # Art. 10: test data that overlaps training data is not relevant to what it should measure (3)
    references = ("EU AI Act Art. 10(3)",)
    parameters = {
        "type": "object",
        "properties": {
            "ngram": {
                "type": "integer",
                "minimum": 3,
                "maximum": 64,
                "default": 13,
                "description": "Words per n-gram (13, as in the GPT-3 method).",
            },
            "max_rate": {
                **_TOL,
                "default": 0.0,
                "description": "Maximum share of contaminated evaluation rows when "
                "no contamination check is declared.",
            },
            "tolerance": {
                **_TOL,
                "default": 0.0,
                "description": "Allowed excess over a declared overlap.",
            },
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary="Evaluation rows share an n-gram (or their whole normalised text) with the "
        "training data the lineage graph pairs them with.",
        description=(
            "For every evaluation dataset, the training datasets are those named by "
            "contamination checks (`against`) and by pipelines that train on one and evaluate "
            "on the other. An evaluation row is contaminated when one of its word 13-grams, "
            "or its whole normalised text, occurs in a training row. The measured share is "
            "compared with the declared `overlap`, else with `max_rate`."
        ),
        bad="validation:\n  contamination:\n    - {against: [train-v1], method: ngram-13, "
        "overlap: 0.0}\n# 3 test rows are copied from train-v1\n",
        good="# the 3 copied rows were removed from the test set\n",
        applies="evaluation dataset cards, when data is verified",
    )


class SyntheticShare(_DataRule):
    id = "SG506"
    name = "data-synthetic-share-mismatch"
    # Art. 10: the origin of the data (b)
    references = ("EU AI Act Art. 10(2)(b)",)
    parameters = {
        "type": "object",
        "properties": {
            "field": {
                "type": "string",
                "minLength": 1,
                "default": "generator",
                "description": "Per-row provenance column (the generator model).",
            },
            "human_values": {
                "type": "array",
                "items": {"type": "string"},
                "default": ["human", ""],
                "description": "Values of the column that mean human-written.",
            },
            "tolerance": {
                **_TOL,
                "default": 0.01,
                "description": "Allowed difference, as a share of all rows.",
            },
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary="The rows with a generator in the per-row provenance column differ from "
        "`composition.synthetic_rows`.",
        description=(
            "distilabel and DataDreamer write the generating model into each row; a row is "
            "synthetic when that column holds a value other than the `human_values`. When no "
            "row has the column, the claim is unverified (SG500)."
        ),
        bad="composition: {total_rows: 1000, synthetic_rows: 600}\n# 800 rows name a generator\n",
        good="composition: {total_rows: 1000, synthetic_rows: 800}\n",
        applies="dataset cards, when data is verified",
    )


class RepresentationMismatch(_DataRule):
    id = "SG507"
    name = "data-representation-mismatch"
    # Art. 10: representative data (3), examination for bias (f)
    references = ("EU AI Act Art. 10(2)(f)", "EU AI Act Art. 10(3)")
    severity = Severity.WARNING
    parameters = {
        "type": "object",
        "properties": {
            "tolerance": {
                **_TOL,
                "default": 0.05,
                "description": "Allowed gap when the attribute gives none.",
            },
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary="An attribute's measured distribution differs from `representation` "
        "(`observed`, else `target`).",
        description=(
            "For each `representation.attributes[]` entry, the column of the same name is "
            "counted; each declared share is compared with the measured share, within the "
            "attribute's `tolerance` or this rule's."
        ),
        bad="representation:\n  attributes:\n    - name: language\n      observed: {en: 0.5, "
        "es: 0.5}\n# 70% of the rows are en\n",
        good="representation:\n  attributes:\n    - name: language\n      observed: {en: 0.7, "
        "es: 0.3}\n",
        applies="dataset cards, when data is verified",
    )


class PersonalData(_DataRule):
    id = "SG508"
    name = "data-pii-detected"
    # Art. 10: the data itself against what its card declares
    references = ("EU AI Act Art. 10(2)(c)",)
    parameters = {
        "type": "object",
        "properties": {
            "detectors": {
                "type": "array",
                "items": {"enum": ["email", "phone", "ip", "iban", "card"]},
                "default": ["email", "phone", "ip", "iban", "card"],
                "description": "Detectors that count.",
            },
            "max_rate": {
                **_TOL,
                "default": 0.0,
                "description": "Policy maximum share of rows with personal data.",
            },
            "tolerance": {
                **_TOL,
                "default": 0.0,
                "description": "Allowed shortfall against the declared pii pass rate.",
            },
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary="Rows with e-mail addresses, phone numbers, IP addresses, IBANs or card "
        "numbers, above the declared `pii` pass rate or the policy maximum.",
        description=(
            "Regular expressions (RE2, inside DuckDB) over the text columns; card numbers must "
            "pass the Luhn check and IBANs the ISO 13616 mod-97 check. The message names the "
            "first row of each kind. Detectors are patterns, not a guarantee: a pass means "
            "none of them matched."
        ),
        bad="validation:\n  automated:\n    - {check: pii, pass_rate: 1.0}\n"
        "# row 12: 'write to jane@example.com'\n",
        good="# addresses masked: 'write to <EMAIL>'\n",
        applies="dataset cards, when data is verified",
    )


class Unreadable(_DataRule):
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


RULES = [
    ClaimUnverified,
    RowsMismatch,
    SchemaMismatch,
    ExactDuplicates,
    NearDuplicates,
    Contamination,
    SyntheticShare,
    RepresentationMismatch,
    PersonalData,
    Unreadable,
]

#: rule parameters that change what is measured (MeasureParams field <- (rule, parameter))
MEASURE_PARAMS = {
    "text_fields": ("SG503", "text_fields"),
    "provenance_field": ("SG506", "field"),
    "human_values": ("SG506", "human_values"),
    "shingle_size": ("SG504", "shingle_size"),
    "num_perm": ("SG504", "num_perm"),
    "bands": ("SG504", "bands"),
    "ngram": ("SG505", "ngram"),
    "detectors": ("SG508", "detectors"),
}
