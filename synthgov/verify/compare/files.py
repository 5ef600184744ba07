"""Claims about the data files themselves: SG509 readable, SG500 not measurable at all."""

from __future__ import annotations

from collections.abc import Iterator

from synthgov.core.types import Document
from synthgov.verify.compare.subject import Params, Subject
from synthgov.verify.model import UNVERIFIED, Claim, DatasetMeasure


def readable(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    for f in dm.files:
        m = f.measure
        if m is None:
            continue
        subject = Subject("SG509", doc, f.pointer or (), f"{f.spec.shown} readable")
        if m.error:
            yield subject.mismatch(
                "readable", m.error, f"{f.spec.shown}: {m.error}", "fix or replace the file"
            )
        elif m.bad_rows:
            ex = ", ".join(f"row {b.row}: {b.reason}" for b in m.bad_examples[:3])
            yield subject.mismatch(
                "readable",
                m.bad_rows,
                f"{f.spec.shown}: {m.bad_rows} unreadable row(s) ({ex})",
                "fix the rows; they are left out of every other measure",
            )
        else:
            yield subject.judged(True, "readable", 0, None, f"{f.spec.shown}: {m.rows} rows read")


def file_claims(doc: Document, dm: DatasetMeasure) -> Iterator[Claim]:
    """SG500: files that could not be measured at all, when no other claim names them."""
    for f in dm.files:
        if f.unverified:
            yield Subject("SG500", doc, f.pointer, f"{f.spec.shown}").claim(
                "data file",
                None,
                None,
                UNVERIFIED,
                f"{f.spec.shown} cannot be measured: {f.unverified}",
                "make the file available to the verification job",
            )
