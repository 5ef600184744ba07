"""Policies fail closed: every bad policy is exit 2 with one line naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli, write_tree

CARD = "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: x, owner: a@b.example}\n"


@pytest.mark.parametrize(
    ("policy", "line", "needle"),
    [
        ("rules:\n  SG999: error\n", 5, "unknown rule 'SG999'"),
        ("rules:\n  SG402: {with: {rolez: [x]}}\n", 5, "no parameter 'rolez'"),
        ("rules:\n  SG402: {with: {roles: 3}}\n", 5, "SG402 parameter"),
        ("rules:\n  SG401: {severity: fatal}\n", 5, "fatal"),
        ("rules:\n  SG401: fatal\n", 5, "fatal"),
        ("rules:\n  SG401: {severity: Error}\n", 5, "Error"),
        ("extends: [./missing.yaml]\n", 4, "not found"),
        ("extends: [builtin:nonesuch]\n", 4, "unknown built-in policy"),
        ("extends: [some-plugin-pack]\n", 4, "resolves to nothing"),
        ("rulez: {}\n", 4, "unknown key 'rulez'"),
        (
            "custom:\n  - id: SG900\n    applies_to: {kind: DatasetCard}\n"
            "    require: {required: [purpose]}\n    message: m\n",
            5,
            "SG900",
        ),
        (
            "custom:\n  - id: ACME1\n    applies_to: {kind: DatasetCard}\n"
            "    require: {required: [purpose]}\n    expr: 'true'\n    message: m\n",
            5,
            "ACME1",
        ),
    ],
)
def test_bad_policy_is_exit_2_naming_file_and_line(
    tmp_path: Path, policy: str, line: int, needle: str
) -> None:
    header = "apiVersion: synthgov/v1\nkind: Policy\nmetadata: {name: team}\n"
    write_tree(tmp_path, {"team-policy.yaml": header + policy, "card.yaml": CARD})
    proc = run_cli("check", "--policy", "./team-policy.yaml", ".", cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert f"team-policy.yaml:{line}:" in lines[0]
    assert needle in lines[0]
    assert "Traceback" not in proc.stderr


def test_bad_policy_through_config_extends(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "synthgov.yaml": "policies: [./base.yaml]\n",
            "base.yaml": "apiVersion: synthgov/v1\nkind: Policy\nextends: [./team.yaml]\n",
            "team.yaml": "apiVersion: synthgov/v1\nkind: Policy\nrules:\n  SG1O1: error\n",
            "card.yaml": CARD,
        },
    )
    proc = run_cli("check", cwd=tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "team.yaml:4:" in lines[0] and "SG1O1" in lines[0]


@pytest.mark.parametrize(
    ("files", "where"),
    [
        # an unresolvable entry of the config's `policies` names the config file
        ({"synthgov.yaml": "policies: [builtin:baseline, nonesuch-pack]\n"}, "synthgov.yaml:1:"),
        # an unresolvable `extends` two files deep names the file that holds it
        (
            {
                "synthgov.yaml": "policies: [./base.yaml]\n",
                "base.yaml": "apiVersion: synthgov/v1\nkind: Policy\nextends: [./team.yaml]\n",
                "team.yaml": "apiVersion: synthgov/v1\nkind: Policy\nextends: [./gone.yaml]\n",
            },
            "team.yaml:3:",
        ),
        # a bad severity and an unknown parameter in a pack reached through `extends`
        (
            {
                "synthgov.yaml": "policies: [./base.yaml]\n",
                "base.yaml": "apiVersion: synthgov/v1\nkind: Policy\nextends: [./team.yaml]\n",
                "team.yaml": "apiVersion: synthgov/v1\nkind: Policy\nrules:\n  SG403: loud\n",
            },
            "team.yaml:4:",
        ),
        (
            {
                "synthgov.yaml": "policies: [./base.yaml]\n",
                "base.yaml": "apiVersion: synthgov/v1\nkind: Policy\nextends: [./team.yaml]\n",
                "team.yaml": (
                    "apiVersion: synthgov/v1\nkind: Policy\nrules:\n"
                    "  SG403: {with: {max_day: 90}}\n"
                ),
            },
            "team.yaml:4:",
        ),
    ],
)
def test_bad_policy_anywhere_in_the_chain_names_its_file(
    tmp_path: Path, files: dict[str, str], where: str
) -> None:
    write_tree(tmp_path, {**files, "card.yaml": CARD})
    proc = run_cli("check", cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert where in lines[0], lines[0]
    assert proc.stdout == ""


def test_extends_cycle_is_exit_2(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "synthgov.yaml": "policies: [./a.yaml]\n",
            "a.yaml": "apiVersion: synthgov/v1\nkind: Policy\nextends: [./b.yaml]\n",
            "b.yaml": "apiVersion: synthgov/v1\nkind: Policy\nextends: [./a.yaml]\n",
            "card.yaml": CARD,
        },
    )
    proc = run_cli("check", cwd=tmp_path)
    assert proc.returncode == 2
    assert "cycle" in proc.stderr


def test_bad_config_is_exit_2(tmp_path: Path) -> None:
    write_tree(tmp_path, {"synthgov.yaml": "polices: [builtin:baseline]\n", "card.yaml": CARD})
    proc = run_cli("check", cwd=tmp_path)
    assert proc.returncode == 2
    assert "synthgov.yaml:1:" in proc.stderr and "polices" in proc.stderr


def test_pyproject_config_is_found(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pyproject.toml": '[tool.synthgov]\npolicies = ["./p.yaml"]\n',
            "p.yaml": "apiVersion: synthgov/v1\nkind: Policy\nrules: {SG401: off}\n",
            "card.yaml": CARD.replace(", owner: a@b.example", ""),
        },
    )
    proc = run_cli("check", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SG401" not in proc.stdout


def test_severity_override_and_off(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "synthgov.yaml": "policies: [./p.yaml]\n",
            "p.yaml": (
                "apiVersion: synthgov/v1\nkind: Policy\nextends: [builtin:baseline]\n"
                "rules:\n  SG401: warning\n  SG402: off\n"
            ),
            "card.yaml": "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: x}\n",
        },
    )
    proc = run_cli("check", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout
    assert '"severity": "warning"' in proc.stdout and "SG402" not in proc.stdout
    proc = run_cli("check", "--fail-on", "warning", cwd=tmp_path)
    assert proc.returncode == 1


def test_every_rule_default_satisfies_its_parameter_schema() -> None:
    """The policy engine skips validating `with:` values equal to the defaults, which is
    sound only while every default is valid."""
    import jsonschema

    from synthgov.plugins.manager import load_registry

    rules = load_registry(entry_points=False).rules
    checked = 0
    for rule in rules.values():
        schema = {"type": "object", **(rule.parameters or {})}
        props = schema.get("properties", {})
        defaults = {k: v["default"] for k, v in props.items() if "default" in v}
        jsonschema.Draft202012Validator(schema).validate(defaults)
        checked += bool(defaults)
    assert checked >= 5


def test_a_value_that_only_looks_like_the_default_is_still_validated(tmp_path) -> None:
    from synthgov.policy.ruleentries import same_json

    assert same_json(0.8, 0.8) and same_json(1, 1.0) and same_json(["a"], ["a"])
    assert not same_json(True, 1) and not same_json("0.8", 0.8) and not same_json([1], [True])
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "apiVersion: synthgov/v1\nkind: Policy\nmetadata: {name: p}\n"
        "rules:\n  SG205: {with: {max_share: '0.8'}}\n"
    )
    proc = run_cli("check", "--policy", str(policy), cwd=tmp_path)
    assert proc.returncode == 2 and "p.yaml:5" in proc.stderr, proc.stderr
