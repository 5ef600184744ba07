"""Issue 11, "Reads outside the repository": what a card can make synthgov read.

A card names data files and prompts; SG104/SG107/SG108 look at them. A hostile card must not
make a CI runner read (and print the sha256 or size of) a file outside the repository, hang on
a special file, or hide an unreadable file or folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from synthgov.app.check.runner import CheckOptions, prepare, run_check
from synthgov.repo import files as file_access
from tests.conftest import git as run_git
from tests.conftest import run_cli, write_tree

SECRET = b"root:x:0:0:secret outside the repository\n"
ZEROS = "0" * 64


def _outside_repo(tmp_path: Path) -> tuple[Path, Path]:
    """A repository and, beside it, a secret file that it must never read."""
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    repo.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_bytes(SECRET)
    return repo, outside / "secret.txt"


def _card(files: str, extra: str = "") -> str:
    return (
        "apiVersion: synthgov/v1\nkind: DatasetCard\n"
        "metadata: {id: d, owner: team@example.invalid}\n"
        f"files:\n{files}{extra}"
    )


def _check_json(repo: Path, *args: str, timeout: float = 60) -> tuple[int, dict, str]:
    proc = run_cli("check", "--no-cache", "--format", "json", *args, cwd=repo, timeout=timeout)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stdout + proc.stderr


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink", "symlinked-folder"])
def test_files_outside_the_repository_are_findings_never_read(tmp_path: Path, how: str) -> None:
    repo, secret = _outside_repo(tmp_path)
    if how == "dotdot":
        path = "../outside/secret.txt"
    elif how == "absolute":
        path = str(secret)
    elif how == "symlink":
        (repo / "data.txt").symlink_to(secret)
        path = "data.txt"
    else:
        (repo / "data").symlink_to(secret.parent, target_is_directory=True)
        path = "data/secret.txt"
    prompt = (
        "synthetic: true\ngeneration:\n  - model: gpt-4o-2024-08-06\n    role: generator\n"
        f"    prompt: {{path: '{path}', sha256: '{ZEROS}'}}\n"
    )
    write_tree(
        repo, {"card.yaml": _card(f"  - {{path: '{path}', sha256: '{ZEROS}', size: 1}}\n", prompt)}
    )
    code, report, output = _check_json(repo)
    by_rule = {f["rule"]: f["message"] for f in report["findings"]}
    assert "points outside the repository" in by_rule["SG108"], by_rule
    assert "points outside the repository" in by_rule["SG104"], by_rule
    assert "SG107" not in by_rule, by_rule
    assert hashlib.sha256(SECRET).hexdigest() not in output
    assert f"{len(SECRET)} bytes" not in output
    assert code == 1


def test_a_symlink_inside_the_repository_is_followed(tmp_path: Path) -> None:
    write_tree(tmp_path, {"data/real.txt": "rows\n"})
    (tmp_path / "data" / "link.txt").symlink_to("real.txt")
    digest = hashlib.sha256(b"rows\n").hexdigest()
    write_tree(
        tmp_path,
        {"card.yaml": _card(f"  - {{path: data/link.txt, sha256: '{digest}', size: 5}}\n")},
    )
    _, report, _ = _check_json(tmp_path)
    assert not [f for f in report["findings"] if f["rule"] in ("SG107", "SG108")], report


def test_a_symlink_to_proc_does_not_hang_the_run(tmp_path: Path) -> None:
    """On main this took minutes: /proc/self/pagemap is a 'regular file' without end."""
    (tmp_path / "data.bin").symlink_to("/proc/self/pagemap")
    write_tree(
        tmp_path, {"card.yaml": _card(f"  - {{path: data.bin, sha256: '{ZEROS}', size: 1}}\n")}
    )
    started = time.monotonic()
    _, report, _ = _check_json(tmp_path, timeout=30)
    assert time.monotonic() - started < 20
    sg108 = [f for f in report["findings"] if f["rule"] == "SG108"]
    assert len(sg108) == 1 and "outside the repository" in sg108[0]["message"]


def test_hashing_reads_no_more_than_the_size_a_file_reports() -> None:
    """Even when a /proc file is inside the allowed roots, hashing is bounded by its size."""
    files = file_access.LocalFiles(("/proc",))
    started = time.monotonic()
    digest = files.digest("/proc/self/pagemap")
    assert time.monotonic() - started < 5
    assert digest.sha256 is None and digest.error
    status = files.digest("/proc/self/status")  # size 0, yet it has content
    assert status.sha256 is None and "longer than its size" in status.error
    late = file_access.LocalFiles(("/proc",), hash_seconds=0.0).digest("/proc/self/status")
    assert late.sha256 is None and "time limit" in late.error


def test_a_fifo_is_not_a_regular_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.bin")
    write_tree(tmp_path, {"card.yaml": _card(f"  - {{path: pipe.bin, sha256: '{ZEROS}'}}\n")})
    _, report, _ = _check_json(tmp_path, timeout=30)
    messages = [f["message"] for f in report["findings"] if f["rule"] == "SG108"]
    assert messages == ["data file pipe.bin is not a regular file"]


@pytest.mark.parametrize(
    ("raw", "pointer"),
    [
        (
            b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 64 + b"\nsize 12\n",
            True,
        ),
        (
            b"version https://git-lfs.github.com/spec/v1\next-0-foo sha256:"
            + b"b" * 64
            + b"\noid sha256:"
            + b"a" * 64
            + b"\nsize 12\n",
            True,
        ),
        # extra bytes after a pointer: content, hashed as such
        (
            b"version https://git-lfs.github.com/spec/v1\noid sha256:"
            + b"a" * 64
            + b"\nsize 12\nPAYLOAD",
            False,
        ),
        (
            b"version https://git-lfs.github.com/spec/v1\noid sha256:"
            + b"a" * 64
            + b"\nsize 12\n\x00\x01binary\n",
            False,
        ),
        (
            b"version https://git-lfs.github.com/spec/v1\nsize 12\noid sha256:" + b"a" * 64 + b"\n",
            False,
        ),
        (
            b"version https://git-lfs.github.com/spec/v1\noid sha256:"
            + b"a" * 64
            + b"\nsize 12\nsize 13\n",
            False,
        ),
        (
            b"version https://git-lfs.github.com/spec/v1\noid sha256:" + b"a" * 63 + b"\nsize 1\n",
            False,
        ),
    ],
)
def test_git_lfs_pointers_are_exact(raw: bytes, pointer: bool) -> None:
    assert (file_access.parse_lfs_pointer(raw) is not None) is pointer


# ----------------------------------------------------------------- unreadable files and folders


@contextlib.contextmanager
def _unprivileged() -> Iterator[None]:
    """As root, chmod 000 does not stop reading: run the block as nobody (effective ids)."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(65534)
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.mark.parametrize("git", [False, True])
def test_unreadable_data_files_and_folders_are_findings(
    git: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    with tempfile.TemporaryDirectory(prefix="sg-perm-") as tmp:
        os.chmod(tmp, 0o755)
        repo = Path(tmp) / "repo"
        write_tree(
            repo,
            {
                "open/card.yaml": _card(f"  - {{path: data.bin, sha256: '{ZEROS}', size: 4}}\n"),
                "open/data.bin": "data",
                "locked/card.yaml": _card("  - {path: x.bin}\n"),
            },
        )
        for path in (repo, *repo.rglob("*")):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        if git:  # the card in the locked folder is tracked: git lists it, reading it fails
            run_git(repo, "init", "-q")
            run_git(repo, "add", "-A")
            # nobody may use root's repository (git's ownership check), as in a CI container
            monkeypatch.setenv("HOME", tmp)  # root's home is closed to nobody
            monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
            monkeypatch.setenv("GIT_CONFIG_KEY_0", "safe.directory")
            monkeypatch.setenv("GIT_CONFIG_VALUE_0", "*")
        options = CheckOptions(cwd=str(repo), use_cache=False)
        setup = prepare(options)
        run_check(options, setup)  # as root first: everything the run imports is imported
        os.chmod(repo / "locked", 0)
        os.chmod(repo / "open" / "data.bin", 0)
        try:
            with contextlib.chdir(repo), _unprivileged():
                with contextlib.suppress(PermissionError):
                    (repo / "open" / "data.bin").read_bytes()
                    pytest.fail("chmod 000 did not make the file unreadable")
                findings = run_check(options, setup).report.findings
        finally:
            os.chmod(repo / "locked", 0o755)
            os.chmod(repo / "open" / "data.bin", 0o644)
        got = {
            (f.path, f.rule): f.message for f in findings if f.rule in ("SG001", "SG107", "SG108")
        }
        want = {
            ("locked", "SG001"): "cannot read folder: Permission denied; "
            "the documents in it were not checked",
            ("open/card.yaml", "SG108"): "data file data.bin cannot be read: Permission denied",
        }
        if git:
            want[("locked/card.yaml", "SG001")] = "cannot read file: Permission denied"
        assert got == want


def test_the_cache_never_reads_a_file_outside_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The result cache checks recently modified inputs by content; never outside ones."""
    from synthgov.app.cache import runcache as cache

    repo, secret = _outside_repo(tmp_path)  # the secret was just written: "racy"
    (repo / "data.txt").symlink_to(secret)
    write_tree(repo, {"card.yaml": _card(f"  - {{path: data.txt, sha256: '{ZEROS}'}}\n")})
    monkeypatch.setenv("SYNTHGOV_CACHE_DIR", str(tmp_path / "cache"))
    hashed: list[str] = []
    real_hash = cache.content_hash

    def spy(path: str) -> str | None:
        hashed.append(os.path.realpath(path))
        return real_hash(path)

    monkeypatch.setattr(cache, "content_hash", spy)
    options = CheckOptions(cwd=str(repo))
    run_check(options, prepare(options))
    assert hashed, "the run did not check any input by content (the test proves nothing)"
    assert str(secret) not in hashed
