"""The LSH banding of the MinHash signatures: b bands of r rows (b * r <= the permutations),
chosen for a Jaccard threshold in pure Python at plan time, so that every engine cuts the
signatures the same way (docs/verify.md, "MinHash").

Two rows of Jaccard similarity s meet in some band with probability 1 - (1 - s^r)^b. For a
threshold t the banding minimises, with equal weights, the false positive area (the meeting
probability integrated over s from 0 to t) plus the false negative area (the probability of
not meeting integrated from t to 1). The integrals are Simpson sums on a fixed grid and the
sums are rounded before they are compared (ties go to fewer bands, then fewer rows), so the
choice is the same on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_THRESHOLD = 0.8
_STEPS = 64  # Simpson intervals per integral (even)


@dataclass(frozen=True)
class Banding:
    bands: int
    rows: int

    @property
    def permutations(self) -> int:
        """The signature values the bands use (the rest of ``num_perm`` is not computed)."""
        return self.bands * self.rows

    def meet(self, s: float) -> float:
        """The probability that a pair of Jaccard similarity ``s`` shares a bucket."""
        return 1.0 - (1.0 - s**self.rows) ** self.bands

    def text(self) -> str:
        return f"{self.bands} bands of {self.rows} rows"


class BandingConflict(ValueError):
    """Explicit ``bands`` and a ``threshold`` that chooses another banding."""


def _area(banding: Banding, lo: float, hi: float, missed: bool) -> float:
    """The integral over [lo, hi] of the meeting probability (or of its complement)."""
    if hi <= lo:
        return 0.0
    h = (hi - lo) / _STEPS
    total = 0.0
    for i in range(_STEPS + 1):
        p = banding.meet(lo + i * h)
        weight = 1 if i in (0, _STEPS) else (4 if i % 2 else 2)
        total += weight * ((1.0 - p) if missed else p)
    return total * h / 3


def error(banding: Banding, threshold: float) -> float:
    """False positive plus false negative area around ``threshold`` (equal weights)."""
    return _area(banding, 0.0, threshold, False) + _area(banding, threshold, 1.0, True)


def choose_banding(threshold: float, num_perm: int) -> Banding:
    """The banding with b * r <= ``num_perm`` that minimises :func:`error`."""
    best: tuple[float, int, int] | None = None
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            key = (round(error(Banding(b, r), threshold), 9), b, r)
            if best is None or key < best:
                best = key
    assert best is not None  # num_perm >= 1
    return Banding(best[1], best[2])


def resolve_banding(num_perm: int, threshold: float, bands: int | None) -> Banding:
    """The banding of a run: explicit ``bands`` (rows = num_perm // bands, as before the
    threshold existed) win; else the threshold's. Explicit bands with a threshold other than
    the default that would choose another banding are a conflict (which one was meant?)."""
    if not bands:  # None or 0: not given
        return choose_banding(threshold, num_perm)
    explicit = Banding(bands, max(1, num_perm // bands))
    if threshold != DEFAULT_THRESHOLD:
        chosen = choose_banding(threshold, num_perm)
        if chosen != explicit:
            raise BandingConflict(
                f"bands: {bands} ({explicit.text()}) and threshold: {threshold:g} (which chooses "
                f"{chosen.text()} of {num_perm} permutations) disagree; give one of them"
            )
    return explicit
