"""Third-party plugins (SPEC section 12): the example package in examples/plugin installed
with pip, its rule, loader, reporter, policy pack and model entry at work through the real
command line, and broken plugins reported as one clear line, never a traceback.

Each package is copied to a temporary folder (so no build files land in the repository) and
installed with ``pip install --no-deps --target``; the command line then runs with that
folder on ``PYTHONPATH``, where ``importlib.metadata`` finds the entry points.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli, write_tree

EXAMPLE = ROOT / "examples" / "plugin"
BROKEN_PYPROJECT = """[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "synthgov-broken-plugin"
version = "0.0.1"

[project.entry-points.synthgov]
broken = "synthgov_broken"

[tool.setuptools]
packages = ["synthgov_broken"]
"""
BROKEN_MODULE = 'raise RuntimeError("cannot reach the licence server")\n'
SHEET = """acme_sheet: 1
dataset: support-faq-synth
owner: nlp-data@acme.example
license: cc-by-4.0
generated_by: acme/house-lm-7b
use: Ranking.
"""
CARD = """apiVersion: synthgov/v1
kind: DatasetCard
metadata: {id: tickets-synth, owner: data@acme.example}
composition: {total_rows: 10, synthetic_rows: 10}
intended_use: Training the ticket router of the support bot, English only.
"""


def _builds_in_place() -> bool:
    """Whether the test environment can build a wheel without build isolation."""
    try:
        major, minor = (int(x) for x in version("setuptools").split(".")[:2])
    except (PackageNotFoundError, ValueError):
        return False
    if (major, minor) >= (70, 1):
        return True
    try:
        version("wheel")
    except PackageNotFoundError:
        return False
    return True


def pip_install(src: Path, target: Path) -> None:
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
    command += ["--disable-pip-version-check", "--target", str(target), str(src)]
    if _builds_in_place():
        command.insert(5, "--no-build-isolation")
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def with_path(target: Path) -> dict[str, str]:
    current = os.environ.get("PYTHONPATH")
    return {"PYTHONPATH": str(target) + (os.pathsep + current if current else "")}


@pytest.fixture(scope="module")
def acme(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The example plugin, pip-installed into a fresh folder; the env that makes it visible."""
    root = tmp_path_factory.mktemp("acme-plugin")
    src = root / "src"
    shutil.copytree(EXAMPLE, src, ignore=shutil.ignore_patterns("*.egg-info", "build"))
    pip_install(src, root / "site")
    assert (root / "site" / "synthgov_acme" / "policies" / "acme-strict.yaml").is_file()
    return with_path(root / "site")


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A plugin package whose module raises on import."""
    root = tmp_path_factory.mktemp("broken-plugin")
    write_tree(
        root / "src",
        {"pyproject.toml": BROKEN_PYPROJECT, "synthgov_broken/__init__.py": BROKEN_MODULE},
    )
    pip_install(root / "src", root / "site")
    return with_path(root / "site")


@pytest.mark.slow
def test_plugins_command_lists_the_example_plugin(acme: dict[str, str], tmp_path: Path) -> None:
    proc = run_cli("plugins", cwd=tmp_path, env=acme)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    start = lines.index("acme 0.2.0 (entry point)")
    assert lines[start + 1 : start + 6] == [
        "    rules: ACME100",
        "    loaders: acme-sheet",
        "    reporters: acme-csv",
        "    policies: acme-strict",
        "    models: 1 registry entries",
    ]
    assert "synthgov.loaders.builtin 0.1.0 (builtin)" in lines
    assert not [line for line in lines if line.startswith("error:")]
    data = json.loads(run_cli("plugins", "--format", "json", cwd=tmp_path, env=acme).stdout)
    (plugin,) = [p for p in data["plugins"] if p["name"] == "acme"]
    assert plugin["version"] == "0.2.0" and plugin["rules"] == ["ACME100"]
    assert data["errors"] == []


@pytest.mark.slow
def test_plugin_rule_is_listed_and_explained(acme: dict[str, str], tmp_path: Path) -> None:
    rules = run_cli("rules", cwd=tmp_path, env=acme)
    (line,) = [x for x in rules.stdout.splitlines() if x.startswith("ACME100")]
    assert "intended-use-missing" in line and " acme " in line
    explain = run_cli("explain", "ACME100", cwd=tmp_path, env=acme)
    assert explain.returncode == 0, explain.stderr
    assert "does not say what the data is for" in explain.stdout
    assert "min_length" in explain.stdout and "20" in explain.stdout


@pytest.mark.slow
def test_pack_by_bare_name_with_the_plugin_rule_and_loader(
    acme: dict[str, str], tmp_path: Path
) -> None:
    write_tree(
        tmp_path,
        {
            "synthgov.yaml": "policies: [acme-strict]\n",
            "faq/faq.sheet.yaml": SHEET,
            "tickets/card.yaml": CARD,
        },
    )
    proc = run_cli("check", "--format", "json", cwd=tmp_path, env=acme)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["summary"]["documents"] == 2  # the sheet is read by the plugin's loader
    acme100 = [f for f in report["findings"] if f["rule"] == "ACME100"]
    # the pack makes ACME100 an error with min_length 30: the sheet's "Ranking." is too short
    assert [(f["path"], f["line"], f["severity"]) for f in acme100] == [
        ("faq/faq.sheet.yaml", 6, "error")
    ]
    assert "shorter than 30" in acme100[0]["message"]
    rules = {(f["path"], f["rule"]) for f in report["findings"]}
    assert ("faq/faq.sheet.yaml", "SG103") not in rules  # the plugin's model entry knows it
    assert not any(rule == "SG402" for _, rule in rules)  # the pack turns SG402 off
    # the plugin's output format
    csv_out = run_cli("check", "--format", "acme-csv", cwd=tmp_path, env=acme)
    assert csv_out.returncode == 1, csv_out.stderr
    rows = csv_out.stdout.splitlines()
    assert rows[0] == "path,line,rule,severity,document,message"
    assert "faq/faq.sheet.yaml,6,ACME100,error,support-faq-synth," in "\n".join(rows)
    # without the plugin, the bare pack name resolves to nothing: fail closed
    without = run_cli("check", cwd=tmp_path)
    assert without.returncode == 2
    assert "acme-strict" in without.stderr and "Traceback" not in without.stderr


@pytest.mark.slow
def test_plugin_rule_runs_only_where_a_policy_names_it_or_its_pack(
    acme: dict[str, str], tmp_path: Path
) -> None:
    # installed, but this repository's policy never names ACME100 nor extends acme-strict
    write_tree(tmp_path, {"faq/faq.sheet.yaml": SHEET, "tickets/card.yaml": CARD})

    def acme100(env: dict[str, str]) -> list[tuple[str, int]]:
        proc = run_cli("check", "--format", "json", "--no-cache", cwd=tmp_path, env=env)
        assert proc.returncode in (0, 1), proc.stderr
        findings = json.loads(proc.stdout)["findings"]
        return [(f["path"], f["line"]) for f in findings if f["rule"] == "ACME100"]

    assert acme100(acme) == []
    # the loader and the model entry still work: the sheet is a document
    # a policy that names the rule enables it
    write_tree(
        tmp_path,
        {
            "synthgov.yaml": "policies: [builtin:baseline, ./policy.yaml]\n",
            "policy.yaml": (
                "apiVersion: synthgov/v1\nkind: Policy\nmetadata: {name: p}\n"
                "rules:\n  ACME100: warning\n"
            ),
        },
    )
    assert acme100(acme) == [("faq/faq.sheet.yaml", 6)]
    # extending the plugin's pack enables it too (test_pack_by_bare_name_... checks findings)
    write_tree(tmp_path, {"synthgov.yaml": "policies: [acme-strict]\n"})
    assert acme100(acme) == [("faq/faq.sheet.yaml", 6)]


@pytest.mark.slow
def test_broken_plugin_is_one_clear_error(broken: dict[str, str], tmp_path: Path) -> None:
    proc = run_cli("plugins", cwd=tmp_path, env=broken)
    assert proc.returncode == 1
    errors = [x for x in proc.stdout.splitlines() if x.startswith("error:")]
    assert errors == [
        "error: plugin broken (synthgov-broken-plugin 0.0.1) failed to load: "
        "RuntimeError: cannot reach the licence server"
    ]
    assert "Traceback" not in proc.stdout + proc.stderr
    # a check still runs, and says which plugin is missing
    write_tree(tmp_path, {"tickets/card.yaml": CARD})
    ok = run_cli("check", cwd=tmp_path, env=broken)
    assert ok.returncode in (0, 1)
    assert ok.stderr.splitlines() == [
        "synthgov: warning: plugin broken (synthgov-broken-plugin 0.0.1) failed to load: "
        "RuntimeError: cannot reach the licence server"
    ]


@pytest.mark.slow
def test_policy_using_a_broken_plugins_rule_fails_closed(
    broken: dict[str, str], tmp_path: Path
) -> None:
    write_tree(
        tmp_path,
        {
            "synthgov.yaml": "policies: [./policy.yaml]\n",
            "policy.yaml": (
                "apiVersion: synthgov/v1\nkind: Policy\nmetadata: {name: acme}\n"
                "extends: [builtin:baseline]\nrules:\n  ACME100: error\n"
            ),
            "tickets/card.yaml": CARD,
        },
    )
    proc = run_cli("check", cwd=tmp_path, env=broken)
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 2, proc.stderr
    assert "plugin broken" in lines[0] and "failed to load" in lines[0]
    assert "policy.yaml:6" in lines[1] and "ACME100" in lines[1]
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_config_plugin_modules(tmp_path: Path) -> None:
    # a module named in `plugins:` is loaded from the config, without any installation
    src = tmp_path / "src"
    shutil.copytree(EXAMPLE / "synthgov_acme", src / "synthgov_acme")
    write_tree(tmp_path, {"repo/synthgov.yaml": "plugins: [synthgov_acme.plugin]\n"})
    proc = run_cli("plugins", cwd=tmp_path / "repo", env=with_path(src))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    start = lines.index("synthgov_acme.plugin 0.2.0 (config)")
    assert lines[start + 1] == "    rules: ACME100"
    # a module that cannot be imported is one error line naming it
    write_tree(tmp_path, {"repo/synthgov.yaml": "plugins: [acme_gone.plugin]\n"})
    gone = run_cli("plugins", cwd=tmp_path / "repo")
    assert gone.returncode == 1
    (error,) = [x for x in gone.stdout.splitlines() if x.startswith("error:")]
    assert "'acme_gone.plugin' (from config) failed to import" in error
    assert "Traceback" not in gone.stdout + gone.stderr
