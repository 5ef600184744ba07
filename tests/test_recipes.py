"""No install recipe holds a placeholder (issue 14): every line a user copies to install or
wire up synthgov (pip, pre-commit, CI) works as written, or names a variable the user sets
once (``SYNTHGOV_PACKAGE``, docs/ci.md). docs/decisions.md and CHANGELOG.md are history and
are not scanned."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

#: what a placeholder looks like: ``<org>``, ``/path/to/``, ``X.Y.Z``, ``git+...``, ``your-org``
PLACEHOLDER = re.compile(
    r"<[A-Za-z][^<>\n]*>|/path/to/|\bX\.Y\.Z\b|git\+\.\.\.|\byour[-_.](?:org|host|company)\b"
)
#: a line that installs synthgov or wires up its hooks or CI
RECIPE_LINE = re.compile(
    r"pip install|(?:^|[\s#`-])(?:repo|rev):\s|try-repo|git\+|SYNTHGOV_PACKAGE|uses:"
)
#: files that are recipes from top to bottom (comments included)
WHOLE_FILES = (
    ".pre-commit-hooks.yaml",
    ".pre-commit-config.yaml",
    *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "examples" / "ci").glob("*.yml")),
)
DOCS = sorted(
    p.relative_to(ROOT).as_posix()
    for p in [ROOT / "README.md", ROOT / "examples" / "plugin" / "README.md"]
    + list((ROOT / "docs").glob("*.md"))
    if p.name != "decisions.md"
)
_FENCE = re.compile(r"^\s*(```|~~~)")


def placeholders(lines: list[str], recipes_only: bool) -> list[str]:
    return [
        f"{number}: {line.strip()}"
        for number, line in enumerate(lines, 1)
        if PLACEHOLDER.search(line) and (not recipes_only or RECIPE_LINE.search(line))
    ]


def code_lines(text: str) -> list[str]:
    """The lines of fenced and indented code blocks (other lines blank, numbers kept)."""
    out: list[str] = []
    fenced = False
    previous = ""
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            out.append("")
            continue
        indented = line.startswith("    ") and (not previous.strip() or previous in out[-1:])
        out.append(line if fenced or (indented and not line.lstrip().startswith("- ")) else "")
        previous = line
    return out


def inline_recipes(text: str) -> list[str]:
    """Prose lines with an inline code span that installs or wires up synthgov."""
    return [
        line if any(RECIPE_LINE.search(span) for span in re.findall(r"`([^`]+)`", line)) else ""
        for line in text.splitlines()
    ]


def test_the_scan_finds_what_it_is_meant_to_find() -> None:
    sample = ["- repo: https://github.com/<org>/synthgov", '  pip install "synthgov==X.Y.Z"']
    assert len(placeholders(sample, recipes_only=True)) == 2
    assert placeholders(["hint: see `synthgov models <id>`"], recipes_only=True) == []
    doc = "Text\n\n```yaml\nrepo: /path/to/synthgov\n```\n\n    pip install git+...\n"
    assert placeholders(code_lines(doc), recipes_only=True) == [
        "4: repo: /path/to/synthgov",
        "7: pip install git+...",
    ]
    prose = 'Install with (`pip install "synthgov @ git+..."`), not `<id>`.\n'
    assert placeholders(inline_recipes(prose), recipes_only=True) != []


@pytest.mark.parametrize("rel", WHOLE_FILES)
def test_no_placeholder_in_hook_and_ci_files(rel: str) -> None:
    lines = (ROOT / rel).read_text(encoding="utf-8").splitlines()
    assert placeholders(lines, recipes_only=False) == [], rel


@pytest.mark.parametrize("rel", DOCS)
def test_no_placeholder_in_a_documented_recipe(rel: str) -> None:
    text = (ROOT / rel).read_text(encoding="utf-8")
    found = placeholders(code_lines(text), recipes_only=True)
    if rel != "docs/releasing.md":  # the release steps name the version being released
        found += placeholders(inline_recipes(text), recipes_only=True)
    assert found == [], rel


def test_no_placeholder_in_what_synthgov_writes_or_says() -> None:
    from synthgov.app import scaffold

    for name in ("PRE_COMMIT_TEXT", "CONFIG_TEXT"):
        lines = getattr(scaffold, name).splitlines()
        assert placeholders(lines, recipes_only=False) == [], name
    for path in sorted((ROOT / "synthgov").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        assert placeholders(lines, recipes_only=True) == [], path.relative_to(ROOT)
