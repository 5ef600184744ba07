"""Waivers (SG403, SG404, SG407): applied after every other rule has run.

A valid, unexpired waiver in a document's ``governance.waivers`` marks the matching findings
of that document ``waived``. An invalid waiver (SG403) or an expired one (SG404) waives
nothing; a valid waiver that matches no finding is unused (SG407).

An approval date after today is invalid (SG403): a date in the future would stretch the
``max_days`` limit. In gate mode (diff mode or ``--policy-from-ref``) a waiver that is new or
changed in the change under review (``run.waiver_base``) waives nothing and is reported as
SG403, unless its ``approved_by`` matches the policy's ``settings.waivers.approvers`` (emails
or shell-style globs): a pull request cannot approve its own exception.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from synthgov.core.dates import days_between, parse_date
from synthgov.core.types import Document, Finding, Issue, Rule, pointer_to_json
from synthgov.engine.context import RunContext
from synthgov.policy.types import RuleSetting

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
        int(settings["SG403"][1].params.get("max_days", 180)) if ("SG403" in settings) else 180
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
            problems = waiver_problems(waiver, max_days, run.today)
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
            base = run.waiver_base
            if base is not None and base.is_new(doc.path, doc.id, waiver):
                approvers = run.setting("waivers", "approvers")
                if not approver_allowed(waiver.get("approved_by"), approvers):
                    who = waiver.get("approved_by")
                    issue = Issue(
                        (*pointer, "approved_by"),
                        f"waiver #{i + 1} for {rule_id} is new or changed in this change "
                        f"(not at {base.ref}) and approved_by {who!r} is not one of the "
                        "policy's approvers: it waives nothing",
                        "have the waiver approved by someone listed in the policy's "
                        "settings.waivers.approvers, or merge it separately with review",
                        value=rule_id,
                    )
                    extra += _emit("SG403", settings, doc, issue, selection)
                    continue
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
