"""The lineage graph (SPEC section 5), the role analysis built on it, and `synthgov graph`."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from synthgov.app.check.runner import CheckOptions, prepare, run_check
from synthgov.core.types import DATASET_CARD, Document
from synthgov.lineage.graph import (
    GENERATED,
    INPUT,
    JUDGED,
    OUTPUT,
    SOURCE,
    USES,
    LineageGraph,
    dataset_node,
    model_node,
)
from synthgov.lineage.render import render
from synthgov.lineage.roles import card_checkers, generators, pipeline_roles
from tests.conftest import ROOT, run_cli, write_tree
from tests.test_robustness import FUZZ

ACME = ROOT / "examples" / "acme"
VIOLATIONS = ROOT / "examples" / "violations"

CARD = "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {{id: {id}}}\n"


def load(root: Path, files: dict[str, str]) -> tuple[LineageGraph, list[Document], list]:
    write_tree(root, files)
    options = CheckOptions(cwd=str(root), use_cache=False)
    result = run_check(options, prepare(options))
    docs = list(result.documents)
    return LineageGraph.build(docs), docs, list(result.report.findings)


def doc(docs: list[Document], doc_id: str) -> Document:
    return next(d for d in docs if d.id == doc_id)


REPO = {
    "tickets.yaml": CARD.format(id="tickets"),
    "intents.yaml": CARD.format(id="intents")
    + "sources:\n  - {dataset: tickets}\n"
    + "generation:\n  - {model: gpt-4o-2024-08-06, role: generator}\n"
    + "  - {model: claude-3-5-sonnet-20240620, role: judge}\n"
    + "validation:\n  judge: {model: gemini-1.5-pro-002}\n",
    "eval.yaml": CARD.format(id="eval-set") + "purpose: [evaluation]\n",
    "bot.yaml": (
        "apiVersion: synthgov/v1\nkind: Pipeline\nmetadata: {id: bot}\n"
        "primary_model: {id: acme/bot, base: {id: meta-llama/Llama-3.1-8B-Instruct, "
        "revision: 0e9e39f2}}\n"
        "stages:\n"
        "  - {id: gen-eval, type: generate, model: o1-2024-12-17, inputs: [tickets], "
        "outputs: [eval-set]}\n"
        "  - {id: train, type: train, inputs: [intents]}\n"
        "  - {id: judge, type: evaluate, model: gemini-1.5-pro-002, inputs: [eval-set]}\n"
    ),
}


def test_edges_remember_their_declaration(tmp_path: Path) -> None:
    graph, _, _ = load(tmp_path, REPO)
    intents = dataset_node("intents")
    source = graph.in_edges(intents, SOURCE)
    assert [(e.src, e.doc.path, e.doc.position(e.pointer).line) for e in source] == [
        ("dataset:tickets", "intents.yaml", 5)
    ]
    generated = graph.in_edges(intents, GENERATED)
    assert [(e.src, e.attrs["role"]) for e in generated] == [
        (model_node("gpt-4o-2024-08-06"), "generator"),
        (model_node("claude-3-5-sonnet-20240620"), "judge"),
    ]
    judged = graph.in_edges(intents, JUDGED)
    assert [e.pointer for e in judged] == [("validation", "judge", "model")]
    gen_stage = "stage:bot/gen-eval"
    assert [e.src for e in graph.in_edges(gen_stage, USES)] == [model_node("o1-2024-12-17")]
    assert [e.src for e in graph.in_edges(gen_stage, INPUT)] == ["dataset:tickets"]
    assert [e.dst for e in graph.out_edges(gen_stage, OUTPUT)] == ["dataset:eval-set"]
    assert graph.nodes["pipeline:bot"].detail == "acme/bot"


def test_depth_upstream_downstream(tmp_path: Path) -> None:
    graph, _, _ = load(tmp_path, REPO)
    assert graph.synthetic_depth("dataset:tickets") == 0
    assert graph.synthetic_depth("dataset:intents") == 1
    # eval-set has no generation section of its own and no composition: not synthetic
    assert graph.synthetic_depth("dataset:eval-set") == 0
    assert graph.upstream("dataset:eval-set") == {"dataset:tickets"}
    assert graph.downstream("dataset:tickets") == {"dataset:intents", "dataset:eval-set"}
    assert graph.parents("dataset:intents") == ["dataset:tickets"]


def test_roles(tmp_path: Path) -> None:
    graph, docs, _ = load(tmp_path, REPO)
    assert [u.model for u in generators(graph, "intents")] == ["gpt-4o-2024-08-06"]
    eval_gens = generators(graph, "eval-set")
    assert [(u.model, u.stage, u.pipeline, u.where) for u in eval_gens] == [
        ("o1-2024-12-17", "gen-eval", "bot", "bot.yaml:6")
    ]
    checkers = card_checkers(graph, doc(docs, "intents"))
    assert sorted((u.role, u.model) for u in checkers) == [
        ("judge", "claude-3-5-sonnet-20240620"),
        ("judge", "gemini-1.5-pro-002"),
    ]
    roles = pipeline_roles(graph, doc(docs, "bot"))
    assert roles is not None
    assert [d.dataset for d in roles.training] == ["intents"]
    assert [d.dataset for d in roles.evaluation] == ["eval-set"]
    assert [(j.model.model, j.model.stage) for j in roles.judges] == [
        ("gemini-1.5-pro-002", "judge")
    ]
    assert roles.base is not None and roles.base.model == "meta-llama/Llama-3.1-8B-Instruct"
    assert roles.primary == "acme/bot"


def test_deep_chain_and_cycles_terminate(tmp_path: Path) -> None:
    files = {"d0.yaml": CARD.format(id="d0")}
    for i in range(1, 400):
        files[f"d{i}.yaml"] = (
            CARD.format(id=f"d{i}")
            + f"sources: [{{dataset: d{i - 1}}}]\n"
            + "generation: [{model: gpt-4o-2024-08-06}]\n"
        )
    files["loop-a.yaml"] = (
        CARD.format(id="loop-a") + "sources: [{dataset: loop-b}]\ngeneration: [{model: x}]\n"
    )
    files["loop-b.yaml"] = (
        CARD.format(id="loop-b") + "sources: [{dataset: loop-a}]\ngeneration: [{model: x}]\n"
    )
    graph, _, findings = load(tmp_path, files)
    assert graph.synthetic_depth("dataset:d399") == 399
    assert {f.rule for f in findings if f.path.startswith("loop")} >= {"SG006"}
    sg206 = [f for f in findings if f.rule == "SG206"]
    # d3..d399 exceed max_depth 2; the loop is reported by SG006 and never followed forever
    assert sorted(f.path for f in sg206) == sorted(f"d{i}.yaml" for i in range(3, 400))
    deepest = next(f for f in sg206 if f.path == "d399.yaml")
    # the first five steps are spelled out, the rest counted (a message of bounded size)
    assert deepest.message.endswith(
        "which was generated from d394 (depth 394), and so on through 394 more "
        "generation(s) down to real data"
    )
    shallow = next(f for f in sg206 if f.path == "d3.yaml")
    assert shallow.message.endswith("which was generated from d0 (real data)")


def test_memo_is_computed_once() -> None:
    graph = LineageGraph({}, [])
    calls: list[int] = []
    assert graph.memo("k", lambda: calls.append(1) or 5) == 5
    assert graph.memo("k", lambda: calls.append(1) or 6) == 5
    assert calls == [1]


# --------------------------------------------------------------------------- rendering


def _mermaid_nodes(text: str) -> dict[str, str]:
    """short id -> label text of a Mermaid flowchart (first label line)."""
    found = {}
    for match in re.finditer(r'^\s+(n\d+)[\[\(\{]+"([^"]*)"', text, re.M):
        found[match.group(1)] = match.group(2).split("<br/>")[0].removeprefix("⚠ ")
    return found


def test_graph_acme_lists_every_dataset(tmp_path: Path) -> None:
    proc = run_cli("graph", "examples/acme")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert text.startswith("flowchart LR\n")
    ids = set()
    for path in ACME.rglob("card.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        ids.add(data["metadata"]["id"])
    assert len(ids) == 3
    labels = set(_mermaid_nodes(text).values())
    assert ids <= labels
    assert "synthetic, depth 1" in text  # synthetic datasets are marked
    assert "==>" not in text and "linkStyle" not in text  # acme is clean
    assert run_cli("graph", "examples/acme").stdout == text  # deterministic


def test_graph_violations_styles_the_offending_edges() -> None:
    proc = run_cli("graph", "examples/violations", env={"NO_COLOR": "1"})
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    names = _mermaid_nodes(text)
    thick = set()
    links = [ln.strip() for ln in text.splitlines() if re.match(r"\s+n\d+ (-->|==>)", ln)]
    for index, line in enumerate(links):
        src, arrow, *_rest, dst = line.replace("|", " ").split()
        if arrow == "==>":
            thick.add((names[src], names[dst], index))
    pairs = {(s, d) for s, d, _ in thick}
    # SG201: the Qwen judge over data a Qwen model generated
    assert ("Qwen/Qwen2.5-72B-Instruct", "support-intents-qwen-judged") in pairs
    assert ("Qwen/Qwen2.5-7B-Instruct", "support-intents-qwen-judged") in pairs
    # SG207: Llama 70B wrote the training data of a Llama-based bot
    assert ("meta-llama/Llama-3.1-70B-Instruct", "support-intents-llama") in pairs
    # SG206: the chain of generations
    assert ("support-intents-gen2", "support-intents-gen3") in pairs
    # every thick link is also red through linkStyle, by its index
    style = re.search(r"^\s+linkStyle ([\d,]+) stroke:#d00000", text, re.M)
    assert style is not None
    assert {int(i) for i in style.group(1).split(",")} == {i for _, _, i in thick}
    # unrelated edges stay plain
    assert ("gemini-1.5-pro-002", "support-intents-gen3") not in pairs
    assert "%% SG201 examples/violations/datasets/judge-own-data/card.yaml:36" in text


def test_graph_json(tmp_path: Path) -> None:
    proc = run_cli("graph", "examples/violations", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["version"] == 1
    node = {n["id"]: n for n in data["nodes"]}
    assert node["dataset:support-intents-gen3"]["depth"] == 3
    assert node["dataset:support-intents-gen3"]["highlighted"] is True
    assert node["dataset:tickets-2024"]["synthetic"] is False
    assert node["model:gemini-1.5-pro-002"]["description"] == "lineage gemini"
    hot = {(e["source"], e["target"]) for e in data["edges"] if e["highlighted"]}
    assert ("model:meta-llama/Llama-3.1-8B-Instruct", "pipeline:support-bot-llama-judge") in hot
    edge = next(
        e
        for e in data["edges"]
        if e["source"] == "model:Qwen/Qwen2.5-72B-Instruct"
        and e["target"] == "dataset:support-intents-qwen-judged"
    )
    assert edge == {
        "source": "model:Qwen/Qwen2.5-72B-Instruct",
        "target": "dataset:support-intents-qwen-judged",
        "kind": "judged",
        "label": "judge",
        "declared_at": "examples/violations/datasets/judge-own-data/card.yaml:36",
        "highlighted": True,
    }
    assert {f["rule"] for f in data["findings"]} >= {f"SG20{i}" for i in range(1, 8)}


def test_graph_dot_is_accepted_by_graphviz(tmp_path: Path) -> None:
    if shutil.which("dot") is None:
        pytest.skip("Graphviz `dot` is not installed (CI installs it: apt-get install graphviz)")
    proc = run_cli("graph", "examples/violations", "--format", "dot")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("digraph lineage {")
    assert 'color="#d00000"' in proc.stdout
    svg = subprocess.run(
        ["dot", "-Tsvg"], input=proc.stdout, capture_output=True, text=True, timeout=60
    )
    assert svg.returncode == 0, svg.stderr
    assert "<svg" in svg.stdout and "intents&#45;gen3" in svg.stdout


def test_graph_escapes_labels_and_handles_an_empty_repository(tmp_path: Path) -> None:
    weird = 'acme/"quoted" <model> & co'
    files = {
        "a.yaml": CARD.format(id="a") + f"generation: [{{model: '{weird}'}}]\n",
    }
    graph, _, findings = load(tmp_path / "repo", files)
    mermaid = render(graph, findings, "mermaid")
    assert "#quot;quoted#quot; #lt;model#gt; #amp; co" in mermaid
    dot = render(graph, findings, "dot")
    assert '\\"quoted\\" <model> & co' in dot
    if shutil.which("dot"):
        ok = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True)
        assert ok.returncode == 0, ok.stderr
    (tmp_path / "empty").mkdir()
    proc = run_cli("graph", cwd=tmp_path / "empty")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("flowchart LR\n") and "no dataset cards" in proc.stdout
    assert (
        json.loads(run_cli("graph", "--format", "json", cwd=tmp_path / "empty").stdout)["nodes"]
        == []
    )


def test_graph_writes_output_and_rejects_unknown_formats(tmp_path: Path) -> None:
    write_tree(tmp_path, REPO)
    out = tmp_path / "out" / "lineage.mmd"
    proc = run_cli("graph", "--output", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8").startswith("flowchart LR")
    bad = run_cli("graph", "--format", "svg", cwd=tmp_path)
    assert bad.returncode == 2


def test_graph_bad_policy_is_exit_2(tmp_path: Path) -> None:
    write_tree(tmp_path, {**REPO, "synthgov.yaml": "policies: [./missing.yaml]\n"})
    proc = run_cli("graph", cwd=tmp_path)
    assert proc.returncode == 2
    assert "missing.yaml" in proc.stderr and "Traceback" not in proc.stderr


def test_graph_of_named_files_shows_their_lineage_only() -> None:
    proc = run_cli("graph", "examples/violations/datasets/judge-own-data/card.yaml")
    assert proc.returncode == 0, proc.stderr
    labels = set(_mermaid_nodes(proc.stdout).values())
    assert labels == {
        "support-intents-qwen-judged",
        "tickets-2024",
        "Qwen/Qwen2.5-72B-Instruct",
        "Qwen/Qwen2.5-7B-Instruct",
        "mistralai/Mixtral-8x22B-Instruct-v0.1",
    }
    # a pipeline brings its stages, base, the datasets they read and write and their makers
    proc = run_cli("graph", "examples/violations/pipelines/self-judging.yaml", "--format", "json")
    nodes = {n["id"] for n in json.loads(proc.stdout)["nodes"]}
    assert {
        "pipeline:support-bot-llama-judge",
        "stage:support-bot-llama-judge/evaluate",
        "model:meta-llama/Llama-3.1-70B-Instruct",
        "model:meta-llama/Llama-3.1-8B-Instruct",
        "dataset:support-eval-v1",
        "stage:support-bot-v1/gen-eval-claude",  # how support-eval-v1 was generated
    } <= nodes
    assert "dataset:support-intents-gen3" not in nodes
    assert "pipeline:support-bot-mistral-judge" not in nodes


def _derived(sources: dict[str, list[str]], synthetic: set[str]) -> LineageGraph:
    """The graph of in-memory cards: ``sources`` maps a dataset id to the ids it derives
    from; the ids in ``synthetic`` declare a generator model."""
    docs = []
    for name, parents in sources.items():
        data: dict[str, object] = {
            "apiVersion": "synthgov/v1",
            "kind": "DatasetCard",
            "metadata": {"id": name},
            "sources": [{"dataset": p} for p in parents],
        }
        if name in synthetic:
            data["generation"] = [{"model": "gpt-4o-2024-08-06"}]
        docs.append(Document(f"{name}.yaml", DATASET_CARD, data))
    return LineageGraph.build(docs)


def _first_asked(sources: dict[str, list[str]], synthetic: set[str]) -> dict[str, int]:
    """Each dataset's depth when it is the first question a fresh graph answers."""
    return {n: _derived(sources, synthetic).synthetic_depth(dataset_node(n)) for n in sources}


def test_synthetic_depth_on_a_cycle_does_not_depend_on_the_order_asked() -> None:
    # the index's random-edit case (issue 15): finance -> code -> ads -> finance, code also
    # derives from search; a drawing asked about code before finance and got depth 2
    sources = {"finance": ["code"], "code": ["ads", "search"], "ads": ["finance"], "search": []}
    synthetic = {"finance", "code"}
    expected = {"finance": 1, "code": 1, "ads": 0, "search": 0}
    assert _first_asked(sources, synthetic) == expected
    for order in (["code", "finance"], ["ads", "finance"], ["finance", "code"]):
        graph = _derived(sources, synthetic)
        assert {n: graph.synthetic_depth(dataset_node(n)) for n in order} == {
            n: expected[n] for n in order
        }


@FUZZ
@given(
    edges=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=14),
    synthetic=st.sets(st.integers(0, 6)),
    order=st.permutations(range(7)),
)
def test_synthetic_depth_is_the_same_whatever_was_asked_before(
    edges: list[tuple[int, int]], synthetic: set[int], order: list[int]
) -> None:
    """A graph's memo never changes an answer: a full run, a commit-time run and a drawing
    ask about datasets in different orders and must read the same depths."""
    sources: dict[str, list[str]] = {f"d{n}": [] for n in range(7)}
    for child, parent in edges:
        sources[f"d{child}"].append(f"d{parent}")
    marked = {f"d{n}" for n in synthetic}
    expected = _first_asked(sources, marked)
    graph = _derived(sources, marked)
    assert {f"d{n}": graph.synthetic_depth(f"dataset:d{n}") for n in order} == expected
