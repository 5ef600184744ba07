"""The engine in memory: documents x rules -> findings (selection, severities, custom rules,
file problems, post rules, SG405 with a diff). No files, no subprocess, no CLI."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from synthgov.core.errors import PluginError
from synthgov.core.types import (
    DATASET_CARD,
    PIPELINE,
    Document,
    FileProblem,
    Finding,
    Issue,
    Rule,
    RuleDoc,
    Severity,
)
from synthgov.engine.context import DiffInfo, RuleContext
from synthgov.engine.evaluate import Selection
from synthgov.engine.post import Placed, PostContext, PostResult
from synthgov.policy.types import CustomRuleSpec
from synthgov.rules.structure import DuplicateKey, ParseError
from tests.inmemory import builtin_rules, by_rule, document, line_of, policy, run, setting

OWNED = {"metadata": {"id": "a", "owner": "team@acme.example"}}
UNOWNED = {"metadata": {"id": "a"}}


class NeedsTeam(Rule):
    """A plugin-style rule: every document needs ``x-team``."""

    id = "XT001"
    name = "team-missing"
    severity = Severity.WARNING
    doc = RuleDoc(summary="No x-team.")
    plugin = "tests"

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        if "x-team" not in doc.data:
            yield Issue(("metadata", "id"), f"{doc.label} has no team", "add x-team")


class PipelineOnly(NeedsTeam):
    id = "XT002"
    kinds = frozenset({PIPELINE})


class SyntheticOnly(NeedsTeam):
    id = "XT003"
    synthetic_only = True

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        yield Issue(("validation", "human_review"), "no human review", "review it")


class EvaluationOnly(NeedsTeam):
    id = "XT004"
    evaluation_only = True


class Crashes(NeedsTeam):
    id = "XT005"

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        raise KeyError("boom")


class DiffOnly(NeedsTeam):
    id = "XT006"
    diff_only = True


class Parameterised(NeedsTeam):
    id = "XT007"
    parameters = {
        "type": "object",
        "properties": {"word": {"type": "string", "default": "plain"}},
    }

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        yield Issue((), f"word is {ctx.params['word']}, today is {ctx.today}")


def test_a_document_rule_becomes_a_finding_at_its_pointer() -> None:
    doc = document(UNOWNED)
    [finding] = by_rule(run([doc]), "SG401")
    assert finding == Finding(
        rule="SG401",
        name="owner-missing",
        severity=Severity.ERROR,
        path="cards/a/card.yaml",
        line=line_of(doc, "metadata"),
        column=3,
        pointer="/metadata",
        document="a",
        message="dataset card a has no owner",
        hint="add metadata.owner: <team or person address>",
    )
    assert not by_rule(run([document(OWNED)]), "SG401")


def test_select_and_ignore_take_ids_and_prefixes() -> None:
    rules = builtin_rules(NeedsTeam())
    docs = [document(UNOWNED)]
    every = {f.rule for f in run(docs, rules)}
    assert {"SG401", "SG402", "XT001"} <= every
    assert {f.rule for f in run(docs, rules, selection=Selection(select=("XT",)))} == {"XT001"}
    assert {f.rule for f in run(docs, rules, selection=Selection(select=("SG401",)))} == {"SG401"}
    ignored = {f.rule for f in run(docs, rules, selection=Selection(ignore=("SG4",)))}
    assert ignored == {"XT001"}
    both = Selection(select=("SG40",), ignore=("SG402",))
    assert {f.rule for f in run(docs, rules, selection=both)} == {"SG401"}


def test_a_rule_the_policy_turns_off_gives_nothing() -> None:
    rules = builtin_rules(NeedsTeam())
    off = policy(rules, {"XT001": setting(NeedsTeam, enabled=False)})
    assert not by_rule(run([document(UNOWNED)], rules, the_policy=off), "XT001")


def test_the_policy_sets_severity_references_and_parameters() -> None:
    rules = builtin_rules(NeedsTeam(), Parameterised())
    changed = policy(
        rules,
        {
            "XT001": setting(NeedsTeam, severity=Severity.INFO, references=("ISO-42001 8.4",)),
            "XT007": setting(Parameterised, word="fancy"),
        },
    )
    findings = run([document(UNOWNED)], rules, the_policy=changed)
    [team] = by_rule(findings, "XT001")
    assert (team.severity, team.references) == (Severity.INFO, ("ISO-42001 8.4",))
    [word] = by_rule(findings, "XT007")
    assert word.message == "word is fancy, today is 2026-06-01"
    [default] = by_rule(run([document(UNOWNED)], rules), "XT007")
    assert default.message.startswith("word is plain")


def test_rules_apply_by_kind_synthetic_and_evaluation_status() -> None:
    rules = builtin_rules(PipelineOnly(), SyntheticOnly(), EvaluationOnly())
    plain = document(UNOWNED)
    synthetic = document({**UNOWNED, "synthetic": True}, path="cards/s/card.yaml")
    evaluation = document({**UNOWNED, "purpose": "evaluation"}, path="cards/e/card.yaml")
    pipeline = document(UNOWNED, path="pipelines/p.yaml", kind=PIPELINE)
    findings = run([plain, synthetic, evaluation, pipeline], rules)
    assert {f.path for f in by_rule(findings, "XT002")} == {"pipelines/p.yaml"}
    assert {f.path for f in by_rule(findings, "XT003")} == {"cards/s/card.yaml"}
    assert {f.path for f in by_rule(findings, "XT004")} == {"cards/e/card.yaml"}


def test_an_adapted_synthetic_cards_missing_field_points_at_what_made_it_synthetic() -> None:
    rules = builtin_rules(SyntheticOnly())
    data = {**UNOWNED, "synthetic": True}
    native = document(data)
    adapted = document(data, path="hf/README.md", source_format="huggingface", native=False)
    [in_native] = by_rule(run([native], rules), "XT003")
    [in_adapted] = by_rule(run([adapted], rules), "XT003")
    assert in_native.line == 1  # the nearest ancestor: the top of the document
    assert in_adapted.line == line_of(adapted, "synthetic") != 1


def test_a_rule_that_crashes_becomes_a_finding_not_a_traceback() -> None:
    [finding] = by_rule(run([document(UNOWNED)], builtin_rules(Crashes())), "XT005")
    assert finding.message == "rule XT005 failed on this document: KeyError: 'boom'"
    assert "bug in the rule" in finding.hint


def test_diff_only_rules_run_in_diff_mode_only() -> None:
    rules = builtin_rules(DiffOnly())
    assert not by_rule(run([document(UNOWNED)], rules), "XT006")
    diff = DiffInfo(base="origin/main", changed=frozenset())
    assert by_rule(run([document(UNOWNED)], rules, diff=diff), "XT006")


def test_custom_rules_take_the_policy_severity_and_the_spec_title() -> None:
    spec = CustomRuleSpec(
        id="ACME-001",
        title="card-needs-team",
        severity=Severity.WARNING,
        kind=DATASET_CARD,
        message="every card names its team",
        hint="add x-team",
        require={"type": "object", "required": ["x-team"]},
    )
    rules = builtin_rules()
    docs = [document(UNOWNED), document({**OWNED, "x-team": "nlp"}, path="cards/b/card.yaml")]
    [finding] = by_rule(run(docs, rules, the_policy=policy(rules, custom=[spec])), "ACME-001")
    assert (finding.path, finding.name, finding.severity) == (
        "cards/a/card.yaml",
        "card-needs-team",
        Severity.WARNING,
    )
    assert finding.message == "every card names its team"
    raised = policy(rules, {"ACME-001": setting(NeedsTeam, severity=Severity.ERROR)}, custom=[spec])
    [finding] = by_rule(run(docs, rules, the_policy=raised), "ACME-001")
    assert finding.severity == Severity.ERROR
    ignored = run(docs, rules, the_policy=raised, selection=Selection(ignore=("ACME",)))
    assert not by_rule(ignored, "ACME-001")


def test_file_problems_become_findings_at_their_place() -> None:
    rules = builtin_rules(ParseError(), DuplicateKey())
    problems = [
        ("bad.yaml", FileProblem("SG001", "cannot parse", line=0, column=0)),
        ("dup.yaml", FileProblem("SG003", "key repeated", 4, 3, ("a",), "keep one")),
        ("odd.yaml", FileProblem("XX999", "a problem of a rule nobody registered")),
    ]
    findings = run([], rules, problems=problems)
    assert [(f.rule, f.path, f.line, f.column, f.pointer) for f in findings] == [
        ("SG001", "bad.yaml", 1, 1, ""),
        ("SG003", "dup.yaml", 4, 3, "/a"),
    ]
    parse, dup = findings
    assert parse.hint == ParseError.doc.hint  # the rule's default when the problem has none
    assert dup.hint == "keep one"
    assert parse.document is None
    assert not run([], rules, problems=problems, selection=Selection(ignore=("SG00",)))


def test_report_on_limits_documents_and_problems_but_not_the_context() -> None:
    rules = builtin_rules(ParseError())
    a, b = document(UNOWNED), document(UNOWNED, path="cards/b/card.yaml")
    problems = [
        ("cards/b/card.yaml", FileProblem("SG001", "x")),
        ("z.yaml", FileProblem("SG001", "y")),
    ]
    findings = run([a, b], rules, problems=problems, report_on={"cards/b/card.yaml"})
    assert {f.path for f in findings} == {"cards/b/card.yaml"}
    assert {f.rule for f in findings} >= {"SG001", "SG401"}


def test_findings_are_sorted_and_duplicates_dropped() -> None:
    class Twice(NeedsTeam):
        id = "XT008"

        def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
            yield Issue(("metadata",), "same")
            yield Issue(("metadata",), "same")

    docs = [document(UNOWNED, path="z.yaml"), document(UNOWNED, path="a.yaml")]
    findings = run(docs, builtin_rules(Twice()))
    assert findings == sorted(findings, key=lambda f: f.sort_key)
    assert [f.path for f in by_rule(findings, "XT008")] == ["a.yaml", "z.yaml"]


# ------------------------------------------------------------------------------ post rules


class WaivesEverything(Rule):
    """A plugin post rule: waives every finding and says so at the top of a file."""

    id = "XP001"
    name = "waive-all"
    severity = Severity.INFO
    phase = "post"
    doc = RuleDoc(summary="Waives everything.")

    def evaluate_findings(self, findings: Sequence[Finding], ctx: PostContext) -> PostResult:
        note = Issue((), f"waived {len(findings)} finding(s) of {len(ctx.scope)} document(s)")
        return PostResult((Placed.at_file("AUDIT.md", note),), frozenset(range(len(findings))))


def test_a_post_rule_waives_findings_and_places_its_own_issues() -> None:
    rules = builtin_rules(NeedsTeam(), WaivesEverything())
    findings = run([document(UNOWNED)], rules, selection=Selection(ignore=("SG",)))
    [note, team] = sorted(findings, key=lambda f: f.rule)
    assert team.rule == "XT001" and team.waived
    assert (note.path, note.line, note.document, note.waived) == ("AUDIT.md", 1, None, False)
    assert note.message == "waived 1 finding(s) of 1 document(s)"


def test_a_post_rule_that_is_off_still_waives_but_reports_nothing() -> None:
    rules = builtin_rules(NeedsTeam(), WaivesEverything())
    off = policy(rules, {"XP001": setting(WaivesEverything, enabled=False)})
    findings = run([document(UNOWNED)], rules, the_policy=off)
    assert findings and all(f.waived for f in findings)
    assert not by_rule(findings, "XP001")


def test_a_post_rule_that_crashes_or_has_no_entry_point_is_a_plugin_error() -> None:
    class NoEntryPoint(WaivesEverything):
        id = "XP002"
        evaluate_findings = Rule.evaluate_findings

    class Crashing(WaivesEverything):
        id = "XP003"

        def evaluate_findings(self, findings: Sequence[Finding], ctx: PostContext) -> PostResult:
            raise ValueError("bad")

    with pytest.raises(PluginError, match="XP002 .* NotImplementedError: post rule XP002"):
        run([document(UNOWNED)], builtin_rules(NoEntryPoint()))
    with pytest.raises(PluginError, match="XP003 .* ValueError: bad"):
        run([document(UNOWNED)], builtin_rules(Crashing()))


# ------------------------------------------------------------------------------ SG405


CHANGED = DiffInfo(
    base="origin/main",
    changed=frozenset(),
    policy_changed=("policies/team.yaml", "synthgov.yaml"),
    merge_base="0123456789abcdef0123",
)


def test_sg405_places_one_finding_at_the_top_of_each_changed_policy_file() -> None:
    findings = by_rule(run([document(OWNED)], diff=CHANGED), "SG405")
    assert [(f.path, f.line, f.column, f.severity) for f in findings] == [
        ("policies/team.yaml", 1, 1, Severity.WARNING),
        ("synthgov.yaml", 1, 1, Severity.WARNING),
    ]
    assert findings[1].message == (
        "policy or config file synthgov.yaml differs from origin/main (merge base "
        "0123456789ab): this change edits the policy that judges it"
    )
    assert findings[1].hint.endswith("--policy-from-ref origin/main")


def test_sg405_is_quiet_without_a_diff_without_changes_and_when_off() -> None:
    assert not by_rule(run([document(OWNED)]), "SG405")
    unchanged = DiffInfo(base="origin/main", changed=frozenset())
    assert not by_rule(run([document(OWNED)], diff=unchanged), "SG405")
    rules = builtin_rules()
    off = policy(rules, {"SG405": setting(rules["SG405"], enabled=False)})
    assert not by_rule(run([document(OWNED)], rules, the_policy=off, diff=CHANGED), "SG405")
    unselected = run([document(OWNED)], diff=CHANGED, selection=Selection(select=("SG401",)))
    assert not by_rule(unselected, "SG405")
