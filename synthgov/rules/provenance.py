"""SG101-SG110: provenance of synthetic data."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from typing import Any

from synthgov.context import RuleContext
from synthgov.files import INVALID_PATH, OUTSIDE_ROOT, FileInfo, digest_of
from synthgov.graph import model_ref_id
from synthgov.model import DATASET_CARD, PIPELINE, Document, Issue, Pointer, Rule, RuleDoc, Severity


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def generation_uses(doc: Document) -> Iterator[tuple[int, Mapping[str, Any]]]:
    for i, use in enumerate(_list(doc.data.get("generation"))):
        if isinstance(use, Mapping):
            yield i, use


def use_role(use: Mapping[str, Any]) -> str:
    role = use.get("role")
    return role if isinstance(role, str) and role else "generator"


def model_references(doc: Document) -> Iterator[tuple[Pointer, Any, str]]:
    """Every auxiliary model reference: (pointer, ref, what it is) - never primary_model.id."""
    if doc.kind == DATASET_CARD:
        for i, use in generation_uses(doc):
            if "model" in use:
                yield ("generation", i, "model"), use["model"], use_role(use)
        judge = doc.get(("validation", "judge"))
        if isinstance(judge, Mapping) and "model" in judge:
            yield ("validation", "judge", "model"), judge["model"], "judge"
    elif doc.kind == PIPELINE:
        base = doc.get(("primary_model", "base"))
        if base is not None:
            yield ("primary_model", "base"), base, "base"
        for i, stage in enumerate(_list(doc.data.get("stages"))):
            if isinstance(stage, Mapping) and "model" in stage:
                yield ("stages", i, "model"), stage["model"], f"stage {stage.get('id', i)}"


def resolve_path(doc: Document, rel: str) -> str:
    return os.path.normpath(os.path.join(doc.abs_dir, rel))


def _file_problem(info: FileInfo) -> str:
    """Why a named file cannot be checked: outside, missing, not a file, unreadable."""
    if info.error in (OUTSIDE_ROOT, INVALID_PATH):
        return (
            "points outside the repository; synthgov does not read it"
            if info.error == OUTSIDE_ROOT
            else f"is {INVALID_PATH}"
        )
    if not info.exists:
        return "does not exist"
    if not info.is_file:
        return "is not a regular file"
    return f"cannot be read: {info.error}"


class GeneratorUndeclared(Rule):
    id = "SG101"
    name = "generator-undeclared"
    synthetic_only = True
    kinds = frozenset({DATASET_CARD})
    doc = RuleDoc(
        summary="Synthetic data with no `generation` entry of role generator.",
        description=(
            "A synthetic dataset must say which model generated it. Add one `generation` entry "
            "per auxiliary model use, with `role: generator` for the model that wrote the rows "
            "(entries without a role count as generators)."
        ),
        bad="composition: {total_rows: 100, synthetic_rows: 100}\n# no generation section\n",
        good=(
            "composition: {total_rows: 100, synthetic_rows: 100}\ngeneration:\n"
            "  - {model: gpt-4o-2024-08-06, role: generator, rows: 100}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        if any(use_role(u) == "generator" for _, u in generation_uses(doc)):
            return
        has_section = "generation" in doc.data
        yield Issue(
            ("generation",) if has_section else (),
            "synthetic dataset declares no generator model"
            + (" (generation has no entry with role generator)" if has_section else ""),
            "add a generation entry: {model: <pinned id>, role: generator, rows: N}",
        )


class ModelUnpinned(Rule):
    id = "SG102"
    name = "model-unpinned"
    doc = RuleDoc(
        summary="A model id is a moving alias rather than a dated snapshot or pinned revision.",
        description=(
            "`gpt-4o` or `claude-3-5-sonnet-latest` point at different models over time, so the "
            "card cannot say which model made the data. Use a dated snapshot "
            "(`gpt-4o-2024-08-06`) or, for a Hugging Face repository id, add `revision`. The "
            "model registry says which ids are snapshots. Applies to generation uses, judges, "
            "stage models and `primary_model.base`, never to `primary_model.id`."
        ),
        bad="generation:\n  - {model: gpt-4o, role: generator}\n",
        good="generation:\n  - {model: gpt-4o-2024-08-06, role: generator}\n",
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for pointer, ref, what in model_references(doc):
            mid = model_ref_id(ref)
            if mid is None:
                continue
            info = ctx.models.resolve(ref)
            if info.pinned:
                continue
            if "/" in mid:
                hint = f"pin the repository: model: {{id: {mid}, revision: <commit sha>}}"
            else:
                alias = getattr(info, "alias_of", None)
                example = f" such as {alias}" if alias else ""
                hint = f"use a dated snapshot{example} instead of the moving alias"
            yield Issue(
                pointer,
                f"{what} model {mid} is not pinned ({info.pin_reason})",
                hint,
                value=mid,
            )


class ModelUnknown(Rule):
    id = "SG103"
    name = "model-unknown"
    severity = Severity.WARNING
    doc = RuleDoc(
        summary="A model matches no registry entry and gives no family.",
        description=(
            "Diversity rules need to know a model's family and lineage. An unknown model counts "
            "as its own lineage, so it can prove no conflict; `builtin:strict` makes this an "
            "error. Give `family` (and `provider`) in the reference, or add the model to the "
            "registry with `models:` in synthgov.yaml."
        ),
        bad="generation:\n  - {model: acme/house-model-7b, role: generator}\n",
        good=(
            "generation:\n  - model: {id: acme/house-model-7b, revision: 1a2b3c4, "
            "family: llama, provider: acme}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for pointer, ref, what in model_references(doc):
            mid = model_ref_id(ref)
            if mid is None:
                continue
            if ctx.models.resolve(ref).known:
                continue
            yield Issue(
                pointer,
                f"{what} model {mid} is not in the model registry and gives no family",
                "add family/provider to the model reference, or a models: entry in synthgov.yaml",
                value=mid,
            )


class PromptUntracked(Rule):
    id = "SG104"
    name = "prompt-untracked"
    synthetic_only = True
    kinds = frozenset({DATASET_CARD})
    doc = RuleDoc(
        summary="A generation use has no prompt, its file is missing, or its sha256 differs.",
        description=(
            "The prompt is half of what made the data. Keep it in the repository and record its "
            "path (relative to the card) and sha256, so a changed prompt cannot hide behind an "
            "unchanged card."
        ),
        bad="generation:\n  - {model: gpt-4o-2024-08-06, role: generator}\n",
        good=(
            "generation:\n  - model: gpt-4o-2024-08-06\n    role: generator\n"
            "    prompt: {path: prompts/intents.txt, sha256: 3f5a...}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for i, use in generation_uses(doc):
            if use_role(use) not in ("generator", "paraphraser"):
                continue
            prompt = use.get("prompt")
            if not isinstance(prompt, Mapping) or not isinstance(prompt.get("path"), str):
                yield Issue(
                    ("generation", i),
                    f"generation use #{i + 1} ({model_ref_id(use.get('model')) or 'no model'}) "
                    "records no prompt",
                    "add prompt: {path: <file next to the card>, sha256: <hex>}",
                )
                continue
            path = resolve_path(doc, prompt["path"])
            info = ctx.files.info(path)
            if not info.exists or not info.is_file or info.error:
                yield Issue(
                    ("generation", i, "prompt", "path"),
                    f"prompt file {prompt['path']} {_file_problem(info)}",
                    "commit the prompt file, or fix its path (relative to the card)",
                    value=prompt["path"],
                )
                continue
            expected = prompt.get("sha256")
            if isinstance(expected, str):
                digest = digest_of(ctx.files, path)
                actual = digest.sha256
                if actual is None:
                    yield Issue(
                        ("generation", i, "prompt", "sha256"),
                        f"prompt file {prompt['path']} could not be hashed: {digest.error}",
                        "make the prompt file a readable regular file (docs/limits.md)",
                        value=expected,
                    )
                elif actual != expected.lower():
                    yield Issue(
                        ("generation", i, "prompt", "sha256"),
                        f"prompt file {prompt['path']} has sha256 {actual}, the card says "
                        f"{expected}",
                        "update the card's sha256 if the prompt change is intended",
                        value=expected,
                    )


class SourceUndocumented(Rule):
    id = "SG105"
    name = "source-undocumented"
    synthetic_only = True
    kinds = frozenset({DATASET_CARD})
    doc = RuleDoc(
        summary="A source has no license, or personal data without consent or legal basis.",
        description=(
            "Seed and real data that generation drew on must carry its license; when it holds "
            "personal data (`personal_data: true`), a `consent` or `legal_basis` field must say "
            "why it may be used. Sources that name a card (`dataset:`) are documented by that "
            "card."
        ),
        bad="sources:\n  - {name: support-tickets, personal_data: true}\n",
        good=(
            "sources:\n  - {name: support-tickets, license: proprietary, personal_data: true,\n"
            "     legal_basis: contract}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for i, src in enumerate(_list(doc.data.get("sources"))):
            if not isinstance(src, Mapping) or "dataset" in src:
                continue
            label = src.get("name") or src.get("url") or f"#{i + 1}"
            if not src.get("license"):
                yield Issue(
                    ("sources", i),
                    f"source {label} has no license",
                    "add license: <spdx-like id> (or 'proprietary' with a description)",
                    value=label,
                )
            if src.get("personal_data") is True and not (
                src.get("consent") or src.get("legal_basis")
            ):
                yield Issue(
                    ("sources", i, "personal_data"),
                    f"source {label} holds personal data but records no consent or legal_basis",
                    "add consent: ... or legal_basis: ... (e.g. GDPR Art. 6(1)(b) contract)",
                    value=label,
                )


class OutputTermsConflict(Rule):
    id = "SG106"
    name = "output-terms-conflict"
    severity = Severity.WARNING
    synthetic_only = True
    kinds = frozenset({DATASET_CARD})
    doc = RuleDoc(
        summary="Training data from a generator whose terms restrict or condition that use.",
        description=(
            "Some providers' terms forbid using outputs to train competing models, or attach "
            "conditions (naming, attribution, licence pass-through). The message lists the "
            "conditions and the source of the terms from the model registry, with the date they "
            "were read. Not legal advice: it tells you whom to ask."
        ),
        bad="purpose: [training]\ngeneration:\n  - {model: gpt-4o-2024-08-06, role: generator}\n",
        good=(
            "purpose: [training]\ngeneration:\n"
            "  - {model: mistralai/Mixtral-8x7B-Instruct-v0.1, revision: 41bd4c9, "
            "role: generator}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        purpose = doc.data.get("purpose")
        purposes = [purpose] if isinstance(purpose, str) else _list(purpose)
        if "training" not in purposes:
            return
        for i, use in generation_uses(doc):
            if use_role(use) != "generator" or model_ref_id(use.get("model")) is None:
                continue
            info = ctx.models.resolve(use["model"])
            terms = info.terms
            if terms is None or terms.outputs_training not in ("restricted", "conditional"):
                continue
            yield Issue(
                ("generation", i, "model"),
                f"{info.id} outputs used for training are {terms.outputs_training} under "
                f"{terms.name}: {terms.conditions} (source: {terms.source}, read "
                f"{terms.read_on})",
                "check the terms with your legal team, or waive with the approval on record",
                value=info.id,
            )


class DataChecksumMismatch(Rule):
    id = "SG107"
    name = "data-checksum-mismatch"
    kinds = frozenset({DATASET_CARD})
    doc = RuleDoc(
        summary="A file's sha256 or size differs from the card.",
        description=(
            "The card describes specific bytes. When a data file changes, its sha256 and size "
            "must be updated with it, so reviewers see that the data changed. A Git LFS pointer "
            "is checked by the oid and size it records, without fetching the content (only an "
            "exact pointer is one). A file that cannot be hashed within the limits "
            "(docs/limits.md) is reported too: an unchecked checksum does not pass."
        ),
        bad="files:\n  - {path: data/train.jsonl, sha256: 0000...0000, size: 10}\n",
        good="files:\n  - {path: data/train.jsonl, sha256: <sha256sum output>, size: 48211}\n",
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for i, entry in enumerate(_list(doc.data.get("files"))):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("path"), str):
                continue
            path = resolve_path(doc, entry["path"])
            info = ctx.files.info(path)
            if not info.exists or not info.is_file or info.error:
                continue  # SG108
            want_sha, want_size = entry.get("sha256"), entry.get("size")
            if info.lfs_oid is not None:
                actual_sha, actual_size, how = info.lfs_oid, info.lfs_size, " (Git LFS pointer)"
            else:
                actual_sha, actual_size, how = None, info.size, ""
                if isinstance(want_sha, str):
                    digest = digest_of(ctx.files, path)
                    actual_sha = digest.sha256
                    if actual_sha is None:
                        yield Issue(
                            ("files", i, "sha256"),
                            f"{entry['path']} could not be hashed: {digest.error}",
                            "make the data file a readable regular file, or raise "
                            "limits.max_hash_bytes (docs/limits.md)",
                            value=want_sha,
                        )
            if isinstance(want_sha, str) and actual_sha and actual_sha != want_sha.lower():
                yield Issue(
                    ("files", i, "sha256"),
                    f"{entry['path']}{how} has sha256 {actual_sha}, the card says {want_sha}",
                    "if the data change is intended, update sha256 (and size, rows) in the card",
                    value=want_sha,
                )
            if isinstance(want_size, int) and actual_size is not None and actual_size != want_size:
                yield Issue(
                    ("files", i, "size"),
                    f"{entry['path']}{how} is {actual_size} bytes, the card says {want_size}",
                    "if the data change is intended, update size (and sha256, rows) in the card",
                    value=want_size,
                )


class DataFileMissing(Rule):
    id = "SG108"
    name = "data-file-missing"
    kinds = frozenset({DATASET_CARD})
    doc = RuleDoc(
        summary="A file named by the card does not exist, cannot be read, or is outside.",
        description=(
            "Paths in `files` are relative to the card. A missing file usually means a rename "
            "that the card did not follow, or data that was never committed. A path that "
            "leaves the repository (`..`, an absolute path, a symlink out) is reported and "
            "never read; so is a file that is not a regular file or cannot be read."
        ),
        bad="files:\n  - {path: data/trian.jsonl}\n",
        good="files:\n  - {path: data/train.jsonl}\n",
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for i, entry in enumerate(_list(doc.data.get("files"))):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("path"), str):
                continue
            info = ctx.files.info(resolve_path(doc, entry["path"]))
            if info.exists and info.is_file and not info.error:
                continue
            yield Issue(
                ("files", i, "path"),
                f"data file {entry['path']} {_file_problem(info)}",
                "fix the path (relative to the card) or commit the file",
                value=entry["path"],
            )


class GenerationParamsMissing(Rule):
    id = "SG109"
    name = "generation-params-missing"
    severity = Severity.WARNING
    synthetic_only = True
    kinds = frozenset({DATASET_CARD})
    doc = RuleDoc(
        summary="A generation use has no `parameters` or no `date`.",
        description=(
            "Sampling parameters (temperature, top_p, seed) and the date of the run are what "
            "make a generation reproducible and let SG305 compare validation dates with it."
        ),
        bad="generation:\n  - {model: gpt-4o-2024-08-06, role: generator}\n",
        good=(
            "generation:\n  - model: gpt-4o-2024-08-06\n    role: generator\n"
            "    parameters: {temperature: 0.9, seed: 7}\n    date: 2024-09-01\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for i, use in generation_uses(doc):
            missing = [k for k in ("parameters", "date") if not use.get(k)]
            if missing:
                label = model_ref_id(use.get("model")) or f"#{i + 1}"
                yield Issue(
                    ("generation", i),
                    f"generation use {label} has no {' and no '.join(missing)}",
                    "record parameters: {temperature, top_p, seed, ...} and date: YYYY-MM-DD",
                    value=missing,
                )


class SyntheticShareUndeclared(Rule):
    id = "SG110"
    name = "synthetic-share-undeclared"
    severity = Severity.WARNING
    synthetic_only = True
    kinds = frozenset({DATASET_CARD})
    doc = RuleDoc(
        summary="Synthetic data without `composition.synthetic_rows` or `synthetic_fraction`.",
        description=(
            "How much of a dataset is synthetic decides the required review sample (SG302) and "
            "the concentration check (SG205). Declare it in `composition`."
        ),
        bad="generation:\n  - {model: gpt-4o-2024-08-06, role: generator}\n",
        good="composition: {total_rows: 12000, synthetic_rows: 9600}\n",
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        comp = doc.data.get("composition")
        if isinstance(comp, Mapping) and ("synthetic_rows" in comp or "synthetic_fraction" in comp):
            return
        yield Issue(
            ("composition",) if isinstance(comp, Mapping) else (),
            "synthetic dataset does not declare its synthetic share",
            "add composition: {total_rows: N, synthetic_rows: M} (or synthetic_fraction)",
        )


RULES = [
    GeneratorUndeclared,
    ModelUnpinned,
    ModelUnknown,
    PromptUntracked,
    SourceUndocumented,
    OutputTermsConflict,
    DataChecksumMismatch,
    DataFileMissing,
    GenerationParamsMissing,
    SyntheticShareUndeclared,
]
