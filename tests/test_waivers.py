"""Waivers in memory: every outcome of the waiver rules (SG403 invalid, SG404 expired, SG407
unused, applied), the gate-mode approver list, and the helpers of synthgov.engine.waivers.
No files, no subprocess, no CLI."""

from __future__ import annotations

from typing import Any

from synthgov.core.types import Document, Finding, Severity
from synthgov.engine.context import WaiverBase, waiver_key
from synthgov.engine.evaluate import Selection
from synthgov.engine.waivers import approver_allowed, waiver_problems
from synthgov.rules.governance import WaiverInvalid
from tests.inmemory import TODAY, builtin_rules, by_rule, document, line_of, policy, run, setting

VALID = {
    "rule": "SG401",
    "reason": "owner being hired",
    "approved_by": "jane@acme.example",
    "approved_on": "2026-05-01",
    "expires": "2026-09-01",
}


def card(*waivers: Any, path: str = "cards/a/card.yaml") -> Document:
    """A card without an owner (SG401 fires) and with ``waivers``."""
    return document({"metadata": {"id": "a"}, "governance": {"waivers": list(waivers)}}, path)


def owner_finding(findings: list[Finding]) -> Finding:
    [finding] = by_rule(findings, "SG401")
    return finding


def waiver_rules(findings: list[Finding]) -> list[str]:
    return sorted(f.rule for f in findings if f.rule in ("SG403", "SG404", "SG407"))


def test_a_valid_waiver_waives_its_rules_finding_and_nothing_else() -> None:
    findings = run([card(VALID)])
    assert owner_finding(findings).waived
    assert not any(f.waived for f in findings if f.rule != "SG401")
    assert waiver_rules(findings) == []


def test_a_waiver_waives_only_its_own_documents_findings() -> None:
    other = document({"metadata": {"id": "b"}}, "cards/b/card.yaml")
    findings = run([card(VALID), other])
    waived = {f.path: f.waived for f in by_rule(findings, "SG401")}
    assert waived == {"cards/a/card.yaml": True, "cards/b/card.yaml": False}


def test_a_scoped_waiver_waives_only_findings_under_its_pointer() -> None:
    assert owner_finding(run([card({**VALID, "scope": "/metadata"})])).waived
    findings = run([card({**VALID, "scope": "/governance"})])
    assert not owner_finding(findings).waived
    assert waiver_rules(findings) == ["SG407"]


def test_an_invalid_waiver_is_sg403_at_the_waiver_and_waives_nothing() -> None:
    doc = card({"rule": "SG401", "reason": "later"})
    findings = run([doc])
    assert not owner_finding(findings).waived
    [invalid] = by_rule(findings, "SG403")
    assert invalid.line == line_of(doc, "governance", "waivers", 0)
    assert invalid.pointer == "/governance/waivers/0"
    assert invalid.message == (
        "waiver #1 is invalid and waives nothing: no approved_by; no approved_on; no expires"
    )
    assert invalid.severity == Severity.ERROR
    assert waiver_rules(findings) == ["SG403"]  # invalid first: not also expired or unused


def test_a_waiver_that_is_not_a_mapping_is_invalid() -> None:
    [invalid] = by_rule(run([card("SG401")]), "SG403")
    assert "a waiver must be a mapping" in invalid.message


def test_a_waiver_longer_than_max_days_is_invalid_unless_the_policy_allows_it() -> None:
    long = {**VALID, "expires": "2027-05-01"}  # 365 days
    [invalid] = by_rule(run([card(long)]), "SG403")
    assert "expires 365 days after approval, more than the 180 allowed" in invalid.message
    rules = builtin_rules()
    longer = policy(rules, {"SG403": setting(WaiverInvalid, max_days=400)})
    findings = run([card(long)], rules, the_policy=longer)
    assert owner_finding(findings).waived and waiver_rules(findings) == []


def test_an_approval_date_after_today_is_invalid() -> None:
    future = {**VALID, "approved_on": "2026-07-01"}
    [invalid] = by_rule(run([card(future)]), "SG403")
    assert f"approved_on 2026-07-01 is after today ({TODAY})" in invalid.message


def test_an_expired_waiver_is_sg404_at_its_expiry_and_the_finding_is_active_again() -> None:
    doc = card({**VALID, "approved_on": "2026-01-01", "expires": "2026-05-01"})
    findings = run([doc])
    assert not owner_finding(findings).waived
    [expired] = by_rule(findings, "SG404")
    assert expired.line == line_of(doc, "governance", "waivers", 0, "expires")
    assert expired.message == (
        "waiver for SG401 expired on 2026-05-01: the 1 finding(s) it waived are active again"
    )
    assert waiver_rules(findings) == ["SG404"]  # not also unused


def test_an_expired_waiver_that_matched_nothing_says_so() -> None:
    gone = {**VALID, "rule": "SG302", "approved_on": "2026-01-01", "expires": "2026-05-01"}
    [expired] = by_rule(run([card(gone)]), "SG404")
    assert expired.message.endswith("it no longer waives anything")


def test_a_waiver_expiring_today_still_applies() -> None:
    assert owner_finding(run([card({**VALID, "expires": TODAY})])).waived


def test_an_unused_waiver_is_sg407_info() -> None:
    doc = card({**VALID, "rule": "SG302"})
    [unused] = by_rule(run([doc]), "SG407")
    assert unused.severity == Severity.INFO
    assert unused.line == line_of(doc, "governance", "waivers", 0)
    assert unused.message == "waiver for SG302 waives no finding: it can be removed"


def test_a_waiver_cannot_waive_a_waiver_finding() -> None:
    findings = run([card({**VALID, "rule": "SG407"})])
    [unused] = by_rule(findings, "SG407")
    assert not unused.waived and "waiver for SG407" in unused.message


def test_turning_a_waiver_rule_off_or_selecting_another_keeps_the_verdicts() -> None:
    rules = builtin_rules()
    invalid = {"rule": "SG401", "reason": "later"}
    off = policy(rules, {"SG403": setting(WaiverInvalid, enabled=False)})
    findings = run([card(invalid)], rules, the_policy=off)
    assert waiver_rules(findings) == [] and not owner_finding(findings).waived
    selected = run([card(VALID)], selection=Selection(select=("SG401",)))
    assert [f.rule for f in selected] == ["SG401"] and selected[0].waived


def test_waivers_of_documents_not_reported_on_are_not_judged() -> None:
    a, b = card(VALID), card({"rule": "SG401"}, path="cards/b/card.yaml")
    findings = run([a, b], report_on={"cards/a/card.yaml"})
    assert {f.path for f in findings} == {"cards/a/card.yaml"}
    assert owner_finding(findings).waived and waiver_rules(findings) == []


# ------------------------------------------------------------------- gate mode: approvers


def base_with(doc: Document, *waivers: Any) -> WaiverBase:
    """The waivers ``doc`` held at the base ref."""
    return WaiverBase("origin/main", {(doc.path, doc.id): frozenset(map(waiver_key, waivers))})


APPROVERS = {"waivers": {"approvers": ["*@security.acme.example", "Lead@acme.example"]}}


def test_a_new_waiver_without_a_policy_approver_is_sg403_at_approved_by() -> None:
    doc = card(VALID)
    rules = builtin_rules()
    findings = run(
        [doc], rules, the_policy=policy(rules, settings=APPROVERS), waiver_base=base_with(doc)
    )
    assert not owner_finding(findings).waived
    [unapproved] = by_rule(findings, "SG403")
    assert unapproved.line == line_of(doc, "governance", "waivers", 0, "approved_by")
    assert unapproved.message == (
        "waiver #1 for SG401 is new or changed in this change (not at origin/main) and "
        "approved_by 'jane@acme.example' is not one of the policy's approvers: it waives nothing"
    )


def test_a_new_waiver_by_a_policy_approver_applies() -> None:
    rules = builtin_rules()
    with_approvers = policy(rules, settings=APPROVERS)
    for who in ("ciso@security.acme.example", "lead@ACME.example "):
        doc = card({**VALID, "approved_by": who})
        findings = run([doc], rules, the_policy=with_approvers, waiver_base=base_with(doc))
        assert owner_finding(findings).waived, who
        assert waiver_rules(findings) == [], who


def test_a_waiver_already_at_the_base_applies_and_an_edited_one_does_not() -> None:
    doc = card(VALID)
    assert owner_finding(run([doc], waiver_base=base_with(doc, VALID))).waived
    stretched = card({**VALID, "expires": "2026-10-01"})
    findings = run([stretched], waiver_base=base_with(stretched, VALID))
    assert not owner_finding(findings).waived
    assert waiver_rules(findings) == ["SG403"]


def test_outside_gate_mode_no_approver_is_needed() -> None:
    assert owner_finding(run([card(VALID)])).waived


# ------------------------------------------------------------------------------ helpers


def test_waiver_problems_lists_every_defect() -> None:
    assert waiver_problems(VALID, 180, TODAY) == []
    assert waiver_problems([], 180) == ["a waiver must be a mapping"]
    backwards = {**VALID, "approved_on": "2026-05-02", "expires": "2026-05-01"}
    assert waiver_problems(backwards, 180) == ["expires before it was approved"]
    assert waiver_problems({**VALID, "expires": "soon"}, 180) == ["expires 'soon' is not a date"]
    assert waiver_problems({**VALID, "reason": ""}, 180) == ["no reason"]


def test_approver_allowed_matches_emails_and_globs_without_case() -> None:
    approvers = ["*@security.acme.example", "lead@acme.example"]
    assert approver_allowed("LEAD@acme.example", approvers)
    assert approver_allowed("x@security.acme.example", approvers)
    assert not approver_allowed("x@acme.example", approvers)
    assert not approver_allowed("lead@acme.example", "lead@acme.example")  # not a list
    assert not approver_allowed(None, approvers)
