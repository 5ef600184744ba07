"""ACME100: synthetic dataset cards must say what the data is for.

Custom rule ids must not start with ``SG`` (those are synthgov's). A rule is a subclass of
:class:`synthgov.core.types.Rule`: class attributes describe it, :meth:`check` yields issues
(a pointer into the document, a message and a hint); the engine adds severity, file, line and
column.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from synthgov.core.types import DATASET_CARD, Document, Issue, Rule, RuleDoc, Severity


class IntendedUseMissing(Rule):
    id = "ACME100"
    name = "intended-use-missing"
    severity = Severity.WARNING
    kinds = frozenset({DATASET_CARD})
    synthetic_only = True
    parameters = {
        "type": "object",
        "properties": {
            "min_length": {
                "type": "integer",
                "minimum": 1,
                "default": 20,
                "description": "Shortest acceptable intended_use text, in characters.",
            }
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary="A synthetic dataset card does not say what the data is for.",
        description=(
            "Acme's data policy asks every synthetic dataset to state its intended use in a "
            "sentence or more (`intended_use`), so reviewers can tell training data from "
            "evaluation and red-teaming sets. `min_length` sets the shortest acceptable text."
        ),
        bad="composition: {total_rows: 100, synthetic_rows: 100}\n# no intended_use\n",
        good=(
            "composition: {total_rows: 100, synthetic_rows: 100}\n"
            "intended_use: Fine-tuning the support bot's intent classifier.\n"
        ),
    )

    def check(self, doc: Document, ctx: Any) -> Iterator[Issue]:
        text = doc.data.get("intended_use")
        minimum = ctx.params.get("min_length", 20)
        if not isinstance(text, str) or not text.strip():
            yield Issue(
                (),
                f"synthetic dataset {doc.label} does not state its intended use",
                "add intended_use: <what the data is for, in a sentence>",
            )
        elif len(text.strip()) < minimum:
            yield Issue(
                ("intended_use",),
                f"intended_use is {len(text.strip())} characters, shorter than {minimum}",
                "describe the intended use in a full sentence",
                value=text,
            )
