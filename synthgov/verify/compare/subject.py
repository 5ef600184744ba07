"""What every comparison shares: the :class:`Subject` of a claim (rule, card, pointer, what
is claimed) that turns a verdict into a :class:`Claim`, and small helpers on numbers and on
the files that could not be measured."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from synthgov.core.types import Document
from synthgov.verify.model import MISMATCH, UNVERIFIED, VERIFIED, Claim, FileResult

Params = Mapping[str, Any]
READABLE_HINT = "make the data readable here (present, not an LFS pointer, a known format)"


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def rate(part: int, whole: int) -> float:
    return round(part / whole, 6) if whole else 0.0


def where(pointer: tuple[Any, ...]) -> str:
    """A pointer as a card path for messages: ``files[0].rows``."""
    out = ""
    for p in pointer:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "the card"


def file_reason(files: tuple[FileResult, ...]) -> str:
    """Why a dataset was not measured in full: the first file that was not."""
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


@dataclass(frozen=True)
class Subject:
    """What a claim is about: the rule that checks it, the card, where in the card, and the
    claim in words. Its methods give the claim with a verdict."""

    rule: str
    doc: Document
    pointer: tuple[Any, ...]
    what: str

    def at(self, pointer: tuple[Any, ...]) -> Subject:
        return Subject(self.rule, self.doc, pointer, self.what)

    def claim(
        self,
        declared: Any,
        measured: Any,
        tolerance: Any,
        outcome: str,
        message: str,
        hint: str = "",
    ) -> Claim:
        doc = self.doc
        return Claim(
            self.rule,
            doc.id or doc.path,
            doc.path,
            self.pointer,
            self.what,
            declared,
            measured,
            tolerance,
            outcome,
            message,
            hint,
        )

    def judged(
        self, ok: bool, declared: Any, measured: Any, tolerance: Any, message: str, hint: str = ""
    ) -> Claim:
        """Verified when ``ok``, else a mismatch."""
        outcome = VERIFIED if ok else MISMATCH
        return self.claim(declared, measured, tolerance, outcome, message, hint)

    def mismatch(self, declared: Any, measured: Any, message: str, hint: str) -> Claim:
        return self.claim(declared, measured, None, MISMATCH, message, hint)

    def unverified(self, declared: Any, reason: str, hint: str = READABLE_HINT) -> Claim:
        message = (
            f"{self.what}: declared {declared} ({where(self.pointer)}) cannot be verified: {reason}"
        )
        return self.claim(declared, None, None, UNVERIFIED, message, hint)
