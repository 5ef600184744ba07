"""Start-up snapshots: what every run would otherwise compute again, kept like ``.pyc`` files.

Two things cost a one-card check more than the check itself:

* the built-in model registry, ``synthgov/data/models.yaml``: PyYAML builds the ~50 KB file
  into Python objects in about 20 ms (only its parser is C). Its JSON snapshot, keyed by the
  sha256 of the YAML text, loads in about 1 ms;
* plugin discovery: ``importlib.metadata.entry_points()`` imports ``email``, ``zipfile``,
  ``csv`` and more (about 15 ms) and reads every installed distribution. The snapshot of the
  ``synthgov`` group is keyed by ``sys.path`` and, for every folder on it, its mtime and the
  names, sizes and mtimes of its ``*.dist-info``/``*.egg-info`` entry-point files, so
  installing, removing or reinstalling any distribution (pip rewrites the folder) rebuilds it.

A snapshot can never be stale (its key is the content or the state it was made from), so it
is not "the cache" of ``--no-cache``: it is used whenever the folder is writable, like the
bytecode cache. Folder: ``$SYNTHGOV_CACHE_DIR/snapshots``, else
``$XDG_CACHE_HOME/synthgov/snapshots`` (``~/.cache/synthgov/snapshots``);
``SYNTHGOV_NO_SNAPSHOTS=1`` turns snapshots off. Writes are atomic (a unique temporary file,
then ``os.replace``); an unreadable or damaged snapshot is rebuilt. The entry-point snapshot
names modules to import and a registry snapshot decides verdicts, so both are signed
(HMAC-SHA256) with the per-user key of :func:`signing_key` (kept in the state folder, not the
cache folder); an unsigned or tampered snapshot is rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

FORMAT = 1
ENV_OFF = "SYNTHGOV_NO_SNAPSHOTS"
ENV_DIR = "SYNTHGOV_CACHE_DIR"


def user_cache_home() -> str | None:
    """``$XDG_CACHE_HOME/synthgov`` or ``~/.cache/synthgov`` (None without a home)."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if not base or not os.path.isabs(base):
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "synthgov")


def user_state_home() -> str | None:
    """``$XDG_STATE_HOME/synthgov`` or ``~/.local/state/synthgov``: kept apart from the cache
    folder, which CI systems save and restore."""
    base = os.environ.get("XDG_STATE_HOME", "").strip()
    if not base or not os.path.isabs(base):
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".local", "state")
    return os.path.join(base, "synthgov")


def snapshot_dir() -> str | None:
    if os.environ.get(ENV_OFF, "").strip() not in ("", "0"):
        return None
    env = os.environ.get(ENV_DIR, "").strip()
    base = os.path.abspath(os.path.expanduser(env)) if env else user_cache_home()
    return os.path.join(base, "snapshots") if base else None


def write_atomic(path: str, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a unique temporary file (False on any failure)."""
    tmp = f"{path}.{os.getpid()}.{time.monotonic_ns()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        return True
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return False


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


# --------------------------------------------------------------------------- signing key

SECRET_NAME = "secret.key"
SECRET_BYTES = 32


def signing_key() -> bytes | None:
    """The per-user key that signs cache entries and snapshots, created on first use in
    :func:`user_state_home` (mode 0600). None when it cannot be had: no signed caching."""
    home = user_state_home()
    if home is None:
        return None
    path = os.path.join(home, SECRET_NAME)
    for _attempt in range(2):
        try:
            with open(path, "rb") as handle:
                data = handle.read(SECRET_BYTES + 1)
            return data if len(data) == SECRET_BYTES else None
        except FileNotFoundError:
            pass
        except OSError:
            return None
        tmp = f"{path}.{os.getpid()}.{time.monotonic_ns()}.tmp"
        try:
            os.makedirs(home, mode=0o700, exist_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, os.urandom(SECRET_BYTES))
            finally:
                os.close(fd)
            try:
                os.link(tmp, path)  # atomic, and never replaces another run's key
            except FileExistsError:
                pass
            except OSError:  # no hard links here
                if not os.path.exists(path):
                    os.replace(tmp, path)
        except OSError:
            return None
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return None


# --------------------------------------------------------------------------- JSON data


def json_snapshot(kind: str, source: bytes, build: Callable[[], Any]) -> Any:
    """``build()``, or what it returned for the same ``source`` bytes before.

    The file is named by the hash of ``source`` and signed (HMAC-SHA256 over its name and
    body) with the per-user key of :func:`signing_key`, which lives apart from the cache
    folder: a folder that CI restores, or that anyone else can write, can hold any file, and
    a snapshot that is not signed by this user's key is rebuilt, never believed. Only values
    that survive a JSON round trip unchanged are kept."""
    folder = snapshot_dir()
    secret = signing_key() if folder is not None else None
    if folder is None or secret is None:
        return build()
    import hmac

    key = hashlib.sha256(f"{FORMAT}\0{kind}\0".encode() + source).hexdigest()
    name = f"{kind}-{key[:40]}.json"
    path = os.path.join(folder, name)
    raw = _read(path)
    if raw is not None and len(raw) > 32:
        body = raw[32:]
        mac = hmac.new(secret, name.encode() + body, "sha256").digest()
        if hmac.compare_digest(raw[:32], mac):
            try:
                stored = json.loads(body)
                if isinstance(stored, dict) and stored.get("key") == key:
                    return stored["value"]
            except (ValueError, KeyError):
                pass
    value = build()
    try:
        text = json.dumps({"key": key, "value": value}, ensure_ascii=False)
        if json.loads(text)["value"] == value:
            body = text.encode("utf-8")
            signed = hmac.new(secret, name.encode() + body, "sha256").digest() + body
            if write_atomic(path, signed):
                _prune(folder, f"{kind}-", keep=name)
    except (TypeError, ValueError, RecursionError):
        pass
    return value


# --------------------------------------------------------------------------- entry points

EntryPointRow = tuple[str, str, str, str]  # name, value ("module:attr"), distribution, version
_MARKERS = (".dist-info", ".egg-info")


def _path_state() -> str:
    """What entry-point discovery sees: for every ``sys.path`` entry that holds
    distributions, their folder names (name and version) and the size and mtime of their
    entry-point files. Entries without any (the working directory, usually) add nothing, so
    the key does not change from one folder to the next."""
    parts: list[str] = [sys.version]
    for entry in sys.path:
        folder = entry or os.getcwd()
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith(_MARKERS))
        except NotADirectoryError:  # a zip file: its stat stands for its content
            st = os.stat(folder)
            parts.append(f"{entry}\0{st.st_mtime_ns}\0{st.st_size}")
            continue
        except OSError:
            continue
        if folder.endswith(".egg"):
            names.append("EGG-INFO")
        if not names:
            continue
        parts.append(entry)
        for name in names:
            try:  # the folder's name carries the version; the file the entry points
                est = os.stat(os.path.join(folder, name, "entry_points.txt"))
            except OSError:
                parts.append(f"{name}\0-")
                continue
            parts.append(f"{name}\0{est.st_mtime_ns}\0{est.st_size}")
    return "\n".join(parts)


def entry_point_rows(group: str) -> list[EntryPointRow]:
    """(name, value, distribution, version) of every entry point of ``group``, sorted by
    name, from the snapshot when the installation has not changed."""
    folder = snapshot_dir()
    secret = None
    if folder is not None:
        secret = signing_key()
    if folder is None or secret is None:
        return _scan(group)
    import hmac

    state = _path_state()
    key = hashlib.sha256(f"{FORMAT}\0{group}\0{state}".encode("utf-8", "surrogatepass"))
    name = f"entry-points-{key.hexdigest()[:40]}.json"
    path = os.path.join(folder, name)
    raw = _read(path)
    if raw is not None and len(raw) > 32:
        body = raw[32:]
        if hmac.compare_digest(raw[:32], hmac.new(secret, name.encode() + body, "sha256").digest()):
            try:
                rows = json.loads(body)
                return [(str(a), str(b), str(c), str(d)) for a, b, c, d in rows]
            except (ValueError, TypeError):
                pass
    rows = _scan(group)
    body = json.dumps(rows).encode()
    if write_atomic(path, hmac.new(secret, name.encode() + body, "sha256").digest() + body):
        _prune(folder, "entry-points-", keep=name)
    return rows


def _prune(folder: str, prefix: str, keep: str, age: float = 7 * 86400) -> None:
    """Remove this kind's snapshots that were not made within ``age`` seconds."""
    cutoff = time.time() - age
    try:
        for entry in os.scandir(folder):
            if entry.name.startswith(prefix) and entry.name != keep:
                if entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
    except OSError:
        pass


def _scan(group: str) -> list[EntryPointRow]:
    from importlib.metadata import entry_points

    rows: list[EntryPointRow] = []
    for ep in entry_points(group=group):
        dist = getattr(ep, "dist", None)
        rows.append(
            (
                ep.name,
                ep.value,
                dist.name if dist is not None else "",
                dist.version if dist is not None else "",
            )
        )
    return sorted(rows)


def load_entry_point(value: str) -> Any:
    """The object an entry point value names: ``module``, ``module:attr`` or
    ``module:attr.inner``, extras (``[...]``) ignored, as ``EntryPoint.load`` does."""
    import importlib

    spec = value.split("[", 1)[0].strip()
    module_name, _, attrs = spec.partition(":")
    obj = importlib.import_module(module_name.strip())
    for attr in filter(None, attrs.strip().split(".")):
        obj = getattr(obj, attr)
    return obj
