"""Unit tests of synthgov.repo.files: the file access that rules get through the run context.

In-process, on real files in tmp dirs (no subprocess, no CLI): confinement to the roots,
regular files only, the hashing limits, memoised answers, and Git LFS pointer parsing.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from synthgov.repo import files

OID = "a" * 64
V1 = files.LFS_VERSION


def _pointer(*lines: str) -> bytes:
    return "".join(line + "\n" for line in lines).encode("ascii")


def _digest(access: files.LocalFiles, path: str) -> tuple[str | None, str]:
    found = access.digest(path)
    return found.sha256, found.error


def _write(path: Path, content: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    """A repository root with one data file, and a secret file beside the root."""
    root = tmp_path / "repo"
    _write(root / "data" / "train.jsonl", b'{"a": 1}\n')
    secret = _write(tmp_path / "outside" / "secret.txt", b"secret\n")
    return root, secret


# -- confinement ------------------------------------------------------------------------------


def test_paths_inside_the_roots_are_answered(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    access = files.LocalFiles(str(root))
    path = str(root / "data" / "train.jsonl")
    info = access.info(path)
    assert (info.exists, info.is_file, info.size, info.error) == (True, True, 9, "")
    assert access.sha256(path) == hashlib.sha256(b'{"a": 1}\n').hexdigest()
    assert access.read_bytes(path, 4) == b'{"a"'
    assert access.inside(str(root)) and access.real(str(root)) == os.path.realpath(root)


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink", "symlinked-folder"])
def test_paths_outside_the_roots_are_never_read(tree: tuple[Path, Path], how: str) -> None:
    root, secret = tree
    if how == "dotdot":
        path = str(root / ".." / "outside" / "secret.txt")
    elif how == "absolute":
        path = str(secret)
    elif how == "symlink":
        (root / "link.txt").symlink_to(secret)
        path = str(root / "link.txt")
    else:
        (root / "linked").symlink_to(secret.parent, target_is_directory=True)
        path = str(root / "linked" / "secret.txt")
    access = files.LocalFiles((str(root),))
    info = access.info(path)
    assert (info.exists, info.size, info.error) == (False, 0, files.OUTSIDE_ROOT)
    assert _digest(access, path) == (None, files.OUTSIDE_ROOT)
    assert access.read_bytes(path, 100) is None
    assert not access.inside(path)


def test_a_root_is_a_folder_not_a_name_prefix(tmp_path: Path) -> None:
    """``/x/repo`` does not admit ``/x/repo-other/file``."""
    root = tmp_path / "repo"
    root.mkdir()
    other = _write(tmp_path / "repo-other" / "f.txt", b"x")
    access = files.LocalFiles(str(root))
    assert access.real(str(other)) is None
    assert access.info(str(other)).error == files.OUTSIDE_ROOT


def test_files_the_operator_named_may_lie_outside(tree: tuple[Path, Path]) -> None:
    root, secret = tree
    access = files.LocalFiles(str(root), also=(str(secret),))
    assert access.sha256(str(secret)) == hashlib.sha256(b"secret\n").hexdigest()
    assert access.info(str(secret.parent / "other.txt")).error == files.OUTSIDE_ROOT


def test_without_roots_everything_is_answered(tree: tuple[Path, Path]) -> None:
    _, secret = tree
    assert files.LocalFiles().info(str(secret)).size == len(b"secret\n")


def test_a_nul_in_a_path_is_an_invalid_path(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    access = files.LocalFiles(str(root))
    path = str(root / "data") + "/bad\0name"
    assert access.info(path).error == files.INVALID_PATH
    assert _digest(access, path) == (None, files.INVALID_PATH)
    assert access.read_bytes(path, 10) is None and not access.inside(path)


# -- regular files only -------------------------------------------------------------------------


def test_a_missing_file_does_not_exist(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    access = files.LocalFiles(str(root))
    info = access.info(str(root / "data" / "gone.jsonl"))
    assert not info.exists and info.error  # the OS's reason, e.g. "No such file or directory"
    assert access.sha256(str(root / "data" / "gone.jsonl")) is None


def test_a_folder_exists_but_is_not_a_file(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    access = files.LocalFiles(str(root))
    info = access.info(str(root / "data"))
    assert (info.exists, info.is_file, info.size) == (True, False, 0)
    assert _digest(access, str(root / "data")) == (None, "not a regular file")
    assert access.read_bytes(str(root / "data"), 10) is None


def test_a_fifo_is_never_opened_for_reading(tree: tuple[Path, Path]) -> None:
    """O_NONBLOCK and fstat on the descriptor: a FIFO without a writer cannot hang the run."""
    root, _ = tree
    fifo = root / "data" / "pipe.jsonl"
    os.mkfifo(fifo)
    access = files.LocalFiles(str(root))
    info = access.info(str(fifo))
    assert (info.exists, info.is_file) == (True, False)
    assert _digest(access, str(fifo)) == (None, "not a regular file")
    assert access.read_bytes(str(fifo), 10) is None


# -- hashing limits and memoised answers --------------------------------------------------------


def test_a_file_over_the_hash_limit_is_not_hashed(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    path = str(root / "data" / "train.jsonl")  # 9 bytes
    small = files.LocalFiles(str(root), max_hash_bytes=8)
    assert _digest(small, path) == (None, "larger than the 8-byte hashing limit")
    exact = files.LocalFiles(str(root), max_hash_bytes=9)
    assert _digest(exact, path) == (hashlib.sha256(b'{"a": 1}\n').hexdigest(), "")


def test_a_spent_hashing_budget_stops_hashing(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    access = files.LocalFiles(str(root), hash_seconds=-1.0)  # already past the deadline
    path = str(root / "data" / "train.jsonl")
    assert _digest(access, path) == (None, "the run's hashing time limit was reached")


def test_hashing_reads_chunks_past_the_first(tmp_path: Path) -> None:
    content = os.urandom(2 * 1024 * 1024 + 17)  # more than one 1 MiB read
    path = _write(tmp_path / "big.bin", content)
    assert files.LocalFiles(str(tmp_path)).sha256(str(path)) == hashlib.sha256(content).hexdigest()


def test_answers_are_memoised_per_instance(tree: tuple[Path, Path]) -> None:
    root, _ = tree
    path = root / "data" / "train.jsonl"
    access = files.LocalFiles(str(root))
    first_info, first_digest = access.info(str(path)), access.digest(str(path))
    path.write_bytes(b"changed, and longer\n")
    assert access.info(str(path)) is first_info
    assert access.digest(str(path)) is first_digest
    fresh = files.LocalFiles(str(root))
    assert fresh.info(str(path)).size == len(b"changed, and longer\n")
    assert fresh.sha256(str(path)) == hashlib.sha256(b"changed, and longer\n").hexdigest()


def test_an_empty_file_has_the_empty_digest(tmp_path: Path) -> None:
    path = _write(tmp_path / "empty.csv", b"")
    access = files.LocalFiles(str(tmp_path))
    assert access.info(str(path)).size == 0
    assert access.sha256(str(path)) == hashlib.sha256(b"").hexdigest()


# -- Git LFS pointers ---------------------------------------------------------------------------


def test_a_pointer_file_reports_the_oid_and_size_of_its_object(tmp_path: Path) -> None:
    raw = _pointer(f"version {V1}", f"oid sha256:{OID}", "size 123456")
    path = _write(tmp_path / "train.parquet", raw)
    info = files.LocalFiles(str(tmp_path)).info(str(path))
    assert (info.lfs_oid, info.lfs_size, info.size) == (OID, 123456, len(raw))


def _padded(size: int) -> bytes:
    """A well-formed pointer of exactly ``size`` bytes (an extension carries the padding)."""
    short = _pointer(f"version {V1}", "ext-0-pad x", f"oid sha256:{OID}", "size 12")
    return short.replace(b"pad x", b"pad " + b"x" * (size - len(short) + 1))


def test_a_file_of_1024_bytes_or_more_is_content_not_a_pointer(tmp_path: Path) -> None:
    just_below, at_limit = _padded(files.LFS_MAX_BYTES - 1), _padded(files.LFS_MAX_BYTES)
    assert len(at_limit) == files.LFS_MAX_BYTES
    assert files.parse_lfs_pointer(just_below) == (OID, 12)
    assert files.parse_lfs_pointer(at_limit) is None
    access = files.LocalFiles(str(tmp_path))
    below = access.info(str(_write(tmp_path / "below.bin", just_below)))
    limit = access.info(str(_write(tmp_path / "limit.bin", at_limit)))
    assert (below.lfs_oid, below.lfs_size) == (OID, 12)
    assert (limit.lfs_oid, limit.lfs_size, limit.size) == (None, None, files.LFS_MAX_BYTES)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (_pointer(f"version {V1}", f"oid sha256:{OID}", "size 0"), (OID, 0)),
        (
            _pointer(
                f"version {V1}",
                "ext-0-foo sha256:" + "b" * 64,
                "ext-1-bar sha256:" + "c" * 64,
                f"oid sha256:{OID}",
                "size 7",
            ),
            (OID, 7),
        ),
    ],
    ids=["plain", "extensions"],
)
def test_valid_pointers_parse(raw: bytes, expected: tuple[str, int]) -> None:
    assert files.parse_lfs_pointer(raw) == expected


_BROKEN = {
    "empty": b"",
    "a lone newline": b"\n",
    "no final newline": _pointer(f"version {V1}", f"oid sha256:{OID}", "size 1")[:-1],
    "version only": _pointer(f"version {V1}"),
    "version not first": _pointer(f"oid sha256:{OID}", f"version {V1}", "size 1"),
    "another version url": _pointer(
        "version https://example.invalid/spec/v1", f"oid sha256:{OID}", "size 1"
    ),
    "keys out of order": _pointer(f"version {V1}", "size 1", f"oid sha256:{OID}"),
    "extension after oid": _pointer(f"version {V1}", f"oid sha256:{OID}", "ext-0-foo x", "size 1"),
    "version twice": _pointer(f"version {V1}", f"version {V1}", f"oid sha256:{OID}", "size 1"),
    "a key twice": _pointer(f"version {V1}", f"oid sha256:{OID}", f"oid sha256:{OID}", "size 1"),
    "an unknown key": _pointer(f"version {V1}", "colour blue", f"oid sha256:{OID}", "size 1"),
    "a malformed extension": _pointer(
        f"version {V1}", "ext-x-foo y", f"oid sha256:{OID}", "size 1"
    ),
    "a key without a value": _pointer(f"version {V1}", "oid", "size 1"),
    "a value without a key": _pointer(f"version {V1}", f" sha256:{OID}", "size 1"),
    "a blank line": _pointer(f"version {V1}", "", f"oid sha256:{OID}", "size 1"),
    "no oid": _pointer(f"version {V1}", "size 1"),
    "no size": _pointer(f"version {V1}", f"oid sha256:{OID}"),
    "another hash": _pointer(f"version {V1}", f"oid sha512:{OID}", "size 1"),
    "a short oid": _pointer(f"version {V1}", "oid sha256:" + "a" * 63, "size 1"),
    "an upper-case oid": _pointer(f"version {V1}", "oid sha256:" + "A" * 64, "size 1"),
    "a non-hex oid": _pointer(f"version {V1}", "oid sha256:" + "g" * 64, "size 1"),
    "a negative size": _pointer(f"version {V1}", f"oid sha256:{OID}", "size -1"),
    "a leading zero": _pointer(f"version {V1}", f"oid sha256:{OID}", "size 012"),
    "a size with a space": _pointer(f"version {V1}", f"oid sha256:{OID}", "size 1 2"),
    "CRLF line ends": f"version {V1}\r\noid sha256:{OID}\r\nsize 1\r\n".encode("ascii"),
    "trailing content": _pointer(f"version {V1}", f"oid sha256:{OID}", "size 1") + b"PAYLOAD\n",
    # well formed but for one non-ASCII byte in an extension's value
    "not ASCII": f"version {V1}\next-0-foo \xc3\xa9\noid sha256:{OID}\nsize 1\n".encode("latin-1"),
}


@pytest.mark.parametrize("raw", list(_BROKEN.values()), ids=list(_BROKEN))
def test_anything_but_an_exact_pointer_is_content(raw: bytes) -> None:
    assert files.parse_lfs_pointer(raw) is None


def test_real_paths_are_what_realpath_says(tmp_path: Path) -> None:
    """The folder memo of LocalFiles gives os.path.realpath's answer: links (to folders, to
    files, out of the root, in loops), "..", missing parts, relative paths."""
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "f").write_text("x")
    (tmp_path / "ln").symlink_to(tmp_path / "a")
    (tmp_path / "a" / "out").symlink_to("/etc")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a" / "loop")
    (tmp_path / "a" / "fl").symlink_to(tmp_path / "a" / "b" / "f")
    local = files.LocalFiles(str(tmp_path))
    cases = ["a/b/f", "ln/b/f", "a/out/passwd", "a/b/../b/f", "a/loop/x", "a/fl", "nope/x", "a//b"]
    for rel in cases:
        path = str(tmp_path / rel) if "//" not in rel else f"{tmp_path}/{rel}"
        assert local._realpath(path) == os.path.realpath(path), rel
    assert local.real(str(tmp_path / "a" / "out" / "passwd")) is None  # outside the root
    assert local.real(str(tmp_path / "ln" / "b" / "f")) == str(tmp_path / "a" / "b" / "f")
