"""Bounded cost (issue 11): a pull request's strings cannot make a policy's ``pattern`` or
``expr`` run for minutes, ``extends`` diamonds are resolved once per policy file, and a long
``sources`` chain costs linear time with short SG206 messages. The bounds are generous (the
machine is shared); each case took minutes (or gigabytes) before."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from synthgov.core.resources import schema
from synthgov.policy import quickschema
from synthgov.policy.expr import EXPR_COST_LIMIT, compile_expr, expr_cost
from synthgov.policy.regexcost import ANCHORED_LIMIT, UNANCHORED_LIMIT, bounded, subject_limit
from synthgov.policy.resolve import default_reader, resolve
from tests.conftest import run_cli, write_tree

CATASTROPHIC = r"^([a-zA-Z0-9_.-]+)+@acme\.example$"
ALMOST = "a" * 40 + "@acme.example!"  # 40 characters that almost match, then a miss


# --------------------------------------------------------------------------- pattern


def test_a_catastrophic_pattern_is_left_to_jsonschema_rs() -> None:
    schema = {"type": "string", "pattern": CATASTROPHIC}
    start = time.monotonic()
    assert quickschema.prove_valid(schema, ALMOST) is None  # not re's to answer
    assert quickschema.prove_valid(schema, "ok@acme.example") is None
    assert time.monotonic() - start < 5


@pytest.mark.parametrize(
    "pattern",
    [
        CATASTROPHIC,
        r"(a|a)*b",
        r"(a*)*b",
        r"^(a+)+$",
        r"^\d*\d*\d*x$",
        r"^(a|ab)*c$",
        r"^(?=(a+)+b)",
        r"^(.*,)*x$",
        r"x{1,30}x{1,30}y",
    ],
)
def test_patterns_that_backtrack_are_not_bounded(pattern: str) -> None:
    assert not bounded(pattern)


def _schema_patterns(node: object) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                found.append(value)
            if key == "patternProperties" and isinstance(value, dict):
                found.extend(value)
            found.extend(_schema_patterns(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_schema_patterns(value))
    return found


@pytest.mark.parametrize("kind", ["DatasetCard", "Pipeline", "Policy", "Config"])
def test_every_shipped_pattern_stays_on_the_fast_path(kind: str) -> None:
    patterns = _schema_patterns(schema(kind))
    assert patterns or kind == "Pipeline"
    for pattern in patterns:
        assert bounded(pattern), pattern


def test_bounded_patterns_are_fast_on_adversarial_strings() -> None:
    # generated patterns over a small alphabet; every one the check accepts is matched
    # against strings built to make a backtracking engine work, at the length it allows
    import random

    rng = random.Random(11)
    atoms = ["a", "b", "[ab]", ".", r"\d", "(a|b)", "(ab)", "(a+)", "(a*)", "(?:a|bc)", "x"]
    quantifiers = ["", "*", "+", "?", "{2}", "{1,3}", "{2,}"]
    accepted = 0
    slowest = 0.0
    for _ in range(1500):
        body = "".join(rng.choice(atoms) + rng.choice(quantifiers) for _ in range(4))
        pattern = ("^" if rng.random() < 0.5 else "") + body + ("$" if rng.random() < 0.5 else "")
        limit = subject_limit(pattern)
        if not limit:
            continue
        accepted += 1
        compiled = re.compile(pattern)
        for unit in ("a", "ab", "aab", "1", "abc"):
            subject = (unit * limit)[: limit - 1] + "!"
            start = time.perf_counter()
            compiled.search(subject)
            slowest = max(slowest, time.perf_counter() - start)
    assert accepted > 100
    assert slowest < 0.5, slowest  # a few milliseconds here; minutes for a backtracking one


def test_an_unanchored_pattern_is_trusted_with_shorter_strings() -> None:
    assert subject_limit(r"^[a-z]+$") == ANCHORED_LIMIT
    assert subject_limit(r"[a-w]+x") == UNANCHORED_LIMIT
    assert subject_limit(r"^a|b") == UNANCHORED_LIMIT
    assert subject_limit(CATASTROPHIC) == 0
    schema = {"type": "string", "pattern": "[a-w]+x"}
    assert quickschema.prove_valid(schema, "a" * 200 + "x") is True
    assert quickschema.prove_valid(schema, "a" * 300 + "x") is None  # left to jsonschema-rs


def test_a_custom_rule_with_a_catastrophic_pattern_finishes(tmp_path: Path) -> None:
    policy = (
        "apiVersion: synthgov/v1\nkind: Policy\nextends: [builtin:baseline]\ncustom:\n"
        "  - id: ACME010\n    title: Owners are acme addresses\n"
        "    applies_to: {kind: DatasetCard}\n"
        "    require:\n      properties:\n        metadata:\n          properties:\n"
        f"            owner: {{type: string, pattern: '{CATASTROPHIC}'}}\n"
        "    message: The owner must be an acme address.\n"
    )
    card = (
        "apiVersion: synthgov/v1\nkind: DatasetCard\n"
        f"metadata: {{id: one, owner: '{ALMOST}'}}\n"
        "composition: {total_rows: 10, synthetic_rows: 0}\n"
    )
    write_tree(tmp_path, {"policy.yaml": policy, "card.yaml": card})
    start = time.monotonic()
    proc = run_cli(
        "check", "--format", "json", "--policy", "./policy.yaml", "card.yaml", cwd=tmp_path
    )
    assert time.monotonic() - start < 30, "the pattern backtracked"
    assert proc.returncode == 1, proc.stderr
    rules = [f["rule"] for f in json.loads(proc.stdout)["findings"]]
    assert "ACME010" in rules


# --------------------------------------------------------------------------- CEL


NESTED = "card.x.all(a, card.x.all(b, card.x.all(c, a + b + c >= 0)))"


def test_expr_cost_grows_with_nesting_and_list_length() -> None:
    flat = compile_expr("card.x.all(a, a >= 0)", "DatasetCard")
    nested = compile_expr(NESTED, "DatasetCard")
    assert (flat.nesting, nested.nesting) == (1, 3)
    small = {"x": list(range(10))}
    big = {"x": list(range(100))}
    assert expr_cost(flat, big) < EXPR_COST_LIMIT
    assert expr_cost(nested, small) < EXPR_COST_LIMIT
    assert expr_cost(nested, big) > EXPR_COST_LIMIT
    assert expr_cost(nested, big) == expr_cost(nested, big)  # deterministic


def test_a_costly_expression_is_a_finding_not_minutes(tmp_path: Path) -> None:
    policy = (
        "apiVersion: synthgov/v1\nkind: Policy\nextends: [builtin:baseline]\ncustom:\n"
        "  - id: ACME011\n    title: Nested\n    applies_to: {kind: DatasetCard}\n"
        f"    expr: 'has(card.x) ? {NESTED} : true'\n    message: x is bad.\n"
    )
    items = ", ".join(str(i) for i in range(100))
    cheap = ", ".join(str(i) for i in range(5))
    base = "apiVersion: synthgov/v1\nkind: DatasetCard\n"
    write_tree(
        tmp_path,
        {
            "policy.yaml": policy,
            "big.yaml": base + f"metadata: {{id: big}}\nx: [{items}]\n",
            "small.yaml": base + f"metadata: {{id: small}}\nx: [{cheap}]\n",
        },
    )
    start = time.monotonic()
    proc = run_cli(
        "check", "--format", "json", "--select", "ACME011", "--policy", "./policy.yaml",
        ".", cwd=tmp_path,
    )  # fmt: skip
    assert time.monotonic() - start < 30, "the expression ran"
    findings = [f for f in json.loads(proc.stdout)["findings"] if f["rule"] == "ACME011"]
    assert [f["path"] for f in findings] == ["big.yaml"], proc.stdout
    assert "not evaluated" in findings[0]["message"]
    assert "over the limit of 2,000,000" in findings[0]["message"]


# --------------------------------------------------------------------------- extends


def _diamond(root: Path, refs: int = 10, levels: int = 8) -> None:
    """Level i extends the level below ``refs`` times over; the last level sets a rule."""
    files: dict[str, str] = {}
    for level in range(levels):
        entries = ", ".join([f"./l{level + 1}.yaml"] * refs)
        files[f"l{level}.yaml"] = f"apiVersion: synthgov/v1\nkind: Policy\nextends: [{entries}]\n"
    files[f"l{levels}.yaml"] = (
        "apiVersion: synthgov/v1\nkind: Policy\nextends: [builtin:baseline]\n"
        "rules:\n  SG401: warning\n"
    )
    write_tree(root, files)


def test_an_extends_diamond_reads_each_policy_once(tmp_path: Path) -> None:
    from synthgov.plugins.manager import load_registry

    _diamond(tmp_path)
    reads: list[str] = []

    def reader(path: str) -> bytes | None:
        reads.append(path)
        return default_reader(path)

    registry = load_registry()
    start = time.monotonic()
    policy = resolve(
        ["./l0.yaml"],
        origin_label="test",
        origin_dir=str(tmp_path),
        rules=registry.rules,
        reader=reader,
    )
    assert time.monotonic() - start < 10
    assert sorted(os.path.basename(p) for p in reads) == [f"l{i}.yaml" for i in range(9)]
    assert policy.rules["SG401"].severity.label == "warning"


def test_an_extends_diamond_checks_in_seconds(tmp_path: Path) -> None:
    _diamond(tmp_path)
    write_tree(tmp_path, {"card.yaml": "apiVersion: synthgov/v1\nkind: DatasetCard\n"})
    start = time.monotonic()
    proc = run_cli("check", "--policy", "./l0.yaml", "card.yaml", cwd=tmp_path)
    assert time.monotonic() - start < 30
    assert proc.returncode == 1, proc.stderr


def test_a_shared_base_is_applied_before_everything_that_extends_it(tmp_path: Path) -> None:
    # top extends [left, right]; both extend base. base is applied once, first; so left
    # overrides base, and right (later) overrides left
    head = "apiVersion: synthgov/v1\nkind: Policy\n"
    write_tree(
        tmp_path,
        {
            "base.yaml": head + "rules:\n  SG401: info\n  SG402: info\n",
            "left.yaml": head + "extends: [./base.yaml]\nrules:\n  SG401: error\n  SG402: error\n",
            "right.yaml": head + "extends: [./base.yaml]\nrules:\n  SG402: warning\n",
            "top.yaml": head + "extends: [./left.yaml, ./right.yaml]\n",
        },
    )
    from synthgov.plugins.manager import load_registry

    policy = resolve(
        ["./top.yaml"],
        origin_label="test",
        origin_dir=str(tmp_path),
        rules=load_registry().rules,
    )
    assert policy.rules["SG401"].severity.label == "error"  # left over base
    assert policy.rules["SG402"].severity.label == "warning"  # right over left


def test_an_extends_cycle_is_still_an_error(tmp_path: Path) -> None:
    head = "apiVersion: synthgov/v1\nkind: Policy\n"
    write_tree(
        tmp_path,
        {
            "a.yaml": head + "extends: [./b.yaml]\n",
            "b.yaml": head + "extends: [./c.yaml, ./a.yaml]\n",
            "c.yaml": head + "extends: [builtin:baseline]\n",
            "card.yaml": "apiVersion: synthgov/v1\nkind: DatasetCard\n",
        },
    )
    proc = run_cli("check", "--policy", "./a.yaml", "card.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert "extends cycle" in proc.stderr and "a.yaml -> " in proc.stderr


# --------------------------------------------------------------------------- SG206


@pytest.mark.slow
def test_a_long_sources_chain_is_linear_with_short_messages(tmp_path: Path) -> None:
    n = 6000
    files = {
        "d0.yaml": (
            "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: d0}\n"
            "composition: {total_rows: 10, synthetic_rows: 0}\n"
        )
    }
    for i in range(1, n):
        files[f"d{i}.yaml"] = (
            f"apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {{id: d{i}}}\n"
            "composition: {total_rows: 10, synthetic_rows: 10}\n"
            f"sources: [{{dataset: d{i - 1}}}]\n"
            "generation: [{model: gpt-4o-2024-08-06, role: generator}]\n"
        )
    write_tree(tmp_path, files)
    start = time.monotonic()
    proc = run_cli(
        "check", "--no-cache", "--select", "SG206", "--format", "json", ".",
        cwd=tmp_path, timeout=300,
    )  # fmt: skip
    elapsed = time.monotonic() - start
    assert proc.returncode in (0, 1), proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    assert len(findings) == n - 3  # depth 3 and deeper
    longest = max(len(f["message"]) for f in findings)
    assert longest < 1000, longest
    deepest = next(f for f in findings if f["path"] == f"d{n - 1}.yaml")
    assert deepest["message"].startswith(f"synthetic depth {n - 1} exceeds max_depth 2: ")
    assert deepest["message"].endswith(
        f"and so on through {n - 6:,} more generation(s) down to real data"
    )
    assert len(proc.stdout) < 10_000_000
    assert elapsed < 120, elapsed
