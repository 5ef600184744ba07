"""Which data files a card names, resolved on disk: globs, shards and the Hugging Face
``data/<split>-*`` layout; what cannot be measured is marked unverified with the reason."""

from __future__ import annotations

import glob
import os
from collections.abc import Mapping
from typing import Any, NamedTuple

from synthgov.core.types import DATASET_CARD, Document
from synthgov.verify.delta_inputs import local_table
from synthgov.verify.delta_log import declares_delta, is_delta
from synthgov.verify.model import FileResult, FileSpec

#: suffix -> (format, compression); longest suffixes first
SUFFIXES = (
    (".jsonl.gz", "jsonl", "gzip"),
    (".jsonl.zst", "jsonl", "zstd"),
    (".ndjson.gz", "jsonl", "gzip"),
    (".json.gz", "jsonl", "gzip"),
    (".csv.gz", "csv", "gzip"),
    (".csv.zst", "csv", "zstd"),
    (".jsonl", "jsonl", "none"),
    (".ndjson", "jsonl", "none"),
    (".json", "jsonl", "none"),
    (".parquet", "parquet", "none"),
    (".csv", "csv", "none"),
)
FORMAT_NAMES = {
    "jsonl": "jsonl",
    "json": "jsonl",
    "ndjson": "jsonl",
    "parquet": "parquet",
    "csv": "csv",
}
HF_SPLITS = ("train", "validation", "test")


def sniff_format(path: str, declared: Any = None) -> tuple[str, str] | None:
    """(format, compression) of a file, from the declared format or the name."""
    lower = path.lower()
    compression = "none"
    for suffix, fmt, comp in SUFFIXES:
        if lower.endswith(suffix):
            if not isinstance(declared, str):
                return fmt, comp
            compression = comp
            break
    if isinstance(declared, str):
        named = FORMAT_NAMES.get(declared.strip().lower())
        return (named, compression) if named else None
    return None


class _Claim(NamedTuple):
    """Where a card declares a file and what it claims of it: the pointer to the entry,
    its split and its declared rows (None: no claim, or carried by another shard)."""

    pointer: tuple[Any, ...]
    split: str
    declared: int | None

    def result(self, spec: FileSpec, unverified: str = "") -> FileResult:
        """The file's result before measuring (``unverified``: why it cannot be measured)."""
        return FileResult(spec, self.pointer, self.split, self.declared, unverified=unverified)


def card_files(doc: Document, files: Any, display: Any) -> tuple[FileResult, ...]:
    """The files of a card as :class:`FileResult` (not measured yet)."""
    if doc.kind != DATASET_CARD or not doc.abs_dir:
        return ()
    entries = doc.data.get("files")
    out: list[FileResult] = []
    if isinstance(entries, list) and entries:
        for i, entry in enumerate(entries):
            if isinstance(entry, Mapping):
                out.extend(_entry(doc, i, entry, files, display))
        return tuple(out)
    return _hf_layout(doc, files, display)


def _entry(
    doc: Document, i: int, entry: Mapping[str, Any], files: Any, display: Any
) -> list[FileResult]:
    rel = entry.get("path")
    split_value = entry.get("split")
    rows = entry.get("rows")
    claim = _Claim(
        ("files", i, "path"),
        split_value if isinstance(split_value, str) else "",
        rows if isinstance(rows, int) and not isinstance(rows, bool) else None,
    )
    if not isinstance(rel, str) or not rel.strip():
        return []
    remote = getattr(files, "remote", False)  # an engine that reads URIs (Spark)
    if "://" in rel:
        return _uri_entry(rel, claim, entry, files, display)
    target = os.path.normpath(os.path.join(doc.abs_dir, rel))
    if not glob.has_magic(rel) and (
        is_delta(target, entry, files) or (remote and _remote_delta(target, entry, files))
    ):
        return _delta(target, claim, files, display)
    if glob.has_magic(rel):
        matches = sorted(p for p in glob.glob(target, recursive=True) if os.path.isfile(p))
        if not matches:
            spec = FileSpec(target, display(target), "unknown")
            return [claim.result(spec, "the glob matches no file")]
        # a glob's declared rows are for all its shards: the first carries the claim
        later = claim._replace(declared=None)
        return [
            _one(target_path, claim if k == 0 else later, entry, files, display)
            for k, target_path in enumerate(matches)
        ]
    return [_one(target, claim, entry, files, display)]


def _uri_entry(
    uri: str, claim: _Claim, entry: Mapping[str, Any], files: Any, display: Any
) -> list[FileResult]:
    """A storage URI in a card: read by an engine that reads URIs (Spark), else unverified."""
    if not getattr(files, "remote", False):
        return [claim.result(FileSpec(uri, uri, "unknown"), "a remote URI (not read)")]
    if _remote_delta(uri, entry, files):
        return _delta(uri, claim, files, display)
    return [_one(uri, claim, entry, files, display)]


def _remote_delta(path: str, entry: Mapping[str, Any], files: Any) -> bool:
    """A Delta table at a storage URI (a card's URI, or a folder mapped to one)."""
    uri = files.uri_of(path)
    return uri is not None and (declares_delta(entry) or files.is_delta_table(uri))


def _delta(root: str, claim: _Claim, files: Any, display: Any) -> list[FileResult]:
    """A Delta table's active Parquet files (log replay, synthgov.verify.delta_log), each
    measured as a Parquet shard with the table's partition values; the first carries the
    entry's declared rows. A table that cannot be replayed is one unverified result."""
    uri = files.uri_of(root) if getattr(files, "remote", False) else None
    found = local_table(root, files) if uri is None else files.delta_table(uri)
    if isinstance(found, str):
        return [claim.result(FileSpec(root, display(root), "delta"), found)]
    if not found.files:
        reason = f"Delta table: version {found.version} has no data file (an empty table)"
        return [claim.result(FileSpec(root, display(root), "delta"), reason)]
    parquet = {"format": "parquet"}
    later = claim._replace(declared=None)
    return [
        _one(
            _table_file(root, uri, f.path),
            claim if k == 0 else later,
            parquet,
            files,
            display,
            f.partition,
        )
        for k, f in enumerate(found.files)
    ]


def _table_file(root: str, uri: str | None, rel: str) -> str:
    """A Delta table's file: under its local root, or under its storage URI."""
    return os.path.join(root, *rel.split("/")) if uri is None else f"{uri.rstrip('/')}/{rel}"


def _one(
    path: str,
    claim: _Claim,
    entry: Mapping[str, Any],
    files: Any,
    display: Any,
    partition: tuple[tuple[str, str | None], ...] = (),
) -> FileResult:
    sniffed = sniff_format(path, entry.get("format"))
    spec = FileSpec(
        path,
        display(path),
        sniffed[0] if sniffed else "unknown",
        sniffed[1] if sniffed else "none",
        partition,
    )
    info = files.info(path)
    reason = ""
    if not info.exists:
        reason = info.error if info.error == "outside the repository" else "file not found"
    elif not info.is_file:
        reason = "not a regular file"
    elif info.lfs_oid is not None:
        reason = "a Git LFS pointer (content not present; run git lfs pull)"
    elif sniffed is None:
        reason = (
            f"unknown format {entry.get('format')!r}" if entry.get("format") else "unknown format"
        )
    return claim.result(spec, reason)


def _hf_layout(doc: Document, files: Any, display: Any) -> tuple[FileResult, ...]:
    """No ``files``: the Hugging Face layout ``data/<split>-*`` beside the card, for the
    usual splits and those the card's ``dataset_info`` declares."""
    from synthgov.verify.splits import split_names

    splits = {*HF_SPLITS, *split_names(doc)}
    out = []
    base = os.path.join(doc.abs_dir, "data")
    for path in sorted(glob.glob(os.path.join(base, "*"))):
        name = os.path.basename(path)
        split = name.split("-", 1)[0] if "-" in name else name.split(".", 1)[0]
        if split not in splits or not os.path.isfile(path):
            continue
        out.append(_one(path, _Claim((), split, None), {}, files, display))
    return tuple(out)
