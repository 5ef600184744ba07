"""Waivers (SG403, SG404, SG407): applied after every other rule has run.

A valid, unexpired waiver in a document's ``governance.waivers`` marks the matching findings
of that document ``waived``. An invalid waiver (SG403) or an expired one (SG404) waives
nothing; a valid waiver that matches no finding is unused (SG407).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from synthgov.context import RunContext
from synthgov.dates import days_between, parse_date
from synthgov.model import Document, Finding, Issue, Rule, pointer_to_json
from synthgov.policy import RuleSetting

REQUIRED = ("rule", "reason", "approved_by", "approved_on", "expires")
WAIVER_RULES = ("SG403", "SG404", "SG407")


def waiver_problems(waiver: Any, max_days: int) -> list[str]:
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
    return problems


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != []


def apply_waivers(
    findings: list[Finding],
    documents: Sequence[Document],
    post: Sequence[tuple[Rule, RuleSetting]],
    run: RunContext,
    selection: Any,
) -> list[Finding]:
    settings = {rule.id: (rule, setting) for rule, setting in post}
    by_doc: dict[tuple[str, str | None], list[int]] = {}
    for index, finding in enumerate(findings):
        by_doc.setdefault((finding.path, finding.document), []).append(index)
    max_days = (
        int(settings.get("SG403", (None, None))[1].params.get("max_days", 180))
        if ("SG403" in settings)
        else 180
    )
    extra: list[Finding] = []
    waived: set[int] = set()
    for doc in documents:
        waivers = doc.get(("governance", "waivers"))
        if not isinstance(waivers, list):
            continue
        candidates = by_doc.get((doc.path, doc.id), [])
        for i, waiver in enumerate(waivers):
            pointer = ("governance", "waivers", i)
            problems = waiver_problems(waiver, max_days)
            if problems:
                issue = Issue(
                    pointer,
                    f"waiver #{i + 1} is invalid and waives nothing: " + "; ".join(problems),
                    "a waiver needs rule, reason, approved_by, approved_on and expires, "
                    f"expiring at most {max_days} days after approval",
                    value=dict(waiver) if isinstance(waiver, Mapping) else waiver,
                )
                extra += _emit("SG403", settings, doc, issue, selection)
                continue
            rule_id = str(waiver["rule"])
            scope = waiver.get("scope")
            matches = [
                idx
                for idx in candidates
                if findings[idx].rule == rule_id
                and findings[idx].rule not in WAIVER_RULES
                and (not isinstance(scope, str) or findings[idx].pointer.startswith(scope))
            ]
            if run.today > str(waiver["expires"])[:10]:
                issue = Issue(
                    (*pointer, "expires"),
                    f"waiver for {rule_id} expired on {waiver['expires']}: "
                    + (
                        f"the {len(matches)} finding(s) it waived are active again"
                        if matches
                        else "it no longer waives anything"
                    ),
                    "fix the finding, or renew the waiver with a new approval",
                    value=rule_id,
                )
                extra += _emit("SG404", settings, doc, issue, selection)
                continue
            if not matches:
                issue = Issue(
                    pointer,
                    f"waiver for {rule_id} waives no finding: it can be removed",
                    "delete the waiver, or check that its rule id is right",
                    value=rule_id,
                )
                extra += _emit("SG407", settings, doc, issue, selection)
                continue
            waived.update(matches)
    out = [replace(f, waived=True) if i in waived else f for i, f in enumerate(findings)]
    return out + extra


def _emit(
    rule_id: str,
    settings: Mapping[str, tuple[Rule, RuleSetting]],
    doc: Document,
    issue: Issue,
    selection: Any,
) -> list[Finding]:
    entry = settings.get(rule_id)
    if entry is None or not entry[1].enabled or not selection.allows(rule_id):
        return []
    rule, setting = entry
    pos = doc.position(issue.pointer)
    return [
        Finding(
            rule=rule_id,
            name=rule.name,
            severity=setting.severity,
            path=doc.path,
            line=pos.line,
            column=pos.column,
            pointer=pointer_to_json(issue.pointer),
            document=doc.id,
            message=issue.message,
            hint=issue.hint,
            references=setting.references,
            value=issue.value,
        )
    ]
