"""The policy engine: rules x documents -> findings. Pure: no I/O, no printing.

Everything it needs arrives as arguments: documents and file problems from the loaders, the
rules from the plugin manager, the resolved policy, and a run context (whose file access is
injected by the caller).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from synthgov.core.types import (
    DATASET_CARD,
    Document,
    FileProblem,
    Finding,
    Issue,
    Position,
    Rule,
    pointer_to_json,
)
from synthgov.engine.context import RuleContext, RunContext
from synthgov.lineage.graph import is_evaluation
from synthgov.lineage.synthetic import synthetic_status
from synthgov.policy.types import ResolvedPolicy, RuleSetting
from synthgov.repo.formats import adapt_hint


@dataclass(frozen=True, eq=False)  # compared by identity; no __eq__ or __hash__ to build
class Selection:
    """``--select`` / ``--ignore``: rule ids or prefixes."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def allows(self, rule_id: str) -> bool:
        if self.select and not any(rule_id.startswith(p) for p in self.select):
            return False
        return not any(rule_id.startswith(p) for p in self.ignore)


def evaluate(
    *,
    documents: Sequence[Document],
    problems: Sequence[tuple[str, FileProblem]],
    rules: Mapping[str, Rule],
    policy: ResolvedPolicy,
    run: RunContext,
    selection: Selection = Selection(),
    report_on: Collection[str] | None = None,
) -> list[Finding]:
    """Every finding of the run, waivers applied, sorted by path, line, column, rule.

    ``report_on`` (display paths) limits the rules to those files' documents and problems;
    every document stays in the run context, so cross-document rules see the whole
    repository. A rule's findings are about the document it checks, so this gives exactly
    the findings of those files that a full evaluation would give, without checking the
    rest of a large repository on every pre-commit call.
    """
    findings: list[Finding] = []
    if report_on is not None:
        problems = [(path, problem) for path, problem in problems if path in report_on]
        documents = [doc for doc in documents if doc.path in report_on]
    for path, problem in problems:
        setting = policy.rules.get(problem.rule)
        rule = rules.get(problem.rule)
        if rule is None or setting is None or not setting.enabled:
            continue
        if not selection.allows(problem.rule):
            continue
        findings.append(
            Finding(
                rule=problem.rule,
                name=rule.name,
                severity=setting.severity,
                path=path,
                line=max(1, problem.line),
                column=max(1, problem.column),
                pointer=pointer_to_json(problem.pointer),
                document=None,
                message=problem.message,
                hint=problem.hint or rule.doc.hint,
                references=setting.references,
            )
        )

    active = [
        (rule, setting)
        for rule_id, rule in sorted(rules.items())
        if (setting := policy.rules.get(rule_id)) is not None
        and setting.enabled
        and selection.allows(rule_id)
        and not rule.engine_managed
        and rule.phase == "document"
        and (run.diff is not None or not rule.diff_only)
    ]
    for doc in documents:
        status = synthetic_status(doc) if doc.kind == DATASET_CARD else None
        synthetic = status is not None and status.declared
        # an adapted card's missing-field findings point at what made it synthetic, not at
        # the top of its front matter
        anchor = (
            next((e.position for e in status.evidence if e.status == "declared"), None)
            if synthetic and status is not None and not doc.native
            else None
        )
        evaluation = is_evaluation(doc) if doc.kind == DATASET_CARD else False
        for rule, setting in active:
            if doc.kind not in rule.kinds and "*" not in rule.kinds:
                continue
            if rule.synthetic_only and not synthetic:
                continue
            if rule.evaluation_only and not evaluation:
                continue
            ctx = RuleContext(run, setting.params)
            fallback = anchor if rule.synthetic_only else None
            for issue in _safe_check(rule, doc, ctx):
                findings.append(_finding(rule.id, rule.name, setting, doc, issue, fallback))

    cache: dict[str, Any] = {}
    if policy.custom:
        from synthgov.policy import custom

        for spec in policy.custom:
            setting = policy.rules.get(spec.id)
            if setting is None or not setting.enabled or not selection.allows(spec.id):
                continue
            for doc in documents:
                for issue in custom.evaluate(spec, doc, cache):
                    findings.append(_finding(spec.id, spec.title, setting, doc, issue))

    post = [
        (rule, policy.rules[rule_id])
        for rule_id, rule in sorted(rules.items())
        if rule.phase == "post" and rule_id in policy.rules
    ]
    if post:
        from synthgov.engine.waivers import apply_waivers

        findings = apply_waivers(findings, documents, post, run, selection)
    findings.sort(key=lambda f: f.sort_key)
    return _dedupe(findings)


def _safe_check(rule: Rule, doc: Document, ctx: RuleContext) -> Iterable[Issue]:
    """A rule that crashes on odd input must not crash the run: it becomes an issue."""
    try:
        return list(rule.check(doc, ctx))
    except Exception as exc:  # noqa: BLE001 - a plugin bug is reported, never a traceback
        return [
            Issue(
                (),
                f"rule {rule.id} failed on this document: {type(exc).__name__}: {exc}",
                "this is a bug in the rule; please report it with the document",
            )
        ]


def _finding(
    rule_id: str,
    name: str,
    setting: RuleSetting,
    doc: Document,
    issue: Issue,
    fallback: Position | None = None,
) -> Finding:
    pos = doc.position(issue.pointer)
    if fallback is not None and pos == doc.position(()) and _missing(doc, issue.pointer):
        pos = fallback
    return Finding(
        rule=rule_id,
        name=name,
        severity=setting.severity,
        path=doc.path,
        line=pos.line,
        column=pos.column,
        pointer=pointer_to_json(issue.pointer),
        document=doc.id,
        message=issue.message,
        hint=adapt_hint(doc, issue.hint),
        references=setting.references,
        value=issue.value,
        related=issue.related,
    )


def _missing(doc: Document, pointer: tuple[str | int, ...]) -> bool:
    """Whether no position of ``pointer`` or of an ancestor below the root exists."""
    return not any(pointer[:n] in doc.positions for n in range(1, len(pointer) + 1))


def _dedupe(findings: list[Finding]) -> list[Finding]:
    out: list[Finding] = []
    last: Finding | None = None
    for f in findings:
        if last is not None and f == last:
            continue
        out.append(f)
        last = f
    return out


def mark_waived(finding: Finding) -> Finding:
    return replace(finding, waived=True)
