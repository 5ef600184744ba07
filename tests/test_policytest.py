"""``synthgov test``: policy unit tests, run as a compliance team would run them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli, write_tree

CARD_NO_OWNER = "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata:\n  id: a\n"
CARD_OK = "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata:\n  id: b\n  owner: x@y.example\n"

OWNER_MUST = "must:\n  - {rule: SG401, file: card.yaml}\n"

ACME_POLICY = """\
apiVersion: synthgov/v1
kind: Policy
extends: [builtin:baseline]
custom:
  - id: ACME010
    title: Training data declares its intended use
    applies_to:
      kind: DatasetCard
      when: {properties: {purpose: {contains: {const: training}}}, required: [purpose]}
    require: {required: [intended_use]}
    message: Training data must say what it is intended for.
"""


def _case(root: Path, name: str, expect: str, **files: str) -> None:
    write_tree(
        root, {f"{name}/expect.yaml": expect, **{f"{name}/{k}": v for k, v in files.items()}}
    )


def test_the_projects_own_policy_cases_pass() -> None:
    proc = run_cli("test", "tests/policy_cases", "-v", cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for pack in ("baseline", "strict", "eu-ai-act"):
        assert f"ok    {pack}/" in proc.stdout, proc.stdout
    assert "0 failed" in proc.stdout


def test_a_correct_expectation_passes(tmp_path: Path) -> None:
    _case(
        tmp_path,
        "owner",
        "must:\n  - {rule: SG401, file: card.yaml, line: 3}\n"
        "must_not:\n  - {rule: SG401, file: ok.yaml}\n",
        **{"card.yaml": CARD_NO_OWNER, "ok.yaml": CARD_OK},
    )
    proc = run_cli("test", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "1 case(s): 1 passed, 0 failed"
    assert "FAIL" not in proc.stdout


def test_a_wrong_expectation_fails_and_says_what(tmp_path: Path) -> None:
    _case(
        tmp_path,
        "good",
        "must:\n  - {rule: SG401, file: card.yaml}\n",
        **{"card.yaml": CARD_NO_OWNER},
    )
    _case(
        tmp_path,
        "wrong-line",
        "must:\n  - {rule: SG401, file: card.yaml, line: 9}\n",
        **{"card.yaml": CARD_NO_OWNER},
    )
    _case(
        tmp_path,
        "not-expected",
        "must_not:\n  - {rule: SG401, file: card.yaml}\n",
        **{"card.yaml": CARD_NO_OWNER},
    )
    _case(
        tmp_path,
        "never-fires",
        "must:\n  - {rule: SG401, file: ok.yaml}\n",
        **{"ok.yaml": CARD_OK},
    )
    proc = run_cli("test", str(tmp_path))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    assert "FAIL  wrong-line" in out
    assert "missing: SG401 card.yaml:9; found instead: SG401 card.yaml:3 [error]" in out
    assert "FAIL  not-expected" in out
    assert "unexpected: SG401 card.yaml:3 [error]" in out
    assert "FAIL  never-fires" in out and "missing: SG401 ok.yaml" in out
    assert "good" not in out  # passing cases are listed only with -v
    assert out.strip().splitlines()[-1] == "4 case(s): 1 passed, 3 failed"
    verbose = run_cli("test", str(tmp_path), "-v")
    assert "ok    good" in verbose.stdout


def test_a_case_with_its_own_config_and_custom_rule(tmp_path: Path) -> None:
    training = "purpose: [training]\n"
    _case(
        tmp_path,
        "custom",
        "must:\n  - {rule: ACME010, file: bare.yaml, line: 1, severity: error}\n"
        "must_not:\n  - {rule: ACME010, file: documented.yaml}\n"
        "  - {rule: ACME010, file: eval.yaml}\n",
        **{
            "synthgov.yaml": "policies: [./policy.yaml]\n",
            "policy.yaml": ACME_POLICY,
            "bare.yaml": CARD_OK + training,
            "documented.yaml": CARD_OK.replace("id: b", "id: c")
            + training
            + "intended_use: intent classification\n",
            "eval.yaml": CARD_OK.replace("id: b", "id: d") + "purpose: [evaluation]\n",
        },
    )
    proc = run_cli("test", str(tmp_path / "custom"))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cases_use_the_config_above_them_and_ignore_its_excludes(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "synthgov.yaml": "policies: [builtin:strict]\nexclude: [policy-tests/**]\n",
            "policy-tests/owner/card.yaml": CARD_OK
            + "composition: {total_rows: 10, synthetic_rows: 10}\n"
            + "generation:\n  - {model: gpt-4o-2024-08-06, rows: 10}\n",
            "policy-tests/owner/expect.yaml": (
                "must:\n  - {rule: SG109, file: card.yaml, severity: error}\n"
            ),
        },
    )
    proc = run_cli("test", "policy-tests", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_waived_findings_count_only_when_asked_for(tmp_path: Path) -> None:
    waived = CARD_NO_OWNER + (
        "governance:\n  waivers:\n    - {rule: SG401, reason: team forming, "
        "approved_by: a@b.example, approved_on: 2026-11-01, expires: 2026-12-01}\n"
    )
    _case(
        tmp_path,
        "waived",
        "must:\n  - {rule: SG401, file: card.yaml, waived: true}\n"
        "must_not:\n  - {rule: SG401, file: card.yaml}\n",
        **{"card.yaml": waived},
    )
    proc = run_cli("test", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("expect", "needle"),
    [
        ("must: [\n", "expect.yaml:"),
        ("- {rule: SG401, file: card.yaml}\n", "must be a mapping"),
        ("mustnt:\n  - {rule: SG401, file: card.yaml}\n", "expect.yaml:1: unknown key 'mustnt'"),
        ("must:\n  - {rule: SG401}\n", "expect.yaml:2: an entry needs file:"),
        ("must:\n  - {rule: SG401, file: card.yaml, line: 0}\n", "line must be"),
        ("must:\n  - {rule: SG401, file: card.yaml, lines: 3}\n", "unknown key 'lines'"),
        ("must_not:\n  - {rule: SG4O1, file: card.yaml}\n", "unknown rule 'SG4O1'"),
        ("must_not:\n  - {rule: SG401, file: crad.yaml}\n", "file 'crad.yaml' is not in the case"),
        ("{}\n", "needs must: or must_not:"),
    ],
)
def test_a_malformed_case_is_exit_2(tmp_path: Path, expect: str, needle: str) -> None:
    _case(tmp_path, "broken", expect, **{"card.yaml": CARD_NO_OWNER})
    _case(
        tmp_path,
        "fine",
        "must:\n  - {rule: SG401, file: card.yaml}\n",
        **{"card.yaml": CARD_NO_OWNER},
    )
    proc = run_cli("test", str(tmp_path))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "ERROR broken:" in proc.stdout and needle in proc.stdout, proc.stdout
    assert "1 passed, 0 failed, 1 malformed" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_a_case_whose_policy_is_broken_is_malformed(tmp_path: Path) -> None:
    _case(
        tmp_path,
        "bad-policy",
        "must:\n  - {rule: SG401, file: card.yaml}\n",
        **{
            "card.yaml": CARD_NO_OWNER,
            "synthgov.yaml": "policies: [./policy.yaml]\n",
            "policy.yaml": "apiVersion: synthgov/v1\nkind: Policy\nrules:\n  SG999: error\n",
        },
    )
    proc = run_cli("test", str(tmp_path))
    assert proc.returncode == 2
    assert "ERROR bad-policy:" in proc.stdout and "policy.yaml:4" in proc.stdout


def test_no_cases_or_no_directory_is_exit_2(tmp_path: Path) -> None:
    empty = run_cli("test", str(tmp_path))
    assert empty.returncode == 2 and "no policy test case" in empty.stderr
    missing = run_cli("test", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "no such directory" in missing.stderr
    # the pre-commit hook passes --allow-empty: no case is a message, not a failure
    allowed = run_cli("test", "--allow-empty", cwd=tmp_path)
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout.startswith("synthgov: .: no policy test case (expect.yaml) found")
    assert allowed.stdout.endswith("; nothing to test\n")
    assert run_cli("test", "--allow-empty", str(tmp_path / "nope")).returncode == 2


def test_default_directory_is_the_working_directory(tmp_path: Path) -> None:
    _case(
        tmp_path, "c", "must:\n  - {rule: SG401, file: card.yaml}\n", **{"card.yaml": CARD_NO_OWNER}
    )
    proc = run_cli("test", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    single = run_cli("test", "c", "-v", cwd=tmp_path)
    assert single.returncode == 0 and "ok    c" in single.stdout
