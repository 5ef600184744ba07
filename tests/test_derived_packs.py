"""The built-in packs derive their per-rule part from the rule classes (issue 12).

``tests/fixtures/packs_before_issue12.json`` is each pack (and both orders of strict with
eu-ai-act) as it resolved from the hand-written per-rule YAML lists, before they were
replaced by ``rules_from``: every rule that existed then must resolve exactly as it did. A
rule added later is checked by the properties the packs promise instead, so adding a rule
needs no edit here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from synthgov.core.errors import PolicyError
from synthgov.core.types import Rule, Severity
from synthgov.plugins.manager import load_registry
from synthgov.policy.derived import derive_rules
from synthgov.policy.resolve import resolve

BEFORE = json.loads(
    (Path(__file__).parent / "fixtures" / "packs_before_issue12.json").read_text("utf-8")
)


def _plain(policy: Any) -> dict[str, Any]:
    return {
        "rules": {
            rule_id: {
                "enabled": s.enabled,
                "severity": s.severity.label,
                "params": s.params,
                "references": list(s.references),
            }
            for rule_id, s in sorted(policy.rules.items())
        },
        "settings": policy.settings,
        "names": list(policy.names),
    }


@pytest.mark.parametrize("combo", sorted(BEFORE))
def test_packs_resolve_as_before_for_every_existing_rule(combo: str) -> None:
    registry = load_registry(entry_points=False)
    policy = resolve(
        tuple(combo.split("+")), origin_label="t", origin_dir=".", rules=registry.rules
    )
    now, before = _plain(policy), BEFORE[combo]
    assert now["settings"] == before["settings"]
    assert now["names"] == before["names"]
    assert set(before["rules"]) <= set(now["rules"]), "a rule disappeared"
    for rule_id, expected in before["rules"].items():
        assert now["rules"][rule_id] == expected, (combo, rule_id)


def test_every_builtin_rule_declares_its_references_on_the_class() -> None:
    registry = load_registry(entry_points=False)
    builtin = {i: r for i, r in registry.rules.items() if r.plugin == "synthgov"}
    missing = sorted(i for i, r in builtin.items() if not r.references)
    assert missing == []
    assert derive_rules("references", registry.rules).keys() == builtin.keys()


class _Plugged(Rule):
    id = "XP001"
    name = "plugged"
    severity = Severity.WARNING
    references = ("EU AI Act Art. 10(3)",)
    plugin = "someplugin"


class _New(Rule):
    id = "SG198"
    name = "brand-new"
    severity = Severity.INFO
    parameters = {"type": "object", "properties": {"limit": {"type": "integer", "default": 3}}}
    references = ("EU AI Act Art. 10(2)(b)",)


def test_a_new_rule_joins_every_pack_without_a_yaml_edit() -> None:
    rules = {**load_registry(entry_points=False).rules, "SG198": _New()}
    strict = resolve(("builtin:strict",), origin_label="t", origin_dir=".", rules=rules)
    eu = resolve(("builtin:eu-ai-act",), origin_label="t", origin_dir=".", rules=rules)
    base = resolve(("builtin:baseline",), origin_label="t", origin_dir=".", rules=rules)
    assert strict.rules["SG198"].severity is Severity.ERROR
    assert strict.rules["SG198"].params == {"limit": 3}
    assert eu.rules["SG198"].references == ("EU AI Act Art. 10(2)(b)",)
    assert eu.rules["SG198"].severity is Severity.INFO
    assert base.rules["SG198"].severity is Severity.INFO


def test_packs_never_name_a_plugin_rule_so_never_opt_it_in() -> None:
    rules = {**load_registry(entry_points=False).rules, "XP001": _Plugged()}
    for pack in ("builtin:baseline", "builtin:strict", "builtin:eu-ai-act"):
        policy = resolve((pack,), origin_label="t", origin_dir=".", rules=rules)
        assert not policy.rules["XP001"].enabled, pack
        assert policy.rules["XP001"].references == (), pack


def test_rules_from_is_refused_in_a_users_policy(tmp_path: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("apiVersion: synthgov/v1\nkind: Policy\nrules_from: references\n")
    rules = load_registry(entry_points=False).rules
    with pytest.raises(PolicyError) as err:
        resolve(("./mine.yaml",), origin_label="t", origin_dir=str(tmp_path), rules=rules)
    assert "rules_from" in str(err.value)
    assert err.value.line == 3


def test_an_unknown_derivation_fails_closed() -> None:
    with pytest.raises(KeyError):
        derive_rules("refrences", {})


def test_the_catalog_hook_regenerates_docs_rules_md(tmp_path: Path) -> None:
    """The project's pre-commit hook writes the catalog `synthgov rules --format markdown`
    prints, and leaves a current file untouched."""
    import subprocess
    import sys

    import yaml

    from tests.conftest import ROOT, run_cli

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    hook = hooks["synthgov-rule-catalog"]
    assert hook["entry"] == "python -m synthgov.app.explain docs/rules.md"
    assert hook["pass_filenames"] is False
    target = tmp_path / "rules.md"
    target.write_text("# stale\n", encoding="utf-8")
    argv = [sys.executable, "-m", "synthgov.app.explain", str(target)]
    first = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert first.returncode == 0, first.stderr
    assert "rewrote" in first.stderr
    assert target.read_text(encoding="utf-8") == run_cli("rules", "--format", "markdown").stdout
    again = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert again.returncode == 0 and again.stderr == ""
