"""``synthgov init``: a starter configuration, an example card and a pre-commit snippet.

Nothing is ever overwritten: when any target exists, nothing is written at all. The example
card passes the baseline pack as written, so ``synthgov init && synthgov check`` is green and
every later finding comes from an edit. No printing here; the CLI reports what was written.
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
# This uses the synthgov installed in your environment; to let pre-commit install it, use
#   - repo: <the synthgov repository URL>
#     rev: <a release tag>
#     hooks: [{id: synthgov}]
repos:
  - repo: local
    hooks:
      - id: synthgov
        name: synthgov (dataset cards and pipelines)
        entry: synthgov check --force-exclude
        language: system
        types: [file]
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
    ) + _other_configs(directory)
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


def _other_configs(directory: str) -> tuple[str, ...]:
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


# --------------------------------------------------------------------------- adoption
#
# ``synthgov init`` in a repository that already has cards: detect the formats, propose an
# owner for each card (CODEOWNERS, a Croissant creator's e-mail), adopt Hugging Face cards by
# adding a ``synthgov:`` block to their front matter (never a native example card), and offer
# a baseline so that day one shows only the findings that matter.

CODEOWNERS_PLACES = ("CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
BASELINE_FILE = ".synthgov-baseline.json"

ADOPT_CONFIG_TEMPLATE = """\
# synthgov configuration, written by `synthgov init` for an existing repository.
# Found here: {formats}.
policies:
  - builtin:baseline
# Globs (relative to this file) of what to leave out, e.g. policy-test fixtures:
# exclude: ["policy-tests/**"]
fail_on: error
{baseline_line}
"""


@dataclass(frozen=True)
class OwnerProposal:
    """An owner for a document that names none, and where the proposal comes from."""

    path: str  # display path of the document
    owner: str
    evidence: str  # e.g. "CODEOWNERS:3" or "creator.email in the Croissant file"


@dataclass(frozen=True)
class AdoptResult:
    """What ``synthgov init`` did in an existing repository."""

    formats: tuple[tuple[str, int], ...] = ()  # (source format, documents), sorted
    owners: tuple[OwnerProposal, ...] = ()
    adopted: tuple[str, ...] = ()  # Hugging Face READMEs that got a synthgov: block
    skipped: tuple[tuple[str, str], ...] = ()  # (path, why it was not edited)
    written: tuple[str, ...] = ()  # new files
    existing: tuple[str, ...] = ()  # files init would have written, left as they are


def codeowners(directory: str) -> tuple[str, list[tuple[int, str, list[str]]]] | None:
    """The first CODEOWNERS file of the repository: (relative path, [(line, pattern, owners)])."""
    for rel in CODEOWNERS_PLACES:
        try:
            with open(os.path.join(directory, *rel.split("/")), encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        rules = []
        for number, line in enumerate(lines, 1):
            parts = line.split("#", 1)[0].split()
            if len(parts) >= 2:
                rules.append((number, parts[0], parts[1:]))
        return rel, rules
    return None


def codeowner_of(path: str, rules: list[tuple[int, str, list[str]]]) -> tuple[int, str] | None:
    """The owner CODEOWNERS gives ``path`` (the last matching pattern wins, as on GitHub):
    its first e-mail address, else its first team or user handle; with the line number."""
    import fnmatch

    found: tuple[int, list[str]] | None = None
    for number, pattern, owners in rules:
        anchored = pattern.startswith("/")
        pat = pattern.strip("/")
        if pattern.endswith("/"):
            pat += "/**"
        candidates = [path] if anchored or "/" in pat else [path, path.rsplit("/", 1)[-1]]
        if (
            any(
                fnmatch.fnmatchcase(c, pat) or c.startswith(pat.rstrip("*").rstrip("/") + "/")
                for c in candidates
                if pat
            )
            or pat == "*"
        ):
            found = (number, owners)
    if found is None:
        return None
    number, owners = found
    mails = [o for o in owners if "@" in o and not o.startswith("@")]
    return number, (mails or owners)[0]


def croissant_creator(path: str) -> str | None:
    """The first e-mail address of a Croissant file's ``creator``."""
    import json

    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    creators = data.get("creator", data.get("sc:creator"))
    for creator in creators if isinstance(creators, list) else [creators]:
        if isinstance(creator, dict):
            mail = creator.get("email", creator.get("sc:email"))
            if isinstance(mail, str) and "@" in mail:
                return mail.strip().removeprefix("mailto:")
    return None


def propose_owners(directory: str, documents: list[tuple[str, str, bool]]) -> list[OwnerProposal]:
    """Owners for documents without one: ``documents`` is (display path, format, has owner)."""
    owners_file = codeowners(directory)
    out: list[OwnerProposal] = []
    for path, fmt, has_owner in documents:
        if has_owner:
            continue
        if fmt == "croissant":
            mail = croissant_creator(os.path.join(directory, *path.split("/")))
            if mail:
                out.append(OwnerProposal(path, mail, "creator.email in the Croissant file"))
                continue
        if owners_file is not None:
            got = codeowner_of(path, owners_file[1])
            if got is not None:
                out.append(OwnerProposal(path, got[1], f"{owners_file[0]}:{got[0]}"))
    return out


def synthgov_block(card_id: str, owner: OwnerProposal | None) -> str:
    """The ``synthgov:`` block added to a Hugging Face card's front matter."""
    lines = [
        "# synthgov: what the Hub fields cannot say (see `synthgov schema DatasetCard`)",
        "synthgov:",
        "  metadata:",
        f"    id: {_yaml_scalar(card_id)}",
    ]
    if owner is not None:
        lines.append(f"    owner: {_yaml_scalar(owner.owner)}  # from {owner.evidence}")
    else:
        lines.append("    # owner: <team or person accountable for this data>")
    return "\n".join(lines) + "\n"


def _yaml_scalar(text: str) -> str:
    import json

    plain = text.replace("-", "").replace("_", "").replace(".", "").replace("@", "")
    return text if plain.isalnum() and not text[0].isdigit() else json.dumps(text)


def add_synthgov_block(text: str, block: str) -> str | None:
    """``text`` (a README) with ``block`` appended to its front matter; None when the front
    matter cannot take it safely (none, a flow mapping, or a synthgov: key already)."""
    import re

    found = re.match(
        r"\A(\ufeff?---[ \t]*(\r\n|\r|\n))(.*?)(\r\n|\r|\n)?(---[ \t]*(\r\n|\r|\n|\Z))", text, re.S
    )
    if found is None:
        return None
    body = found.group(3)
    if body.lstrip().startswith(("{", "[")) or re.search(r"^synthgov[ \t]*:", body, re.M):
        return None
    newline = found.group(2)
    block = block.replace("\n", newline)
    end_of_body = found.start(5)
    sep = "" if body == "" or body.endswith(("\n", "\r")) or found.group(4) else newline
    return text[:end_of_body] + sep + block + text[end_of_body:]


def adopt(
    directory: str,
    documents: list[tuple[str, str, bool, str | None]],
    *,
    baseline: bool,
) -> AdoptResult:
    """Adopt an existing repository. ``documents``: (display path relative to ``directory``,
    source format, has an owner, card id). Writes the config (unless one exists), the
    pre-commit snippet (unless it exists) and the synthgov: blocks of Hugging Face cards."""
    counts: dict[str, int] = {}
    for _, fmt, _, _ in documents:
        counts[fmt] = counts.get(fmt, 0) + 1
    formats = tuple(sorted(counts.items()))
    owners = propose_owners(directory, [(p, f, o) for p, f, o, _ in documents])
    by_path = {o.path: o for o in owners}
    adopted: list[str] = []
    skipped: list[tuple[str, str]] = []
    for path, fmt, _, card_id in documents:
        if fmt != "huggingface":
            continue
        full = os.path.join(directory, *path.split("/"))
        try:
            with open(full, encoding="utf-8", newline="") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            skipped.append((path, f"cannot read it: {exc}"))
            continue
        block = synthgov_block(
            card_id or os.path.basename(os.path.dirname(full)), by_path.get(path)
        )
        new = add_synthgov_block(text, block)
        if new is None and _has_block(text):
            skipped.append((path, "it has a synthgov: block already"))
            continue
        if new is None:
            skipped.append((path, "its front matter cannot take a synthgov: block safely"))
            continue
        with open(full, "w", encoding="utf-8", newline="") as handle:
            handle.write(new)
        adopted.append(path)
    described = ", ".join(f"{n} {fmt}" for fmt, n in formats) or "no documents"
    files = {
        CONFIG_FILE: ADOPT_CONFIG_TEMPLATE.format(
            formats=described,
            baseline_line=(
                f"baseline: {BASELINE_FILE}"
                if baseline
                else f"# baseline: {BASELINE_FILE}   # `synthgov baseline` writes it"
            ),
        ),
        PRE_COMMIT_FILE: PRE_COMMIT_TEXT,
    }
    written: list[str] = []
    existing: list[str] = [*_other_configs(directory)]
    for rel, text in files.items():
        path = os.path.join(directory, rel)
        if os.path.lexists(path) or (rel == CONFIG_FILE and existing):
            existing.append(rel)
            continue
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        written.append(rel)
    return AdoptResult(
        formats=formats,
        owners=tuple(owners),
        adopted=tuple(adopted),
        skipped=tuple(skipped),
        written=tuple(written),
        existing=tuple(dict.fromkeys(existing)),
    )


def _has_block(text: str) -> bool:
    import re

    return re.search(r"^synthgov[ \t]*:", text, re.M) is not None
