"""The post phase: rules that judge the findings of the other rules (``phase = "post"``).

A post rule runs after the per-document rules, the custom rules and the loaders' file
problems have become findings. It receives those findings and a :class:`PostContext` and
returns a :class:`PostResult`: new issues, each placed in a document or at a file position,
and the findings it waives (by index). Waivers (SG403, SG404, SG407) and the changed policy
files of diff mode (SG405) are post rules.

Post rules see the findings made before the post phase, never each other's, so their order
does not matter. They run whether or not they are enabled or selected: what they waive must
not depend on whether their own findings are reported (``--select SG302`` or ``SG407: off``
must not revive waived findings); the engine drops the findings of a rule that is off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from synthgov.core.types import ORIGIN, Document, Issue, Position
from synthgov.engine.context import RuleContext


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class PostContext(RuleContext):
    """The rule context of a post rule: the run, the rule's parameters, and also the
    documents findings are reported on and the parameters of every rule of the policy."""

    #: the documents of the files reported on (every document of the run unless the run
    #: reports on some files only); ``documents`` stays the whole repository
    scope: Sequence[Document] = ()
    #: rule id -> its parameters (defaults merged with the policy's ``with:``)
    rule_params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def params_of(self, rule_id: str) -> Mapping[str, Any]:
        return self.rule_params.get(rule_id, {})


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class Placed:
    """A post rule's issue and where it is: in a document (located through its positions)
    or, for a file that holds no document (a policy file), at ``path`` and ``position``."""

    issue: Issue
    document: Document | None = None
    path: str = ""
    position: Position = ORIGIN

    @classmethod
    def in_document(cls, doc: Document, issue: Issue) -> Placed:
        return cls(issue, doc, doc.path, doc.position(issue.pointer))

    @classmethod
    def at_file(cls, path: str, issue: Issue, position: Position = ORIGIN) -> Placed:
        return cls(issue, None, path, position)


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class PostResult:
    """What a post rule returns: new issues, and the indices of the findings it waives."""

    issues: tuple[Placed, ...] = ()
    waived: frozenset[int] = frozenset()
