"""Data verification (issue 16) on real files with the real DuckDB: formats, hostile data,
shards and layouts, the measures, the per-file cache (warm run = cold run), the CLI and
the profile."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from synthgov.app.check.runner import CheckOptions, prepare, run_check
from synthgov.verify.duckdb_engine import DuckDBEngine
from synthgov.verify.model import FileSpec, MeasureParams
from tests.conftest import ROOT, run_cli

CARD = (
    "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {{id: {id}}}\n"
    "purpose: [{purpose}]\nfiles:\n{files}"
)


def _rows(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "text": f"message number {i} about order {i * 7919 % 10007} and its delivery status",
            "language": "en" if i % 4 else "es",
            "generator": "model-a" if i % 2 else "human",
        }
        for i in range(start, start + n)
    ]


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _card(root: Path, rel: str, ds_id: str, files: list[str], purpose: str = "training") -> None:
    entries = "".join(f"  - {{path: {f}}}\n" for f in files)
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(CARD.format(id=ds_id, purpose=purpose, files=entries), encoding="utf-8")


def _verify(root: Path, use_cache: bool = False, **extra: Any) -> Any:
    options = CheckOptions(cwd=str(root), verify_data=True, use_cache=use_cache, **extra)
    return run_check(options, prepare(options))


def _measure(path: Path, fmt: str, compression: str = "auto", **params: Any) -> Any:
    engine = DuckDBEngine()
    try:
        spec = FileSpec(str(path), path.name, fmt, compression)
        return engine.measure_file(spec, MeasureParams(**params), str(path.parent / "sk"))
    finally:
        engine.close()


# --------------------------------------------------------------------------- formats


def test_jsonl_plain_gzip_zstd_parquet_and_csv_count_the_same(tmp_path: Path) -> None:
    import duckdb

    rows = _rows(50)
    _jsonl(tmp_path / "plain.jsonl", rows)
    text = (tmp_path / "plain.jsonl").read_bytes()
    (tmp_path / "packed.jsonl.gz").write_bytes(gzip.compress(text))
    con = duckdb.connect()
    src = str(tmp_path / "plain.jsonl")
    con.execute(
        f"COPY (SELECT * FROM read_json('{src}')) TO '{tmp_path / 'data.parquet'}' (FORMAT parquet)"
    )
    con.execute(f"COPY (SELECT * FROM read_json('{src}')) TO '{tmp_path / 'data.csv'}' (HEADER)")
    con.execute(
        f"COPY (SELECT * FROM read_csv('{src}', columns={{'l': 'VARCHAR'}}, header=false, "
        f"delim=chr(1), quote='')) TO '{tmp_path / 'packed.jsonl.zst'}' "
        "(FORMAT csv, HEADER false, QUOTE '', COMPRESSION zstd)"
    )
    con.close()
    cases = [
        ("plain.jsonl", "jsonl"),
        ("packed.jsonl.gz", "jsonl"),
        ("packed.jsonl.zst", "jsonl"),
        ("data.parquet", "parquet"),
        ("data.csv", "csv"),
    ]
    for name, fmt in cases:
        m = _measure(tmp_path / name, fmt, attributes=("language",))
        assert m.error == "" and m.bad_rows == 0, (name, m.error, m.bad_examples)
        assert m.rows == 50, name
        assert m.text_fields == ("text",), name
        assert m.provenance_rows == 25 and m.provenance_present == 50, name
        assert m.distributions["language"] == {"en": 37, "es": 13}, name
        types = {(c.column, c.type) for c in m.columns}
        assert ("text", "string") in types and ("id", "integer") in types, (name, types)


def test_hostile_jsonl_gives_rows_not_a_traceback(tmp_path: Path) -> None:
    good = json.dumps({"text": "a perfectly fine message about a parcel", "n": 1})
    lines = [
        good.encode(),
        b'{"text": "broken',  # line 2: malformed JSON
        b'{"text": "latin-1 \xe9t\xe9"}',  # line 3: invalid UTF-8
        b"",  # line 4: blank, not a row
        b'["a", "list"]',  # line 5: valid JSON, not an object
        b'{"text": "' + b"x" * 5000 + b'"}',  # line 6: over the line limit
        json.dumps({"text": "another fine message", "n": "two"}).encode(),  # mixed types
    ]
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    m = _measure(path, "jsonl", max_line_bytes=4096)
    assert m.error == ""
    assert m.rows == 2
    assert m.bad_rows == 4
    got = [(b.row, b.reason) for b in m.bad_examples]
    assert got == [
        (2, "not a JSON object"),
        (3, "invalid UTF-8"),
        (5, "not a JSON object"),
        (6, "line longer than the limit"),
    ]
    n_types = sorted((c.type, c.first_row) for c in m.columns if c.column == "n")
    assert n_types == [("integer", 1), ("string", 7)]


def test_hostile_data_through_the_cli_is_a_finding(tmp_path: Path) -> None:
    (tmp_path / "data.jsonl").write_bytes(b'{"text": "ok"}\n{oops\n\xff\xfe\n')
    (tmp_path / "table.parquet").write_bytes(b"PAR1 not really")
    (tmp_path / "table.csv").write_bytes(b'a,b\n1,2\n3,"unclosed\n')
    _card(tmp_path, "card.yaml", "d", ["data.jsonl", "table.parquet", "table.csv"])
    proc = run_cli("verify", "--no-cache", "--select", "SG509", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "data.jsonl: 2 unreadable row(s) (row 2: not a JSON object, row 3: invalid UTF-8)" in (
        proc.stdout
    )
    assert "table.parquet: cannot read parquet" in proc.stdout
    assert str(tmp_path) not in proc.stdout  # messages name display paths only


# --------------------------------------------------------------------------- inputs


def test_globs_shards_hf_layout_lfs_and_unknown_formats(tmp_path: Path) -> None:
    for k in range(3):
        _jsonl(tmp_path / "a" / "shards" / f"part-{k}.jsonl", _rows(10, 10 * k))
    (tmp_path / "a" / "card.yaml").write_text(
        "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: a}\n"
        "files:\n  - {path: 'shards/part-*.jsonl', rows: 30}\n  - {path: notes.txt}\n"
        "  - {path: big.parquet, rows: 5}\n",
        encoding="utf-8",
    )
    (tmp_path / "a" / "notes.txt").write_text("not data\n")
    (tmp_path / "a" / "big.parquet").write_text(
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + "a" * 64 + "\nsize 99\n"
    )
    _jsonl(tmp_path / "hf" / "data" / "train-00000-of-00002.jsonl", _rows(4))
    _jsonl(tmp_path / "hf" / "data" / "train-00001-of-00002.jsonl", _rows(4, 4))
    _jsonl(tmp_path / "hf" / "data" / "test-00000-of-00001.jsonl", _rows(2, 100))
    (tmp_path / "hf" / "card.yaml").write_text(
        "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: hf}\n"
        "composition: {total_rows: 10}\n",
        encoding="utf-8",
    )
    result = _verify(tmp_path)
    a = result.verification.datasets["a/card.yaml"]
    shards = [f for f in a.files if f.pointer == ("files", 0, "path")]
    assert [f.spec.shown for f in shards] == [f"a/shards/part-{k}.jsonl" for k in range(3)]
    assert sum(f.measure.rows for f in shards) == 30
    reasons = {f.spec.shown: f.unverified for f in a.files if f.unverified}
    assert reasons == {
        "a/notes.txt": "unknown format",
        "a/big.parquet": "a Git LFS pointer (content not present; run git lfs pull)",
    }
    hf = result.verification.datasets["hf/card.yaml"]
    assert [(f.split, f.measure.rows) for f in hf.files] == [
        ("test", 2),
        ("train", 4),
        ("train", 4),
    ]
    claims = {(c.card, c.claim): c for c in result.verification.all_claims()}
    assert claims[("a/card.yaml", "rows of 3 shards (a/shards/part-0.jsonl ...)")].outcome == (
        "verified"
    )
    assert claims[("a/card.yaml", "rows of a/big.parquet")].outcome == "unverified"
    assert claims[("hf/card.yaml", "total rows")].outcome == "verified"
    unverified = [f.message for f in result.report.findings if f.rule == "SG500"]
    assert any("a/big.parquet cannot be measured: a Git LFS pointer" in m for m in unverified)


def test_a_data_file_outside_the_repository_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.jsonl"
    _jsonl(outside, _rows(3))
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "synthgov.yaml").write_text("policies: [builtin:baseline]\n")
    _card(repo, "card.yaml", "d", ["../elsewhere.jsonl"])
    result = _verify(repo)
    (f,) = result.verification.datasets["card.yaml"].files
    assert f.unverified == "outside the repository" and f.measure is None


# --------------------------------------------------------------------------- measures


def test_near_duplicates_one_band_at_a_time_find_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past its memory limit the near-duplicate query runs one band at a time (a
    10,000,000-row dataset: bench/verify_spark_bench.py); both ways find the same rows."""
    from synthgov.verify.duckdb_engine import DuckDBEngine

    monkeypatch.setenv("SYNTHGOV_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    texts = [  # near copies (they differ in the last word) in every shard, and unique ones
        "the quick delivery of parcels to remote islands takes longer in the winter months "
        f"because ferries run less often and storms close the harbour for days item {i}"
        if i % 3
        else f"a completely different question number {i} about refunds for an order"
        for i in range(30)
    ]
    for k in range(3):
        _jsonl(repo / "ds" / f"part-{k}.jsonl", [{"text": t} for t in texts[k * 10 : k * 10 + 10]])
    _card(repo, "ds/card.yaml", "ds", ["part-*.jsonl"])
    result = _verify(repo, use_cache=True)
    files = result.verification.datasets["ds/card.yaml"].files
    dirs = [f.sketch for f in files]
    engine = DuckDBEngine()
    try:
        whole = engine.near_duplicate_rows(dirs)
        assert whole == engine.near_duplicate_rows_by_band(dirs) > 0
    finally:
        engine.close()


def test_near_duplicates_and_contamination(tmp_path: Path) -> None:
    base = [
        "the quick delivery of parcels to remote islands takes longer in the winter months "
        f"because ferries run less often and storms close the harbour for days item {i}"
        for i in range(20)
    ]
    train = [{"text": t} for t in base]
    near = {"text": base[3].replace("winter", "cold winter")}
    train.append(near)
    _jsonl(tmp_path / "train" / "data.jsonl", train)
    _card(tmp_path, "train/card.yaml", "train-v1", ["data.jsonl"])
    unrelated = [
        {"text": f"a completely different question about refunds for order {i} placed online"}
        for i in range(9)
    ]
    copied = {"text": "Prefix words here: " + base[7] + " -- thanks"}
    _jsonl(tmp_path / "eval" / "data.jsonl", [*unrelated, copied])
    (tmp_path / "eval" / "card.yaml").write_text(
        CARD.format(id="eval-v1", purpose="evaluation", files="  - {path: data.jsonl}\n")
        + "validation:\n  contamination:\n    - {against: [train-v1], overlap: 0.0}\n",
        encoding="utf-8",
    )
    result = _verify(tmp_path)
    train_dm = result.verification.datasets["train/card.yaml"]
    # items differ only by their number: every one is a near duplicate of the others; the
    # "cold winter" edit shares 20 of 29 shingles (Jaccard 0.69), below the threshold 0.8
    # (tests/test_verify_claims.py finds it with threshold 0.6)
    assert train_dm.duplicate_rows == 0
    assert train_dm.near_duplicate_rows == 20
    eval_dm = result.verification.datasets["eval/card.yaml"]
    assert eval_dm.contamination == {"eval-v1": (1, 10, ("train-v1",))}
    # the refund questions differ by a number mid-sentence: 3 of 13 shingles shared, far
    # below the LSH threshold (0.8)
    assert eval_dm.near_duplicate_rows == 0
    (finding,) = [f for f in result.report.findings if f.rule == "SG505"]
    assert finding.path == "eval/card.yaml" and finding.line == 9
    assert "measured 0.1 (1 of 10 evaluation rows" in finding.message


def test_pii_detectors_one_by_one(tmp_path: Path) -> None:
    texts = [
        "reach me at first.last@mail.example.org",  # email
        "ring +44 20 7946 0958 after six",  # phone
        "or (415) 555-0132 in the US",  # phone
        "the router is 10.0.0.254 again",  # ip
        "IBAN GB82 WEST 1234 5698 7654 32 please",  # iban
        "card 4012-8888-8888-1881 declined",  # card (Luhn)
        "card 4012-8888-8888-1882 declined",  # fails Luhn: not a card
        "version 10.0.0 of the app, build 1234 5678",  # nothing
        "ref GB82 WEST 1234 5698 7654 33 is no IBAN",  # IBAN shape, fails mod-97
        "FR14 2004 1010 0505 0001 3M02 606",  # iban (letters inside)
    ]
    _jsonl(tmp_path / "d.jsonl", [{"text": t} for t in texts])
    m = _measure(tmp_path / "d.jsonl", "jsonl")
    assert m.pii == {"email": 1, "phone": 2, "ip": 1, "iban": 2, "card": 1}
    assert m.pii_first_row == {"email": 1, "phone": 2, "ip": 4, "iban": 5, "card": 6}
    assert m.pii_rows == 7


# --------------------------------------------------------------------------- incremental


@pytest.mark.slow
def test_warm_run_after_one_shard_changed_measures_only_that_shard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SYNTHGOV_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    for k in range(4):
        _jsonl(repo / "ds" / "data" / f"train-{k}.jsonl", _rows(25, 25 * k))
    _jsonl(repo / "ev" / "test.jsonl", _rows(5, 40))  # rows 40-44 also train: contaminated
    (repo / "ds" / "card.yaml").write_text(
        "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: ds}\npurpose: [training]\n"
        "files:\n  - {path: 'data/train-*.jsonl', rows: 100}\n"
        "composition: {total_rows: 100, synthetic_rows: 50}\n",
        encoding="utf-8",
    )
    (repo / "ev" / "card.yaml").write_text(
        CARD.format(id="ev", purpose="evaluation", files="  - {path: test.jsonl}\n")
        + "validation:\n  contamination:\n    - {against: [ds], overlap: 0.0}\n",
        encoding="utf-8",
    )
    cold = _verify(repo, use_cache=True)
    assert not any(f.cached for dm in cold.verification.datasets.values() for f in dm.files)
    warm = _verify(repo, use_cache=True)
    assert all(f.cached for dm in warm.verification.datasets.values() for f in dm.files)
    # change one shard: a duplicate row in place of a unique one
    rows = _rows(25, 50)
    rows[3] = rows[4]
    _jsonl(repo / "ds" / "data" / "train-2.jsonl", rows)
    after = _verify(repo, use_cache=True)
    measured = sorted(
        f.spec.shown
        for dm in after.verification.datasets.values()
        for f in dm.files
        if not f.cached
    )
    assert measured == ["ds/data/train-2.jsonl"]
    fresh = _verify(repo, use_cache=False)  # a cold run on the changed data
    assert _claims(after) == _claims(fresh)
    assert [f.to_json() for f in after.report.findings] == [
        f.to_json() for f in fresh.report.findings
    ]
    ds = after.verification.datasets["ds/card.yaml"]
    assert ds.duplicate_rows == 1
    assert after.verification.datasets["ev/card.yaml"].contamination == {"ev": (5, 5, ("ds",))}


def test_a_measure_made_by_other_code_is_a_miss(tmp_path: Path) -> None:
    """The measure cache's key holds the code that measured: another synthgov, another
    verify package file, another engine library (a fixed bug never serves its old
    measures)."""
    import os

    from synthgov.verify import cache as measure_cache

    class Engine:
        library = "duckdb 1.0.0"

    first = measure_cache.code_version(Engine())
    assert measure_cache.code_version(Engine()) == first
    Engine.library = "duckdb 1.0.1"
    assert measure_cache.code_version(Engine()) != first
    parts = {"content": "abc"}
    keys = {
        measure_cache.MeasureCache(str(tmp_path), code).key(parts)
        for code in (first, measure_cache.code_version(Engine()))
    }
    assert len(keys) == 2
    # a file of the verify package changed: touch one and look again
    engine = Engine()
    before = measure_cache.code_version(engine)
    path = measure_cache.__file__
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    try:
        assert measure_cache.code_version(engine) != before
    finally:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _claims(result: Any) -> list[dict[str, Any]]:
    return [c.to_json() for c in result.verification.all_claims()]


# --------------------------------------------------------------------------- command line


@pytest.mark.slow
def test_verify_cli_formats_profile_and_determinism(tmp_path: Path) -> None:
    _jsonl(tmp_path / "data.jsonl", _rows(12))
    (tmp_path / "card.yaml").write_text(
        CARD.format(id="d", purpose="training", files="  - {path: data.jsonl, rows: 13}\n")
        + "composition: {total_rows: 12, synthetic_rows: 6}\n",
        encoding="utf-8",
    )
    outputs = []
    for n in range(2):
        proc = run_cli(
            "verify", "--no-cache", "--format", "json", "--profile", f"p{n}.json", cwd=tmp_path
        )
        assert proc.returncode == 1, proc.stderr
        outputs.append((proc.stdout, (tmp_path / f"p{n}.json").read_text(encoding="utf-8")))
    assert outputs[0] == outputs[1]  # byte-identical report and profile
    report = json.loads(outputs[0][0])
    counts = report["verification"]["counts"]
    assert counts["mismatch"] == 1 and counts["verified"] >= 4, counts
    profile = json.loads(outputs[0][1])
    schema = json.loads((ROOT / "schemas" / "profile.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(profile)
    (ds,) = profile["datasets"]
    assert ds["facets"]["dataQualityMetrics"]["rowCount"] == 12
    assert ds["facets"]["synthgov_verification"]["syntheticRows"] == 6
    for fmt, needle in (
        ("text", "data verification: "),
        ("sarif", '"verification"'),
        ("junit", 'name="synthgov data verification"'),
        ("github", "::notice title=synthgov data verification::"),
        ("markdown", "### Data verification: declared vs measured"),
    ):
        proc = run_cli("verify", "--no-cache", "--format", fmt, cwd=tmp_path)
        assert proc.returncode == 1 and needle in proc.stdout, (fmt, proc.stdout[-2000:])
        assert "mismatch" in proc.stdout, fmt
    md = run_cli("verify", "--no-cache", "--format", "markdown", cwd=tmp_path).stdout
    # Markdown escapes a leading digit (&#49; is "1") so that no cell reads as a list item
    assert "| mismatch | d | rows of data.jsonl | &#49;3 | &#49;2 | SG501 |" in md


def test_check_verify_data_and_option_errors(tmp_path: Path) -> None:
    _jsonl(tmp_path / "data.jsonl", _rows(3))
    _card(tmp_path, "card.yaml", "d", ["data.jsonl"])
    plain = run_cli("check", "--no-cache", "--format", "json", cwd=tmp_path)
    assert "verification" not in json.loads(plain.stdout)
    both = run_cli("check", "--verify-data", "--no-cache", "--format", "json", cwd=tmp_path)
    assert "verification" in json.loads(both.stdout), both.stderr
    bad = run_cli("check", "--profile", "p.json", cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.strip() == (
        "synthgov: error: --profile needs --verify-data (or use synthgov verify)"
    )
    spark = run_cli("verify", "--engine", "sparkk", cwd=tmp_path)
    assert spark.returncode == 2
    assert spark.stderr.strip() == "synthgov: error: unknown engine 'sparkk' (known: duckdb, spark)"


def test_contamination_with_an_unmeasured_training_set_is_unverified(tmp_path: Path) -> None:
    (tmp_path / "train").mkdir()
    (tmp_path / "train" / "data.jsonl").write_text(
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + "b" * 64 + "\nsize 9\n"
    )
    _card(tmp_path, "train/card.yaml", "train-v1", ["data.jsonl"])
    _jsonl(tmp_path / "eval" / "data.jsonl", _rows(3))
    (tmp_path / "eval" / "card.yaml").write_text(
        CARD.format(id="eval-v1", purpose="evaluation", files="  - {path: data.jsonl}\n")
        + "validation:\n  contamination:\n    - {against: [train-v1], overlap: 0.0}\n",
        encoding="utf-8",
    )
    result = _verify(tmp_path)
    (claim,) = [c for c in result.verification.all_claims() if c.rule == "SG505"]
    assert claim.outcome == "unverified" and claim.card == "eval/card.yaml"
    assert not [f for f in result.report.findings if f.rule == "SG505"]
    assert any(
        f.rule == "SG500" and f.path == "eval/card.yaml" and f.message.startswith("SG505: ")
        for f in result.report.findings
    )


# --------------------------------------------------------------------------- fast spellings


def test_fast_sql_spellings_compute_the_reference_functions() -> None:
    """The DuckDB engine's faster spellings (ASCII branch of the normalisation, concat_ws
    windows, MinHash as aggregates over an unnest) give exactly the values of the reference
    definitions that the Spark engine also implements."""
    import duckdb

    from synthgov.verify import sql

    texts = [
        "Hello,   WORLD!! 42 times\tover",
        "  naïve Café — déjà vu; ÉTÉ 2024  ",
        "日本語 テキスト, mixed with ascii",
        "a",
        "",
        "!!! ???",
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen",
        "tab\tnew\nline\u00a0nbsp\u2003em-space end",
    ]
    two_step = (
        "trim(regexp_replace(regexp_replace(lower(t), '[^\\pL\\pN\\s]+', ' ', 'g'), "
        "'\\s+', ' ', 'g'))"
    )
    con = duckdb.connect()
    con.execute("CREATE TABLE s (rn BIGINT, t VARCHAR)")
    con.executemany("INSERT INTO s VALUES (?, ?)", list(enumerate(texts)))
    got = con.execute(
        f"SELECT {sql.normalise('t')} = {two_step}, {sql.normalise('t')} FROM s ORDER BY rn"
    ).fetchall()
    assert [ok for ok, _ in got] == [True] * len(texts), got
    assert got[0][1] == "hello world 42 times over"
    con.execute(f"CREATE TABLE w AS SELECT rn, string_split({sql.normalise('t')}, ' ') AS w FROM s")
    for k in (1, 3, 5, 13):
        sliced = (
            f"list_transform(range(1, greatest(len(w) - {k} + 1, 1) + 1), lambda i: "
            f"array_to_string(w[i:i + {k - 1}], ' '))"
        )
        fast = sql.shingle_hashes("w", k)
        same = con.execute(
            f"SELECT bool_and({fast} = list_transform({sliced}, lambda p: {sql.hash31('p')})) "
            "FROM w"
        ).fetchone()[0]
        assert same is True, k
    cols, bands = sql.minhash_bands("sh", 32, 4)
    con.execute(f"CREATE TABLE sh AS SELECT rn, {sql.shingle_hashes('w', 3)} AS sh FROM w")
    lambdas = con.execute(
        f"SELECT rn, {bands} FROM (SELECT rn, {cols} FROM sh) ORDER BY rn"
    ).fetchall()
    aggregates = con.execute(
        f"SELECT rn, {sql.band_hashes(32, 4)} FROM (SELECT rn, {sql.minhash_values('x', 32)} "
        "FROM (SELECT rn, unnest(sh) AS x FROM sh) GROUP BY rn) ORDER BY rn"
    ).fetchall()
    assert lambdas == aggregates
    assert len(aggregates) == len(texts) and all(len(b) == 8 for _, b in aggregates)


def test_columns_by_shape_count_every_row_and_repeated_keys(tmp_path: Path) -> None:
    """Columns are measured per record shape; a record with a repeated key is counted row by
    row (once per occurrence, as its first value), and first rows are the file's lines."""
    path = tmp_path / "shapes.jsonl"
    path.write_text(
        '{"id": 1, "text": "a"}\n'
        '{"id": "2", "text": "b", "tags": [1, "x"]}\n'
        "not json\n"
        '{"id": -3, "text": null, "meta": {"k": 1}}\n'
        '{"id": 4, "id": 5.5, "text": "dup"}\n'
        '{"id": 6, "text": "c", "ok": true}\n',
        encoding="utf-8",
    )
    m = _measure(path, "jsonl")
    got = [(c.column, c.type, c.rows, c.first_row) for c in m.columns]
    assert got == [
        ("id", "integer", 1, 4),  # BIGINT (negative)
        ("id", "integer", 4, 1),  # UBIGINT: rows 1, 5 twice (a repeated key reads its
        # first value, once per occurrence) and 6
        ("id", "string", 1, 2),
        ("meta", "object", 1, 4),
        ("ok", "boolean", 1, 6),
        ("tags", "list", 1, 2),
        ("text", "null", 1, 4),
        ("text", "string", 4, 1),
    ], got
    assert m.rows == 5 and m.bad_rows == 1
