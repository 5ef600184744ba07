"""Start-up stays light: `--version` and a single-card check import nothing heavy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TODAY, imported_modules

CARD = (
    "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: one, owner: a@b.example}\n"
    "composition: {total_rows: 10, synthetic_rows: 10}\n"
    "generation: [{model: gpt-4o-2024-08-06, role: generator}]\n"
)
HEAVY = ("git", "jsonschema", "celpy", "referencing", "hypothesis", "rich", "duckdb")


def _imported(args: list[str], cwd: Path) -> set[str]:
    return imported_modules(args, cwd)


def test_version_imports_only_click(tmp_path: Path) -> None:
    modules = _imported(["--version"], tmp_path)
    for heavy in (*HEAVY, "pluggy", "yaml", "jsonschema_rs"):
        assert heavy not in modules, f"--version imported {heavy}"


@pytest.mark.parametrize("in_git", [False, True], ids=["plain-dir", "git-work-tree"])
def test_single_card_check_imports_nothing_heavy(tmp_path: Path, in_git: bool) -> None:
    # the pre-commit case runs inside a git work tree: discovery (git ls-files) and the
    # repository context must not pull GitPython in either
    (tmp_path / "card.yaml").write_text(CARD)
    if in_git:
        subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True, capture_output=True)
        subprocess.run(["git", "add", "card.yaml"], cwd=tmp_path, check=True)
    modules = _imported(["check", "card.yaml"], tmp_path)
    for heavy in HEAVY:
        assert heavy not in modules, f"a single-card check imported {heavy}"
    assert not any(m.startswith(("git.", "gitdb", "smmap")) for m in modules), "GitPython"
    assert "synthgov.app.check.gitdiff" not in modules
    assert "synthgov.engine.evaluate" in modules  # the measurement saw the real run
    # the card, the config and the baseline pack are proved valid in pure Python
    assert "synthgov.policy.quickschema" in modules
    assert "jsonschema_rs" not in modules, "a valid card needs no jsonschema-rs"


def test_an_invalid_card_is_reported_by_jsonschema_rs(tmp_path: Path) -> None:
    (tmp_path / "card.yaml").write_text(CARD + "licence: mit\n")
    modules = _imported(["check", "card.yaml"], tmp_path)
    assert "jsonschema_rs" in modules
    proc = _console(["check", "--select", "SG002", "card.yaml"], tmp_path)
    assert proc.returncode == 1
    assert "card.yaml:6:10: SG002 [error] unknown key 'licence'" in proc.stdout, proc.stdout


def _console(args: list[str], cwd: Path, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "synthgov", *args],
        cwd=cwd,
        env={**os.environ, "SYNTHGOV_TODAY": TODAY, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_fast_exit_keeps_exit_codes_and_flushes_all_output(tmp_path: Path) -> None:
    """synthgov.cli.console ends with os._exit: every exit code and every byte must survive."""
    for i in range(40):  # enough findings for output well past any stream buffer
        (tmp_path / f"c{i}.yaml").write_text(CARD.replace("id: one", f"id: card-{i}"))
    report = _console(["check", "--no-cache", "--format", "json"], tmp_path)
    assert report.returncode == 1, report.stderr
    assert len(report.stdout) > 65536
    assert len(json.loads(report.stdout)["findings"]) > 40
    clean = _console(["check", "--no-cache", "--select", "SG401"], tmp_path)
    assert clean.returncode == 0 and "0 error(s)" in clean.stdout
    bad = _console(["check", "--policy", "builtin:nope"], tmp_path)
    assert bad.returncode == 2 and "builtin:nope" in bad.stderr
    assert _console(["--version"], tmp_path).stdout.startswith("synthgov ")


def test_atexit_handlers_of_plugins_still_run(tmp_path: Path) -> None:
    (tmp_path / "leaves_a_mark.py").write_text(
        "import atexit, pathlib\n"
        "atexit.register(lambda: pathlib.Path('mark.txt').write_text('ran'))\n"
    )
    (tmp_path / "synthgov.yaml").write_text("plugins: [leaves_a_mark]\n")
    (tmp_path / "card.yaml").write_text(CARD)
    proc = _console(["check", "--no-cache"], tmp_path, {"PYTHONPATH": str(tmp_path)})
    assert proc.returncode == 1, proc.stderr
    assert (tmp_path / "mark.txt").read_text() == "ran"


def test_pyyaml_compiles_its_expressions_on_first_use() -> None:
    """The console entry defers the regular expressions PyYAML compiles at import; PyYAML
    reads the same (the pure-Python reader and resolver included), and nothing else's
    expressions are deferred."""
    code = (
        "import re, yaml.reader  # noqa\n"
        "from synthgov.core.lazyre import LazyRegex\n"
        "assert isinstance(yaml.reader.Reader.NON_PRINTABLE, LazyRegex)\n"
        "assert type(re.compile('x')) is re.Pattern\n"
        "text = 'a: 2020-01-02\\nb: 0x1f\\nc: yes\\nd: ~\\ne: 1.5e3\\n'\n"
        "pure = yaml.load(text, Loader=yaml.SafeLoader)\n"
        "assert pure == yaml.load(text, Loader=yaml.CSafeLoader) and pure['b'] == 31\n"
        "try:\n"
        "    yaml.load('a: \\x07', Loader=yaml.SafeLoader)\n"
        "except yaml.reader.ReaderError:\n"
        "    print('ok')\n"
    )
    run = "from synthgov.cli.console import import_yaml_lazily\nimport_yaml_lazily()\n" + code
    done = subprocess.run([sys.executable, "-c", run], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
