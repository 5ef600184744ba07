"""Delta tables without Delta's jars: the table's active Parquet files from a replay of its
transaction log (``_delta_log/``), as the Delta protocol defines it.

The snapshot is the last checkpoint (``_last_checkpoint`` names it; a checkpoint is one
Parquet file or several parts) plus the JSON commits after it, in version order: ``add``
actions minus ``remove`` actions, by path (URL-decoded, relative to the table root). The last
``protocol`` and ``metaData`` actions say how the files are to be read; a table that needs a
reader feature this replay does not implement (deletion vectors, column mapping, ...) is
refused with the feature named, never read as if its files were the table. Deletion vectors
are judged per file: a table that allows them (Databricks turns the feature on by default)
is read while none of its active files carries one; an active file with one is refused.

:func:`is_delta` tells whether a card's entry names a table at all (pure: it asks the run's
file access; the rules use it too). The log is read through a :class:`LogSource` (the local
implementation reads through the run's confined file access,
:class:`synthgov.repo.files.LocalFiles`); every problem is a :class:`DeltaError` with one
line naming the log file and the reason.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote

DELTA_LOG = "_delta_log"
#: reader protocol versions replayed here (3: table features, checked one by one)
MAX_READER_VERSION = 3
#: reader features that do not change which rows a table's Parquet files hold
READER_FEATURES = frozenset({"timestampNtz", "vacuumProtocolCheck"})
#: a reader feature checked on each active file instead (see the module's docstring)
PER_FILE_FEATURES = frozenset({"deletionVectors"})
#: reader features that matter only when the schema has a column of that type (delta-rs
#: turns variantType on with table features)
VARIANT_FEATURES = frozenset({"variantType", "variantType-preview"})
COLUMN_MAPPING = "delta.columnMapping.mode"
MAX_COMMIT_BYTES = 256 << 20  # one JSON commit; a larger one is refused, not truncated

_COMMIT = re.compile(r"(\d{20})\.json")
_CHECKPOINT = re.compile(r"(\d{20})\.checkpoint(?:\.(\d{10})\.(\d{10}))?\.parquet")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


class DeltaError(Exception):
    """The log cannot be replayed, or the table needs what is not implemented: one line."""


@dataclass(frozen=True)
class DeltaFile:
    """An active data file: its path relative to the table root (decoded) and the values of
    the table's partition columns for its rows (None: a null value)."""

    path: str
    partition: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class Snapshot:
    """A table at its latest version: the active files in path order."""

    version: int
    files: tuple[DeltaFile, ...]
    partition_columns: tuple[str, ...] = ()


class LogSource(Protocol):
    """Read access to one table's ``_delta_log`` folder (names are file names in it)."""

    def names(self) -> Sequence[str]: ...

    def read(self, name: str, limit: int) -> bytes: ...

    def checkpoint_rows(self, names: Sequence[str]) -> Iterable[str]:
        """The rows of a checkpoint's parts, each as a JSON object of actions."""
        ...


@dataclass(frozen=True)
class _Checkpoint:
    version: int
    names: tuple[str, ...]


def declares_delta(entry: Mapping[str, Any]) -> bool:
    """Whether a card's entry says ``format: delta``."""
    declared = entry.get("format")
    return isinstance(declared, str) and declared.strip().lower() == "delta"


def is_delta(path: str, entry: Mapping[str, Any], files: Any) -> bool:
    """Whether a card's entry names a Delta table: ``format: delta``, or a folder holding
    ``_delta_log`` (asked through ``files``: nothing outside the roots is even stat-ed)."""
    if declares_delta(entry):
        return True
    log = files.info(os.path.join(path, DELTA_LOG))
    return bool(log.exists and not log.is_file and not log.error)


def replay(log: LogSource) -> Snapshot:
    """The table's active files; :class:`DeltaError` when they cannot be known."""
    names = log.names()
    commits = {int(m.group(1)): n for n in names if (m := _COMMIT.fullmatch(n))}
    checkpoint = _checkpoint(log, names)
    start = checkpoint.version + 1 if checkpoint else 0
    latest = max([*commits, checkpoint.version if checkpoint else -1])
    if latest < 0:
        raise DeltaError(f"{DELTA_LOG}: no commit and no checkpoint (not a Delta table log)")
    missing = [v for v in range(start, latest + 1) if v not in commits]
    if missing:
        raise DeltaError(
            f"{DELTA_LOG}: commit {missing[0]:020d}.json is missing "
            f"(the log after version {start - 1} is incomplete)"
        )
    state = _State()
    if checkpoint is not None:
        for row in log.checkpoint_rows(checkpoint.names):
            state.apply(_object(row, checkpoint.names[0], 0), checkpoint.names[0])
    for version in range(start, latest + 1):
        name = commits[version]
        for number, line in enumerate(_lines(log, name), start=1):
            state.apply(_object(line, name, number), name)
    return state.snapshot(latest)


def _checkpoint(log: LogSource, names: Sequence[str]) -> _Checkpoint | None:
    """The checkpoint to start from: the one ``_last_checkpoint`` names, else the latest
    complete one in the folder, else None (replay from version 0)."""
    found: dict[int, dict[int, list[str]]] = {}  # version -> parts -> names
    for name in names:
        m = _CHECKPOINT.fullmatch(name)
        if m:
            parts = int(m.group(3)) if m.group(3) else 1
            found.setdefault(int(m.group(1)), {}).setdefault(parts, []).append(name)
    if "_last_checkpoint" in names:
        version = _last_checkpoint(log)
        if version not in found:
            raise DeltaError(
                f"{DELTA_LOG}/_last_checkpoint: names version {version}, "
                "whose checkpoint file is missing"
            )
        return _complete(version, found[version], required=True)
    for version in sorted(found, reverse=True):
        chosen = _complete(version, found[version], required=False)
        if chosen is not None:
            return chosen
    return None


def _complete(
    version: int, by_parts: Mapping[int, list[str]], required: bool
) -> _Checkpoint | None:
    for parts, files in sorted(by_parts.items()):
        if len(files) == parts:
            return _Checkpoint(version, tuple(sorted(files)))
    if required:
        raise DeltaError(f"{DELTA_LOG}: checkpoint {version} is incomplete (parts missing)")
    return None


def _last_checkpoint(log: LogSource) -> int:
    raw = log.read("_last_checkpoint", 1 << 20)
    try:
        data = json.loads(raw)
        version = data["version"]
    except (ValueError, TypeError, KeyError):
        raise DeltaError(
            f"{DELTA_LOG}/_last_checkpoint: not a JSON object with a version"
        ) from None
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise DeltaError(f"{DELTA_LOG}/_last_checkpoint: bad version {version!r}")
    return version


def _lines(log: LogSource, name: str) -> Iterator[str]:
    raw = log.read(name, MAX_COMMIT_BYTES + 1)
    if len(raw) > MAX_COMMIT_BYTES:
        raise DeltaError(f"{DELTA_LOG}/{name}: larger than {MAX_COMMIT_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise DeltaError(f"{DELTA_LOG}/{name}: not UTF-8") from None
    for line in text.splitlines():
        if line.strip():
            yield line


def _object(text: str, name: str, line: int) -> Mapping[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        at = f" line {line}" if line else ""
        raise DeltaError(f"{DELTA_LOG}/{name}{at}: not a JSON object (corrupt log)")
    return value


class _State:
    """The replay so far: active files by path, the last protocol and metadata."""

    def __init__(self) -> None:
        self.files: dict[str, DeltaFile] = {}
        self.with_dv: dict[str, str] = {}  # active path -> the log file adding it with a vector
        self.protocol: Mapping[str, Any] | None = None
        self.metadata: Mapping[str, Any] | None = None

    def apply(self, action: Mapping[str, Any], name: str) -> None:
        if isinstance(action.get("protocol"), dict):
            self.protocol = action["protocol"]
        if isinstance(action.get("metaData"), dict):
            self.metadata = action["metaData"]
        if action.get("sidecar") is not None:
            raise DeltaError(f"{DELTA_LOG}/{name}: sidecar files (v2 checkpoints) not supported")
        add, remove = action.get("add"), action.get("remove")
        if isinstance(add, dict):
            path = _path(add, name)
            self.files[path] = DeltaFile(path, _partition(add))
            self.with_dv.pop(path, None)
            if add.get("deletionVector") is not None:
                self.with_dv[path] = name
        elif add is not None:
            raise DeltaError(f"{DELTA_LOG}/{name}: an add action that is not an object")
        if isinstance(remove, dict):
            self.files.pop(_path(remove, name), None)
            self.with_dv.pop(_path(remove, name), None)

    def snapshot(self, version: int) -> Snapshot:
        if self.protocol is None or self.metadata is None:
            missing = "protocol" if self.protocol is None else "metaData"
            raise DeltaError(f"{DELTA_LOG}: no {missing} action (corrupt log)")
        problem = unsupported(self.protocol, self.metadata)
        if problem:
            raise DeltaError(f"the table needs {problem}")
        if self.with_dv:
            path = min(self.with_dv)
            raise DeltaError(
                f"{DELTA_LOG}/{self.with_dv[path]}: {path} has a deletion vector "
                "(reader feature deletionVectors not implemented)"
            )
        columns = self.metadata.get("partitionColumns") or []
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise DeltaError(f"{DELTA_LOG}: metaData.partitionColumns is not a list of names")
        files = tuple(
            DeltaFile(f.path, tuple((c, dict(f.partition).get(c)) for c in columns))
            for _, f in sorted(self.files.items())
        )
        return Snapshot(version, files, tuple(columns))


def unsupported(protocol: Mapping[str, Any], metadata: Mapping[str, Any]) -> str:
    """'' when the files can be read as the table, else what the table needs."""
    version = protocol.get("minReaderVersion")
    if isinstance(version, bool) or not isinstance(version, int):
        return f"an unknown reader version {version!r}"
    if version > MAX_READER_VERSION:
        return f"reader version {version} (supported: up to {MAX_READER_VERSION})"
    features = (protocol.get("readerFeatures") or []) if version == MAX_READER_VERSION else []
    if not isinstance(features, list):
        return f"reader features {features!r}"
    known = READER_FEATURES | PER_FILE_FEATURES
    if not _uses_variant(metadata.get("schemaString")):
        known |= VARIANT_FEATURES
    unknown = sorted({str(f) for f in features} - known)
    if unknown:
        return (
            f"reader feature(s) {', '.join(unknown)} (not implemented; "
            f"supported: {', '.join(sorted(READER_FEATURES))})"
        )
    config = metadata.get("configuration") or {}
    mode = config.get(COLUMN_MAPPING, "none") if isinstance(config, dict) else "none"
    if mode not in ("none", None):
        return f"column mapping ({COLUMN_MAPPING}={mode}; not implemented)"
    return ""


_TYPE_KEYS = ("type", "elementType", "keyType", "valueType")


def _uses_variant(schema: Any) -> bool:
    """Whether a table schema (``metaData.schemaString``) has a variant column anywhere; an
    unreadable schema counts as having one (fail closed)."""
    try:
        tree = json.loads(schema) if isinstance(schema, str) else None
    except ValueError:
        return True
    if tree is None:
        return True

    def walk(node: Any) -> bool:
        if isinstance(node, dict):
            if any(node.get(k) == "variant" for k in _TYPE_KEYS):
                return True
            return any(walk(v) for v in node.values())
        if isinstance(node, list):
            return any(walk(v) for v in node)
        return False

    return walk(tree)


def _path(action: Mapping[str, Any], name: str) -> str:
    """An action's path, decoded and checked to stay inside the table root."""
    raw = action.get("path")
    if not isinstance(raw, str) or not raw:
        raise DeltaError(f"{DELTA_LOG}/{name}: an action without a path")
    path = unquote(raw)
    parts = path.split("/")
    if (
        _SCHEME.match(raw)
        or path.startswith(("/", "\\"))
        or "\\" in path
        or "\0" in path
        or any(p in ("", ".", "..") for p in parts)
    ):
        raise DeltaError(f"{DELTA_LOG}/{name}: path {raw!r} escapes the table root (refused)")
    return path


def _partition(add: Mapping[str, Any]) -> tuple[tuple[str, str | None], ...]:
    values = add.get("partitionValues") or {}
    if not isinstance(values, dict):
        return ()
    return tuple((str(k), None if v is None else str(v)) for k, v in sorted(values.items()))
