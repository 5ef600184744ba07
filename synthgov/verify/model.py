"""Frozen data of a verification run: what is measured, per file and per dataset."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

VERIFIED, MISMATCH, UNVERIFIED = "verified", "mismatch", "unverified"
OUTCOMES = (VERIFIED, MISMATCH, UNVERIFIED)

#: the PII detectors, in report order
PII_DETECTORS = ("email", "phone", "ip", "iban", "card")


@dataclass(frozen=True)
class MeasureParams:
    """Everything that changes what a file measure holds (part of the cache key)."""

    text_fields: tuple[str, ...] = ()  # empty: auto-detect (see docs/verify.md)
    provenance_field: str = "generator"
    human_values: tuple[str, ...] = ("human", "")
    attributes: tuple[str, ...] = ()  # columns whose value distribution is measured
    detectors: tuple[str, ...] = PII_DETECTORS  # PII detectors whose union is counted
    shingle_size: int = 5
    num_perm: int = 128
    #: LSH banding: ``bands`` of ``rows_per_band`` signature values (0: num_perm // bands).
    #: The default is what SG504's default threshold 0.8 chooses for 128 permutations
    #: (synthgov.verify.lsh; a test keeps the two equal). 0 bands: near duplicates off.
    bands: int = 9
    rows_per_band: int = 13
    ngram: int = 13
    max_line_bytes: int = 8 << 20
    max_examples: int = 20  # malformed rows listed per file

    @property
    def band_rows(self) -> int:
        """Signature values per LSH band."""
        if self.rows_per_band > 0:
            return self.rows_per_band
        return max(1, self.num_perm // self.bands) if self.bands > 0 else 0

    def key(self) -> dict[str, Any]:
        return {
            "text_fields": list(self.text_fields),
            "provenance_field": self.provenance_field,
            "human_values": list(self.human_values),
            "attributes": list(self.attributes),
            "detectors": list(self.detectors),
            "shingle_size": self.shingle_size,
            "num_perm": self.num_perm,
            "bands": self.bands,
            "rows_per_band": self.band_rows,
            "ngram": self.ngram,
            "max_line_bytes": self.max_line_bytes,
            "max_examples": self.max_examples,
        }


@dataclass(frozen=True)
class FileSpec:
    """One data file to measure."""

    path: str  # absolute
    shown: str  # display path
    format: str  # jsonl, csv, parquet
    compression: str = "auto"  # auto, gzip, zstd, none
    #: a Delta table's partition columns and this file's values for them (None: null):
    #: not stored in the Parquet file, added to every row as string columns
    partition: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class BadRow:
    """A row that could not be read: file row number (1-based) and why."""

    row: int
    reason: str


@dataclass(frozen=True)
class ColumnType:
    """How often a column holds values of one JSON type, and the first row that does."""

    column: str
    type: str  # string, integer, float, boolean, list, object, null
    rows: int
    first_row: int


@dataclass(frozen=True)
class FileMeasure:
    """What one file holds. Sketches (hashes, LSH bands, n-grams) live in ``sketch_dir``."""

    rows: int = 0
    bad_rows: int = 0
    bad_examples: tuple[BadRow, ...] = ()
    columns: tuple[ColumnType, ...] = ()
    text_fields: tuple[str, ...] = ()
    text_rows: int = 0  # rows with non-empty normalised text
    pii: Mapping[str, int] = field(default_factory=dict)  # detector -> rows matching
    pii_first_row: Mapping[str, int] = field(default_factory=dict)
    pii_rows: int = 0  # rows matching any of the parameters' detectors
    provenance_rows: int = 0  # rows whose provenance field says generated
    provenance_present: int = 0  # rows that have the provenance field at all
    distributions: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    contaminated: tuple[int, ...] = ()  # hashes of evaluation n-grams found in this file
    error: str = ""  # the file could not be read at all (the reason)

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "bad_rows": self.bad_rows,
            "bad_examples": [[b.row, b.reason] for b in self.bad_examples],
            "columns": [[c.column, c.type, c.rows, c.first_row] for c in self.columns],
            "text_fields": list(self.text_fields),
            "text_rows": self.text_rows,
            "pii": dict(sorted(self.pii.items())),
            "pii_first_row": dict(sorted(self.pii_first_row.items())),
            "pii_rows": self.pii_rows,
            "provenance_rows": self.provenance_rows,
            "provenance_present": self.provenance_present,
            "distributions": {
                k: dict(sorted(v.items())) for k, v in sorted(self.distributions.items())
            },
            "contaminated": list(self.contaminated),
            "error": self.error,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FileMeasure:
        return cls(
            rows=int(data["rows"]),
            bad_rows=int(data["bad_rows"]),
            bad_examples=tuple(BadRow(int(r), str(m)) for r, m in data["bad_examples"]),
            columns=tuple(
                ColumnType(str(a), str(b), int(c), int(d)) for a, b, c, d in data["columns"]
            ),
            text_fields=tuple(data["text_fields"]),
            text_rows=int(data["text_rows"]),
            pii={str(k): int(v) for k, v in data["pii"].items()},
            pii_first_row={str(k): int(v) for k, v in data["pii_first_row"].items()},
            pii_rows=int(data["pii_rows"]),
            provenance_rows=int(data["provenance_rows"]),
            provenance_present=int(data["provenance_present"]),
            distributions={
                str(k): {str(a): int(b) for a, b in v.items()}
                for k, v in data["distributions"].items()
            },
            contaminated=tuple(int(x) for x in data["contaminated"]),
            error=str(data["error"]),
        )


@dataclass(frozen=True)
class FileResult:
    """A file named by a card: its spec, where it is declared, and what was measured.

    ``unverified`` says why nothing could be measured (missing, LFS pointer, unknown format).
    """

    spec: FileSpec
    pointer: tuple[str | int, ...]  # the card entry that names it
    split: str = ""
    declared_rows: int | None = None
    measure: FileMeasure | None = None
    unverified: str = ""
    sketch: str = ""  # the folder holding this file's sketches
    cached: bool = False


@dataclass(frozen=True)
class DatasetMeasure:
    """Everything measured for one dataset card."""

    card: str  # display path of the card
    dataset: str  # card id (or path)
    files: tuple[FileResult, ...] = ()
    duplicate_rows: int | None = None  # rows whose normalised text occurred before
    near_duplicate_rows: int | None = None  # rows in an LSH bucket with another text
    #: evaluation card id -> (contaminated eval rows, eval rows, [training dataset ids])
    contamination: Mapping[str, tuple[int, int, tuple[str, ...]]] = field(default_factory=dict)
    #: the training datasets this (evaluation) dataset is paired with, measured or not
    paired_with: tuple[str, ...] = ()

    @property
    def measured(self) -> tuple[FileMeasure, ...]:
        return tuple(f.measure for f in self.files if f.measure is not None and not f.measure.error)

    @property
    def complete(self) -> bool:
        """Every file named was measured."""
        return bool(self.files) and all(
            f.measure is not None and not f.measure.error for f in self.files
        )

    @property
    def rows(self) -> int:
        return sum(m.rows for m in self.measured)

    @property
    def text_rows(self) -> int:
        return sum(m.text_rows for m in self.measured)


@dataclass(frozen=True)
class Claim:
    """One declared-vs-measured comparison, with its outcome."""

    rule: str
    dataset: str
    card: str
    pointer: tuple[str | int, ...]
    claim: str  # e.g. "rows of data/train.jsonl"
    declared: Any
    measured: Any
    tolerance: Any
    outcome: str  # verified, mismatch, unverified
    message: str
    hint: str = ""

    def to_json(self) -> dict[str, Any]:
        from synthgov.core.types import pointer_to_json

        return {
            "rule": self.rule,
            "dataset": self.dataset,
            "card": self.card,
            "pointer": pointer_to_json(self.pointer),
            "claim": self.claim,
            "declared": self.declared,
            "measured": self.measured,
            "tolerance": self.tolerance,
            "outcome": self.outcome,
            "message": self.message,
        }


@dataclass(frozen=True, eq=False, repr=False)
class Verification:
    """What a run measured: one :class:`DatasetMeasure` per card path."""

    datasets: Mapping[str, DatasetMeasure]
    params: MeasureParams
    engine: str = "duckdb"
    #: card display path -> its claims (filled by :func:`synthgov.verify.compare.claims`)
    claims: Mapping[str, tuple[Claim, ...]] = field(default_factory=dict)

    def all_claims(self) -> list[Claim]:
        out = [c for path in sorted(self.claims) for c in self.claims[path]]
        return sorted(out, key=lambda c: (c.card, c.rule, str(c.pointer), c.claim))

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(OUTCOMES, 0)
        for claim in self.all_claims():
            out[claim.outcome] += 1
        return out

    def for_card(self, path: str) -> DatasetMeasure | None:
        return self.datasets.get(path)
