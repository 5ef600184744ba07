"""Claims vs measurements: each comparer turns what a card declares and what was measured
into :class:`~synthgov.verify.model.Claim` records, verified, mismatch or unverified. Pure:
no I/O. One module per kind of claim: ``counts`` (rows), ``columns``, ``rates`` (duplicates,
near duplicates, personal data), ``shares`` (contamination, synthetic rows, representation),
``files`` (readable, not measurable); ``subject`` holds what they share."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from synthgov.core.types import Document
from synthgov.verify.compare.columns import FEATURE_TYPES, columns
from synthgov.verify.compare.counts import rows
from synthgov.verify.compare.files import file_claims, readable
from synthgov.verify.compare.rates import duplicates, near_duplicates, pii
from synthgov.verify.compare.shares import contamination, representation, synthetic_share
from synthgov.verify.compare.subject import Params
from synthgov.verify.model import Claim, DatasetMeasure

__all__ = ["COMPARERS", "FEATURE_TYPES", "Params", "claims", "file_claims"]

COMPARERS: dict[str, Callable[[Document, DatasetMeasure, Params], Iterator[Claim]]] = {
    "SG501": rows,
    "SG502": columns,
    "SG503": duplicates,
    "SG504": near_duplicates,
    "SG505": contamination,
    "SG506": synthetic_share,
    "SG507": representation,
    "SG508": pii,
    "SG509": readable,
}


def claims(doc: Document, dm: DatasetMeasure, params_by_rule: Mapping[str, Params]) -> list[Claim]:
    """Every claim of a card, for the rules that are on (``params_by_rule`` keys)."""
    out: list[Claim] = []
    for rule, fn in COMPARERS.items():
        if rule in params_by_rule:
            out.extend(fn(doc, dm, params_by_rule[rule]))
    out.extend(file_claims(doc, dm))
    return out
