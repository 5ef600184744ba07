"""The report's governance sections: every waiver with the status the run gave it, and the
findings by the paragraph of EU AI Act Article 10 that evidences them."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from synthgov.core.types import DATASET_CARD, Document, Finding
from synthgov.reporters.html.records import FindingView, RegulationGroup, WaiverView
from synthgov.reporters.html.values import anchor, items, mapping, text

EU_PREFIX = "EU AI Act "


def waivers(documents: Sequence[Document], findings: Sequence[Finding]) -> tuple[WaiverView, ...]:
    """Every waiver of every document, with the status the run gave it: invalid (SG403),
    expired (SG404), unused (SG407) or active; the three rules point at the waiver."""
    from synthgov.engine.waivers import waiver_problems

    verdict = {"SG403": "invalid", "SG404": "expired", "SG407": "unused"}
    marked: dict[tuple[str, str], str] = {}
    for f in findings:
        if f.rule in verdict and f.pointer.startswith("/governance/waivers/"):
            index = f.pointer.split("/")[3]
            marked.setdefault((f.path, index), verdict[f.rule])
    out: list[WaiverView] = []
    for doc in sorted(documents, key=lambda d: (d.path, d.label)):
        for i, raw in enumerate(items(doc.get(("governance", "waivers")))):
            waiver = mapping(raw)
            pointer = ("governance", "waivers", i)
            status = marked.get((doc.path, str(i)))
            if status is None:  # the waiver rules did not run: judge the waiver by itself
                status = "invalid" if waiver_problems(raw, 10**6) else "active"
            out.append(
                WaiverView(
                    document=doc.label,
                    anchor=anchor("ds" if doc.kind == DATASET_CARD else "pl", doc.label),
                    path=doc.path,
                    line=doc.position(pointer).line,
                    rule=text(waiver.get("rule")),
                    reason=text(waiver.get("reason")),
                    expires=text(waiver.get("expires")),
                    status=status,
                )
            )
    return tuple(out)


def regulation(
    views: Sequence[FindingView], mapping: Mapping[str, tuple[str, ...]]
) -> tuple[tuple[RegulationGroup, ...], tuple[FindingView, ...]]:
    """Findings by Article 10 paragraph: the eu-ai-act pack's references for each rule, plus
    the references findings carry themselves (custom rules). Every paragraph the pack names
    is listed, with no findings when none were found."""
    rules_of: dict[str, set[str]] = defaultdict(set)
    for rule, refs in mapping.items():
        for ref in refs:
            rules_of[ref].add(rule)
    grouped: dict[str, list[FindingView]] = defaultdict(list)
    unreferenced: list[FindingView] = []
    for view in views:
        view_refs = set(mapping.get(view.finding.rule, ())) | {
            r for r in view.finding.references if r.startswith(EU_PREFIX)
        }
        if not view_refs:
            unreferenced.append(view)
        for ref in view_refs:
            grouped[ref].append(view)
            rules_of[ref].add(view.finding.rule)
    groups = tuple(
        RegulationGroup(ref, tuple(sorted(rules_of[ref])), tuple(grouped.get(ref, ())))
        for ref in sorted(rules_of, key=_reference_key)
    )
    return groups, tuple(unreferenced)


def _reference_key(ref: str) -> tuple[Any, ...]:
    """Art. 10(2) before 10(2)(a) before 10(3): numbers as numbers."""
    parts = re.findall(r"\d+|[a-z]+", ref.removeprefix(EU_PREFIX))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)
