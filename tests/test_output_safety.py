"""Forged output (issue 11): values from documents cannot forge CI workflow commands, drive
the terminal or inject Markdown; report files that cannot be written are exit 2 with one
line; a file name that is not UTF-8 never crashes a reporter; report files get the mode
the umask gives."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synthgov.core.escaping import (
    command_safe_lines,
    display_path,
    markdown_code,
    markdown_text,
    printable,
)
from synthgov.core.types import Finding, Severity
from synthgov.engine.report import Report, summarize
from synthgov.reporters import github, junit, markdown, text
from tests.conftest import TODAY, run_cli, write_tree

FORGED = (
    "one\n::error file=x.py,line=1::forged\n::stop-commands::tok\n\x1b[2J\u202eevil ##[error]v1"
)
HOSTILE_CARD = (
    "apiVersion: synthgov/v1\nkind: DatasetCard\n"
    'metadata: {id: "one\\n::error file=x.py,line=1::forged\\n::stop-commands::tok'
    '\\n\\e[2J\\u202Eevil ##[error]v1", owner: a@b.example}\n'
    "composition: {total_rows: 10, synthetic_rows: 10}\n"
    'generation: [{model: "gpt-9\\n::error file=y::forged2\\r\\n::warning::w", role: generator}]\n'
)
# a workflow command: ::level key=value,key=value::message, values and message escaped
COMMAND = re.compile(
    r"^::(error|warning|notice) file=[^,:\r\n]+,line=\d+,col=\d+,title=[^,:\r\n]+::[^\r\n]*$"
)
BAD_CATEGORIES = ("Cc", "Cs", "Zl", "Zp")


def _is_command(line: str) -> bool:
    """What the Actions runner parses: ``::`` after leading white space, ``##[`` anywhere."""
    return line.lstrip().startswith("::") or "##[" in line


def _report(*findings: Finding) -> Report:
    return Report(
        findings=tuple(findings),
        summary=summarize(findings, files=1, documents=1),
        version="0",
        notes=("note\n::error::from a note",),
    )


def _finding(message: str, path: str = "c.yaml", hint: str = "", document: str = "") -> Finding:
    return Finding(
        rule="SG999",
        name="test-rule",
        severity=Severity.ERROR,
        path=path,
        line=3,
        column=1,
        pointer="/metadata/id",
        document=document or None,
        message=message,
        hint=hint,
    )


# --------------------------------------------------------------------------- the CLI


def test_text_output_of_a_hostile_card_forges_nothing(tmp_path: Path) -> None:
    write_tree(tmp_path, {"card.yaml": HOSTILE_CARD})
    proc = run_cli("check", "card.yaml", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "forged" in proc.stdout  # the values are there, escaped
    for line in proc.stdout.splitlines():
        assert not _is_command(line), line
    assert "\x1b" not in proc.stdout and "\u202e" not in proc.stdout
    assert "\\n::error file=x.py,line=1::forged\\n::stop-commands::tok\\n\\x1b[2J" in proc.stdout


@pytest.mark.slow
def test_github_actions_default_output_has_only_real_annotations(tmp_path: Path) -> None:
    write_tree(tmp_path, {"card.yaml": HOSTILE_CARD})
    env = {"GITHUB_ACTIONS": "true"}
    proc = run_cli("check", "card.yaml", cwd=tmp_path, env=env)
    assert proc.returncode == 1, proc.stderr
    findings = json.loads(run_cli("check", "card.yaml", "--format", "json", cwd=tmp_path).stdout)[
        "findings"
    ]
    commands = [line for line in proc.stdout.splitlines() if _is_command(line)]
    # exactly one annotation per finding, every one well formed, none from a value
    assert len(commands) == len([f for f in findings if not f["waived"]])
    for line in commands:
        assert COMMAND.match(line), line
    assert not any("stop-commands" in line.split("::")[1] for line in commands)
    assert "\x1b" not in proc.stdout and "\u202e" not in proc.stdout
    for fmt in ("github", "junit", "markdown", "json", "sarif"):
        out = run_cli("check", "card.yaml", "--format", fmt, cwd=tmp_path).stdout
        if fmt not in ("json", "sarif"):  # machine formats keep values exact
            assert "\x1b" not in out and "\u202e" not in out, fmt
        for line in out.splitlines():
            assert not _is_command(line) or COMMAND.match(line), (fmt, line)


def test_error_lines_on_stderr_are_escaped(tmp_path: Path) -> None:
    write_tree(tmp_path, {"card.yaml": HOSTILE_CARD, "file": "x"})
    target = "file/\n::error file=a.py::forged\x1b[2J.json"
    proc = run_cli("check", "--format", "json", "--output", target, "card.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("synthgov: error: cannot write file/\\n::error file="), (
        proc.stderr
    )
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert "\x1b" not in proc.stderr


# --------------------------------------------------------------------------- reporters


def test_text_reporter_escapes_every_value_and_a_path_that_reads_as_a_command() -> None:
    f = _finding(FORGED, path="::error file=a::b.yaml", hint="h\n::warning::x")
    out = text.render(_report(f))
    assert out.startswith("./::error file=a::b.yaml:3:1: SG999 [error] one\\n::error")
    assert "    hint: h\\n::warning::x\n" in out
    assert "note\\n::error::from a note" in out
    for line in out.splitlines():
        assert not _is_command(line), line
    assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b[2J\\u202eevil ##\\[error]v1" in out


def test_github_reporter_keeps_values_on_the_command_line() -> None:
    out = github.render(_report(_finding(FORGED, path="a\n::error::x.yaml", hint="\x1b[31m")))
    lines = out.splitlines()
    assert len(lines) == 1 and COMMAND.match(lines[0]), out
    assert "file=a%0A%3A%3Aerror%3A%3Ax.yaml," in lines[0]
    assert "%0A::stop-commands::tok%0A\\x1b[2J\\u202eevil ##[error]v1%0Ahint: \\x1b[31m" in lines[0]


def test_markdown_reporter_escapes_html_links_images_mentions_and_code_spans() -> None:
    message = (
        "![pixel](https://evil.example/p.png) [click](javascript:alert(1)) <img src=x>"
        " <script>x</script> @acme/security-team https://evil.example www.evil.example"
        " ~~gone~~ **bold** | pipe\n# heading"
    )
    f = _finding(message, path="a ``` b`` `` c|d.yaml", document="doc`` x ``` y")
    out = markdown.render(_report(f))
    assert "<img" not in out and "<script" not in out
    assert not re.search(r"(?<!\\)\]\(", out) and "![" not in out
    assert "@acme" not in out  # broken by a zero-width space, so no one is pinged
    assert "https://" not in out and "www.evil" not in out
    assert "~~gone" not in out and "**bold" not in out
    assert "\n# heading" not in out
    # code spans: the fence is longer than any backtick run inside, so the span holds
    assert "````a ``` b`` `` c\\|d.yaml:3:1````" in out
    assert "#### ````doc`` x ``` y```` (````a ``` b`` `` c\\|d.yaml````)" in out
    row = next(line for line in out.splitlines() if line.startswith("| error |"))
    # the row has exactly its four cells: no pipe from a value splits it
    assert len(re.findall(r"(?<!\\)\|", row)) == 5, row


def test_junit_reporter_escapes_control_characters() -> None:
    out = junit.render(_report(_finding(FORGED, hint="\x9b2J")))
    root = ET.fromstring(out)
    failure = root.find(".//failure")
    assert failure is not None
    assert "\x1b" not in out and "\x9b" not in out and "\u202e" not in out
    assert failure.get("message") == printable(FORGED)
    assert "hint: \\x9b2J" in (failure.text or "")


# --------------------------------------------------------------------------- the escapes


@given(st.text())
def test_printable_leaves_nothing_that_moves_the_cursor(value: str) -> None:
    out = printable(value)
    for ch in out:
        assert unicodedata.category(ch) not in BAD_CATEGORIES, repr(ch)
        assert ch not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    out.encode("utf-8")  # lone surrogates are gone too (this raises if not)
    if value.isprintable():
        assert out == value  # ordinary text is unchanged


@given(st.text())
def test_no_line_reads_as_a_workflow_command(value: str) -> None:
    for line in command_safe_lines(printable(value) + "\n" + value).splitlines():
        assert not line.lstrip().startswith("::")
    assert not display_path(value).lstrip().startswith("::")
    assert "\n" not in display_path(value)


@given(st.text())
def test_a_markdown_code_span_cannot_be_closed_by_its_text(value: str) -> None:
    span = markdown_code(value)
    fence = re.match(r"`+", span)
    assert fence is not None
    inner = span[len(fence.group()) : -len(fence.group())]
    assert span.endswith(fence.group())
    assert fence.group() not in inner  # no run inside is as long as the fence
    assert "\n" not in span and "\r" not in span


@given(st.text())
def test_markdown_text_has_no_markup(value: str) -> None:
    out = markdown_text(value)
    assert "<" not in out.replace("<br>", "")
    assert not re.search(r"(?<!\\)[`*_\[\]|~!]", out)
    assert not re.search(r"@[^\u200b&]", out)


# --------------------------------------------------------------------------- --output


def _hostile_name_tree(tmp_path: Path) -> Path:
    write_tree(tmp_path, {"card.yaml": HOSTILE_CARD})
    name = os.path.join(os.fsencode(tmp_path), b"bad\xff.yaml")
    with open(name, "wb") as handle:
        handle.write(HOSTILE_CARD.encode())
    return tmp_path


@pytest.mark.parametrize("fmt", ["github", "text"])
def test_a_file_name_that_is_not_utf8_is_reported_escaped_for_people(
    tmp_path: Path, fmt: str
) -> None:
    root = _hostile_name_tree(tmp_path)
    out = root / "out" / f"report.{fmt}"
    proc = run_cli("check", "--format", fmt, "--output", str(out), ".", cwd=root)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stderr == ""
    body = out.read_bytes().decode("utf-8")  # valid UTF-8
    assert "bad\\xff.yaml" in body  # the byte shown as an escape
    # to standard output too
    proc = run_cli("check", "--format", fmt, ".", cwd=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr


@pytest.mark.parametrize("fmt", ["sarif", "json", "markdown", "junit", "html"])
@pytest.mark.parametrize("to_file", [True, False])
def test_a_file_name_that_is_not_utf8_stops_an_exact_report_with_one_line(
    tmp_path: Path, fmt: str, to_file: bool
) -> None:
    """JSON would have to hold another string than the name (a reader could take it for
    another file): exit 2, one line, no report written."""
    root = _hostile_name_tree(tmp_path)
    out = root / "out" / f"report.{fmt}"
    args = ["--output", str(out)] if to_file else []
    proc = run_cli("check", "--format", fmt, *args, ".", cwd=root)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr == (
        f"synthgov: error: cannot write a {fmt} report: the file name bad\\xff.yaml is not "
        "UTF-8; rename the file (--format text shows it escaped)\n"
    )
    assert not out.exists()
    # the same repository without that file: the report is written
    os.unlink(os.path.join(os.fsencode(root), b"bad\xff.yaml"))
    proc = run_cli("check", "--format", fmt, *args, ".", cwd=root)
    assert proc.returncode == 1, proc.stderr


@pytest.mark.parametrize("kind", ["parent-is-a-file", "target-is-a-folder", "read-only-folder"])
def test_an_unwritable_output_is_exit_2_with_one_line(tmp_path: Path, kind: str) -> None:
    write_tree(tmp_path, {"card.yaml": HOSTILE_CARD, "file": "x"})
    (tmp_path / "folder").mkdir()
    target = {
        "parent-is-a-file": "file/report.sarif",
        "target-is-a-folder": "folder",
        "read-only-folder": "/proc/report.sarif",  # not writable, even for root
    }[kind]
    proc = run_cli("check", "--format", "sarif", "--output", target, "card.yaml", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"synthgov: error: cannot write {target}: "), proc.stderr
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".synthgov-")] == []
    assert (tmp_path / "folder").is_dir() and not list((tmp_path / "folder").iterdir())


def _check_with_umask(cwd: Path, mask: int, output: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SYNTHGOV_TODAY": TODAY, "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    script = (
        f"import os, sys; os.umask({mask}); sys.argv = ['synthgov', *sys.argv[1:]]; "
        "from synthgov.cli.console import run; run()"
    )
    return subprocess.run(
        [sys.executable, "-c", script, "check", "--format", "json", "--output", output, "."],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_report_files_get_the_mode_the_umask_gives(tmp_path: Path, mask: int, mode: int) -> None:
    write_tree(tmp_path, {"card.yaml": HOSTILE_CARD})
    proc = _check_with_umask(tmp_path, mask, "report.json")
    assert proc.returncode == 1, proc.stderr
    assert stat.S_IMODE((tmp_path / "report.json").stat().st_mode) == mode
    assert json.loads((tmp_path / "report.json").read_text())["findings"]


def test_a_replaced_report_keeps_its_mode(tmp_path: Path) -> None:
    write_tree(tmp_path, {"card.yaml": HOSTILE_CARD, "report.json": "old"})
    os.chmod(tmp_path / "report.json", 0o640)
    proc = _check_with_umask(tmp_path, 0o022, "report.json")
    assert proc.returncode == 1, proc.stderr
    assert stat.S_IMODE((tmp_path / "report.json").stat().st_mode) == 0o640
    assert (tmp_path / "report.json").read_text() != "old"


# --------------------------------------------------------------------------- the PR gate


def test_a_hostile_pull_request_forges_nothing_in_the_documented_ci_step(tmp_path: Path) -> None:
    """The documented gate (``--diff-base origin/main --policy-from-ref origin/main``) inside
    GitHub Actions, on a pull request that adds a hostile card and a card whose file name is
    a workflow command: the log holds only synthgov's own annotations, the step summary no
    markup from the card, and the gate fails."""
    from tests.conftest import git

    summary = tmp_path / "summary.md"
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_tree(repo, {"base/card.yaml": HOSTILE_CARD.replace("one\\n", "base\\n")})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    git(repo, "checkout", "-q", "-b", "pr")
    hostile = HOSTILE_CARD.replace(
        "owner: a@b.example", "owner: '@acme/security-team ![x](https://evil.example/p.png)'"
    )
    write_tree(repo, {"pr/card.yaml": hostile, "::error title=ok::forged.yaml": hostile})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "pr")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    args = ("check", "--diff-base", "origin/main", "--policy-from-ref", "origin/main")
    proc = run_cli(*args, cwd=repo, env=env)
    assert proc.returncode == 1, proc.stderr
    log = proc.stdout + proc.stderr
    commands = [line for line in log.splitlines() if _is_command(line)]
    assert commands, "the real annotations are printed"
    for line in commands:
        assert COMMAND.match(line), line
        assert line.split(" ", 1)[1].startswith(("file=pr/card.yaml,", "file=%3A%3Aerror"))
    assert "./::error title=ok::forged.yaml:" in proc.stdout
    assert "\x1b" not in log and "\u202e" not in log
    body = summary.read_text(encoding="utf-8")
    assert "\n::" not in body and "##[" not in body
    tables = body.split("### Lineage")[0]  # the Mermaid block has its own <br/> labels
    assert "@acme" not in tables and "![" not in tables
    assert "<" not in tables.replace("<br>", "")
