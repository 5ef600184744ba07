"""Delta tables as verification inputs (issue 17), on REAL tables written by delta-rs
(``deltalake``, the reference Rust implementation) in tmp dirs, measured by the real
DuckDB engine: the log replay (commits, deletes, overwrites, checkpoints), partition
columns, fail-closed protocol checks and hostile logs (hand-edited: said so per test)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import duckdb
import pytest
from deltalake import DeltaTable, write_deltalake

from synthgov.app.check.runner import CheckOptions, prepare, run_check
from synthgov.repo.files import LocalFiles
from synthgov.verify.delta_inputs import local_table
from synthgov.verify.delta_log import DeltaError, _path, unsupported

LOG = "_delta_log"


def _rows(con: Any, start: int, n: int) -> Any:
    """``n`` rows as a DuckDB relation (delta-rs reads it through the Arrow C stream)."""
    return con.sql(
        f"SELECT i AS id, 'message number ' || i || ' about order ' || (i * 7919 % 10007) "
        "|| ' and its delivery status' AS text, "
        "CASE WHEN i % 4 = 0 THEN 'es' ELSE 'en' END AS language "
        f"FROM range({start}, {start + n}) t(i)"
    )


def _write(table: Path, start: int, n: int, **options: Any) -> None:
    con = duckdb.connect()
    try:
        write_deltalake(str(table), _rows(con, start, n), **options)
    finally:
        con.close()


def _card(root: Path, entry: str, features: str = "") -> None:
    (root / "card.yaml").write_text(
        "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: corpus}\n"
        f"representation: {{attributes: [{{name: language}}]}}\n{features}"
        f"files:\n  - {entry}\n",
        encoding="utf-8",
    )


def _verify(root: Path) -> Any:
    options = CheckOptions(cwd=str(root), verify_data=True, use_cache=False)
    return run_check(options, prepare(options))


def _dataset(result: Any) -> Any:
    return result.verification.datasets["card.yaml"]


def _active(table: Path) -> list[str]:
    """The table's files as delta-rs lists them, relative to the table root."""
    return sorted(os.path.relpath(u.removeprefix("file://"), table) for u in _uris(table))


def _uris(table: Path) -> list[str]:
    return list(DeltaTable(str(table)).file_uris())


def _count(table: Path) -> int:
    return int(DeltaTable(str(table)).count())


def _claim(result: Any, rule: str) -> list[Any]:
    return [c for c in result.verification.all_claims() if c.rule == rule]


# --------------------------------------------------------------------------- log replay


def test_commits_delete_overwrite_and_checkpoint_replay_to_delta_rs_files(
    tmp_path: Path,
) -> None:
    table = tmp_path / "corpus"
    _write(table, 0, 40)
    _write(table, 40, 30, mode="append")
    _write(table, 70, 20, mode="append")
    DeltaTable(str(table)).delete("id >= 40 AND id < 50")  # rewrites one file: a remove
    DeltaTable(str(table)).create_checkpoint()
    _write(table, 90, 10, mode="append")  # a commit after the checkpoint
    expected = _count(table)
    assert expected == 90
    _card(tmp_path, f"{{path: corpus, rows: {expected}}}")
    result = _verify(tmp_path)
    files = _dataset(result).files
    shown = [os.path.relpath(f.spec.path, table) for f in files]
    assert shown == _active(table)  # the log replay = delta-rs' own active files
    assert len(files) == 4 and all(f.measure is not None and not f.measure.error for f in files)
    assert all(f.spec.format == "parquet" and f.spec.partition == () for f in files)
    assert _dataset(result).rows == expected
    (rows,) = [c for c in _claim(result, "SG501") if c.pointer == ("files", 0, "rows")]
    assert rows.outcome == "verified" and rows.measured == expected
    assert not [f for f in result.report.findings if f.rule in ("SG108", "SG500", "SG509")]
    # an overwrite removes every earlier file
    _write(table, 1000, 7, mode="overwrite")
    again = _verify(tmp_path)
    assert _dataset(again).rows == 7 == _count(table)
    assert [os.path.relpath(f.spec.path, table) for f in _dataset(again).files] == _active(table)


def test_the_checkpoint_is_read_when_earlier_commits_are_gone(tmp_path: Path) -> None:
    table = tmp_path / "corpus"
    _write(table, 0, 10)
    _write(table, 10, 10, mode="append")
    DeltaTable(str(table)).delete("id < 5")
    DeltaTable(str(table)).create_checkpoint()
    _write(table, 20, 3, mode="append")
    for version in range(3):  # log clean-up: commits up to the checkpoint removed
        (table / LOG / f"{version:020d}.json").unlink()
    _card(tmp_path, "{path: corpus}")
    result = _verify(tmp_path)
    assert _dataset(result).rows == 18 == _count(table)
    # a multi-part checkpoint: delta-rs' checkpoint split into two parts (by DuckDB)
    single = table / LOG / f"{2:020d}.checkpoint.parquet"
    con = duckdb.connect()
    for part, cond in ((1, "add IS NOT NULL"), (2, "add IS NULL")):
        target = table / LOG / f"{2:020d}.checkpoint.{part:010d}.{2:010d}.parquet"
        con.execute(
            f"COPY (SELECT * FROM read_parquet('{single}') WHERE {cond}) TO '{target}' "
            "(FORMAT parquet)"
        )
    con.close()
    single.unlink()
    (table / LOG / "_last_checkpoint").write_text('{"version": 2, "size": 5, "parts": 2}')
    assert _dataset(_verify(tmp_path)).rows == 18
    # the checkpoint alone (the commit after it gone too): the table at version 2
    (table / LOG / f"{3:020d}.json").unlink()
    snapshot = local_table(str(table), LocalFiles(str(tmp_path)))
    assert not isinstance(snapshot, str) and snapshot.version == 2 and len(snapshot.files) == 2


def test_partition_columns_are_measured_as_string_columns(tmp_path: Path) -> None:
    table = tmp_path / "corpus"
    _write(table, 0, 40, partition_by=["language"])
    _write(table, 40, 8, partition_by=["language"], mode="append")
    DeltaTable(str(table)).create_checkpoint()  # partition values read from the checkpoint
    _write(table, 48, 4, partition_by=["language"], mode="append")
    for version in range(2):
        (table / LOG / f"{version:020d}.json").unlink()
    features = "features: {id: integer, text: string, language: string}\n"
    _card(tmp_path, "{path: corpus, rows: 52}", features)
    result = _verify(tmp_path)
    dm = _dataset(result)
    assert dm.rows == 52 == _count(table)
    assert len(dm.files) == 6
    for f in dm.files:
        (value,) = [v for k, v in f.spec.partition if k == "language"]
        assert value in ("en", "es")
        assert f.spec.path.startswith(str(table / f"language={value}"))
        language = [c for c in f.measure.columns if c.column == "language"]
        assert [(c.type, c.rows) for c in language] == [("string", f.measure.rows)]
    counts: dict[str, int] = {}
    for m in dm.measured:
        for value, n in m.distributions["language"].items():
            counts[value] = counts.get(value, 0) + n
    assert counts == {"en": 39, "es": 13}
    assert {c.outcome for c in _claim(result, "SG502")} == {"verified"}


# --------------------------------------------------------------------------- fail closed


def _unverified(result: Any) -> str:
    (f,) = _dataset(result).files
    assert f.measure is None and f.spec.format == "delta"
    messages = [x.message for x in result.report.findings if x.rule == "SG500"]
    assert any(f.unverified in m for m in messages), messages
    return str(f.unverified)


def test_a_table_allowing_deletion_vectors_is_read_while_no_file_has_one(
    tmp_path: Path,
) -> None:
    """The feature is in the protocol (as Databricks sets it by default); delta-rs rewrites
    files on delete, so no active file carries a vector: the files are the table."""
    table = tmp_path / "corpus"
    _write(table, 0, 10, configuration={"delta.enableDeletionVectors": "true"})
    DeltaTable(str(table)).delete("id < 3")
    assert "deletionVectors" in (DeltaTable(str(table)).protocol().reader_features or [])
    _card(tmp_path, "{path: corpus, rows: 7}")
    (f,) = _dataset(_verify(tmp_path)).files
    assert f.measure is not None and f.measure.rows == _count(table) == 7


def test_unknown_reader_features_and_column_mapping_are_refused_by_name(tmp_path: Path) -> None:
    table = tmp_path / "corpus"
    _write(table, 0, 10, configuration={"delta.enableDeletionVectors": "true"})

    def with_feature(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:  # hand-edited
        return [
            {"protocol": {**a["protocol"], "readerFeatures": ["deletionVectors", "typeWidening"]}}
            if "protocol" in a
            else a
            for a in actions
        ]

    _edit_log(table, 0, with_feature)
    assert "reader feature(s) typeWidening" in _reason(table)


@pytest.mark.parametrize("variant", [True, False], ids=["variant-column", "column-named-variant"])
def test_variant_type_is_refused_only_for_a_variant_column(tmp_path: Path, variant: bool) -> None:
    table = tmp_path / "corpus"
    _write(table, 0, 10, configuration={"delta.enableDeletionVectors": "true"})
    field = {"name": "payload", "type": "variant"} if variant else {"name": "variant"}

    def with_column(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:  # hand-edited
        out = []
        for a in actions:
            if "metaData" in a:
                schema = json.loads(a["metaData"]["schemaString"])
                column = {"type": "string", "nullable": True, "metadata": {}, **field}
                schema["fields"].append(column)
                a = {"metaData": {**a["metaData"], "schemaString": json.dumps(schema)}}
            out.append(a)
        return out

    _edit_log(table, 0, with_column)
    if variant:
        assert "reader feature(s) variantType" in _reason(table)
    else:
        found = local_table(str(table), LocalFiles(str(tmp_path)))
        assert not isinstance(found, str), found
    _write(tmp_path / "mapped", 0, 10, configuration={"delta.columnMapping.mode": "name"})
    assert "column mapping (delta.columnMapping.mode=name" in _reason(tmp_path / "mapped")


def test_an_empty_table_is_unverified_not_zero_rows(tmp_path: Path) -> None:
    table = tmp_path / "corpus"
    _write(table, 0, 6)
    DeltaTable(str(table)).delete("id >= 0")  # every file removed
    assert _count(table) == 0 and _uris(table) == []
    found = local_table(str(table), LocalFiles(str(tmp_path)))
    assert not isinstance(found, str) and found.files == () and found.version == 1
    _card(tmp_path, "{path: corpus, rows: 0}")
    assert _unverified(_verify(tmp_path)) == (
        "Delta table: version 1 has no data file (an empty table)"
    )


def test_a_deletion_vector_on_a_file_is_refused_whatever_the_protocol_says(
    tmp_path: Path,
) -> None:
    table = tmp_path / "corpus"
    _write(table, 0, 10)
    dv = {
        "storageType": "i",
        "pathOrInlineDv": "wi5b=000010000siXQKl0rr91000f",
        "sizeInBytes": 36,
        "cardinality": 2,
    }

    def with_dv(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:  # hand-edited
        return [{"add": {**a["add"], "deletionVector": dv}} if "add" in a else a for a in actions]

    _edit_log(table, 0, with_dv)
    assert "has a deletion vector (reader feature deletionVectors" in _reason(table)
    _write(table, 20, 5, mode="overwrite")  # the file with the vector is removed
    assert _count(table) == 5
    found = local_table(str(table), LocalFiles(str(tmp_path)))
    assert not isinstance(found, str) and len(found.files) == 1


def _edit_log(table: Path, version: int, edit: Any) -> None:
    """Hand-edit one commit (negative cases only): ``edit`` maps its actions."""
    commit = table / LOG / f"{version:020d}.json"
    actions = [json.loads(line) for line in commit.read_text().splitlines() if line.strip()]
    commit.write_text("".join(json.dumps(a) + "\n" for a in edit(actions)))


@pytest.mark.parametrize(
    "bad",
    [
        "../outside.parquet",
        "%2E%2E/outside.parquet",
        "/etc/passwd",
        "file:///etc/passwd",
        "s3a://bucket/x.parquet",
        "a/../../x.parquet",
    ],
)
def test_a_path_escaping_the_table_root_is_refused(tmp_path: Path, bad: str) -> None:
    table = tmp_path / "corpus"
    _write(table, 0, 5)

    def escape(actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{"add": {**a["add"], "path": bad}} if "add" in a else a for a in actions]

    _edit_log(table, 0, escape)  # hand-edited: delta-rs never writes such a path
    assert f"{LOG}/{0:020d}.json: path {bad!r} escapes the table root" in _reason(table)


def _reason(table: Path) -> str:
    """Why the table cannot be measured (the replay alone, confined to its parent)."""
    found = local_table(str(table), LocalFiles(str(table.parent)))
    assert isinstance(found, str), found
    return found


def test_corrupt_and_incomplete_logs_are_unverified_with_the_file(tmp_path: Path) -> None:
    table = tmp_path / "corpus"
    _write(table, 0, 5)
    _write(table, 5, 5, mode="append")
    _write(table, 10, 5, mode="append")
    commit1 = table / LOG / f"{1:020d}.json"
    good = commit1.read_bytes()
    lines = good.decode().strip().count("\n") + 1
    commit1.write_bytes(good.rstrip() + b"\n{not json\n")  # hand-edited: a torn write
    found = _reason(table)
    assert f"{LOG}/{1:020d}.json line {lines + 1}: not a JSON object (corrupt log)" in found
    commit1.unlink()  # a gap in the versions
    assert "commit 00000000000000000001.json is missing" in _reason(table)
    commit1.write_bytes(good)
    (table / LOG / "_last_checkpoint").write_text('{"version": 2}')  # names no checkpoint
    assert "names version 2, whose checkpoint file is missing" in _reason(table)
    (table / LOG / "_last_checkpoint").write_text("{")
    assert "_last_checkpoint: not a JSON object with a version" in _reason(table)
    (table / LOG / "_last_checkpoint").unlink()
    (table / LOG / f"{2:020d}.checkpoint.parquet").write_bytes(b"PAR1 not parquet")
    assert f"{LOG}/{2:020d}.checkpoint.parquet: checkpoint unreadable" in _reason(table)
    _edit_log(table, 0, lambda actions: [a for a in actions if "protocol" not in a])
    (table / LOG / f"{2:020d}.checkpoint.parquet").unlink()
    assert "no protocol action (corrupt log)" in _reason(table)
    for name in os.listdir(table / LOG):
        (table / LOG / name).unlink()
    assert "no commit and no checkpoint" in _reason(table)
    (tmp_path / "plain").mkdir()
    assert f"{LOG}: missing (not a Delta table)" in _reason(tmp_path / "plain")
    # through the gate: one SG500 finding naming the table and the reason
    _card(tmp_path, "{path: plain, format: delta, rows: 3}")
    assert _unverified(_verify(tmp_path)).endswith("missing (not a Delta table)")


def test_a_log_or_table_outside_the_repository_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _write(outside, 0, 5)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "synthgov.yaml").write_text("policies: [builtin:baseline]\n")
    (repo / "linked").symlink_to(outside)
    _card(repo, "{path: linked}")
    (f,) = _dataset(_verify(repo)).files
    assert f.unverified == "outside the repository" and f.measure is None
    # a table in the repository whose log is a symlink out
    inside = repo / "corpus"
    _write(inside, 0, 5)
    os.rename(inside / LOG, tmp_path / "stolen_log")
    (inside / LOG).symlink_to(tmp_path / "stolen_log")
    found = local_table(str(inside), LocalFiles(str(repo)))
    assert found == f"Delta table: {LOG}: outside the repository"


def test_a_delta_table_at_a_uri_is_not_read_by_duckdb(tmp_path: Path) -> None:
    _write(tmp_path / "corpus", 0, 5)
    _card(tmp_path, f"{{path: 'file://{tmp_path / 'corpus'}', format: delta}}")
    (f,) = _dataset(_verify(tmp_path)).files
    assert f.unverified == "a remote URI (not read)"  # the Spark engine reads it (parity)


def test_protocol_checks_and_path_checks_directly() -> None:
    meta: dict[str, Any] = {"configuration": {}}
    assert unsupported({"minReaderVersion": 1}, meta) == ""
    assert unsupported({"minReaderVersion": 2}, meta) == ""  # column mapping off
    assert "reader version 4" in unsupported({"minReaderVersion": 4}, meta)
    features = {"minReaderVersion": 3, "readerFeatures": ["timestampNtz", "v2Checkpoint"]}
    assert "v2Checkpoint" in unsupported(features, meta)
    assert unsupported({"minReaderVersion": 3, "readerFeatures": ["timestampNtz"]}, meta) == ""
    assert "unknown reader version" in unsupported({}, meta)
    assert (
        _path({"path": "language=en%20US/part-0.parquet"}, "x") == "language=en US/part-0.parquet"
    )
    with pytest.raises(DeltaError):
        _path({"path": "a//b.parquet"}, "x")


def test_cached_files_stay_valid_after_an_append(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = tmp_path / "corpus"
    _write(table, 0, 20)
    _card(tmp_path, "{path: corpus}")
    monkeypatch.setenv("SYNTHGOV_CACHE_DIR", str(tmp_path / "cache"))
    options = CheckOptions(cwd=str(tmp_path), verify_data=True, use_cache=True)
    cold = run_check(options, prepare(options))
    assert [f.cached for f in _dataset(cold).files] == [False]
    _write(table, 20, 5, mode="append")
    warm = run_check(options, prepare(options))
    files = _dataset(warm).files
    assert [f.cached for f in files] == [
        os.path.basename(f.spec.path) != _newest(table) for f in files
    ]
    assert _dataset(warm).rows == 25 == _count(table)


def _newest(table: Path) -> str:
    """The file the last commit added."""
    commits = sorted((table / LOG).glob("*.json"))
    (add,) = [json.loads(x)["add"] for x in commits[-1].read_text().splitlines() if '"add"' in x]
    return str(add["path"])
