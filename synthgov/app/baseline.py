"""Baselines (SPEC section 9): accept today's findings, report only new ones.

``synthgov baseline`` writes the active findings of a run to ``.synthgov-baseline.json``;
``check --baseline FILE`` drops every finding that the file lists. A finding is keyed by its
rule, its path (relative to the baseline file's folder, so the file works from any working
directory), its JSON pointer and a hash of the offending value -- never by line or column, so
editing an unrelated part of a card does not bring accepted findings back. Keys are counted:
a baseline with one SG002 at a pointer absorbs one such finding, not two.

The content key (:mod:`synthgov.engine.fingerprint`) also gives SARIF its
``partialFingerprints``.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from synthgov.core.errors import BaselineError
from synthgov.core.types import Finding
from synthgov.engine.fingerprint import Key, content_key

FORMAT_VERSION = 1
DEFAULT_NAME = ".synthgov-baseline.json"
MAX_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Baseline:
    """The findings a baseline file accepts, by content key."""

    path: str  # absolute path of the baseline file
    keys: Counter[Key]

    @property
    def folder(self) -> str:
        return os.path.dirname(self.path)


def _rel(finding_path: str, cwd: str, folder: str) -> str:
    absolute = os.path.normpath(os.path.join(cwd, finding_path))
    return os.path.relpath(absolute, folder).replace(os.sep, "/")


def render(findings: Iterable[Finding], *, cwd: str, target: str, version: str) -> str:
    """The baseline file's text for the active (not waived) findings."""
    folder = os.path.dirname(os.path.abspath(target))
    entries = []
    for f in findings:
        if f.waived:
            continue
        rule, path, pointer, vhash = content_key(f, _rel(f.path, cwd, folder))
        entries.append(
            {"rule": rule, "path": path, "pointer": pointer, "value": vhash, "message": f.message}
        )
    entries.sort(key=lambda e: (e["path"], e["rule"], e["pointer"], e["value"], e["message"]))
    payload = {
        "version": FORMAT_VERSION,
        "tool": {"name": "synthgov", "version": version},
        "comment": (
            "Accepted findings, keyed by rule, path, pointer and a hash of the offending value "
            "(never lines). `synthgov check --baseline FILE` reports only findings not listed."
        ),
        "findings": entries,
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def load(
    path: str, display: str | None = None, reader: Callable[[str], bytes | None] | None = None
) -> Baseline:
    """Read a baseline file; BaselineError (exit 2) when it is missing or malformed.

    ``reader`` reads it from elsewhere (a git ref, with ``--policy-from-ref``).
    """
    # start-up: the policy reader only when a baseline is read
    from synthgov.policy.resolve import default_reader

    label = display or path
    raw = (reader or default_reader)(path)
    if raw is None:
        raise BaselineError(label, None, "baseline file not found or not readable")
    if len(raw) >= MAX_BYTES:
        raise BaselineError(label, None, f"baseline is larger than {MAX_BYTES >> 20} MiB")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BaselineError(label, None, f"baseline is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise BaselineError(label, None, f"not a synthgov baseline (version {FORMAT_VERSION})")
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(label, None, "baseline has no findings list")
    keys: Counter[Key] = Counter()
    for i, entry in enumerate(entries):
        given = [entry.get(k) if isinstance(entry, dict) else None for k in _FIELDS]
        fields = [v for v in given if isinstance(v, str)]
        if len(fields) != len(_FIELDS):
            raise BaselineError(
                label, None, f"baseline entry {i} lacks rule, path, pointer or value"
            )
        keys[(fields[0], fields[1], fields[2], fields[3])] += 1
    return Baseline(os.path.abspath(path), keys)


_FIELDS = ("rule", "path", "pointer", "value")


def apply(findings: Sequence[Finding], baseline: Baseline, cwd: str) -> tuple[list[Finding], int]:
    """The findings not in the baseline, and how many were dropped as baselined.

    Waived findings are kept (they are listed as waived and never fail a run).
    """
    remaining = Counter(baseline.keys)
    kept: list[Finding] = []
    dropped = 0
    for f in findings:
        if not f.waived:
            key = content_key(f, _rel(f.path, cwd, baseline.folder))
            if remaining[key] > 0:
                remaining[key] -= 1
                dropped += 1
                continue
        kept.append(f)
    return kept, dropped


def default_output(root: str, configured: str | None) -> str:
    """Where ``synthgov baseline`` writes without ``--output``: the config's baseline
    (relative to the config's folder), else ``.synthgov-baseline.json``."""
    return os.path.join(root, configured) if configured else DEFAULT_NAME


@dataclass(frozen=True)
class BaselineText:
    """A baseline file to write: its text, where (None: stdout) and how many findings."""

    text: str
    target: str | None
    count: int


def for_findings(
    findings: Iterable[Finding], output: str, *, cwd: str, version: str
) -> BaselineText:
    """The baseline of the active findings, to be written to ``output`` (``-``: stdout;
    entry paths are then relative to the working directory)."""
    active = [f for f in findings if not f.waived]
    to_stdout = output == "-"
    target = os.path.abspath(DEFAULT_NAME if to_stdout else output)
    text = render(active, cwd=cwd, target=target, version=version)
    return BaselineText(text, None if to_stdout else target, len(active))
