"""Hints that work (issue 13): every hint is valid for the format of the file it is about.

Two kinds of proof. First, every finding on an adapted document of the real corpus, the
hand-written fixtures and a Hub card of every kind of gap names the place where that format
keeps the field (the README's `synthgov:` key, a Croissant PROV term or `"synthgov"` object, a
DVC stage's `meta`), or says the format has no place for it. Second, hints are *followed*:
the snippet a hint gives is pasted where it says, and the finding goes away.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from synthgov.app.check.runner import CheckOptions, prepare, run_check
from synthgov.core.types import Finding
from tests.conftest import CORPUS, ROOT, write_tree
from tests.test_corpus import lay_out

HANDWRITTEN = ROOT / "tests" / "fixtures" / "handwritten"
# a native field name a hint may ask for
NATIVE = re.compile(
    r"\b(?:synthetic|generation|composition|validation|human_review|metadata|owner|sources|"
    r"files|prompt|parameters|governance|approvals|limitations|intended_use)\b"
)
PLACE = {
    "README.md": ("`synthgov:` key",),
    ".json": ('"synthgov"', "prov:"),
    "datadreamer.json": ("README.md beside datadreamer.json",),
    "dvc.yaml": ("meta: {synthgov", "dvc.yaml has no place"),
    "pipeline.yaml": ("`llm:` block", "distilabel pipeline.yaml has no place"),
}


def check(root: Path, *paths: str) -> list[Finding]:
    options = CheckOptions(paths=paths, cwd=str(root))
    return list(run_check(options, prepare(options)).report.findings)


def _places(path: str) -> tuple[str, ...]:
    for suffix in ("datadreamer.json", "README.md", "dvc.yaml", "pipeline.yaml", ".json"):
        if path.endswith(suffix):
            return PLACE[suffix]
    return ()


def test_every_hint_on_an_adapted_file_says_where_its_format_keeps_the_field(
    tmp_path: Path,
) -> None:
    lay_out(tmp_path)
    (tmp_path / "fixtures").mkdir()
    for item in HANDWRITTEN.iterdir():
        if item.is_dir():
            target = tmp_path / "fixtures" / item.name
            target.mkdir()
            for f in item.iterdir():
                (target / f.name).write_bytes(f.read_bytes())
    findings = check(tmp_path, "corpus", "fixtures")
    checked: set[tuple[str, str]] = set()
    for f in findings:
        places = _places(f.path)
        if not places or not NATIVE.search(f.hint) or f.rule in ("SG001", "SG003"):
            continue
        assert any(p in f.hint for p in places), (f.path, f.rule, f.hint)
        checked.add((places[0], f.rule))
    # the proof covers the formats and rules that fire on real files
    formats = {place for place, _ in checked}
    assert formats >= {
        "`synthgov:` key",
        '"synthgov"',
        "README.md beside datadreamer.json",
        "meta: {synthgov",
    }, checked
    rules = {rule for _, rule in checked}
    assert {"SG101", "SG112", "SG301", "SG401", "SG402"} <= rules, checked


# -- following the hints ----------------------------------------------------------------------

HUB_SYNTHETIC = "---\nlicense: mit\ntags: [synthetic]\n---\n# Rows written by a model\n"


def _fill(snippet: str) -> str:
    return snippet.replace("<pinned id>", "gpt-4o-2024-08-06").replace(" N}", " 10}")


def _backticked(hint: str, start: str) -> str:
    found = [s for s in re.findall(r"`([^`]+)`", hint) if s.startswith(start)]
    assert found, hint
    return found[0]


def _front_matter(text: str) -> dict[str, Any]:
    return yaml.safe_load(text.split("---\n")[1])


def _with_front_matter(data: dict[str, Any], rest: str = "") -> str:
    return "---\n" + yaml.safe_dump(data, sort_keys=False) + "---\n" + rest


def test_following_the_sg101_hint_of_a_hub_card(tmp_path: Path) -> None:
    write_tree(tmp_path, {"synth/README.md": HUB_SYNTHETIC})
    (sg101,) = [f for f in check(tmp_path) if f.rule == "SG101"]
    assert "a top-level `generation:` is not read" in sg101.hint
    snippet = yaml.safe_load(_fill(_backticked(sg101.hint, "synthgov:")))
    readme = tmp_path / "synth" / "README.md"
    data = _front_matter(readme.read_text())
    data.update(snippet)
    readme.write_text(_with_front_matter(data))
    assert "SG101" not in {f.rule for f in check(tmp_path)}


def test_the_hint_that_used_to_be_given_is_ignored_in_a_hub_card(tmp_path: Path) -> None:
    """Why the hint names `synthgov:`: a top-level `generation:` is not read."""
    write_tree(
        tmp_path,
        {
            "synth/README.md": (
                "---\nlicense: mit\ntags: [synthetic]\ngeneration:\n"
                "- {model: gpt-4o-2024-08-06, role: generator, rows: 10}\n---\n"
            )
        },
    )
    assert "SG101" in {f.rule for f in check(tmp_path)}


def test_following_the_sg101_hint_of_a_croissant_file(tmp_path: Path) -> None:
    hermes = json.loads((CORPUS / "croissant" / "huggingface-open-hermes.json").read_text())
    target = tmp_path / "hermes" / "metadata.json"
    target.parent.mkdir()
    target.write_text(json.dumps(hermes, indent=1))
    (sg101,) = [f for f in check(tmp_path) if f.rule == "SG101"]
    assert "GPT-4" in sg101.message  # the keyword was used as evidence, and it says so
    snippet = json.loads("{" + _fill(_backticked(sg101.hint, '"synthgov"')) + "}")
    hermes.update(snippet)
    target.write_text(json.dumps(hermes, indent=1))
    assert "SG101" not in {f.rule for f in check(tmp_path)}


def test_following_the_prov_alternative_of_the_croissant_hint(tmp_path: Path) -> None:
    hermes = json.loads((CORPUS / "croissant" / "huggingface-open-hermes.json").read_text())
    hermes["prov:wasGeneratedBy"] = {
        "@type": "prov:Activity",
        "prov:label": "generated the conversations",
        "prov:wasAssociatedWith": json.loads(
            _fill(_backticked(generation_hint_of(tmp_path, hermes), '{"@type"'))
        ),
    }
    target = tmp_path / "hermes" / "metadata.json"
    target.write_text(json.dumps(hermes, indent=1))
    assert "SG101" not in {f.rule for f in check(tmp_path)}


def generation_hint_of(root: Path, data: dict[str, Any]) -> str:
    target = root / "hermes" / "metadata.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(data, indent=1))
    (sg101,) = [f for f in check(root) if f.rule == "SG101"]
    return sg101.hint


def test_following_the_sg112_hint_both_ways(tmp_path: Path) -> None:
    card = "---\nlicense: mit\nannotations_creators: [machine-generated]\n---\n# OCR output\n"
    write_tree(tmp_path, {"ocr/README.md": card})
    (sg112,) = [f for f in check(tmp_path) if f.rule == "SG112"]
    assert sg112.line == 3 and "ocr/README.md:3" in sg112.message
    assert "under the `synthgov:` key" in sg112.hint
    readme = tmp_path / "ocr" / "README.md"
    data = _front_matter(card)
    # dismiss
    readme.write_text(_with_front_matter({**data, "synthgov": {"synthetic": False}}))
    rules = {f.rule for f in check(tmp_path)}
    assert "SG112" not in rules and "SG101" not in rules
    # confirm, with a generation entry: the synthetic rules run instead
    block = {
        "synthetic": True,
        "generation": [{"model": "gpt-4o-2024-08-06", "role": "generator", "rows": 10}],
    }
    readme.write_text(_with_front_matter({**data, "synthgov": block}))
    rules = {f.rule for f in check(tmp_path)}
    assert "SG112" not in rules and "SG101" not in rules and "SG301" in rules


def test_following_the_owner_hint_in_hub_and_croissant_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {"human/README.md": "---\nlicense: mit\n---\n"})
    (sg401,) = [f for f in check(tmp_path, "human") if f.rule == "SG401"]
    assert "under the `synthgov:` key of the README front matter" in sg401.hint
    readme = tmp_path / "human" / "README.md"
    readme.write_text("---\nlicense: mit\nsynthgov:\n  metadata: {owner: data@acme.example}\n---\n")
    assert "SG401" not in {f.rule for f in check(tmp_path, "human")}
    titanic = json.loads((CORPUS / "croissant" / "titanic.json").read_text())
    target = tmp_path / "titanic" / "metadata.json"
    target.parent.mkdir()
    target.write_text(json.dumps(titanic))
    (sg401,) = [f for f in check(tmp_path, "titanic") if f.rule == "SG401"]
    assert '"synthgov"' in sg401.hint
    titanic["synthgov"] = {"metadata": {"owner": "data@acme.example"}}
    target.write_text(json.dumps(titanic))
    assert "SG401" not in {f.rule for f in check(tmp_path, "titanic")}


def test_dvc_owner_hint_says_there_is_no_place_for_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {"p/dvc.yaml": "stages:\n  train:\n    cmd: python train.py\n"})
    (sg401,) = [f for f in check(tmp_path) if f.rule == "SG401"]
    assert "dvc.yaml has no place for this" in sg401.hint and "synthgov baseline" in sg401.hint
    assert "meta:" not in sg401.hint  # a stage's meta cannot hold the pipeline's owner


def test_typos_in_the_croissant_synthgov_object_fail_closed(tmp_path: Path) -> None:
    titanic = json.loads((CORPUS / "croissant" / "titanic.json").read_text())
    titanic["synthgov"] = {"synthetc": False, "metadata": {"ownr": "data@acme.example"}}
    target = tmp_path / "titanic" / "metadata.json"
    target.parent.mkdir()
    target.write_text(json.dumps(titanic, indent=1))
    typos = sorted((f.rule, f.message) for f in check(tmp_path) if f.rule == "SG002")
    assert [m.split('"')[1] for _, m in typos] == ["ownr", "synthetc"], typos
    titanic["synthgov"] = ["synthetic", False]
    target.write_text(json.dumps(titanic, indent=1))
    (sg001,) = [f for f in check(tmp_path) if f.rule == "SG001"]
    assert '"synthgov" object must hold native card fields, found list' in sg001.message
