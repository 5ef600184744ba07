"""A Croissant file's ``distribution`` as the native ``files`` list: each ``FileObject``
whose ``contentUrl`` names a local file (no URI scheme, not inside an archive or a
repository: no ``containedIn``) becomes ``{path, sha256, size}``, each value at its place in
the Croissant file. The native rules then check them: SG107 (sha256 and size), SG108 (the
file is there) and, when data is verified, SG500-SG509 (the file measured).

``sha256`` is mapped only when it is a SHA-256 (64 hexadecimal digits; Hugging Face writes
a URL there for a whole repository); ``contentSize`` only when it is a byte count (an
integer, or ``"117743 B"`` / ``"117743 bytes"``): ``"4.7 MB"`` is rounded, not a claim about
the bytes. ``FileSet`` globs and remote URLs are not mapped (kept in the file as they are)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synthgov.core.lazyre import LazyRegex
from synthgov.core.types import Pointer, Position
from synthgov.loaders.adapting import Mapped, as_strings
from synthgov.loaders.croissant_terms import first_of, listed, term, term_keys

__all__ = ["map_files"]

_SHA256 = LazyRegex(r"[0-9a-fA-F]{64}")
_BYTES = LazyRegex(r"\s*(\d+)\s*(?:B|bytes?)?\s*", 0)


def map_files(data: Mapping[str, Any], positions: Mapping[Pointer, Position], out: Mapped) -> None:
    key = term_keys(data).get("distribution")
    if key is None:
        return
    for pointer, item in listed(data[key], (key,)):
        entry = _file_object(item, pointer)
        if entry is None:
            continue
        k = out.append(("files",), {}, positions.get(pointer))
        for name, (value, at) in entry.items():
            out.put(("files", k, name), value, positions.get(at))
    if "files" in out.data:
        out.positions.setdefault(("files",), positions.get((key,)) or Position(1, 1))


def _file_object(item: Any, pointer: Pointer) -> dict[str, tuple[Any, Pointer]] | None:
    """``{native key: (value, pointer of the Croissant value)}`` of a local FileObject."""
    if not isinstance(item, Mapping):
        return None
    names = term_keys(item)
    types = [term(t) for _, t in as_strings(item.get(names.get("@type", "@type")))]
    url = first_of(item, names, "contentUrl")
    if "FileObject" not in types or url is None or not isinstance(url[1], str):
        return None
    path = url[1].strip()
    if not path or "://" in path or path.startswith("data:") or "containedIn" in names:
        return None
    entry: dict[str, tuple[Any, Pointer]] = {"path": (path, (*pointer, url[0]))}
    sha = first_of(item, names, "sha256")
    if sha is not None and isinstance(sha[1], str) and _SHA256.fullmatch(sha[1].strip()):
        entry["sha256"] = (sha[1].strip().lower(), (*pointer, sha[0]))
    size = first_of(item, names, "contentSize")
    count = _byte_count(size[1]) if size is not None else None
    if size is not None and count is not None:
        entry["size"] = (count, (*pointer, size[0]))
    return entry


def _byte_count(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    if isinstance(value, str):
        found = _BYTES.fullmatch(value)
        if found:
            return int(found.group(1))
    return None
