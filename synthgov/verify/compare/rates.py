"""SG503, SG504, SG508: rates of bad rows (exact duplicates, near duplicates, personal data)
against a declared automated check's pass rate and the policy's maximum rate."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from synthgov.core.types import Document
from synthgov.verify.compare.subject import (
    READABLE_HINT,
    Params,
    Subject,
    file_reason,
    is_number,
    rate,
    where,
)
from synthgov.verify.model import PII_DETECTORS, UNVERIFIED, Claim, DatasetMeasure


def _check(doc: Document, name: str) -> tuple[tuple[Any, ...], Any] | None:
    """The pointer and pass rate of the card's automated check ``name``, if it has one."""
    checks = doc.get(("validation", "automated"))
    for i, check in enumerate(checks if isinstance(checks, list) else []):
        if isinstance(check, Mapping) and check.get("check") == name:
            return ("validation", "automated", i, "pass_rate"), check.get("pass_rate")
    return None


def _rate_claims(
    subject: Subject,
    dm: DatasetMeasure,
    bad: int | None,
    whole: int,
    check: str,
    params: Params,
    hint: str,
    detail: str = "",
) -> Iterator[Claim]:
    """``subject`` names the rule and what is counted; its pointer is set here: the declared
    check's pass rate, else the card's files."""
    declared = _check(subject.doc, check)
    at = declared[0] if declared else ("files",) if subject.doc.get(("files",)) else ()
    subject = subject.at(at)
    max_rate = params.get("max_rate")
    if bad is None or not dm.complete:
        reason = file_reason(dm.files) if not dm.complete else "no text to measure"
        yield from _not_measured(subject, dm, declared, max_rate, reason)
        return
    measured = rate(bad, whole)
    counted = f"{bad} of {whole} rows" + (f"; {detail}" if detail else "")
    if declared and is_number(declared[1]):
        tol = float(params.get("tolerance", 0.0))
        yield _pass_rate(subject.at(declared[0]), float(declared[1]), measured, counted, tol, hint)
    if max_rate is not None:
        yield _max_rate(subject, float(max_rate), measured, counted, hint)


def _not_measured(
    subject: Subject,
    dm: DatasetMeasure,
    declared: tuple[tuple[Any, ...], Any] | None,
    max_rate: Any,
    reason: str,
) -> Iterator[Claim]:
    if declared and is_number(declared[1]):
        yield subject.at(declared[0]).unverified(f"pass rate {declared[1]}", reason)
    elif max_rate is not None and dm.files:
        limit = float(max_rate)
        message = f"{subject.what}: the policy maximum {limit:g} cannot be checked: {reason}"
        yield subject.claim(limit, None, None, UNVERIFIED, message, READABLE_HINT)


def _pass_rate(
    subject: Subject, claimed: float, measured: float, counted: str, tol: float, hint: str
) -> Claim:
    ok = (1 - measured) >= claimed - tol - 1e-9
    return subject.judged(
        ok,
        claimed,
        round(1 - measured, 6),
        tol,
        f"{subject.what}: declared pass rate {claimed:g} ({where(subject.pointer)}), measured "
        f"{1 - measured:.4g} ({counted}; tolerance {tol:g})",
        hint,
    )


def _max_rate(subject: Subject, limit: float, measured: float, counted: str, hint: str) -> Claim:
    ok = measured <= limit + 1e-9
    return subject.judged(
        ok,
        limit,
        measured,
        0,
        f"{subject.what}: measured rate {measured:.4g} ({counted}) is "
        f"{'within' if ok else 'above'} the policy maximum {limit:g}",
        hint,
    )


def duplicates(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    subject = Subject("SG503", doc, (), "exact duplicates")
    hint = "deduplicate on normalised text, or correct the declared dedup check"
    return _rate_claims(subject, dm, dm.duplicate_rows, dm.text_rows, "dedup", params, hint)


def near_duplicates(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    subject = Subject("SG504", doc, (), "near duplicates")
    hint = "run a near-duplicate filter (MinHash) before release"
    return _rate_claims(
        subject, dm, dm.near_duplicate_rows, dm.text_rows, "near_dedup", params, hint
    )


def pii(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    detectors = params.get("detectors") or list(PII_DETECTORS)
    total = 0
    found: list[str] = []
    for f in dm.files:
        if f.measure is None or f.measure.error:
            continue
        for det in detectors:
            n = f.measure.pii.get(det, 0)
            if n:
                found.append(
                    f"{det} in {n} row(s), first {f.spec.shown} row "
                    f"{f.measure.pii_first_row.get(det)}"
                )
        total += f.measure.pii_rows
    yield from _rate_claims(
        Subject("SG508", doc, (), "rows with personal data"),
        dm,
        total if dm.files else None,
        dm.text_rows,
        "pii",
        params,
        "remove or mask the personal data, or correct the declared pii check",
        "; ".join(found[:3]),
    )
