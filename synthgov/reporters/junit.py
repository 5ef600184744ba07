"""``--format junit``: JUnit XML for CI test reports (GitLab, Jenkins, Azure DevOps...).

One ``<testsuite>`` per file with findings, one ``<testcase>`` per finding: a ``<failure>``
when its severity fails the run (``--fail-on``, default error), else a passing case whose
``<system-out>`` holds the finding; waived findings are ``<skipped>``. CI systems identify a
test case by ``classname`` + ``name`` and drop later duplicates, so ``name`` is built from
the rule and the JSON pointer and made unique within its file (`` #2``, `` #3``...). A run
without findings gives one passing test case, so the report is never empty. Deterministic
(``time="0"``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any

from synthgov.core.escaping import printable, xml_command_safe
from synthgov.core.types import Finding, Severity
from synthgov.engine.report import Report

# characters XML 1.0 cannot hold, even escaped
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: object) -> str:
    """Text from documents for an attribute or a line of a failure's body: control
    characters made visible (:func:`synthgov.core.escaping.printable`), then anything XML 1.0
    cannot hold replaced."""
    return _INVALID_XML.sub("\ufffd", printable(text))


def render(report: Report) -> str:
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_file[f.path].append(f)
    root = ET.Element("testsuites", {"name": "synthgov"})
    total = failures = skipped = 0
    for path in sorted(by_file):
        suite = _suite(path, by_file[path], report.fail_on)
        root.append(suite)
        total += int(suite.get("tests", "0"))
        failures += int(suite.get("failures", "0"))
        skipped += int(suite.get("skipped", "0"))
    if not by_file:
        suite = ET.SubElement(
            root,
            "testsuite",
            {"name": "synthgov", "tests": "1", "failures": "0", "errors": "0", "skipped": "0"},
        )
        suite.set("time", "0")
        s = report.summary
        ET.SubElement(
            suite,
            "testcase",
            {
                "classname": "synthgov",
                "name": f"synthgov check ({s.files} files, {s.documents} documents)",
                "time": "0",
            },
        )
        total = 1
    if report.verification is not None:
        suite = _verification_suite(report.verification)
        root.append(suite)
        total += int(suite.get("tests", "0"))
        failures += int(suite.get("failures", "0"))
        skipped += int(suite.get("skipped", "0"))
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", "0")
    root.set("skipped", str(skipped))
    root.set("time", "0")
    ET.indent(root, space="  ")
    body = xml_command_safe(ET.tostring(root, encoding="unicode"))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _suite(path: str, findings: list[Finding], fail_on: Severity) -> ET.Element:
    suite = ET.Element("testsuite", {"name": _clean(path)})
    used: set[str] = set()
    failures = skipped = 0
    for f in findings:
        base = f"{f.rule} {f.name} at {f.pointer or '/'}"
        name, n = base, 1
        while name in used:
            n += 1
            name = f"{base} #{n}"
        used.add(name)
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": _clean(path),
                "name": _clean(name),
                "file": _clean(path),
                "line": str(f.line),
                "time": "0",
            },
        )
        detail = (
            f"{_clean(f.path)}:{f.line}:{f.column}: {_clean(f.rule)} [{f.severity.label}] "
            f"{_clean(f.message)}"
        )
        if f.hint:
            detail += f"\nhint: {_clean(f.hint)}"
        if f.document:
            detail += f"\ndocument: {_clean(f.document)}"
        if f.references:
            detail += f"\nreferences: {_clean('; '.join(f.references))}"
        if f.waived:
            skipped += 1
            el = ET.SubElement(case, "skipped", {"message": _clean(f"waived: {f.message}")})
        elif f.severity < fail_on:  # reported, but it does not fail the run
            el = ET.SubElement(case, "system-out")
        else:
            failures += 1
            el = ET.SubElement(
                case,
                "failure",
                {
                    "message": _clean(f.message),
                    "type": f"{f.rule} {f.severity.label}",
                },
            )
        el.text = detail  # each value was cleaned above; the line breaks are ours
    suite.set("tests", str(len(findings)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    suite.set("time", "0")
    return suite


def _verification_suite(claims: tuple[Any, ...]) -> ET.Element:
    """Data verification: a test case per claim; a mismatch fails, an unverified claim is
    skipped (not passed)."""
    suite = ET.Element("testsuite", {"name": "synthgov data verification"})
    failures = skipped = 0
    for claim in claims:
        case = ET.SubElement(
            suite,
            "testcase",
            {
                "classname": _clean(claim.card),
                "name": _clean(f"{claim.rule} {claim.claim}"),
                "time": "0",
            },
        )
        if claim.outcome == "mismatch":
            failures += 1
            node = ET.SubElement(case, "failure", {"message": _clean(claim.message)})
            node.text = _clean(claim.message)
        elif claim.outcome == "unverified":
            skipped += 1
            ET.SubElement(case, "skipped", {"message": _clean(f"unverified: {claim.message}")})
    suite.set("tests", str(len(claims)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    suite.set("time", "0")
    return suite
