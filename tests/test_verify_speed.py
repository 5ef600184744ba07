"""The DuckDB engine's speed work (issue 16) changes no result: the faster normalisation
spelling equals the reference on random ASCII and Unicode corpora, and a file measured in
row-number slices on two connections gives the measure and sketches of one slice."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import duckdb
import pytest

from synthgov.verify import sql
from synthgov.verify.duckdb_engine import DuckDBEngine, parallel
from synthgov.verify.model import FileSpec, MeasureParams

ASCII = "abcXYZ019 \t\n  .,;:!?-_'\"()[]{}/\\@#$%^&*+=<>|~`\x00\x7f"
UNICODE = ASCII + "éÉüßøÆçñ日本語テキ한국어ąłЖжΩπ\u00a0\u2003\u200b\u0301\u05d0\u0627😀🙂—–…«»"


def _corpus(alphabet: str, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(n)]


@pytest.mark.parametrize("alphabet", [ASCII, UNICODE], ids=["ascii", "unicode"])
def test_fast_normalisation_equals_the_reference_on_random_corpora(alphabet: str) -> None:
    texts = _corpus(alphabet, 4000, seed=len(alphabet))
    texts += ["a  b", " a b ", "a b", "  ", " ", "a,b", "a , b", "A\tB", "é  ü", "日 本"]
    two_step = (
        "trim(regexp_replace(regexp_replace(lower(t), '[^\\pL\\pN\\s]+', ' ', 'g'), "
        "'\\s+', ' ', 'g'))"
    )
    con = duckdb.connect()
    con.execute("CREATE TABLE s (t VARCHAR)")
    con.execute("INSERT INTO s SELECT unnest(?::VARCHAR[])", [texts])
    fast, ref = sql.normalise("t"), sql.NORMALISE.format(x="t")
    differ = con.execute(
        f"SELECT t, {fast}, {ref} FROM s WHERE {fast} IS DISTINCT FROM {ref} "
        f"OR {ref} IS DISTINCT FROM {two_step}"
    ).fetchall()
    assert differ == []
    # the corpus holds what the fast spelling must handle: runs, lone spaces, non-ASCII
    kinds = con.execute(
        "SELECT count(*) FILTER (t LIKE '%  %'), count(*) FILTER (strlen(t) <> length(t)), "
        f"count(DISTINCT {fast}) FROM s"
    ).fetchone()
    assert kinds[0] > 50 and kinds[2] > 2000
    assert (kinds[1] > 1000) == (alphabet is UNICODE)


def _hostile_rows(n: int) -> str:
    lines = []
    for i in range(n):
        if i % 997 == 5:
            lines.append("{not json")
        elif i % 991 == 7:
            lines.append("")
        elif i % 983 == 9:
            lines.append("[1, 2]")
        else:
            text = f"Row {i % 1500}, about Café №{i % 37}: call +44 20 7946 {i % 10:04d}!"
            if i % 101 == 0:
                text += " mail a.b@example.com card 4111 1111 1111 1111"
            lines.append(json.dumps({"text": text, "generator": ["human", "m"][i % 2], "n": i}))
    return "\n".join(lines) + "\n"


def _parquet_rows(con: Any, path: Path) -> list[Any]:
    return con.execute(f"SELECT * FROM read_parquet('{path}') ORDER BY ALL").fetchall()


def test_a_file_measured_in_slices_equals_one_slice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data.jsonl"
    data.write_text(_hostile_rows(3 * parallel.MIN_SPLIT_ROWS), encoding="utf-8")
    evaluation = tmp_path / "eval.jsonl"
    evaluation.write_text(_hostile_rows(300), encoding="utf-8")
    params = MeasureParams(text_fields=("text",), attributes=("generator",))
    slices: list[int] = []
    real_split = parallel.split

    def spy(*args: Any, **kwargs: Any) -> parallel.Split:
        found = real_split(*args, **kwargs)
        slices.append(len(found.bounds))
        return found

    monkeypatch.setattr(parallel, "split", spy)
    engine = DuckDBEngine()
    try:
        ev_spec = FileSpec(str(evaluation), "eval.jsonl", "jsonl")
        engine.measure_file(ev_spec, params, str(tmp_path / "ev"), ngrams=True)
        union = str(tmp_path / "union.parquet")
        engine.ngram_union([str(tmp_path / "ev")], union)
        spec = FileSpec(str(data), "data.jsonl", "jsonl")
        two = engine.measure_file(spec, params, str(tmp_path / "two"), ngrams=True, against=union)
        monkeypatch.setattr(parallel, "MIN_SPLIT_ROWS", 1 << 40)
        one = engine.measure_file(spec, params, str(tmp_path / "one"), ngrams=True, against=union)
    finally:
        engine.close()
    assert slices == [1, parallel.PARTS, 1]  # the small eval file, then two and one slices
    assert two == one
    assert two.bad_rows > 0 and two.pii_rows > 0 and two.contaminated and not two.error
    con = duckdb.connect()
    for name in ("hashes", "bands", "ngrams"):
        rows = _parquet_rows(con, tmp_path / "two" / f"{name}.parquet")
        assert rows and rows == _parquet_rows(con, tmp_path / "one" / f"{name}.parquet"), name


def _clean_lines(n: int, newline: str) -> str:
    lines = []
    for i in range(n):
        if i % 211 == 3:
            lines.append("[1, 2]")
        elif i % 307 == 5:
            lines.append('"a string"')
        else:
            text = f"Row {i % 400}, naïve DÉJÀ vu №{i % 17}! mail x{i}@example.com"
            row = {"text": text, "n": i if i % 7 else str(i)}
            lines.append(json.dumps(row, ensure_ascii=i % 2 == 0))
    return newline.join(lines) + newline


@pytest.mark.parametrize(
    ("content", "fast"),
    [
        (_clean_lines(3000, "\n"), True),
        (_clean_lines(3000, "\r\n"), True),
        (_clean_lines(3000, "\n") + "\n" + _clean_lines(5, "\n"), False),  # a blank line
        (_clean_lines(3000, "\n") + "{broken\n", False),
        ("\ufeff" + _clean_lines(30, "\n"), False),
        (_clean_lines(30, "\n").replace("\n", "\r", 1), False),
    ],
    ids=["lf", "crlf", "blank-line", "malformed", "bom", "lone-cr"],
)
def test_the_fast_json_lines_path_reads_what_the_exact_path_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, fast: bool
) -> None:
    """DuckDB's parallel JSON reader is used only when it numbers the lines as the exact
    (line by line) path does; either way the measure and the sketches are the same."""
    from synthgov.verify.duckdb_engine import reading

    data = tmp_path / "data.jsonl"
    data.write_bytes(content.encode("utf-8"))
    params = MeasureParams(text_fields=("text",))
    taken: list[bool] = []
    real_fast = reading._load_jsonl_fast

    def spy(*args: Any) -> bool:
        taken.append(real_fast(*args))
        return taken[-1]

    monkeypatch.setattr(reading, "_load_jsonl_fast", spy)
    engine = DuckDBEngine()
    try:
        spec = FileSpec(str(data), "data.jsonl", "jsonl")
        got = engine.measure_file(spec, params, str(tmp_path / "a"))
        monkeypatch.setattr(reading, "_load_jsonl_fast", lambda *args: False)
        exact = engine.measure_file(spec, params, str(tmp_path / "b"))
    finally:
        engine.close()
    assert taken == [fast]
    assert got == exact and not got.error and got.rows > 0
    con = duckdb.connect()
    for name in ("hashes", "bands"):
        rows = _parquet_rows(con, tmp_path / "a" / f"{name}.parquet")
        assert rows == _parquet_rows(con, tmp_path / "b" / f"{name}.parquet"), name
