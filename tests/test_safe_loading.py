"""Safe YAML / JSON loading: scalar rules, duplicates, limits, positions, never raising."""

from __future__ import annotations

import json
import math

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synthgov.core.types import FileProblem, Position
from synthgov.repo.parsing import safeyaml
from synthgov.repo.parsing.jsonpos import load_json
from synthgov.repo.parsing.limits import DEFAULT_LIMITS, MIB, Limits, size_problem
from synthgov.repo.parsing.safeyaml import Parsed, decode, load_yaml, load_yaml_text

PARSERS = [
    pytest.param(safeyaml.PURE_PARSER, id="pure"),
    pytest.param(
        safeyaml.C_PARSER,
        id="libyaml",
        marks=pytest.mark.skipif(safeyaml.C_PARSER is None, reason="no libyaml"),
    ),
]


def load(text: str, parser=safeyaml.DEFAULT_PARSER, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    return safeyaml.load_with(text, limits, 0, parser)


def fatal(parsed: Parsed) -> FileProblem:
    assert not parsed.ok
    assert parsed.data is None
    assert len(parsed.problems) == 1, parsed.problems
    problem = parsed.problems[0]
    assert problem.rule == "SG001"
    return problem


def billion_laughs(levels: int = 9, fanout: int = 9) -> str:
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*a{level - 1}"] * fanout)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    return "\n".join(lines) + "\n"


# -- scalars ---------------------------------------------------------------------------------

SCALARS = [
    # stays a string
    ("2024-01-05", "2024-01-05"),
    ("2024-01-05T10:00:00Z", "2024-01-05T10:00:00Z"),
    ("NO", "NO"),
    ("no", "no"),
    ("yes", "yes"),
    ("on", "on"),
    ("Off", "Off"),
    ("y", "y"),
    ("0755", "0755"),
    ("12:30", "12:30"),
    ("1_000", "1_000"),
    ("1.2.0", "1.2.0"),
    ("0b101", "0b101"),
    ("+", "+"),
    ("-a", "-a"),
    (".", "."),
    ("nulls", "nulls"),
    ("tRUE", "tRUE"),
    ("0x", "0x"),
    ("=", "="),
    # resolves
    ("true", True),
    ("True", True),
    ("TRUE", True),
    ("false", False),
    ("FALSE", False),
    ("null", None),
    ("Null", None),
    ("~", None),
    ("", None),
    ("0", 0),
    ("12", 12),
    ("-12", -12),
    ("+7", 7),
    ("0o17", 15),
    ("0x1F", 31),
    ("1.5", 1.5),
    ("-1.5", -1.5),
    ("1e3", 1000.0),
    ("1.", 1.0),
    (".5", 0.5),
    ("1.10", 1.1),
    (".inf", math.inf),
    ("-.Inf", -math.inf),
]


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize(("text", "expected"), SCALARS)
def test_plain_scalars(parser, text, expected):
    parsed = load(f"value: {text}\n", parser)
    assert parsed.ok and parsed.problems == ()
    value = parsed.data["value"]
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize("parser", PARSERS)
def test_nan(parser):
    assert math.isnan(load("v: .nan\n", parser).data["v"])


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("text", ["'12'", '"true"', "'null'", "''", '"2024-01-05"', "|\n  12\n"])
def test_quoted_and_block_scalars_stay_strings(parser, text):
    value = load(f"v: {text}\n", parser).data["v"]
    assert isinstance(value, str)


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!!str 12", "12"),
        ("!!str true", "true"),
        ("! 12", "12"),
        ("!!int '12'", 12),
        ("!!int 0755", 755),
        ("!!float 1", 1.0),
        ("!!bool 'true'", True),
        ("!!null ''", None),
        ("!!map {a: 1}", {"a": 1}),
        ("!!seq [1]", [1]),
    ],
)
def test_core_tags_are_honoured(parser, text, expected):
    parsed = load(f"v: {text}\n", parser)
    assert parsed.ok, parsed.problems
    assert parsed.data["v"] == expected
    assert type(parsed.data["v"]) is type(expected)


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('!!python/object/apply:os.system ["echo hi"]', "unsupported tag !!python/object/apply"),
        ("a: !!python/name:os.system", "unsupported tag !!python/name:os.system at line 1"),
        ("a: !!python/object:builtins.dict {}", "unsupported tag !!python/object:builtins.dict"),
        ("a: !!timestamp 2024-01-05", "unsupported tag !!timestamp"),
        ("a: !!binary aGk=", "unsupported tag !!binary"),
        ("!!set {a, b}", "unsupported tag !!set"),
        ("a: !custom x", "unsupported tag !custom"),
        ("a: !!int abc", "invalid !!int value 'abc'"),
        ("a: !!map [1]", "tag !!map on a sequence"),
    ],
)
def test_other_tags_are_rejected(parser, text, message):
    assert message in fatal(load(text + "\n", parser)).message


def test_python_tags_run_nothing(tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    monkeypatch.chdir(tmp_path)
    raw = f'!!python/object/apply:os.system ["touch {marker}"]\n'.encode()
    problem = fatal(load_yaml(raw))
    assert problem.message.startswith("unsupported tag !!python/object/apply:os.system")
    assert (problem.line, problem.column) == (1, 1)
    assert not marker.exists()


@pytest.mark.parametrize("parser", PARSERS)
def test_keys_become_strings(parser):
    parsed = load("1: a\ntrue: b\nnull: c\n1.5: d\n0x10: e\n'x': f\n", parser)
    assert parsed.data == {"1": "a", "true": "b", "null": "c", "1.5": "d", "16": "e", "x": "f"}


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize(
    "text", ["? [a]\n: 1\n", "{[a]: 1}\n", "? {a: 1}\n: 2\n", "a: &x [1]\n*x : 2\n"]
)
def test_complex_keys_are_rejected(parser, text):
    assert "mapping keys must be scalars" in fatal(load(text, parser)).message


# -- duplicates, anchors, merges -------------------------------------------------------------


@pytest.mark.parametrize("parser", PARSERS)
def test_duplicate_key(parser):
    text = "kind: DatasetCard\nmetadata:\n  license: MIT\n  owner: x\n  license: proprietary\n"
    parsed = load(text, parser)
    assert parsed.ok
    assert parsed.data["metadata"]["license"] == "proprietary"
    (problem,) = parsed.problems
    assert problem.rule == "SG003"
    assert problem.message == "duplicate key 'license' (first defined at line 3)"
    assert (problem.line, problem.column) == (5, 3)
    assert problem.pointer == ("metadata", "license")
    assert parsed.positions[("metadata", "license")] == Position(5, 12)


@pytest.mark.parametrize("parser", PARSERS)
def test_duplicate_block_key_forgets_old_positions(parser):
    parsed = load("a:\n  x: 1\nb: 2\na:\n  y: 2\n", parser)
    assert parsed.data == {"a": {"y": 2}, "b": 2}
    assert [p.line for p in parsed.problems] == [4]
    assert ("a", "x") not in parsed.positions
    assert parsed.positions[("a",)] == Position(4, 1)
    assert parsed.positions[("a", "y")] == Position(5, 6)


@pytest.mark.parametrize("parser", PARSERS)
def test_aliases_and_merge_keys(parser):
    text = (
        "base: &b {x: 1, y: 2}\n"
        "other: &o {y: 3, w: 4}\n"
        "m:\n"
        "  y: 5\n"
        "  <<: [*b, *o]\n"
        "  z: *b\n"
        "  w: 6\n"
    )
    parsed = load(text, parser)
    assert parsed.ok and parsed.problems == ()
    assert parsed.data["m"] == {"y": 5, "x": 1, "w": 6, "z": {"x": 1, "y": 2}}
    assert json.loads(json.dumps(parsed.data)) == parsed.data
    assert parsed.positions[("m", "x")] == Position(5, 3)  # the merge key
    assert parsed.positions[("m", "z")] == Position(6, 6)  # the alias


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &x [1, *x]\n", "recursive alias *x at line 1"),
        ("a: *nope\n", "unknown alias *nope at line 1"),
        ("a: &a 1\nb:\n  <<: *a\n", "merge key << expects a mapping"),
    ],
)
def test_bad_aliases(parser, text, message):
    assert message in fatal(load(text, parser)).message


@pytest.mark.parametrize("parser", PARSERS)
def test_billion_laughs_is_stopped_by_the_node_limit(parser):
    problem = fatal(load(billion_laughs(), parser))
    assert problem.message == "alias expansion exceeds 1000000 nodes (possible billion laughs)"
    assert problem.line > 1


@pytest.mark.parametrize("parser", PARSERS)
def test_expanded_count_is_exact(parser):
    # Every key and value counts, aliases as often as used: the root, then per level a key
    # and a sequence of 3 copies of the level below (2, 7, 22, 67 nodes): 1 + 3 + 8 + 23 + 68.
    text = billion_laughs(3, 3)
    assert load(text, parser, Limits(max_nodes=103)).ok
    assert not load(text, parser, Limits(max_nodes=102)).ok


# -- limits and robustness -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"[" * 50_000 + b"]" * 50_000, id="flow-50k"),
        pytest.param(b"a: " + b"{a: " * 50_000, id="flow-mapping-50k"),
        pytest.param(b"- " * 50_000 + b"x\n", id="block-sequence-50k"),
        pytest.param(b"".join(b" " * i + b"a:\n" for i in range(2_000)), id="block-mapping"),
    ],
)
def test_deep_nesting_is_rejected(raw):
    problem = fatal(load_yaml(raw))
    assert problem.message == "nesting deeper than 64 levels"


@pytest.mark.parametrize("parser", PARSERS)
def test_depth_limit_is_exact(parser):
    assert load("[" * 64 + "]" * 64, parser).ok
    assert not load("[" * 65 + "]" * 65, parser).ok
    nested = "".join("  " * i + "a:\n" for i in range(63)) + "  " * 63 + "b: 1\n"
    assert load(nested, parser).ok
    too_deep = "".join("  " * i + "a:\n" for i in range(64)) + "  " * 64 + "b: 1\n"
    problem = fatal(load(too_deep, parser))
    assert (problem.message, problem.line) == ("nesting deeper than 64 levels", 65)


def test_prescan_ignores_balanced_brackets():
    # 200 bracket pairs, but never more than two levels deep
    parsed = load_yaml(("a: [" + "[x], " * 200 + "]\n").encode())
    assert parsed.ok and len(parsed.data["a"]) == 200


def test_alias_depth_counts():
    text = "a: &a " + "[" * 40 + "]" * 40 + "\nb: " + "[" * 30 + "*a" + "]" * 30 + "\n"
    assert "nesting deeper" in fatal(load_yaml(text.encode())).message


@pytest.mark.parametrize(
    ("raw", "message", "line", "column"),
    [
        (
            "a: 1\nb: 2\nc: caf\xe9\n".encode("latin-1"),
            "not valid UTF-8 text: invalid byte 0xe9 at offset 16 (line 3)",
            3,
            7,
        ),
        (b"a: b\x00c\n", "not valid YAML text: a control character U+0000 at line 1", 1, 5),
        ("a: 1\n".encode("utf-16"), "the file starts with a UTF-16 byte order mark", 1, 1),
        ("a: 1\n".encode("utf-32"), "the file starts with a UTF-32 byte order mark", 1, 1),
        (b"a: 1\n---\nb: 2\n", "expected a single YAML document, found another at line 2", 2, 1),
        (b"a: b: c\n", "YAML parse error: mapping values are not allowed", 1, 5),
        (b"a: [1, 2\n", "YAML parse error:", 2, 1),
    ],
)
def test_fatal_problems(raw, message, line, column):
    problem = fatal(load_yaml(raw))
    assert message in problem.message
    assert (problem.line, problem.column) == (line, column)


def test_utf8_bom_is_stripped():
    assert load_yaml(b"\xef\xbb\xbfa: 1\n").data == {"a": 1}
    assert decode(b"\xef\xbb\xbfa") == "a"
    assert decode("é".encode()) == "é"


def test_lone_surrogate_in_text():
    problem = fatal(load_yaml_text("a: 1\nb: \ud800\n"))
    assert problem.message == "not valid YAML text: a lone surrogate U+D800 at line 2"
    assert (problem.line, problem.column) == (2, 4)


def test_size_limit():
    raw = b"a" * (12 * MIB)
    problem = fatal(load_yaml(raw))
    assert problem.message == "file is 12.0 MB, larger than the 10 MB limit"
    assert fatal(load_json(raw)).message == problem.message
    assert size_problem(10 * MIB) is None
    assert size_problem(2048, Limits(max_bytes=1024)).message == (
        "file is 2.0 KB, larger than the 1 KB limit"
    )


def test_scalar_and_node_limits():
    assert (
        "longer than 10 characters"
        in fatal(load_yaml(b"a: " + b"x" * 11 + b"\n", Limits(max_scalar=10))).message
    )
    assert load_yaml(b"a: " + b"x" * 10 + b"\n", Limits(max_scalar=10)).ok
    flat = ("a: [" + ", ".join(["1"] * 20) + "]\n").encode()
    assert fatal(load_yaml(flat, Limits(max_nodes=10))).message == "document has more than 10 nodes"


@pytest.mark.parametrize("raw", [b"", b"# only a comment\n", b"---\n", b"---\n...\n", b"\n\n"])
def test_empty_documents(raw):
    parsed = load_yaml(raw)
    assert parsed.ok and parsed.data is None and parsed.problems == ()


def test_unexpected_exception_becomes_sg001():
    def broken_parser(text: str):
        raise ZeroDivisionError("boom")

    problem = fatal(safeyaml.load_with("a: 1", DEFAULT_LIMITS, 0, broken_parser))
    assert problem.message == "could not parse: ZeroDivisionError: boom"


# -- positions -------------------------------------------------------------------------------

CARD = """\
apiVersion: synthgov/v1
kind: DatasetCard
metadata:
  id: ds-1
  owner: x
  tags: [a, b]
generators:
  - {model: m1, provider: p}
  - model: m2
    parameters:
      temperature: 0.7
  - plain
description: >
  folded
"""


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize(
    ("pointer", "line", "column"),
    [
        ((), 1, 1),
        (("apiVersion",), 1, 13),
        (("metadata",), 3, 1),  # block mapping: the key
        (("metadata", "owner"), 5, 10),  # scalar: the value
        (("metadata", "tags"), 6, 9),  # flow sequence: the `[`
        (("metadata", "tags", 1), 6, 13),
        (("generators",), 7, 1),
        (("generators", 0), 8, 5),  # flow mapping in a list: the `{`
        (("generators", 0, "provider"), 8, 27),
        (("generators", 1), 9, 5),  # block mapping in a list: the item
        (("generators", 1, "parameters"), 10, 5),
        (("generators", 1, "parameters", "temperature"), 11, 20),
        (("generators", 2), 12, 5),
        (("description",), 13, 14),
    ],
)
def test_positions(parser, pointer, line, column):
    parsed = load(CARD, parser)
    assert parsed.ok and parsed.problems == ()
    assert parsed.positions[pointer] == Position(line, column)


@pytest.mark.parametrize("parser", PARSERS)
def test_every_pointer_has_a_position(parser):
    from synthgov.core.types import walk

    parsed = load(CARD, parser)
    assert {pointer for pointer, _ in walk(parsed.data)} == set(parsed.positions)


def test_line_offset():
    parsed = load_yaml_text("a: 1\nb:\n  c: 2\n", line_offset=3)
    assert parsed.positions == {
        (): Position(4, 1),
        ("a",): Position(4, 4),
        ("b",): Position(5, 1),
        ("b", "c"): Position(6, 6),
    }
    assert fatal(load_yaml_text("a: 1\nb: c: d\n", line_offset=3)).line == 5
    dup = load_yaml_text("a: 1\na: 2\n", line_offset=10).problems[0]
    assert (dup.line, dup.message) == (12, "duplicate key 'a' (first defined at line 11)")


@pytest.mark.skipif(safeyaml.C_PARSER is None, reason="no libyaml")
def test_same_data_as_csafeloader_on_plain_cards():
    text = CARD + "numbers: [1, -2, 3.5, 0, 1.0e+3]\nflags: [true, false, null]\n"
    assert load(text).data == yaml.load(text, Loader=yaml.CSafeLoader)


# -- JSON ------------------------------------------------------------------------------------

JSON_DOC = """\
{
  "name": "x",
  "meta": {"a": [1, {"b": null}], "c": "d\\u00e9"},
  "list": [
    {"k": 1},
    [], {}
  ],
  "esc\\"aped": true
}"""


@pytest.mark.parametrize(
    ("pointer", "line", "column"),
    [
        ((), 1, 1),
        (("name",), 2, 11),
        (("meta",), 3, 3),  # container value of a key: the key's quote
        (("meta", "a"), 3, 12),
        (("meta", "a", 0), 3, 18),
        (("meta", "a", 1), 3, 21),
        (("meta", "a", 1, "b"), 3, 27),
        (("meta", "c"), 3, 40),
        (("list", 0), 5, 5),
        (("list", 0, "k"), 5, 11),
        (("list", 1), 6, 5),
        (("list", 2), 6, 9),
        (('esc"aped',), 8, 16),
    ],
)
def test_json_positions(pointer, line, column):
    parsed = load_json(JSON_DOC.encode())
    assert parsed.ok and parsed.problems == ()
    assert parsed.data == json.loads(JSON_DOC)
    assert parsed.positions[pointer] == Position(line, column)


def test_json_every_pointer_has_a_position():
    from synthgov.core.types import walk

    parsed = load_json(JSON_DOC.encode())
    assert {pointer for pointer, _ in walk(parsed.data)} == set(parsed.positions)


def test_json_duplicate_keys():
    raw = b'{\n  "license": "MIT",\n  "x": {"a": {"b": 1}, "a": {"b": 2}},\n  "license": "p"\n}'
    parsed = load_json(raw)
    assert parsed.ok
    assert parsed.data["license"] == "p"
    first, second = parsed.problems
    assert (first.rule, first.message, first.line, first.column) == (
        "SG003",
        "duplicate key 'a' (first defined at line 3)",
        3,
        24,
    )
    assert first.pointer == ("x", "a")
    assert (second.line, second.column, second.pointer) == (4, 3, ("license",))
    assert second.message == "duplicate key 'license' (first defined at line 2)"


@pytest.mark.parametrize(
    ("raw", "message", "line", "column"),
    [
        (b'{\n  "a": [1, 2}\n', "JSON parse error: Expecting ',' delimiter", 2, 13),
        (b'{"a": 1,}', "JSON parse error: Expecting property name enclosed in double quotes", 1, 9),
        (b"[1] [2]", "JSON parse error: Extra data", 1, 5),
        (b"[" * 50_000, "nesting deeper than 64 levels", 1, 65),
        (b'{"a": ' * 100 + b"1" + b"}" * 100, "nesting deeper than 64 levels", 1, 385),
        (b'"caf\xe9"', "not valid UTF-8 text: invalid byte 0xe9 at offset 4 (line 1)", 1, 5),
        (b'"\\ud800"', "a string contains a lone surrogate", 1, 1),
        (b'{"a": "\x00"}', "JSON parse error: Invalid control character", 1, 8),
    ],
)
def test_json_fatal(raw, message, line, column):
    problem = fatal(load_json(raw))
    assert message in problem.message
    assert (problem.line, problem.column) == (line, column)


def test_json_misc():
    assert load_json(b"  \n").data is None and load_json(b"  \n").ok
    assert load_json(b'"\\ud83d\\ude00"').data == "\U0001f600"
    assert load_json(b"\xef\xbb\xbf[1]").data == [1]
    parsed = load_json(b'{"a": NaN}')
    assert parsed.ok and math.isnan(parsed.data["a"])
    assert "longer than 3" in fatal(load_json(b'["abcd"]', Limits(max_scalar=3))).message
    assert "more than 3 nodes" in fatal(load_json(b"[1, 2, 3, 4]", Limits(max_nodes=3))).message


def test_a_large_json_document_loads_whole():
    # its speed is measured in bench/, not asserted here (issue 12: no wall-clock assertions)
    doc = {
        "distribution": [
            {"@id": f"file-{i}", "url": f"https://x/{i}", "n": i} for i in range(6000)
        ],
        "recordSet": [{"field": [{"name": f"f{j}", "x": [1, 2.5, None]} for j in range(8)]}] * 100,
    }
    raw = json.dumps(doc, indent=2).encode()
    assert len(raw) > 500_000
    parsed = load_json(raw)
    assert parsed.ok and parsed.data == doc


# -- never raise -----------------------------------------------------------------------------

YAMLISH = st.text(
    alphabet=st.sampled_from(list("ab01 :-[]{},&*!?|>#'\"\n\t~.<") + ["\x00", "\xe9", "\ud800"]),
    max_size=80,
)


def check_problems(parsed: Parsed) -> None:
    assert isinstance(parsed, Parsed)
    for problem in parsed.problems:
        assert problem.rule in ("SG001", "SG003")
        assert problem.line >= 1 and problem.column >= 1
    if not parsed.ok:
        assert parsed.data is None


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes_never_raise(raw):
    check_problems(load_yaml(raw))
    check_problems(load_json(raw))


@FUZZ
@given(st.one_of(YAMLISH, st.text(max_size=120)))
def test_random_text_never_raises(text):
    for parser in (safeyaml.PURE_PARSER, safeyaml.DEFAULT_PARSER):
        check_problems(safeyaml.load_with(text, DEFAULT_LIMITS, 0, parser))
    check_problems(load_yaml_text(text, line_offset=2))
    check_problems(load_json(text.encode("utf-8", "surrogatepass")))


@FUZZ
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=20,
    )
)
def test_round_trip_of_json_data(data):
    raw = json.dumps(data, indent=1).encode()
    parsed = load_json(raw)
    assert parsed.ok and parsed.data == data
    assert parsed.positions[()] is not None
    as_yaml = load_yaml(raw)  # JSON is YAML too
    check_problems(as_yaml)
