"""SG503-SG508: the content of the data, measured, against what the card declares:
duplicates and near duplicates, contamination of evaluation data by training data, the
synthetic share, the language and category mix, personal data (docs/verify.md). The claims
are compared before the engine runs; see :mod:`synthgov.rules.verification`."""

from __future__ import annotations

from synthgov.core.types import RuleDoc, Severity
from synthgov.rules.verification import TOLERANCE, DataRule


class ExactDuplicates(DataRule):
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
                **TOLERANCE,
                "default": 0.05,
                "description": "Policy maximum share of duplicate rows.",
            },
            "tolerance": {
                **TOLERANCE,
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


class NearDuplicates(DataRule):
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
            "threshold": {
                "type": "number",
                "minimum": 0.01,
                "maximum": 0.99,
                "default": 0.8,
                "description": "Jaccard similarity from which rows are near duplicates: "
                "chooses the LSH banding (b bands of r rows, b * r <= num_perm) that "
                "minimises false positives below it plus false negatives above it; 0.8 with "
                "128 permutations gives 9 bands of 13 rows.",
            },
            "bands": {
                "type": "integer",
                "minimum": 0,
                "maximum": 256,
                "default": 0,
                "description": "LSH bands, instead of the threshold's choice (0: the "
                "threshold chooses; rows per band = num_perm / bands, threshold about "
                "(1/bands)^(bands/num_perm)). With a threshold other than 0.8 that chooses "
                "another banding: a policy error.",
            },
            "max_rate": {
                **TOLERANCE,
                "default": 0.1,
                "description": "Policy maximum share of near-duplicate rows.",
            },
            "tolerance": {
                **TOLERANCE,
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
            "MinHash signature of 128 permutations is cut into LSH bands; two rows whose band "
            "hashes meet in any band are near duplicates. The banding is chosen for the "
            "Jaccard `threshold` (0.8): 9 bands of 13 rows, so a pair of similarity 0.9 meets "
            "with probability 0.93, 0.8 with 0.40, 0.7 with 0.084 and 0.5 with 0.001 "
            "(1 - (1 - s^13)^9; docs/verify.md); `bands` sets it instead. Candidate pairs "
            "are not re-checked against their exact similarity. A row counts when it shares "
            "a bucket with a row of different normalised text (exact duplicates are "
            "SG503's). Hashes are MD5 prefixes, computed inside DuckDB (or Spark)."
        ),
        bad="# 15% of the rows are light edits of other rows\n",
        good="# near duplicates removed before release\n",
        applies="dataset cards, when data is verified",
    )


class Contamination(DataRule):
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
                **TOLERANCE,
                "default": 0.0,
                "description": "Maximum share of contaminated evaluation rows when "
                "no contamination check is declared.",
            },
            "tolerance": {
                **TOLERANCE,
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


class SyntheticShare(DataRule):
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
                **TOLERANCE,
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


class RepresentationMismatch(DataRule):
    id = "SG507"
    name = "data-representation-mismatch"
    # Art. 10: representative data (3), examination for bias (f)
    references = ("EU AI Act Art. 10(2)(f)", "EU AI Act Art. 10(3)")
    severity = Severity.WARNING
    parameters = {
        "type": "object",
        "properties": {
            "tolerance": {
                **TOLERANCE,
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


class PersonalData(DataRule):
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
                **TOLERANCE,
                "default": 0.0,
                "description": "Policy maximum share of rows with personal data.",
            },
            "tolerance": {
                **TOLERANCE,
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


RULES = [
    ExactDuplicates,
    NearDuplicates,
    Contamination,
    SyntheticShare,
    RepresentationMismatch,
    PersonalData,
]
