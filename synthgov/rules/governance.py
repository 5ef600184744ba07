"""SG401-SG407: owners, approvals and waivers.

The waiver rules (SG403, SG404, SG407) are evaluated by :mod:`synthgov.engine.waivers` after every
other rule, since they depend on the other findings; the classes here carry their id,
severity, parameters and documentation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from synthgov.core.types import DATASET_CARD, PIPELINE, Document, Issue, Rule, RuleDoc, Severity
from synthgov.engine.context import RuleContext

_WAIVER_EXAMPLE = (
    "governance:\n  waivers:\n    - rule: SG302\n      reason: review of batch 2 scheduled\n"
    "      approved_by: jane@acme.example\n      approved_on: 2024-10-01\n"
    "      expires: 2025-03-01\n"
)


class OwnerMissing(Rule):
    id = "SG401"
    name = "owner-missing"
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


class WaiverInvalid(Rule):
    id = "SG403"
    name = "waiver-invalid"
    phase = "post"
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


class WaiverExpired(Rule):
    id = "SG404"
    name = "waiver-expired"
    phase = "post"
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


class WaiverUnused(Rule):
    id = "SG407"
    name = "waiver-unused"
    severity = Severity.INFO
    phase = "post"
    doc = RuleDoc(
        summary="A waiver that waives no finding (it can be removed).",
        description=(
            "A waiver whose rule no longer fires on the document is dead weight in an audit; "
            "remove it so waivers stay a list of live exceptions."
        ),
        bad="# SG302 no longer fires on this card\n" + _WAIVER_EXAMPLE,
        good="governance: {}\n",
    )


RULES = [OwnerMissing, ApprovalMissing, WaiverInvalid, WaiverExpired, WaiverUnused]
