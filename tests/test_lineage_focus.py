"""What a drawing of some documents keeps (``LineageGraph.focus``, ``lineage/focus.py``):
``synthgov graph FILE`` and the HTML report draw the lineage around the files named, not the
whole repository loaded for context."""

from __future__ import annotations

import pytest

from synthgov.app.check.runner import CheckOptions, prepare, run_check
from synthgov.lineage.focus import focus_nodes
from synthgov.lineage.graph import LineageGraph
from tests.conftest import write_tree

CARD = "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {{id: {id}}}\n"
PIPELINE = "apiVersion: synthgov/v1\nkind: Pipeline\nmetadata: {{id: {id}}}\n"

REPO = {
    "tickets.yaml": CARD.format(id="tickets"),
    "intents.yaml": CARD.format(id="intents")
    + "sources:\n  - {dataset: tickets}\n"
    + "generation:\n  - {model: gpt-4o-2024-08-06, role: generator}\n"
    + "validation:\n  judge: {model: gemini-1.5-pro-002}\n",
    "eval.yaml": CARD.format(id="eval-set") + "purpose: [evaluation]\n",
    "bot.yaml": PIPELINE.format(id="bot")
    + "primary_model: {id: acme/bot, base: {id: meta-llama/Llama-3.1-8B-Instruct}}\n"
    + "stages:\n"
    + "  - {id: gen-eval, type: generate, model: o1-2024-12-17, inputs: [tickets], "
    + "outputs: [eval-set]}\n"
    + "  - {id: train, type: train, inputs: [intents]}\n"
    + "  - {id: judge, type: evaluate, model: gemini-1.5-pro-002, inputs: [eval-set]}\n",
    # a second, unrelated lineage
    "weather.yaml": CARD.format(id="weather")
    + "generation:\n  - {model: mistral-large-2407, role: generator}\n",
    "forecast.yaml": PIPELINE.format(id="forecast")
    + "stages:\n  - {id: train, type: train, inputs: [weather]}\n",
}

BOT = {
    "pipeline:bot",
    "model:meta-llama/Llama-3.1-8B-Instruct",
    "stage:bot/gen-eval",
    "stage:bot/train",
    "stage:bot/judge",
    "model:o1-2024-12-17",
    "model:gemini-1.5-pro-002",
    "dataset:tickets",
    "dataset:intents",
    "dataset:eval-set",
}
FORECAST = {"pipeline:forecast", "stage:forecast/train", "dataset:weather"}


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> LineageGraph:
    root = tmp_path_factory.mktemp("focus")
    write_tree(root, REPO)
    options = CheckOptions(cwd=str(root), use_cache=False)
    return LineageGraph.build(run_check(options, prepare(options)).documents)


def test_a_dataset_brings_its_lineage_and_the_pipelines_that_read_it(graph: LineageGraph) -> None:
    # upstream tickets; bot's train stage reads intents, so bot and all its parts; the
    # models that generated or judged intents
    assert focus_nodes(graph, ["dataset:intents"]) == BOT | {"model:gpt-4o-2024-08-06"}


def test_a_source_dataset_brings_what_derives_from_it(graph: LineageGraph) -> None:
    kept = focus_nodes(graph, ["dataset:tickets"])
    assert {"dataset:intents", "dataset:eval-set", "pipeline:bot"} <= kept
    assert not kept & FORECAST


def test_a_pipeline_brings_its_stages_and_their_datasets_upstream(graph: LineageGraph) -> None:
    assert focus_nodes(graph, ["pipeline:forecast"]) == FORECAST | {"model:mistral-large-2407"}


def test_a_dataset_nobody_reads_brings_only_its_own_lineage(graph: LineageGraph) -> None:
    assert focus_nodes(graph, ["dataset:weather"]) == FORECAST | {"model:mistral-large-2407"}


def test_unknown_seeds_bring_nothing(graph: LineageGraph) -> None:
    assert focus_nodes(graph, ["dataset:nope", "pipeline:nope", "model:o1-2024-12-17"]) == set()
    assert not graph.focus(["dataset:nope"]).nodes


def test_the_focused_graph_keeps_the_edges_between_kept_nodes(graph: LineageGraph) -> None:
    focused = graph.focus(["dataset:intents"])
    keep = focus_nodes(graph, ["dataset:intents"])
    assert set(focused.nodes) == keep
    assert list(focused.edges) == [e for e in graph.edges if e.src in keep and e.dst in keep]
    assert len(focused.edges) < len(graph.edges)  # forecast's lineage is left out
    both = graph.focus(["pipeline:forecast", "dataset:intents"])
    assert len(both.edges) == len(graph.edges)
