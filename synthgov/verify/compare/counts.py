"""SG501: declared row counts (per file entry, in total, and per split: a Hugging Face card's
``dataset_info.splits[].num_examples`` against the rows of that split's files, the
``data/<split>-*`` layout beside the card or ``files`` entries with that ``split``) against
the rows measured."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from synthgov.core.types import Document, Pointer
from synthgov.verify.compare.subject import (
    READABLE_HINT,
    Params,
    Subject,
    file_reason,
    is_number,
    where,
)
from synthgov.verify.model import UNVERIFIED, Claim, DatasetMeasure, FileResult
from synthgov.verify.splits import BASE, DeclaredSplit, declared_splits

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
        yield compare_count(subject, declared, measured, tol)
    total = doc.get(("composition", "total_rows"))
    if is_number(total) and dm.files:
        subject = Subject("SG501", doc, ("composition", "total_rows"), "total rows")
        if not dm.complete:
            yield subject.unverified(total, file_reason(dm.files))
        else:
            yield compare_count(subject, total, dm.rows, tol)
    yield from split_rows(doc, dm, tol)


def pointer_label(group: list[FileResult]) -> str:
    return f"{len(group)} shards ({group[0].spec.shown} ...)"


def compare_count(
    subject: Subject, declared: Any, measured: int, tol: float, at: str = ""
) -> Claim:
    """``at``: where the count is declared, for the message (default: the pointer)."""
    allowed = abs(declared) * tol
    ok = abs(measured - declared) <= allowed + 1e-9
    tol_text = f"tolerance {tol:g}" if tol else "exact"
    at = at or where(subject.pointer)
    msg = (
        f"{subject.what}: declared {declared} ({at}), measured {measured} "
        f"(difference {measured - declared:+d}; {tol_text})"
    )
    return subject.judged(ok, declared, measured, tol, msg, ROWS_HINT)


# ---------------------------------------------------------------------------- splits

PREFIX = len(BASE) - 1  # messages name the README's own keys: dataset_info.splits[0]...


def declared_at(doc: Document, pointer: Pointer) -> str:
    """``dataset_info.splits[0].num_examples at README.md:14``."""
    pos = doc.position(pointer)
    return f"{where(pointer[PREFIX:])} at {doc.path}:{pos.line}"


def split_rows(doc: Document, dm: DatasetMeasure, tol: float) -> Iterator[Claim]:
    """One claim per declared split (verified, mismatch or unverified)."""
    for split in declared_splits(doc):
        subject = Subject("SG501", doc, split.pointer, f"rows of split {split.name}")
        at = declared_at(doc, split.pointer)
        if split.rows is None:
            yield _unverified(subject, "absent", at, "num_examples is not a row count")
            continue
        reason = _not_measurable(split, dm)
        if reason:
            yield _unverified(subject, split.rows, at, reason)
            continue
        measured = sum(f.measure.rows for f in dm.files if f.split == split.name and f.measure)
        yield compare_count(subject, split.rows, measured, tol, at)


def _not_measurable(split: DeclaredSplit, dm: DatasetMeasure) -> str:
    """Why the split's rows cannot be counted ('' when they can)."""
    if split.configs > 1:
        return (
            f"the card declares {split.configs} configs and their files are not told apart "
            "(only a card with one config is measured per split)"
        )
    files = tuple(f for f in dm.files if f.split == split.name)
    if not files:
        return (
            f"no data file of split {split.name} (data/{split.name}-* beside the card, or a "
            f"files entry with split: {split.name})"
        )
    if not all(f.measure is not None and not f.measure.error for f in files):
        return file_reason(files)
    return ""


def _unverified(subject: Subject, declared: object, at: str, reason: str) -> Claim:
    message = f"{subject.what}: declared {declared} ({at}) cannot be verified: {reason}"
    return subject.claim(declared, None, None, UNVERIFIED, message, READABLE_HINT)
