"""Waivers: pure helpers of the waiver rules (SG403, SG404, SG407 in
:mod:`synthgov.rules.governance`, which decide what is invalid, expired or unused).

Here: the waivers of a set of documents (:class:`WaiverEntry`), the findings a waiver would
match, what is wrong with a waiver as an audit record (:func:`waiver_problems`, also read by
the HTML report), and whether an approver is one of the policy's (:func:`approver_allowed`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from synthgov.core.dates import days_between, parse_date
from synthgov.core.types import Document, Finding, Pointer

REQUIRED = ("rule", "reason", "approved_by", "approved_on", "expires")
WAIVER_RULES = ("SG403", "SG404", "SG407")


def waiver_problems(waiver: Any, max_days: int, today: str | None = None) -> list[str]:
    """Why a waiver is invalid (empty when it is valid)."""
    if not isinstance(waiver, Mapping):
        return ["a waiver must be a mapping"]
    problems = [f"no {key}" for key in REQUIRED if not _present(waiver.get(key))]
    for key in ("approved_on", "expires"):
        if _present(waiver.get(key)) and parse_date(waiver.get(key)) is None:
            problems.append(f"{key} {waiver.get(key)!r} is not a date")
    span = days_between(str(waiver.get("approved_on")), str(waiver.get("expires")))
    if span is not None and span > max_days:
        problems.append(f"expires {span} days after approval, more than the {max_days} allowed")
    if span is not None and span < 0:
        problems.append("expires before it was approved")
    approved = parse_date(waiver.get("approved_on"))
    if today is not None and approved is not None and approved.isoformat() > today:
        problems.append(f"approved_on {approved.isoformat()} is after today ({today})")
    return problems


def approver_allowed(approved_by: Any, approvers: Any) -> bool:
    """Whether ``approved_by`` matches one of ``approvers`` (emails or globs, no case)."""
    import fnmatch

    if not isinstance(approvers, list) or not isinstance(approved_by, str):
        return False
    who = approved_by.strip().lower()
    return any(
        isinstance(pattern, str) and fnmatch.fnmatchcase(who, pattern.strip().lower())
        for pattern in approvers
    )


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != []


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class WaiverEntry:
    """One entry of a document's ``governance.waivers`` (as written: maybe not a mapping)."""

    doc: Document
    index: int
    raw: Any

    @property
    def pointer(self) -> Pointer:
        return ("governance", "waivers", self.index)

    @property
    def number(self) -> int:
        """1-based, as messages count waivers."""
        return self.index + 1

    @property
    def rule(self) -> str:
        """The waived rule id (meaningful once the waiver is known to be valid)."""
        return str(self.raw.get("rule")) if isinstance(self.raw, Mapping) else ""


def waiver_entries(documents: Sequence[Document]) -> Iterator[WaiverEntry]:
    """Every waiver of ``documents``, in document order."""
    for doc in documents:
        waivers = doc.get(("governance", "waivers"))
        if isinstance(waivers, list):
            for i, raw in enumerate(waivers):
                yield WaiverEntry(doc, i, raw)


def findings_by_document(findings: Sequence[Finding]) -> dict[tuple[str, str | None], list[int]]:
    """(path, document id) -> indices of that document's findings."""
    by_doc: dict[tuple[str, str | None], list[int]] = {}
    for index, finding in enumerate(findings):
        by_doc.setdefault((finding.path, finding.document), []).append(index)
    return by_doc


def matching(
    entry: WaiverEntry, findings: Sequence[Finding], candidates: Sequence[int]
) -> tuple[int, ...]:
    """The indices among ``candidates`` of the findings ``entry`` would waive: its rule's
    findings (never a waiver rule's), under its ``scope`` pointer when it has one."""
    rule_id = entry.rule
    scope = entry.raw.get("scope") if isinstance(entry.raw, Mapping) else None
    return tuple(
        idx
        for idx in candidates
        if findings[idx].rule == rule_id
        and rule_id not in WAIVER_RULES
        and (not isinstance(scope, str) or findings[idx].pointer.startswith(scope))
    )
