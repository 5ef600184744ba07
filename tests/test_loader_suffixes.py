"""Loaders declare their file suffixes and discovery walks what the registry's loaders
declare (issue 12): a plugin's own format is found, loaded and linked into the lineage
graph like a built-in one; a malformed declaration fails closed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synthgov.app.check.loading import document_suffixes
from synthgov.app.check.runner import CheckOptions, prepare, run_check
from synthgov.core.errors import PluginError
from synthgov.plugins.manager import load_registry
from tests.conftest import run_cli, write_tree

# A plugin for "key = value" dataset sheets (*.sgsheet): a suffix no built-in loader reads.
PLUGIN = """
import os

from synthgov.core.markers import hookimpl
from synthgov.core.types import DATASET_CARD, Document, LoadResult
from synthgov.lineage.types import SOURCE, Edge, dataset_node


class SheetLoader:
    name = "sgsheet"
    suffixes = SUFFIXES

    def sniff(self, path, head):
        return path.endswith(".sgsheet")

    def load(self, path, raw, display_path, limits):
        fields = dict(
            (k.strip(), v.strip())
            for k, _, v in (line.partition("=") for line in raw.decode().splitlines())
        )
        data = {
            "apiVersion": "synthgov/v1",
            "kind": DATASET_CARD,
            "metadata": {"id": fields["id"], "owner": "data@acme.example"},
            "x-derived-from": fields.get("from"),
        }
        folder = os.path.dirname(path)
        doc = Document(display_path, DATASET_CARD, data, {}, "sgsheet", folder, False)
        return LoadResult((doc,), ())

    def lineage_edges(self, documents):
        return [
            Edge(dataset_node(d.data["x-derived-from"]), dataset_node(d.id), SOURCE, d)
            for d in documents
            if d.source_format == "sgsheet" and d.data.get("x-derived-from")
        ]


@hookimpl
def synthgov_register_loaders():
    return [SheetLoader()]
"""
CARD = """apiVersion: synthgov/v1
kind: DatasetCard
metadata: {id: tickets-seed, owner: data@acme.example}
"""


def _repo(tmp_path: Path, module: str, suffixes: str) -> Path:
    write_tree(
        tmp_path,
        {
            f"src/{module}.py": PLUGIN.replace("SUFFIXES", suffixes),
            "repo/synthgov.yaml": f"plugins: [{module}]\n",
            "repo/cards/seed.yaml": CARD,
            "repo/sheets/train.sgsheet": "id = tickets-synth\nfrom = tickets-seed\n",
            "repo/sheets/notes.txt": "not a candidate\n",
        },
    )
    return tmp_path / "repo"


def test_builtin_loaders_declare_the_suffixes_discovery_walked_before() -> None:
    loaders = load_registry((), entry_points=False).loaders
    assert document_suffixes(loaders) == (".json", ".jsonld", ".md", ".yaml", ".yml")


def test_a_plugin_loaders_suffix_is_discovered_loaded_and_linked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, "sgsheet_plugin_ok", '(".sgsheet",)')
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    options = CheckOptions(cwd=str(repo), use_cache=False)
    result = run_check(options, prepare(options))
    paths = sorted(d.path for d in result.documents)
    assert paths == ["cards/seed.yaml", "sheets/train.sgsheet"]  # found by walking the folder
    assert result.report.summary.files == 2
    graph = result.report.graph()
    # the plugin's lineage_edges hook is passed to the graph like DVC's
    assert graph.upstream("dataset:tickets-synth") == {"dataset:tickets-seed"}


def test_without_the_declaration_the_plugins_files_are_not_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path, "sgsheet_plugin_none", "()")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    options = CheckOptions(cwd=str(repo), use_cache=False)
    result = run_check(options, prepare(options))
    assert sorted(d.path for d in result.documents) == ["cards/seed.yaml"]
    # named explicitly, the file is read whatever its suffix
    named = CheckOptions(paths=("sheets/train.sgsheet",), cwd=str(repo), use_cache=False)
    result = run_check(named, prepare(named))
    assert "sheets/train.sgsheet" in {d.path for d in result.documents}


def test_a_malformed_suffix_declaration_fails_closed(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "sgsheet_plugin_bad", '"sgsheet"')
    proc = run_cli("check", ".", cwd=repo, env={"PYTHONPATH": str(tmp_path / "src")})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.splitlines() == [
        "synthgov: error: loader sgsheet: suffixes must be a tuple of file suffixes such as "
        '(".yaml", ".yml"), not \'sgsheet\''
    ]
    assert "Traceback" not in proc.stderr


def test_document_suffixes_rejects_what_is_not_a_suffix() -> None:
    class Bad:
        name = "bad"
        suffixes = (".ok", "yaml")

    with pytest.raises(PluginError, match="loader bad: suffixes must be"):
        document_suffixes([Bad()])
    assert json.dumps(document_suffixes([])) == "[]"
