"""Which loader reads a file that no sniff claimed: parse it, then ask the loaders.

A loader's ``sniff(path, head)`` looks at the first 4 KiB and is only a fast path: it may
accept a file early, but a byte pattern cannot rule a file out (a UTF-8 byte order mark and
a long comment push the marker past 4 KiB; ``apiVersion: &v synthgov/v1`` or the JSON
escape ``"synthgov\\/v1"`` spell it differently). So every YAML or JSON candidate that no
sniff claims is parsed with the safe loaders and offered to each loader's optional
``classify(path, data)``. A file that parses and that no loader claims is not a governed
document: that is decided by its content, not by its bytes. A file that cannot be parsed
cannot be ruled out: when its bytes mention synthgov or a supported format it is an SG001
finding (the run fails closed); otherwise it is a notice on stderr, so nothing is skipped
without a word (docs/decisions.md, "Detection").
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from synthgov.core.types import FileProblem
from synthgov.repo.parsing.limits import Limits, format_limit

YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json", ".jsonld")
STRUCTURED_SUFFIXES = (*YAML_SUFFIXES, *JSON_SUFFIXES)
#: words whose presence makes an unparseable file a finding rather than a notice (not
#: ``apiVersion``: every multi-document Kubernetes manifest has it)
_HINTS = (b"synthgov", b"croissant", b"distilabel", b"datadreamer")


@dataclass(frozen=True)
class Unread:
    """A file that no loader reads, and why. ``notice``: say so even when the file was not
    named on the command line (it could not be classified)."""

    reason: str
    notice: bool = False
    problem: FileProblem | None = None


def structured(path: str) -> bool:
    return path.lower().endswith(STRUCTURED_SUFFIXES)


def classify(path: str, raw: bytes, loaders: Sequence[Any], limits: Limits) -> int | Unread:
    """The index of the loader that claims the parsed content of ``raw``, or why none does."""
    is_json = path.lower().endswith(JSON_SUFFIXES)
    if is_json:
        from synthgov.repo.parsing.jsonpos import load_json

        parsed = load_json(raw, limits)
    else:
        from synthgov.repo.parsing.safeyaml import load_yaml

        parsed = load_yaml(raw, limits)
    if not parsed.ok:
        first = parsed.problems[0] if parsed.problems else None
        what = "JSON" if is_json else "YAML"
        detail = f"line {first.line}: {first.message}" if first else "parse error"
        if any(word in raw.lower() for word in _HINTS):
            problem = FileProblem(
                "SG001",
                f"not valid {what}, so synthgov cannot tell whether it is a governed document "
                f"({first.message if first else 'parse error'})",
                first.line if first else 1,
                first.column if first else 1,
                hint="fix the syntax, or exclude the file in synthgov.yaml (exclude:)",
            )
            return Unread(f"not valid {what} ({detail})", notice=True, problem=problem)
        return Unread(f"not valid {what} ({detail}), so it was not classified", notice=True)
    data = parsed.data
    for index, loader in enumerate(loaders):
        claim = getattr(loader, "classify", None)
        if claim is None:
            continue
        try:
            if claim(path, data):
                return index
        except Exception:  # noqa: BLE001 - a broken classifier claims nothing  # pragma: no cover
            continue
    return Unread(_why_not(path, data))


def too_big(size: int, limits: Limits) -> Unread:
    return Unread(
        f"larger than the {format_limit(limits.max_bytes)} limit, so it was not classified "
        "(raise limits.max_bytes, or exclude it)",
        notice=True,
    )


def not_read(path: str) -> str:
    """Why a file of a type no loader reads was not read."""
    if os.path.basename(path).lower() == "readme.md":
        return "a README.md without front matter (--- on its first line) is not a dataset card"
    suffix = os.path.splitext(path)[1]
    kind = f"{suffix} files" if suffix else "files without a suffix"
    return f"no loader reads {kind} (see docs/formats.md)"


def _why_not(path: str, data: Any) -> str:
    if not isinstance(data, Mapping):
        found = "empty" if data is None else type(data).__name__
        return f"not a governed document: its top level is {found}, not a mapping"
    if "@context" in data:
        return (
            "not a governed document: JSON-LD without the Croissant 1.x context "
            "(http://mlcommons.org/croissant/); Croissant before 1.0 is not read"
        )
    version = data.get("apiVersion")
    if version is not None:
        return f"not a governed document: apiVersion {str(version)[:60]!r} is not synthgov's"
    return "not a governed document: no apiVersion: synthgov/v1 and no supported format"
