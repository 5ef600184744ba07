"""Resource limits applied while reading a document (SPEC section 13).

Sizes are reported in binary megabytes (1 MB = 1,048,576 bytes), so the default limit of
``10 * 1024 * 1024`` bytes reads as "10 MB".
"""

from __future__ import annotations

from dataclasses import dataclass

from synthgov.core.types import FileProblem

MIB = 1024 * 1024


@dataclass(frozen=True, eq=False)  # compared by identity; no __eq__ or __hash__ to build
class Limits:
    """Size, depth and expansion limits for reading one file (docs/limits.md)."""

    #: checked on ``os.stat`` before reading (by the caller), and again on ``len(raw)``
    max_bytes: int = 10 * MIB
    #: nesting depth of collections (the root mapping is depth 1)
    max_depth: int = 64
    #: bound on the EXPANDED node count: keys, values and aliases counted as often as used
    max_nodes: int = 1_000_000
    #: longest scalar allowed, in characters
    max_scalar: int = 1_000_000
    #: largest data file or prompt that SG104/SG107 hash (bytes); larger ones are findings
    max_hash_bytes: int = 64 * 1024**3
    #: hashing time of one run, all data files together (seconds); past it, findings
    hash_seconds: float = 600.0


DEFAULT_LIMITS = Limits()


def format_size(size: int) -> str:
    """A file size for messages: ``12.0 MB``, ``3.5 KB``, ``12 bytes``."""
    if size >= MIB:
        return f"{size / MIB:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} bytes"


def format_limit(size: int) -> str:
    """A limit for messages, without needless decimals: ``10 MB``, ``512 KB``."""
    if size >= MIB:
        return f"{size / MIB:.4g} MB"
    if size >= 1024:
        return f"{size / 1024:.4g} KB"
    return f"{size} bytes"


def size_problem(size: int, limits: Limits = DEFAULT_LIMITS) -> FileProblem | None:
    """The SG001 problem for a file of ``size`` bytes, or None when it is within the limit."""
    if size <= limits.max_bytes:
        return None
    return FileProblem(
        "SG001",
        f"file is {format_size(size)}, larger than the {format_limit(limits.max_bytes)} limit",
        hint="split the document, or raise limits.max_bytes in synthgov.yaml",
    )
