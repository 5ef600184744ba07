"""The Spark engine (issue 17) against the DuckDB engine on the same golden fixtures: identical
exact measures, findings and claims; near-duplicate rates within the documented tolerance
(docs/spark.md); the incremental cache; storage URIs (``file://`` through Hadoop's file
system, the code path of ``s3a://``/``gs://``/``abfss://``/``hdfs://``).

One Spark session (``local[2]``) serves the whole module. These tests are skipped only when
no Java runtime can be found, with the reason; a missing PySpark fails them.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from synthgov.app.check.runner import CheckOptions, prepare, run_check
from synthgov.verify.spark_engine import find_java, session_conf

pytestmark = [pytest.mark.spark, pytest.mark.slow]

#: near-duplicate rates of the two engines may differ by at most this much (absolute rate);
#: both compute the same hashes, so on these fixtures they are equal (docs/spark.md)
NEAR_DUP_TOLERANCE = 0.005

CARD = (
    "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {{id: {id}}}\n"
    "purpose: [{purpose}]\nfiles:\n{files}"
)


@pytest.fixture(scope="module")
def spark() -> Any:
    if find_java() is None:
        reason = "no Java runtime found (PATH, JAVA_HOME): the Spark engine cannot start"
        print(f"SKIP: {reason}", file=sys.stderr)
        pytest.skip(reason)
    from pyspark.sql import SparkSession  # a missing PySpark fails here: never a skip

    builder = SparkSession.builder.master("local[2]").appName("synthgov-tests")
    for key, value in session_conf(
        {"spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2"}
    ).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _jsonl(path: Path, lines: list[str], gz: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(line + "\n" for line in lines).encode()
    path.write_bytes(gzip.compress(data, mtime=0) if gz else data)


def _text(i: int) -> str:
    return (
        f"customer {i} asks how the parcel number {i * 7919 % 10007} reached the depot in "
        f"{['march', 'april', 'june', 'july'][i % 4]} and why tracking stopped on day {i % 29}"
    )


def _row(i: int, text: str | None = None) -> str:
    return json.dumps(
        {
            "id": i,
            "text": text if text is not None else _text(i),
            "language": "en" if i % 4 else "es",
            "generator": "model-a" if i % 3 else "human",
            "score": i / 8,
        }
    )


def _golden(root: Path) -> None:
    """Training data in five shards (JSONL, gzip JSONL, Parquet, CSV) with planted exact and
    near duplicates, hostile rows and PII; evaluation data that copies two training rows."""
    import duckdb

    train = root / "train"
    _jsonl(train / "data" / "part-0.jsonl", [_row(i) for i in range(60)])
    shard1 = [_row(i) for i in range(60, 120)]
    shard1[5] = _row(65, _text(10))  # exact duplicate of a row of shard 0
    shard1[6] = _row(66, _text(11).replace("reached", "really reached"))  # near duplicate
    shard1[7] = _row(67, _text(12) + " please")  # near duplicate
    shard1.insert(8, "{broken json")
    shard1.insert(9, "")
    shard1.insert(10, '["not", "an", "object"]')
    shard1[20] = _row(80, "write to jane.doe@mail.example.com or call (415) 555-0132 today ok")
    shard1[21] = _row(81, "card 4012-8888-8888-1881 was declined at 10.0.0.254 for some reason")
    # an IBAN that passes ISO 13616 mod-97 and one of the same shape that does not
    shard1[22] = _row(82, "pay to DE89 3704 0044 0532 0130 00 before the end of the month")
    shard1[23] = _row(83, "pay to DE00 3704 0044 0532 0130 00 before the end of the month")
    _jsonl(train / "data" / "part-1.jsonl", shard1)
    with open(train / "data" / "part-1.jsonl", "ab") as handle:  # line 64: invalid UTF-8
        handle.write(b'{"text": "latin-1 \xe9t\xe9 bytes in a row"}\n')
    _jsonl(train / "data" / "part-2.jsonl.gz", [_row(i) for i in range(120, 170)], gz=True)
    src = train / "src.jsonl"
    _jsonl(src, [_row(i) for i in range(170, 200)] + [_row(201, _text(3))])
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * FROM read_json('{src}') ORDER BY id) TO "
        f"'{train / 'data' / 'part-3.parquet'}' (FORMAT parquet)"
    )
    _jsonl(src, [_row(i) for i in range(200, 230)])
    con.execute(
        f"COPY (SELECT * FROM read_json('{src}') ORDER BY id) TO "
        f"'{train / 'data' / 'part-4.csv'}' (HEADER)"
    )
    con.close()
    src.unlink()
    (train / "card.yaml").write_text(
        CARD.format(
            id="train-v1",
            purpose="training",
            files="  - {path: 'data/part-*', rows: 230}\n",
        )
        + "composition: {total_rows: 230, synthetic_rows: 200}\n"
        "representation:\n  attributes:\n    - name: language\n"
        "      observed: {en: 0.5, es: 0.5}\n",
        encoding="utf-8",
    )
    ev = [
        json.dumps({"text": f"an unrelated evaluation question number {i} on refunds"})
        for i in range(18)
    ]
    ev.append(json.dumps({"text": "Quoted: " + _text(40) + " -- end"}))
    ev.append(json.dumps({"text": _text(150)}))
    _jsonl(root / "eval" / "test.jsonl", ev)
    (root / "eval" / "card.yaml").write_text(
        CARD.format(id="eval-v1", purpose="evaluation", files="  - {path: test.jsonl}\n")
        + "validation:\n  contamination:\n    - {against: [train-v1], overlap: 0.0}\n",
        encoding="utf-8",
    )


def _run(root: Path, engine: str, use_cache: bool = False) -> Any:
    options = CheckOptions(cwd=str(root), verify_data=True, use_cache=use_cache, engine=engine)
    return run_check(options, prepare(options))


def _measures(result: Any) -> dict[str, Any]:
    return {
        f.spec.shown: f.measure.to_json() if f.measure else f.unverified
        for dm in result.verification.datasets.values()
        for f in dm.files
    }


def _findings(result: Any) -> list[dict[str, Any]]:
    return [f.to_json() for f in result.report.findings]


def _claims(result: Any) -> list[dict[str, Any]]:
    return [c.to_json() for c in result.verification.all_claims()]


def test_golden_fixtures_agree_with_duckdb(tmp_path: Path, spark: Any) -> None:
    _golden(tmp_path)
    duck = _run(tmp_path, "duckdb")
    sprk = _run(tmp_path, "spark")
    assert sprk.verification.engine == "spark" and duck.verification.engine == "duckdb"
    # one LSH banding, chosen at plan time from SG504's threshold (0.8): 9 bands of 13 rows
    for engine_result in (duck, sprk):
        params = engine_result.verification.params
        assert (params.bands, params.band_rows) == (9, 13)
    assert spark.sparkContext._jsc is not None, "the run stopped the module's session"
    # exact measures: file by file, field by field
    assert _measures(sprk) == _measures(duck)
    # the golden values themselves (so that two equally wrong engines cannot agree)
    m = _measures(duck)
    shard1 = m["train/data/part-1.jsonl"]
    assert shard1["rows"] == 60 and shard1["bad_rows"] == 3
    assert shard1["bad_examples"] == [
        [9, "not a JSON object"],
        [11, "not a JSON object"],
        [64, "invalid UTF-8"],
    ]
    assert shard1["pii"] == {"card": 1, "email": 1, "iban": 1, "ip": 1, "phone": 1}
    assert m["train/data/part-3.parquet"]["rows"] == 31
    assert m["train/data/part-4.csv"]["rows"] == 30
    assert m["train/data/part-2.jsonl.gz"]["rows"] == 50
    for engine_result in (duck, sprk):
        train = engine_result.verification.datasets["train/card.yaml"]
        assert train.duplicate_rows == 2  # shard 1 row 5, parquet's last row
        assert train.near_duplicate_rows is not None and train.near_duplicate_rows >= 2
        ev = engine_result.verification.datasets["eval/card.yaml"]
        assert ev.contamination == {"eval-v1": (2, 20, ("train-v1",))}
    # near duplicates: within the documented tolerance (equal here)
    rows = duck.verification.datasets["train/card.yaml"].text_rows
    near_d = duck.verification.datasets["train/card.yaml"].near_duplicate_rows / rows
    near_s = sprk.verification.datasets["train/card.yaml"].near_duplicate_rows / rows
    assert abs(near_d - near_s) <= NEAR_DUP_TOLERANCE
    # findings and claims: identical
    assert _claims(sprk) == _claims(duck)
    assert _findings(sprk) == _findings(duck)
    assert any(f["rule"].startswith("SG5") for f in _findings(duck))


def test_incremental_spark_run_measures_only_the_changed_shard(
    tmp_path: Path, spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYNTHGOV_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    for k in range(3):
        _jsonl(
            repo / "ds" / "data" / f"train-{k}.jsonl", [_row(i) for i in range(20 * k, 20 * k + 20)]
        )
    (repo / "ds" / "card.yaml").write_text(
        CARD.format(id="ds", purpose="training", files="  - {path: 'data/train-*.jsonl'}\n"),
        encoding="utf-8",
    )
    cold = _run(repo, "spark", use_cache=True)
    assert not any(f.cached for f in cold.verification.datasets["ds/card.yaml"].files)
    warm = _run(repo, "spark", use_cache=True)
    assert all(f.cached for f in warm.verification.datasets["ds/card.yaml"].files)
    rows = [_row(i) for i in range(20, 40)]
    rows[3] = rows[4]
    _jsonl(repo / "ds" / "data" / "train-1.jsonl", rows)
    after = _run(repo, "spark", use_cache=True)
    fresh = _run(repo, "spark", use_cache=False)
    measured = [
        f.spec.shown for f in after.verification.datasets["ds/card.yaml"].files if not f.cached
    ]
    assert measured == ["ds/data/train-1.jsonl"]
    assert _claims(after) == _claims(fresh)
    assert _findings(after) == _findings(fresh)
    assert after.verification.datasets["ds/card.yaml"].duplicate_rows == 1


def test_storage_uris_in_cards_and_in_the_config_mapping(tmp_path: Path, spark: Any) -> None:
    store = tmp_path / "store"  # stands in for a bucket: read through Hadoop's file system
    _jsonl(store / "shard-0.jsonl", [_row(i) for i in range(25)])
    _jsonl(store / "shard-1.jsonl", [_row(i) for i in range(25, 40)])
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "card.yaml").write_text(
        CARD.format(
            id="remote",
            purpose="training",
            files=f"  - {{path: 'file://{store}/shard-0.jsonl', rows: 25}}\n"
            "  - {path: data/shard-1.jsonl, rows: 16}\n",
        ),
        encoding="utf-8",
    )
    (repo / "synthgov.yaml").write_text(
        "verify:\n  engine: spark\n  spark:\n    master: local[2]\n"
        f"    paths: {{data/shard-1.jsonl: 'file://{store}/shard-1.jsonl'}}\n",
        encoding="utf-8",
    )
    options = CheckOptions(cwd=str(repo), verify_data=True, use_cache=False)
    result = run_check(options, prepare(options))  # the engine comes from the config
    assert result.verification.engine == "spark"
    files = result.verification.datasets["card.yaml"].files
    assert [(f.unverified, f.measure.rows if f.measure else None) for f in files] == [
        ("", 25),
        ("", 15),
    ]
    sg501 = [f for f in result.report.findings if f.rule == "SG501"]
    assert len(sg501) == 1 and "16" in sg501[0].message and "15" in sg501[0].message
    # an object store's fingerprint (ETag/size/mtime) changes with the object
    from synthgov.verify.spark_engine import SparkEngine, SparkFiles

    engine = SparkEngine(spark, uris={})
    files_api = SparkFiles(str(repo), engine)
    uri = f"file://{store}/shard-0.jsonl"
    before = files_api.sha256(uri)
    assert before is not None and before.startswith("remote:")
    _jsonl(store / "shard-0.jsonl", [_row(i) for i in range(26)])
    os.utime(store / "shard-0.jsonl", (1_700_000_000, 1_700_000_000))
    assert files_api.sha256(uri) not in (None, before)
    missing = files_api.info(f"file://{store}/nope.jsonl")
    assert not missing.exists and "cannot stat" in missing.error
    assert "use s3a://" in files_api.info("s3://bucket/x.jsonl").error


def test_a_file_split_into_many_partitions_keeps_its_row_numbers(
    tmp_path: Path, spark: Any
) -> None:
    from synthgov.verify.duckdb_engine import DuckDBEngine
    from synthgov.verify.model import FileSpec, MeasureParams
    from synthgov.verify.spark_engine import SparkEngine

    lines = [_row(i) for i in range(300)]
    for at in (17, 150, 288):  # malformed rows spread over several partitions
        lines[at] = "{not json"
    path = tmp_path / "big.jsonl"
    _jsonl(path, lines)
    spec = FileSpec(str(path), "big.jsonl", "jsonl", "auto")
    params = MeasureParams(attributes=("language",))
    duck = DuckDBEngine()
    try:
        want = duck.measure_file(spec, params, str(tmp_path / "d"), ngrams=True)
    finally:
        duck.close()
    spark.conf.set("spark.sql.files.maxPartitionBytes", "8192")
    try:
        assert spark.read.text(f"file://{path}").rdd.getNumPartitions() > 4
        got = SparkEngine(spark).measure_file(spec, params, str(tmp_path / "s"), ngrams=True)
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")
    assert [(b.row, b.reason) for b in got.bad_examples] == [
        (18, "not a JSON object"),
        (151, "not a JSON object"),
        (289, "not a JSON object"),
    ]
    assert got.to_json() == want.to_json()


def _delta_table(table: Path) -> int:
    """A real Delta table written by delta-rs: partitioned by language, three commits, a
    delete that rewrites files, a checkpoint and a commit after it. Its row count as
    delta-rs reads it."""
    import duckdb
    from deltalake import DeltaTable, write_deltalake

    con = duckdb.connect()
    for start, n, mode in ((0, 40, "error"), (40, 30, "append"), (70, 20, "append")):
        rows = [json.loads(_row(i)) for i in range(start, start + n)]
        src = table.parent / "rows.jsonl"
        _jsonl(src, [json.dumps(r) for r in rows])
        relation = con.sql(f"SELECT * FROM read_json('{src}') ORDER BY id")
        write_deltalake(str(table), relation, partition_by=["language"], mode=mode)
        src.unlink()
    DeltaTable(str(table)).delete("id >= 40 AND id < 45")
    DeltaTable(str(table)).create_checkpoint()
    _jsonl(table.parent / "last.jsonl", [_row(i, _text(3)) for i in range(90, 95)])
    relation = con.sql(f"SELECT * FROM read_json('{table.parent / 'last.jsonl'}') ORDER BY id")
    write_deltalake(str(table), relation, partition_by=["language"], mode="append")
    (table.parent / "last.jsonl").unlink()
    con.close()
    return int(DeltaTable(str(table)).count())


def test_a_delta_table_gives_identical_measures_on_both_engines(tmp_path: Path, spark: Any) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    expected = _delta_table(repo / "corpus")
    assert expected == 90
    (repo / "card.yaml").write_text(
        CARD.format(
            id="delta", purpose="training", files=f"  - {{path: corpus, rows: {expected}}}\n"
        )
        + "features: {id: integer, text: string, language: string, generator: string, "
        "score: float}\nrepresentation: {attributes: [{name: language}]}\n",
        encoding="utf-8",
    )
    duck = _run(repo, "duckdb")
    sprk = _run(repo, "spark")
    assert _measures(sprk) == _measures(duck)
    dm = duck.verification.datasets["card.yaml"]
    assert dm.rows == expected and len(dm.files) >= 4
    assert {v for f in dm.files for _, v in f.spec.partition} == {"en", "es"}
    assert dm.duplicate_rows == 5  # the last commit repeats one text five times
    assert _claims(sprk) == _claims(duck)
    assert _findings(sprk) == _findings(duck)
    rows = [c for c in _claims(duck) if c["rule"] == "SG501" and c["claim"].startswith("rows")]
    assert [c["outcome"] for c in rows] == ["verified"]


def test_a_delta_table_at_a_storage_uri_is_read_through_hadoop(tmp_path: Path, spark: Any) -> None:
    store = tmp_path / "store"  # stands in for a bucket: listed and read through Hadoop
    store.mkdir()
    expected = _delta_table(store / "corpus")
    for name in ("00000000000000000000.json", "00000000000000000001.json"):
        (store / "corpus" / "_delta_log" / name).unlink()  # the checkpoint must be read
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "card.yaml").write_text(
        CARD.format(
            id="remote-delta",
            purpose="training",
            files=f"  - {{path: 'file://{store}/corpus', format: delta, rows: {expected}}}\n"
            f"  - {{path: mapped, rows: {expected}}}\n",
        ),
        encoding="utf-8",
    )
    (repo / "synthgov.yaml").write_text(
        f"verify:\n  engine: spark\n  spark:\n    paths: {{mapped: 'file://{store}/corpus'}}\n",
        encoding="utf-8",
    )
    options = CheckOptions(cwd=str(repo), verify_data=True, use_cache=False)
    result = run_check(options, prepare(options))
    files = result.verification.datasets["card.yaml"].files
    assert all(f.spec.path.startswith(f"file://{store}/corpus/language=") for f in files)
    by_entry = {0: 0, 1: 0}
    for f in files:
        assert f.measure is not None and not f.measure.error, (f.spec.shown, f.unverified)
        by_entry[f.pointer[1]] += f.measure.rows
    assert by_entry == {0: expected, 1: expected}
    # a broken remote log is unverified with the file and reason, never a traceback
    (store / "corpus" / "_delta_log" / "00000000000000000004.json").write_text("{oops\n")
    again = run_check(options, prepare(options))
    reasons = {f.unverified for f in again.verification.datasets["card.yaml"].files}
    assert reasons == {
        "Delta table: _delta_log/00000000000000000004.json line 1: not a JSON object (corrupt log)"
    }
