"""Compiled dataclass methods kept between runs (synthgov/repo/codecache.py).

Each test runs real ``python -m synthgov`` processes (the cache is installed only by the
console entry point, and it changes the ``dataclasses`` module of its process), with the
cache folder and the signing key in temporary folders.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, TODAY

CARD = ROOT / "examples" / "acme"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "SYNTHGOV_CACHE_DIR": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "SYNTHGOV_TODAY": TODAY,
        "NO_COLOR": "1",
    }
    env.pop("SYNTHGOV_NO_SNAPSHOTS", None)
    env.update(extra)
    return env


def _check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "synthgov", "check", "--format", "json", "--no-cache", "."],
        cwd=CARD,
        env=_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "snapshots").glob("dataclass-code-*.bin"))


def test_a_second_run_reuses_the_compiled_methods_and_reports_the_same(tmp_path: Path) -> None:
    first = _check(tmp_path)
    assert first.returncode == 0, first.stderr
    [stored] = _files(tmp_path)
    written = stored.stat().st_mtime_ns
    second = _check(tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert stored.stat().st_mtime_ns == written  # nothing new to compile: not rewritten
    without = _check(tmp_path, SYNTHGOV_NO_SNAPSHOTS="1")
    assert without.stdout == first.stdout


@pytest.mark.slow
def test_a_tampered_file_is_never_unmarshalled_and_is_rewritten(tmp_path: Path) -> None:
    assert _check(tmp_path).returncode == 0
    [stored] = _files(tmp_path)
    data = bytearray(stored.read_bytes())
    data[-10] ^= 0xFF  # the body changes, the signature does not
    stored.write_bytes(bytes(data))
    again = _check(tmp_path)
    assert again.returncode == 0, again.stderr
    assert stored.read_bytes() != bytes(data)  # rebuilt and signed again
    # a file signed with another user's key is not believed either: compiled anew, re-signed
    signed = stored.read_bytes()
    foreign = _check(tmp_path, XDG_STATE_HOME=str(tmp_path / "other-state"))
    assert foreign.returncode == 0, foreign.stderr
    assert foreign.stdout == again.stdout
    assert stored.read_bytes()[:32] != signed[:32]


def test_snapshots_off_means_no_file(tmp_path: Path) -> None:
    assert _check(tmp_path, SYNTHGOV_NO_SNAPSHOTS="1").returncode == 0
    assert _files(tmp_path) == []


@pytest.mark.slow
@pytest.mark.parametrize("frozen", [True, False])
def test_dataclasses_built_through_the_cache_behave_as_without_it(
    tmp_path: Path, frozen: bool
) -> None:
    """The cache only skips compiling: equality, hashing, repr, defaults and frozenness of a
    class built from a cached code object are those of the plain build."""
    script = f"""
import dataclasses
from synthgov.repo.codecache import install
save = install()
assert save is not None
@dataclasses.dataclass(frozen={frozen})
class P:
    x: int
    y: tuple = ()
a, b = P(1), P(1, ())
assert a == b and a != P(2) and repr(a) == "P(x=1, y=())"
if {frozen}:
    assert hash(a) == hash(b)
    try:
        a.x = 2
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("a frozen class could be changed")
else:
    a.x = 2
    assert a.x == 2
save()
print("ok")
"""
    env = _env(tmp_path)
    for _ in range(2):  # compiled, then from the cache
        proc = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr
    assert len(_files(tmp_path)) == 1
