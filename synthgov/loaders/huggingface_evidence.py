"""Evidence that a Hugging Face card describes synthetic data (see
:mod:`synthgov.lineage.synthetic`), each piece at its line: the tag ``synthetic`` declares
it; ``machine-generated`` creators, tags naming an LLM or a generation tool,
``pretty_name`` or README text saying a model generated the data, and a distilabel
``pipeline.yaml`` beside the README make it suspected."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from synthgov.core.lazyre import LazyRegex
from synthgov.core.types import Pointer, Position
from synthgov.loaders.adapting import Mapped, as_strings

__all__ = ["map_evidence"]

MACHINE = "machine-generated"
SYNTHETIC_TAG = "synthetic"
CREATOR_KEYS = ("annotations_creators", "language_creators")
DISTILABEL_FILES = ("pipeline.yaml", "pipeline.yml")
_DISTILABEL_HEAD = LazyRegex(rb"^distilabel[ \t]*:", re.M)
PIPELINE_TAGS = frozenset({"distilabel", "datadreamer", "rlaif", "synthetic-data", "sdg"})


def map_evidence(
    fm: Mapping[str, Any],
    positions: Mapping[Pointer, Position],
    out: Mapped,
    path: str,
    body: tuple[str, int],
) -> None:
    """Why the card may be synthetic (:mod:`synthgov.lineage.synthetic`), each at its line."""
    from synthgov.lineage.synthetic import (
        DECLARED,
        SUSPECTED,
        evidence_entry,
        generated_by,
        llm_names,
    )

    found: list[tuple[dict[str, Any], Position | None]] = []
    for i, tag in as_strings(fm.get("tags")):
        at = positions.get(("tags",) if i is None else ("tags", i))
        low = tag.strip().lower()
        if low == SYNTHETIC_TAG:
            found.append((evidence_entry(DECLARED, "tag `synthetic`"), at))
        elif low in PIPELINE_TAGS:
            found.append(
                (evidence_entry(SUSPECTED, f"tag `{tag.strip()}` (a generation tool)"), at)
            )
        elif models := llm_names(tag):
            found.append((evidence_entry(SUSPECTED, f"tag `{tag.strip()}`", models), at))
    for key in CREATOR_KEYS:
        for i, value in as_strings(fm.get(key)):
            if value.strip().lower() == MACHINE:
                at = positions.get((key,) if i is None else (key, i))
                reason = f"{key}: {MACHINE} (pre-LLM tools say this too)"
                found.append((evidence_entry(SUSPECTED, reason), at))
                break
    name = fm.get("pretty_name")
    if isinstance(name, str) and (said := generated_by(name)) is not None:
        reason = f'pretty_name says "{said[1]}"'
        found.append((evidence_entry(SUSPECTED, reason, said[2]), positions.get(("pretty_name",))))
    text, first_line = body
    said = generated_by(text)
    if said is not None:
        line = first_line + text.count("\n", 0, said[0])
        column = said[0] - text.rfind("\n", 0, said[0])
        reason = f'the card text says "{said[1]}"'
        found.append((evidence_entry(SUSPECTED, reason, said[2]), Position(line, column)))
    if _distilabel_next_to(path):
        reason = "a distilabel pipeline.yaml beside the card"
        found.append((evidence_entry(SUSPECTED, reason), positions.get(())))
    if not found:
        return
    out.put(("x-synthetic",), [], found[0][1])
    for entry, at in found:
        out.append(("x-synthetic",), entry, at)


def _distilabel_next_to(path: str) -> bool:
    """Whether a distilabel ``pipeline.yaml`` sits in the card's folder."""
    for name in DISTILABEL_FILES:
        try:
            with open(os.path.join(os.path.dirname(path), name), "rb") as handle:
                head = handle.read(4096)
        except OSError:
            continue
        if _DISTILABEL_HEAD.search(head):
            return True
    return False
