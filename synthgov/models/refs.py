"""Model references as cards write them (a string id, or ``{id, revision, provider,
family}``): their fields, and a memo of the answers given about them."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any, Generic, TypeVar

_T = TypeVar("_T")


def ref_fields(ref: str | Mapping[str, Any]) -> tuple[str, str | None, str | None, str | None]:
    """(id, revision, provider, family) of a model reference (SPEC 3.1)."""
    if isinstance(ref, str):
        return ref, None, None, None
    if not isinstance(ref, Mapping):
        raise TypeError(f"a model reference is a string or a mapping, not {type(ref).__name__}")

    def text(key: str) -> str | None:
        value = ref.get(key)
        return None if value is None or str(value).strip() == "" else str(value).strip()

    return text("id") or "", text("revision"), text("provider"), text("family")


def ref_key(ref: str | Mapping[str, Any]) -> Hashable:
    """A hashable key: equal for references with the same fields."""
    if isinstance(ref, str):
        return ref
    return ("\0ref", *ref_fields(ref))


class RefMemo(Generic[_T]):
    """Answers per reference, at most ``limit`` (then it starts again).

    A mapping reference is found by identity first: a card's own dict, asked about by
    several rules, costs no key building. The reference is kept with its answer, so its id
    cannot be reused by another object while the entry exists.
    """

    __slots__ = ("_by_key", "_by_object", "_limit")

    def __init__(self, limit: int) -> None:
        self._by_key: dict[Hashable, _T] = {}
        self._by_object: dict[int, tuple[Mapping[str, Any], _T]] = {}
        self._limit = limit

    def get(self, ref: str | Mapping[str, Any]) -> _T | None:
        if type(ref) is str:
            return self._by_key.get(ref)
        seen = self._by_object.get(id(ref))
        if seen is not None and seen[0] is ref:
            return seen[1]
        answer = self._by_key.get(ref_key(ref))
        if answer is not None and isinstance(ref, Mapping):
            self._remember(ref, answer)
        return answer

    def put(self, ref: str | Mapping[str, Any], answer: _T) -> None:
        if len(self._by_key) >= self._limit:
            self._by_key.clear()
            self._by_object.clear()
        self._by_key[ref_key(ref)] = answer
        if type(ref) is not str and isinstance(ref, Mapping):
            self._remember(ref, answer)

    def _remember(self, ref: Mapping[str, Any], answer: _T) -> None:
        if len(self._by_object) >= self._limit:
            self._by_object.clear()
        self._by_object[id(ref)] = (ref, answer)
