"""``synthgov init``: a starter configuration, an example card and a pre-commit snippet.

Nothing is ever overwritten: when any target exists, nothing is written at all. The example
card passes the baseline pack as written, so ``synthgov init && synthgov check`` is green and
every later finding comes from an edit. No printing here; the CLI reports what was written.
In a repository that has cards already, ``synthgov init`` adopts them instead
(:mod:`synthgov.app.adoption`).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

CONFIG_FILE = "synthgov.yaml"
CARD_FILE = "datasets/example/card.yaml"
PROMPT_FILE = "datasets/example/prompts/generate.txt"
PRE_COMMIT_FILE = ".pre-commit-config.yaml"

CONFIG_TEXT = """\
# synthgov configuration, found by walking up from the working directory. Policies apply in
# order; later entries override earlier ones. builtin:strict makes every warning an error;
# builtin:eu-ai-act adds EU AI Act Article 10 references to every finding.
policies:
  - builtin:baseline
# A policy file of your own extends a pack and relaxes or tightens rules:
#   policies: [./policy.yaml]
# Globs (relative to this file) of what to check, and what to leave out:
# include: ["datasets/**", "pipelines/**"]
# exclude: ["policy-tests/**"]
# Lowest severity that fails the run (error or warning):
fail_on: error
"""

PROMPT_TEXT = """\
You write realistic customer-support messages for a software company.
Write one message a customer could send about: {topic}.
Language: {language}. Vary the tone and length. Do not include real names,
addresses, phone numbers or account numbers.
"""

CARD_TEMPLATE = """\
# An example dataset card written by `synthgov init`. It passes the baseline policy as it
# is; edit it to describe your own data (`synthgov schema DatasetCard` has every field, and
# `synthgov explain SGnnn` explains a finding).
apiVersion: synthgov/v1
kind: DatasetCard
metadata:
  id: example-support-intents
  name: Example - synthetic support intents
  version: 0.1.0
  owner: data-team@example.com
  license: cc-by-4.0
  description: Synthetic customer-support messages, one intent label each.
purpose: [training]
intended_use: Fine-tuning an intent classifier.
limitations: Shorter and more polite than real messages.
# files:   # the data files, relative to this card (sha256sum gives the hash)
#   - {{path: data/train.jsonl, split: train, sha256: <64 hex>, size: <bytes>, rows: 1000}}
composition:
  total_rows: 1000
  synthetic_rows: 1000
generation:
  - model:
      id: mistralai/Mixtral-8x22B-Instruct-v0.1
      revision: cc88d5a716372b918c8bb20f5a6cfe3c1c64cfd8  # a full commit sha pins (SG102)
    role: generator
    rows: 600
    prompt: {{path: prompts/generate.txt, sha256: {prompt_sha}}}
    parameters: {{temperature: 0.9, top_p: 0.95, seed: 7}}
    date: 2024-09-02
  - model: {{id: Qwen/Qwen2.5-7B-Instruct, revision: a09a3545a4014c5b73c1187ff50615c9934943fb}}
    role: generator
    rows: 400
    prompt: {{path: prompts/generate.txt, sha256: {prompt_sha}}}
    parameters: {{temperature: 0.9, top_p: 0.95, seed: 7}}
    date: 2024-09-03
validation:
  automated:
    - {{check: dedup, tool: text-dedup, coverage: 1.0, pass_rate: 0.98, date: 2024-09-05}}
    - {{check: pii, tool: presidio, coverage: 1.0, pass_rate: 0.999, date: 2024-09-05}}
  human_review:
    # 1,000 synthetic rows need 278 reviewed at 95 % confidence and a 5 % margin (SG302)
    sample_size: 278
    reviewers: 2
    agreement: {{metric: cohen_kappa, value: 0.78}}
    criteria: [label-correctness, fluency, no-personal-data]
    date: 2024-09-09
representation:
  attributes:
    - name: language
      target: {{en: 0.5, es: 0.25, de: 0.25}}
      observed: {{en: 0.51, es: 0.25, de: 0.24}}
      tolerance: 0.05
governance:
  approvals:
    - {{by: steward@example.com, role: data-steward, date: 2024-09-12}}
"""

PRE_COMMIT_TEXT = """\
# pre-commit (https://pre-commit.com): `pre-commit install`, then every commit that touches a
# dataset card, a pipeline or a file a card names is checked before it lands.
# These hooks run the synthgov installed in the environment you commit from. Where synthgov
# is published at a git URL your pre-commit can reach, a `repo:` entry with that URL and a
# release tag as `rev:` lets pre-commit install it (the same hook ids; docs/ci.md).
repos:
  - repo: local
    hooks:
      - id: synthgov
        name: synthgov (dataset cards and pipelines)
        entry: synthgov check --staged --force-exclude
        language: system
        types: [file]
        require_serial: true
      - id: synthgov-test
        name: synthgov test (policy unit tests)
        entry: synthgov test --allow-empty
        language: system
        pass_filenames: false
        types_or: [yaml, json]
        require_serial: true
"""


@dataclass(frozen=True)
class InitResult:
    """What synthgov init wrote, or why it refused."""

    written: tuple[str, ...] = ()  # relative paths, in the order written
    existing: tuple[str, ...] = ()  # targets that exist: nothing was written


def starter_files() -> dict[str, str]:
    """The files ``synthgov init`` writes, by path relative to the target folder."""
    prompt_sha = hashlib.sha256(PROMPT_TEXT.encode("utf-8")).hexdigest()
    return {
        CONFIG_FILE: CONFIG_TEXT,
        CARD_FILE: CARD_TEMPLATE.format(prompt_sha=prompt_sha),
        PROMPT_FILE: PROMPT_TEXT,
        PRE_COMMIT_FILE: PRE_COMMIT_TEXT,
    }


def init(directory: str) -> InitResult:
    """Write the starter files into ``directory`` unless any of them exists."""
    files = starter_files()
    existing = tuple(
        rel for rel in files if os.path.lexists(os.path.join(directory, *rel.split("/")))
    ) + other_configs(directory)
    if existing:
        return InitResult(existing=existing)
    written: list[str] = []
    for rel, text in files.items():
        path = os.path.join(directory, *rel.split("/"))
        os.makedirs(os.path.dirname(path) or directory, exist_ok=True)
        # "x": fail rather than overwrite if the file appeared since the check above
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        written.append(rel)
    return InitResult(written=tuple(written))


def other_configs(directory: str) -> tuple[str, ...]:
    """Configurations that a new synthgov.yaml would silently shadow."""
    found: list[str] = []
    if os.path.lexists(os.path.join(directory, ".synthgov.yaml")):
        found.append(".synthgov.yaml")
    pyproject = os.path.join(directory, "pyproject.toml")
    try:
        with open(pyproject, "rb") as handle:
            if b"[tool.synthgov]" in handle.read():
                found.append("pyproject.toml ([tool.synthgov])")
    except OSError:
        pass
    return tuple(found)
