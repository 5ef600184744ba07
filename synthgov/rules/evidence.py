"""How rule findings quote their evidence, the same way in every rule family.

A piece of evidence is quoted with the ``path:line`` of its declaration; a finding about a
model names the other related models after the first (``; also related: m (path:line)``);
and ``related`` lists the lineage-graph nodes involved, once each, in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from synthgov.core.types import Document, Pointer
from synthgov.lineage.roles import Comparator, ModelUse

#: a related model use and what it shares with the one compared (lineages or providers)
Hit = tuple[ModelUse, frozenset[str]]


def at_line(doc: Document, line: int) -> str:
    """``path:line`` in ``doc``."""
    return f"{doc.path}:{line}"


def at(doc: Document, pointer: Pointer) -> str:
    """``path:line`` of the value at ``pointer`` in ``doc``."""
    return at_line(doc, doc.position(pointer).line)


def related_uses(cmp: Comparator, use: ModelUse, others: Iterable[ModelUse]) -> list[Hit]:
    """The uses among ``others`` related to ``use``, with what they share."""
    hits: list[Hit] = []
    for other in others:
        shared = cmp.shared(use, other)
        if shared:
            hits.append((other, shared))
    return hits


def also_related(hits: Sequence[Hit]) -> str:
    """'; also related: m (file:line), ...' for the hits after the first."""
    rest: list[str] = []
    for other, _ in hits[1:]:
        text = f"{other.model} ({other.where})"
        if text not in rest:
            rest.append(text)
    return f"; also related: {', '.join(rest)}" if rest else ""


def graph_nodes(*groups: Iterable[str | None]) -> tuple[str, ...]:
    """The graph nodes of ``groups``, each once, in order; empty names left out."""
    out: list[str] = []
    for group in groups:
        for node in group:
            if node and node not in out:
                out.append(node)
    return tuple(out)
