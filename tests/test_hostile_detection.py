"""Issue 11, "A card can hide from the loaders", and issue 13, "Nothing vanishes".

Detection used to be a byte sniff of the first 4 KiB: a card that spelled its marker another
way was not a document at all ("0 documents", exit 0). Now every YAML or JSON file that no
sniff claims is parsed and classified, and a file that no loader reads is named.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import git, run_cli, write_tree

BOM = b"\xef\xbb\xbf"
LONG_HEADER = b"".join(
    b"# licence header line %04d, padding the sniffed head\n" % i for i in range(120)
)
CARD_BODY = b"kind: DatasetCard\nmetadata: {id: hidden}\n"  # no owner: SG401 (error)

HIDDEN = {
    "bom-and-long-comment.yaml": BOM + LONG_HEADER + b"apiVersion: synthgov/v1\n" + CARD_BODY,
    "anchor.yaml": b"apiVersion: &v synthgov/v1\n" + CARD_BODY,
    "quoted-key-flow.yaml": (
        b'{"apiVersion": "synthgov/v1", kind: DatasetCard, metadata: {id: hidden}}\n'
    ),
    "tag.yml": b"apiVersion: !!str synthgov/v1\n" + CARD_BODY,
    "escaped.json": (
        b'{"apiVersion": "synthgov\\/v1", "kind": "DatasetCard", "metadata": {"id": "hidden"}}'
    ),
    "unicode-escape.json": (
        b'{"apiVersion": "\\u0073ynthgov/v1", "kind": "DatasetCard", "metadata": {"id": "hidden"}}'
    ),
    "long-json.json": (
        b'{"description": "' + b"x" * 5000 + b'", "apiVersion": "synthgov/v1", '
        b'"kind": "DatasetCard", "metadata": {"id": "hidden"}}'
    ),
    "typo-version.yaml": b"apiVersion: synthgov/v2\n" + CARD_BODY,
    "upper-suffix.YAML": b"apiVersion: synthgov/v1\n" + CARD_BODY,
    "upper-suffix.Json": b'{"apiVersion": "synthgov/v1", "kind": "DatasetCard", "metadata": {}}',
}


def _check(root: Path, *args: str) -> tuple[int, dict, str]:
    proc = run_cli("check", "--no-cache", "--format", "json", *args, cwd=root)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout), proc.stderr


@pytest.mark.parametrize("name", sorted(HIDDEN))
def test_a_card_cannot_hide_from_the_loaders(tmp_path: Path, name: str) -> None:
    write_tree(tmp_path, {name: HIDDEN[name]})
    code, report, _ = _check(tmp_path)
    assert report["summary"]["documents"] == 1, report
    rules = {f["rule"] for f in report["findings"] if f["path"] == name}
    assert rules & {"SG401", "SG002"}, report["findings"]
    assert code == 1


def test_an_escaped_croissant_context_is_read(tmp_path: Path) -> None:
    """PHP's json_encode escapes every slash: the Croissant marker is not in the bytes."""
    croissant = {
        "@context": {"@vocab": "https://schema.org/", "cr": "http://mlcommons.org/croissant/"},
        "@type": "sc:Dataset",
        "name": "escaped",
        "conformsTo": "http://mlcommons.org/croissant/1.0",
    }
    raw = json.dumps(croissant).replace("/", "\\/")
    assert "mlcommons.org/croissant" not in raw
    write_tree(tmp_path, {"metadata.json": raw})
    _, report, _ = _check(tmp_path)
    assert report["summary"]["documents"] == 1, report


def test_a_distilabel_pipeline_with_quoted_keys_is_read(tmp_path: Path) -> None:
    raw = '"distilabel": {version: 1.4.0}\n"pipeline": {name: p, steps: []}\n'
    write_tree(tmp_path, {"pipeline.yaml": raw})
    _, report, _ = _check(tmp_path)
    assert report["summary"]["documents"] == 1, report


def test_other_yaml_and_json_files_are_classified_quietly(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".github/workflows/ci.yml": "on: push\njobs: {}\n",
            "package.json": '{"name": "x"}',
            "k8s.yaml": "apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata: {name: p}\n",
            "list.yaml": "- a\n- b\n",
        },
    )
    code, report, stderr = _check(tmp_path)
    assert (code, report["summary"]["documents"], report["findings"], stderr) == (0, 0, [], "")


def test_a_file_that_does_not_parse_is_never_skipped_silently(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            # mentions synthgov: it could be a card, so the run fails closed
            "card.yaml": BOM + LONG_HEADER + b"apiVersion: synthgov/v1\nkind: [DatasetCard\n",
            # a second YAML document hides nothing either
            "two.yaml": b"a: 1\n---\napiVersion: synthgov/v1\n" + CARD_BODY,
            # nothing suggests a governed document: a notice names it
            "tsconfig.json": b'{\n  // comments are not JSON\n  "compilerOptions": {}\n}\n',
            "k8s.yaml": b"apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Service\n",
        },
    )
    code, report, stderr = _check(tmp_path)
    sg001 = [f for f in report["findings"] if f["path"] == "card.yaml"]
    assert [f["rule"] for f in sg001] == ["SG001"], report["findings"]
    assert "cannot tell whether it is a governed document" in sg001[0]["message"]
    assert sg001[0]["line"] > 100  # the line where parsing failed, after the header
    assert [f["rule"] for f in report["findings"] if f["path"] == "two.yaml"] == ["SG001"]
    assert not [f for f in report["findings"] if f["path"] in ("tsconfig.json", "k8s.yaml")]
    assert "tsconfig.json was not read: not valid JSON" in stderr
    assert "k8s.yaml was not read: not valid YAML" in stderr
    assert code == 1


def test_a_file_too_big_to_classify_is_named(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "synthgov.yaml": "limits: {max_bytes: 2048}\n",
            "big.yaml": LONG_HEADER + b"apiVersion: synthgov/v1\n" + CARD_BODY,
        },
    )
    _, _, stderr = _check(tmp_path)
    assert "big.yaml was not read: larger than the 2 KB limit" in stderr


def test_a_named_file_that_no_loader_reads_is_named(tmp_path: Path) -> None:
    """Issue 13: a pre-1.0 Croissant file given on the command line was '0 documents'."""
    pre_1_0 = {
        "@context": {"@vocab": "https://schema.org/", "ml": "http://mlcommons.org/schema/"},
        "@type": "sc:Dataset",
        "name": "old",
    }
    write_tree(
        tmp_path,
        {
            "old/metadata.json": json.dumps(pre_1_0),
            "notes.txt": "hello\n",
            "card.yaml": (
                "apiVersion: synthgov/v1\nkind: DatasetCard\n"
                "metadata: {id: c, owner: o@example.invalid}\nfiles: [{path: data.csv}]\n"
            ),
            "data.csv": "a,b\n",
        },
    )
    (tmp_path / "synthgov.yaml").write_text("policies: [builtin:baseline]\n")
    named = ("old/metadata.json", "notes.txt", "data.csv", "synthgov.yaml")
    proc = run_cli("check", "--no-cache", *named, cwd=tmp_path)
    lines = proc.stderr.splitlines()
    assert any(
        line.startswith("synthgov: warning: old/metadata.json was not read:")
        and "Croissant before 1.0 is not read" in line
        for line in lines
    ), proc.stderr
    assert any(
        line.startswith("synthgov: warning: notes.txt was not read: no loader reads .txt files")
        for line in lines
    ), proc.stderr
    assert not any("data.csv" in line for line in lines), proc.stderr  # named by a card
    assert not any("synthgov.yaml" in line for line in lines), proc.stderr  # the config
    assert "Traceback" not in proc.stderr


# --------------------------------------------------------------------- the pull-request gate


def _repo_with_base(root: Path) -> None:
    write_tree(
        root,
        {
            "synthgov.yaml": "policies: [builtin:baseline]\n",
            "datasets/ok/card.yaml": (
                "apiVersion: synthgov/v1\nkind: DatasetCard\n"
                "metadata: {id: ok, owner: data@example.invalid}\n"
                "governance:\n  approvals: [{by: s@example.invalid, role: data-steward, "
                "date: 2026-01-01}]\n"
            ),
        },
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "pr")


@pytest.mark.parametrize("name", ["bom-and-long-comment.yaml", "anchor.yaml", "escaped.json"])
def test_the_pr_gate_sees_a_hidden_card(tmp_path: Path, name: str) -> None:
    _repo_with_base(tmp_path)
    write_tree(tmp_path, {f"datasets/new/{name}": HIDDEN[name]})
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "a card that hides")
    proc = run_cli(
        "check",
        "--format",
        "json",
        "--diff-base",
        "main",
        "--policy-from-ref",
        "main",
        cwd=tmp_path,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    report = json.loads(proc.stdout)
    hits = {f["rule"] for f in report["findings"] if f["path"] == f"datasets/new/{name}"}
    assert "SG401" in hits, report
    assert proc.returncode == 1


def test_the_pr_gate_sees_a_card_that_was_rewritten_to_hide(tmp_path: Path) -> None:
    """The PR removes the owner and, in the same change, hides the card behind an anchor."""
    _repo_with_base(tmp_path)
    card = tmp_path / "datasets" / "ok" / "card.yaml"
    text = card.read_text().replace("apiVersion: synthgov/v1", "apiVersion: &v synthgov/v1")
    card.write_text(text.replace(", owner: data@example.invalid", ""))
    git(tmp_path, "commit", "-q", "-am", "hide and weaken")
    proc = run_cli(
        "check",
        "--format",
        "json",
        "--diff-base",
        "main",
        "--policy-from-ref",
        "main",
        cwd=tmp_path,
    )
    report = json.loads(proc.stdout)
    hits = {f["rule"] for f in report["findings"] if f["path"] == "datasets/ok/card.yaml"}
    assert "SG401" in hits, report
    assert proc.returncode == 1
