"""The Acme dataset sheet: a small in-house YAML format, read as a synthgov DatasetCard.

An Acme sheet is a ``*.sheet.yaml`` file whose first key is ``acme_sheet: 1``::

    acme_sheet: 1
    dataset: support-faq-synth
    owner: nlp-data@acme.example
    license: cc-by-4.0
    generated_by: gpt-4o-2024-08-06
    use: Fine-tuning the support bot's answer ranker.

A loader has a ``name``, a cheap ``sniff(path, head)`` (``head`` is the first 4 KiB; do not
read the file) and ``load(path, raw, display_path, limits)`` returning a ``LoadResult``
whose documents keep positions into the original file, so findings point at its lines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from synthgov.core.types import FileProblem, LoadResult, Pointer, Position
from synthgov.repo.parsing.limits import Limits

_MARKER = re.compile(rb"^acme_sheet[ \t]*:[ \t]*1[ \t]*$", re.M)
# sheet key -> pointer in the native DatasetCard
FIELDS: dict[str, Pointer] = {
    "dataset": ("metadata", "id"),
    "owner": ("metadata", "owner"),
    "license": ("metadata", "license"),
    "use": ("intended_use",),
}


class DatasetSheetLoader:
    name = "acme-sheet"

    def sniff(self, path: str, head: bytes) -> bool:
        return path.endswith(".sheet.yaml") and _MARKER.search(head) is not None

    def load(self, path: str, raw: bytes, display_path: str, limits: Limits) -> LoadResult:
        from synthgov.loaders.native import to_document
        from synthgov.repo.parsing.safeyaml import load_yaml

        parsed = load_yaml(raw, limits)  # safe, with positions, duplicate keys as SG003
        if not parsed.ok:
            return LoadResult((), parsed.problems)
        sheet = parsed.data
        if not isinstance(sheet, Mapping):
            return LoadResult((), (FileProblem("SG001", "an Acme sheet must be a mapping"),))
        data: dict[str, Any] = {"apiVersion": "synthgov/v1", "kind": "DatasetCard"}
        positions: dict[Pointer, Position] = {(): parsed.positions.get((), Position(1, 1))}
        for key, pointer in FIELDS.items():
            if key in sheet:
                _put(data, pointer, sheet[key])
                positions[pointer] = parsed.positions[(key,)]
        if "generated_by" in sheet:
            data["generation"] = [{"model": sheet["generated_by"], "role": "generator"}]
            positions[("generation", 0, "model")] = parsed.positions[("generated_by",)]
            positions[("generation", 0)] = parsed.positions[("generated_by",)]
        return to_document(
            data,
            positions,
            path,
            display_path,
            tuple(parsed.problems),
            source_format=self.name,
            native=False,  # not a synthgov/v1 file: no native schema check (SG002)
        )


def _put(data: dict[str, Any], pointer: Pointer, value: Any) -> None:
    node = data
    for part in pointer[:-1]:
        node = node.setdefault(part, {})
    node[pointer[-1]] = value
