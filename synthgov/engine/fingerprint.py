"""Content keys of findings: rule, path, JSON pointer and a hash of the offending value,
never line numbers. Baselines (``synthgov.app.baseline``) match findings by them and SARIF
(``synthgov.reporters.sarif``) gives them as ``partialFingerprints``, so both live here,
below the two."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from synthgov.core.types import Finding

Key = tuple[str, str, str, str]  # rule, path, pointer, value hash


def value_hash(value: Any) -> str:
    """A stable hash of the offending value (canonical JSON), 16 hex digits."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def content_key(finding: Finding, path: str | None = None) -> Key:
    """The finding's key; ``path`` replaces its path (e.g. relative to a baseline file)."""
    return (
        finding.rule,
        finding.path if path is None else path,
        finding.pointer,
        value_hash(finding.value),
    )


def fingerprint(finding: Finding) -> str:
    """Content fingerprint of a finding: rule, path, pointer and value; no line numbers."""
    rule, path, pointer, vhash = content_key(finding)
    text = "\0".join((rule, path, pointer, vhash))
    # surrogateescape: a file name that is not UTF-8 is hashed by its own bytes
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def fingerprints(findings: Sequence[Finding]) -> list[tuple[str, int]]:
    """Each finding's fingerprint and its occurrence number among equal fingerprints (1-based).

    Findings arrive sorted by path, line, column, rule, so the numbering is deterministic.
    """
    seen: Counter[str] = Counter()
    out: list[tuple[str, int]] = []
    for finding in findings:
        fp = fingerprint(finding)
        seen[fp] += 1
        out.append((fp, seen[fp]))
    return out
