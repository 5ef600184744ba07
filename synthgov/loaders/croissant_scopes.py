"""Where PROV terms may sit in a Croissant file: the dataset, its distributions, its record
sets and their (sub)fields and annotations; and the index of every ``@id`` in the file."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from synthgov.core.types import Pointer
from synthgov.loaders.adapting import as_strings
from synthgov.loaders.croissant_terms import first_of, listed, term, term_keys

__all__ = ["agents_index", "field_provenance", "scopes"]


def agents_index(data: Any) -> dict[str, tuple[Pointer, Mapping[str, Any]]]:
    """Every mapping with an ``@id`` anywhere in the file (to resolve agent references)."""
    index: dict[str, tuple[Pointer, Mapping[str, Any]]] = {}
    stack: list[tuple[Pointer, Any]] = [((), data)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, Mapping):
            ident = node.get("@id")
            if isinstance(ident, str) and len(node) > 1:
                index.setdefault(ident, (pointer, node))
            stack.extend(((*pointer, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*pointer, i), v) for i, v in enumerate(node))
    return index


def scopes(data: Mapping[str, Any]) -> Iterator[tuple[Pointer, Mapping[str, Any]]]:
    """The dataset, its distributions, record sets and their (sub)fields and annotations:
    everywhere PROV terms may sit."""
    yield (), data
    names = term_keys(data)
    stack: list[tuple[Pointer, Mapping[str, Any]]] = []
    for section in ("distribution", "recordSet"):
        key = names.get(section)
        if key is None:
            continue
        for pointer, item in listed(data[key], (key,)):
            if isinstance(item, Mapping):
                stack.append((pointer, item))
    stack.reverse()
    while stack:
        pointer, node = stack.pop()
        yield pointer, node
        inner = term_keys(node)
        children: list[tuple[Pointer, Mapping[str, Any]]] = []
        for child in ("field", "subField", "annotation"):
            key = inner.get(child)
            if key is None:
                continue
            for cpointer, item in listed(node[key], (*pointer, key)):
                if isinstance(item, Mapping):
                    children.append((cpointer, item))
        stack.extend(reversed(children))


def field_provenance(data: Mapping[str, Any]) -> Iterator[str]:
    """Names of fields whose values carry PROV terms (``equivalentProperty: prov:...``)."""
    for _, scope in scopes(data):
        names = term_keys(scope)
        key = names.get("equivalentProperty")
        if key is None:
            continue
        values = [v for _, v in as_strings(scope[key])]
        if any(term(v).startswith("prov:") for v in values):
            label = first_of(scope, names, "name", "@id")
            if label is not None and isinstance(label[1], str):
                yield label[1]
