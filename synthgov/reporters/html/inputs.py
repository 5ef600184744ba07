"""What the HTML audit report needs beyond a :class:`synthgov.engine.report.Report`.

The CLI gathers these (:mod:`synthgov.app.audit` does the I/O: the git commit, the policy files'
digests, the eu-ai-act pack's references) and attaches them to the report; the reporter
itself reads nothing. Every field has an empty default, so a report without them still
renders (a plugin calling the reporter with a bare ``Report`` gets the findings, the counts
and, when the report carries it, the lineage graph).

Data verification (issue 16) plugs in through :class:`MeasuredValue`: whatever verifies
the data files against their cards hands its results over as ``verification`` and the
"declared vs measured" part of each dataset shows them. Nothing else has to change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from synthgov.core.types import Document


@dataclass(frozen=True)
class MeasuredValue:
    """One value a card declares, next to what was measured in its data."""

    dataset: str  # the card's metadata.id
    field: str  # what was compared, e.g. "files[0].rows" or "composition.synthetic_rows"
    declared: str
    measured: str
    ok: bool
    path: str = ""  # file the measurement read (display path), when there is one
    note: str = ""  # how it was measured (tool, sample), shown as is
    #: verified, mismatch or unverified ("" reads ``ok``: verified or mismatch)
    outcome: str = ""


@dataclass(frozen=True)
class ModelFacts:
    """What the model registry says about a model reference."""

    lineage: str  # e.g. "mistral" ("" when unknown)
    provider: str
    known: bool
    pinned: bool
    terms: str  # e.g. "Mistral AI terms: outputs may train (allowed)"; "" when unknown


@dataclass(frozen=True)
class PolicySource:
    """A policy of the run: a built-in or plugin pack, or a file with its digest."""

    name: str
    version: str  # a pack: the version of what ships it; a file: "sha256:<first 12>"
    origin: str  # "builtin", "plugin" or "file"


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__
class AuditInputs:
    """Context of a run for the audit report; gathered by :func:`synthgov.app.audit.gather`."""

    documents: tuple[Document, ...] = ()
    commit: str = ""  # the git commit checked ("" when not in a git work tree)
    dirty: bool = False  # the work tree had uncommitted changes
    timestamp: str = ""  # only from an explicit option: same input, same bytes
    repo_url: str = ""  # base URL (or a template with {commit} {path} {line}) of the source
    path_prefix: str = ""  # the working directory relative to the repository root
    policies: tuple[PolicySource, ...] = ()
    #: rule id -> the references the eu-ai-act pack gives it (Article 10 paragraphs)
    regulation: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: a model reference (an id or {id, revision}) -> what the registry says; None: unknown
    describe_model: Callable[[Any], ModelFacts | None] | None = None
    #: the review settings of the policy (confidence, margin, expected_proportion)
    review: Mapping[str, Any] = field(default_factory=dict)
    #: data verification results (issue 16), when the data was verified
    verification: tuple[MeasuredValue, ...] = ()
    title: str = ""
