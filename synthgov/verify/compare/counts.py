"""SG501: declared row counts (per file entry and in total) against the rows measured."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from synthgov.core.types import Document, Pointer
from synthgov.verify.compare.subject import Params, Subject, file_reason, is_number, where
from synthgov.verify.model import Claim, DatasetMeasure, FileResult

ROWS_HINT = "correct the declared count, or find the rows that were lost or added"


def rows(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    tol = float(params.get("tolerance", 0.0))
    by_entry: dict[tuple[Any, ...], list[FileResult]] = defaultdict(list)
    for f in dm.files:
        by_entry[f.pointer].append(f)
    for pointer, group in sorted(by_entry.items(), key=lambda kv: str(kv[0])):
        declared = next((f.declared_rows for f in group if f.declared_rows is not None), None)
        if declared is None or not pointer:
            continue
        at: Pointer = ("files", pointer[1], "rows")
        what = f"rows of {group[0].spec.shown if len(group) == 1 else pointer_label(group)}"
        subject = Subject("SG501", doc, at, what)
        if not all(f.measure is not None and not f.measure.error for f in group):
            yield subject.unverified(declared, file_reason(tuple(group)))
            continue
        measured = sum(f.measure.rows for f in group if f.measure)
        yield _compare_count(subject, declared, measured, tol)
    total = doc.get(("composition", "total_rows"))
    if is_number(total) and dm.files:
        subject = Subject("SG501", doc, ("composition", "total_rows"), "total rows")
        if not dm.complete:
            yield subject.unverified(total, file_reason(dm.files))
        else:
            yield _compare_count(subject, total, dm.rows, tol)


def pointer_label(group: list[FileResult]) -> str:
    return f"{len(group)} shards ({group[0].spec.shown} ...)"


def _compare_count(subject: Subject, declared: Any, measured: int, tol: float) -> Claim:
    allowed = abs(declared) * tol
    ok = abs(measured - declared) <= allowed + 1e-9
    tol_text = f"tolerance {tol:g}" if tol else "exact"
    msg = (
        f"{subject.what}: declared {declared} ({where(subject.pointer)}), measured {measured} "
        f"(difference {measured - declared:+d}; {tol_text})"
    )
    return subject.judged(ok, declared, measured, tol, msg, ROWS_HINT)
