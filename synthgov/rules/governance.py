"""SG401-SG407: owners, approvals and waivers.

The waiver rules (SG403, SG404, SG407) are post rules (:mod:`synthgov.engine.post`): they
judge the findings of every other rule. Each waiver of the documents reported on gets one
verdict, asked of the rules in order: invalid (SG403), expired (SG404), unused (SG407); the
first rule that rejects a waiver reports it, and a waiver no rule rejects waives the
findings it matches. An invalid or expired waiver waives nothing, even when its rule is off.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from synthgov.core.types import (
    DATASET_CARD,
    PIPELINE,
    Document,
    Finding,
    Issue,
    Rule,
    RuleDoc,
    Severity,
)
from synthgov.engine.context import RuleContext
from synthgov.engine.post import Placed, PostContext, PostResult
from synthgov.engine.waivers import (
    WaiverEntry,
    approver_allowed,
    findings_by_document,
    matching,
    waiver_entries,
    waiver_problems,
)

_WAIVER_EXAMPLE = (
    "governance:\n  waivers:\n    - rule: SG302\n      reason: review of batch 2 scheduled\n"
    "      approved_by: jane@acme.example\n      approved_on: 2024-10-01\n"
    "      expires: 2025-03-01\n"
)


class OwnerMissing(Rule):
    id = "SG401"
    name = "owner-missing"
    # who answers for the data: the governance practices of Art. 10(2)
    references = ("EU AI Act Art. 10(2)",)
    doc = RuleDoc(
        summary="No `metadata.owner`.",
        description=(
            "Every dataset card and pipeline needs an owner: the team or person to ask about "
            "it, and who answers for its findings. Use a mailing list or team address."
        ),
        bad="metadata:\n  id: support-intents\n",
        good="metadata:\n  id: support-intents\n  owner: nlp-data@acme.example\n",
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        meta = doc.data.get("metadata")
        owner = meta.get("owner") if isinstance(meta, Mapping) else None
        if isinstance(owner, str) and owner.strip():
            return
        yield Issue(
            ("metadata",) if isinstance(meta, Mapping) else (),
            f"{'pipeline' if doc.kind == PIPELINE else 'dataset card'} {doc.label} has no owner",
            "add metadata.owner: <team or person address>",
        )


class ApprovalMissing(Rule):
    id = "SG402"
    name = "approval-missing"
    # who answers for the data: the governance practices of Art. 10(2)
    references = ("EU AI Act Art. 10(2)",)
    severity = Severity.WARNING
    kinds = frozenset({DATASET_CARD})
    parameters = {
        "type": "object",
        "properties": {
            "roles": {
                "type": "array",
                "items": {"type": "string"},
                "default": ["data-steward"],
                "description": "Roles that must each have approved the card.",
            }
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary="Fewer approvals than the required roles.",
        description=(
            "A card is approved when `governance.approvals` has an entry for every role in "
            "`roles` (default: data-steward), each with `by`, `role` and `date`."
        ),
        bad="governance:\n  approvals: []\n",
        good=(
            "governance:\n  approvals:\n"
            "    - {by: jane@acme.example, role: data-steward, date: 2024-09-12}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        required = [r for r in ctx.params.get("roles", ["data-steward"]) if isinstance(r, str)]
        approvals = doc.get(("governance", "approvals"))
        have = {
            a.get("role")
            for a in (approvals if isinstance(approvals, list) else [])
            if isinstance(a, Mapping) and a.get("by")
        }
        missing = [r for r in required if r not in have]
        if not missing:
            return
        if isinstance(approvals, list):
            pointer: tuple[str, ...] = ("governance", "approvals")
        elif isinstance(doc.data.get("governance"), Mapping):
            pointer = ("governance",)
        else:
            pointer = ()
        yield Issue(
            pointer,
            f"no approval by the role(s) {', '.join(missing)}",
            f"add governance.approvals: [{{by: <who>, role: {missing[0]}, date: YYYY-MM-DD}}]",
            value=missing,
        )


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class Verdict:
    """What the waiver rules decided about one waiver: the rule that rejects it and why
    (``issue``), or none, and the findings it matches (waived when no rule rejects it)."""

    entry: WaiverEntry
    matches: tuple[int, ...]
    rule: str | None = None
    issue: Issue | None = None


class WaiverRule(Rule):
    """A waiver rule: :meth:`judge` decides whether it rejects a waiver; the verdicts of all
    waiver rules (:func:`verdicts`) say which waivers apply."""

    phase = "post"

    @classmethod
    def judge(cls, entry: WaiverEntry, matches: Sequence[int], ctx: PostContext) -> Issue | None:
        raise NotImplementedError

    def evaluate_findings(self, findings: Sequence[Finding], ctx: PostContext) -> PostResult:
        judged = verdicts(findings, ctx)
        return PostResult(
            issues=tuple(
                Placed.in_document(v.entry.doc, v.issue)
                for v in judged
                if v.rule == self.id and v.issue is not None
            ),
            waived=frozenset(i for v in judged if v.rule is None for i in v.matches),
        )


class WaiverInvalid(WaiverRule):
    id = "SG403"
    name = "waiver-invalid"
    # a waiver documents a known shortcoming and how (and by when) it is addressed
    references = ("EU AI Act Art. 10(2)(h)",)
    parameters = {
        "type": "object",
        "properties": {
            "max_days": {
                "type": "integer",
                "minimum": 1,
                "default": 180,
                "description": "Longest time a waiver may run, from approval to expiry.",
            }
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary=(
            "A waiver without rule, reason, approver, approval date or expiry, too long, "
            "approved in the future, or added by the change under review without an approver."
        ),
        description=(
            "Waivers are audit records: each needs the rule it waives, a reason, who approved "
            "it, when (not after today), and when it expires, at most `max_days` after "
            "approval. In gate mode (`--diff-base` or `--policy-from-ref`) a waiver that is "
            "new or changed since the base also needs an `approved_by` that matches the "
            "policy's `settings.waivers.approvers` (emails or globs): a pull request cannot "
            "approve its own exception. An invalid waiver waives nothing."
        ),
        bad="governance:\n  waivers:\n    - {rule: SG302, reason: later}\n",
        good=_WAIVER_EXAMPLE,
    )

    @classmethod
    def judge(cls, entry: WaiverEntry, matches: Sequence[int], ctx: PostContext) -> Issue | None:
        """Invalid: a broken audit record, or new in the change under review (gate mode)
        without one of the policy's approvers."""
        max_days = int(ctx.params_of(cls.id).get("max_days", 180))
        problems = waiver_problems(entry.raw, max_days, ctx.today)
        if problems:
            raw = entry.raw
            return Issue(
                entry.pointer,
                f"waiver #{entry.number} is invalid and waives nothing: " + "; ".join(problems),
                "a waiver needs rule, reason, approved_by, approved_on and expires, "
                f"expiring at most {max_days} days after approval",
                value=dict(raw) if isinstance(raw, Mapping) else raw,
            )
        return cls._unapproved(entry, ctx)

    @staticmethod
    def _unapproved(entry: WaiverEntry, ctx: PostContext) -> Issue | None:
        base = ctx.waiver_base
        if base is None or not base.is_new(entry.doc.path, entry.doc.id, entry.raw):
            return None
        who = entry.raw.get("approved_by")
        if approver_allowed(who, ctx.setting("waivers", "approvers")):
            return None
        return Issue(
            (*entry.pointer, "approved_by"),
            f"waiver #{entry.number} for {entry.rule} is new or changed in this change "
            f"(not at {base.ref}) and approved_by {who!r} is not one of the "
            "policy's approvers: it waives nothing",
            "have the waiver approved by someone listed in the policy's "
            "settings.waivers.approvers, or merge it separately with review",
            value=entry.rule,
        )


class WaiverExpired(WaiverRule):
    id = "SG404"
    name = "waiver-expired"
    # a waiver documents a known shortcoming and how (and by when) it is addressed
    references = ("EU AI Act Art. 10(2)(h)",)
    doc = RuleDoc(
        summary="A waiver past its expiry: the finding it waived is active again.",
        description=(
            "After its `expires` date a waiver stops waiving, the finding it covered fails the "
            "run again, and this finding says so. Fix the cause or renew the waiver with a new "
            "approval. `SYNTHGOV_TODAY` fixes today's date for reproducible audits."
        ),
        bad=_WAIVER_EXAMPLE.replace("2025-03-01", "2024-11-01"),
        good=_WAIVER_EXAMPLE.replace("2024-10-01", "2026-10-01").replace(
            "2025-03-01", "2027-03-01"
        ),
    )

    @classmethod
    def judge(cls, entry: WaiverEntry, matches: Sequence[int], ctx: PostContext) -> Issue | None:
        """Expired: today is after ``expires`` (the findings it matched are active again)."""
        expires = entry.raw["expires"]
        if ctx.today <= str(expires)[:10]:
            return None
        return Issue(
            (*entry.pointer, "expires"),
            f"waiver for {entry.rule} expired on {expires}: "
            + (
                f"the {len(matches)} finding(s) it waived are active again"
                if matches
                else "it no longer waives anything"
            ),
            "fix the finding, or renew the waiver with a new approval",
            value=entry.rule,
        )


class WaiverUnused(WaiverRule):
    id = "SG407"
    name = "waiver-unused"
    # a waiver documents a known shortcoming and how (and by when) it is addressed
    references = ("EU AI Act Art. 10(2)(h)",)
    severity = Severity.INFO
    doc = RuleDoc(
        summary="A waiver that waives no finding (it can be removed).",
        description=(
            "A waiver whose rule no longer fires on the document is dead weight in an audit; "
            "remove it so waivers stay a list of live exceptions."
        ),
        bad="# SG302 no longer fires on this card\n" + _WAIVER_EXAMPLE,
        good="governance: {}\n",
    )

    @classmethod
    def judge(cls, entry: WaiverEntry, matches: Sequence[int], ctx: PostContext) -> Issue | None:
        """Unused: the waiver matches no finding of its document."""
        if matches:
            return None
        return Issue(
            entry.pointer,
            f"waiver for {entry.rule} waives no finding: it can be removed",
            "delete the waiver, or check that its rule id is right",
            value=entry.rule,
        )


#: the waiver rules in the order they judge a waiver: the first that rejects it reports it
WAIVER_ORDER: tuple[type[WaiverRule], ...] = (WaiverInvalid, WaiverExpired, WaiverUnused)


def verdicts(findings: Sequence[Finding], ctx: PostContext) -> list[Verdict]:
    """The verdict on every waiver of the documents reported on."""
    by_doc = findings_by_document(findings)
    out = []
    for entry in waiver_entries(ctx.scope):
        candidates = by_doc.get((entry.doc.path, entry.doc.id), [])
        matches = matching(entry, findings, candidates)
        out.append(_verdict(entry, matches, ctx))
    return out


def _verdict(entry: WaiverEntry, matches: tuple[int, ...], ctx: PostContext) -> Verdict:
    for rule in WAIVER_ORDER:
        issue = rule.judge(entry, matches, ctx)
        if issue is not None:
            return Verdict(entry, (), rule.id, issue)
    return Verdict(entry, matches)


RULES = [OwnerMissing, ApprovalMissing, WaiverInvalid, WaiverExpired, WaiverUnused]
