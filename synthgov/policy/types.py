"""The resolved policy of a run: what the engine and custom rules read (SPEC section 7).

Plain frozen data, below :mod:`synthgov.policy.resolve` (which reads and merges policy files), so
that :mod:`synthgov.policy.custom` and the engine layer need not import the policy loader
(issue 12: no import cycles; the engine does no I/O).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from synthgov.core.types import Severity


@dataclass(frozen=True, eq=False)  # compared by identity; no __eq__ or __hash__ to build
class RuleSetting:
    """A rule as the resolved policy runs it: on or off, severity, parameters."""

    enabled: bool
    severity: Severity
    params: Mapping[str, Any]
    references: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)  # compared by identity; no __eq__ or __hash__ to build
class CustomRuleSpec:
    """A declarative custom rule of a policy (require or expr)."""

    id: str
    title: str
    severity: Severity
    kind: str
    message: str
    hint: str = ""
    references: tuple[str, ...] = ()
    when: Mapping[str, Any] | None = None
    require: Mapping[str, Any] | None = None
    expr: str | None = None
    origin: str = ""  # "path:line" of the definition


@dataclass(frozen=True, eq=False)  # compared by identity; no __eq__ or __hash__ to build
class ResolvedPolicy:
    """The policy of a run, with every extends applied."""

    rules: Mapping[str, RuleSetting]
    settings: Mapping[str, Any] = field(default_factory=dict)
    custom: tuple[CustomRuleSpec, ...] = ()
    files: tuple[str, ...] = ()  # policy files that were read (for SG405)
    names: tuple[str, ...] = ()

    def setting_for(self, rule_id: str) -> RuleSetting | None:
        return self.rules.get(rule_id)
