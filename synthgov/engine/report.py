"""The result of a run, as reporters see it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from synthgov.core.types import Finding, Severity


@dataclass(frozen=True, eq=False)  # compared by identity; no __eq__ or __hash__ to build
class RuleMeta:
    """What reporters need to know about a rule (SARIF rules, Markdown references)."""

    id: str
    name: str
    summary: str
    description: str
    default_severity: Severity
    help: str = ""
    plugin: str = "synthgov"


@dataclass(frozen=True, eq=False)  # compared by identity; no __eq__ or __hash__ to build
class Summary:
    """The counts of a run, as the JSON summary gives them."""

    files: int
    documents: int
    errors: int
    warnings: int
    infos: int
    waived: int
    baselined: int = 0

    def to_json(self) -> dict[str, int]:
        out = {
            "files": self.files,
            "documents": self.documents,
            "errors": self.errors,
            "warnings": self.warnings,
            "infos": self.infos,
            "waived": self.waived,
        }
        if self.baselined:
            out["baselined"] = self.baselined
        return out


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class Report:
    """What a run found, in the form every reporter renders."""

    findings: tuple[Finding, ...]
    summary: Summary
    version: str
    rules: Mapping[str, RuleMeta] = field(default_factory=dict)
    color: bool = False
    policies: tuple[str, ...] = ()
    #: documents of the run by id (exact formats check that every file name is UTF-8)
    documents: Mapping[str, str] = field(default_factory=dict)
    #: builds the lineage graph on demand (Markdown embeds it as Mermaid)
    graph: Callable[[], Any] | None = field(default=None, compare=False)
    notes: tuple[str, ...] = ()
    quiet: bool = False  # text: findings only, no summary line
    #: the lowest severity that fails the run (JUnit: only those findings are failures)
    fail_on: Severity = Severity.ERROR

    #: data verification claims (synthgov.verify.model.Claim), when data was verified
    verification: tuple[Any, ...] | None = None

    def verification_json(self) -> dict[str, Any] | None:
        """Counts and claims of data verification, for machine-readable reporters."""
        counts = self.verification_counts()
        if counts is None:
            return None
        return {"counts": counts, "claims": [c.to_json() for c in self.verification or ()]}

    def verification_line(self) -> str | None:
        counts = self.verification_counts()
        if counts is None:
            return None
        return (
            f"data verification: {counts['verified']} verified, {counts['mismatch']} mismatch, "
            f"{counts['unverified']} unverified claim(s)"
        )

    def verification_counts(self) -> dict[str, int] | None:
        if self.verification is None:
            return None
        out = {"verified": 0, "mismatch": 0, "unverified": 0}
        for claim in self.verification:
            out[claim.outcome] += 1
        return out

    #: context for the HTML audit report (synthgov.reporters.html.inputs.AuditInputs),
    #: attached by the CLI after the run; never cached
    audit: Any = field(default=None, compare=False)


def summarize(
    findings: Sequence[Finding], files: int, documents: int, baselined: int = 0
) -> Summary:
    active = [f for f in findings if not f.waived]
    return Summary(
        files=files,
        documents=documents,
        errors=sum(1 for f in active if f.severity == Severity.ERROR),
        warnings=sum(1 for f in active if f.severity == Severity.WARNING),
        infos=sum(1 for f in active if f.severity == Severity.INFO),
        waived=sum(1 for f in findings if f.waived),
        baselined=baselined,
    )


def exit_code(findings: Sequence[Finding], fail_on: Severity) -> int:
    return 1 if any(not f.waived and f.severity >= fail_on for f in findings) else 0
