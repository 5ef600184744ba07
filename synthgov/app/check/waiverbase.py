"""Gate mode (diff mode or ``--policy-from-ref``): the waivers each document file held at
the commit the change is judged against, so that a waiver the change adds is recognised as
new (it applies only when the policy's approvers allow it)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from synthgov.app.check.loading import HEAD_BYTES, sniff
from synthgov.app.check.options import CheckOptions
from synthgov.core.types import Document
from synthgov.repo.parsing.limits import Limits

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.engine.context import DiffInfo, WaiverBase

#: (display path, document id) -> the canonical JSON of that document's waivers
Waivers = dict[tuple[str, str | None], frozenset[str]]


def waiver_base(
    options: CheckOptions,
    documents: Sequence[Document],
    loaders: Sequence[Any],
    limits: Limits,
    diff: DiffInfo | None,
) -> WaiverBase:
    """The waivers of every document file that has any, as they were at the merge base
    (diff mode) or at ``--policy-from-ref``. Only files with waivers are read from git."""
    from synthgov.engine.context import WaiverBase

    current = _waivers_now(documents)
    commit, label = _judged_against(options, diff)
    known: Waivers = {}
    with_waivers = sorted({path for path, _ in current})
    full = {os.path.normpath(os.path.join(options.cwd, p)): p for p in with_waivers}
    if diff is not None:  # a file the change did not touch holds the base's waivers
        for path, shown in list(full.items()):
            if not diff.is_changed(path):
                known.update((k, v) for k, v in current.items() if k[0] == shown)
                del full[path]
    if full:
        known.update(_waivers_at(options.cwd, commit, full, loaders, limits))
    return WaiverBase(label, known)


def _waiver_keys(doc: Document) -> frozenset[str] | None:
    from synthgov.engine.context import waiver_key

    waivers = doc.get(("governance", "waivers"))
    return frozenset(waiver_key(w) for w in waivers) if isinstance(waivers, list) else None


def _waivers_now(documents: Sequence[Document]) -> Waivers:
    current: Waivers = {}
    for doc in documents:
        keys = _waiver_keys(doc)
        if keys is not None:
            key = (doc.path, doc.id)
            current[key] = current.get(key, frozenset()) | keys
    return current


def _judged_against(options: CheckOptions, diff: DiffInfo | None) -> tuple[str, str]:
    """The commit the change is judged against, and its label for messages."""
    if diff is not None:
        return diff.merge_base, diff.base
    from synthgov.app.check.gitdiff import ref_files

    at_ref = ref_files(options.cwd, options.policy_from_ref or "")
    return at_ref.commit, options.policy_from_ref or ""


def _waivers_at(
    cwd: str, commit: str, full: Mapping[str, str], loaders: Sequence[Any], limits: Limits
) -> Waivers:
    """The waivers of the files ``full`` (absolute path -> display path) at ``commit``."""
    from synthgov.app.check.gitdiff import blobs_at

    known: Waivers = {}
    for path, raw in blobs_at(cwd, commit, sorted(full)).items():
        if raw is None:  # not a regular file at the base: every waiver in it is new
            continue
        shown = full[path]
        for doc in _documents_at(path, raw, shown, loaders, limits):
            keys = _waiver_keys(doc)
            if keys is not None:
                key = (shown, doc.id)
                known[key] = known.get(key, frozenset()) | keys
    return known


def _documents_at(
    path: str, raw: bytes, shown: str, loaders: Sequence[Any], limits: Limits
) -> Sequence[Document]:
    loader = next((ld for ld in loaders if sniff(ld, path, raw[:HEAD_BYTES])), None)
    if loader is None:
        return ()
    try:
        return tuple(loader.load(path, raw, shown, limits).documents)
    except Exception:  # noqa: BLE001 - unreadable at the base: nothing was there
        return ()
