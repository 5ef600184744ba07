"""SG301-SG307 beyond the data-driven cases: the review-sample formula, the policy packs
(strict, eu-ai-act) and references in the JSON output."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from statistics import NormalDist
from typing import Any

import pytest

from synthgov.plugins.manager import load_registry
from synthgov.policy.resolve import resolve
from synthgov.rules.validation_stats import required_sample
from tests.conftest import SPEC_RULE_CATALOG, run_cli, write_tree

HEADER = "apiVersion: synthgov/v1\nkind: DatasetCard\n"


def _card(ds_id: str, rows: int, sample: int, extra: str = "") -> str:
    return (
        f"{HEADER}metadata: {{id: {ds_id}, owner: a@b.example}}\n"
        f"composition: {{total_rows: {rows}, synthetic_rows: {rows}}}\n"
        f"validation:\n  human_review:\n    sample_size: {sample}\n{extra}"
    )


def _check(tmp_path: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    proc = run_cli("check", "--format", "json", *args, cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)["findings"]


# -- SG302: the formula --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("population", "confidence", "margin", "required"),
    [(1000, 0.95, 0.05, 278), (9600, 0.95, 0.05, 370), (1000, 0.99, 0.03, 649)],
)
def test_required_sample_acceptance_values(
    population: int, confidence: float, margin: float, required: int
) -> None:
    assert required_sample(population, confidence, margin, 0.5).required == required


def test_required_sample_matches_the_formula_across_inputs() -> None:
    """Independent re-computation over a grid, including confidences no table would hold."""
    for confidence in (0.8, 0.9, 0.95, 0.975, 0.99, 0.999):
        z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
        for margin in (0.01, 0.03, 0.05, 0.1):
            for p in (0.05, 0.2, 0.5):
                n0 = z * z * p * (1 - p) / margin**2
                for population in (10, 100, 1000, 9600, 250_000):
                    expected = math.ceil(n0 / (1 + (n0 - 1) / population))
                    got = required_sample(population, confidence, margin, p)
                    assert got.required == expected, (confidence, margin, p, population)
                    assert got.required <= population


def test_required_sample_without_population_is_the_uncorrected_size() -> None:
    result = required_sample(None)
    assert result.required == 385
    assert result.population is None


def test_boundary_through_the_cli_states_size_inputs_and_shortfall(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "a.yaml": _card("a", 1000, 277),
            "b.yaml": _card("b", 1000, 278),
            "c.yaml": _card("c", 9600, 300),
            "d.yaml": _card("d", 9600, 370),
        },
    )
    code, findings = _check(tmp_path)
    sg302 = {f["path"]: f for f in findings if f["rule"] == "SG302"}
    assert code == 1
    assert sorted(sg302) == ["a.yaml", "c.yaml"]
    first = sg302["a.yaml"]
    assert (first["line"], first["pointer"]) == (7, "/validation/human_review/sample_size")
    for needle in ("277", "required 278", "N=1000", "95%", "5%", "p=0.5", "shortfall 1"):
        assert needle in first["message"], first["message"]
    assert "required 370" in sg302["c.yaml"]["message"]
    assert "shortfall 70" in sg302["c.yaml"]["message"]


def test_review_settings_come_from_the_policy(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "policy.yaml": (
                "apiVersion: synthgov/v1\nkind: Policy\nextends: [builtin:baseline]\n"
                "settings:\n  review: {confidence: 0.99, margin: 0.03}\n"
            ),
            "a.yaml": _card("a", 1000, 648),
            "b.yaml": _card("b", 1000, 649),
        },
    )
    _, findings = _check(tmp_path, "--policy", "./policy.yaml")
    sg302 = [f for f in findings if f["rule"] == "SG302"]
    assert [f["path"] for f in sg302] == ["a.yaml"]
    assert "required 649" in sg302[0]["message"]
    assert "99%" in sg302[0]["message"] and "3%" in sg302[0]["message"]


def test_a_bad_review_setting_is_a_policy_error(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "policy.yaml": (
                "apiVersion: synthgov/v1\nkind: Policy\nsettings:\n  review: {confidence: 95}\n"
            ),
            "a.yaml": _card("a", 1000, 648),
        },
    )
    proc = run_cli("check", "--policy", "./policy.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "policy.yaml:4" in proc.stderr and "Traceback" not in proc.stderr


# -- SG307 through the graph ---------------------------------------------------------------


def test_contamination_follows_every_pipeline_that_evaluates_on_the_set(tmp_path: Path) -> None:
    def pipeline(pid: str, train: str) -> str:
        return (
            "apiVersion: synthgov/v1\nkind: Pipeline\n"
            f"metadata: {{id: {pid}, owner: a@b.example}}\nprimary_model: {{id: acme/{pid}}}\n"
            f"stages:\n  - {{id: t, type: train, inputs: [{train}]}}\n"
            "  - {id: e, type: evaluate, inputs: [bench]}\n"
        )

    def card(ds_id: str, purpose: str, extra: str = "") -> str:
        return f"{HEADER}metadata: {{id: {ds_id}}}\npurpose: [{purpose}]\n{extra}"

    write_tree(
        tmp_path,
        {
            "bench.yaml": card(
                "bench",
                "evaluation",
                "validation:\n  contamination:\n    - {against: [one], method: exact}\n",
            ),
            "one.yaml": card("one", "training"),
            "two.yaml": card("two", "training"),
            "p1.yaml": pipeline("p1", "one"),
            "p2.yaml": pipeline("p2", "two"),
        },
    )
    _, findings = _check(tmp_path)
    sg307 = [f for f in findings if f["rule"] == "SG307"]
    assert len(sg307) == 1, sg307
    assert sg307[0]["path"] == "bench.yaml" and sg307[0]["line"] == 6
    assert "training dataset two" in sg307[0]["message"] and "p2" in sg307[0]["message"]


# -- packs -----------------------------------------------------------------------------------


def _resolve(*refs: str) -> Any:
    registry = load_registry(entry_points=False)
    return registry, resolve(refs, origin_label="test", origin_dir=".", rules=registry.rules)


def test_strict_makes_every_builtin_warning_and_info_an_error() -> None:
    registry, strict = _resolve("builtin:strict")
    _, baseline = _resolve("builtin:baseline")
    for rule_id in registry.rules:
        assert strict.rules[rule_id].severity.label == "error", rule_id
        assert strict.rules[rule_id].enabled, rule_id
        assert strict.rules[rule_id].params == baseline.rules[rule_id].params, rule_id
    assert strict.settings["diversity"]["compare"] == "provider"


def test_baseline_gives_the_catalog_severities_and_defaults() -> None:
    """Every rule of the SPEC catalog (the vendored table) at its catalog severity, every
    registered rule at its class's severity and default parameters."""
    registry, baseline = _resolve("builtin:baseline")
    text = SPEC_RULE_CATALOG.read_text(encoding="utf-8")
    catalog = dict(re.findall(r"^\| (SG\d{3}) \| [a-z-]+ \| (error|warning|info) \|", text, re.M))
    assert len(catalog) >= 37
    for rule_id, severity in catalog.items():
        assert baseline.rules[rule_id].severity.label == severity, rule_id
    for rule_id, rule in registry.rules.items():
        assert baseline.rules[rule_id].severity == rule.severity, rule_id
        assert baseline.rules[rule_id].params == rule.parameter_defaults(), rule_id
    assert baseline.rules["SG303"].params == {"required": ["dedup", "pii"], "min_coverage": 1.0}
    assert baseline.rules["SG304"].params == {"min_labels": 100, "min_agreement": 0.6}
    assert baseline.rules["SG306"].params == {"tolerance": 0.05}


def test_eu_ai_act_references_every_builtin_rule_and_keeps_baseline_severities() -> None:
    registry, eu = _resolve("builtin:eu-ai-act")
    _, baseline = _resolve("builtin:baseline")
    allowed = {"(2)", *(f"(2)({c})" for c in "abcdefgh"), "(3)", "(4)", "(5)"}
    for rule_id in registry.rules:
        refs = eu.rules[rule_id].references
        assert refs, f"{rule_id} has no reference"
        for ref in refs:
            assert ref.startswith("EU AI Act Art. 10"), ref
            assert ref[len("EU AI Act Art. 10") :] in allowed, ref
        assert eu.rules[rule_id].severity == baseline.rules[rule_id].severity, rule_id
        assert eu.rules[rule_id].params == baseline.rules[rule_id].params, rule_id
    assert eu.rules["SG306"].references == (
        "EU AI Act Art. 10(2)(g)",
        "EU AI Act Art. 10(3)",
        "EU AI Act Art. 10(4)",
    )


def test_eu_ai_act_and_strict_combine_in_either_order() -> None:
    for refs in (("builtin:strict", "builtin:eu-ai-act"), ("builtin:eu-ai-act", "builtin:strict")):
        _, policy = _resolve(*refs)
        assert policy.rules["SG306"].severity.label == "error", refs
        assert "EU AI Act Art. 10(4)" in policy.rules["SG306"].references, refs


def test_every_pack_has_a_header_saying_who_it_is_for() -> None:
    from synthgov.core import resources

    for name in ("baseline", "strict", "eu-ai-act"):
        text = (resources.builtin_pack_bytes(name) or b"").decode("utf-8")
        header = text.split("apiVersion:")[0]
        assert header.startswith(f"# builtin:{name}"), name
        assert "For " in header, name


def test_sg205_is_an_error_under_strict_and_off_when_an_extension_says_so(
    tmp_path: Path,
) -> None:
    card = (
        f"{HEADER}metadata: {{id: one-model, owner: a@b.example}}\n"
        "composition: {total_rows: 100, synthetic_rows: 100}\n"
        "generation:\n  - {model: gpt-4o-2024-08-06, role: generator, rows: 100}\n"
    )
    write_tree(
        tmp_path,
        {
            "card.yaml": card,
            "relaxed.yaml": (
                "apiVersion: synthgov/v1\nkind: Policy\nextends: [builtin:strict]\n"
                "rules:\n  SG205: off\n"
            ),
        },
    )
    _, baseline = _check(tmp_path)
    assert [f["severity"] for f in baseline if f["rule"] == "SG205"] == ["info"]
    _, strict = _check(tmp_path, "--policy", "builtin:strict")
    assert [f["severity"] for f in strict if f["rule"] == "SG205"] == ["error"]
    _, relaxed = _check(tmp_path, "--policy", "./relaxed.yaml")
    assert [f for f in relaxed if f["rule"] == "SG205"] == []
    # the rest of strict still applies
    assert {f["severity"] for f in relaxed if f["rule"] == "SG109"} == {"error"}


def test_references_appear_in_json_output(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.yaml": _card("a", 1000, 10)})
    _, plain = _check(tmp_path)
    assert [f["references"] for f in plain if f["rule"] == "SG302"] == [[]]
    _, eu = _check(tmp_path, "--policy", "builtin:eu-ai-act")
    assert [f["references"] for f in eu if f["rule"] == "SG302"] == [["EU AI Act Art. 10(3)"]]
