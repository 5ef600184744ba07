"""Where the repository index (:mod:`synthgov.app.index.plan`) is kept: the cache database,
signed like every cache entry.

An index is a *head* (table ``repo_index``: its base id, what discovering its files
depended on, the preset dictionary of its summaries), the *parts* of that base (table
``index_parts``, read a few at a time: :mod:`synthgov.app.index.buckets`), and a *delta*
entry with the files changed since the base, laid over it when it is read. A commit that
changes a few files writes only the delta; past :data:`DELTA_MAX` changed files, or after a
new discovery, the whole index is written again under a new base id, head, delta and parts
in one transaction (a run killed before it ends leaves the old ones), and the parts of
older bases go.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from synthgov.app.index.buckets import (
    PARTS,
    BucketEntries,
    BucketInverted,
    LazyFiles,
    Parts,
    Relative,
    split,
)
from synthgov.app.index.packed import Overlay
from synthgov.app.index.records import LINKS, NAMED, fields_of

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.app.cache.runcache import RunCache
    from synthgov.app.check.runner import CheckOptions, Setup

#: the format of the index (5: a head, a delta and parts read one by one,
#: :mod:`synthgov.app.index.buckets`; 6: the layout of git's index keeps what each entry
#: stages)
FORMAT = 6
TABLE = "repo_index"
#: changed entries kept beside the base entry before the whole index is written again
DELTA_MAX = 512
#: indexes kept (one per working directory, root and inputs; the most recent ones): a head
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
        options.staged,  # the context is git's index (synthgov.app.index.staged)
    )
    text = "\0".join(repr(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def load_index(cache: RunCache, key: str) -> dict[str, Any] | None:
    """The index: its base's entries with the later delta's laid over them (``entries``;
    the delta's own also as ``delta``), its inverted maps (``holders``, ``named``), file
    list (``files``), state and parts; every part is read when first used."""
    store = cache.store
    found = store.get_many(TABLE, [key, f"delta:{key}"])
    payload = found.get(key)
    if payload is None:
        return None
    data = pickle.loads(payload)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    delta = pickle.loads(found[f"delta:{key}"]) if f"delta:{key}" in found else None
    if not isinstance(delta, dict) or delta.get("base") != data["base"]:
        delta = {"entries": {}, "was": {}}
    parts = Parts(store, f"{key}:{data['base']}:")
    buckets, relative = data["buckets"], Relative(data["root"])
    base = BucketEntries(parts, buckets, data["zdict"], relative)
    holders = BucketInverted(parts, "h", buckets, relative)
    named = BucketInverted(parts, "n", buckets, relative)
    changes: Mapping[str, Any] = delta["entries"]
    was: Mapping[str, tuple[frozenset[str], frozenset[str]]] = delta["was"]
    for path, (_sig, summaries) in changes.items():
        old_links, old_named = was.get(path, (frozenset(), frozenset()))
        holders.move(path, old_links, fields_of(summaries, LINKS))
        named.move(path, old_named, fields_of(summaries, NAMED))
    data.update(
        entries=Overlay(base, changes),
        base_entries=base,
        delta=changes,
        was=was,
        holders=holders,
        named=named,
        files=LazyFiles(parts, relative),
        parts=parts,
    )
    return data


def save_delta(cache: RunCache, key: str, old: Mapping[str, Any], kept: Mapping[str, Any]) -> bool:
    """Keep the entries of the files changed since the base entry of ``old`` (with those of
    earlier deltas) in the delta entry, with what each held in the base (its moves in the
    inverted maps); False, writing nothing, when they are too many."""
    delta = dict(old.get("delta") or {})
    if len(delta) + len(kept) > DELTA_MAX:
        return False
    was = dict(old.get("was") or {})
    base = old["base_entries"]
    for path in kept:
        if path not in was:
            held = base[path][1] if path in base else ()
            was[path] = (frozenset(fields_of(held, LINKS)), frozenset(fields_of(held, NAMED)))
    delta.update(kept)
    row = {"base": old["base"], "entries": delta, "was": was}
    _save(cache, {f"delta:{key}": row}, {}, None)
    return True


def save_full(
    cache: RunCache, key: str, files: Sequence[str], state: Any, entries: Mapping[str, Any]
) -> None:
    """Write the whole index under a new base, with an empty delta: its parts, and those a
    state keeps (``split_parts``: ``--staged``), whose head then holds only the rest."""
    base = os.urandom(8).hex()
    parts, buckets, zdict, relative = split(files, entries, LINKS, NAMED, fields_of)
    if hasattr(state, "split_parts"):
        state, extra = state.split_parts()
        parts.update(extra)
    head = {
        "format": FORMAT,
        "base": base,
        "state": state,
        "buckets": buckets,
        "zdict": zdict,
        "root": relative.root,
    }
    delta = {"base": base, "entries": {}, "was": {}}
    rows = {f"{key}:{base}:{name}": part for name, part in parts.items()}
    _save(cache, {key: head, f"delta:{key}": delta}, rows, key)


def _save(
    cache: RunCache,
    items: Mapping[str, Mapping[str, Any]],
    parts: Mapping[str, Any],
    replaced: str | None,
) -> None:
    """Write entries and parts in one transaction (a run killed before it ends leaves the
    old ones); with ``replaced`` (an index key), the parts of its other bases go."""
    try:
        payloads = {
            k: pickle.dumps(dict(v), protocol=pickle.HIGHEST_PROTOCOL) for k, v in items.items()
        }
        rows = {k: pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL) for k, v in parts.items()}
    except Exception:  # noqa: BLE001 - not kept, that is all
        return
    cache.store.put_index(TABLE, payloads, PARTS, rows, replaced)
