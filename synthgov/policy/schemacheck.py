"""JSON Schema validation (draft 2020-12) with errors as pointers.

jsonschema-rs does the work: it validates about 100x faster than the pure-Python
``jsonschema`` (see docs/decisions.md). Nothing is fetched: schemas are self-contained
(``$defs``) and no remote ``$ref`` is resolved.

Importing jsonschema-rs costs about 25-30 ms, a tenth of a one-card pre-commit run, so a
:class:`Validator` made with ``compile_schema(schema, lazy=True)`` first tries the
pure-Python proof of :mod:`synthgov.policy.quickschema` and compiles with jsonschema-rs only when
that proof fails (there are errors to report, or the proof cannot tell) or after
``PROOF_BUDGET`` documents, when compiling pays for itself. Every error message comes from
jsonschema-rs either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from synthgov.core.lazyre import LazyRegex
from synthgov.core.types import Pointer

_QUOTED = LazyRegex(r"'((?:[^'\\]|\\.)*)'")
PROOF_BUDGET = 16
"""Documents one validator proves valid in pure Python before it compiles jsonschema-rs."""


@dataclass(frozen=True)
class SchemaError:
    """One JSON Schema error, at the pointer of the offending value."""

    pointer: Pointer
    message: str
    keyword: str


class SchemaInvalid(ValueError):
    """The schema itself is not a valid JSON Schema."""


class Validator:
    """A schema, compiled with jsonschema-rs now or on first need (``lazy``)."""

    __slots__ = ("schema", "_compiled", "_proofs_left", "_patterns")

    def __init__(self, schema: Mapping[str, Any], compiled: Any = None) -> None:
        self.schema = schema
        self._compiled = compiled
        self._proofs_left = PROOF_BUDGET if compiled is None else 0
        self._patterns: dict[str, Any] = {}

    def proves_valid(self, instance: Any) -> bool:
        """True when the pure-Python proof shows ``instance`` valid (no jsonschema-rs)."""
        if self._proofs_left <= 0:
            return False
        self._proofs_left -= 1
        from synthgov.policy.quickschema import prove_valid

        return prove_valid(self.schema, instance, self._patterns) is True

    @property
    def compiled(self) -> Any:
        if self._compiled is None:
            self._compiled = _compile(self.schema)
            self._proofs_left = 0
        return self._compiled


def compile_schema(schema: Mapping[str, Any], *, lazy: bool = False) -> Validator:
    """A validator for ``schema``; raises SchemaInvalid for a bad schema unless ``lazy``
    (only for schemas known to compile: the shipped ones, or ones compiled before)."""
    return Validator(dict(schema), None if lazy else _compile(schema))


def _compile(schema: Mapping[str, Any]) -> Any:
    import jsonschema_rs

    try:
        return jsonschema_rs.validator_for(dict(schema))
    except Exception as exc:  # noqa: BLE001 - jsonschema_rs raises several types
        raise SchemaInvalid(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None


def iter_schema_errors(validator: Validator, instance: Any) -> list[SchemaError]:
    """All errors, one per offending location; unexpected keys point at the key itself."""
    if validator.proves_valid(instance):
        return []
    out: list[SchemaError] = []
    try:
        errors = list(validator.compiled.iter_errors(instance))
    except (ValueError, TypeError, RecursionError) as exc:
        return [SchemaError((), f"could not validate: {exc}", "internal")]
    for err in errors:
        pointer: Pointer = tuple(err.instance_path)
        keyword = type(err.kind).__name__
        unexpected = getattr(err.kind, "unexpected", None)
        if keyword in ("AdditionalProperties", "UnevaluatedProperties") and unexpected:
            for key in unexpected:
                out.append(
                    SchemaError((*pointer, key), f"unknown key {key!r}", "additionalProperties")
                )
            continue
        out.append(SchemaError(pointer, _shorten(err.message), _keyword_name(keyword)))
    out.sort(key=lambda e: (tuple(str(p) for p in e.pointer), e.message))
    return out


def is_valid(validator: Validator, instance: Any) -> bool:
    if validator.proves_valid(instance):
        return True
    try:
        return bool(validator.compiled.is_valid(instance))
    except (ValueError, TypeError, RecursionError):
        return False


def _keyword_name(kind: str) -> str:
    return kind[:1].lower() + kind[1:]


def _shorten(message: str, limit: int = 300) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"
