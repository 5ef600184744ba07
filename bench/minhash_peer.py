"""MinHash throughput of synthgov's DuckDB engine next to a plain datasketch loop, on the
same rows, in one run (issue 16: "report the MinHash throughput next to a plain datasketch
loop on the same rows").

    python bench/minhash_peer.py --rows 100000     # needs `pip install datasketch`

Rows: one shard of ``bench/verify_bench.py``'s generator. Both sides do the same work: each
row's text normalised (lower case, runs of anything but letters and digits to one space),
split into words, 5-word shingles, a 128-permutation MinHash, and the LSH bands of the
default threshold (9 bands of 13 rows, synthgov.verify.lsh). synthgov: the time of
``measure_file`` with near duplicates on, minus the same without them (both write the row
hashes and read the file; only the MinHash and bands differ), on the engine's threads as a
verify run uses them. datasketch: ``MinHash.update_batch`` per row and ``MinHashLSH.insert``
(numpy-vectorised hashing, one Python loop over rows, one core). datasketch is not a
synthgov dependency: this script is the only thing that imports it.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _synthgov(path: Path, work: Path) -> float:
    from synthgov.verify.duckdb_engine import DuckDBEngine
    from synthgov.verify.model import FileSpec, MeasureParams

    spec = FileSpec(str(path), path.name, "jsonl")
    engine = DuckDBEngine()
    try:
        took = {}
        for name, bands in (("without", 0), ("with", 9), ("without2", 0), ("with2", 9)):
            params = MeasureParams(bands=bands, detectors=(), text_fields=("text",))
            start = time.perf_counter()
            engine.measure_file(spec, params, str(work / name))
            took[name] = time.perf_counter() - start
    finally:
        engine.close()
    return min(took["with"], took["with2"]) - min(took["without"], took["without2"])


def _datasketch(texts: list[str]) -> float:
    from datasketch import MinHash, MinHashLSH

    words = re.compile(r"[^\W_]+")
    start = time.perf_counter()
    lsh = MinHashLSH(num_perm=128, params=(9, 13))
    for n, text in enumerate(texts):
        tokens = words.findall(text.lower())
        shingles = [" ".join(tokens[i : i + 5]).encode() for i in range(max(len(tokens) - 4, 1))]
        sketch = MinHash(num_perm=128)
        sketch.update_batch(shingles)
        lsh.insert(n, sketch, check_duplication=False)
    return time.perf_counter() - start


def main() -> None:
    from verify_bench import generate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="synthgov-minhash-"))
    try:
        generate(root, args.rows * 10)  # ten shards: take the first
        shard = sorted((root / "train" / "data").glob("train-*.jsonl"))[0]
        texts = [json.loads(line)["text"] for line in shard.read_text().splitlines()]
        ours = _synthgov(shard, root)
        theirs = _datasketch(texts)
        print(
            json.dumps(
                {
                    "rows": len(texts),
                    "synthgov MinHash + bands (s)": round(ours, 2),
                    "synthgov rows/s": round(len(texts) / ours),
                    "datasketch MinHash + LSH insert (s)": round(theirs, 2),
                    "datasketch rows/s": round(len(texts) / theirs),
                    "synthgov / datasketch throughput": round(theirs / ours, 2),
                },
                indent=2,
            )
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
