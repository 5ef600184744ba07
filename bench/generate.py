"""Seeded, deterministic generator of realistic synthgov repositories for the benchmarks.

A repository holds ``n`` native synthgov/v1 dataset cards (2-4 KB each, valid against
``schemas/datasetcard.schema.json`` except for a few deliberate mistakes), one pipeline per
40 cards, shared prompt files, and data files: small JSON Lines files with correct
checksums for one card in three, Git LFS pointer files for the others. Cards derive from
earlier cards (``sources``), evaluation sets are checked for contamination against the
training sets of their pipeline, and models are chosen so that the lineage rules are
satisfied, so the repository is mostly compliant: one card in 25 carries a deliberate
mistake (an unpinned model, a missing owner, a wrong size, a misspelt key, a dangling
reference), as in a real monorepo.

Importable (``generate_repo``) and runnable: ``python bench/generate.py DIR N``.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

TEAMS = (
    "ads",
    "search",
    "support",
    "safety",
    "speech",
    "vision",
    "code",
    "health",
    "finance",
    "legal",
    "retail",
    "travel",
)
TOPICS = (
    "intents",
    "summaries",
    "dialogues",
    "qa-pairs",
    "preferences",
    "refusals",
    "translations",
    "captions",
    "reviews",
    "tickets",
    "instructions",
    "critiques",
)
LANGS = ("en", "es", "de", "fr", "ja", "pt", "it", "nl")
EXTRA_CHECKS = ("toxicity", "language-id", "length", "schema", "near-dup")
TOOLS = ("text-dedup", "presidio", "detoxify", "fasttext-lid", "custom", "great-expectations")
# Pinned references the built-in registry knows. Training data comes from open-weight
# Mistral and Qwen models (the pipelines' base is Llama), evaluation data from Claude and GPT,
# and Gemini judges: no lineage generates, tests and judges at once.
TRAIN_MODELS: tuple[Any, ...] = (
    {
        "id": "mistralai/Mixtral-8x22B-Instruct-v0.1",
        "revision": "cc88d5a716372b918c8bb20f5a6cfe3c1c64cfd8",
    },
    {"id": "Qwen/Qwen2.5-7B-Instruct", "revision": "a09a3545a4014c5b73c1187ff50615c9934943fb"},
)
EVAL_MODELS: tuple[Any, ...] = ("claude-3-5-sonnet-20240620", "gpt-4o-2024-08-06")
JUDGE = "gemini-1.5-pro-002"
BASE = {
    "id": "meta-llama/Llama-3.1-8B-Instruct",
    "revision": "0e9e39f28b68eb4f085ca02937fbc2997631374e",
}
WORDS = (
    "customer messages labelled with one intent each, written from seed tickets with "
    "paraphrases that keep the meaning but vary tone, length and vocabulary; rows were "
    "deduplicated, filtered for personal data and reviewed by two annotators who agreed on "
    "label correctness; the set covers billing, shipping, returns, accounts and outages in "
    "several languages with a balanced mix of short and long requests and a held-out "
    "portion for evaluation of classifiers and response generators"
).split()
N_PROMPTS = 24
CARDS_PER_PIPELINE = 40
VIOLATION_EVERY = 25  # one card in 25 carries a deliberate mistake
DATA_EVERY = 3  # one card in 3 ships a real data file; the others name LFS pointers


@dataclass(frozen=True)
class Repo:
    root: Path
    cards: tuple[Path, ...]
    pipelines: tuple[Path, ...]
    data_files: tuple[Path, ...]  # real data files named by cards (for sha256sum)
    ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Plan:
    """What each card is, decided before any card is written."""

    ids: tuple[str, ...]
    real: tuple[bool, ...]
    evaluation: tuple[bool, ...]
    depth: tuple[int, ...]  # synthetic depth; sources are chosen so that it stays <= 2
    trained_on: dict[int, tuple[str, ...]]  # eval card index -> its pipeline's training sets


def _sentence(rng: random.Random, lo: int, hi: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    return (" ".join(words)).capitalize() + "."


def _date(rng: random.Random, first: int, last: int) -> str:
    """A 2026 date in months first..last (generation Jan-Mar, checks Apr-Jun, sign-off after)."""
    return f"2026-{rng.randint(first, last):02d}-{rng.randint(1, 28):02d}"


def _commit(rng: random.Random) -> str:
    # starts with a letter: a hex string like 8e586970 is a YAML 1.2 float when unquoted
    return rng.choice("abcdef") + rng.randbytes(4).hex()[1:]


def _jsonl(rng: random.Random, rows: int) -> bytes:
    lines = []
    for i in range(rows):
        row = {"id": i, "text": _sentence(rng, 8, 30), "label": rng.choice(TOPICS)}
        lines.append(json.dumps(row, sort_keys=True))
    return ("\n".join(lines) + "\n").encode()


def _lfs_pointer(rng: random.Random) -> bytes:
    oid = hashlib.sha256(rng.randbytes(32)).hexdigest()
    size = rng.randint(10_000_000, 900_000_000)
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n".encode()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def dump_yaml(doc: dict[str, Any]) -> bytes:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(doc, Dumper=dumper, sort_keys=False, width=100, allow_unicode=True)
    return text.encode("utf-8")


def _plan(n_cards: int) -> _Plan:
    ids = tuple(
        f"{TEAMS[i % len(TEAMS)]}-{TOPICS[(i * 7) % len(TOPICS)]}-{i:05d}" for i in range(n_cards)
    )
    real = tuple(i % 7 == 0 or i < 3 for i in range(n_cards))
    evaluation = tuple(not real[i] and i % 6 == 1 for i in range(n_cards))
    depth = [0 if real[i] else 1 for i in range(n_cards)]
    trained_on: dict[int, tuple[str, ...]] = {}
    for start in range(0, n_cards, CARDS_PER_PIPELINE):
        chunk = range(start, min(n_cards, start + CARDS_PER_PIPELINE))
        train = tuple(ids[i] for i in chunk if not evaluation[i])[:6]
        for i in chunk:
            if evaluation[i]:
                trained_on[i] = train
    return _Plan(ids, real, evaluation, tuple(depth), trained_on)


def _card(
    rng: random.Random,
    index: int,
    plan: _Plan,
    prompts: list[tuple[str, str]],
    card_dir: Path,
    root: Path,
) -> tuple[dict[str, Any], list[Path], Any]:
    team = TEAMS[index % len(TEAMS)]
    topic = TOPICS[(index * 7) % len(TOPICS)]
    ds_id = plan.ids[index]
    real, evaluation = plan.real[index], plan.evaluation[index]
    purpose = ["evaluation"] if evaluation else ["training"]
    langs = rng.sample(LANGS, rng.randint(1, 4))
    card: dict[str, Any] = {
        "apiVersion": "synthgov/v1",
        "kind": "DatasetCard",
        "metadata": {
            "id": ds_id,
            "name": f"{team.title()} {topic}, {'real' if real else 'synthetic'}, v{index % 4 + 1}",
            "version": f"{index % 4 + 1}.{index % 10}.0",
            "owner": f"{team}-data@corp.example",
            "license": rng.choice(("proprietary", "cc-by-4.0", "apache-2.0")),
            "description": _sentence(rng, 36, 60),
            "tags": [team, topic, *langs],
        },
        "purpose": purpose,
        "intended_use": _sentence(rng, 8, 20),
        "limitations": _sentence(rng, 20, 45),
    }
    written: list[Path] = []
    rows = rng.randint(2_000, 50_000)
    if index % DATA_EVERY == 0:
        data = _jsonl(rng, rng.randint(8, 40))
        rel = "data/test.jsonl" if evaluation else "data/train.jsonl"
        _write(card_dir / rel, data)
        written.append(card_dir / rel)
        entry = {
            "path": rel,
            "split": "test" if evaluation else "train",
            "format": "jsonl",
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "rows": data.count(b"\n"),
        }
    else:
        pointer = _lfs_pointer(rng)
        rel = "data/full.parquet"
        _write(card_dir / rel, pointer)
        oid = pointer.split(b"oid sha256:")[1].split(b"\n")[0].decode()
        size = int(pointer.split(b"size ")[1].split(b"\n")[0])
        entry = {"path": rel, "split": "train", "format": "parquet", "sha256": oid, "size": size}
    card["files"] = [entry]
    first_model: Any = None
    if real:
        card["composition"] = {"total_rows": rows, "synthetic_rows": 0}
        card["sources"] = [
            {
                "name": f"{team} production logs {2023 + index % 3}",
                "url": f"https://data.corp.example/{team}/{topic}",
                "license": "proprietary",
                "personal_data": True,
                "consent": "terms of service, section 4",
                "legal_basis": "legitimate interest",
            }
        ]
    else:
        card["composition"] = {"total_rows": rows, "synthetic_rows": rows}
        seeds = [plan.ids[i] for i in range(max(0, index - 60), index) if plan.real[i]]
        card["sources"] = [{"dataset": s} for s in rng.sample(seeds, min(len(seeds), 2))]
        models = EVAL_MODELS if evaluation else TRAIN_MODELS
        half = rows // 2
        gens = []
        for n, model in enumerate(models):
            prompt_rel, prompt_sha = rng.choice(prompts)
            gens.append(
                {
                    "model": model,
                    "role": "generator",
                    "rows": half if n == 0 else rows - half,
                    "prompt": {
                        "path": os.path.relpath(root / prompt_rel, card_dir).replace(os.sep, "/"),
                        "sha256": prompt_sha,
                    },
                    "parameters": {
                        "temperature": round(rng.uniform(0.2, 1.1), 2),
                        "top_p": 0.95,
                        "max_tokens": rng.choice((256, 512, 1024)),
                        "seed": rng.randint(1, 999),
                    },
                    "date": _date(rng, 1, 3),
                    "code": {
                        "repo": f"https://git.corp.example/{team}/datagen",
                        "commit": _commit(rng),
                    },
                }
            )
        card["generation"] = gens
        first_model = models[0]
    checks = ["dedup", "pii", *rng.sample(EXTRA_CHECKS, rng.randint(0, 2))]
    validation: dict[str, Any] = {
        "automated": [
            {
                "check": check,
                "tool": rng.choice(TOOLS),
                "coverage": 1.0,
                "pass_rate": round(rng.uniform(0.97, 1.0), 3),
                "date": _date(rng, 4, 6),
            }
            for check in checks
        ],
        "human_review": {
            "sample_size": 400,
            "population": rows,
            "reviewers": rng.randint(2, 4),
            "agreement": {"metric": "cohen_kappa", "value": round(rng.uniform(0.7, 0.9), 2)},
            "error_rate": round(rng.uniform(0.0, 0.05), 3),
            "criteria": ["label-correctness", "fluency", "no-personal-data"],
            "date": _date(rng, 4, 6),
        },
    }
    if not real:
        validation["judge"] = {
            "model": JUDGE,
            "calibration": {
                "human_labels": rng.randint(150, 400),
                "agreement": {"metric": "cohen_kappa", "value": round(rng.uniform(0.65, 0.8), 2)},
                "date": _date(rng, 4, 6),
            },
            "date": _date(rng, 4, 6),
        }
    if evaluation:
        against = [i for i in plan.trained_on.get(index, ()) if i != ds_id]
        if against:
            validation["contamination"] = [
                {"against": against, "method": "ngram-13", "overlap": 0.0, "date": _date(rng, 7, 8)}
            ]
    card["validation"] = validation
    share = round(1.0 / len(langs), 3)
    card["representation"] = {
        "attributes": [
            {
                "name": "language",
                "target": {lang: share for lang in langs},
                "observed": {lang: share for lang in langs},
                "tolerance": 0.05,
            }
        ]
    }
    card["governance"] = {
        "approvals": [
            {"by": f"steward{index % 9}@corp.example", "role": "data-steward", "date": "2026-09-01"}
        ]
    }
    if index % VIOLATION_EVERY == 5:
        _violate(card, index)
    return card, written, first_model


def _violate(card: dict[str, Any], index: int) -> None:
    kind = (index // VIOLATION_EVERY) % 5
    if kind == 0 and card.get("generation"):
        card["generation"][0]["model"] = "gpt-4o"  # SG102: a moving alias
    elif kind == 1:
        del card["metadata"]["owner"]  # SG401
    elif kind == 2:
        card["files"][0]["size"] = int(card["files"][0].get("size", 0)) + 1  # SG107
    elif kind == 3:
        card["metadata"]["licence"] = card["metadata"].pop("license")  # SG002 (schema)
    else:
        card.setdefault("sources", []).append({"dataset": f"missing-dataset-{index}"})  # SG004


def _pipeline(
    rng: random.Random, number: int, plan: _Plan, models: dict[int, Any]
) -> dict[str, Any]:
    chunk = range(
        number * CARDS_PER_PIPELINE, min(len(plan.ids), (number + 1) * CARDS_PER_PIPELINE)
    )
    train = [i for i in chunk if not plan.evaluation[i]][:6]
    evals = [i for i in chunk if plan.evaluation[i]][:2]
    seeds = [plan.ids[i] for i in chunk if plan.real[i]][:1]
    stages: list[dict[str, Any]] = []
    for n, i in enumerate(i for i in train if not plan.real[i]):
        stages.append(
            {
                "id": f"gen-{n}",
                "type": "generate",
                "model": models[i],
                "inputs": seeds,
                "outputs": [plan.ids[i]],
            }
        )
        if n == 2:
            break
    stages.append({"id": "train", "type": "train", "inputs": [plan.ids[i] for i in train]})
    if evals:
        stages.append(
            {
                "id": "evaluate",
                "type": "evaluate",
                "model": JUDGE,
                "inputs": [plan.ids[i] for i in evals],
            }
        )
    return {
        "apiVersion": "synthgov/v1",
        "kind": "Pipeline",
        "metadata": {"id": f"pipeline-{number:04d}", "owner": "ml-platform@corp.example"},
        "primary_model": {"id": f"corp/assistant-{number:04d}", "base": BASE},
        "stages": stages,
        "governance": {
            "approvals": [{"by": "ml-lead@corp.example", "role": "owner", "date": "2026-09-02"}]
        },
    }


def card_path(root: Path, plan_id: str, index: int) -> Path:
    return root / "datasets" / TEAMS[index % len(TEAMS)] / plan_id / "card.yaml"


def generate_repo(root: Path | str, n_cards: int, seed: int = 7, git: bool = True) -> Repo:
    """Write a repository of ``n_cards`` cards under ``root`` (which must not exist yet)."""
    root = Path(root)
    root.mkdir(parents=True)
    rng = random.Random(seed)
    (root / "synthgov.yaml").write_text("policies: [builtin:baseline]\n", encoding="utf-8")
    (root / ".gitignore").write_text(".synthgov_cache/\n", encoding="utf-8")
    prompts: list[tuple[str, str]] = []
    for p in range(N_PROMPTS):
        text = (f"# prompt {p}\n" + _sentence(rng, 40, 120) + "\n").encode()
        rel = f"prompts/p{p:02d}.txt"
        _write(root / rel, text)
        prompts.append((rel, hashlib.sha256(text).hexdigest()))
    plan = _plan(n_cards)
    cards: list[Path] = []
    data_files: list[Path] = []
    models: dict[int, Any] = {}
    for index in range(n_cards):
        path = card_path(root, plan.ids[index], index)
        card, written, model = _card(rng, index, plan, prompts, path.parent, root)
        models[index] = model
        _write(path, dump_yaml(card))
        cards.append(path)
        data_files.extend(written)
    pipelines: list[Path] = []
    for number in range(max(1, -(-n_cards // CARDS_PER_PIPELINE))):
        if n_cards < 3:
            break  # a one-card repository has no pipeline
        path = root / "pipelines" / f"pipeline-{number:04d}.yaml"
        _write(path, dump_yaml(_pipeline(rng, number, plan, models)))
        pipelines.append(path)
    if git:
        _git(root)
    return Repo(root, tuple(cards), tuple(pipelines), tuple(data_files), plan.ids)


def _git(root: Path) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    }
    for args in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["commit", "-q", "-m", "generated", "--no-gpg-sign"],
    ):
        subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python bench/generate.py",
        description="Generate a deterministic benchmark repository of synthgov dataset cards.",
    )
    parser.add_argument("directory", help="folder to create the repository in")
    parser.add_argument("cards", type=int, help="number of dataset cards (e.g. 1000)")
    parser.add_argument("--no-git", action="store_true", help="do not make it a git repository")
    args = parser.parse_args(argv)
    if args.cards < 1:
        parser.error("cards must be at least 1")
    out = generate_repo(args.directory, args.cards, git=not args.no_git)
    sizes = sorted(p.stat().st_size for p in out.cards)
    print(
        f"{len(out.cards)} cards (size {sizes[0]}-{sizes[-1]} bytes, median "
        f"{sizes[len(sizes) // 2]}), {len(out.pipelines)} pipelines, "
        f"{len(out.data_files)} data files in {out.root}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
