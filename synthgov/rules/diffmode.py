"""SG405-SG406: rules that only run in diff mode (``check --diff-base REF``, SPEC section 11).

Both read ``ctx.diff`` (:class:`synthgov.engine.context.DiffInfo`), which the runner fills from git.
SG406 is an ordinary per-card rule. SG405 is about policy and config files, which are not
documents: it is a post rule (:mod:`synthgov.engine.post`) that places one finding at the top
of each file of ``DiffInfo.policy_changed``, so the finding points at the file that changed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from synthgov.core.types import (
    DATASET_CARD,
    Document,
    Finding,
    Issue,
    Pointer,
    Rule,
    RuleDoc,
    Severity,
)
from synthgov.engine.context import DiffInfo, RuleContext
from synthgov.engine.post import Placed, PostContext, PostResult


def named_files(doc: Document) -> Iterator[tuple[Pointer, str]]:
    """Files a card names, as (pointer to the path value, absolute path).

    ``files[].path`` and ``generation[].prompt.path``, relative to the card's folder.
    """
    if doc.kind != DATASET_CARD or not doc.abs_dir:
        return
    files = doc.data.get("files")
    if isinstance(files, list):
        for i, entry in enumerate(files):
            if isinstance(entry, Mapping) and _is_rel(entry.get("path")):
                yield ("files", i, "path"), _resolve(doc, entry["path"])
    generation = doc.data.get("generation")
    if isinstance(generation, list):
        for i, use in enumerate(generation):
            prompt = use.get("prompt") if isinstance(use, Mapping) else None
            if isinstance(prompt, Mapping) and _is_rel(prompt.get("path")):
                yield ("generation", i, "prompt", "path"), _resolve(doc, prompt["path"])


def _is_rel(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and "://" not in value


def _resolve(doc: Document, rel: str) -> str:
    return os.path.normpath(os.path.join(doc.abs_dir, rel))


class PolicyChanged(Rule):
    id = "SG405"
    name = "policy-changed"
    # a policy change is part of the governance practices of Art. 10(2)
    references = ("EU AI Act Art. 10(2)",)
    severity = Severity.WARNING
    kinds = frozenset({"*"})
    diff_only = True
    phase = "post"  # about policy files, which are not documents
    doc = RuleDoc(
        summary="In diff mode, a policy or config file differs from the base ref.",
        applies="policy and config files (diff mode only: --diff-base)",
        description=(
            "A change that edits the policy (or synthgov.yaml) is judged by the policy it "
            "edits. The finding points at each policy or config file that differs from the "
            "merge base, so that reviewers look at it. In CI, run with `--policy-from-ref "
            "<base branch>` so that the pull request is checked against the policy it "
            "started from; the changed policy applies once it is merged."
        ),
        bad=(
            "# synthgov.yaml, changed in the pull request\n"
            "policies: [builtin:baseline, ./relaxed.yaml]   # relaxed.yaml: {SG302: off}\n"
        ),
        good=(
            "# policy changes go in their own reviewed pull request;\n"
            "# CI checks every pull request with:\n"
            "#   synthgov check --diff-base origin/main --policy-from-ref origin/main\n"
        ),
    )

    def evaluate_findings(self, findings: Sequence[Finding], ctx: PostContext) -> PostResult:
        """One finding at the top of each changed policy or config file (diff mode only)."""
        diff: DiffInfo | None = ctx.diff
        if diff is None:
            return PostResult()
        return PostResult(
            issues=tuple(
                Placed.at_file(
                    shown,
                    Issue(
                        (),
                        f"policy or config file {shown} differs from {diff.base}"
                        f"{_short(diff.merge_base)}: this change edits the policy that judges it",
                        "have the policy change reviewed on its own, and check pull requests "
                        f"with --policy-from-ref {diff.base}",
                    ),
                )
                for shown in diff.policy_changed
            )
        )


def _short(sha: str) -> str:
    return f" (merge base {sha[:12]})" if sha else ""


class CardStale(Rule):
    id = "SG406"
    name = "card-stale"
    # a changed data file whose card did not follow: an undocumented updating operation
    references = ("EU AI Act Art. 10(2)(c)",)
    kinds = frozenset({DATASET_CARD})
    diff_only = True
    doc = RuleDoc(
        summary="In diff mode, a file named by a card changed but the card did not.",
        applies="dataset cards and the files they name (diff mode only: --diff-base)",
        description=(
            "A data file (`files[].path`) or a generation prompt (`generation[].prompt.path`) "
            "changed since the merge base while the card that describes it was left as it "
            "was: its checksums, sizes, row counts, composition and validation describe the "
            "old data. Update the card in the same change, or revert the data change."
        ),
        bad=(
            "# data/train.jsonl gained 500 rows in this change; card.yaml did not change\n"
            "files:\n  - {path: data/train.jsonl, sha256: 813bc566..., rows: 12000}\n"
        ),
        good=(
            "# the same change updates the card\n"
            "files:\n  - {path: data/train.jsonl, sha256: 5be1a0c2..., rows: 12500}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        diff: DiffInfo | None = ctx.diff
        if diff is None or not doc.abs_dir:
            return
        if diff.is_changed(os.path.join(doc.abs_dir, os.path.basename(doc.path))):
            return  # the card changed too
        seen: set[str] = set()
        for pointer, path in named_files(doc):
            if path in seen or not diff.is_changed(path):
                continue
            seen.add(path)
            value = doc.get(pointer)
            kind = "prompt" if pointer[0] == "generation" else "data file"
            gone = "" if os.path.lexists(path) else " (it was deleted)"
            yield Issue(
                pointer,
                f"{kind} {value} changed since {diff.base}{gone} but card {doc.label} did not",
                (
                    "update the card in the same change: sha256, size and rows of the file, "
                    "and the composition and validation that describe its rows"
                    if kind == "data file"
                    else "update the prompt's sha256 and the generation entry that used it"
                ),
                value=value,
            )


RULES = [PolicyChanged, CardStale]
