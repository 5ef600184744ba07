"""The model registry's data: terms, families, entries, and a model reference resolved.

Plain frozen data below :mod:`.loading` (which builds them from ``models.yaml``, config and
plugins) and :mod:`.registry` (which looks ids up), so that a reader of a resolved model
needs neither.
"""

from __future__ import annotations

from dataclasses import dataclass

from synthgov.models.patterns import LazyPattern

OUTPUTS_TRAINING = ("allowed", "conditional", "restricted")
CONFIDENCE = ("verified", "reported")
COMPARE_MODES = ("lineage", "provider")
UNKNOWN_PROVIDER = "unknown"
UNKNOWN_FAMILY_PREFIX = "unknown:"


@dataclass(frozen=True)
class Terms:
    """Whether a provider's terms let its outputs train other models, with the source."""

    id: str
    name: str
    outputs_training: str  # allowed | conditional | restricted
    conditions: str
    source: str  # URL or repository path of the text read
    read_on: str  # YYYY-MM-DD: when that text was read
    confidence: str = ""  # verified (primary text read) | reported (secondary source)
    note: str = ""  # for verified terms: the clause, quoted briefly; else what was not read


@dataclass(frozen=True)
class Family:
    """A model family: its provider and the families it derives from."""

    id: str
    provider: str
    description: str = ""
    derived_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelEntry:
    """A registry entry: the ids it matches and what they resolve to."""

    patterns: tuple[LazyPattern, ...]
    provider: str
    family: str
    derived_from: tuple[str, ...] = ()
    pinned: bool | None = None  # None: decided from the id (date suffix)
    terms: str | None = None
    source: str = "builtin"
    alias_of: str | None = None  # the snapshot a moving alias points at (as of read_on)
    note: str = ""
    deprecated_on: str | None = None  # YYYY-MM-DD, as the provider publishes it
    retired_on: str | None = None  # YYYY-MM-DD: the id stops working
    lifecycle_source: str = ""  # URL of the provider's deprecation page

    def matches(self, normalized: str) -> bool:
        return any(p.search(normalized) for p in self.patterns)


@dataclass(frozen=True)
class ModelInfo:
    """A model reference resolved against the registry."""

    id: str  # as written
    normalized: str
    known: bool
    provider: str  # "unknown" when neither the registry nor the reference says
    family: str  # "unknown:<normalized id>" for unknown models (their own lineage)
    lineage: frozenset[str]
    pinned: bool
    pin_reason: str
    terms: Terms | None
    revision: str | None = None
    providers: frozenset[str] = frozenset()  # providers of every family in the lineage
    entry_source: str | None = None  # "builtin", "config", ...; None when no entry matched
    alias_of: str | None = None  # the snapshot a moving alias points at
    pin_hint: str = ""  # how to pin it, when it is not pinned
    route: str | None = None  # service the id was routed through (bedrock, azure, ...)
    fine_tune_of: str | None = None  # OpenAI fine-tunes: the base model id
    deprecated_on: str | None = None
    retired_on: str | None = None
    lifecycle_source: str = ""
