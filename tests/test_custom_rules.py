"""Custom declarative rules (SPEC section 7): ``require`` (JSON Schema) and ``expr`` (CEL)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from synthgov.policy.expr import ExprError, compile_expr
from tests.conftest import ROOT, run_cli, write_tree

POLICY_HEAD = "apiVersion: synthgov/v1\nkind: Policy\nextends: [builtin:baseline]\ncustom:\n"

PII_RULE = """\
  - id: ACME001
    title: Customer-derived data needs a PII scan
    severity: error
    references: ["EU AI Act Art. 10(5)"]
    applies_to:
      kind: DatasetCard
      when:
        properties:
          sources:
            contains:
              properties: {personal_data: {const: true}}
              required: [personal_data]
    require:
      properties:
        validation:
          properties:
            automated:
              contains:
                properties: {check: {const: pii}}
                required: [check]
          required: [automated]
      required: [validation]
    message: Cards whose sources hold personal data must record a PII scan.
"""

SHARE_RULE = """\
  - id: ACME002
    title: Review at least 5% of synthetic rows
    severity: warning
    applies_to: {kind: DatasetCard}
    expr: >-
      double(card.validation.human_review.sample_size)
      >= 0.05 * double(card.composition.synthetic_rows)
    message: Review at least 5 % of the synthetic rows.
"""

STAGE_RULE = """\
  - id: ACME003
    title: Every pipeline evaluates
    applies_to: {kind: Pipeline}
    expr: pipeline.stages.exists(s, s.type == "evaluate") && doc.metadata.id != ""
    message: A pipeline must have an evaluate stage.
"""


def _card(ds_id: str, body: str = "") -> str:
    return f"apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {{id: {ds_id}}}\n{body}"


def _custom_findings(tmp_path: Path, policy: str) -> list[dict[str, Any]]:
    (tmp_path / "policy.yaml").write_text(policy, encoding="utf-8")
    proc = run_cli("check", "--format", "json", "--policy", "./policy.yaml", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    return [f for f in findings if not f["rule"].startswith("SG")]


def test_require_rule_fires_on_the_right_documents_only(tmp_path: Path) -> None:
    personal = "sources:\n  - {name: tickets, license: proprietary, personal_data: true}\n"
    write_tree(
        tmp_path,
        {
            # personal data, no validation at all: fires at the root
            "a.yaml": _card("a", personal),
            # personal data, automated checks without pii: fires at the deepest path
            "b.yaml": _card("b", personal + "validation:\n  automated:\n    - {check: dedup}\n"),
            # personal data and a pii scan: quiet
            "c.yaml": _card("c", personal + "validation:\n  automated:\n    - {check: pii}\n"),
            # no personal data: `when` does not match, quiet
            "d.yaml": _card("d", "sources:\n  - {name: faq, license: cc-by-4.0}\n"),
            # not a DatasetCard: `when` and `require` would both apply to it, the kind does not
            "e.yaml": (
                "apiVersion: synthgov/v1\nkind: Pipeline\nmetadata: {id: e}\n"
                "primary_model: {id: acme/bot}\nstages:\n  - {id: t, type: train}\n"
            ),
        },
    )
    found = _custom_findings(tmp_path, POLICY_HEAD + PII_RULE)
    assert [(f["rule"], f["path"], f["line"]) for f in found] == [
        ("ACME001", "a.yaml", 1),
        ("ACME001", "b.yaml", 7),
    ]
    assert found[1]["pointer"] == "/validation/automated"
    assert found[0]["severity"] == "error"
    assert found[0]["references"] == ["EU AI Act Art. 10(5)"]
    assert found[0]["message"] == "Cards whose sources hold personal data must record a PII scan."


def test_expr_rule_fires_on_the_right_documents_only(tmp_path: Path) -> None:
    comp = "composition: {total_rows: 1000, synthetic_rows: 1000}\n"
    write_tree(
        tmp_path,
        {
            "few.yaml": _card("few", comp + "validation:\n  human_review: {sample_size: 49}\n"),
            "many.yaml": _card("many", comp + "validation:\n  human_review: {sample_size: 50}\n"),
            "none.yaml": _card("none", comp + "validation:\n  automated: [{check: pii}]\n"),
            "p.yaml": (
                "apiVersion: synthgov/v1\nkind: Pipeline\nmetadata: {id: p}\n"
                "primary_model: {id: acme/bot}\nstages:\n  - {id: t, type: train}\n"
            ),
            "q.yaml": (
                "apiVersion: synthgov/v1\nkind: Pipeline\nmetadata: {id: q}\n"
                "primary_model: {id: acme/bot}\nstages:\n  - {id: e, type: evaluate}\n"
            ),
        },
    )
    found = _custom_findings(tmp_path, POLICY_HEAD + SHARE_RULE + STAGE_RULE)
    got = [(f["rule"], f["path"], f["line"], f["severity"]) for f in found]
    # a false expression points at the first document field it reads
    assert got == [
        ("ACME002", "few.yaml", 6, "warning"),
        ("ACME002", "none.yaml", 5, "warning"),
        ("ACME003", "p.yaml", 5, "error"),
    ]
    by_path = {f["path"]: f for f in found}
    assert by_path["few.yaml"]["message"] == "Review at least 5 % of the synthetic rows."
    # a field the expression reads but the card lacks: named, and pointed at its parent
    missing = by_path["none.yaml"]
    assert "card.validation.human_review is missing" in missing["message"]
    assert missing["pointer"] == "/validation"


def test_has_makes_a_field_optional(tmp_path: Path) -> None:
    rule = (
        "  - id: ACME004\n    applies_to: {kind: DatasetCard}\n"
        "    expr: '!has(card.validation.judge) || has(card.validation.judge.calibration)'\n"
        "    message: A judge needs a calibration.\n"
    )
    write_tree(
        tmp_path,
        {
            "nojudge.yaml": _card("a", "validation: {automated: []}\n"),
            "novalidation.yaml": _card("b"),
            "uncal.yaml": _card("c", "validation:\n  judge: {model: gemini-1.5-pro-002}\n"),
        },
    )
    found = _custom_findings(tmp_path, POLICY_HEAD + rule)
    assert [(f["rule"], f["path"]) for f in found] == [("ACME004", "uncal.yaml")]


def test_a_type_error_on_a_document_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    rule = (
        "  - id: ACME005\n    applies_to: {kind: DatasetCard}\n"
        "    expr: card.composition.synthetic_rows > 0.5\n    message: Needs rows.\n"
    )
    write_tree(tmp_path, {"a.yaml": _card("a", "composition: {synthetic_rows: 3}\n")})
    found = _custom_findings(tmp_path, POLICY_HEAD + rule)
    assert len(found) == 1
    assert "could not be evaluated" in found[0]["message"]
    assert "int and double" in found[0]["message"]


@pytest.mark.parametrize(
    ("rule", "line", "needle"),
    [
        (  # does not compile
            "  - id: ACME1\n    applies_to: {kind: DatasetCard}\n"
            "    expr: card.metadata.id ==\n    message: m\n",
            7,
            "does not compile",
        ),
        (  # an unknown variable (cel-python alone would accept it)
            "  - id: ACME1\n    applies_to: {kind: DatasetCard}\n"
            "    expr: cards.metadata.id == 'x'\n    message: m\n",
            7,
            "unknown variable 'cards'",
        ),
        (  # the pipeline is not `card`
            "  - id: ACME1\n    applies_to: {kind: Pipeline}\n"
            "    expr: size(card.stages) > 0\n    message: m\n",
            7,
            "unknown variable 'card'",
        ),
        (  # macro variables are scoped to their macro
            "  - id: ACME1\n    applies_to: {kind: DatasetCard}\n"
            "    expr: card.generation.all(g, g.rows > 0) && g.rows > 1\n    message: m\n",
            7,
            "unknown variable 'g'",
        ),
        (  # no Python: unknown functions are refused
            "  - id: ACME1\n    applies_to: {kind: DatasetCard}\n"
            "    expr: __import__('os').system('true') == 0\n    message: m\n",
            7,
            "unknown function __import__()",
        ),
        (  # an id starting with SG (schema)
            "  - id: SG999\n    applies_to: {kind: DatasetCard}\n"
            "    expr: 'true'\n    message: m\n",
            5,
            "SG999",
        ),
        (  # an id starting with sg, any case
            "  - id: sg999\n    applies_to: {kind: DatasetCard}\n"
            "    expr: 'true'\n    message: m\n",
            5,
            "must not start with SG",
        ),
        (  # both require and expr
            "  - id: ACME1\n    applies_to: {kind: DatasetCard}\n"
            "    require: {required: [purpose]}\n    expr: 'true'\n    message: m\n",
            5,
            "ACME1",
        ),
        (  # neither
            "  - id: ACME1\n    applies_to: {kind: DatasetCard}\n    message: m\n",
            5,
            "ACME1",
        ),
        (  # a require that is not a JSON Schema
            "  - id: ACME1\n    applies_to: {kind: DatasetCard}\n"
            "    require: {type: nonsense}\n    message: m\n",
            7,
            "bad require schema",
        ),
    ],
)
def test_bad_custom_rules_are_exit_2_naming_file_and_line(
    tmp_path: Path, rule: str, line: int, needle: str
) -> None:
    write_tree(tmp_path, {"policy.yaml": POLICY_HEAD + rule, "card.yaml": _card("a")})
    proc = run_cli("check", "--policy", "./policy.yaml", cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"synthgov: error: policy.yaml:{line}:"), lines[0]
    assert needle in lines[0], lines[0]
    assert "Traceback" not in proc.stderr


def test_compile_expr_checks_names_per_kind() -> None:
    compiled = compile_expr("size(pipeline.stages) > 0 && doc.kind == 'Pipeline'", "Pipeline")
    assert compiled.variables == ("pipeline", "doc")
    assert compile_expr("type(card.purpose) == list", "DatasetCard").variables == ("card", "doc")
    with pytest.raises(ExprError, match="unknown variable 'pipeline'"):
        compile_expr("size(pipeline.stages) > 0", "DatasetCard")
    with pytest.raises(ExprError, match="unknown method .frobnicate"):
        compile_expr("card.metadata.id.frobnicate()", "DatasetCard")
    with pytest.raises(ExprError, match="not supported"):
        compile_expr("Foo{a: 1}", "DatasetCard")
    with pytest.raises(ExprError, match="non-empty"):
        compile_expr("  ", "DatasetCard")


@pytest.mark.slow
def test_the_expression_library_is_imported_only_when_a_policy_uses_expr(
    tmp_path: Path,
) -> None:
    write_tree(tmp_path, {"card.yaml": _card("a")})
    (tmp_path / "require.yaml").write_text(POLICY_HEAD + PII_RULE, encoding="utf-8")
    (tmp_path / "expr.yaml").write_text(POLICY_HEAD + SHARE_RULE, encoding="utf-8")
    script = (
        "import sys\n"
        "from synthgov.app.check.runner import CheckOptions, prepare, run_check\n"
        "opts = CheckOptions(policies=(sys.argv[1],), cwd=sys.argv[2], use_cache=False)\n"
        "run_check(opts, prepare(opts))\n"
        "print('celpy' in sys.modules)\n"
    )
    seen = {}
    for name in ("builtin:baseline", "./require.yaml", "./expr.yaml"):
        proc = subprocess.run(
            [sys.executable, "-c", script, name, str(tmp_path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        seen[name] = proc.stdout.strip()
    assert seen == {"builtin:baseline": "False", "./require.yaml": "False", "./expr.yaml": "True"}


def test_rules_and_explain_know_custom_rules(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "synthgov.yaml": "policies: [./policy.yaml]\n",
            "policy.yaml": POLICY_HEAD + PII_RULE + SHARE_RULE,
        },
    )
    listed = run_cli("rules", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = [line for line in listed.stdout.splitlines() if line.startswith("ACME")]
    # the line of each definition (`- id:`) in the policy file
    assert [row.split()[0] for row in rows] == ["ACME001", "ACME002"]
    assert rows[0].endswith("policy policy.yaml:5") and "error" in rows[0]
    assert rows[1].endswith("policy policy.yaml:28") and "warning" in rows[1]
    as_json = json.loads(run_cli("rules", "--format", "json", cwd=tmp_path).stdout)
    acme002 = next(r for r in as_json if r["id"] == "ACME002")
    assert acme002["plugin"] == "policy policy.yaml:28" and acme002["severity"] == "warning"
    explained = run_cli("explain", "acme002", cwd=tmp_path)  # ids are case-insensitive
    assert explained.returncode == 0, explained.stderr
    lines = explained.stdout.splitlines()
    assert lines[0] == "ACME002 Review at least 5% of synthetic rows"
    assert "Provided by: policy policy.yaml:28" in lines
    assert "Review at least 5 % of the synthetic rows." in lines
    assert any("double(card.validation.human_review.sample_size)" in x for x in lines)
    pii = run_cli("explain", "ACME001", cwd=tmp_path).stdout
    assert "EU AI Act Art. 10(5)" in pii and "personal_data" in pii
    typo = run_cli("explain", "ACME02", cwd=tmp_path)
    assert typo.returncode == 2 and "(did you mean ACME002?)" in typo.stderr
    # --select knows them too
    assert run_cli("check", "--select", "acme", cwd=tmp_path).returncode == 0
    assert run_cli("check", "--select", "ACME9", cwd=tmp_path).returncode == 2
