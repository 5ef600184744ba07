"""Every example of docs/policies.md runs here, so the guide cannot rot.

The guide marks its examples with HTML comments (invisible when rendered) right before a
fenced block:

- ``<!-- example: NAME file: PATH -->``: the block is written to PATH in workspace NAME
  (a fresh folder per NAME; a later block for the same PATH replaces the file);
- ``<!-- example: NAME run -->``: a console block; each ``$ synthgov ...`` line runs in
  workspace NAME, in document order, and the lines below it up to the next ``$`` line must
  appear in its output, in that order (``...`` in a line stands for any text).
  ``<!-- example: NAME run exit=N -->`` sets the exit code the last command must have
  (default: 0; the commands before it must exit 0 or 1).

Every fenced block of the guide must be marked, and every workspace must run a command.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

GUIDE = ROOT / "docs" / "policies.md"
_MARKER = re.compile(r"<!--\s*example:\s*(\S+)\s+(file:\s*(\S+)|run(?:\s+exit=(\d+))?)\s*-->")
_FENCE = re.compile(r"^\s*(```|~~~)")  # indented or tilde fences count too


@dataclass(frozen=True)
class Step:
    workspace: str
    kind: str  # "file" or "run"
    line: int  # line of the marker in the guide
    body: str
    path: str = ""
    exit_code: int = 0


def parse_guide(text: str) -> list[Step]:
    lines = text.splitlines()
    steps: list[Step] = []
    pending: tuple[int, re.Match[str]] | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        match = _MARKER.search(line)
        if match:
            pending = (i + 1, match)
            i += 1
            continue
        if _FENCE.match(line):
            end = next(j for j in range(i + 1, len(lines)) if _FENCE.match(lines[j]))
            body = "\n".join(lines[i + 1 : end]) + "\n"
            assert pending is not None, f"docs/policies.md:{i + 1}: unmarked code block"
            at, found = pending
            if found.group(3):
                steps.append(Step(found.group(1), "file", at, body, path=found.group(3)))
            else:
                code = int(found.group(4) or 0)
                steps.append(Step(found.group(1), "run", at, body, exit_code=code))
            pending = None
            i = end + 1
            continue
        if line.strip() and pending is not None and not line.startswith("<!--"):
            raise AssertionError(f"docs/policies.md:{pending[0]}: marker not followed by a block")
        i += 1
    return steps


STEPS = parse_guide(GUIDE.read_text(encoding="utf-8"))
WORKSPACES = sorted({s.workspace for s in STEPS})


def _commands(body: str) -> list[tuple[list[str], list[str]]]:
    out: list[tuple[list[str], list[str]]] = []
    for raw in body.splitlines():
        if raw.startswith("$ "):
            argv = shlex.split(raw[2:])
            assert argv[0] == "synthgov", raw
            out.append((argv[1:], []))
        elif raw.strip():
            assert out, f"output before any command: {raw}"
            out[-1][1].append(raw.rstrip())
    return out


def _in_order(expected: list[str], actual: list[str]) -> list[str]:
    """The expected lines that are not found in order in the actual output.

    ``...`` in an expected line stands for any text (an elided part of a long message).
    """
    position = 0
    missing = []
    for want in expected:
        pattern = re.compile(".*".join(re.escape(part) for part in want.split("...")))
        for index in range(position, len(actual)):
            got = actual[index]
            if pattern.fullmatch(got):
                position = index + 1
                break
        else:
            missing.append(want)
    return missing


def test_the_guide_has_examples_of_every_kind() -> None:
    assert {"file", "run"} <= {s.kind for s in STEPS}
    for name in WORKSPACES:
        assert any(s.kind == "run" and s.workspace == name for s in STEPS), name
    text = GUIDE.read_text(encoding="utf-8")
    for topic in ("extends:", "require:", "expr:", "synthgov test", "waivers:"):
        assert topic in text, topic


@pytest.mark.parametrize("workspace", WORKSPACES)
def test_guide_examples_run(tmp_path: Path, workspace: str) -> None:
    for step in (s for s in STEPS if s.workspace == workspace):
        if step.kind == "file":
            target = tmp_path / step.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(step.body, encoding="utf-8")
            continue
        commands = _commands(step.body)
        assert commands, f"docs/policies.md:{step.line}: a run block without a command"
        for n, (argv, expected) in enumerate(commands):
            proc = run_cli(*argv, cwd=tmp_path)
            output = (proc.stdout + proc.stderr).splitlines()
            where = f"docs/policies.md:{step.line}: synthgov {' '.join(argv)}"
            missing = _in_order(expected, [line.rstrip() for line in output])
            assert not missing, (
                f"{where}\nmissing:\n"
                + "\n".join(missing)
                + "\ngot:\n"
                + (proc.stdout + proc.stderr)
            )
            if n == len(commands) - 1:
                assert proc.returncode == step.exit_code, f"{where}: exit {proc.returncode}"
            else:
                assert proc.returncode in (0, 1), f"{where}: exit {proc.returncode}"
            assert "Traceback" not in proc.stderr, where


def test_the_catalogs_eu_ai_act_column_is_the_packs_mapping() -> None:
    """The guide points at the catalog; the catalog's EU AI Act column is what the
    builtin:eu-ai-act pack attaches, rule by rule (docs/rules.md is generated, but from the
    classes, and the pack is resolved: this checks that the two agree)."""
    from synthgov.plugins.manager import load_registry
    from synthgov.policy.resolve import resolve

    assert "[docs/rules.md](rules.md)" in GUIDE.read_text(encoding="utf-8")
    registry = load_registry(entry_points=False)
    pack = resolve(("builtin:eu-ai-act",), origin_label="t", origin_dir=".", rules=registry.rules)
    catalog = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| \[(SG\d{3})\]\([^)]*\) \|[^|]*\|[^|]*\|[^|]*\| ([^|]*)\|", catalog, re.M
    )
    table = {rule: [r.strip() for r in refs.split(";") if r.strip()] for rule, refs in rows}
    assert sorted(table) == sorted(registry.rules)
    for rule_id, refs in table.items():
        expected = [r.removeprefix("EU AI Act Art. ") for r in pack.rules[rule_id].references]
        assert refs == expected, rule_id
        assert refs, f"{rule_id} references nothing"
