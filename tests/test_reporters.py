"""JUnit, GitHub workflow commands, Markdown, and the GitHub Actions default output."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from synthgov.core.types import Finding, Severity
from synthgov.engine.report import Report, summarize
from synthgov.reporters import github, junit
from tests.conftest import ROOT, run_cli, write_tree

VIOLATIONS = ROOT / "examples" / "violations"
ACME = ROOT / "examples" / "acme"

# a workflow command: ::level key=value,key=value::message, values and message escaped
COMMAND = re.compile(
    r"^::(error|warning|notice) "
    r"file=[^,:\r\n]+,line=\d+,col=\d+,title=[^,:\r\n]+"
    r"::[^\r\n]*$"
)


def _findings(cwd: Path, *args: str) -> list[dict]:
    return json.loads(run_cli("check", "--format", "json", *args, cwd=cwd).stdout)["findings"]


# --------------------------------------------------------------------------- JUnit


def test_junit_has_one_failure_per_finding_and_unique_names() -> None:
    proc = run_cli("check", "--format", "junit", "--fail-on", "warning", cwd=VIOLATIONS)
    assert proc.returncode == 1
    root = ET.fromstring(proc.stdout)
    findings = [f for f in _findings(VIOLATIONS) if not f["waived"]]
    failing = [f for f in findings if f["severity"] in ("error", "warning")]
    failures = root.findall(".//testcase/failure")
    assert len(failures) == len(failing) == int(root.get("failures", "-1"))
    keys = [(c.get("classname"), c.get("name")) for c in root.iter("testcase")]
    assert len(keys) == len(set(keys))
    # each finding is its own test case; those at or above --fail-on have one failure
    cases = list(root.iter("testcase"))
    assert len(cases) == len(findings)
    assert all(len(c.findall("failure")) + len(c.findall("system-out")) == 1 for c in cases)
    got = sorted(
        (c.get("classname"), c.get("name").split(" ", 1)[0], int(c.get("line"))) for c in cases
    )
    assert got == sorted((f["path"], f["rule"], f["line"]) for f in findings)
    suites = root.findall("testsuite")
    assert sorted(s.get("name") for s in suites) == sorted({f["path"] for f in findings})
    for suite in suites:
        assert int(suite.get("tests", "0")) == len(suite.findall("testcase"))


def _finding(rule: str, pointer: str, message: str, line: int = 3, path: str = "c.yaml") -> Finding:
    return Finding(
        rule=rule,
        name="schema-violation",
        severity=Severity.ERROR,
        path=path,
        line=line,
        column=1,
        pointer=pointer,
        document="c",
        message=message,
    )


def _report(findings: list[Finding]) -> Report:
    return Report(tuple(findings), summarize(findings, 1, 1), "0.1.0")


def test_junit_names_stay_unique_for_the_same_rule_and_pointer() -> None:
    findings = [
        _finding("SG002", "/metadata", "unknown key 'a'"),
        _finding("SG002", "/metadata", "unknown key 'b'"),
        _finding("SG002", "/metadata", "unknown key 'c'", line=4),
    ]
    root = ET.fromstring(junit.render(_report(findings)))
    names = [c.get("name") for c in root.iter("testcase")]
    assert len(names) == 3 and len(set(names)) == 3
    assert all(n.startswith("SG002 schema-violation at /metadata") for n in names)


def test_junit_survives_control_characters_and_markup() -> None:
    text = 'bad \x01 value <b>&amp;</b> ]]> "quoted"'
    root = ET.fromstring(junit.render(_report([_finding("SG002", "/x", text)])))
    failure = root.find(".//failure")
    assert failure is not None and "<b>&amp;</b>" in failure.get("message", "")


def test_junit_of_a_clean_run_is_one_passing_case() -> None:
    proc = run_cli("check", "--format", "junit", cwd=ACME)
    assert proc.returncode == 0
    root = ET.fromstring(proc.stdout)
    assert root.get("failures") == "0"
    assert len(root.findall(".//testcase")) == 1 and not root.findall(".//failure")


# --------------------------------------------------------------------------- github


def test_github_lines_are_workflow_commands() -> None:
    proc = run_cli("check", "--format", "github", cwd=VIOLATIONS)
    lines = proc.stdout.splitlines()
    findings = [f for f in _findings(VIOLATIONS) if not f["waived"]]
    assert len(lines) == len(findings)
    for line in lines:
        assert COMMAND.match(line), line
    levels = {line.split(" ", 1)[0] for line in lines}
    assert levels == {"::error", "::warning", "::notice"}


def test_github_escaping_of_message_and_properties(tmp_path: Path) -> None:
    """A real card whose id (and so its SG401 message) holds %, :, , and a newline, in a
    folder whose name holds : and ,."""
    write_tree(
        tmp_path,
        {
            "a:b,c/card.yaml": (
                'apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata:\n  id: "50%: x,y\\nz"\n'
            )
        },
    )
    proc = run_cli("check", "--format", "github", "--select", "SG401", cwd=tmp_path)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    line = lines[0]
    assert COMMAND.match(line), line
    assert line.startswith(
        "::error file=a%3Ab%2Cc/card.yaml,line=3,col=1,title=SG401 owner-missing::"
    )
    message = line.split("::", 2)[2]
    assert message.startswith("dataset card 50%25: x,y%0Az has no owner%0Ahint: ")
    assert "\n" not in message and "%%" not in message


def test_github_escape_functions_follow_the_toolkit() -> None:
    assert github.escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


# --------------------------------------------------------------------------- markdown


def test_markdown_report_has_summary_findings_references_and_lineage(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "synthgov.yaml": "policies: [./policy.yaml]\n",
            "policy.yaml": (
                "apiVersion: synthgov/v1\nkind: Policy\nmetadata: {name: audit}\n"
                "extends: [builtin:baseline]\n"
                "rules:\n  SG401: {references: ['EU AI Act Art. 10(2)', 'ISO/IEC 42001 A.7']}\n"
            ),
            "seed/card.yaml": (
                "apiVersion: synthgov/v1\nkind: DatasetCard\n"
                "metadata: {id: seed, owner: a@b.example}\n"
                "governance:\n"
                "  approvals: [{by: j@b.example, role: data-steward, date: 2024-01-01}]\n"
            ),
            "derived/card.yaml": (
                "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata:\n  id: derived\n"
                "  description: 'pipes | and <script>alert(1)</script>'\n"
                "sources: [{dataset: seed}]\n"
            ),
        },
    )
    proc = run_cli("check", "--format", "markdown", cwd=tmp_path)
    assert proc.returncode == 1
    md = proc.stdout
    assert md.startswith("## synthgov report\n")
    assert "| errors | 1 |" in md and "| warnings | 1 |" in md
    assert "### Findings by dataset" in md
    assert "#### `derived` (`derived/card.yaml`)" in md
    assert "`derived/card.yaml:3:1`" in md
    assert "### References" in md
    assert "EU AI Act Art. 10(2)<br>ISO/IEC 42001 A.7" in md
    assert "### Lineage" in md and "```mermaid\nflowchart" in md
    assert "seed" in md.split("### Lineage", 1)[1]
    for row in (line for line in md.splitlines() if line.startswith("| ")):
        assert row.endswith("|")


def test_markdown_cells_are_escaped() -> None:
    text = "a | b <img src=x onerror=alert(1)>\nsecond line"
    md = _markdown(_report([_finding("SG002", "/x", text)]))
    row = next(line for line in md.splitlines() if "second line" in line)
    assert "a \\| b &lt;img src=x onerror=alert(1)&gt;<br>second line" in row
    assert "<img" not in md


def _markdown(report: Report) -> str:
    from synthgov.reporters import markdown

    return markdown.render(report)


def test_markdown_of_a_clean_run() -> None:
    proc = run_cli("check", "--format", "markdown", cwd=ACME)
    assert proc.returncode == 0
    assert "**passed**" in proc.stdout and "No findings." in proc.stdout


# --------------------------------------------------------------------------- GitHub Actions


def test_github_actions_default_output(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"card.yaml": "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata:\n  id: x\n"},
    )
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    proc = run_cli("check", "card.yaml", cwd=tmp_path, env=env)
    assert proc.returncode == 1
    out = proc.stdout.splitlines()
    assert "card.yaml:3:1: SG401 [error] dataset card x has no owner" in out  # text...
    commands = [line for line in out if line.startswith("::")]
    assert commands and all(COMMAND.match(c) for c in commands)  # ...plus annotations
    assert any(c.startswith("::error file=card.yaml,line=3,col=1,title=SG401") for c in commands)
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("# earlier step\n## synthgov report\n")  # appended
    assert "SG401" in written

    # an explicit --format is left alone: no annotations, no summary
    summary.write_text("", encoding="utf-8")
    as_json = run_cli("check", "card.yaml", "--format", "json", cwd=tmp_path, env=env)
    json.loads(as_json.stdout)
    assert summary.read_text(encoding="utf-8") == ""
    plain = run_cli("check", "card.yaml", cwd=tmp_path)
    assert not [line for line in plain.stdout.splitlines() if line.startswith("::")]


@pytest.mark.slow
def test_every_format_is_registered_and_deterministic() -> None:
    for fmt in ("text", "json", "sarif", "junit", "github", "markdown"):
        first = run_cli("check", "--format", fmt, cwd=VIOLATIONS)
        second = run_cli("check", "--format", fmt, cwd=VIOLATIONS)
        assert first.returncode == 1, (fmt, first.stderr)
        assert first.stdout == second.stdout, fmt


def test_junit_warnings_are_not_failures_unless_fail_on_warning() -> None:
    def failing_severities(*args: str) -> list[str]:
        proc = run_cli("check", "--format", "junit", *args, cwd=VIOLATIONS)
        assert proc.returncode == 1, proc.stderr
        root = ET.fromstring(proc.stdout)
        assert int(root.get("failures", "-1")) == len(root.findall(".//failure"))
        return sorted({f.get("type").split()[1] for f in root.iter("failure")})

    assert failing_severities() == ["error"]
    assert failing_severities("--fail-on", "warning") == ["error", "warning"]
    assert failing_severities("--fail-on", "info") == ["error", "info", "warning"]
    # below the fail level a finding is still reported, as a passing case with its text
    proc = run_cli("check", "--format", "junit", cwd=VIOLATIONS)
    outs = [el.text for el in ET.fromstring(proc.stdout).iter("system-out")]
    assert any(text and " SG402 [warning] " in text for text in outs)
