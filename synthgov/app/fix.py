"""``synthgov check --fix``: mechanical fixes, today SG107 (a data file's sha256, size and
rows in the card, taken from the file).

A fix is a text edit of the scalar at the position the loader recorded, so comments, quoting
and layout stay as they are. An edit is made only when the text at that position is exactly
the value the card holds; otherwise the finding is left for a person. Applying the fixes
again changes nothing (the values then match the files, so SG107 no longer fires).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from synthgov.core.types import Document, Finding

FIXABLE = frozenset({"SG107"})
FORMATS = frozenset({"native", "huggingface"})
ROWS_SUFFIXES = (".jsonl", ".ndjson")  # one row a non-empty line
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'|[^\s,}\]#]+')
# a plain scalar YAML would read as a number (a hex digest such as 8e586970... is a float)
_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+")


@dataclass(frozen=True)
class FileFix:
    """The new text of one card and what it fixes."""

    path: str  # display path of the card
    abs_path: str
    before: str
    after: str
    fixed: int  # findings fixed in this file


def plan(findings: Sequence[Finding], documents: Iterable[Document], cwd: str) -> list[FileFix]:
    """The edits that fix the fixable, unwaived findings, one per file, sorted by path.
    Only native cards and Hugging Face ``synthgov:`` blocks are edited: their positions are
    the values' own text."""
    from synthgov.repo.files import LocalFiles

    wanted = [f for f in findings if f.rule in FIXABLE and not f.waived]
    if not wanted:
        return []
    docs = {(d.path, d.id): d for d in documents}
    files = LocalFiles()
    edits: dict[str, dict[tuple[int, int], tuple[str, str]]] = {}  # abs path -> position -> edit
    shown: dict[str, str] = {}
    counts: dict[str, int] = {}
    for finding in wanted:
        doc = docs.get((finding.path, finding.document))
        index = _file_index(finding.pointer)
        if doc is None or index is None or doc.source_format not in FORMATS:
            continue
        abs_path = os.path.normpath(os.path.join(cwd, doc.path))
        entry = _entry(doc, index)
        if entry is None:
            continue
        actual = _actual(doc, entry, files)
        made = 0
        for key, value in actual.items():
            if key not in entry or entry[key] == value or isinstance(entry[key], bool):
                continue
            pos = doc.positions.get(("files", index, key))
            if pos is None:
                continue
            edits.setdefault(abs_path, {})[(pos.line, pos.column)] = (_json(entry[key]), value)
            made += 1
        if made:
            shown[abs_path] = doc.path
            counts[abs_path] = counts.get(abs_path, 0) + 1
    out = []
    for abs_path in sorted(edits, key=lambda p: shown[p]):
        try:
            with open(abs_path, encoding="utf-8", newline="") as handle:
                before = handle.read()
        except (OSError, UnicodeDecodeError):
            continue
        after = _apply(before, edits[abs_path])
        if after != before:
            out.append(FileFix(shown[abs_path], abs_path, before, after, counts[abs_path]))
    return out


def diff(fixes: Sequence[FileFix]) -> str:
    """A unified diff of the fixes (paths as shown in findings)."""
    import difflib

    chunks: list[str] = []
    for fix in fixes:
        chunks.extend(
            difflib.unified_diff(
                fix.before.splitlines(keepends=True),
                fix.after.splitlines(keepends=True),
                fromfile=f"a/{fix.path}",
                tofile=f"b/{fix.path}",
            )
        )
    return "".join(line if line.endswith("\n") else line + "\n" for line in chunks)


def write(fixes: Sequence[FileFix]) -> None:
    """Write each fixed card atomically, keeping its permissions."""
    import stat
    import tempfile

    for fix in fixes:
        folder = os.path.dirname(fix.abs_path)
        mode = stat.S_IMODE(os.stat(fix.abs_path).st_mode)
        fd, tmp = tempfile.mkstemp(prefix=".synthgov-fix-", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(fix.after)
            os.chmod(tmp, mode)
            os.replace(tmp, fix.abs_path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


def _file_index(pointer: str) -> int | None:
    parts = pointer.split("/")
    if len(parts) >= 3 and parts[1] == "files" and parts[2].isdigit():
        return int(parts[2])
    return None


def _entry(doc: Document, index: int) -> Mapping[str, Any] | None:
    entries = doc.data.get("files")
    if not isinstance(entries, list) or index >= len(entries):
        return None
    entry = entries[index]
    if not isinstance(entry, Mapping) or not isinstance(entry.get("path"), str):
        return None
    return entry


def _actual(doc: Document, entry: Mapping[str, Any], files: Any) -> dict[str, Any]:
    """sha256, size and (for JSON Lines) rows of the file the entry names."""
    path = os.path.normpath(os.path.join(doc.abs_dir, entry["path"]))
    info = files.info(path)
    if not info.exists or not info.is_file:
        return {}
    if info.lfs_oid is not None:  # a Git LFS pointer: what it records, never the content
        return {"sha256": info.lfs_oid, "size": info.lfs_size}
    out: dict[str, Any] = {"sha256": files.sha256(path), "size": info.size}
    if path.endswith(ROWS_SUFFIXES):
        rows = _count_rows(path)
        if rows is not None:
            out["rows"] = rows
    return {k: v for k, v in out.items() if v is not None}


def _count_rows(path: str) -> int | None:
    try:
        with open(path, "rb") as handle:
            return sum(1 for line in handle if line.strip())
    except OSError:
        return None


def _json(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _apply(text: str, edits: dict[tuple[int, int], tuple[str, str]]) -> str:
    lines = text.splitlines(keepends=True)
    for (line, column), (old, new) in sorted(edits.items(), reverse=True):
        if not 1 <= line <= len(lines):
            continue
        row = lines[line - 1]
        found = _TOKEN.match(row, column - 1)
        if found is None or _unquote(found.group()) != old:
            continue  # the text is not what the card holds: leave it for a person
        replacement = _render(found.group(), new)
        lines[line - 1] = row[: found.start()] + replacement + row[found.end() :]
    return "".join(lines)


def _unquote(token: str) -> str:
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "\"'":
        return token[1:-1]
    return token


def _render(token: str, value: Any) -> str:
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if token[:1] in "\"'":
        return f"{token[0]}{text}{token[0]}"
    if _NUMBER.fullmatch(text):
        return f'"{text}"'
    return text
