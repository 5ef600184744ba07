"""SG101-SG111: provenance of synthetic data."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from typing import Any

from synthgov.core.fileinfo import INVALID_PATH, OUTSIDE_ROOT, FileInfo, digest_of
from synthgov.core.types import (
    DATASET_CARD,
    PIPELINE,
    Document,
    Issue,
    Pointer,
    Rule,
    RuleDoc,
    Severity,
)
from synthgov.engine.context import RuleContext
from synthgov.lineage.graph import is_synthetic, model_ref_id


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
    # Art. 10: data collection processes and the origin of data
    references = ("EU AI Act Art. 10(2)(b)",)
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
        from synthgov.lineage.roles import generators
        from synthgov.lineage.synthetic import synthetic_status
        from synthgov.repo.formats import generation_hint

        if any(use_role(u) == "generator" for _, u in generation_uses(doc)):
            return
        if doc.id and any(u.doc is not doc for u in generators(ctx.graph, doc.id)):
            return  # a pipeline that writes this dataset names the generator (distilabel)
        has_section = "generation" in doc.data
        hint = generation_hint(doc)
        named = synthetic_status(doc).models
        message = "synthetic dataset declares no generator model"
        if has_section:
            message += " (generation has no entry with role generator)"
        if named:
            message += (
                f"; its tags, keywords or prose name {', '.join(named)}, which this check "
                "takes as evidence of the generator but not as a declaration"
            )
            hint = hint.replace("<pinned id>", f"<pinned id of {named[0]}>")
        yield Issue(("generation",) if has_section else (), message, hint)


class ModelUnpinned(Rule):
    id = "SG102"
    name = "model-unpinned"
    # Art. 10: data collection processes and the origin of data
    references = ("EU AI Act Art. 10(2)(b)",)
    doc = RuleDoc(
        summary="A model id is a moving alias rather than a dated snapshot or pinned revision.",
        description=(
            "`gpt-4o` or `claude-3-5-sonnet-latest` point at different models over time, so the "
            "card cannot say which model made the data. Use a dated snapshot "
            "(`gpt-4o-2024-08-06`; the hint names the snapshot an alias points at) or, for a "
            "Hugging Face repository id, add `revision` with the full 40-hex commit sha (a "
            "branch, tag or abbreviated sha can move or be ambiguous). Routed ids get a hint "
            "for their route: a versioned Bedrock id (`-v1:0`), the deployed version of an "
            "Azure deployment, a dated OpenRouter slug; an OpenAI fine-tune (`ft:...`) is a "
            "fixed model. `synthgov models ID` shows how an id was read. Applies to generation "
            "uses, judges, stage models and `primary_model.base`, never to `primary_model.id`."
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
            hint = info.pin_hint or "use a dated snapshot instead of the moving alias"
            yield Issue(
                pointer,
                f"{what} model {mid} is not pinned ({info.pin_reason})",
                hint,
                value=mid,
            )


class ModelUnknown(Rule):
    id = "SG103"
    name = "model-unknown"
    # Art. 10: data collection processes and the origin of data
    references = ("EU AI Act Art. 10(2)(b)",)
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
    # Art. 10: the prompt is a design choice (a) and part of how the data was collected (b)
    references = ("EU AI Act Art. 10(2)(a)", "EU AI Act Art. 10(2)(b)")
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
    # Art. 10: for personal data, 10(2)(b) asks for the original purpose of the collection
    references = ("EU AI Act Art. 10(2)(b)",)
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


FEEDING_ROLES = frozenset({"generator", "paraphraser", "labeler"})
FEEDING_STAGES = frozenset({"generate", "label"})


def _rewrites(use: Mapping[str, Any]) -> bool:
    return use.get("rewrites") is True


def training_feeds(doc: Document) -> Iterator[tuple[Pointer, Any, str]]:
    """Every model use whose outputs become training data: (pointer, ref, what it is).

    Cards: generation uses of role generator, paraphraser or labeler, and filters that
    rewrite rows (``rewrites: true``), when the card's purpose includes training.
    Pipelines: generate and label stages (and rewriting filters) whose outputs a train stage
    reads; a feeding stage that names no outputs counts when the pipeline trains at all."""
    if doc.kind == DATASET_CARD:
        purpose = doc.data.get("purpose")
        purposes = [purpose] if isinstance(purpose, str) else _list(purpose)
        if "training" not in purposes or not is_synthetic(doc):
            return
        for i, use in generation_uses(doc):
            role = use_role(use)
            if role in FEEDING_ROLES or (role == "filter" and _rewrites(use)):
                if model_ref_id(use.get("model")) is not None:
                    yield ("generation", i, "model"), use["model"], role
        return
    stages = [(i, s) for i, s in enumerate(_list(doc.data.get("stages"))) if isinstance(s, Mapping)]
    trained = {
        str(x) for _, s in stages if s.get("type") == "train" for x in _list(s.get("inputs"))
    }
    trains = any(s.get("type") == "train" for _, s in stages)
    for i, stage in stages:
        kind = stage.get("type")
        if kind not in FEEDING_STAGES and not (kind == "filter" and _rewrites(stage)):
            continue
        if model_ref_id(stage.get("model")) is None:
            continue
        outputs = {str(x) for x in _list(stage.get("outputs"))}
        if (outputs and outputs & trained) or (not outputs and trains):
            yield ("stages", i, "model"), stage["model"], f"{kind} stage {stage.get('id', i)}"


class OutputTermsConflict(Rule):
    id = "SG106"
    name = "output-terms-conflict"
    # Art. 10: data collection processes and the origin of data
    references = ("EU AI Act Art. 10(2)(b)",)
    severity = Severity.WARNING
    kinds = frozenset({DATASET_CARD, PIPELINE})
    doc = RuleDoc(
        summary="Training data from a model whose terms restrict or condition that use.",
        description=(
            "Some providers' terms forbid using outputs to train (competing) models, or attach "
            "conditions (naming, attribution, licence pass-through). Every use that feeds "
            "training data is checked: on synthetic cards whose purpose includes training, "
            "generation uses of role generator, paraphraser or labeler and filters that "
            "rewrite rows (`rewrites: true`); in pipelines, generate and label stages (and "
            "rewriting filters) whose outputs a train stage reads. The message quotes the "
            "conditions from the model registry with their source, the date they were read and "
            "a confidence: `verified` (the primary text was read and the clause is quoted in "
            "the registry) or `reported` (a secondary source; read the primary text before "
            "relying on it). On some routes other terms apply (a Mistral model on Bedrock is "
            "governed by AWS's terms, not La Plateforme's). `synthgov models ID` shows the "
            "entry. Lifecycle is checked by SG111: the registry records the deprecation and "
            "retirement dates providers publish, and a use dated after retirement, or a pinned "
            "snapshot past it, is reported there. Not legal advice: it tells you whom to ask."
        ),
        bad="purpose: [training]\ngeneration:\n  - {model: gpt-4o-2024-08-06, role: generator}\n",
        good=(
            "purpose: [training]\ngeneration:\n"
            "  - model: {id: mistralai/Mixtral-8x7B-Instruct-v0.1,\n"
            "      revision: 41bd4c9cc4b8f18e6b07e0b4f0e0fc39883aa51c}\n"
            "    role: generator\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for pointer, ref, what in training_feeds(doc):
            info = ctx.models.resolve(ref)
            terms = info.terms
            if terms is None or terms.outputs_training not in ("restricted", "conditional"):
                continue
            confidence = terms.confidence or "unstated"
            yield Issue(
                pointer,
                f"{what} {info.id}: outputs used for training are {terms.outputs_training} "
                f"under {terms.name}: {terms.conditions} (source: {terms.source}, read "
                f"{terms.read_on}, {confidence})",
                "check the terms with your legal team, or waive with the approval on record",
                value=info.id,
            )


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _use_date(value: Any) -> str | None:
    text = str(value) if value is not None else ""
    return text[:10] if _ISO_DATE.match(text) else None


class ModelRetired(Rule):
    id = "SG111"
    name = "model-retired"
    # Art. 10: data collection processes and the origin of data
    references = ("EU AI Act Art. 10(2)(b)",)
    severity = Severity.WARNING
    kinds = frozenset({DATASET_CARD, PIPELINE})
    doc = RuleDoc(
        summary="A model used after its retirement date, or a pinned snapshot past retirement.",
        description=(
            "Providers retire model ids on published dates (the registry records "
            "`deprecated_on`, `retired_on` and the page they come from). A generation use dated "
            "after the model's retirement cannot be right: the date or the model id is wrong. "
            "A pinned snapshot that is retired (as of today, which `SYNTHGOV_TODAY` fixes) "
            "can no longer be called, so the data cannot be regenerated or extended with the "
            "same model: record that, or move to a live snapshot. A deprecated model with a "
            "retirement date still ahead is reported too, with that date."
        ),
        bad=("generation:\n  - {model: text-davinci-003, role: generator, date: 2024-03-01}\n"),
        good="generation:\n  - {model: gpt-4o-2024-08-06, role: generator, date: 2024-09-01}\n",
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        dates: dict[Pointer, str | None] = {}
        if doc.kind == DATASET_CARD:
            for i, use in generation_uses(doc):
                dates[("generation", i, "model")] = _use_date(use.get("date"))
        for pointer, ref, what in model_references(doc):
            mid = model_ref_id(ref)
            if mid is None:
                continue
            info = ctx.models.resolve(ref)
            retired, deprecated = info.retired_on, info.deprecated_on
            source = f" (source: {info.lifecycle_source})" if info.lifecycle_source else ""
            used_on = dates.get(pointer)
            if retired and used_on and used_on > retired:
                yield Issue(
                    pointer,
                    f"{what} model {mid} was retired on {retired}{source}, but this use is "
                    f"dated {used_on}",
                    "correct the use's date or the model id (which model really generated?)",
                    value=mid,
                )
            elif retired and retired <= ctx.today and info.pinned:
                yield Issue(
                    pointer,
                    f"{what} model {mid} was retired on {retired}{source}: the data cannot be "
                    "regenerated or extended with it",
                    "record this in the card (limitations) or regenerate with a live snapshot",
                    value=mid,
                )
            elif deprecated and deprecated <= ctx.today and (not retired or retired > ctx.today):
                when = f", retiring on {retired}" if retired else ""
                yield Issue(
                    pointer,
                    f"{what} model {mid} is deprecated since {deprecated}{when}{source}",
                    "plan the move to its replacement before the retirement date",
                    value=mid,
                )


class DataChecksumMismatch(Rule):
    id = "SG107"
    name = "data-checksum-mismatch"
    # Art. 10: data changed without the card following: an undocumented updating operation
    references = ("EU AI Act Art. 10(2)(c)",)
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
    # Art. 10: the data set the card describes is not available
    references = ("EU AI Act Art. 10(2)(e)",)
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
    # Art. 10: data collection processes and the origin of data
    references = ("EU AI Act Art. 10(2)(b)",)
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
    # Art. 10: how much of the data is synthetic: quantity and suitability of the data sets
    references = ("EU AI Act Art. 10(2)(e)",)
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
    ModelRetired,
]
