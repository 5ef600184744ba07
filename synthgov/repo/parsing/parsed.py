"""What the safe loaders produce, and the failure that stops one document (SPEC section 13)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from synthgov.core.types import FileProblem, Pointer, Position

__all__ = ["ParseFailure", "Parsed", "failed"]


@dataclass(frozen=True)
class Parsed:
    """What a loader produces: plain JSON data, positions, and problems (SG001, SG003)."""

    data: Any
    positions: dict[Pointer, Position]
    problems: tuple[FileProblem, ...]
    ok: bool


class ParseFailure(Exception):
    """The document cannot be produced; the loader turns it into one SG001 problem."""

    def __init__(self, message: str, line: int = 1, column: int = 1, editor: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.editor = editor  # counted in editor lines already (not from a parser mark)


def failed(problem: FileProblem) -> Parsed:
    """A document that could not be read: no data, one problem."""
    return Parsed(None, {}, (problem,), False)
