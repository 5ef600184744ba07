"""The policy engine: rules x documents -> findings. Pure: no I/O, no printing.

Everything it needs arrives as arguments: documents and file problems from the loaders, the
rules from the plugin manager, the resolved policy, and a run context (whose file access is
injected by the caller).

The steps of :func:`evaluate`: the loaders' file problems (SG001, SG003) become findings;
the per-document rules run on the documents they apply to; the policy's custom rules run;
the post rules (:mod:`synthgov.engine.post`: waivers, SG405) judge those findings. Every
finding is built by :func:`make_finding`, which gives it the policy's severity and
references; a rule that is off or not selected gives none.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from synthgov.core.errors import PluginError
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
from synthgov.engine.post import Placed, PostContext, PostResult
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
    if report_on is not None:
        problems = [(path, problem) for path, problem in problems if path in report_on]
        documents = [doc for doc in documents if doc.path in report_on]
    findings = [
        *_problem_findings(problems, rules, policy, selection),
        *_document_findings(documents, _document_rules(rules, policy, selection, run), run),
        *_custom_findings(documents, policy, selection),
    ]
    findings = _post_phase(findings, documents, rules, policy, run, selection, report_on)
    findings.sort(key=lambda f: f.sort_key)
    return _dedupe(findings)


def _reported(rule_id: str, policy: ResolvedPolicy, selection: Selection) -> RuleSetting | None:
    """The rule's setting when its findings are reported (enabled and selected), else None."""
    setting = policy.rules.get(rule_id)
    if setting is None or not setting.enabled or not selection.allows(rule_id):
        return None
    return setting


def _problem_findings(
    problems: Iterable[tuple[str, FileProblem]],
    rules: Mapping[str, Rule],
    policy: ResolvedPolicy,
    selection: Selection,
) -> Iterable[Finding]:
    """The loaders' problems (a file that does not parse, a repeated key), at their place."""
    for path, problem in problems:
        rule = rules.get(problem.rule)
        setting = _reported(problem.rule, policy, selection)
        if rule is None or setting is None:
            continue
        issue = Issue(problem.pointer, problem.message, problem.hint or rule.doc.hint)
        at = Position(max(1, problem.line), max(1, problem.column))
        yield make_finding(problem.rule, rule.name, setting, issue, path, at)


def _document_rules(
    rules: Mapping[str, Rule], policy: ResolvedPolicy, selection: Selection, run: RunContext
) -> list[tuple[Rule, RuleSetting]]:
    """The per-document rules that run, in id order (diff-only rules in diff mode only)."""
    return [
        (rule, setting)
        for rule_id, rule in sorted(rules.items())
        if (setting := _reported(rule_id, policy, selection)) is not None
        and not rule.engine_managed
        and rule.phase == "document"
        and (run.diff is not None or not rule.diff_only)
    ]


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class _Profile:
    """What decides which rules apply to a document beyond its kind."""

    synthetic: bool = False
    evaluation: bool = False
    #: where an adapted synthetic card's missing-field findings point: at what made it
    #: synthetic, not at the top of its front matter
    anchor: Position | None = None

    @classmethod
    def of(cls, doc: Document) -> _Profile:
        if doc.kind != DATASET_CARD:
            return cls()
        status = synthetic_status(doc)
        if not status.declared:
            return cls(evaluation=is_evaluation(doc))
        declared = (e.position for e in status.evidence if e.status == "declared")
        anchor = None if doc.native else next(declared, None)
        return cls(True, is_evaluation(doc), anchor)

    def admits(self, rule: Rule, kind: str) -> bool:
        if kind not in rule.kinds and "*" not in rule.kinds:
            return False
        if rule.synthetic_only and not self.synthetic:
            return False
        return self.evaluation or not rule.evaluation_only


def _document_findings(
    documents: Iterable[Document], active: Sequence[tuple[Rule, RuleSetting]], run: RunContext
) -> Iterable[Finding]:
    """Each document checked by each per-document rule that applies to it."""
    contexts = [(rule, setting, RuleContext(run, setting.params)) for rule, setting in active]
    # the rules that apply depend on (kind, synthetic, evaluation) only: a few lists in all
    applicable: dict[tuple[str, bool, bool], list[tuple[Rule, RuleSetting, RuleContext]]] = {}
    for doc in documents:
        profile = _Profile.of(doc)
        key = (doc.kind, profile.synthetic, profile.evaluation)
        rules = applicable.get(key)
        if rules is None:
            rules = applicable[key] = [c for c in contexts if profile.admits(c[0], doc.kind)]
        for rule, setting, ctx in rules:
            fallback = profile.anchor if rule.synthetic_only else None
            for issue in _safe_check(rule, doc, ctx):
                at = _located(doc, issue, fallback)
                hint = adapt_hint(doc, issue.hint)
                yield make_finding(rule.id, rule.name, setting, issue, doc.path, at, doc, hint)


def _custom_findings(
    documents: Sequence[Document], policy: ResolvedPolicy, selection: Selection
) -> Iterable[Finding]:
    """The policy's custom rules (``require`` schemas, CEL ``expr``) on every document."""
    if not policy.custom:
        return
    from synthgov.policy import custom

    cache: dict[str, Any] = {}
    for spec in policy.custom:
        setting = _reported(spec.id, policy, selection)
        if setting is None:
            continue
        for doc in documents:
            for issue in custom.evaluate(spec, doc, cache):
                at = _located(doc, issue)
                hint = adapt_hint(doc, issue.hint)
                yield make_finding(spec.id, spec.title, setting, issue, doc.path, at, doc, hint)


def _post_phase(
    findings: list[Finding],
    documents: Sequence[Document],
    rules: Mapping[str, Rule],
    policy: ResolvedPolicy,
    run: RunContext,
    selection: Selection,
    report_on: Collection[str] | None,
) -> list[Finding]:
    """The post rules judge ``findings``: the ones they waive are marked, their own issues
    are added (when the rule is reported, and about a file reported on)."""
    params = {rule_id: setting.params for rule_id, setting in policy.rules.items()}
    waived: set[int] = set()
    added: list[Finding] = []
    for rule_id, rule in sorted(rules.items()):
        setting = policy.rules.get(rule_id)
        if rule.phase != "post" or setting is None:
            continue
        ctx = PostContext(run, setting.params, scope=documents, rule_params=params)
        result = _safe_post(rule, findings, ctx)
        waived.update(result.waived)
        if _reported(rule_id, policy, selection) is None:
            continue
        added.extend(
            _placed_finding(rule, setting, placed)
            for placed in result.issues
            if report_on is None or placed.path in report_on
        )
    return [mark_waived(f) if i in waived else f for i, f in enumerate(findings)] + added


def _safe_post(rule: Rule, findings: Sequence[Finding], ctx: PostContext) -> PostResult:
    """A post rule judges the whole run, so its crash is no document's finding: exit 2."""
    try:
        return rule.evaluate_findings(findings, ctx)
    except Exception as exc:  # noqa: BLE001 - a plugin bug is reported, never a traceback
        raise PluginError(
            f"rule {rule.id} ({rule.plugin}) failed while judging the findings: "
            f"{type(exc).__name__}: {exc}"
        ) from None


def _placed_finding(rule: Rule, setting: RuleSetting, placed: Placed) -> Finding:
    doc = placed.document
    return make_finding(
        rule.id, rule.name, setting, placed.issue, placed.path, placed.position, doc
    )


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


def make_finding(
    rule_id: str,
    name: str,
    setting: RuleSetting,
    issue: Issue,
    path: str,
    at: Position,
    doc: Document | None = None,
    hint: str | None = None,
) -> Finding:
    """The one place a Finding is built: ``issue`` of rule ``rule_id`` at ``path``:``at``
    (in ``doc`` when it is about a document), with the policy's severity and references.
    ``hint`` replaces the issue's own (adapted to the document's format)."""
    return Finding(
        rule=rule_id,
        name=name,
        severity=setting.severity,
        path=path,
        line=at.line,
        column=at.column,
        pointer=pointer_to_json(issue.pointer),
        document=doc.id if doc is not None else None,
        message=issue.message,
        hint=issue.hint if hint is None else hint,
        references=setting.references,
        value=issue.value,
        related=issue.related,
    )


def _located(doc: Document, issue: Issue, fallback: Position | None = None) -> Position:
    """Where ``issue`` points in ``doc``; a pointer to nothing goes to ``fallback`` if any."""
    pos = doc.position(issue.pointer)
    if fallback is not None and pos == doc.position(()) and _missing(doc, issue.pointer):
        return fallback
    return pos


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
