"""Start-up: what a one-card check imports and computes (synthgov/repo/snapshot.py, the lazy
model-registry patterns), and that the shortcuts give the same answers as the long way."""

from __future__ import annotations

import json
import os
import random
import re
import sys
from pathlib import Path

import pytest
import yaml

from synthgov.models.registry import ModelRegistry, compile_pattern
from synthgov.repo import snapshot
from tests.conftest import ROOT, imported_modules

MODELS_YAML = ROOT / "synthgov" / "data" / "models.yaml"


def _builtin_patterns() -> list[str]:
    data = yaml.safe_load(MODELS_YAML.read_text(encoding="utf-8"))
    out: list[str] = []
    for entry in data["models"]:
        match = entry["match"]
        out.extend([match] if isinstance(match, str) else match)
    return out


def _candidate_ids(patterns: list[str]) -> set[str]:
    """Ids near every built-in pattern: crude expansions, case changes, one-character edits."""
    ids = {"gpt-4o", "claude-3-5-sonnet-20240620", "org/llama-3.1-8b", "ǅ", "\u212a", ""}
    for p in patterns:
        s = re.sub(r"\\d\{(\d)\}", lambda m: "1" * int(m.group(1)), p)
        for old, new in (("(?:[^/]+/)?", "org/"), ("^", ""), ("$", ""), ("\\.", ".")):
            s = s.replace(old, new)
        s = s.replace("\\d", "2").replace("[\\w.-]*", "-x").replace("[\\w.-]+", "-x")
        s = re.sub(r"\(([^()|]*)\|[^()]*\)\??", r"\1", s)
        s = re.sub(r"\[(.)[^\]]*\]", r"\1", s)
        s = s.replace("?", "").replace("(", "").replace(")", "")
        ids.update((s, s.upper(), "org/" + s, s[:-1]))
    rng = random.Random(3)
    base = sorted(ids)
    for _ in range(2000):
        word = rng.choice(base)
        at = rng.randrange(len(word) + 1)
        ids.add(word[:at] + rng.choice("-./x9Kk") + word[at:])
    return ids


def test_lazy_patterns_match_exactly_like_the_compiled_expressions() -> None:
    patterns = _builtin_patterns()
    ids = _candidate_ids(patterns)
    with_needle = 0
    for text in patterns:
        lazy = compile_pattern(text)
        expr = re.compile(lazy.pattern, re.IGNORECASE)
        with_needle += bool(lazy._needle)
        wrong = [i for i in ids if bool(lazy.search(i)) != bool(expr.search(i))]
        assert not wrong, (text, wrong[:5])
    assert with_needle > len(patterns) // 2  # the pre-check is what saves the compile


@pytest.mark.parametrize(
    "expr",
    [
        "^(text-)?davinci-00[123]$",
        r"^(?:[^/]+/)?(meta-)?llama-?4-[\w.-]+$",
        r"^claude-(opus|sonnet|haiku)-4([-.]\d)?-\d{8}$",
        r"^x\.y?z+w{2,3}[]a]b\(c\)$",
        r"^(a|b)c|d$",
        r"ab{x|long",
        r"(?i)^abc",
    ],
)
def test_needle_is_in_every_match(expr: str) -> None:
    """The pre-check may never reject an id that the expression matches: hypothesis writes
    ids that match (from_regex), and each must contain the needle."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from synthgov.models.registry import _regex_needle

    needle = _regex_needle(expr)
    compiled = re.compile(expr, re.IGNORECASE)

    @settings(max_examples=60, deadline=None)
    @given(st.from_regex(compiled))
    def check(text: str) -> None:
        if text.isascii():
            assert needle in text.lower(), (expr, needle, text)

    check()


@pytest.mark.slow
def test_needles_of_every_builtin_pattern_hold_for_generated_matches() -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    lazies = [compile_pattern(text) for text in _builtin_patterns()]

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        st.sampled_from(lazies).flatmap(
            lambda p: st.tuples(st.just(p), st.from_regex(p.compiled()))
        )
    )
    def check(pair: tuple) -> None:
        lazy, text = pair
        assert lazy.search(text), (lazy.pattern, text)

    check()


def test_every_builtin_pattern_compiles() -> None:
    for text in _builtin_patterns():
        compile_pattern(text).compiled()


def test_config_patterns_are_compiled_eagerly_and_fail_closed() -> None:
    from synthgov.models.registry import RegistryError

    with pytest.raises(RegistryError, match="invalid pattern"):
        ModelRegistry.builtin().extended([{"match": ["^acme/(unclosed"], "family": "x"}])


def test_registry_snapshot_gives_the_same_registry(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SYNTHGOV_CACHE_DIR", str(tmp_path))
    first = ModelRegistry.builtin()  # builds from YAML, writes the snapshot
    written = list((tmp_path / "snapshots").glob("registry-*.json"))
    assert len(written) == 1
    stored = json.loads(written[0].read_bytes()[32:])["value"]["models"]  # after the HMAC
    assert all(
        len(e["x-needles"]) == len([e["match"]] if isinstance(e["match"], str) else e["match"])
        for e in stored
    )
    second = ModelRegistry.builtin()  # from the snapshot
    monkeypatch.setenv("SYNTHGOV_NO_SNAPSHOTS", "1")
    plain = ModelRegistry.builtin()
    for reg in (first, second):
        assert [[(p.pattern, p._needle) for p in e.patterns] for e in reg.entries] == [
            [(p.pattern, p._needle) for p in e.patterns] for e in plain.entries
        ]
        assert dict(reg.terms) == dict(plain.terms)
        assert dict(reg.families) == dict(plain.families)
        for model in ("gpt-4o", "claude-3-5-sonnet-20240620", "meta-llama/Llama-3.1-8B"):
            assert reg.resolve(model) == plain.resolve(model)


def test_json_snapshot_is_keyed_by_content_and_survives_damage(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SYNTHGOV_CACHE_DIR", str(tmp_path))
    calls: list[int] = []

    def build(value: object) -> object:
        calls.append(1)
        return value

    assert snapshot.json_snapshot("t", b"one", lambda: build({"a": [1, 2]})) == {"a": [1, 2]}
    assert snapshot.json_snapshot("t", b"one", lambda: build("not used")) == {"a": [1, 2]}
    assert len(calls) == 1
    assert snapshot.json_snapshot("t", b"two", lambda: build({"b": 1})) == {"b": 1}
    for path in (tmp_path / "snapshots").iterdir():
        path.write_bytes(b"\x00garbage")
    assert snapshot.json_snapshot("t", b"one", lambda: build({"a": 3})) == {"a": 3}
    assert snapshot.json_snapshot("t", b"nan", lambda: build(float("nan"))) != 0  # not kept
    assert not list((tmp_path / "snapshots").glob("*.tmp"))


def test_json_snapshot_believes_only_its_own_signature(tmp_path: Path, monkeypatch) -> None:
    """The cache folder can be restored by CI or shared: a snapshot someone else wrote, or
    one whose body was changed under its old signature, is rebuilt, never returned."""
    monkeypatch.setenv("SYNTHGOV_CACHE_DIR", str(tmp_path))
    assert snapshot.json_snapshot("t", b"src", lambda: {"pinned": False}) == {"pinned": False}
    (path,) = (tmp_path / "snapshots").glob("t-*.json")
    raw = path.read_bytes()
    body = raw[32:]
    forged = body.replace(b'"pinned": false', b'"pinned": true')
    assert forged != body
    for content in (forged, raw[:32] + forged):
        path.write_bytes(content)
        assert snapshot.json_snapshot("t", b"src", lambda: {"pinned": False}) == {"pinned": False}
    assert path.read_bytes() == raw  # rebuilt and signed again


def _fake_dist(folder: Path, name: str, version: str, value: str) -> None:
    info = folder / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[synthgov]\n{name} = {value}\n")


def test_entry_point_snapshot_follows_installs(tmp_path: Path, monkeypatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.setenv("SYNTHGOV_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])
    before = snapshot.entry_point_rows("synthgov")
    assert before == snapshot._scan("synthgov")
    _fake_dist(site, "fakeplug", "1.0", "json:dumps")
    after = snapshot.entry_point_rows("synthgov")  # the folder changed: scanned again
    assert ("fakeplug", "json:dumps", "fakeplug", "1.0") in after
    assert after == snapshot._scan("synthgov")
    assert snapshot.entry_point_rows("synthgov") == after  # now from the snapshot
    assert snapshot.load_entry_point("json:dumps") is json.dumps
    assert snapshot.load_entry_point("os.path:join [extra]") is os.path.join
    # a snapshot whose signature does not verify is not believed
    for path in (tmp_path / "cache" / "snapshots").glob("entry-points-*.json"):
        data = path.read_bytes()
        path.write_bytes(data[:32] + data[32:].replace(b"json:dumps", b"evil:code!"))
    assert snapshot.entry_point_rows("synthgov") == after


def _imported(args: list[str], cwd: Path, cache: Path) -> set[str]:
    return imported_modules(args, cwd, {"SYNTHGOV_CACHE_DIR": str(cache)}, runs=2)


def test_single_card_check_skips_metadata_resources_and_pickle(tmp_path: Path) -> None:
    card = (ROOT / "examples/acme/datasets/support-eval/card.yaml").read_text(encoding="utf-8")
    (tmp_path / "card.yaml").write_text(card, encoding="utf-8")
    modules = _imported(["check", "--no-cache", "card.yaml"], tmp_path, tmp_path / "cache")
    assert "synthgov.engine.evaluate" in modules
    for heavy in ("importlib.metadata", "importlib.resources", "tempfile", "pickle", "sqlite3"):
        assert heavy not in modules, f"a one-card check imported {heavy}"
