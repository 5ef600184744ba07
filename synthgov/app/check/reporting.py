"""What a run reports besides its findings' evaluation: the report and its rule metadata,
the files no loader read (named on stderr), folders that could not be listed (SG001), and
findings accepted by a baseline."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from synthgov.app.check.classify import Unread
from synthgov.app.check.options import CheckOptions
from synthgov.core.types import Document, FileProblem, Finding
from synthgov.engine.report import Report, RuleMeta, summarize
from synthgov.plugins.manager import Registry
from synthgov.policy.config import CONFIG_NAMES
from synthgov.policy.resolve import ResolvedPolicy
from synthgov.repo.discovery import display_path


def unreadable_folders(found: Any, cwd: str) -> list[tuple[str, FileProblem]]:
    """An SG001 finding per folder that discovery could not list: cards in it are unseen."""
    return [
        (
            display_path(folder, cwd),
            FileProblem(
                "SG001",
                f"cannot read folder: {reason}; the documents in it were not checked",
                hint="make the folder readable, or exclude it in synthgov.yaml (exclude:)",
            ),
        )
        for folder, reason in found.unreadable
    ]


def unread_notes(
    unread: Sequence[tuple[str, Unread]], found: Any, documents: Sequence[Document], cwd: str
) -> list[str]:
    """One line per checked file that no loader reads and that must not vanish silently: a
    candidate that could not be classified, or a file named on the command line that is
    neither read nor named by a card (a data file or prompt)."""
    if not unread:
        return []
    selected = set(found.files)
    named: set[str] = set()
    if found.explicit:
        from synthgov.rules.diffmode import named_files

        named = {os.path.normpath(p) for doc in documents for _, p in named_files(doc)}
    notes = []
    for path, why in sorted(unread, key=lambda item: item[0]):
        if why.problem is not None or path not in selected:
            continue  # a finding says it, or only context
        if os.path.basename(path) in CONFIG_NAMES and not why.notice:
            continue  # the config: read as such, not as a document
        if why.notice or (path in found.explicit and os.path.normpath(path) not in named):
            notes.append(f"{display_path(path, cwd)} was not read: {why.reason}")
    return notes


#: how many excluded names the notice lists before "and N more"
EXCLUDED_SHOWN = 5


def excluded_notice(excluded: Sequence[str], cwd: str) -> tuple[str, ...]:
    """The line saying which named files ``--force-exclude`` left unchecked (ruff's
    semantics: they are not checked), so that none is dropped silently; () when none was."""
    if not excluded:
        return ()
    names = [display_path(path, cwd) for path in excluded]
    shown = ", ".join(names[:EXCLUDED_SHOWN])
    if len(names) > EXCLUDED_SHOWN:
        shown += f" and {len(names) - EXCLUDED_SHOWN} more"
    count = f"{len(names)} named file{'s' if len(names) != 1 else ''}"
    return (f"{count} not checked: excluded by the config's exclude (--force-exclude): {shown}",)


def apply_baseline(
    findings: Sequence[Finding], options: CheckOptions, files: Any
) -> tuple[list[Finding], int]:
    """Drop findings listed in the baseline; with --policy-from-ref it is read at the ref too.

    Otherwise it is read through the run's file access, so a result cache sees it as an input.
    """
    from synthgov.app import baseline as baselinefile

    path = os.path.abspath(os.path.join(options.cwd, options.baseline or ""))
    shown = display_path(path, options.cwd)

    def from_run(target: str) -> bytes | None:
        return files.read_bytes(target, baselinefile.MAX_BYTES)

    reader: Callable[[str], bytes | None] = from_run
    if options.policy_from_ref is not None:
        from synthgov.app.check.gitdiff import ref_files

        reader = ref_files(options.cwd, options.policy_from_ref).read
        shown = f"{shown} (at {options.policy_from_ref})"
    base = baselinefile.load(path, shown, reader=reader)
    return baselinefile.apply(findings, base, options.cwd)


def build_report(
    findings: Sequence[Finding],
    registry: Registry,
    policy: ResolvedPolicy,
    files: int,
    documents: int | Sequence[Document],
    color: bool,
    docs: Sequence[Any] | Callable[[], Sequence[Any]] = (),  # documents, or index.IdPath
    baselined: int = 0,
) -> Report:
    from synthgov import __version__

    metas = rule_metas(registry, policy)
    n_docs = documents if isinstance(documents, int) else len(documents)
    return Report(
        findings=tuple(findings),
        summary=summarize(findings, files, n_docs, baselined),
        version=__version__,
        rules=metas,
        color=color,
        policies=policy.names,
        documents=DocumentIndex(docs),
    )


class DocumentIndex(Mapping[str, str]):
    """The documents of a run by id, built when first read (only exact formats read it, to
    check file names): a commit-time run over 10,000 cards need not build 10,000 entries
    for a text report. Pickled as the plain mapping."""

    def __init__(self, docs: Sequence[Any] | Callable[[], Sequence[Any]]) -> None:
        self._docs = docs
        self._built: dict[str, str] | None = None

    def _all(self) -> dict[str, str]:
        if self._built is None:
            docs = self._docs() if callable(self._docs) else self._docs
            self._built = {d.id: d.path for d in docs if d.id}
        return self._built

    def __getitem__(self, key: str) -> str:
        return self._all()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (self._all(),))


def rule_metas(registry: Registry, policy: ResolvedPolicy) -> dict[str, RuleMeta]:
    metas = {
        rule.id: RuleMeta(
            id=rule.id,
            name=rule.name,
            summary=rule.doc.summary,
            description=rule.doc.description or rule.doc.summary,
            default_severity=rule.severity,
            help=rule.doc.description,
            plugin=getattr(rule, "plugin", "synthgov"),
        )
        for rule in registry.rules.values()
    }
    for spec in policy.custom:
        metas[spec.id] = RuleMeta(
            id=spec.id,
            name=spec.title,
            summary=spec.title,
            description=spec.message,
            default_severity=spec.severity,
            help=spec.hint or spec.message,
            plugin=f"policy {spec.origin}",
        )
    return metas
