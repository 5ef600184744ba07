"""Every real file of the vendored corpus (tests/corpus), laid out as it is found in the
wild, through the command line: each Hugging Face card as README.md in its own folder, each
distilabel file as pipeline.yaml and each DVC file as dvc.yaml in their own folders, the
Croissant files under their own names, each DataDreamer folder (datadreamer.json and the
README.md DataDreamer pushes beside it) as it is on the Hub. The corpus files themselves are
never modified.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from synthgov.app.check.runner import load_one
from synthgov.core.types import DATASET_CARD, Document
from synthgov.lineage.graph import SOURCE, LineageGraph, dataset_node
from synthgov.lineage.synthetic import synthetic_status
from synthgov.plugins.manager import load_registry
from synthgov.repo.parsing.limits import Limits
from tests.conftest import CORPUS, ROOT, run_cli

# Documents: 39 Hugging Face cards (the card without front matter is not a document and the
# one whose front matter is a list is SG001), 21 Croissant files, 4 distilabel pipelines,
# 3 DVC pipelines (DVCLive's dvc.yaml has no stages: valid, but not a pipeline) and 1
# DataDreamer card (the README beside its datadreamer.json is not a second card).
EXPECTED_DOCUMENTS = 68
EXPECTED_FILES = 71  # every file but the README without front matter is claimed by a loader
LABELS = yaml.safe_load((ROOT / "tests" / "corpus_labels.yaml").read_text(encoding="utf-8"))
INVALID_CARD = "corpus/hf/hfhub-fixture-sample_invalid_card_data/README.md"


def lay_out(root: Path) -> Path:
    """Copy the corpus into ``root/corpus`` as it is laid out in real repositories."""
    base = root / "corpus"
    for card in sorted((CORPUS / "hf-cards").iterdir()):
        name = card.name.removesuffix(".README.md").removesuffix(".md")
        _copy(card, base / "hf" / name / "README.md")
    for pipeline in sorted((CORPUS / "distilabel").glob("*.yaml")):
        _copy(pipeline, base / "distilabel" / pipeline.name.split(".")[0] / "pipeline.yaml")
    for dvc in sorted((CORPUS / "dvc").glob("*.yaml")):
        _copy(dvc, base / "dvc" / dvc.name.removesuffix(".dvc.yaml") / "dvc.yaml")
    for meta in sorted((CORPUS / "croissant").glob("*.json")):
        _copy(meta, base / "croissant" / meta.name)
    for folder in sorted(p for p in (CORPUS / "datadreamer").iterdir() if p.is_dir()):
        for published in sorted(folder.iterdir()):
            _copy(published, base / "datadreamer" / folder.name / published.name)
    return base


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)


@pytest.fixture(scope="module")
def wild(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("wild")
    lay_out(root)
    return root


@pytest.fixture(scope="module")
def report(wild: Path) -> dict[str, Any]:
    proc = run_cli("check", "corpus", "--format", "json", cwd=wild)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr == "", proc.stderr
    return json.loads(proc.stdout)


def findings_of(report: dict[str, Any], path: str) -> Counter[str]:
    return Counter(f["rule"] for f in report["findings"] if f["path"] == path)


def test_every_corpus_file_loads_without_a_traceback(report: dict[str, Any]) -> None:
    assert report["summary"]["documents"] == EXPECTED_DOCUMENTS
    assert report["summary"]["files"] == EXPECTED_FILES
    crashes = [f for f in report["findings"] if "could not load" in f["message"]]
    assert crashes == []


def test_the_list_front_matter_is_the_only_parse_error(report: dict[str, Any]) -> None:
    sg001 = [(f["path"], f["line"]) for f in report["findings"] if f["rule"] == "SG001"]
    assert sg001 == [(INVALID_CARD, 2)]


def test_machine_generated_card_without_synthgov_block(report: dict[str, Any]) -> None:
    # machine-generated creators alone make a card suspected: one SG112, not the synthetic
    # rule set (issue 13)
    for name in ("emotion", "babi_qa", "generated_reviews_enth"):
        rules = findings_of(report, f"corpus/hf/{name}/README.md")
        assert rules["SG112"] == 1 and rules["SG101"] == 0 and rules["SG301"] == 0, (name, rules)
    emotion = [f for f in report["findings"] if f["path"] == "corpus/hf/emotion/README.md"]
    # the finding points at the evidence: `- machine-generated` under annotations_creators
    assert [f["line"] for f in emotion if f["rule"] == "SG112"] == [4]


def test_human_annotated_cards_raise_neither(report: dict[str, Any]) -> None:
    for name in ("squad", "imdb", "hfhub-fixture-sample_datasetcard_simple"):
        rules = findings_of(report, f"corpus/hf/{name}/README.md")
        assert rules["SG101"] == 0 and rules["SG301"] == 0, (name, rules)
        assert rules["SG401"] == 1  # they are checked: the owner is missing


def test_croissant_synthetic_keywords(report: dict[str, Any]) -> None:
    hermes = findings_of(report, "corpus/croissant/huggingface-open-hermes.json")
    assert hermes["SG101"] == 1 and hermes["SG301"] == 1
    squad = findings_of(report, "corpus/croissant/huggingface-squad_v2.json")
    assert squad["SG101"] == 0 and squad["SG301"] == 0


def test_distilabel_pipelines_yield_unpinned_gpt_35(report: dict[str, Any]) -> None:
    for folder in ("test_pipeline_160e6f6_2024-03", "test_pipeline_7c8976b_2024-10"):
        path = f"corpus/distilabel/{folder}/pipeline.yaml"
        unpinned = [f for f in report["findings"] if f["path"] == path and f["rule"] == "SG102"]
        assert [(f["line"], f["pointer"]) for f in unpinned] == [
            (40, "/stages/0/model"),
            (94, "/stages/1/model"),
        ]
        assert all("gpt-3.5-turbo" in f["message"] for f in unpinned)


def test_graph_of_corpus_and_acme_shows_distilabel_stages(wild: Path, tmp_path: Path) -> None:
    shutil.copytree(wild / "corpus", tmp_path / "corpus")
    shutil.copytree(ROOT / "examples" / "acme", tmp_path / "acme")
    proc = run_cli("graph", ".", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    out = proc.stdout
    for folder in ("test_pipeline_160e6f6_2024-03", "test_pipeline_7c8976b_2024-10"):
        assert f"pipeline {folder}-distilabel" in out
    assert out.count('"text_generation_gpt (generate)"') == 2
    assert out.count('"text_generation_gpt_2 (generate)"') == 2
    assert "gpt-3.5-turbo" in out
    assert "support-intents-synth-v1" in out  # the acme cards are in the same graph
    # each distilabel pipeline's subgraph holds its two stages, and gpt-3.5-turbo generates
    # in each of the four
    labels = dict(re.findall(r'^\s*(n\d+)[\[({]+"([^"]+)"', out, re.MULTILINE))
    (model,) = [n for n, label in labels.items() if label.startswith("gpt-3.5-turbo<br/>")]
    fed = set(re.findall(rf'^\s*{model} -->\|"generator"\| (n\d+)$', out, re.MULTILINE))
    for folder in ("test_pipeline_160e6f6_2024-03", "test_pipeline_7c8976b_2024-10"):
        body = out.split(f'["pipeline {folder}-distilabel"]\n', 1)[1].split("  end\n", 1)[0]
        stages = re.findall(r'^\s*(n\d+)\["([^"]+)"\]$', body, re.MULTILINE)
        assert sorted(label for _, label in stages) == [
            "text_generation_gpt (generate)",
            "text_generation_gpt_2 (generate)",
        ]
        assert {node for node, _ in stages} <= fed


# -- labels: per file, what reading it says (tests/corpus_labels.yaml) ----------------------


def _wild_path(section: str, name: str) -> str:
    if section == "hf":
        return f"corpus/hf/{name}/README.md"
    if section == "croissant":
        return f"corpus/croissant/{name}.json"
    if section == "distilabel":
        return f"corpus/distilabel/{name}/pipeline.yaml"
    if section == "datadreamer":
        return f"corpus/datadreamer/{name}"  # <folder>/<file>, as on the Hub
    return f"corpus/dvc/{name}/dvc.yaml"


LABELLED = [
    (_wild_path(section, name), label)
    for section, entries in LABELS.items()
    for name, label in entries.items()
]


@pytest.fixture(scope="module")
def documents(wild: Path) -> dict[str, list[Document]]:
    registry = load_registry(entry_points=False)
    found: dict[str, list[Document]] = {}
    for path in sorted(p for p in (wild / "corpus").rglob("*") if p.is_file()):
        display = path.relative_to(wild).as_posix()
        result = load_one(str(path), display, registry.loaders, Limits())
        found[display] = list(result.documents) if result is not None else []
    return found


@pytest.fixture(scope="module")
def graph(documents: dict[str, list[Document]]) -> LineageGraph:
    from synthgov.app.check.registries import lineage_linkers

    linkers = lineage_linkers(load_registry(entry_points=False).loaders)  # DVC's, as a run's
    return LineageGraph.build([d for docs in documents.values() for d in docs], linkers)


def test_every_corpus_file_is_labelled(wild: Path) -> None:
    files = {p.relative_to(wild).as_posix() for p in (wild / "corpus").rglob("*") if p.is_file()}
    assert files == {path for path, _ in LABELLED}
    assert len(files) >= 60


def _generator_models(doc: Document) -> set[str]:
    if doc.kind == DATASET_CARD:
        named = set(synthetic_status(doc).models)
        for use in doc.data.get("generation", []):
            if isinstance(use, dict) and use.get("role", "generator") in (
                "generator",
                "paraphraser",
            ):
                named.add(str(use["model"]))
        return named
    models = set()
    for stage in doc.data.get("stages", []):
        model = stage.get("model")
        if stage.get("type") == "generate" and model is not None:
            models.add(model["id"] if isinstance(model, dict) else str(model))
    return models


@pytest.mark.parametrize(("path", "label"), LABELLED, ids=[p for p, _ in LABELLED])
def test_corpus_file_matches_its_label(
    path: str, label: dict[str, Any], documents: dict[str, list[Document]], graph: LineageGraph
) -> None:
    docs = documents[path]
    if label.get("document") is False or label.get("valid") is False:
        assert docs == [], label["reason"]
        return
    (doc,) = docs
    if doc.kind == DATASET_CARD:
        expected = label.get("synthgov_status", label["status"])
        assert synthetic_status(doc).status == expected, label["reason"]
    assert _generator_models(doc) == set(label.get("models", [])), label["reason"]
    if doc.kind == DATASET_CARD:
        me = dataset_node(doc.id or "")
        links = {e.src.split(":", 1)[1] for e in graph.in_edges(me, SOURCE)}
    else:
        links = {
            e.dst.split(":", 1)[1]
            for e in graph.edges
            if e.doc is doc and e.dst.startswith("dataset:")
        }
    assert links == set(label.get("links", [])), label["reason"]
    if "total_rows" in label:
        assert doc.data["composition"]["total_rows"] == label["total_rows"]


def test_no_valid_corpus_file_is_sg001(report: dict[str, Any]) -> None:
    invalid = {path for path, label in LABELLED if label.get("valid") is False}
    sg001 = {f["path"] for f in report["findings"] if f["rule"] == "SG001"}
    assert sg001 == invalid


def test_known_misses_still_differ_from_their_label() -> None:
    """A known miss is listed with the reason; once synthgov gets it right, drop the pin."""
    misses = [label for _, label in LABELLED if "synthgov_status" in label]
    assert all(m["synthgov_status"] != m["status"] for m in misses)
    assert len(misses) <= 3  # the corpus is mostly answered right, not pinned


def test_suspected_cards_get_one_finding_quoting_the_evidence(report: dict[str, Any]) -> None:
    suspected = [
        path
        for path, label in LABELLED
        if label.get("synthgov_status", label.get("status")) == "suspected"
    ]
    for path in suspected:
        mine = [f for f in report["findings"] if f["path"] == path]
        sg112 = [f for f in mine if f["rule"] == "SG112"]
        assert len(sg112) == 1, path
        assert f"{path}:{sg112[0]['line']}" in sg112[0]["message"]
        assert "synthetic: false" in sg112[0]["hint"] and "synthetic: true" in sg112[0]["hint"]
        assert not {"SG101", "SG301", "SG104"} & {f["rule"] for f in mine}, path


def test_wildchat_tools_are_filters_with_their_dates(
    documents: dict[str, list[Document]],
) -> None:
    (doc,) = documents["corpus/croissant/huggingface-wildchat.json"]
    assert doc.data["generation"] == [
        {"model": "OpenAI Moderation API", "role": "filter", "date": "2024-07-22"}
    ]


def test_hf_other_sources_get_no_invented_url(documents: dict[str, list[Document]]) -> None:
    (doc,) = documents["corpus/hf/cifar10/README.md"]
    assert doc.data["sources"] == [{"name": "other-80-Million-Tiny-Images"}]
    (voice,) = documents["corpus/hf/common_voice/README.md"]
    assert voice.data["sources"][0]["url"] == "https://huggingface.co/datasets/common_voice"
