"""The Spark engine's edges that need no Spark session: start-up never imports PySpark, and
a missing PySpark or Java, an unknown engine or a bad ``verify`` config is exit 2 with one
clear line (real subprocesses; the missing PySpark is a module on PYTHONPATH whose import
fails, as a broken or absent installation does)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import imported_modules, run_cli

CARD = (
    "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: d}\npurpose: [training]\n"
    "files:\n  - {path: data.jsonl}\n"
)


def _repo(root: Path) -> Path:
    (root / "data.jsonl").write_text(json.dumps({"text": "a row of text for the test"}) + "\n")
    (root / "card.yaml").write_text(CARD)
    return root


@pytest.mark.slow
def test_check_and_duckdb_verify_never_import_pyspark(tmp_path: Path) -> None:
    _repo(tmp_path)
    for args in (["check", "card.yaml"], ["verify", "--no-cache", "card.yaml"]):
        modules = imported_modules(args, tmp_path)
        assert "synthgov.cli.main" in modules, args  # the measurement saw the real run
        assert not any(m.split(".")[0] in ("pyspark", "py4j") for m in modules), args
        assert "synthgov.verify.spark_engine" not in modules, args
    # and the Spark engine's module itself imports no PySpark until a session is opened
    modules = imported_modules(["--version"], tmp_path)
    assert "pyspark" not in modules


def test_missing_pyspark_is_exit_2_with_one_line(tmp_path: Path) -> None:
    _repo(tmp_path)
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "pyspark.py").write_text("raise ImportError('No module named pyspark')\n")
    proc = run_cli(
        "verify", "--no-cache", "--engine", "spark", cwd=tmp_path, env={"PYTHONPATH": str(shim)}
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == (
        "synthgov: error: --engine spark: the Spark engine needs PySpark: "
        "pip install 'synthgov[spark]'"
    )


def test_missing_java_is_exit_2_with_one_line(tmp_path: Path) -> None:
    import importlib.util

    _repo(tmp_path)
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {"PATH": str(empty), "JAVA_HOME": str(tmp_path / "no-jdk")}
    proc = run_cli("verify", "--no-cache", "--engine", "spark", cwd=tmp_path, env=env)
    assert proc.returncode == 2, proc.stderr
    if importlib.util.find_spec("pyspark") is None:  # the check before Java's
        assert "needs PySpark" in proc.stderr
    else:
        assert proc.stderr.strip() == (
            "synthgov: error: --engine spark: the Spark engine needs a Java runtime (17 or "
            "later): install one (e.g. apt-get install default-jre-headless) or set JAVA_HOME"
        )


def test_engine_typos_fail_closed(tmp_path: Path) -> None:
    _repo(tmp_path)
    proc = run_cli("verify", "--no-cache", "--engine", "Spark", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "synthgov: error: unknown engine 'Spark' (known: duckdb, spark)"
    for body, where in (
        ("verify: {engine: sparc}\n", "verify/engine"),
        ("verify: {engine: spark, spark: {mastr: local}}\n", "verify/spark"),
        ("verify: {spark: {paths: {data.jsonl: 's3://b/x.jsonl'}}}\n", "verify/spark/paths"),
    ):
        (tmp_path / "synthgov.yaml").write_text(body)
        proc = run_cli("verify", "--no-cache", cwd=tmp_path)
        assert proc.returncode == 2, (body, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("synthgov: error: synthgov.yaml:1:"), lines
        assert f"schema at {where}" in lines[0], lines
