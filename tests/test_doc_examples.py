"""Every console example of README.md, docs/*.md and examples/plugin/README.md runs here, so a
recipe cannot rot (docs/policies.md has its own, richer test: tests/test_docs_policies.py).

A console example is a fenced block marked ``console``, ``bash`` or ``sh``, or a ``text`` block
whose first line starts with ``$ ``. In a block with ``$ `` lines, each ``$ `` line is a
command and the lines below it (up to the next ``$ ``) must appear in its output, in order
(a line ``...``, or ``...`` inside a line, stands for any text). In a block without ``$ ``,
every line is a command. ``# comments`` are dropped.

Commands run with bash in one workspace per document, in document order: a git repository
holding a copy of ``examples/`` and ``tests/policy_cases/``, with an ``origin`` remote whose
``main`` is the first commit, the example plugin installed (``pip install --no-deps
--target``, on ``PYTHONPATH``) and synthgov of this checkout first on ``PATH``. A command must
not exit 2 or print a traceback. Commands that install packages, run the test suite or the
benchmarks, or name a path the reader fills in are not run here; ``NOT_RUN`` says which test
or script runs each of them instead, and a command that is neither run nor listed fails.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, TODAY, git
from tests.test_docs_policies import _in_order

DOCS = sorted(
    [ROOT / "README.md", ROOT / "examples" / "plugin" / "README.md"]
    + [p for p in (ROOT / "docs").glob("*.md") if p.name not in ("policies.md", "rules.md")]
)
_FENCE = re.compile(r"^\s*(```|~~~)\s*(\S*)")

#: command prefix -> where it is run instead (it installs, takes minutes, or needs the network)
NOT_RUN = {
    'pip install -e ".[test]"': ".ci/run (a fresh virtual environment, exactly this command)",
    "pip install . ./examples/plugin": (
        "tests/test_plugins.py installs the plugin; measured in a fresh venv for issue 14"
    ),
    "pytest": ".ci/run",
    "ruff check": ".ci/run (ruff through pre-commit)",
    "ruff format": ".ci/run (ruff through pre-commit)",
    "mypy": ".ci/run",
    "spark-submit": "needs a Spark cluster; tests/test_spark_parity.py runs the engine on local[2]",
    "python bench/run.py": "bench/README.md (ten minutes on two cores)",
    "HYPOTHESIS_PROFILE=dev pytest": "docs/releasing.md, step 3 (2,000 examples a property)",
    "pre-commit try-repo ../synthgov": "tests/test_precommit.py (try-repo of a snapshot)",
}


@dataclass(frozen=True)
class Command:
    doc: str
    line: int
    text: str
    expected: tuple[str, ...] = ()


def _blocks(path: Path) -> list[tuple[int, str, list[str]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    i = 0
    while i < len(lines):
        found = _FENCE.match(lines[i])
        if not found:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if _FENCE.match(lines[j]))
        indent = len(lines[i]) - len(lines[i].lstrip())
        body = [line[indent:] for line in lines[i + 1 : end]]
        out.append((i + 1, found.group(2), body))
        i = end + 1
    return out


def _strip_comment(line: str) -> str:
    lexer = shlex.shlex(line, posix=True, punctuation_chars=False)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        list(lexer)
    except ValueError:
        return line.strip()
    # keep the text up to the comment, as written (quotes and all)
    in_single = in_double = False
    for index, char in enumerate(line):
        if char == "'" and not in_double:
            in_single = not in_single
        elif char == '"' and not in_single:
            in_double = not in_double
        elif (
            char == "#"
            and not in_single
            and not in_double
            and (index == 0 or line[index - 1] in " \t")
        ):
            return line[:index].rstrip()
    return line.rstrip()


def commands_of(path: Path) -> list[Command]:
    rel = path.relative_to(ROOT).as_posix()
    found: list[Command] = []
    for start, lang, body in _blocks(path):
        first = next((x for x in body if x.strip()), "")
        if lang not in ("console", "bash", "sh") and not (
            lang == "text" and first.startswith("$ ")
        ):
            continue
        if any(line.startswith("$ ") for line in body):
            current: list[tuple[int, str, list[str]]] = []
            for offset, line in enumerate(body, 1):
                if line.startswith("$ "):
                    current.append((start + offset, _strip_comment(line[2:]), []))
                elif line.strip() and current:
                    current[-1][2].append(line.rstrip())
            found += [Command(rel, n, text, tuple(exp)) for n, text, exp in current]
        else:
            pending: tuple[int, str] | None = None  # a command continued with a backslash
            for offset, line in enumerate(body, 1):
                text = _strip_comment(line)
                if pending is not None:
                    number, text = pending[0], f"{pending[1]} {text.strip()}"
                else:
                    number = start + offset
                if text.endswith("\\"):
                    pending = (number, text[:-1].rstrip())
                    continue
                pending = None
                if text:
                    found.append(Command(rel, number, text))
    return found


ALL = [c for doc in DOCS for c in commands_of(doc)]


def _parts(command: str) -> list[str]:
    """``a && b``: each part is run or listed on its own."""
    return [part.strip() for part in command.split(" && ")]


def _not_run(part: str) -> str | None:
    return next((why for prefix, why in NOT_RUN.items() if part.startswith(prefix)), None)


def test_every_console_example_is_run_or_accounted_for() -> None:
    assert {c.doc for c in ALL} >= {"README.md", "docs/ci.md", "docs/plugins.md"}
    for command in ALL:
        for part in _parts(command.text):
            first = part.split()[0]
            runnable = first in ("synthgov", "git", "mkdir", "eval") or first.startswith(
                "_SYNTHGOV"
            )
            assert runnable or _not_run(part), (
                f"{command.doc}:{command.line}: `{part}` is neither run by "
                "tests/test_doc_examples.py nor listed in NOT_RUN"
            )
    # what NOT_RUN lists is really in the docs (no stale entries)
    texts = [part for c in ALL for part in _parts(c.text)]
    for prefix in NOT_RUN:
        assert any(t.startswith(prefix) for t in texts), prefix


def test_version_is_the_same_in_the_package_and_pyproject() -> None:
    import tomllib

    from synthgov import __version__

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == __version__


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.test_plugins import pip_install

    root = tmp_path_factory.mktemp("doc-plugin")
    src = root / "src"
    shutil.copytree(
        ROOT / "examples" / "plugin", src, ignore=shutil.ignore_patterns("*.egg-info", "build")
    )
    pip_install(src, root / "site")
    return root / "site"


def _workspace(root: Path) -> Path:
    work = root / "work"
    shutil.copytree(
        ROOT / "examples", work / "examples", ignore=shutil.ignore_patterns("*.egg-info", "build")
    )
    shutil.copytree(ROOT / "tests" / "policy_cases", work / "tests" / "policy_cases")
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "base")
    origin = root / "origin.git"
    git(root, "clone", "-q", "--bare", str(work), str(origin))
    git(work, "remote", "add", "origin", str(origin))
    git(work, "fetch", "-q", "origin")
    return work


@pytest.mark.slow  # about three minutes for every document on two cores
@pytest.mark.parametrize(
    "doc",
    # docs whose every example is accounted to NOT_RUN (docs/spark.md: a cluster) run nothing
    sorted({c.doc for c in ALL if any(not _not_run(p) for p in _parts(c.text))}),
)
def test_console_examples_run(doc: str, tmp_path: Path, plugin_site: Path) -> None:
    work = _workspace(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "PYTHONPATH": str(plugin_site),
        "HOME": str(home),
        "SYNTHGOV_TODAY": TODAY,
        "SYNTHGOV_CACHE_DIR": str(tmp_path / "cache"),
        "NO_COLOR": "1",
        "BASE_REF": "main",  # docs/ci.md: the pull request's base branch, from the CI
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "FORCE_COLOR"):
        env.pop(name, None)
    ran = 0
    for command in (c for c in ALL if c.doc == doc):
        parts = [p for p in _parts(command.text) if not _not_run(p)]
        if not parts:
            continue
        script = " && ".join(parts)
        if " | dot " in script and shutil.which("dot") is None:
            script = script.split(" | dot ", 1)[0] + " > /dev/null"  # graphviz is optional
        proc = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", script],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        where = f"{command.doc}:{command.line}: {script}"
        output = proc.stdout + proc.stderr
        assert proc.returncode in (0, 1), f"{where}: exit {proc.returncode}\n{output}"
        assert "Traceback" not in output, f"{where}\n{output}"
        missing = _in_order(list(command.expected), [x.rstrip() for x in output.splitlines()])
        assert not missing, f"{where}\nmissing:\n" + "\n".join(missing) + "\ngot:\n" + output
        ran += 1
    assert ran, f"{doc}: no console example ran"
