"""Policy unit tests (SPEC section 7): ``synthgov test [DIR]``.

A *case* is a folder of documents plus an ``expect.yaml``::

    must:                          # findings that must appear
      - {rule: ACME001, file: card.yaml, line: 12}
    must_not:                      # findings that must not appear
      - {rule: SG302, file: card.yaml}

Entries take ``rule`` and ``file`` (relative to the case folder), and optionally ``line``,
``severity``, ``message`` (a substring), ``references`` (each must be among the finding's)
and ``waived`` (true to match a waived finding; by default only active findings count).

A case is checked with the configuration found by walking up from its folder, so a case may
carry its own ``synthgov.yaml`` and otherwise uses the project's; the project's
include/exclude globs do not apply inside a case.

No printing here: :func:`run_tests` returns results and :func:`render` turns them into text.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from synthgov.core.types import Finding, Pointer

EXPECT_FILE = "expect.yaml"
_ENTRY_KEYS = frozenset({"rule", "file", "line", "severity", "message", "references", "waived"})
_TOP_KEYS = frozenset({"must", "must_not", "description"})
_SEVERITIES = ("error", "warning", "info")
_SKIP_DIRS = frozenset({".git", "__pycache__", ".venv", "node_modules", ".synthgov_cache"})


class CaseError(ValueError):
    """A malformed case: its expect.yaml, its policy or its configuration is unusable."""


@dataclass(frozen=True)
class Expectation:
    """One must or must_not entry of a policy test case."""

    rule: str
    file: str
    line: int | None = None
    severity: str | None = None
    message: str | None = None
    references: tuple[str, ...] = ()
    waived: bool = False

    def matches(self, finding: Finding) -> bool:
        return (
            finding.rule == self.rule
            and finding.path == self.file
            and (self.line is None or finding.line == self.line)
            and (self.severity is None or finding.severity.label == self.severity)
            and (self.message is None or self.message in finding.message)
            and all(ref in finding.references for ref in self.references)
            and finding.waived == self.waived
        )

    def describe(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        extra = [f"[{self.severity}]"] if self.severity else []
        if self.message:
            extra.append(f"message containing {self.message!r}")
        if self.references:
            extra.append(f"references {list(self.references)}")
        if self.waived:
            extra.append("(waived)")
        return " ".join([f"{self.rule} {where}", *extra])


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one policy test case."""

    name: str
    path: str  # absolute folder of the case
    missing: tuple[str, ...] = ()  # must entries that did not appear (with what was seen)
    unexpected: tuple[str, ...] = ()  # findings that matched a must_not entry
    error: str | None = None  # the case is malformed

    @property
    def passed(self) -> bool:
        return self.error is None and not self.missing and not self.unexpected


@dataclass(frozen=True)
class TestRun:
    """The outcomes of every policy test case of a synthgov test run."""

    root: str
    cases: tuple[CaseResult, ...]
    error: str | None = None  # nothing to run (no such folder, no case)
    no_cases: bool = False  # the folder exists and holds no case

    @property
    def exit_code(self) -> int:
        if self.error is not None or any(c.error for c in self.cases):
            return 2
        return 0 if all(c.passed for c in self.cases) else 1


def find_cases(root: str) -> list[str]:
    """Folders under ``root`` (``root`` itself included) that hold an expect.yaml."""
    if os.path.isfile(os.path.join(root, EXPECT_FILE)):
        return [root]
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        if EXPECT_FILE in filenames:
            found.append(dirpath)
            dirnames[:] = []  # a case's sub-folders are its documents, not more cases
    return sorted(found)


def run_tests(directory: str, *, cwd: str, config: str | None = None) -> TestRun:
    """Run every case under ``directory`` (relative to ``cwd``)."""
    root = os.path.abspath(os.path.join(cwd, directory))
    shown_root = _show(root, cwd)
    if not os.path.isdir(root):
        return TestRun(shown_root, (), f"{directory}: no such directory")
    cases = find_cases(root)
    if not cases:
        message = f"{shown_root}: no policy test case ({EXPECT_FILE}) found"
        return TestRun(shown_root, (), message, no_cases=True)
    config_path = os.path.abspath(os.path.join(cwd, config)) if config else None
    results = []
    for case in cases:
        rel = os.path.relpath(case, root).replace(os.sep, "/")
        name = os.path.basename(case) if rel == "." else rel
        results.append(run_case(case, name, cwd=cwd, config=config_path))
    return TestRun(shown_root, tuple(results))


def run_case(case_dir: str, name: str, *, cwd: str, config: str | None = None) -> CaseResult:
    # start-up: plugins and policies only once a case runs
    from synthgov.plugins.manager import PluginError
    from synthgov.policy.resolve import PolicyError

    expect_path = os.path.join(case_dir, EXPECT_FILE)
    try:
        must, must_not = load_expectations(expect_path, _show(expect_path, cwd))
        findings, known_rules = _check(case_dir, config)
        _validate_entries(must + must_not, case_dir, known_rules, _show(expect_path, cwd))
    except CaseError as exc:
        return CaseResult(name, case_dir, error=str(exc))
    except (PolicyError, PluginError) as exc:
        return CaseResult(name, case_dir, error=f"{exc}")
    missing = []
    for entry in must:
        if not any(entry.matches(f) for f in findings):
            missing.append(_with_near_misses(entry, findings))
    unexpected = []
    for entry in must_not:
        for finding in findings:
            if entry.matches(finding):
                unexpected.append(f"{_finding_text(finding)} (must_not: {entry.describe()})")
    return CaseResult(name, case_dir, tuple(missing), tuple(unexpected))


def _check(case_dir: str, config: str | None) -> tuple[list[Finding], frozenset[str]]:
    """Findings of a plain check of the case folder, paths relative to it."""
    # start-up: the runner only once a case runs
    from synthgov.app.check.runner import CheckOptions, prepare, run_check

    options = CheckOptions(paths=(), config=config, cwd=case_dir, use_cache=False)
    setup = prepare(options)
    # the project's include/exclude globs are about the project, not about test fixtures
    setup = replace(setup, config=replace(setup.config, include=(), exclude=()))
    result = run_check(options, setup)
    known = frozenset(setup.registry.rules) | frozenset(s.id for s in setup.policy.custom)
    return list(result.report.findings), known


def load_expectations(path: str, shown: str) -> tuple[list[Expectation], list[Expectation]]:
    # start-up: the YAML parser only once a case is read
    from synthgov.repo.parsing.safeyaml import load_yaml

    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise CaseError(f"{shown}: cannot read: {exc.strerror}") from None
    parsed = load_yaml(raw)
    if not parsed.ok or any(p.rule == "SG003" for p in parsed.problems):
        problem = parsed.problems[0]
        raise CaseError(f"{shown}:{problem.line}: {problem.message}")
    data = parsed.data

    def line(pointer: Pointer) -> int:
        probe = tuple(pointer)
        while probe and probe not in parsed.positions:
            probe = probe[:-1]
        pos = parsed.positions.get(probe)
        return pos.line if pos is not None else 1

    def fail(pointer: Pointer, message: str) -> CaseError:
        return CaseError(f"{shown}:{line(pointer)}: {message}")

    if not isinstance(data, Mapping):
        raise fail((), "expect.yaml must be a mapping with must: and must_not: lists")
    unknown = sorted(k for k in data if k not in _TOP_KEYS and not str(k).startswith("x-"))
    if unknown:
        raise fail((unknown[0],), f"unknown key {unknown[0]!r} (use must, must_not)")
    if "must" not in data and "must_not" not in data:
        raise fail((), "expect.yaml needs must: or must_not: (or both)")
    lists: dict[str, list[Expectation]] = {"must": [], "must_not": []}
    for key in lists:
        entries = data.get(key)
        if entries is None:
            continue
        if not isinstance(entries, list):
            raise fail((key,), f"{key} must be a list of {{rule, file, line?}}")
        for i, entry in enumerate(entries):
            lists[key].append(_expectation(entry, (key, i), fail))
    return lists["must"], lists["must_not"]


def _is_line(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _is_strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


# the optional keys of an entry: (key, value when absent, is it valid, message when not)
_OPTIONAL: tuple[tuple[str, Any, Callable[[Any], bool], str], ...] = (
    ("line", None, lambda v: v is None or _is_line(v), "line must be a whole number from 1"),
    (
        "severity",
        None,
        lambda v: v is None or v in _SEVERITIES,
        "severity must be error, warning or info",
    ),
    ("message", None, lambda v: v is None or isinstance(v, str), "message must be a string"),
    ("references", [], _is_strings, "references must be a list of strings"),
    ("waived", False, lambda v: isinstance(v, bool), "waived must be true or false"),
)


def _expectation(entry: Any, pointer: Pointer, fail: Any) -> Expectation:
    if not isinstance(entry, Mapping):
        raise fail(pointer, "an entry must be a mapping {rule, file, line?}")
    unknown = sorted(str(k) for k in entry if k not in _ENTRY_KEYS)
    if unknown:
        names = ", ".join(sorted(_ENTRY_KEYS))
        raise fail((*pointer, unknown[0]), f"unknown key {unknown[0]!r} (use {names})")
    for key in ("rule", "file"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise fail(pointer, f"an entry needs {key}: (a non-empty string)")
    optional: dict[str, Any] = {}
    for key, absent, valid, message in _OPTIONAL:
        optional[key] = entry.get(key, absent)
        if not valid(optional[key]):
            raise fail((*pointer, key), message)
    optional["references"] = tuple(optional["references"])
    return Expectation(entry["rule"].strip(), _case_path(entry["file"]), **optional)


def _case_path(given: str) -> str:
    """An entry's file as findings name it: relative to the case, with forward slashes."""
    path = given.strip().replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def _validate_entries(
    entries: Sequence[Expectation], case_dir: str, known: frozenset[str], shown: str
) -> None:
    """Typos must not pass silently: a must_not on a rule or file that does not exist would."""
    for entry in entries:
        if entry.rule not in known:
            raise CaseError(f"{shown}: unknown rule {entry.rule!r} (see `synthgov rules`)")
        target = os.path.join(case_dir, *entry.file.split("/"))
        if not os.path.isfile(target):
            raise CaseError(f"{shown}: file {entry.file!r} is not in the case folder")


def _with_near_misses(entry: Expectation, findings: Sequence[Finding]) -> str:
    near = [f for f in findings if f.rule == entry.rule and f.path == entry.file]
    text = entry.describe()
    if near:
        text += "; found instead: " + "; ".join(_finding_text(f) for f in near)
    return text


def _finding_text(finding: Finding) -> str:
    waived = " (waived)" if finding.waived else ""
    return (
        f"{finding.rule} {finding.path}:{finding.line} [{finding.severity.label}]{waived} "
        f"{finding.message}"
    )


def _show(path: str, cwd: str) -> str:
    rel = os.path.relpath(path, cwd)
    return (path if rel.startswith("..") and os.path.isabs(path) else rel).replace(os.sep, "/")


def render(run: TestRun, verbose: bool = False) -> str:
    """The text report of a test run."""
    if run.error is not None:
        return f"synthgov test: {run.error}\n"
    lines: list[str] = []
    for case in run.cases:
        if case.error is not None:
            lines.append(f"ERROR {case.name}: {case.error}")
        elif not case.passed:
            lines.append(f"FAIL  {case.name}")
            lines += [f"      missing: {m}" for m in case.missing]
            lines += [f"      unexpected: {u}" for u in case.unexpected]
        elif verbose:
            lines.append(f"ok    {case.name}")
    passed = sum(1 for c in run.cases if c.passed)
    failed = sum(1 for c in run.cases if not c.passed and c.error is None)
    errors = sum(1 for c in run.cases if c.error is not None)
    summary = f"{len(run.cases)} case(s): {passed} passed, {failed} failed"
    if errors:
        summary += f", {errors} malformed"
    lines.append(summary)
    return "\n".join(lines) + "\n"
