"""The adapters: Hugging Face cards, Croissant, distilabel, DataDreamer and DVC files become
native documents whose positions point into the original file (SPEC section 3.4).

Inputs are real corpus files (``tests.conftest.CORPUS``, used in place or copied into a tmp
folder laid out as in the wild), the hand-written fixtures in ``tests/fixtures/handwritten``
and small files written here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from synthgov.app.check.runner import CheckOptions, load_one, prepare, run_check
from synthgov.core.types import Document, Finding, LoadResult
from synthgov.lineage.graph import LineageGraph, is_synthetic, model_ref_id
from synthgov.lineage.synthetic import synthetic_status
from synthgov.plugins.manager import load_registry
from synthgov.repo.parsing.limits import Limits
from tests.conftest import CORPUS, ROOT, run_cli, write_tree

HANDWRITTEN = ROOT / "tests" / "fixtures" / "handwritten"
LOADERS = load_registry(entry_points=False).loaders


def load(path: Path) -> LoadResult | None:
    return load_one(str(path), path.name, LOADERS, Limits())


def only_doc(path: Path) -> Document:
    result = load(path)
    assert result is not None, f"no loader claimed {path}"
    assert not result.problems, result.problems
    assert len(result.documents) == 1
    return result.documents[0]


def check(root: Path, *paths: str) -> list[Finding]:
    options = CheckOptions(paths=paths, cwd=str(root))
    return list(run_check(options, prepare(options)).report.findings)


def place(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return dst


def rules_at(findings: list[Finding], path: str) -> set[str]:
    return {f.rule for f in findings if f.path == path}


# -- Hugging Face ---------------------------------------------------------------------------

CARD = """---
license: cc-by-4.0
pretty_name: Support intents
annotations_creators:
- machine-generated
source_datasets:
- original
- extended|banking77
configs:
- config_name: default
  data_files:
  - split: train
    path: data/train.jsonl
  - split: test
    path: data/test-*
---
# Support intents
"""


def test_hf_card_maps_hub_fields_with_lines_into_the_readme(tmp_path: Path) -> None:
    readme = tmp_path / "support-intents" / "README.md"
    write_tree(tmp_path, {"support-intents/README.md": CARD})
    doc = only_doc(readme)
    assert doc.source_format == "huggingface" and doc.native is False
    assert doc.kind == "DatasetCard" and doc.id == "support-intents"  # the folder name
    assert doc.data["metadata"]["license"] == "cc-by-4.0"
    assert doc.data["metadata"]["name"] == "Support intents"
    assert doc.data["sources"] == [
        {"name": "banking77", "url": "https://huggingface.co/datasets/banking77"}
    ]
    # literal data_files become files; the glob stays in x-huggingface only
    assert doc.data["files"] == [{"path": "data/train.jsonl", "split": "train"}]
    assert doc.data["x-huggingface"]["configs"][0]["data_files"][1]["path"] == "data/test-*"
    # machine-generated creators alone: suspected, not declared (issue 13)
    assert synthetic_status(doc).status == "suspected" and not is_synthetic(doc)
    # line numbers count the --- line above the YAML
    assert doc.position(("metadata", "license")).line == 2
    assert doc.position(("sources", 0)).line == 8
    assert doc.position(("files", 0, "path")).line == 13
    assert doc.position(("x-synthetic", 0)).line == 5


def test_hf_crlf_gives_the_same_document_and_lines(tmp_path: Path) -> None:
    write_tree(tmp_path, {"lf/README.md": CARD})
    (tmp_path / "crlf").mkdir()
    (tmp_path / "crlf" / "README.md").write_bytes(CARD.replace("\n", "\r\n").encode())
    lf, crlf = only_doc(tmp_path / "lf" / "README.md"), only_doc(tmp_path / "crlf" / "README.md")
    assert lf.data["files"] == crlf.data["files"]
    assert lf.data["metadata"] == {**crlf.data["metadata"], "id": "lf"}
    assert dict(lf.positions) == dict(crlf.positions)


def test_hf_old_configs_form_is_a_list_of_names(tmp_path: Path) -> None:
    card = "---\nlicense: mit\nconfigs:\n- plain_text\n- rendered\n---\n"
    write_tree(tmp_path, {"old/README.md": card})
    doc = only_doc(tmp_path / "old" / "README.md")
    assert "files" not in doc.data
    assert doc.data["x-huggingface"]["configs"] == ["plain_text", "rendered"]
    babi = place(CORPUS / "hf-cards" / "babi_qa.README.md", tmp_path / "babi" / "README.md")
    corpus = only_doc(babi)
    assert "files" not in corpus.data
    assert "en-10k-qa1" in corpus.data["x-huggingface"]["configs"]


def test_hf_readme_without_front_matter_is_not_a_document(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "plain/README.md": "# Just a readme\n\n---\nnot: front matter\n---\n",
            "notes/guide.md": "---\ntitle: a docs page\n---\n",  # not a README
            "model/README.md": "---\nbase_model: meta-llama/Llama-3.1-8B\nlicense: mit\n---\n",
        },
    )
    assert load(tmp_path / "plain" / "README.md") is None  # sniff declines
    assert load(tmp_path / "notes" / "guide.md") is None
    model_card = load(tmp_path / "model" / "README.md")
    assert model_card is not None and model_card.documents == () and model_card.problems == ()
    place(CORPUS / "hf-cards" / "hfhub-fixture-sample_no_metadata.md", tmp_path / "n" / "README.md")
    assert load(tmp_path / "n" / "README.md") is None


def test_hf_front_matter_that_is_not_a_mapping_is_sg001(tmp_path: Path) -> None:
    place(
        CORPUS / "hf-cards" / "hfhub-fixture-sample_invalid_card_data.md",
        tmp_path / "x" / "README.md",
    )
    result = load(tmp_path / "x" / "README.md")
    assert result is not None and result.documents == ()
    (problem,) = result.problems
    assert problem.rule == "SG001" and "must be a mapping, found a list" in problem.message
    assert problem.line == 2  # the `[]` below the opening ---
    findings = check(tmp_path)
    assert [(f.rule, f.path, f.line) for f in findings] == [("SG001", "x/README.md", 2)]


def test_hf_synthetic_signals(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "tagged/README.md": "---\ntags: [Synthetic, distilabel]\n---\n",
            "language/README.md": "---\nlanguage_creators: machine-generated\n---\n",
            "human/README.md": "---\nannotations_creators: [crowdsourced]\ntags: [nlp]\n---\n",
        },
    )
    assert synthetic_status(only_doc(tmp_path / "tagged" / "README.md")).status == "declared"
    assert synthetic_status(only_doc(tmp_path / "language" / "README.md")).status == "suspected"
    assert synthetic_status(only_doc(tmp_path / "human" / "README.md")).status == "none"


SYNTHGOV_BLOCK_CARD = """---
license: cc-by-4.0
pretty_name: Support intents
tags:
- synthetic
synthgov:
  metadata:
    id: support-intents-hf
    owner: nlp-data@acme.example
    licence: cc-by-4.0
  purpose: [training]
  generation:
  - model: gpt-4o
    role: generator
    date: 2024-09-01
  governance:
    approvals: [{by: jane@acme.example, role: data-steward, date: 2024-09-12}]
---
# Support intents
"""


def test_hf_synthgov_block_is_checked_like_a_native_card(tmp_path: Path) -> None:
    write_tree(tmp_path, {"intents/README.md": SYNTHGOV_BLOCK_CARD})
    doc = only_doc(tmp_path / "intents" / "README.md")
    assert doc.native is True and doc.id == "support-intents-hf"
    # native fields win; Hub fields fill in what the block does not say
    assert doc.data["metadata"]["owner"] == "nlp-data@acme.example"
    assert doc.data["metadata"]["name"] == "Support intents"
    assert doc.data["purpose"] == ["training"]
    findings = check(tmp_path)
    where = {(f.rule, f.line) for f in findings}
    # the schema applies to the block (typo caught), and every finding points into it
    assert ("SG002", 10) in where  # licence: at line 10 of the README
    assert ("SG102", 13) in where  # gpt-4o is a moving alias
    assert ("SG101", 13) not in where and all(f.rule != "SG101" for f in findings)
    assert all(f.rule != "SG401" for f in findings)
    # every finding points at a line strictly between the two --- of the front matter
    lines = SYNTHGOV_BLOCK_CARD.splitlines()
    closing = lines.index("---", 1) + 1
    assert all(2 <= f.line < closing for f in findings), [(f.rule, f.line) for f in findings]
    # ...at the very line of the key it is about
    key_of = {f.pointer.rsplit("/", 1)[-1]: f.line for f in findings if f.pointer}
    assert lines[key_of["licence"] - 1].strip().startswith("licence:")
    assert "model: gpt-4o" in lines[key_of["model"] - 1]
    # the same block written as a native card gives the same findings
    block = yaml.safe_load(SYNTHGOV_BLOCK_CARD.split("---\n")[1])["synthgov"]
    native = {"apiVersion": "synthgov/v1", "kind": "DatasetCard", **block}
    write_tree(tmp_path / "native", {"card.yaml": yaml.safe_dump(native, sort_keys=False)})
    as_native = check(tmp_path / "native")
    assert as_native and {f.path for f in as_native} == {"card.yaml"}
    assert sorted((f.rule, f.pointer, f.message) for f in findings) == sorted(
        (f.rule, f.pointer, f.message) for f in as_native
    )


def test_hf_synthgov_block_must_be_a_mapping(tmp_path: Path) -> None:
    write_tree(tmp_path, {"c/README.md": "---\nlicense: mit\nsynthgov: yes please\n---\n"})
    result = load(tmp_path / "c" / "README.md")
    assert result is not None and len(result.documents) == 1
    (problem,) = result.problems
    assert problem.rule == "SG001" and problem.line == 3


def test_hf_handwritten_distilabel_card(tmp_path: Path) -> None:
    doc = only_doc(HANDWRITTEN / "support-chats-synth" / "README.md")
    assert doc.id == "support-chats-synth" and is_synthetic(doc)
    assert doc.data["metadata"]["tags"] == ["synthetic", "distilabel", "rlaif"]
    assert "files" not in doc.data  # data/train-* is a glob
    findings = check(HANDWRITTEN, "support-chats-synth/README.md")
    rules = rules_at(findings, "support-chats-synth/README.md")
    # the pipeline.yaml beside the card names the generator: one dataset, no SG101 (issue 13)
    assert "SG301" in rules and "SG101" not in rules
    pipeline = only_doc(HANDWRITTEN / "support-chats-synth" / "pipeline.yaml")
    outputs = [s.get("outputs") for s in pipeline.data["stages"]]
    assert outputs and all(o == ["support-chats-synth"] for o in outputs)
    # the graph connects them: the card's generators come from the pipeline's generate stages
    from synthgov.lineage.roles import generators

    graph = LineageGraph.build([doc, pipeline])
    assert {u.model for u in generators(graph, "support-chats-synth")} == {
        model_ref_id(s["model"]) for s in pipeline.data["stages"] if s["type"] == "generate"
    }
    assert {u.pipeline for u in generators(graph, "support-chats-synth")} == {pipeline.id}


def test_explain_says_how_a_suspected_dataset_is_confirmed_or_dismissed() -> None:
    proc = run_cli("explain", "SG112")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert "**Confirm** it: set `synthetic: true` and add a `generation` entry" in text
    assert "**Dismiss** it: set `synthetic: false`" in text
    assert "machine-generated" in text and "synthgov:" in text


# -- Croissant ------------------------------------------------------------------------------


def test_croissant_rai_fields_and_license(tmp_path: Path) -> None:
    doc = only_doc(CORPUS / "croissant" / "dices-350.json")
    assert doc.source_format == "croissant" and doc.native is False
    assert doc.id == "DICES-350_dataset"
    assert doc.data["metadata"]["license"] == "cc-by-sa-4.0"
    rai = doc.data["x-rai"]
    assert "annotatorDemographics" in rai and "dataCollection" in rai
    assert len(rai) == 8
    assert doc.position(("x-rai", "dataBiases")).line == 62
    assert not is_synthetic(doc) and "generation" not in doc.data


def test_croissant_prov_lineage_and_people_are_not_generators() -> None:
    doc = only_doc(CORPUS / "croissant" / "huggingface-squad_v2.json")
    assert doc.data["metadata"]["license"] == "cc-by-sa-4.0"  # from a choosealicense URL
    assert doc.data["sources"] == [
        {"name": "squad1", "url": "https://huggingface.co/datasets/rajpurkar/squad"}
    ]
    assert "generation" not in doc.data  # the associated agent is "Crowdworkers"
    assert not is_synthetic(doc)
    raw = (CORPUS / "croissant" / "huggingface-squad_v2.json").read_text(encoding="utf-8")
    line = next(n for n, text in enumerate(raw.splitlines(), 1) if "prov:wasDerivedFrom" in text)
    assert doc.position(("sources", 0)).line == line


def test_croissant_keywords_mark_synthetic_data() -> None:
    doc = only_doc(CORPUS / "croissant" / "huggingface-open-hermes.json")
    assert is_synthetic(doc) and "Synthetic" in doc.data["metadata"]["tags"]
    prov = only_doc(CORPUS / "croissant" / "huggingface-data_provenance_initiative.json")
    assert not is_synthetic(prov)
    assert prov.data["x-croissant"]["conformsTo"] == "http://mlcommons.org/croissant/1.1"
    assert prov.data["x-croissant"]["field_provenance"]


def test_croissant_software_agents_become_generation_uses(tmp_path: Path) -> None:
    meta = {
        "@context": {"@vocab": "https://schema.org/", "prov": "http://www.w3.org/ns/prov#"},
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.1",
        "name": "synthetic-faq",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "prov:wasGeneratedBy": {
            "@type": "prov:Activity",
            "prov:label": "Automated answer generation",
            "prov:startedAtTime": "2024-09-01T10:00:00Z",
            "prov:wasAssociatedWith": {
                "@type": "prov:SoftwareAgent",
                "prov:label": "gpt-4o-2024-08-06",
            },
        },
        "recordSet": [
            {
                "@type": "cr:RecordSet",
                "name": "faq",
                "prov:wasAttributedTo": {
                    "@type": "prov:Agent",
                    "prov:label": "SyntheticDataGenerator-v1.2",
                },
                "field": [],
            }
        ],
    }
    path = tmp_path / "faq" / "croissant.json"
    write_tree(tmp_path, {"faq/croissant.json": json.dumps(meta, indent=2)})
    doc = only_doc(path)
    assert doc.data["metadata"]["license"] == "cc-by-4.0"
    assert doc.data["generation"] == [
        {"model": "gpt-4o-2024-08-06", "role": "generator", "date": "2024-09-01"},
        {"model": "SyntheticDataGenerator-v1.2", "role": "generator"},
    ]
    assert is_synthetic(doc)
    line = next(
        n for n, t in enumerate(path.read_text().splitlines(), 1) if '"gpt-4o-2024-08-06"' in t
    )
    assert doc.position(("generation", 0, "model")).line == line


# -- distilabel -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["test_pipeline_160e6f6_2024-03.pipeline.yaml", "test_pipeline_7c8976b_2024-10.pipeline.yaml"],
)
def test_distilabel_corpus_steps_with_llms_become_stages(tmp_path: Path, name: str) -> None:
    path = place(CORPUS / "distilabel" / name, tmp_path / "chats" / "pipeline.yaml")
    doc = only_doc(path)
    assert doc.kind == "Pipeline" and doc.source_format == "distilabel"
    assert doc.id == "chats-distilabel"
    assert doc.data["metadata"]["name"] == "test-pipeline"
    stages = doc.data["stages"]
    assert [(s["id"], s["type"]) for s in stages] == [
        ("text_generation_gpt", "generate"),
        ("text_generation_gpt_2", "generate"),
    ]
    assert [s["model"] for s in stages] == [{"id": "gpt-3.5-turbo", "provider": "openai"}] * 2
    assert stages[0]["x-distilabel"]["llm"] == "OpenAILLM"
    assert doc.position(("stages", 0, "model")).line == 40  # `model: gpt-3.5-turbo`
    findings = check(tmp_path)
    unpinned = [(f.line, f.message) for f in findings if f.rule == "SG102"]
    assert [line for line, _ in unpinned] == [40, 94]
    assert all("gpt-3.5-turbo" in message for _, message in unpinned)


def test_distilabel_open_model_and_judge_step() -> None:
    doc = only_doc(HANDWRITTEN / "support-chats-synth" / "pipeline.yaml")
    assert doc.id == "support-chats-synth-distilabel"
    stages = {s["id"]: s for s in doc.data["stages"]}
    assert set(stages) == {"answer_generation", "ultrafeedback_judge"}  # steps with an LLM
    gen, judge = stages["answer_generation"], stages["ultrafeedback_judge"]
    assert gen["type"] == "generate"
    assert gen["model"] == "meta-llama/Meta-Llama-3.1-70B-Instruct"  # model_id, no provider
    assert gen["x-distilabel"]["generation_kwargs"] == {"temperature": 0.7, "max_new_tokens": 1024}
    assert judge["type"] == "evaluate"
    assert judge["model"] == {"id": "gpt-4o-2024-08-06", "provider": "openai"}
    findings = check(HANDWRITTEN, "support-chats-synth/pipeline.yaml")
    assert [(f.rule, f.line) for f in findings if f.rule == "SG102"] == [("SG102", 57)]


def test_distilabel_stage_type_from_class_names() -> None:
    from synthgov.loaders.distilabel import stage_type

    assert stage_type("UltraFeedback") == "evaluate"
    assert stage_type("PrometheusEval") == "evaluate"
    assert stage_type("QualityScorer") == "evaluate"
    assert stage_type("TextClassification") == "label"
    assert stage_type("TextGeneration") == "generate"
    assert stage_type("EvolInstruct") == "generate"
    assert stage_type("MagpieGenerator") == "generate"


# -- DataDreamer ----------------------------------------------------------------------------


def test_datadreamer_models_licenses_and_dates_become_generation_uses() -> None:
    path = HANDWRITTEN / "abstracts-datadreamer" / "datadreamer.json"
    doc = only_doc(path)
    assert doc.source_format == "datadreamer" and doc.id == "abstracts-datadreamer"
    uses = doc.data["generation"]
    assert [(u["model"], u["role"], u["date"]) for u in uses] == [
        ("gpt-4-0613", "generator", "2024-05-14"),
        ("mistralai/Mixtral-8x7B-Instruct-v0.1", "filter", "2024-05-14"),
    ]
    assert uses[0]["x-datadreamer"]["license"] == "https://openai.com/policies"
    assert doc.data["sources"] == [
        {
            "name": "acme/paper-topics",
            "url": "https://huggingface.co/datasets/acme/paper-topics",
            "license": "cc-by-4.0",
        }
    ]
    assert is_synthetic(doc)
    assert doc.position(("generation", 0, "model")).line == 22
    assert doc.position(("generation", 0, "date")).line == 19


def test_datadreamer_and_its_readme_make_one_card(tmp_path: Path) -> None:
    src = HANDWRITTEN / "abstracts-datadreamer" / "datadreamer.json"
    place(src, tmp_path / "abstracts" / "datadreamer.json")
    readme = "---\ntags: [datadreamer, synthetic]\nlicense: cc-by-4.0\n---\n"
    write_tree(tmp_path, {"abstracts/README.md": readme})
    findings = check(tmp_path)
    assert {f.path for f in findings} == {"abstracts/datadreamer.json"}
    assert all(f.rule != "SG005" for f in findings)
    # with a synthgov: block, the README is the card and datadreamer.json is not read
    block = (
        "---\nlicense: cc-by-4.0\nsynthgov:\n  metadata: {id: abstracts, owner: a@b.example}\n---\n"
    )
    write_tree(tmp_path, {"abstracts/README.md": block})
    findings = check(tmp_path)
    assert {f.path for f in findings} == {"abstracts/README.md"}


# -- DVC ------------------------------------------------------------------------------------


def test_dvc_stages_keep_deps_and_outs_with_positions(tmp_path: Path) -> None:
    path = place(
        CORPUS / "dvc" / "example-pokemon-classifier.dvc.yaml", tmp_path / "poke" / "dvc.yaml"
    )
    doc = only_doc(path)
    assert doc.kind == "Pipeline" and doc.source_format == "dvc" and doc.id == "poke-dvc"
    stages = {s["id"]: s for s in doc.data["stages"]}
    assert list(stages) == ["data_preprocess", "data_load", "train", "evaluate"]
    assert stages["train"]["type"] == "train" and stages["evaluate"]["type"] == "evaluate"
    assert "type" not in stages["data_load"]
    assert stages["data_load"]["x-dvc"]["outs"][1] == "data/processed/X_train.pckl"
    assert doc.position(("stages", 1, "x-dvc", "outs", 1)).line == 23
    papermill = place(
        CORPUS / "dvc" / "example-pokemon-classifier-papermill.dvc.yaml",
        tmp_path / "pm" / "dvc.yaml",
    )
    (stage,) = only_doc(papermill).data["stages"]
    assert stage["x-dvc"]["cmd"].startswith("papermill notebooks/pokemon_classifier.ipynb")


DVC_FILE = """stages:
  synthesize:
    cmd: python generate.py
    deps:
    - generate.py
    - data/seed
    outs:
    - data/train.jsonl
    - reports/stats.json:
        cache: false
    meta:
      synthgov:
        model: gpt-4o-2024-08-06
"""


def _card(ds_id: str, path: str) -> str:
    return (
        "apiVersion: synthgov/v1\nkind: DatasetCard\n"
        f"metadata: {{id: {ds_id}, owner: data@acme.example}}\n"
        f"files:\n  - {{path: {path}}}\n"
    )


def test_dvc_stages_join_the_lineage_graph_through_files_named_by_cards(tmp_path: Path) -> None:
    from synthgov.loaders.dvc import DvcLoader

    write_tree(
        tmp_path,
        {
            "dvc.yaml": DVC_FILE,
            "generate.py": "print('hi')\n",
            "data/seed/tickets.csv": "a,b\n",
            "data/train.jsonl": "{}\n",
            "cards/seed.yaml": _card("tickets-seed", "../data/seed/tickets.csv"),
            "cards/train.yaml": _card("train-synth", "../data/train.jsonl"),
        },
    )
    docs = []
    for rel in ("dvc.yaml", "cards/seed.yaml", "cards/train.yaml"):
        docs.append(only_doc(tmp_path / rel))
    graph = LineageGraph.build(docs, [DvcLoader().lineage_edges])
    pipeline_id = f"{tmp_path.name}-dvc"
    stage = f"stage:{pipeline_id}/synthesize"
    # the file links come from the loader's hook, passed in by the caller
    assert LineageGraph.build(docs).in_edges(stage, "input") == []
    assert [e.src for e in graph.in_edges(stage, "input")] == ["dataset:tickets-seed"]
    assert [e.dst for e in graph.out_edges(stage, "output")] == ["dataset:train-synth"]
    assert graph.upstream("dataset:train-synth") == {"dataset:tickets-seed"}
    (edge,) = graph.in_edges(stage, "input")
    assert edge.doc.position(edge.pointer).line == 6  # `- data/seed` in dvc.yaml
    assert docs[0].data["stages"][0]["type"] == "generate"  # guessed from the stage name
    assert docs[0].data["stages"][0]["model"] == "gpt-4o-2024-08-06"  # from meta.synthgov


def test_dvc_meta_synthgov_fields_win(tmp_path: Path) -> None:
    text = DVC_FILE.replace("model: gpt-4o-2024-08-06", "type: generate\n        model: gpt-4o")
    write_tree(tmp_path, {"dvc.yaml": text})
    (stage,) = only_doc(tmp_path / "dvc.yaml").data["stages"]
    assert stage["type"] == "generate" and stage["model"] == "gpt-4o"
    findings = check(tmp_path)
    assert [(f.rule, f.line) for f in findings if f.rule == "SG102"] == [("SG102", 14)]


def test_adapters_never_raise_on_odd_but_parseable_input(tmp_path: Path) -> None:
    files: dict[str, Any] = {
        "a/README.md": "---\nlicense: [1, {x: 2}]\nconfigs: {not: a list}\ntags: 5\n---\n",
        "b/pipeline.yaml": "distilabel: 1\npipeline:\n  steps: [1, {step: 2}, {step: {llm: []}}]\n",
        "c/dvc.yaml": "stages: [1, 2]\n",
        "d/datadreamer.json": json.dumps({"data_card": {"s": [1], "t": {"Model Name": 3}}}),
        "e/meta.json": json.dumps({"conformsTo": "http://mlcommons.org/croissant/1.0", "name": 3}),
        "f/dvc.yaml": "",
    }
    write_tree(tmp_path, files)
    proc = run_cli("check", "--format", "json", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    data = json.loads(proc.stdout)
    assert not [f for f in data["findings"] if "could not load" in f["message"]]
    sg001 = sorted(f["path"] for f in data["findings"] if f["rule"] == "SG001")
    assert sg001 == ["c/dvc.yaml"]
