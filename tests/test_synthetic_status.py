"""Whether a card is synthetic (``lineage/synthetic.py``), in memory: what declares it, what
dismisses it, and which evidence comes first."""

from __future__ import annotations

from typing import Any

import pytest

from synthgov.core.types import DATASET_CARD, Document
from synthgov.lineage.synthetic import DECLARED, NONE, SUSPECTED, synthetic_status


def card(source_format: str = "native", **data: Any) -> Document:
    return Document("card.yaml", DATASET_CARD, data, source_format=source_format)


SUSPICION = {
    "x-synthetic": [{"status": SUSPECTED, "reason": "tag names GPT-4", "models": ["GPT-4"]}]
}


@pytest.mark.parametrize(
    ("doc", "status", "pointers"),
    [
        (card(), NONE, []),
        (card(synthetic=True), DECLARED, [("synthetic",)]),
        (card(composition={"synthetic_rows": 5}), DECLARED, [("composition", "synthetic_rows")]),
        (
            card(composition={"synthetic_fraction": 0.5}),
            DECLARED,
            [("composition", "synthetic_fraction")],
        ),
        # a native generation entry declares it, whatever its role
        (card(generation=[{"model": "m", "role": "judge"}]), DECLARED, [("generation", 0)]),
        # an adapted one only when it made rows (generator, the default, or paraphraser)
        (
            card("huggingface", generation=[{"role": "judge"}, {"model": "m"}]),
            DECLARED,
            [("generation", 1)],
        ),
        (card("huggingface", generation=[{"model": "m", "role": "filter"}]), NONE, []),
        (card(generation={"model": "m"}), DECLARED, [("generation",)]),
        (card(generation=[]), NONE, []),
        (card(**{"x-synthetic-hint": True}), DECLARED, [("x-synthetic-hint",)]),
        (card(**SUSPICION), SUSPECTED, [("x-synthetic", 0)]),
        # evidence in order: explicit, composition, generation, legacy hint, recorded
        (
            card(
                synthetic=True,
                composition={"synthetic_rows": 1},
                generation=[{"model": "m"}],
                **{"x-synthetic-hint": 1},
                **SUSPICION,
            ),
            DECLARED,
            [
                ("synthetic",),
                ("composition", "synthetic_rows"),
                ("generation", 0),
                ("x-synthetic-hint",),
                ("x-synthetic", 0),
            ],
        ),
    ],
)
def test_status_and_evidence(doc: Document, status: str, pointers: list[tuple[Any, ...]]) -> None:
    found = synthetic_status(doc)
    assert found.status == status and not found.dismissed
    assert [e.pointer for e in found.evidence] == pointers


@pytest.mark.parametrize(
    "doc",
    [
        card(synthetic=False, generation=[{"model": "m"}], **SUSPICION),
        card(composition={"synthetic_rows": 0}, generation=[{"model": "m"}], **SUSPICION),
        card(composition={"synthetic_fraction": 0, "synthetic_rows": None}, **SUSPICION),
    ],
)
def test_synthetic_false_or_no_synthetic_rows_dismisses_everything(doc: Document) -> None:
    found = synthetic_status(doc)
    assert found.status == NONE and found.dismissed
    # the recorded evidence is kept, for the finding that says it was dismissed
    assert [e.pointer for e in found.evidence] == [("x-synthetic", 0)]


def test_synthetic_true_overrides_a_composition_without_synthetic_rows() -> None:
    found = synthetic_status(card(synthetic=True, composition={"synthetic_rows": 0}))
    assert found.status == DECLARED and not found.dismissed
    assert [e.pointer for e in found.evidence] == [("synthetic",)]


def test_the_models_the_evidence_names() -> None:
    assert synthetic_status(card(**SUSPICION)).models == ("GPT-4",)
