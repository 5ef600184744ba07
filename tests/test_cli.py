"""The command line: exit codes, formats, rules, explain, schema, version."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from synthgov import __version__
from synthgov.plugins.manager import load_registry
from tests.conftest import SPEC_RULE_CATALOG, run_cli, write_tree

BAD_CARD = "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata:\n  id: x\n"
GOOD_CARD = (
    "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: x, owner: a@b.example}\n"
    "governance:\n  approvals: [{by: j@b.example, role: data-steward, date: 2024-01-01}]\n"
)
RULE_IDS = sorted(load_registry(entry_points=False).rules)


def test_version() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"synthgov {__version__}"


def test_exit_codes(tmp_path: Path) -> None:
    # one repository: the folder runs see each other's cards (so the ids differ)
    bad_card = BAD_CARD.replace("id: x", "id: y")
    write_tree(tmp_path, {"good/card.yaml": GOOD_CARD, "bad/card.yaml": bad_card})
    assert run_cli("check", "good", cwd=tmp_path).returncode == 0
    bad = run_cli("check", "bad", cwd=tmp_path)
    assert bad.returncode == 1
    assert run_cli("check", "bad", "--select", "SG0", cwd=tmp_path).returncode == 0
    assert run_cli("check", "bad", "--ignore", "SG401,SG402", cwd=tmp_path).returncode == 0
    usage = run_cli("check", "--format", "nope", cwd=tmp_path)
    assert usage.returncode == 2 and "unknown format" in usage.stderr


def test_text_output_shape(tmp_path: Path) -> None:
    write_tree(tmp_path, {"card.yaml": BAD_CARD})
    proc = run_cli("check", cwd=tmp_path)
    lines = proc.stdout.splitlines()
    assert lines[0] == "card.yaml:1:1: SG402 [warning] no approval by the role(s) data-steward"
    assert lines[2] == "card.yaml:3:1: SG401 [error] dataset card x has no owner"
    assert lines[3].startswith("    hint: add metadata.owner")
    assert re.match(r"synthgov: 1 file\(s\), 1 document\(s\) checked; 1 error\(s\)", lines[-1])
    assert "\x1b[" not in proc.stdout  # no colour when not on a terminal


def test_json_output_shape_and_determinism(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a/card.yaml": BAD_CARD, "b/card.yaml": BAD_CARD})
    first = run_cli("check", "--format", "json", cwd=tmp_path)
    second = run_cli("check", "--format", "json", cwd=tmp_path)
    assert first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["version"] == 1
    assert data["tool"] == {"name": "synthgov", "version": __version__}
    assert set(data["summary"]) >= {"files", "documents", "errors", "warnings", "infos", "waived"}
    finding = data["findings"][0]
    assert set(finding) >= {
        "rule",
        "name",
        "severity",
        "path",
        "line",
        "column",
        "pointer",
        "document",
        "message",
        "hint",
        "waived",
        "references",
    }
    keys = [(f["path"], f["line"], f["column"], f["rule"]) for f in data["findings"]]
    assert keys == sorted(keys)
    assert {f["rule"] for f in data["findings"]} >= {"SG005", "SG401"}


def test_waived_findings_are_listed_and_do_not_fail_the_run(tmp_path: Path) -> None:
    waiver = (
        "  waivers:\n    - {rule: SG401, reason: team being formed, "
        "approved_by: cto@acme.example, approved_on: 2026-10-01, expires: 2027-01-01}\n"
    )
    write_tree(tmp_path, {"card.yaml": GOOD_CARD.replace(", owner: a@b.example", "") + waiver})
    proc = run_cli("check", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(proc.stdout)
    assert [(f["rule"], f["waived"]) for f in data["findings"]] == [("SG401", True)]
    assert data["summary"]["waived"] == 1 and data["summary"]["errors"] == 0
    # expired, the same waiver waives nothing: the finding is active and fails the run
    expired = run_cli(
        "check", "--format", "json", cwd=tmp_path, env={"SYNTHGOV_TODAY": "2027-02-01"}
    )
    assert expired.returncode == 1
    rules = {(f["rule"], f["waived"]) for f in json.loads(expired.stdout)["findings"]}
    assert rules == {("SG401", False), ("SG404", False)}


def test_output_file_is_written(tmp_path: Path) -> None:
    write_tree(tmp_path, {"card.yaml": GOOD_CARD})
    proc = run_cli("check", "--format", "json", "--output", "out/report.json", cwd=tmp_path)
    assert proc.returncode == 0
    assert proc.stdout == ""
    assert json.loads((tmp_path / "out/report.json").read_text())["summary"]["documents"] == 1
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".synthgov-")]


def _spec_catalog() -> dict[str, tuple[str, str]]:
    """id -> (name, default severity) from the rule table of SPEC section 6 (vendored)."""
    text = SPEC_RULE_CATALOG.read_text(encoding="utf-8")
    rows = re.findall(r"^\| (SG\d{3}) \| ([a-z-]+) \| (error|warning|info) \|", text, re.M)
    assert len(rows) >= 37, rows
    return {rule: (name, severity) for rule, name, severity in rows}


def test_rules_lists_every_rule() -> None:
    proc = run_cli("rules")
    assert proc.returncode == 0
    rows = [line.split()[:4] for line in proc.stdout.splitlines()]
    assert [row[0] for row in rows] == RULE_IDS
    registry = load_registry(entry_points=False).rules
    for rule_id, name, severity, plugin in rows:
        rule = registry[rule_id]
        assert (name, severity, plugin) == (rule.name, rule.severity.label, rule.plugin)
    # every rule of the SPEC catalog is listed, with the name and default severity it gives
    listed = {row[0]: (row[1], row[2]) for row in rows}
    spec = _spec_catalog()
    assert {rule: listed.get(rule) for rule in spec} == spec
    data = json.loads(run_cli("rules", "--format", "json").stdout)
    assert [r["id"] for r in data] == RULE_IDS
    assert all({"id", "name", "severity", "plugin"} <= set(r) for r in data)
    assert {r["id"]: (r["name"], r["severity"]) for r in data if r["id"] in spec} == spec


def _block(out: str, heading: str) -> str:
    """The indented lines that follow ``heading`` in `synthgov explain` output."""
    lines = out.split("\n" + heading + "\n", 1)[1].splitlines()
    block = []
    for line in lines:
        if not line.startswith("    "):
            break
        block.append(line[4:])
    return "\n".join(block) + "\n"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_explain_every_rule(rule_id: str) -> None:
    rule = load_registry(entry_points=False).rules[rule_id]
    proc = run_cli("explain", rule_id)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.startswith(f"{rule_id} {rule.name}\n")
    assert f"Default severity: {rule.severity.label}\n" in out
    # the documentation: the summary and the longer description, word for word
    flat = " ".join(out.split())
    assert rule.doc.summary and " ".join(rule.doc.summary.split()) in flat
    assert rule.doc.description and " ".join(rule.doc.description.split()) in flat
    # every declared parameter, with its default
    props = (rule.parameters or {}).get("properties", {})
    if props:
        for name, spec in props.items():
            assert "default" in spec, f"{rule_id}.{name} has no default"
            default = json.dumps(spec["default"])
            assert f"  {name} ({spec.get('type', 'any')}, default {default})" in out, out
    else:
        assert "Parameters: none\n" in out
    # an example violation and its fix: both present, and different
    bad, good = _block(out, "Example violation:"), _block(out, "Fix:")
    assert bad.strip() and good.strip() and bad != good, out
    assert bad == rule.doc.bad.rstrip("\n") + "\n"
    assert good == rule.doc.good.rstrip("\n") + "\n"


def test_explain_shows_parameter_defaults() -> None:
    out = run_cli("explain", "SG402").stdout
    assert 'roles (array, default ["data-steward"])' in out


def test_explain_unknown_rule() -> None:
    proc = run_cli("explain", "SG999")
    assert proc.returncode == 2 and "unknown rule" in proc.stderr


@pytest.mark.parametrize("kind", ["DatasetCard", "Pipeline", "Policy", "Config", "datasetcard"])
def test_schema(kind: str) -> None:
    proc = run_cli("schema", kind)
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["$schema"].startswith("https://json-schema.org/draft/2020-12")


def test_schema_unknown_kind() -> None:
    assert run_cli("schema", "Nope").returncode == 2


def test_missing_path_fails_closed(tmp_path: Path) -> None:
    write_tree(tmp_path, {"datasets/tickets/card.yaml": GOOD_CARD})
    proc = run_cli("check", "does-not-exist", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == "synthgov: error: does-not-exist: no such file or directory\n"
    near = run_cli("check", "datasets/tickest", cwd=tmp_path)
    assert near.returncode == 2
    assert "(did you mean datasets/tickets?)" in near.stderr
    # a Windows-style path names the same folder with forward slashes
    windows = run_cli("check", "datasets\\tickets", cwd=tmp_path)
    assert windows.returncode == 2
    assert windows.stderr.strip().endswith("(did you mean datasets/tickets?)")
    # one missing path among good ones still fails: it was meant to be checked
    assert run_cli("check", "datasets", "nope.yaml", cwd=tmp_path).returncode == 2
    for command in ("baseline", "graph"):
        assert run_cli(command, "does-not-exist", cwd=tmp_path).returncode == 2


@pytest.mark.parametrize(
    ("option", "value", "suggestion"),
    [
        ("--select", "SG3O2", "SG302"),  # letter O for zero
        ("--ignore", "SG3O2", "SG302"),
        ("--select", "SG9", ""),
        ("--select", "SG302,SG1O2", "SG102"),
        ("--select", "SG302 XX1", ""),
    ],
)
def test_unknown_rule_ids_fail_closed(
    tmp_path: Path, option: str, value: str, suggestion: str
) -> None:
    write_tree(tmp_path, {"card.yaml": BAD_CARD})
    proc = run_cli("check", option, value, cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"synthgov: error: {option} ")
    assert "see `synthgov rules`" in line
    if suggestion:
        assert f"(did you mean {suggestion}?)" in line
    assert run_cli("baseline", "-o", "-", option, value, cwd=tmp_path).returncode == 2


def test_rule_ids_are_case_insensitive_and_lists_split_on_spaces(tmp_path: Path) -> None:
    write_tree(tmp_path, {"card.yaml": BAD_CARD})

    def rules(*args: str) -> set[str]:
        proc = run_cli("check", "--format", "json", *args, cwd=tmp_path)
        assert proc.returncode in (0, 1), proc.stderr
        return {f["rule"] for f in json.loads(proc.stdout)["findings"]}

    everything = rules()
    assert everything >= {"SG401", "SG402"}
    assert rules("--select", "sg401") == {"SG401"}
    assert rules("--select", "SG401 sg402") == {"SG401", "SG402"}
    assert rules("--select", "SG401, SG402") == {"SG401", "SG402"}
    assert rules("--select", "sg4") == {r for r in everything if r.startswith("SG4")}
    assert rules("--ignore", "sg401 SG402") == everything - {"SG401", "SG402"}


def test_quiet_prints_findings_only(tmp_path: Path) -> None:
    write_tree(tmp_path, {"card.yaml": BAD_CARD})
    proc = run_cli("check", "-q", cwd=tmp_path)
    assert proc.returncode == 1
    assert "synthgov:" not in proc.stdout
    assert "SG401 [error]" in proc.stdout
    write_tree(tmp_path, {"card.yaml": GOOD_CARD})
    assert run_cli("check", "-q", cwd=tmp_path).stdout == ""


def test_explain_diff_rules_say_where_they_apply() -> None:
    assert "policy and config files" in run_cli("explain", "SG405").stdout


def test_docs_rules_md_is_current() -> None:
    from tests.conftest import ROOT

    generated = run_cli("rules", "--format", "markdown").stdout
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == generated, (
        "docs/rules.md is stale: run `synthgov rules --format markdown > docs/rules.md`"
    )


def test_force_exclude_honours_the_config_for_named_files(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "synthgov.yaml": "exclude: [policy-tests/**, '*.draft.yaml']\n",
            "policy-tests/no-owner/card.yaml": BAD_CARD,
            "good/card.yaml": GOOD_CARD,
            "good/x.draft.yaml": BAD_CARD,
        },
    )
    named = ("policy-tests/no-owner/card.yaml", "good/card.yaml", "good/x.draft.yaml")
    # without the flag a named file is checked whatever the config says (as in ruff)
    assert run_cli("check", *named, cwd=tmp_path).returncode == 1
    forced = run_cli("check", "--force-exclude", *named, cwd=tmp_path)
    assert forced.returncode == 0, forced.stdout
    assert "1 file(s), 1 document(s) checked" in forced.stdout
    # a folder walk already honours exclude; the flag changes nothing there
    assert run_cli("check", "--force-exclude", cwd=tmp_path).returncode == 0
    assert run_cli("check", cwd=tmp_path).returncode == 0


def test_force_exclude_says_which_named_files_it_did_not_check(tmp_path: Path) -> None:
    fixtures = {f"policy-tests/case{i}/card.yaml": BAD_CARD for i in range(7)}
    write_tree(
        tmp_path,
        {"synthgov.yaml": "exclude: [policy-tests/**]\n", "good/card.yaml": GOOD_CARD, **fixtures},
    )
    # without the flag the named fixtures are checked (and fail)
    plain = run_cli("check", "good/card.yaml", "policy-tests/case0/card.yaml", cwd=tmp_path)
    assert plain.returncode == 1 and "policy-tests/case0/card.yaml:" in plain.stdout
    assert "not checked" not in plain.stderr
    # with it: not checked, one line on stderr, exit 0
    two = ("policy-tests/case1/card.yaml", "policy-tests/case0/card.yaml")
    forced = run_cli("check", "--force-exclude", "good/card.yaml", *two, cwd=tmp_path)
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert "policy-tests" not in forced.stdout
    assert "1 file(s), 1 document(s) checked" in forced.stdout
    assert forced.stderr.splitlines() == [
        "synthgov: 2 named files not checked: excluded by the config's exclude "
        "(--force-exclude): policy-tests/case0/card.yaml, policy-tests/case1/card.yaml"
    ]
    # at most five names, then how many more
    many = run_cli("check", "--force-exclude", *sorted(fixtures), cwd=tmp_path)
    assert many.returncode == 0, many.stdout + many.stderr
    (line,) = many.stderr.splitlines()
    assert line.startswith("synthgov: 7 named files not checked: ")
    assert line.endswith("policy-tests/case4/card.yaml and 2 more"), line
    assert "case5" not in line and "case6" not in line
    # -q: findings only, no line
    quiet = run_cli("check", "-q", "--force-exclude", *two, cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == ""
    # machine formats: stdout is the report alone, the line goes to stderr
    machine = run_cli("check", "--force-exclude", "--format", "json", *two, cwd=tmp_path)
    assert machine.returncode == 0
    assert json.loads(machine.stdout)["summary"]["files"] == 0
    assert "2 named files not checked" in machine.stderr


def test_force_exclude_notice_escapes_file_names(tmp_path: Path) -> None:
    name = "policy-tests/a\x1b[31m\u202e.yaml"
    write_tree(tmp_path, {"synthgov.yaml": "exclude: [policy-tests/**]\n", name: BAD_CARD})
    proc = run_cli("check", "--force-exclude", name, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "\x1b" not in proc.stderr and "\u202e" not in proc.stderr
    assert "1 named file not checked: " in proc.stderr
    assert "policy-tests/a\\x1b[31m\\u202e.yaml" in proc.stderr


PIPELINE = """apiVersion: synthgov/v1
kind: Pipeline
metadata: {id: bot, owner: ml@b.example}
stages:
  - {id: train, type: train, inputs: [tickets]}
"""
TICKETS = GOOD_CARD.replace("id: x,", "id: tickets,")
OTHER_BAD = BAD_CARD.replace("id: x", "id: other")


@pytest.mark.parametrize("layout", ["git", "config"])
def test_folder_and_subfolder_runs_see_the_whole_repository(tmp_path: Path, layout: str) -> None:
    from tests.conftest import git

    write_tree(
        tmp_path,
        {
            "datasets/tickets/card.yaml": TICKETS,
            "datasets/other/card.yaml": OTHER_BAD,
            "pipelines/bot.yaml": PIPELINE,
        },
    )
    if layout == "git":
        git(tmp_path, "init", "-q")
    else:
        write_tree(tmp_path, {"synthgov.yaml": "policies: [builtin:baseline]\n"})

    def findings(cwd: Path, *paths: str) -> list[tuple[str, str]]:
        proc = run_cli("check", "--format", "json", "--no-cache", *paths, cwd=cwd)
        assert proc.returncode in (0, 1), proc.stderr
        data = json.loads(proc.stdout)
        return sorted((f["path"], f["rule"]) for f in data["findings"])

    # the pipeline's dataset is a card in another folder: no SG004 from a folder run ...
    assert findings(tmp_path, "pipelines") == []
    # ... nor from a run inside the subfolder, nor for the named file
    assert findings(tmp_path / "pipelines") == []
    assert findings(tmp_path / "pipelines", "bot.yaml") == []
    # the other card's findings are not reported when only the pipelines are checked
    everything = findings(tmp_path)
    assert ("datasets/other/card.yaml", "SG401") in everything
    assert all(path.startswith("datasets/other/") for path, _ in everything)
    assert findings(tmp_path / "datasets", "other") == [
        (path.removeprefix("datasets/"), rule) for path, rule in everything
    ]
    # without the card it names, the pipeline's SG004 is real
    (tmp_path / "datasets" / "tickets" / "card.yaml").unlink()
    assert ("bot.yaml", "SG004") in findings(tmp_path / "pipelines")


def test_short_version_flag() -> None:
    proc = run_cli("-V")
    assert proc.returncode == 0 and proc.stdout == f"synthgov {__version__}\n"


def test_help_summaries_are_not_truncated() -> None:
    proc = run_cli("--help")
    assert proc.returncode == 0
    commands = proc.stdout.split("Commands:", 1)[1]
    assert "..." not in commands
    text = " ".join(proc.stdout.split())
    assert "plugins List loaded plugins, their versions and what they registered; exit 1" in text


def test_exit_zero_and_statistics(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a/card.yaml": BAD_CARD, "b/card.yaml": BAD_CARD.replace("x", "y")})
    assert run_cli("check", cwd=tmp_path).returncode == 1
    zero = run_cli("check", "--exit-zero", cwd=tmp_path)
    assert zero.returncode == 0 and "SG401 [error]" in zero.stdout
    # a bad setup is still exit 2
    assert run_cli("check", "--exit-zero", "--select", "SG9X", cwd=tmp_path).returncode == 2
    stats = run_cli("check", "--statistics", cwd=tmp_path)
    assert stats.returncode == 1
    assert stats.stdout == "2  SG401  owner-missing\n2  SG402  approval-missing\n"
    as_json = run_cli("check", "--statistics", "--format", "json", cwd=tmp_path)
    assert json.loads(as_json.stdout) == [
        {"rule": "SG401", "name": "owner-missing", "count": 2},
        {"rule": "SG402", "name": "approval-missing", "count": 2},
    ]
    other = run_cli("check", "--statistics", "--format", "sarif", cwd=tmp_path)
    assert other.returncode == 2 and "--statistics prints text or json" in other.stderr


def test_force_color_and_no_color(tmp_path: Path) -> None:
    write_tree(tmp_path, {"card.yaml": BAD_CARD})
    plain = {"NO_COLOR": ""}  # run_cli sets NO_COLOR; an empty value means unset
    assert "\x1b[" not in run_cli("check", cwd=tmp_path, env=plain).stdout
    forced = {"FORCE_COLOR": "1", "NO_COLOR": ""}
    assert "\x1b[31m[error]\x1b[0m" in run_cli("check", cwd=tmp_path, env=forced).stdout
    both = run_cli("check", cwd=tmp_path, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in both.stdout
    # machine formats never carry colour
    as_json = run_cli("check", "--format", "json", cwd=tmp_path, env=forced)
    assert "\x1b[" not in as_json.stdout


def _complete(*words: str) -> list[str]:
    env = {
        "_SYNTHGOV_COMPLETE": "bash_complete",
        "COMP_WORDS": " ".join(("synthgov", *words)),
        "COMP_CWORD": str(len(words)),
    }
    proc = run_cli(cwd=None, env=env)
    assert proc.returncode == 0, proc.stderr
    return [line.split(",", 1)[1] for line in proc.stdout.splitlines()]


def test_shell_completion_of_formats_and_rule_ids() -> None:
    assert _complete("check", "--format", "s") == ["sarif"]
    assert "markdown" in _complete("check", "--format", "")
    assert _complete("explain", "sg30") == [f"SG30{n}" for n in range(1, 8)]
    assert _complete("check", "--select", "SG40")[:2] == ["SG401", "SG402"]
    assert _complete("check", "--ignore", "SG11")[0] == "SG110"  # main adds SG111, SG112


def _run_with_tty_stderr(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run synthgov with stderr on a pseudo-terminal; (exit code, stdout, stderr)."""
    import os
    import pty
    import subprocess
    import sys

    from tests.conftest import TODAY

    leader, follower = pty.openpty()
    env = {**os.environ, "SYNTHGOV_TODAY": TODAY, "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "synthgov", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    out, _ = proc.communicate(timeout=120)  # stderr is a terminal: far below its buffer size
    code = proc.returncode
    os.set_blocking(leader, False)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # nothing more (EAGAIN), or the terminal closed (EIO)
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return code, out.decode(), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
def test_progress_on_a_terminal_for_long_runs_never_in_machine_formats(tmp_path: Path) -> None:
    from synthgov.app.check.runner import PROGRESS_MIN_FILES

    write_tree(
        tmp_path,
        {
            f"d{i}/card.yaml": GOOD_CARD.replace("id: x,", f"id: c{i},")
            for i in range(PROGRESS_MIN_FILES)
        },
    )
    code, out, err = _run_with_tty_stderr(["check", "--no-cache"], tmp_path)
    assert code == 0, out + err
    assert f"synthgov: reading {PROGRESS_MIN_FILES} files..." in err
    assert f"synthgov: checking {PROGRESS_MIN_FILES} documents..." in err
    assert err.endswith("\r\x1b[K")  # erased before the report
    assert "reading" not in out and out.startswith(f"synthgov: {PROGRESS_MIN_FILES} file(s)")
    for machine in (["--format", "json"], ["--format", "sarif"], ["-q"]):
        code, out, err = _run_with_tty_stderr(["check", "--no-cache", *machine], tmp_path)
        assert code == 0 and "reading" not in err, (machine, err)
    # a short run says nothing, and nothing without a terminal
    small = tmp_path / "d0"
    (small / ".git").mkdir()  # its own repository: one card
    code, out, err = _run_with_tty_stderr(["check", "--no-cache"], small)
    assert code == 0 and "1 file(s)" in out and "reading" not in err
    assert "reading" not in run_cli("check", "--no-cache", cwd=tmp_path).stderr


def test_commands_are_imported_only_when_they_run(tmp_path: Path) -> None:
    from tests.conftest import imported_modules

    version = imported_modules(["--version"], tmp_path)
    assert "synthgov.cli.main" in version
    assert not any(
        m.startswith("synthgov.cli.")
        for m in version - {"synthgov.cli.main", "synthgov.cli.console"}
    )
    write_tree(tmp_path, {"card.yaml": GOOD_CARD})
    check = imported_modules(["check", "card.yaml"], tmp_path)
    assert "synthgov.cli.check" in check  # the measurement sees the command's module
    for other in ("report", "graph", "policy", "init", "baseline", "models", "plugins"):
        assert f"synthgov.cli.{other}" not in check, other
    assert "synthgov.app.auditreport" not in check and "synthgov.app.adoption" not in check


def test_contradicting_options_fail_before_the_run(tmp_path: Path) -> None:
    # a card that cannot be read would be a finding: the run never got that far
    write_tree(tmp_path, {"card.yaml": "apiVersion: [\n"})
    for args, message in (
        (["--dry-run"], "synthgov: error: --dry-run goes with --fix\n"),
        (["--profile", "p.json"], "synthgov: error: --profile needs --verify-data"),
    ):
        proc = run_cli("check", "card.yaml", *args, cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.startswith(message) and len(proc.stderr.splitlines()) == 1
        assert proc.stdout == ""
    proc = run_cli("verify", "card.yaml", "--engine", "duck", cwd=tmp_path)
    assert (proc.returncode, proc.stderr) == (
        2,
        "synthgov: error: unknown engine 'duck' (known: duckdb, spark)\n",
    )
