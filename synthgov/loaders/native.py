"""The native loader: synthgov/v1 documents in YAML or JSON."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from synthgov.core.types import DOCUMENT_KINDS, Document, FileProblem, LoadResult
from synthgov.repo.parsing.limits import Limits

# YAML: a top-level key at the start of a line; JSON: the key anywhere in the head
_YAML_MARKER = re.compile(rb"""^["']?apiVersion["']?[ \t]*:[ \t]*["']?synthgov/v1""", re.M)
_JSON_MARKER = re.compile(rb'"apiVersion"\s*:\s*"synthgov/v1"')
YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)
NOT_DOCUMENTS = ("Policy",)


class NativeLoader:
    name = "native"
    suffixes = (*YAML_SUFFIXES, *JSON_SUFFIXES)  # the files discovery offers this loader

    def sniff(self, path: str, head: bytes) -> bool:
        if path.lower().endswith(YAML_SUFFIXES):
            return _YAML_MARKER.search(head) is not None
        return path.lower().endswith(JSON_SUFFIXES) and _JSON_MARKER.search(head) is not None

    def classify(self, path: str, data: Any) -> bool:
        """Claim parsed data whose ``apiVersion`` names synthgov (any version or spelling:
        ``synthgov/v2`` or ``SynthGov/v1`` is a document with a typo, reported by SG002)."""
        if not path.lower().endswith((*YAML_SUFFIXES, *JSON_SUFFIXES)) or not isinstance(
            data, Mapping
        ):
            return False
        version = data.get("apiVersion")
        return isinstance(version, str) and "synthgov" in version.lower()

    def load(self, path: str, raw: bytes, display_path: str, limits: Limits) -> LoadResult:
        if path.lower().endswith(JSON_SUFFIXES):
            from synthgov.repo.parsing.jsonpos import load_json

            parsed = load_json(raw, limits)
        else:
            from synthgov.repo.parsing.safeyaml import load_yaml

            parsed = load_yaml(raw, limits)
        problems = tuple(parsed.problems)
        if not parsed.ok:
            return LoadResult((), problems)
        return to_document(parsed.data, parsed.positions, path, display_path, problems)


def to_document(
    data: Any,
    positions: Mapping[Any, Any],
    path: str,
    display_path: str,
    problems: tuple[FileProblem, ...] = (),
    source_format: str = "native",
    native: bool = True,
) -> LoadResult:
    """Wrap parsed data as a Document, or explain why it is not one."""
    if not isinstance(data, Mapping):
        found = "empty" if data is None else type(data).__name__
        return LoadResult(
            (), (*problems, FileProblem("SG001", f"expected a mapping at the top, found {found}"))
        )
    kind = data.get("kind")
    if kind in NOT_DOCUMENTS:
        return LoadResult((), problems)
    if kind not in DOCUMENT_KINDS:
        # the schema rule (SG002) reports the bad kind at its line; keep it a document
        kind = "DatasetCard" if kind is None else str(kind)
    doc = Document(
        path=display_path,
        kind=str(kind),
        data=data,
        positions=positions,
        source_format=source_format,
        abs_dir=os.path.dirname(os.path.abspath(path)),
        native=native,
    )
    return LoadResult((doc,), problems)
