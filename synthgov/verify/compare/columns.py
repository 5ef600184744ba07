"""SG502: declared features (column names and types) against the columns measured, and
columns of mixed types when a card declares none."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from synthgov.core.types import Document
from synthgov.verify.compare.subject import Params, Subject, file_reason, where
from synthgov.verify.model import Claim, ColumnType, DatasetMeasure, FileResult

FEATURE_TYPES = {
    "string": "string",
    "str": "string",
    "large_string": "string",
    "text": "string",
    "integer": "integer",
    "int": "integer",
    "int8": "integer",
    "int16": "integer",
    "int32": "integer",
    "int64": "integer",
    "uint8": "integer",
    "uint16": "integer",
    "uint32": "integer",
    "uint64": "integer",
    "float": "float",
    "float16": "float",
    "float32": "float",
    "float64": "float",
    "double": "float",
    "number": "float",
    "boolean": "boolean",
    "bool": "boolean",
    "list": "list",
    "sequence": "list",
    "array": "list",
    "object": "object",
    "struct": "object",
    "dict": "object",
}


def _columns(f: FileResult) -> tuple[ColumnType, ...]:
    """The measured columns of a file (none when it was not measured)."""
    return f.measure.columns if f.measure is not None else ()


def columns(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    features = doc.get(("features",))
    measured = [f for f in dm.files if f.measure is not None and not f.measure.error]
    if isinstance(features, Mapping) and features:
        yield from _declared(doc, dm, features, measured, params)
        return
    # no declared features: a column holding values of several types is still a mismatch
    for f in measured:
        yield from _mixed_types(doc, f)


def _declared(
    doc: Document,
    dm: DatasetMeasure,
    features: Mapping[str, Any],
    measured: Sequence[FileResult],
    params: Params,
) -> Iterator[Claim]:
    if not dm.complete:
        subject = Subject("SG502", doc, ("features",), "columns")
        yield subject.unverified(sorted(features), file_reason(dm.files))
        return
    for name, declared in features.items():
        subject = Subject("SG502", doc, ("features", name), f"column {name}")
        yield _column(subject, name, declared, measured)
    if not params.get("allow_extra", True):
        extra = sorted({c.column for f in measured for c in _columns(f)} - set(features))
        for name in extra:
            yield Subject("SG502", doc, ("features",), f"column {name}").mismatch(
                None,
                "present",
                f"column {name} is in the data but not declared in features",
                "declare it, or allow extra columns",
            )


def _column(subject: Subject, name: str, declared: Any, measured: Sequence[FileResult]) -> Claim:
    """One declared column: absent, of an unknown declared type, of another type in some
    rows, or as declared."""
    head = f"{subject.what}: declared {declared}"
    want = FEATURE_TYPES.get(str(declared).lower()) if isinstance(declared, str) else None
    seen = [(f, c) for f in measured for c in _columns(f) if c.column == name]
    if not seen:
        return subject.mismatch(
            declared,
            "absent",
            f"{head} ({where(subject.pointer)}), measured: absent from every row",
            "add the column to the data or remove it from features",
        )
    if want is None:
        return subject.unverified(declared, f"unknown feature type {declared!r}")
    ok_types = {want, "null"} | ({"integer"} if want == "float" else set())
    bad = [(f, c) for f, c in seen if c.type not in ok_types]
    if not bad:
        return subject.judged(True, declared, want, None, f"{head}, measured {want}")
    f, c = min(bad, key=lambda fc: (fc[0].spec.shown, fc[1].first_row))
    return subject.mismatch(
        declared,
        c.type,
        f"{head} ({where(subject.pointer)}), measured {c.type} in "
        f"{sum(x.rows for _, x in bad)} row(s), first {f.spec.shown} row {c.first_row}",
        "fix the rows or the declared type",
    )


def _mixed_types(doc: Document, f: FileResult) -> Iterator[Claim]:
    types: dict[str, list[Any]] = defaultdict(list)
    for c in _columns(f):
        if c.type != "null":
            types[c.column].append(c)
    for name, found in sorted(types.items()):
        kinds = {c.type for c in found}
        if len(kinds) > 1 and kinds != {"integer", "float"}:
            first = sorted(found, key=lambda c: c.first_row)[1:][0]
            subject = Subject("SG502", doc, f.pointer, f"column {name} of {f.spec.shown}")
            yield subject.mismatch(
                None,
                sorted(kinds),
                f"{subject.what} has mixed types ({', '.join(sorted(kinds))}); {first.type} "
                f"first at row {first.first_row}",
                "declare the column in features and fix the rows",
            )
