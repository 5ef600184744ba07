"""SG104, SG107, SG108: provenance through the files a card names - prompts and data files
exist, lie inside the repository and match their recorded sha256."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from synthgov.core.fileinfo import INVALID_PATH, OUTSIDE_ROOT, FileInfo, digest_of
from synthgov.core.types import (
    DATASET_CARD,
    Document,
    Issue,
    Rule,
    RuleDoc,
)
from synthgov.engine.context import RuleContext
from synthgov.lineage.graph import model_ref_id
from synthgov.rules.provenance import (
    as_list,
    generation_uses,
    resolve_path,
    use_role,
)


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
        for i, entry in enumerate(as_list(doc.data.get("files"))):
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
            "never read; so is a file that is not a regular file or cannot be read. A folder "
            "holding `_delta_log/` is a Delta table: its files are the log's (`synthgov "
            "verify`, docs/verify.md)."
        ),
        bad="files:\n  - {path: data/trian.jsonl}\n",
        good="files:\n  - {path: data/train.jsonl}\n",
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for i, entry in enumerate(as_list(doc.data.get("files"))):
            if not isinstance(entry, Mapping) or not isinstance(entry.get("path"), str):
                continue
            path = resolve_path(doc, entry["path"])
            info = ctx.files.info(path)
            if info.exists and not info.error and (info.is_file or _delta_table(ctx, path)):
                continue
            yield Issue(
                ("files", i, "path"),
                f"data file {entry['path']} {_file_problem(info)}",
                "fix the path (relative to the card) or commit the file",
                value=entry["path"],
            )


def _delta_table(ctx: RuleContext, path: str) -> bool:
    """A folder holding a Delta table's log (inside the roots, like the folder itself)."""
    from synthgov.verify.delta_log import is_delta

    return is_delta(path, {}, ctx.files)


RULES = [PromptUntracked, DataChecksumMismatch, DataFileMissing]
