"""Documents, policies and run contexts built in memory for the engine's unit tests.

No files, no subprocess, no CLI: a document's positions are its pointers numbered in the
order they appear (line n for the n-th value, column 1 + depth), the way a YAML file that
writes one key per line would place them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from synthgov.core.types import DATASET_CARD, Document, Finding, Position, Rule, Severity, walk
from synthgov.engine.context import DiffInfo, RunContext, WaiverBase
from synthgov.engine.evaluate import Selection, evaluate
from synthgov.models.registry import ModelRegistry
from synthgov.policy.types import CustomRuleSpec, ResolvedPolicy, RuleSetting
from synthgov.rules import diffmode, governance

TODAY = "2026-06-01"


def document(
    data: Mapping[str, Any],
    path: str = "cards/a/card.yaml",
    kind: str = DATASET_CARD,
    **options: Any,
) -> Document:
    """A document whose pointers are on lines 2, 3, ... in walk order (the root on line 1)."""
    positions = {
        pointer: Position(line, 1 + 2 * len(pointer))
        for line, (pointer, _) in enumerate(walk(dict(data)), start=1)
    }
    return Document(path=path, kind=kind, data=dict(data), positions=positions, **options)


def line_of(doc: Document, *pointer: str | int) -> int:
    return doc.position(tuple(pointer)).line


def builtin_rules(*extra: Rule) -> dict[str, Rule]:
    """The governance and diff-mode rules (the post rules among them), plus ``extra``."""
    rules: dict[str, Rule] = {cls.id: cls() for cls in (*governance.RULES, *diffmode.RULES)}
    rules.update({rule.id: rule for rule in extra})
    return rules


def policy(
    rules: Mapping[str, Rule],
    overrides: Mapping[str, RuleSetting] | None = None,
    settings: Mapping[str, Any] | None = None,
    custom: Iterable[CustomRuleSpec] = (),
) -> ResolvedPolicy:
    """Every rule on at its default severity and parameters, unless ``overrides`` says not."""
    table = {
        rule_id: RuleSetting(True, rule.severity, rule.parameter_defaults())
        for rule_id, rule in rules.items()
    }
    table.update(overrides or {})
    for spec in custom:
        table.setdefault(spec.id, RuleSetting(True, spec.severity, {}))
    return ResolvedPolicy(rules=table, settings=dict(settings or {}), custom=tuple(custom))


def setting(
    rule: Rule | type[Rule],
    *,
    enabled: bool = True,
    severity: Severity | None = None,
    references: tuple[str, ...] = (),
    **params: Any,
) -> RuleSetting:
    """A rule's setting: its defaults, changed by the arguments."""
    return RuleSetting(
        enabled,
        rule.severity if severity is None else severity,
        {**rule.parameter_defaults(), **params},
        references,
    )


def run_context(
    documents: Iterable[Document],
    *,
    today: str = TODAY,
    settings: Mapping[str, Any] | None = None,
    diff: DiffInfo | None = None,
    waiver_base: WaiverBase | None = None,
) -> RunContext:
    return RunContext(
        documents=tuple(documents),
        files=None,  # type: ignore[arg-type]  # no rule under test reads files
        today=today,
        settings=dict(settings or {}),
        registry_factory=ModelRegistry.builtin,
        diff=diff,
        waiver_base=waiver_base,
    )


def run(
    documents: Iterable[Document],
    rules: Mapping[str, Rule] | None = None,
    *,
    the_policy: ResolvedPolicy | None = None,
    selection: Selection | None = None,
    report_on: set[str] | None = None,
    problems: Iterable[Any] = (),
    **context: Any,
) -> list[Finding]:
    """Evaluate ``documents`` in memory; the policy defaults to every rule on."""
    docs = tuple(documents)
    rules = builtin_rules() if rules is None else rules
    return evaluate(
        documents=docs,
        problems=tuple(problems),
        rules=rules,
        policy=policy(rules) if the_policy is None else the_policy,
        run=run_context(docs, settings=(the_policy.settings if the_policy else None), **context),
        selection=selection or Selection(),
        report_on=report_on,
    )


def by_rule(findings: Iterable[Finding], rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule_id]
