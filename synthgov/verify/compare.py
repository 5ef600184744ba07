"""Claims vs measurements: each function turns what a card declares and what was measured
into :class:`Claim` records, verified, mismatch or unverified. Pure: no I/O."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from synthgov.core.types import Document, Pointer
from synthgov.verify.model import (
    MISMATCH,
    PII_DETECTORS,
    UNVERIFIED,
    VERIFIED,
    Claim,
    ColumnType,
    DatasetMeasure,
    FileResult,
)

Params = Mapping[str, Any]
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


def _num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 6) if whole else 0.0


def _where(pointer: tuple[Any, ...]) -> str:
    out = ""
    for p in pointer:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "the card"


def _claim(
    rule: str,
    doc: Document,
    pointer: tuple[Any, ...],
    what: str,
    declared: Any,
    measured: Any,
    tolerance: Any,
    outcome: str,
    message: str,
    hint: str = "",
) -> Claim:
    return Claim(
        rule,
        doc.id or doc.path,
        doc.path,
        pointer,
        what,
        declared,
        measured,
        tolerance,
        outcome,
        message,
        hint,
    )


def _unverified(
    rule: str,
    doc: Document,
    pointer: tuple[Any, ...],
    what: str,
    declared: Any,
    reason: str,
    hint: str = "make the data readable here (present, not an LFS pointer, a known format)",
) -> Claim:
    return _claim(
        rule,
        doc,
        pointer,
        what,
        declared,
        None,
        None,
        UNVERIFIED,
        f"{what}: declared {declared} ({_where(pointer)}) cannot be verified: {reason}",
        hint,
    )


def _file_reason(files: tuple[FileResult, ...]) -> str:
    for f in files:
        if f.unverified:
            return (
                f"{f.spec.shown} is {f.unverified}"
                if f.unverified.startswith("a ")
                else f"{f.spec.shown}: {f.unverified}"
            )
        if f.measure is not None and f.measure.error:
            return f"{f.spec.shown}: {f.measure.error}"
    return "no data file"


# ---------------------------------------------------------------------------- SG501 rows


def rows(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    tol = float(params.get("tolerance", 0.0))
    by_entry: dict[tuple[Any, ...], list[FileResult]] = defaultdict(list)
    for f in dm.files:
        by_entry[f.pointer].append(f)
    for pointer, group in sorted(by_entry.items(), key=lambda kv: str(kv[0])):
        declared = next((f.declared_rows for f in group if f.declared_rows is not None), None)
        if declared is None or not pointer:
            continue
        where: Pointer = ("files", pointer[1], "rows")
        what = f"rows of {group[0].spec.shown if len(group) == 1 else pointer_label(group)}"
        if not all(f.measure is not None and not f.measure.error for f in group):
            yield _unverified("SG501", doc, where, what, declared, _file_reason(tuple(group)))
            continue
        yield _compare_count(
            "SG501",
            doc,
            where,
            what,
            declared,
            sum(f.measure.rows for f in group if f.measure),
            tol,
        )
    total = doc.get(("composition", "total_rows"))
    if _num(total) and dm.files:
        what = "total rows"
        where = ("composition", "total_rows")
        if not dm.complete:
            yield _unverified("SG501", doc, where, what, total, _file_reason(dm.files))
        else:
            yield _compare_count("SG501", doc, where, what, total, dm.rows, tol)


def pointer_label(group: list[FileResult]) -> str:
    return f"{len(group)} shards ({group[0].spec.shown} ...)"


def _compare_count(
    rule: str,
    doc: Document,
    where: tuple[Any, ...],
    what: str,
    declared: Any,
    measured: int,
    tol: float,
) -> Claim:
    allowed = abs(declared) * tol
    ok = abs(measured - declared) <= allowed + 1e-9
    tol_text = f"tolerance {tol:g}" if tol else "exact"
    msg = (
        f"{what}: declared {declared} ({_where(where)}), measured {measured} "
        f"(difference {measured - declared:+d}; {tol_text})"
    )
    return _claim(
        rule,
        doc,
        where,
        what,
        declared,
        measured,
        tol,
        VERIFIED if ok else MISMATCH,
        msg,
        "correct the declared count, or find the rows that were lost or added",
    )


# ---------------------------------------------------------------------------- SG502 columns


def _columns(f: FileResult) -> tuple[ColumnType, ...]:
    """The measured columns of a file (none when it was not measured)."""
    return f.measure.columns if f.measure is not None else ()


def columns(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    features = doc.get(("features",))
    measured = [f for f in dm.files if f.measure is not None and not f.measure.error]
    if isinstance(features, Mapping) and features:
        if not dm.complete:
            yield _unverified(
                "SG502", doc, ("features",), "columns", sorted(features), _file_reason(dm.files)
            )
            return
        for name, declared in features.items():
            where = ("features", name)
            want = FEATURE_TYPES.get(str(declared).lower()) if isinstance(declared, str) else None
            seen = [(f, c) for f in measured for c in _columns(f) if c.column == name]
            if not seen:
                yield _claim(
                    "SG502",
                    doc,
                    where,
                    f"column {name}",
                    declared,
                    "absent",
                    None,
                    MISMATCH,
                    f"column {name}: declared {declared} ({_where(where)}), "
                    "measured: absent from every row",
                    "add the column to the data or remove it from features",
                )
                continue
            if want is None:
                yield _unverified(
                    "SG502",
                    doc,
                    where,
                    f"column {name}",
                    declared,
                    f"unknown feature type {declared!r}",
                )
                continue
            ok_types = {want, "null"} | ({"integer"} if want == "float" else set())
            bad = [(f, c) for f, c in seen if c.type not in ok_types]
            if bad:
                f, c = min(bad, key=lambda fc: (fc[0].spec.shown, fc[1].first_row))
                yield _claim(
                    "SG502",
                    doc,
                    where,
                    f"column {name}",
                    declared,
                    c.type,
                    None,
                    MISMATCH,
                    f"column {name}: declared {declared} ({_where(where)}), "
                    f"measured {c.type} in {sum(x.rows for _, x in bad)} row(s), first "
                    f"{f.spec.shown} row {c.first_row}",
                    "fix the rows or the declared type",
                )
            else:
                yield _claim(
                    "SG502",
                    doc,
                    where,
                    f"column {name}",
                    declared,
                    want,
                    None,
                    VERIFIED,
                    f"column {name}: declared {declared}, measured {want}",
                )
        if not params.get("allow_extra", True):
            extra = sorted({c.column for f in measured for c in _columns(f)} - set(features))
            for name in extra:
                yield _claim(
                    "SG502",
                    doc,
                    ("features",),
                    f"column {name}",
                    None,
                    "present",
                    None,
                    MISMATCH,
                    f"column {name} is in the data but not declared in features",
                    "declare it, or allow extra columns",
                )
        return
    # no declared features: a column holding values of several types is still a mismatch
    for f in measured:
        types: dict[str, list[Any]] = defaultdict(list)
        for c in _columns(f):
            if c.type != "null":
                types[c.column].append(c)
        for name, found in sorted(types.items()):
            kinds = {c.type for c in found}
            if len(kinds) > 1 and kinds != {"integer", "float"}:
                later = sorted(found, key=lambda c: c.first_row)[1:]
                first = later[0]
                yield _claim(
                    "SG502",
                    doc,
                    f.pointer,
                    f"column {name} of {f.spec.shown}",
                    None,
                    sorted(kinds),
                    None,
                    MISMATCH,
                    f"column {name} of {f.spec.shown} has mixed types "
                    f"({', '.join(sorted(kinds))}); {first.type} first at row "
                    f"{first.first_row}",
                    "declare the column in features and fix the rows",
                )


# ---------------------------------------------------------------------------- checks


def _check(doc: Document, name: str) -> tuple[tuple[Any, ...], Any] | None:
    checks = doc.get(("validation", "automated"))
    for i, check in enumerate(checks if isinstance(checks, list) else []):
        if isinstance(check, Mapping) and check.get("check") == name:
            return ("validation", "automated", i, "pass_rate"), check.get("pass_rate")
    return None


def _rate_claims(
    rule: str,
    doc: Document,
    dm: DatasetMeasure,
    what: str,
    bad: int | None,
    whole: int,
    check: str,
    params: Params,
    hint: str,
    detail: str = "",
) -> Iterator[Claim]:
    tol = float(params.get("tolerance", 0.0))
    max_rate = params.get("max_rate")
    declared = _check(doc, check)
    where = declared[0] if declared else ("files",) if doc.get(("files",)) else ()
    if bad is None or not dm.complete:
        reason = _file_reason(dm.files) if not dm.complete else "no text to measure"
        if declared and _num(declared[1]):
            yield _unverified(rule, doc, declared[0], what, f"pass rate {declared[1]}", reason)
        elif max_rate is not None and dm.files:
            yield _claim(
                rule,
                doc,
                where,
                what,
                float(max_rate),
                None,
                None,
                UNVERIFIED,
                f"{what}: the policy maximum {float(max_rate):g} cannot be checked: {reason}",
                "make the data readable here (present, not an LFS pointer, a known format)",
            )
        return
    rate = _rate(bad, whole)
    extra = f"; {detail}" if detail else ""
    if declared and _num(declared[1]):
        claimed = float(declared[1])
        ok = (1 - rate) >= claimed - tol - 1e-9
        yield _claim(
            rule,
            doc,
            declared[0],
            what,
            claimed,
            round(1 - rate, 6),
            tol,
            VERIFIED if ok else MISMATCH,
            f"{what}: declared pass rate {claimed:g} ({_where(declared[0])}), measured "
            f"{1 - rate:.4g} ({bad} of {whole} rows{extra}; tolerance {tol:g})",
            hint,
        )
    if max_rate is not None:
        ok = rate <= float(max_rate) + 1e-9
        yield _claim(
            rule,
            doc,
            where,
            what,
            float(max_rate),
            rate,
            0,
            VERIFIED if ok else MISMATCH,
            f"{what}: measured rate {rate:.4g} ({bad} of {whole} rows{extra}) is "
            f"{'within' if ok else 'above'} the policy maximum {float(max_rate):g}",
            hint,
        )


def duplicates(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    yield from _rate_claims(
        "SG503",
        doc,
        dm,
        "exact duplicates",
        dm.duplicate_rows,
        dm.text_rows,
        "dedup",
        params,
        "deduplicate on normalised text, or correct the declared dedup check",
    )


def near_duplicates(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    yield from _rate_claims(
        "SG504",
        doc,
        dm,
        "near duplicates",
        dm.near_duplicate_rows,
        dm.text_rows,
        "near_dedup",
        params,
        "run a near-duplicate filter (MinHash) before release",
    )


def pii(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    detectors = params.get("detectors") or list(PII_DETECTORS)
    total = 0
    found: list[str] = []
    for f in dm.files:
        if f.measure is None or f.measure.error:
            continue
        for det in detectors:
            n = f.measure.pii.get(det, 0)
            if n:
                found.append(
                    f"{det} in {n} row(s), first {f.spec.shown} row "
                    f"{f.measure.pii_first_row.get(det)}"
                )
        total += f.measure.pii_rows
    yield from _rate_claims(
        "SG508",
        doc,
        dm,
        "rows with personal data",
        total if dm.files else None,
        dm.text_rows,
        "pii",
        params,
        "remove or mask the personal data, or correct the declared pii check",
        "; ".join(found[:3]),
    )


# ---------------------------------------------------------------------------- SG505


def contamination(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    checks = doc.get(("validation", "contamination"))
    max_rate = float(params.get("max_rate", 0.0))
    tol = float(params.get("tolerance", 0.0))
    declared: tuple[Pointer, float] | None = None
    for i, check in enumerate(checks if isinstance(checks, list) else []):
        if isinstance(check, Mapping) and _num(check.get("overlap")):
            declared = (("validation", "contamination", i, "overlap"), float(check["overlap"]))
            break
    if not dm.contamination:
        if dm.paired_with:
            where: Pointer = declared[0] if declared is not None else ("purpose",)
            yield _unverified(
                "SG505",
                doc,
                where,
                f"contamination of {dm.dataset} by {', '.join(dm.paired_with)}",
                declared[1] if declared is not None else f"at most {max_rate:g}",
                "the evaluation set or a training set it is paired with was not measured in full",
            )
        return
    for _eval, (hit, whole, trains) in sorted(dm.contamination.items()):
        rate = _rate(hit, whole)
        what = f"contamination of {dm.dataset} by {', '.join(trains)}"
        if declared is not None:
            limit = declared[1] + tol
            where = declared[0]
            head = f"declared overlap {declared[1]:g} ({_where(where)})"
        else:
            limit = max_rate
            where = ("purpose",) if doc.get(("purpose",)) is not None else ()
            head = f"policy maximum {max_rate:g} (no declared contamination check)"
        ok = rate <= limit + 1e-9
        yield _claim(
            "SG505",
            doc,
            where,
            what,
            limit,
            rate,
            tol,
            VERIFIED if ok else MISMATCH,
            f"{what}: {head}, measured {rate:.4g} ({hit} of {whole} evaluation rows "
            f"share a {params.get('ngram', 13)}-gram or their normalised text with "
            "training data)",
            "remove the overlapping rows from the evaluation set",
        )


# ---------------------------------------------------------------------------- SG506


def synthetic_share(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    declared = doc.get(("composition", "synthetic_rows"))
    if not _num(declared) or not dm.files:
        return
    where = ("composition", "synthetic_rows")
    field = params.get("field", "generator")
    what = "synthetic rows"
    if not dm.complete:
        yield _unverified("SG506", doc, where, what, declared, _file_reason(dm.files))
        return
    present = sum(m.provenance_present for m in dm.measured)
    if present == 0:
        yield _unverified(
            "SG506",
            doc,
            where,
            what,
            declared,
            f"no row has the provenance field {field!r}",
            "write the generating model into each row, or set SG506's field parameter to the "
            "column that holds it",
        )
        return
    measured = sum(m.provenance_rows for m in dm.measured)
    tol = float(params.get("tolerance", 0.01))
    total = dm.rows
    ok = abs(measured - declared) <= tol * total + 1e-9
    yield _claim(
        "SG506",
        doc,
        where,
        what,
        declared,
        measured,
        tol,
        VERIFIED if ok else MISMATCH,
        f"{what}: declared {declared} ({_where(where)}), measured {measured} of {total} "
        f"rows with a generator in {field!r} ({present} rows have the field; tolerance "
        f"{tol:g} of rows)",
        "correct composition.synthetic_rows or the provenance column",
    )


# ---------------------------------------------------------------------------- SG507


def representation(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    attrs = doc.get(("representation", "attributes"))
    for i, attr in enumerate(attrs if isinstance(attrs, list) else []):
        if not isinstance(attr, Mapping) or not isinstance(attr.get("name"), str):
            continue
        name = attr["name"]
        key = "observed" if isinstance(attr.get("observed"), Mapping) else "target"
        shares = attr.get(key)
        if not isinstance(shares, Mapping) or not dm.files:
            continue
        tol: Any = (  # a JSON number, from the card or the policy
            attr.get("tolerance") if _num(attr.get("tolerance")) else params.get("tolerance", 0.05)
        )
        base = ("representation", "attributes", i, key)
        if not dm.complete:
            yield _unverified(
                "SG507", doc, base, f"{name} distribution", dict(shares), _file_reason(dm.files)
            )
            continue
        counts: dict[str, int] = defaultdict(int)
        for m in dm.measured:
            for value, n in m.distributions.get(name, {}).items():
                counts[value] += n
        total = sum(counts.values())
        if total == 0 or set(counts) == {""}:
            yield _unverified(
                "SG507",
                doc,
                base,
                f"{name} distribution",
                dict(shares),
                f"no row has the column {name!r}",
                f"add the column {name} to the rows, or remove the attribute",
            )
            continue
        for value, share in shares.items():
            if not _num(share):
                continue
            got = _rate(counts.get(str(value), 0), total)
            where = (*base, value)
            ok = abs(got - share) <= float(tol) + 1e-9
            yield _claim(
                "SG507",
                doc,
                where,
                f"share of {name}={value}",
                share,
                got,
                tol,
                VERIFIED if ok else MISMATCH,
                f"share of {name}={value}: declared {share:g} ({key}), measured {got:.4g} "
                f"({counts.get(str(value), 0)} of {total} rows; tolerance {float(tol):g})",
                f"correct representation {key} from the data",
            )


# ---------------------------------------------------------------------------- SG509


def readable(doc: Document, dm: DatasetMeasure, params: Params) -> Iterator[Claim]:
    for f in dm.files:
        m = f.measure
        if m is None:
            continue
        pointer = f.pointer or ()
        if m.error:
            yield _claim(
                "SG509",
                doc,
                pointer,
                f"{f.spec.shown} readable",
                "readable",
                m.error,
                None,
                MISMATCH,
                f"{f.spec.shown}: {m.error}",
                "fix or replace the file",
            )
        elif m.bad_rows:
            ex = ", ".join(f"row {b.row}: {b.reason}" for b in m.bad_examples[:3])
            yield _claim(
                "SG509",
                doc,
                pointer,
                f"{f.spec.shown} readable",
                "readable",
                m.bad_rows,
                None,
                MISMATCH,
                f"{f.spec.shown}: {m.bad_rows} unreadable row(s) ({ex})",
                "fix the rows; they are left out of every other measure",
            )
        else:
            yield _claim(
                "SG509",
                doc,
                pointer,
                f"{f.spec.shown} readable",
                "readable",
                0,
                None,
                VERIFIED,
                f"{f.spec.shown}: {m.rows} rows read",
            )


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


def file_claims(doc: Document, dm: DatasetMeasure) -> Iterator[Claim]:
    """SG500: files that could not be measured at all, when no other claim names them."""
    for f in dm.files:
        if f.unverified:
            yield _claim(
                "SG500",
                doc,
                f.pointer,
                f"{f.spec.shown}",
                "data file",
                None,
                None,
                UNVERIFIED,
                f"{f.spec.shown} cannot be measured: {f.unverified}",
                "make the file available to the verification job",
            )


def claims(doc: Document, dm: DatasetMeasure, params_by_rule: Mapping[str, Params]) -> list[Claim]:
    """Every claim of a card, for the rules that are on (``params_by_rule`` keys)."""
    out: list[Claim] = []
    for rule, fn in COMPARERS.items():
        if rule in params_by_rule:
            out.extend(fn(doc, dm, params_by_rule[rule]))
    out.extend(file_claims(doc, dm))
    return out
