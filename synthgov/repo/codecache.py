"""Compiled dataclass methods, kept like ``.pyc`` files (start-up).

Building a dataclass compiles the source of its generated methods (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, and ``__setattr__``/``__delattr__`` when frozen) in
every process: 0.3-0.6 ms a class on CPython 3.11, about 25 ms of a one-card check that
builds some 60 of them (docs/decisions.md). Python caches the bytecode of modules in
``__pycache__``, but not of this generated source.

:func:`install` gives the ``dataclasses`` module its own ``exec``: source text it has seen in
an earlier run is executed from the code object compiled then; new text is compiled as the
built-in ``exec`` would compile it (file name ``"<string>"``) and remembered. The
``dataclasses`` module keeps building the text, so a class is built exactly as without the
cache; only the compiling is skipped. Entries are keyed by the sha256 of the text.

Safety: the file holds code that runs, so it is treated like the signed snapshots
(:mod:`synthgov.repo.snapshot`): HMAC-SHA256 with the per-user key kept outside the cache
folder, checked before anything is unmarshalled; a file that does not verify is ignored and
rewritten. It is named for the interpreter's bytecode (``sys.implementation.cache_tag`` and
``sys.version``), since code objects are not portable between versions. Only the console
entry point installs it (the process owner); ``SYNTHGOV_NO_SNAPSHOTS=1`` turns it off with the
other snapshots. A process where something else already replaced ``dataclasses.exec`` is left
alone.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable
from types import CodeType
from typing import Any

from synthgov.repo.snapshot import signing_key, snapshot_dir, write_atomic

FORMAT = 1
MAX_ENTRIES = 20_000  # a file that grows past this (many plugins, many versions) starts over


def cache_path(folder: str) -> str:
    tag = hashlib.sha256(f"{FORMAT}\0{sys.version}".encode()).hexdigest()[:16]
    return os.path.join(folder, f"dataclass-code-{sys.implementation.cache_tag}-{tag}.bin")


def install() -> Callable[[], None] | None:
    """Route the generated source of dataclasses through the cache; the function to call
    before the process exits (it saves what was compiled anew), or None when the cache is
    off or cannot be used."""
    import dataclasses

    if sys.implementation.name != "cpython" or "exec" in vars(dataclasses):
        return None
    folder = snapshot_dir()
    if folder is None:
        return None
    path = cache_path(folder)
    # read on the first dataclass built, not here: a run that builds none (``--version``,
    # ``--help``) reads neither the key nor the file
    state: dict[str, Any] = {}
    new: dict[bytes, CodeType] = {}

    def known() -> dict[bytes, CodeType]:
        if "known" not in state:
            state["secret"] = signing_key()
            state["known"] = _load(path, state["secret"]) if state["secret"] else {}
        table: dict[bytes, CodeType] = state["known"]
        return table

    def cached_exec(source: Any, globals: Any = None, locals: Any = None, /) -> None:
        if isinstance(source, str):
            digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).digest()
            code = known().get(digest) or new.get(digest)
            if code is None:
                code = compile(source, "<string>", "exec")
                new[digest] = code
            source = code
        exec(source, globals, locals)

    dataclasses.exec = cached_exec  # type: ignore[attr-defined]

    def save() -> None:
        secret = state.get("secret")
        if new and secret:
            old = state["known"]
            merged = {**old, **new} if len(old) + len(new) <= MAX_ENTRIES else new
            _save(path, secret, merged)

    return save


def _load(path: str, secret: bytes) -> dict[bytes, CodeType]:
    import hmac
    import marshal

    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError:
        return {}
    if len(raw) <= 32:
        return {}
    body = raw[32:]
    mac = hmac.new(secret, os.path.basename(path).encode() + body, "sha256").digest()
    if not hmac.compare_digest(raw[:32], mac):
        return {}
    try:
        table = marshal.loads(body)
    except (ValueError, EOFError, TypeError):
        return {}
    if not isinstance(table, dict):
        return {}
    return {k: v for k, v in table.items() if isinstance(k, bytes) and isinstance(v, CodeType)}


def _save(path: str, secret: bytes, table: dict[bytes, CodeType]) -> None:
    import hmac
    import marshal

    body = marshal.dumps(table)
    mac = hmac.new(secret, os.path.basename(path).encode() + body, "sha256").digest()
    write_atomic(path, mac + body)
