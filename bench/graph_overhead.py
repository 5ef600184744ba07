"""What the lineage graph and the diversity rules (SG2xx) add to `synthgov check`.

Generates a repository of N dataset cards (default 2,000: real seed sets, synthetic training
sets of up to three generations, evaluation sets) and N/8 pipelines that train and evaluate
on them, then times `synthgov check` on it in a fresh process, side by side:

- full:        every rule of builtin:baseline (graph built, SG2xx evaluated);
- no-SG2:      `--ignore SG2` (the diversity rules off; SG006 still builds the graph);
- no-graph:    `--ignore SG2,SG006` (nothing builds the lineage graph).

Usage:  python bench/graph_overhead.py [--cards 2000] [--repeat 5] [--json FILE]

Prints a table (median wall time of --repeat runs) and writes the numbers as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GENERATORS = [
    "gpt-4o-2024-08-06",
    "claude-3-5-sonnet-20240620",
    "{id: mistralai/Mixtral-8x22B-Instruct-v0.1, revision: cc88d5a7}",
    "{id: Qwen/Qwen2.5-7B-Instruct, revision: a09a3545}",
    "gemini-1.5-pro-002",
    "{id: meta-llama/Llama-3.1-405B-Instruct, revision: be673f3}",
]
JUDGES = ["gemini-1.5-pro-002", "claude-3-5-sonnet-20240620", "gpt-4o-2024-08-06"]
BASE = "{id: meta-llama/Llama-3.1-8B-Instruct, revision: 0e9e39f2}"

CARD = """apiVersion: synthgov/v1
kind: DatasetCard
metadata:
  id: {id}
  name: Generated dataset {id}
  version: 1.0.0
  owner: data@acme.example
  license: cc-by-4.0
  description: >-
    A generated card for the graph overhead benchmark. It names its sources, its generators,
    the validation that was run and the approvals it received, like a real card would.
purpose: [{purpose}]
intended_use: Benchmarking synthgov.
limitations: Not real data.
{body}governance:
  approvals:
    - {{by: steward@acme.example, role: data-steward, date: 2026-10-01}}
"""

SYNTHETIC_BODY = """composition: {{total_rows: 1000, synthetic_rows: 1000}}
sources:
  - {{dataset: {source}}}
generation:
  - model: {gen_a}
    role: generator
    rows: {rows_a}
    parameters: {{temperature: 0.9, top_p: 0.95, seed: 7}}
    date: 2026-09-01
  - model: {gen_b}
    role: generator
    rows: {rows_b}
    parameters: {{temperature: 0.7, seed: 11}}
    date: 2026-09-02
validation:
  automated:
    - {{check: dedup, tool: text-dedup, coverage: 1.0, pass_rate: 0.97, date: 2026-09-05}}
    - {{check: pii, tool: presidio, coverage: 1.0, pass_rate: 0.999, date: 2026-09-05}}
  human_review:
    sample_size: 300
    population: 1000
    reviewers: 2
    agreement: {{metric: cohen_kappa, value: 0.74}}
    date: 2026-09-10
  judge:
    model: {judge}
    calibration: {{human_labels: 150, agreement: {{metric: cohen_kappa, value: 0.7}}}}
"""

REAL_BODY = """composition: {total_rows: 5000, synthetic_rows: 0}
sources:
  - {name: crm-export, url: https://crm.acme.example/export, license: proprietary,
     personal_data: false}
"""

PIPELINE = """apiVersion: synthgov/v1
kind: Pipeline
metadata: {{id: {id}, owner: ml@acme.example}}
primary_model:
  id: acme/{id}
  base: {base}
stages:
  - {{id: gen, type: generate, model: {gen}, inputs: [{seed}], outputs: [{extra}]}}
  - {{id: train, type: train, inputs: [{train}, {extra}]}}
  - {{id: evaluate, type: evaluate, model: {judge}, inputs: [{eval}]}}
"""


def generate(root: Path, cards: int) -> tuple[int, int]:
    """Write the repository; returns (cards, pipelines)."""
    groups = max(1, cards // 8)
    written = 0
    for g in range(groups):
        folder = root / f"group-{g:04d}"
        folder.mkdir(parents=True)
        ids = [f"g{g:04d}-{k}" for k in range(8)]
        # 0: real seed; 1-3: generations 1..3 (3 exceeds max_depth 2); 4-6: training sets
        # from the seed; 7: evaluation set
        for k, ds in enumerate(ids):
            if k == 0:
                body, purpose = REAL_BODY, "training"
            else:
                source = ids[k - 1] if k <= 3 else ids[0]
                gen_a = GENERATORS[(g + k) % len(GENERATORS)]
                gen_b = GENERATORS[(g + k + 1) % len(GENERATORS)]
                body = SYNTHETIC_BODY.format(
                    source=source,
                    gen_a=gen_a,
                    gen_b=gen_b,
                    rows_a=500 + 100 * (k % 5),
                    rows_b=500 - 100 * (k % 5),
                    # a judge of another lineage than the card's own generators
                    judge=next(j for j in JUDGES if j not in (gen_a, gen_b)),
                )
                purpose = "evaluation" if k == 7 else "training"
            text = CARD.format(id=ds, purpose=purpose, body=body)
            (folder / f"{ds}.yaml").write_text(text, encoding="utf-8")
            written += 1
        pipeline = PIPELINE.format(
            id=f"p{g:04d}",
            base=BASE,
            gen=GENERATORS[g % len(GENERATORS)],
            seed=ids[0],
            extra=ids[5],
            train=ids[4],
            judge=JUDGES[g % len(JUDGES)],
            eval=ids[7],
        )
        (folder / f"p{g:04d}.yaml").write_text(pipeline, encoding="utf-8")
    return written, groups


def run_once(root: Path, extra: list[str]) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of the child, findings) of one `synthgov check`."""
    env = {**os.environ, "SYNTHGOV_TODAY": "2026-11-25", "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    cmd = [sys.executable, "-m", "synthgov", "check", ".", "--no-cache", "--format", "json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd + extra, cwd=root, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"check failed ({proc.returncode}): {proc.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, len(json.loads(proc.stdout)["findings"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", default="graph_overhead.json", help="where to write results")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="synthgov-graph-bench-") as tmp:
        root = Path(tmp)
        cards, pipelines = generate(root, args.cards)
        variants = {
            "full": [],
            "no-SG2": ["--ignore", "SG2"],
            "no-graph": ["--ignore", "SG2,SG006"],
        }
        run_once(root, [])  # warm the file system cache
        walls: dict[str, list[float]] = {name: [] for name in variants}
        cpus: dict[str, list[float]] = {name: [] for name in variants}
        findings: dict[str, int] = {}
        # interleaved, so that load from other processes affects every variant alike
        for _ in range(args.repeat):
            for name, extra in variants.items():
                wall, cpu, findings[name] = run_once(root, extra)
                walls[name].append(wall)
                cpus[name].append(cpu)
        results = {
            name: {
                "median_s": statistics.median(walls[name]),
                "median_cpu_s": statistics.median(cpus[name]),
                "runs_s": walls[name],
                "cpu_s": cpus[name],
                "findings": findings[name],
            }
            for name in variants
        }
    full = results["full"]
    print(f"synthgov check on {cards} cards and {pipelines} pipelines (median of {args.repeat})")
    print(
        f"{'variant':<10} {'wall s':>8} {'cpu s':>8} {'findings':>9} {'full: wall':>11} {'cpu':>8}"
    )
    for name, row in results.items():
        wall = "" if name == "full" else f"{(full['median_s'] / row['median_s'] - 1):+.1%}"
        cpu = "" if name == "full" else f"{(full['median_cpu_s'] / row['median_cpu_s'] - 1):+.1%}"
        print(
            f"{name:<10} {row['median_s']:>8.3f} {row['median_cpu_s']:>8.3f} "
            f"{row['findings']:>9} {wall:>11} {cpu:>8}"
        )
    payload = {
        "cards": cards,
        "pipelines": pipelines,
        "repeat": args.repeat,
        "results": results,
        "overhead_vs_no_sg2": full["median_s"] / results["no-SG2"]["median_s"] - 1,
        "overhead_vs_no_graph": full["median_s"] / results["no-graph"]["median_s"] - 1,
        "cpu_overhead_vs_no_sg2": full["median_cpu_s"] / results["no-SG2"]["median_cpu_s"] - 1,
    }
    Path(args.json).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
