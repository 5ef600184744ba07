"""The JSON Schemas in schemas/ and the examples in docs/schemas.md.

Every schema is checked against the draft 2020-12 meta-schema with both jsonschema and
jsonschema-rs, and every case is validated by both libraries, which must agree.
"""

from __future__ import annotations

import copy
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schemas"
DOCS = ROOT / "docs" / "schemas.md"

SCHEMA_FILES = {
    "DatasetCard": "datasetcard.schema.json",
    "Pipeline": "pipeline.schema.json",
    "Policy": "policy.schema.json",
    "Config": "config.schema.json",
}


class _Loader(yaml.SafeLoader):
    """Safe loader that reads like synthgov: dates and yes/no/on/off stay strings."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader subclass


def load_schema(kind: str) -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / SCHEMA_FILES[kind]).read_text(encoding="utf-8"))


_VALIDATORS: dict[str, tuple[Any, Any]] = {}


def validators(kind: str) -> tuple[Any, Any]:
    if kind not in _VALIDATORS:
        schema = load_schema(kind)
        _VALIDATORS[kind] = (
            jsonschema.Draft202012Validator(schema),
            jsonschema_rs.validator_for(schema),
        )
    return _VALIDATORS[kind]


def errors(kind: str, instance: Any) -> set[tuple[tuple[Any, ...], str]]:
    """(instance path, failing keyword) of every error; both libraries must agree."""
    py, rs = validators(kind)
    py_errors = {(tuple(e.absolute_path), str(e.validator)) for e in py.iter_errors(instance)}
    rs_errors = {(tuple(e.instance_path), str(e.schema_path[-1])) for e in rs.iter_errors(instance)}
    assert py_errors == rs_errors, (py_errors, rs_errors)
    assert rs.is_valid(instance) == (not rs_errors)
    return py_errors


# --------------------------------------------------------------------------- the schemas


@pytest.mark.parametrize("kind", sorted(SCHEMA_FILES))
def test_schema_is_valid_draft_2020_12(kind: str) -> None:
    schema = load_schema(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://synthgov.dev/schemas/v1/{SCHEMA_FILES[kind]}"
    assert schema["title"] and schema["description"]
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema_rs.validator_for(schema)
    assert isinstance(jsonschema_rs.validator_for(schema), jsonschema_rs.Draft202012Validator)


def _subschemas(node: Any, pointer: str = "#"):
    """Every schema object inside a schema, with a pointer for messages."""
    if not isinstance(node, dict):
        return
    yield pointer, node
    for key in ("properties", "patternProperties", "$defs"):
        for name, sub in node.get(key, {}).items():
            yield from _subschemas(sub, f"{pointer}/{key}/{name}")
    for key in ("items", "additionalProperties", "then", "else", "if", "not", "propertyNames"):
        if isinstance(node.get(key), dict):
            yield from _subschemas(node[key], f"{pointer}/{key}")
    for key in ("oneOf", "anyOf", "allOf"):
        for index, sub in enumerate(node.get(key, [])):
            yield from _subschemas(sub, f"{pointer}/{key}/{index}")


@pytest.mark.parametrize("kind", sorted(SCHEMA_FILES))
def test_every_property_is_described_and_objects_are_closed(kind: str) -> None:
    for pointer, node in _subschemas(load_schema(kind)):
        for name, sub in node.get("properties", {}).items():
            assert sub.get("description"), f"{pointer}/properties/{name} has no description"
        if "properties" in node:
            # every object with known keys rejects unknown ones and allows x- extensions
            assert node.get("additionalProperties") is False, pointer
            assert "^x-" in node.get("patternProperties", {}), pointer


@pytest.mark.parametrize("kind", sorted(SCHEMA_FILES))
def test_refs_stay_inside_the_schema(kind: str) -> None:
    text = (SCHEMA_DIR / SCHEMA_FILES[kind]).read_text(encoding="utf-8")
    refs = re.findall(r'"\$ref": "([^"]*)"', text)
    assert refs or kind == "Config"
    schema = load_schema(kind)
    for target in refs:
        assert target.startswith("#/$defs/"), target
        assert target.removeprefix("#/$defs/") in schema["$defs"], target


# --------------------------------------------------------------------------- examples

SHA_A = "116f54c41d0405dbb10e7b04ebc31e262a5b8c85c1233fcf36eaee344d91ae58"
SHA_B = "cf07194ee232eb531e15f690000d19846dea69cf05504782658afcfacb9228a2"

# SPEC 3.2, with the "..." placeholders replaced by real values
SPEC_CARD = f"""
apiVersion: synthgov/v1
kind: DatasetCard
metadata:
  id: support-intents-synth-v3
  name: Support intents, synthetic, v3
  version: 3.1.0
  owner: nlp-data@acme.example
  license: cc-by-4.0
  description: Customer-support utterances labelled with intents.
purpose: [training]
intended_use: Fine-tuning the intent classifier.
limitations: English, Spanish and German only.
files:
  - {{path: data/train.jsonl, split: train, sha256: {SHA_A}, size: 48211, rows: 12000}}
composition:
  total_rows: 12000
  synthetic_rows: 9600
sources:
  - {{dataset: tickets-2024}}
  - {{name: public-faq, url: https://faq.acme.example, license: cc-by-4.0, personal_data: false}}
generation:
  - model: gpt-4o-2024-08-06
    role: generator
    rows: 9600
    prompt: {{path: prompts/intents.txt, sha256: {SHA_B}}}
    parameters: {{temperature: 0.9, top_p: 0.95, seed: 7}}
    date: 2024-09-01
    code: {{repo: https://git.acme.example/synth, commit: 3f9c2a1b}}
validation:
  automated:
    - {{check: dedup, tool: text-dedup, coverage: 1.0, pass_rate: 0.97, date: 2024-09-05}}
    - {{check: pii, coverage: 1.0, pass_rate: 0.999, date: 2024-09-05}}
  human_review:
    sample_size: 400
    population: 9600
    reviewers: 3
    agreement: {{metric: cohen_kappa, value: 0.74}}
    error_rate: 0.03
    criteria: [faithfulness, harmful-content, label-correctness]
    date: 2024-09-10
  judge:
    model: claude-3-5-sonnet-20240620
    calibration: {{human_labels: 300, agreement: {{metric: cohen_kappa, value: 0.68}}}}
  contamination:
    - {{against: [support-eval-v2], method: ngram-13, overlap: 0.0004, date: 2024-09-06}}
representation:
  attributes:
    - name: language
      target: {{en: 0.5, es: 0.25, de: 0.25}}
      observed: {{en: 0.52, es: 0.26, de: 0.22}}
      tolerance: 0.05
governance:
  approvals: [{{by: jane@acme.example, role: data-steward, date: 2024-09-12}}]
  waivers:
    - {{rule: SG302, reason: Review in progress, approved_by: jane@acme.example,
       approved_on: 2024-10-01, expires: 2025-03-01}}
"""

# SPEC 3.3
SPEC_PIPELINE = """
apiVersion: synthgov/v1
kind: Pipeline
metadata: {id: support-bot-v4, owner: ml-platform@acme.example}
primary_model:
  id: acme/support-bot-v4
  base: {id: meta-llama/Llama-3.1-8B-Instruct, revision: 0e9e39f2}
stages:
  - {id: gen-train, type: generate, model: gpt-4o-2024-08-06, inputs: [tickets-2024],
     outputs: [support-intents-synth-v3]}
  - {id: gen-eval,  type: generate, model: claude-3-5-sonnet-20240620, outputs: [support-eval-v2]}
  - {id: train,     type: train,    inputs: [support-intents-synth-v3]}
  - {id: judge,     type: evaluate, model: gemini-1.5-pro-002, inputs: [support-eval-v2]}
"""

# SPEC 7, with the "..." placeholders replaced by real values
SPEC_POLICY = """
apiVersion: synthgov/v1
kind: Policy
metadata: {name: acme-data-policy, description: ACME data policy}
extends: [builtin:baseline, ./team-overrides.yaml]
settings:
  diversity: {compare: lineage}
  review: {confidence: 0.95, margin: 0.05}
rules:
  SG205: {severity: error, with: {max_share: 0.6}}
  SG206: off
  SG303: {with: {required: [dedup, pii, toxicity]}}
custom:
  - id: ACME001
    title: Customer-derived data needs a PII scan
    severity: error
    references: ["EU AI Act Art. 10(5)"]
    applies_to:
      kind: DatasetCard
      when: {properties: {sources: {contains: {properties: {personal_data: {const: true}},
             required: [personal_data]}}}}
    require:
      properties: {validation: {properties: {automated: {contains: {properties:
                   {check: {const: pii}}}}}}}
      required: [validation]
    message: Cards whose sources hold personal data must record a PII scan.
  - id: ACME002
    title: Review at least 5% of synthetic rows
    applies_to: {kind: DatasetCard}
    expr: "double(card.validation.human_review.sample_size) >= 0.05 *
      double(card.composition.synthetic_rows)"
    message: Review at least 5% of the synthetic rows.
"""

MINIMAL = {
    "DatasetCard": {"apiVersion": "synthgov/v1", "kind": "DatasetCard", "metadata": {"id": "c"}},
    "Pipeline": {"apiVersion": "synthgov/v1", "kind": "Pipeline", "metadata": {"id": "p"}},
    "Policy": {"apiVersion": "synthgov/v1", "kind": "Policy"},
    "Config": {},
}


def spec_card() -> dict[str, Any]:
    return load_yaml(SPEC_CARD)


def spec_pipeline() -> dict[str, Any]:
    return load_yaml(SPEC_PIPELINE)


def spec_policy() -> dict[str, Any]:
    return load_yaml(SPEC_POLICY)


def test_loader_keeps_dates_and_off_as_strings() -> None:
    card, policy = spec_card(), spec_policy()
    assert card["generation"][0]["date"] == "2024-09-01"
    assert policy["rules"]["SG206"] == "off"


@pytest.mark.parametrize(
    ("kind", "document"),
    [
        ("DatasetCard", SPEC_CARD),
        ("Pipeline", SPEC_PIPELINE),
        ("Policy", SPEC_POLICY),
    ],
    ids=["spec-card", "spec-pipeline", "spec-policy"],
)
def test_spec_examples_validate(kind: str, document: str) -> None:
    assert errors(kind, load_yaml(document)) == set()


@pytest.mark.parametrize("kind", sorted(MINIMAL))
def test_minimal_documents_validate(kind: str) -> None:
    assert errors(kind, MINIMAL[kind]) == set()


def _set(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    document = copy.deepcopy(document)
    node: Any = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return document


def _without(document: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    document = copy.deepcopy(document)
    node: Any = document
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return document


# (kind, document factory, expected errors as (instance path, keyword))
INVALID = {
    "required-apiVersion": (
        "DatasetCard",
        lambda: _without(MINIMAL["DatasetCard"], ("apiVersion",)),
        {((), "required")},
    ),
    "required-metadata-id": (
        "Pipeline",
        lambda: _set(MINIMAL["Pipeline"], ("metadata",), {"name": "p"}),
        {(("metadata",), "required")},
    ),
    "bad-metadata-id": (
        "DatasetCard",
        lambda: _set(MINIMAL["DatasetCard"], ("metadata", "id"), "Bad Id"),
        {(("metadata", "id"), "pattern")},
    ),
    "bad-pipeline-id": (
        "Pipeline",
        lambda: _set(MINIMAL["Pipeline"], ("metadata", "id"), "Bad Id"),
        {(("metadata", "id"), "pattern")},
    ),
    "wrong-kind": (
        "DatasetCard",
        lambda: _set(MINIMAL["DatasetCard"], ("kind",), "Pipeline"),
        {(("kind",), "const")},
    ),
    "wrong-api-version": (
        "Policy",
        lambda: _set(MINIMAL["Policy"], ("apiVersion",), "synthgov/v2"),
        {(("apiVersion",), "const")},
    ),
    "unknown-top-level-key": (
        "DatasetCard",
        lambda: _set(spec_card(), ("licence",), "cc-by-4.0"),
        {((), "additionalProperties")},
    ),
    "unknown-nested-key": (
        "DatasetCard",
        lambda: _set(spec_card(), ("files", 0, "checksum"), SHA_A),
        {(("files", 0), "additionalProperties")},
    ),
    "unknown-model-ref-key": (
        "Pipeline",
        lambda: _set(spec_pipeline(), ("primary_model", "base", "rev"), "abc"),
        {(("primary_model", "base"), "additionalProperties")},
    ),
    "model-ref-without-id": (
        "DatasetCard",
        lambda: _set(spec_card(), ("generation", 0, "model"), {"revision": "abc"}),
        {(("generation", 0, "model"), "required")},
    ),
    "bad-sha256": (
        "DatasetCard",
        lambda: _set(spec_card(), ("files", 0, "sha256"), "ABC123"),
        {(("files", 0, "sha256"), "pattern")},
    ),
    "negative-size": (
        "DatasetCard",
        lambda: _set(spec_card(), ("files", 0, "size"), -1),
        {(("files", 0, "size"), "minimum")},
    ),
    "fractional-rows": (
        "DatasetCard",
        lambda: _set(spec_card(), ("files", 0, "rows"), 1.5),
        {(("files", 0, "rows"), "type")},
    ),
    "file-without-path": (
        "DatasetCard",
        lambda: _without(spec_card(), ("files", 0, "path")),
        {(("files", 0), "required")},
    ),
    "bad-purpose": (
        "DatasetCard",
        lambda: _set(spec_card(), ("purpose",), ["training", "testing"]),
        {(("purpose", 1), "enum")},
    ),
    "bad-role": (
        "DatasetCard",
        lambda: _set(spec_card(), ("generation", 0, "role"), "author"),
        {(("generation", 0, "role"), "enum")},
    ),
    "bad-agreement-metric": (
        "DatasetCard",
        lambda: _set(spec_card(), ("validation", "human_review", "agreement", "metric"), "kappa"),
        {(("validation", "human_review", "agreement", "metric"), "enum")},
    ),
    "share-above-one": (
        "DatasetCard",
        lambda: _set(spec_card(), ("validation", "automated", 0, "pass_rate"), 97),
        {(("validation", "automated", 0, "pass_rate"), "maximum")},
    ),
    "overlap-below-zero": (
        "DatasetCard",
        lambda: _set(spec_card(), ("validation", "contamination", 0, "overlap"), -0.1),
        {(("validation", "contamination", 0, "overlap"), "minimum")},
    ),
    "synthetic-fraction-above-one": (
        "DatasetCard",
        lambda: _set(spec_card(), ("composition", "synthetic_fraction"), 1.2),
        {(("composition", "synthetic_fraction"), "maximum")},
    ),
    "bad-date": (
        "DatasetCard",
        lambda: _set(spec_card(), ("generation", 0, "date"), "01/09/2024"),
        {(("generation", 0, "date"), "pattern")},
    ),
    "date-not-a-string": (
        "DatasetCard",
        lambda: _set(spec_card(), ("governance", "waivers", 0, "expires"), 20250301),
        {(("governance", "waivers", 0, "expires"), "type")},
    ),
    "empty-contamination-against": (
        "DatasetCard",
        lambda: _set(spec_card(), ("validation", "contamination", 0, "against"), []),
        {(("validation", "contamination", 0, "against"), "minItems")},
    ),
    "bad-stage-type": (
        "Pipeline",
        lambda: _set(spec_pipeline(), ("stages", 0, "type"), "deploy"),
        {(("stages", 0, "type"), "enum")},
    ),
    "stage-without-type": (
        "Pipeline",
        lambda: _without(spec_pipeline(), ("stages", 2, "type")),
        {(("stages", 2), "required")},
    ),
    "primary-model-without-id": (
        "Pipeline",
        lambda: _without(spec_pipeline(), ("primary_model", "id")),
        {(("primary_model",), "required")},
    ),
    "custom-rule-sg-id": (
        "Policy",
        lambda: _set(spec_policy(), ("custom", 0, "id"), "SG999"),
        {(("custom", 0, "id"), "pattern")},
    ),
    "custom-rule-require-and-expr": (
        "Policy",
        lambda: _set(spec_policy(), ("custom", 0, "expr"), "true"),
        {(("custom", 0), "oneOf")},
    ),
    "custom-rule-neither-require-nor-expr": (
        "Policy",
        lambda: _without(spec_policy(), ("custom", 1, "expr")),
        {(("custom", 1), "oneOf")},
    ),
    "custom-rule-without-message": (
        "Policy",
        lambda: _without(spec_policy(), ("custom", 1, "message")),
        {(("custom", 1), "required")},
    ),
    "custom-rule-bad-kind": (
        "Policy",
        lambda: _set(spec_policy(), ("custom", 1, "applies_to", "kind"), "Policy"),
        {(("custom", 1, "applies_to", "kind"), "enum")},
    ),
    "bad-severity-shorthand": (
        "Policy",
        lambda: _set(spec_policy(), ("rules", "SG206"), "fatal"),
        {(("rules", "SG206"), "enum")},
    ),
    "bad-severity": (
        "Policy",
        lambda: _set(spec_policy(), ("rules", "SG205", "severity"), "fatal"),
        {(("rules", "SG205", "severity"), "enum")},
    ),
    "bad-custom-severity": (
        "Policy",
        lambda: _set(spec_policy(), ("custom", 0, "severity"), "fatal"),
        {(("custom", 0, "severity"), "enum")},
    ),
    "bad-rule-id-key": (
        "Policy",
        lambda: _set(spec_policy(), ("rules", "SG 205"), "off"),
        {(("rules",), "pattern")},  # both libraries report propertyNames by its subschema
    ),
    "unknown-rule-config-key": (
        "Policy",
        lambda: _set(spec_policy(), ("rules", "SG205", "params"), {}),
        {(("rules", "SG205"), "additionalProperties")},
    ),
    "unknown-setting": (
        "Policy",
        lambda: _set(spec_policy(), ("settings", "divresity"), {}),
        {(("settings",), "additionalProperties")},
    ),
    "bad-compare": (
        "Policy",
        lambda: _set(spec_policy(), ("settings", "diversity", "compare"), "family"),
        {(("settings", "diversity", "compare"), "enum")},
    ),
    "confidence-of-one": (
        "Policy",
        lambda: _set(spec_policy(), ("settings", "review", "confidence"), 1),
        {(("settings", "review", "confidence"), "exclusiveMaximum")},
    ),
    "config-unknown-key": (
        "Config",
        lambda: {"policy": ["builtin:baseline"]},
        {((), "additionalProperties")},
    ),
    "config-bad-fail-on": (
        "Config",
        lambda: {"fail_on": "fatal"},
        {(("fail_on",), "enum")},
    ),
    "config-bad-format": (
        "Config",
        lambda: {"format": "pdf"},
        {(("format",), "enum")},
    ),
    "config-bad-plugin": (
        "Config",
        lambda: {"plugins": ["./plugins/acme.py"]},
        {(("plugins", 0), "pattern")},
    ),
    "config-model-entry-without-match": (
        "Config",
        lambda: {"models": [{"provider": "acme", "family": "acme-lm"}]},
        {(("models", 0), "required")},
    ),
    "config-bad-limit": (
        "Config",
        lambda: {"limits": {"max_bytes": 0}},
        {(("limits", "max_bytes"), "minimum")},
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_documents_fail(case: str) -> None:
    kind, make, expected = INVALID[case]
    assert errors(kind, make()) == expected


VALID_VARIANTS = {
    "x-key-top-level": ("DatasetCard", lambda: _set(spec_card(), ("x-team",), "foo")),
    "x-key-in-metadata": ("DatasetCard", lambda: _set(spec_card(), ("metadata", "x-team"), "foo")),
    "x-key-in-file": ("DatasetCard", lambda: _set(spec_card(), ("files", 0, "x-team"), "foo")),
    "x-key-deep": (
        "DatasetCard",
        lambda: _set(
            spec_card(), ("validation", "judge", "calibration", "agreement", "x-team"), "foo"
        ),
    ),
    "x-key-in-waiver": (
        "DatasetCard",
        lambda: _set(spec_card(), ("governance", "waivers", 0, "x-team"), {"any": ["thing"]}),
    ),
    "x-key-in-stage": ("Pipeline", lambda: _set(spec_pipeline(), ("stages", 0, "x-team"), "foo")),
    "x-key-in-model-ref": (
        "Pipeline",
        lambda: _set(spec_pipeline(), ("primary_model", "base", "x-team"), "foo"),
    ),
    "x-key-in-policy": ("Policy", lambda: _set(spec_policy(), ("x-team",), "foo")),
    "x-key-in-custom-rule": (
        "Policy",
        lambda: _set(spec_policy(), ("custom", 0, "x-team"), "foo"),
    ),
    "x-key-in-rules": ("Policy", lambda: _set(spec_policy(), ("rules", "x-team"), {"a": 1})),
    "x-key-in-config": ("Config", lambda: {"x-team": "foo", "cache": {"x-team": "foo"}}),
    "free-form-parameters": (
        "DatasetCard",
        lambda: _set(
            spec_card(),
            ("generation", 0, "parameters"),
            {"max_tokens": 512, "stop": ["\n"], "response_format": {"type": "json"}},
        ),
    ),
    "model-ref-mapping": (
        "DatasetCard",
        lambda: _set(
            spec_card(),
            ("generation", 0, "model"),
            {"id": "meta-llama/Llama-3.1-70B-Instruct", "revision": "945c8663", "family": "llama"},
        ),
    ),
    "contamination-against-single-id": (
        "DatasetCard",
        lambda: _set(spec_card(), ("validation", "contamination", 0, "against"), "eval-v2"),
    ),
    "waiver-with-scope": (
        "Pipeline",
        lambda: _set(
            spec_pipeline(),
            ("governance",),
            {"waivers": [{"rule": "SG207", "scope": "/stages/0", "expires": "2025-01-01"}]},
        ),
    ),
    "empty-waiver": ("DatasetCard", lambda: _set(spec_card(), ("governance", "waivers"), [{}])),
    "severity-shorthand": ("Policy", lambda: _set(spec_policy(), ("rules", "SG103"), "error")),
    "severity-off-in-mapping": (
        "Policy",
        lambda: _set(spec_policy(), ("rules", "SG205"), {"severity": "off"}),
    ),
    "custom-rule-lowercase-id": (
        "Policy",
        lambda: _set(spec_policy(), ("custom", 0, "id"), "acme-pii"),
    ),
    "config-full": (
        "Config",
        lambda: {
            "policies": ["builtin:strict"],
            "plugins": ["acme.rules", "acme_plugin"],
            "models": [{"match": ["a-*", "b-*"], "pinned": True, "derived_from": ["llama"]}],
            "fail_on": "warning",
            "cache": {"enabled": False, "dir": ".cache"},
            "limits": {"max_bytes": 1024, "max_depth": 10},
        },
    ),
}


@pytest.mark.parametrize("case", sorted(VALID_VARIANTS))
def test_valid_variants_pass(case: str) -> None:
    kind, make = VALID_VARIANTS[case]
    assert errors(kind, make()) == set()


# --------------------------------------------------------------------------- docs/schemas.md

_API_VERSION = re.compile(r"^apiVersion:\s*[\"']?synthgov/v1[\"']?\s*(?:#.*)?$", re.M)
_FENCE = re.compile(r"(?:<!-- schema: (\w+) -->\n)?```(\w+)\n(.*?)```", re.DOTALL)


def doc_examples() -> list[tuple[str, str, str]]:
    """(kind, language, text) of every example in docs/schemas.md that names its schema."""
    examples = []
    for marker, language, body in _FENCE.findall(DOCS.read_text(encoding="utf-8")):
        if marker:
            examples.append((marker.capitalize(), language, body))
        elif language == "yaml" and _API_VERSION.search(body):
            examples.append((load_yaml(body)["kind"], language, body))
    return examples


def test_docs_have_one_example_of_each_kind() -> None:
    yaml_kinds = sorted(kind for kind, language, _ in doc_examples() if language == "yaml")
    assert yaml_kinds == sorted(SCHEMA_FILES)


@pytest.mark.parametrize(
    ("kind", "language", "body"),
    doc_examples(),
    ids=[f"{kind}-{language}" for kind, language, _ in doc_examples()],
)
def test_docs_examples_validate(kind: str, language: str, body: str) -> None:
    if language == "toml":
        instance = tomllib.loads(body)["tool"]["synthgov"]
    else:
        instance = load_yaml(body)
    assert errors(kind, instance) == set()
