"""Shared helpers of the adapters: build native-shaped data whose positions point into the
original (foreign) file.

An adapter reads a foreign file with the safe loaders (positions keyed by pointers into the
*foreign* data), then assembles the native shape with :class:`Mapped`: every value it puts
carries the position of the foreign value it came from, so findings point into the original
file. Nothing here does I/O.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from synthgov.core.lazyre import LazyRegex
from synthgov.core.types import Pointer, Position, walk

API_VERSION = "synthgov/v1"
_DATE = LazyRegex(r"\d{4}-\d{2}-\d{2}")


class Mapped:
    """A native document under construction: data plus positions (one per pointer)."""

    def __init__(self, kind: str, root: Position | None = None) -> None:
        self.data: dict[str, Any] = {"apiVersion": API_VERSION, "kind": kind}
        self.positions: dict[Pointer, Position] = {}
        if root is not None:
            self.positions[()] = root

    def put(self, pointer: Pointer, value: Any, at: Position | None = None) -> None:
        """Set ``value`` at ``pointer`` (creating mappings on the way), remembering ``at``."""
        node: Any = self.data
        for part in pointer[:-1]:
            if isinstance(node, dict):
                node = node.setdefault(part, {})
            else:
                node = node[part]
        last = pointer[-1]
        if isinstance(node, list) and isinstance(last, int) and last == len(node):
            node.append(value)
        else:
            node[last] = value
        if at is not None:
            self.positions[pointer] = at

    def append(self, pointer: Pointer, value: Any, at: Position | None = None) -> int:
        """Append ``value`` to the list at ``pointer`` (created when missing); its index."""
        node: Any = self.data
        for part in pointer[:-1]:
            node = node.setdefault(part, {}) if isinstance(node, dict) else node[part]
        node = node.setdefault(pointer[-1], []) if isinstance(node, dict) else node[pointer[-1]]
        node.append(value)
        index = len(node) - 1
        if at is not None:
            self.positions[(*pointer, index)] = at
        return index

    def put_tree(
        self,
        pointer: Pointer,
        value: Any,
        source: Mapping[Pointer, Position],
        source_pointer: Pointer,
    ) -> None:
        """Copy a whole subtree, with the positions it had in the foreign file."""
        self.put(pointer, value, source.get(source_pointer))
        self.copy_positions(pointer, value, source, source_pointer)

    def copy_positions(
        self,
        pointer: Pointer,
        value: Any,
        source: Mapping[Pointer, Position],
        source_pointer: Pointer,
    ) -> None:
        size = len(source_pointer)
        for sub, _ in walk(value, source_pointer):
            pos = source.get(sub)
            if pos is not None:
                self.positions[(*pointer, *sub[size:])] = pos

    def forget(self, pointer: Pointer) -> None:
        """Drop the positions of everything at or below ``pointer`` (before a replacement)."""
        size = len(pointer)
        for stale in [p for p in self.positions if p[:size] == pointer]:
            del self.positions[stale]


def folder_name(path: str) -> str:
    """The name of the folder holding ``path`` (the dataset repository, by convention)."""
    name = os.path.basename(os.path.dirname(os.path.abspath(path)))
    return name or "root"


def as_strings(value: Any) -> list[tuple[int | None, str]]:
    """``(index, text)`` for a string or each string of a list (index None for a scalar)."""
    if isinstance(value, str):
        return [(None, value)] if value.strip() else []
    if isinstance(value, list):
        return [(i, v) for i, v in enumerate(value) if isinstance(v, str) and v.strip()]
    return []


def iso_date(value: Any) -> str | None:
    """``YYYY-MM-DD`` from an ISO 8601 date or date-time string, else None."""
    if isinstance(value, str):
        found = _DATE.match(value.strip())
        if found:
            return found.group()
    return None


def basename(path: str) -> str:
    return os.path.basename(path).lower()
