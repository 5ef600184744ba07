"""A :class:`~synthgov.core.types.LoadResult` as bytes and back, without its positions: how
parsed files travel from worker processes and sit in the parse cache.

Marshal for plain documents (fast, and it keeps strings interned: mapping keys and short
strings are interned first, so that 10,000 cards share one copy of each); pickle for
documents of other types (a plugin's).
"""

from __future__ import annotations

import marshal
import pickle
import sys
from dataclasses import fields, replace
from typing import Any

from synthgov.core.types import Document, FileProblem, LoadResult


def _strip(result: LoadResult) -> LoadResult:
    if not result.documents:
        return result
    docs = tuple(replace(d, positions={}) for d in result.documents)
    return LoadResult(docs, result.problems)


_DOCUMENT_FIELDS = ("path", "kind", "data", "positions", "source_format", "abs_dir", "native")
_PROBLEM_FIELDS = ("rule", "message", "line", "column", "pointer", "hint")
_INTERN_MAX = 64


def _interned(value: Any) -> Any:
    """``value`` with its mapping keys and short strings interned: marshal keeps interned
    strings interned, so every document of a run shares one copy of "generation", "role",
    "2026-03-01"... (about half the memory of a card's data)."""
    if type(value) is dict:
        return {(sys.intern(k) if type(k) is str else k): _interned(v) for k, v in value.items()}
    if type(value) is list:
        return [_interned(v) for v in value]
    if type(value) is str and len(value) <= _INTERN_MAX:
        return sys.intern(value)
    return value


def _plain_shapes() -> bool:
    return (
        tuple(f.name for f in fields(Document)) == _DOCUMENT_FIELDS
        and tuple(f.name for f in fields(FileProblem)) == _PROBLEM_FIELDS
    )


def encode(result: LoadResult) -> bytes | None:
    """A LoadResult without positions as bytes: marshal for the plain shapes (fast, and it
    keeps strings interned), pickle for documents of other types; None when neither can."""
    if (
        _plain_shapes()
        and all(type(d) is Document for d in result.documents)
        and all(type(p) is FileProblem for p in result.problems)
    ):
        docs = tuple(
            (d.path, d.kind, _interned(d.data), d.source_format, d.abs_dir, d.native)
            for d in result.documents
        )
        problems = tuple(
            (p.rule, p.message, p.line, p.column, tuple(p.pointer), p.hint) for p in result.problems
        )
        try:
            return b"M" + marshal.dumps((docs, problems))
        except ValueError:  # an object marshal cannot write: pickle below
            pass
    try:
        return b"P" + pickle.dumps(_strip(result), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - e.g. a plugin document holding a lock
        return None


def decode(blob: bytes | None) -> LoadResult | None:
    """The LoadResult of :func:`encode` (positions empty); None for a bad blob."""
    if not blob:
        return None
    try:
        if blob[:1] == b"M":
            docs, problems = marshal.loads(blob[1:])
            return LoadResult(
                tuple(
                    Document(path, kind, data, {}, source_format, abs_dir, native)
                    for path, kind, data, source_format, abs_dir, native in docs
                ),
                tuple(FileProblem(*p) for p in problems),
            )
        if blob[:1] == b"P":
            result = pickle.loads(blob[1:])
            return result if isinstance(result, LoadResult) else None
    except Exception:  # noqa: BLE001 - a bad entry is a miss
        return None
    return None
