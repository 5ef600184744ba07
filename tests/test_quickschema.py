"""The pure-Python validity proof (synthgov/policy/quickschema.py) never contradicts jsonschema-rs.

A ``True`` from :func:`prove_valid` lets a run skip jsonschema-rs, so it must only ever be
said of an instance jsonschema-rs accepts; a ``False`` must be an instance it rejects. The
cases: every document in the examples, the rule cases, docs/schemas.md and a generated
benchmark repository against the shipped schemas; hypothesis mutations of those documents;
and random schemas over the modelled keywords with random instances. Example counts follow
``HYPOTHESIS_PROFILE`` (``ci`` by default, ``dev`` for long local runs).
"""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from synthgov.policy import schemacheck
from synthgov.policy.quickschema import prove_valid
from tests.conftest import ROOT
from tests.test_schemas import SCHEMA_FILES, load_schema, load_yaml

DEV = os.environ.get("HYPOTHESIS_PROFILE") == "dev"
MANY = settings(
    max_examples=5000 if DEV else 300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SOME = settings(MANY, max_examples=2000 if DEV else 120)


def _rs_valid(validator: Any, instance: Any) -> bool | None:
    try:
        return bool(validator.is_valid(instance))
    except Exception:  # noqa: BLE001 - what jsonschema-rs cannot take at all
        return None


def _agrees(schema: Any, instance: Any, validator: Any = None) -> bool | None:
    """prove_valid's verdict, asserted against jsonschema-rs when it gives one."""
    verdict = prove_valid(schema, instance)
    if verdict is not None:
        rs = jsonschema_rs.validator_for(schema) if validator is None else validator
        assert _rs_valid(rs, instance) is verdict, (schema, instance, verdict)
    return verdict


# --------------------------------------------------------------------------- real documents


def _kind_of(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    if data.get("kind") in ("DatasetCard", "Pipeline"):
        return str(data["kind"])
    if "rules" in data or "extends" in data or "custom_rules" in data:
        return "Policy"
    if "policies" in data or "paths" in data:
        return "Config"
    return None


def _documents() -> list[tuple[str, str, Any]]:
    """(label, kind, data) of every YAML document the repository ships or tests with."""
    found: list[tuple[str, str, Any]] = []

    def add(label: str, text: str) -> None:
        try:
            data = load_yaml(text)
        except yaml.YAMLError:
            return
        kind = _kind_of(data)
        if kind:
            found.append((label, kind, data))

    for folder in ("examples", "policies", "tests/fixtures"):
        for path in sorted((ROOT / folder).rglob("*.y*ml")):
            add(str(path.relative_to(ROOT)), path.read_text(encoding="utf-8", errors="replace"))
    for path in sorted((ROOT / "tests" / "rule_cases").glob("*.yaml")):
        for case in (load_yaml(path.read_text(encoding="utf-8")) or {}).get("cases", []):
            for name, text in (case.get("files") or {}).items():
                if isinstance(text, str) and name.endswith((".yaml", ".yml")):
                    add(f"{path.name}: {case.get('name')}: {name}", text)
    return found


def _bench_documents(tmp: Path) -> list[tuple[str, str, Any]]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from generate import generate_repo
    finally:
        sys.path.remove(str(ROOT / "bench"))
    repo = generate_repo(tmp / "repo", 150)
    out = []
    for path in sorted(repo.root.rglob("*.yaml")):
        data = load_yaml(path.read_text(encoding="utf-8"))
        kind = _kind_of(data)
        if kind:
            out.append((str(path.relative_to(repo.root)), kind, data))
    return out


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str, Any]]:
    return _documents() + _bench_documents(tmp_path_factory.mktemp("bench"))


@pytest.mark.slow
def test_real_documents_agree_and_most_are_proved(documents: list[tuple[str, str, Any]]) -> None:
    schemas = {kind: load_schema(kind) for kind in SCHEMA_FILES}
    validators = {kind: jsonschema_rs.validator_for(s) for kind, s in schemas.items()}
    verdicts: dict[str, dict[Any, int]] = {kind: {} for kind in SCHEMA_FILES}
    for _label, kind, data in documents:
        verdict = _agrees(schemas[kind], data, validators[kind])
        verdicts[kind][verdict] = verdicts[kind].get(verdict, 0) + 1
    # the proof must actually cover the shipped schemas, or it saves nothing
    for kind in ("DatasetCard", "Pipeline", "Policy", "Config"):
        assert verdicts[kind].get(True, 0) >= 3, (kind, verdicts[kind])
        assert verdicts[kind].get(None, 0) <= verdicts[kind].get(True, 0) // 4, verdicts[kind]
    assert verdicts["DatasetCard"].get(False, 0) >= 3  # the deliberate mistakes are seen


JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 1.0, -1, 2.5, True, False, "", "0"]),
    st.text(max_size=12),
    st.sampled_from(
        [
            "2024-05-01",
            "2024-05-01\n",
            "x-extra",
            "\u0663\u0663\u0663\u0663-01-01",
            "\x1c",
            "\xa0",
            "a\rb",
            "line\u2028sep",
            "\ud800",
            "café",
            "0123456789abcdef" * 4,
            "gpt-4o-2024-08-06",
            "/a/b",
            "SGX",
        ]
    ),
)
JSON = st.recursive(
    JSON_LEAF,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.text(max_size=6) | st.sampled_from(["id", "x-a", "type"]), children, max_size=4
        ),
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.extend(_paths(item, (*prefix, i)))
    return out


@st.composite
def mutated(draw: st.DrawFn, documents: list[tuple[str, str, Any]]) -> tuple[str, Any]:
    _label, kind, data = draw(st.sampled_from(documents))
    data = copy.deepcopy(data)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "delete", "insert", "retype"]))
        if not path:
            continue
        parent: Any = data
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        if action == "delete":
            del parent[last]
        elif action == "insert" and isinstance(parent[last], dict):
            parent[last][draw(st.text(max_size=6) | st.just("x-note"))] = draw(JSON)
        elif action == "insert" and isinstance(parent[last], list):
            parent[last].append(draw(JSON))
        elif action == "retype":
            value = parent[last]
            parent[last] = [value] if not isinstance(value, list) else {"v": value}
        else:
            parent[last] = draw(JSON)
    return kind, data


def test_mutated_documents_agree(documents: list[tuple[str, str, Any]]) -> None:
    schemas = {kind: load_schema(kind) for kind in SCHEMA_FILES}
    validators = {kind: jsonschema_rs.validator_for(s) for kind, s in schemas.items()}

    @MANY
    @given(mutated(documents))
    def check(case: tuple[str, Any]) -> None:
        kind, data = case
        event(f"{kind} verdict {_agrees(schemas[kind], data, validators[kind])}")

    check()


# --------------------------------------------------------------------------- random schemas

PATTERNS = st.sampled_from(
    [
        r"^\d{4}-\d{2}-\d{2}$",
        r"^[a-z0-9][a-z0-9._-]*$",
        r"^(?!SG)[A-Za-z][A-Za-z0-9_-]*$",
        r"^(/.*)?$",
        r"^x-",
        r"a|b",
        r"^.$",
        r"\s",
        r"\w+",
        r"[^a]",
        r"^[0-9a-f]{7,64}$",
        r"(?P<n>a)",
        r"\bword",
        r"\p{L}",
    ]
)
NAMES = st.sampled_from(["id", "name", "x-a", "type", "n"])


def _schemas() -> st.SearchStrategy[Any]:
    def keywords(sub: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
        choices: dict[str, st.SearchStrategy[Any]] = {
            "type": st.sampled_from(
                ["object", "array", "string", "integer", "number", "boolean", "null"]
            )
            | st.lists(
                st.sampled_from(["string", "integer", "null", "number"]),
                min_size=1,
                max_size=3,
                unique=True,
            ),
            "enum": st.lists(JSON_LEAF, min_size=1, max_size=4),
            "const": JSON_LEAF,
            "minLength": st.integers(0, 4),
            "maxLength": st.integers(0, 4),
            "pattern": PATTERNS,
            "minimum": st.integers(-3, 3) | st.floats(-3, 3),
            "maximum": st.integers(-3, 3),
            "exclusiveMinimum": st.integers(-3, 3),
            "exclusiveMaximum": st.floats(-3, 3),
            "properties": st.dictionaries(NAMES, sub, max_size=3),
            "patternProperties": st.dictionaries(PATTERNS, sub, max_size=2),
            "additionalProperties": sub,
            "required": st.lists(NAMES, max_size=3, unique=True),
            "propertyNames": sub,
            "minProperties": st.integers(0, 3),
            "maxProperties": st.integers(0, 3),
            "items": sub,
            "prefixItems": st.lists(sub, min_size=1, max_size=2),
            "minItems": st.integers(0, 3),
            "maxItems": st.integers(0, 3),
            "uniqueItems": st.booleans(),
            "allOf": st.lists(sub, min_size=1, max_size=2),
            "anyOf": st.lists(sub, min_size=1, max_size=2),
            "oneOf": st.lists(sub, min_size=1, max_size=2),
            "not": sub,
            "if": sub,
            "then": sub,
            "else": sub,
            "format": st.sampled_from(["date", "uri", "email", "json-pointer"]),
            "description": st.text(max_size=5),
            "$ref": st.just("#/$defs/a"),
            "multipleOf": st.just(2),
            "contains": sub,
        }
        return st.lists(st.sampled_from(sorted(choices)), max_size=3, unique=True).flatmap(
            lambda names: st.fixed_dictionaries({name: choices[name] for name in names})
        )

    leaf = st.booleans() | st.just({})
    inner = st.recursive(leaf, lambda sub: keywords(sub) | leaf, max_leaves=6)
    return st.tuples(keywords(inner), inner).map(lambda pair: {**pair[0], "$defs": {"a": pair[1]}})


@SOME
@given(_schemas(), st.lists(JSON, min_size=1, max_size=4))
def test_random_schemas_agree(schema: dict[str, Any], instances: list[Any]) -> None:
    try:
        validator = jsonschema_rs.validator_for(schema)
    except Exception:  # noqa: BLE001 - only schemas jsonschema-rs compiles are ever proved
        assume(False)
        return
    for instance in instances:
        event(f"verdict {_agrees(schema, instance, validator)}")


# --------------------------------------------------------------------------- edge cases


@pytest.mark.parametrize(
    ("schema", "instance", "verdict"),
    [
        ({"pattern": "^a$"}, "a", True),
        ({"pattern": "^a$"}, "a\n", None),  # Python's $ matches before a final newline
        ({"pattern": r"^\d$"}, "\u0663", None),  # Python's \d is Unicode, ECMA's ASCII
        ({"pattern": r"^\s$"}, "\x1c", None),
        ({"pattern": "(?P<n>a)"}, "a", None),  # syntax outside the shared subset
        ({"type": "integer"}, 1.0, True),
        ({"type": "integer"}, True, False),
        ({"enum": [1]}, True, False),
        ({"enum": [1]}, 1.0, True),
        ({"const": [1, {"a": False}]}, [1.0, {"a": False}], True),
        ({"uniqueItems": True}, [1, 1.0], False),
        ({"uniqueItems": True}, [1, True], True),
        ({"minLength": 2}, "\U0001f600", False),  # one code point
        ({"type": "string"}, "\ud800", None),  # jsonschema-rs cannot take it
        ({}, {1: "a"}, None),
        ({}, float("nan"), None),
        ({}, 2**80, None),
        ({"type": "string"}, b"bytes", None),
        ({"properties": {"a": {"$id": "x", "type": "string"}}}, {"a": "s"}, None),
        ({"$ref": "other.json#/a"}, 1, None),
        ({"$ref": "#/$defs/a", "$defs": {"a": {"type": "string"}}}, "s", True),
        ({"$ref": "#/$defs/a", "$defs": {"a": {"type": "string"}}}, 1, False),
        ({"unknownKeyword": 1}, 1, None),
        ({"x-mine": 1, "format": "date"}, "not a date", True),
        ({"multipleOf": 2}, 3, None),
        ({"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"minimum": 3}}, "a", False),
        ({"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"minimum": 3}}, 4, True),
        ({"not": {"type": "string", "multipleOf": 2}}, 1, None),  # no verdict through not
        ({"oneOf": [{"type": "integer"}, {"type": "number"}]}, 1, False),
        ({"oneOf": [{"type": "integer"}, {"type": "string"}]}, 1, True),
        ({"prefixItems": [{"type": "string"}], "items": {"type": "integer"}}, ["a", 1, 2], True),
        ({"prefixItems": [{"type": "string"}], "items": {"type": "integer"}}, ["a", "b"], False),
        (
            {
                "properties": {"a": {}},
                "patternProperties": {"^x-": {}},
                "additionalProperties": False,
            },
            {"a": 1, "x-b": 2},
            True,
        ),
        (
            {
                "properties": {"a": {}},
                "patternProperties": {"^x-": {}},
                "additionalProperties": False,
            },
            {"a": 1, "b": 2},
            False,
        ),
        (True, {"anything": [1]}, True),
        (False, None, False),
    ],
)
def test_edge_cases(schema: Any, instance: Any, verdict: bool | None) -> None:
    assert prove_valid(schema, instance) is verdict
    _agrees(schema, instance)


def test_deep_instances_give_no_verdict_instead_of_recursing() -> None:
    deep: Any = "leaf"
    for _ in range(5000):
        deep = [deep]
    assert prove_valid({"items": {}}, deep) is None


# --------------------------------------------------------------------------- the validator


def test_validator_compiles_jsonschema_rs_only_when_the_proof_fails() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    validator = schemacheck.compile_schema(schema, lazy=True)
    assert schemacheck.iter_schema_errors(validator, {"n": 1}) == []
    assert validator._compiled is None
    errors = schemacheck.iter_schema_errors(validator, {"n": "one"})
    assert [(e.pointer, e.keyword) for e in errors] == [(("n",), "type")]
    assert validator._compiled is not None
    assert schemacheck.iter_schema_errors(validator, {"n": 2}) == []  # served by jsonschema-rs


def test_validator_stops_proving_after_its_budget() -> None:
    validator = schemacheck.compile_schema({"type": "string"}, lazy=True)
    for _ in range(schemacheck.PROOF_BUDGET):
        assert schemacheck.is_valid(validator, "s")
    assert validator._compiled is None
    assert schemacheck.is_valid(validator, "s")
    assert validator._compiled is not None


def test_eager_compile_still_rejects_a_bad_schema() -> None:
    with pytest.raises(schemacheck.SchemaInvalid):
        schemacheck.compile_schema({"type": "no-such-type"})
