"""Shares of the data: SG505 contamination of an evaluation set by its training sets, SG506
the synthetic rows, SG507 the distribution of representation attributes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from synthgov.core.types import Document, Pointer
from synthgov.verify.compare.subject import Params, Subject, file_reason, is_number, rate, where
from synthgov.verify.model import Claim, DatasetMeasure

# ---------------------------------------------------------------------------- SG505


def _declared_overlap(doc: Document) -> tuple[Pointer, float] | None:
    checks = doc.get(("validation", "contamination"))
    for i, check in enumerate(checks if isinstance(checks, list) else []):
        if isinstance(check, Mapping) and is_number(check.get("overlap")):
            return ("validation", "contamination", i, "overlap"), float(check["overlap"])
    return None


def contamination(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    max_rate = float(params.get("max_rate", 0.0))
    tol = float(params.get("tolerance", 0.0))
    declared = _declared_overlap(doc)
    if not dm.contamination:
        if dm.paired_with:
            subject = Subject(
                "SG505",
                doc,
                declared[0] if declared is not None else ("purpose",),
                f"contamination of {dm.dataset} by {', '.join(dm.paired_with)}",
            )
            yield subject.unverified(
                declared[1] if declared is not None else f"at most {max_rate:g}",
                "the evaluation set or a training set it is paired with was not measured in full",
            )
        return
    for _eval, (hit, whole, trains) in sorted(dm.contamination.items()):
        measured = rate(hit, whole)
        if declared is not None:
            limit = declared[1] + tol
            at = declared[0]
            head = f"declared overlap {declared[1]:g} ({where(at)})"
        else:
            limit = max_rate
            at = ("purpose",) if doc.get(("purpose",)) is not None else ()
            head = f"policy maximum {max_rate:g} (no declared contamination check)"
        subject = Subject("SG505", doc, at, f"contamination of {dm.dataset} by {', '.join(trains)}")
        yield subject.judged(
            measured <= limit + 1e-9,
            limit,
            measured,
            tol,
            f"{subject.what}: {head}, measured {measured:.4g} ({hit} of {whole} evaluation rows "
            f"share a {params.get('ngram', 13)}-gram or their normalised text with "
            "training data)",
            "remove the overlapping rows from the evaluation set",
        )


# ---------------------------------------------------------------------------- SG506


def synthetic_share(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    declared = doc.get(("composition", "synthetic_rows"))
    if not is_number(declared) or not dm.files:
        return
    subject = Subject("SG506", doc, ("composition", "synthetic_rows"), "synthetic rows")
    field = params.get("field", "generator")
    if not dm.complete:
        yield subject.unverified(declared, file_reason(dm.files))
        return
    present = sum(m.provenance_present for m in dm.measured)
    if present == 0:
        yield subject.unverified(
            declared,
            f"no row has the provenance field {field!r}",
            "write the generating model into each row, or set SG506's field parameter to the "
            "column that holds it",
        )
        return
    measured = sum(m.provenance_rows for m in dm.measured)
    tol = float(params.get("tolerance", 0.01))
    total = dm.rows
    yield subject.judged(
        abs(measured - declared) <= tol * total + 1e-9,
        declared,
        measured,
        tol,
        f"{subject.what}: declared {declared} ({where(subject.pointer)}), measured {measured} "
        f"of {total} rows with a generator in {field!r} ({present} rows have the field; "
        f"tolerance {tol:g} of rows)",
        "correct composition.synthetic_rows or the provenance column",
    )


# ---------------------------------------------------------------------------- SG507


def representation(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    attrs = doc.get(("representation", "attributes"))
    for i, attr in enumerate(attrs if isinstance(attrs, list) else []):
        if not isinstance(attr, Mapping) or not isinstance(attr.get("name"), str):
            continue
        key = "observed" if isinstance(attr.get("observed"), Mapping) else "target"
        shares = attr.get(key)
        if not isinstance(shares, Mapping) or not dm.files:
            continue
        tol: Any = (  # a JSON number, from the card or the policy
            attr.get("tolerance")
            if is_number(attr.get("tolerance"))
            else params.get("tolerance", 0.05)
        )
        base = ("representation", "attributes", i, key)
        subject = Subject("SG507", doc, base, f"{attr['name']} distribution")
        yield from _distribution(subject, attr["name"], key, shares, dm, tol)


def _distribution(
    subject: Subject,
    name: str,
    key: str,
    shares: Mapping[str, Any],
    dm: DatasetMeasure,
    tol: Any,
) -> Iterator[Claim]:
    """The declared shares of one attribute (``key``: observed or target) against the
    values counted in the rows."""
    if not dm.complete:
        yield subject.unverified(dict(shares), file_reason(dm.files))
        return
    counts: dict[str, int] = defaultdict(int)
    for m in dm.measured:
        for value, n in m.distributions.get(name, {}).items():
            counts[value] += n
    total = sum(counts.values())
    if total == 0 or set(counts) == {""}:
        yield subject.unverified(
            dict(shares),
            f"no row has the column {name!r}",
            f"add the column {name} to the rows, or remove the attribute",
        )
        return
    for value, share in shares.items():
        if not is_number(share):
            continue
        got = rate(counts.get(str(value), 0), total)
        one = Subject(
            subject.rule, subject.doc, (*subject.pointer, value), f"share of {name}={value}"
        )
        yield one.judged(
            abs(got - share) <= float(tol) + 1e-9,
            share,
            got,
            tol,
            f"{one.what}: declared {share:g} ({key}), measured {got:.4g} "
            f"({counts.get(str(value), 0)} of {total} rows; tolerance {float(tol):g})",
            f"correct representation {key} from the data",
        )
