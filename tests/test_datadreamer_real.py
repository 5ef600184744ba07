"""The real DataDreamer output in tests/corpus/datadreamer (made with DataDreamer 0.46.0's own
code, tests/corpus/SOURCES.md): ``datadreamer.json`` and the README.md DataDreamer pushes
beside it, read as a user who publishes with DataDreamer would have them checked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from synthgov.app.check.runner import load_one
from synthgov.core.types import Document
from synthgov.lineage.synthetic import synthetic_status
from synthgov.plugins.manager import load_registry
from synthgov.repo.parsing.limits import Limits
from tests.conftest import CORPUS, run_cli

PUBLISHED = CORPUS / "datadreamer" / "paper-abstracts"


def _load(path: Path) -> list[Document]:
    registry = load_registry(entry_points=False)
    result = load_one(str(path), path.name, registry.loaders, Limits())
    assert result is not None and result.problems == (), result
    return list(result.documents)


def _published(tmp_path: Path, name: str = "paper-abstracts") -> Path:
    folder = tmp_path / name
    shutil.copytree(PUBLISHED, folder)
    return folder


def test_every_model_step_becomes_a_use_with_its_role_date_and_place(tmp_path: Path) -> None:
    (doc,) = _load(_published(tmp_path) / "datadreamer.json")
    assert doc.source_format == "datadreamer" and doc.id == "paper-abstracts"
    uses = doc.data["generation"]
    assert [(u["model"], u["role"], u["date"], u["x-datadreamer"]["step"]) for u in uses] == [
        ("gpt-4o-mini", "generator", "2026-12-05", "Generate Abstracts"),
        ("gpt-4o-mini", "filter", "2026-12-05", "Filter Abstracts / Getting filter generations"),
    ]
    # `Date & Time` is a plain string in the real file; the use points at the model and date
    assert [doc.position(("generation", i, "model")).line for i in (0, 1)] == [9, 31]
    assert [doc.position(("generation", i, "date")).line for i in (0, 1)] == [7, 29]
    assert uses[0]["x-datadreamer"]["license"] == "https://openai.com/policies"
    assert doc.data["metadata"]["version"] == "1.0"  # the number 1.0 in the file
    extra = doc.data["x-datadreamer"]
    assert extra["__version__"] == "0.46.0" and extra["type"] == "FilterWithPrompt"
    assert extra["interpreter"].startswith("3.11.7 ")
    # the data source step was fed in-memory rows: it names no dataset, so no source
    assert "sources" not in doc.data
    status = synthetic_status(doc)
    assert status.status == "declared"


def _renamed(data: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    card = {k.replace(old, new, 1): v for k, v in data["data_card"].items()}
    return {**data, "data_card": card, "name": data["name"].replace(old, new, 1)}


def test_a_sub_step_of_the_final_step_takes_the_final_steps_class(tmp_path: Path) -> None:
    """The FilterWithPrompt's model is recorded on its sub-step; with a step name that says
    nothing of filtering, the class still makes it a filter, not a generator."""
    data = json.loads((PUBLISHED / "datadreamer.json").read_text(encoding="utf-8"))
    data = _renamed(data, "Filter Abstracts", "Keep Plausible Ones")
    step = "Keep Plausible Ones / Getting filter generations"
    data["data_card"]["Keep Plausible Ones / Asking"] = data["data_card"].pop(step)
    path = tmp_path / "kept" / "datadreamer.json"
    path.parent.mkdir()
    path.write_text(json.dumps(data, indent=4), encoding="utf-8")
    (doc,) = _load(path)
    roles = {u["x-datadreamer"]["step"]: u["role"] for u in doc.data["generation"]}
    assert roles == {"Generate Abstracts": "generator", "Keep Plausible Ones / Asking": "filter"}
    # an earlier step whose name merely starts like the final one is not its sub-step
    data["data_card"]["Keep Plausible Ones Draft"] = data["data_card"]["Generate Abstracts"]
    path.write_text(json.dumps(data, indent=4), encoding="utf-8")
    (doc,) = _load(path)
    roles = {u["x-datadreamer"]["step"]: u["role"] for u in doc.data["generation"]}
    assert roles["Keep Plausible Ones Draft"] == "generator"


def test_the_published_folder_is_one_card_with_the_filter_finding(tmp_path: Path) -> None:
    _published(tmp_path)
    proc = run_cli("check", "paper-abstracts", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 1 and proc.stderr == "", proc.stderr
    report = json.loads(proc.stdout)
    assert report["summary"]["documents"] == 1
    findings = report["findings"]
    # the README DataDreamer pushed is not a second card (no SG005 duplicate id)
    assert {f["path"] for f in findings} == {"paper-abstracts/datadreamer.json"}
    at = {(f["rule"], f["line"]) for f in findings}
    # both uses name the moving alias; the filter shares the generator's lineage
    assert {("SG102", 9), ("SG102", 31), ("SG201", 31)} <= at
    assert not {f["rule"] for f in findings} & {"SG001", "SG112"}


def test_the_readme_alone_is_a_declared_card_naming_the_model(tmp_path: Path) -> None:
    folder = _published(tmp_path)
    (folder / "datadreamer.json").unlink()
    (doc,) = _load(folder / "README.md")
    status = synthetic_status(doc)
    assert status.status == "declared"  # the tag `synthetic`
    assert status.models == ("gpt-4o-mini",)  # the model-name tags DataDreamer adds
    assert doc.data["composition"]["total_rows"] == 4  # dataset_info: 4 examples
