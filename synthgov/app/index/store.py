"""Where the repository index (:mod:`synthgov.app.index.plan`) is kept: table ``repo_index`` of
the cache database, signed like every cache entry.

An index is a base entry (the file list, what discovering it depended on, and per file its
signature and summaries) and a delta entry with the files changed since, laid over the base
when it is read. A commit that changes a few files writes only the delta; past
:data:`DELTA_MAX` changed files, or after a new discovery, the whole index is written again
(both entries in one transaction: a run killed before it ends leaves the old ones).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from synthgov.app.index.packed import Overlay, PackedEntries
from synthgov.app.index.records import LINKS, NAMED, inverted, move_file

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.app.cache.runcache import RunCache
    from synthgov.app.check.runner import CheckOptions, Setup

#: the format of the index's entries (3: entries packed, the holders of each lineage key and
#: the files naming each file kept, :mod:`synthgov.app.index.packed`)
FORMAT = 3
TABLE = "repo_index"
#: changed entries kept beside the base entry before the whole index is written again
DELTA_MAX = 512
#: indexes kept (one per working directory, root and inputs; the most recent ones): a base
#: and a delta entry per index; the cache keeps as many (cachestore.KEEP_LATEST)
MAX_INDEXES = 32


def index_key(options: CheckOptions, setup: Setup, code: str, roots: Sequence[str]) -> str:
    """What a file's summary depends on besides the file: code, plugins, loaders, config,
    the working directory (display paths) and the context root."""
    from synthgov import __version__

    registry = setup.registry
    parts = (
        FORMAT,
        __version__,
        sys.version,
        code,
        registry.plugins,
        [f"{type(ld).__module__}.{type(ld).__qualname__}" for ld in registry.loaders],
        setup.config,
        os.path.abspath(options.cwd),
        sorted(os.path.abspath(r) for r in roots),
    )
    text = "\0".join(repr(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def load_index(cache: RunCache, key: str) -> dict[str, Any] | None:
    """The index: its base entry with the later delta entry laid over it (``entries``; the
    delta's own entries also as ``delta``)."""
    found = cache.store.get_many(TABLE, [key, f"delta:{key}"])
    payload = found.get(key)
    if payload is None:
        return None
    data = pickle.loads(payload)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    delta = pickle.loads(found[f"delta:{key}"]) if f"delta:{key}" in found else None
    base = data["entries"]
    changes: Mapping[str, Any] = {}
    if isinstance(delta, dict) and delta.get("base") == data.get("base"):
        changes = delta["entries"]
        for path, entry in changes.items():
            move_file(data, path, base[path][1] if path in base else (), entry[1])
        data["delta"] = changes
    data["entries"] = Overlay(base, changes)
    return data


def save_delta(cache: RunCache, key: str, old: Mapping[str, Any], kept: Mapping[str, Any]) -> bool:
    """Keep the entries of the files changed since the base entry of ``old`` (with those of
    earlier deltas) in the delta entry; False, writing nothing, when they are too many."""
    delta = dict(old.get("delta") or {})
    if len(delta) + len(kept) > DELTA_MAX:
        return False
    delta.update(kept)
    _save(cache, {f"delta:{key}": {"base": old.get("base"), "entries": delta}})
    return True


def save_full(
    cache: RunCache, key: str, files: Sequence[str], state: Any, entries: Mapping[str, Any]
) -> None:
    """Write the whole index as a new base entry, with an empty delta."""
    base = os.urandom(8).hex()
    packed = PackedEntries.pack(entries)
    full = {
        "format": FORMAT,
        "base": base,
        "files": files,
        "state": state,
        "entries": packed,
        "holders": inverted(entries, LINKS, packed.paths),
        "named": inverted(entries, NAMED, packed.paths),
    }
    _save(cache, {key: full, f"delta:{key}": {"base": base, "entries": {}}})


def _save(cache: RunCache, items: Mapping[str, Mapping[str, Any]]) -> None:
    """Write entries in one transaction (a run killed before it ends leaves the old ones)."""
    try:
        payloads = {
            k: pickle.dumps(dict(v), protocol=pickle.HIGHEST_PROTOCOL) for k, v in items.items()
        }
    except Exception:  # noqa: BLE001 - not kept, that is all
        return
    cache.store.put_many(TABLE, payloads)
