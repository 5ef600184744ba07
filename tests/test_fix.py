"""``synthgov check --fix`` for SG107: the card's sha256, size and rows taken from the data
file, on real files, with a diff; ``--dry-run`` changes nothing; a second run changes nothing."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from tests.conftest import run_cli, write_tree

DATA = b'{"text": "a"}\n{"text": "b"}\n\n{"text": "c"}\n'  # 43 bytes, 3 rows
SHA = hashlib.sha256(DATA).hexdigest()
OLD_SHA = "0" * 64
HEAD = "apiVersion: synthgov/v1\nkind: DatasetCard\n"
META = "metadata: {{id: {id}, owner: a@b.example}}\n"
APPROVED = "governance: {approvals: [{by: s@b.example, role: data-steward, date: 2024-01-01}]}\n"


def _block_card(card_id: str) -> str:
    return (
        HEAD
        + META.format(id=card_id)
        + "files:\n"
        + "  - path: data/train.jsonl\n"
        + f"    sha256: '{OLD_SHA}'   # quoted, with a comment\n"
        + "    size: 7\n"
        + "    rows: 1\n"
        + APPROVED
    )


def _flow_card(card_id: str) -> str:
    return (
        HEAD
        + META.format(id=card_id)
        + f"files: [{{path: data/train.jsonl, sha256: {OLD_SHA[:-1]}1, size: 9}}]\n"
        + APPROVED
    )


def _json_card(card_id: str) -> str:
    card = {
        "apiVersion": "synthgov/v1",
        "kind": "DatasetCard",
        "metadata": {"id": card_id, "owner": "a@b.example"},
        "files": [{"path": "data/train.jsonl", "sha256": OLD_SHA, "size": 1, "rows": 9}],
        "governance": {
            "approvals": [{"by": "s@b.example", "role": "data-steward", "date": "2024-01-01"}]
        },
    }
    return json.dumps(card, indent=2) + "\n"


def _hf_card(card_id: str) -> str:
    return (
        "---\nlicense: mit\nsynthgov:\n"
        + f"  metadata: {{id: {card_id}, owner: a@b.example}}\n"
        + "  files:\n"
        + f"    - {{path: data/train.jsonl, sha256: {OLD_SHA}, size: 3}}\n"
        + "  governance: {approvals: [{by: s@b.example, role: data-steward, date: 2024-01-01}]}\n"
        + "---\n\n# A card\n"
    )


def _repo(root: Path) -> dict[str, str]:
    cards = {
        "block/card.yaml": _block_card("block"),
        "flow/card.yaml": _flow_card("flow"),
        "json/card.json": _json_card("json"),
        "hf/README.md": _hf_card("hf"),
    }
    tree: dict[str, str | bytes] = dict(cards)
    for path in cards:
        tree[f"{os.path.dirname(path)}/data/train.jsonl"] = DATA
    write_tree(root, tree)
    return cards


def _sg107(root: Path) -> list[tuple[str, int]]:
    proc = run_cli("check", "--format", "json", "--select", "SG107", cwd=root)
    return [(f["path"], f["line"]) for f in json.loads(proc.stdout)["findings"]]


def test_fix_updates_sha256_size_and_rows_from_the_file(tmp_path: Path) -> None:
    cards = _repo(tmp_path)
    assert len(_sg107(tmp_path)) == 8  # sha256 and size of each of the four cards
    before = {p: (tmp_path / p).read_bytes() for p in cards}
    dry = run_cli("check", "--fix", "--dry-run", cwd=tmp_path)
    assert dry.returncode == 1, dry.stderr
    assert dry.stderr == "synthgov: would fix 8 finding(s) in 4 file(s) (--dry-run)\n"
    assert f"+    sha256: '{SHA}'   # quoted, with a comment" in dry.stdout
    assert "--- a/block/card.yaml" in dry.stdout and "+++ b/hf/README.md" in dry.stdout
    assert {p: (tmp_path / p).read_bytes() for p in cards} == before  # nothing written

    fixed = run_cli("check", "--fix", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "synthgov: fixed 8 finding(s) in 4 file(s)" in fixed.stderr
    assert "-    size: 7" in fixed.stderr and "+    size: 43" in fixed.stderr
    assert _sg107(tmp_path) == []
    block = (tmp_path / "block/card.yaml").read_text(encoding="utf-8")
    assert f"    sha256: '{SHA}'   # quoted, with a comment\n    size: 43\n    rows: 3\n" in block
    flow = (tmp_path / "flow/card.yaml").read_text(encoding="utf-8")
    assert f"files: [{{path: data/train.jsonl, sha256: {SHA}, size: 43}}]\n" in flow
    entry = json.loads((tmp_path / "json/card.json").read_text(encoding="utf-8"))["files"][0]
    assert entry == {"path": "data/train.jsonl", "sha256": SHA, "size": 43, "rows": 3}
    hf = (tmp_path / "hf/README.md").read_text(encoding="utf-8")
    assert f"{{path: data/train.jsonl, sha256: {SHA}, size: 43}}" in hf
    assert hf.endswith("---\n\n# A card\n")

    # idempotent: a second run finds nothing to fix and changes no byte
    after = {p: (tmp_path / p).read_bytes() for p in cards}
    again = run_cli("check", "--fix", cwd=tmp_path)
    assert again.returncode == 0 and "synthgov: nothing to fix" in again.stderr
    assert {p: (tmp_path / p).read_bytes() for p in cards} == after
    assert run_cli("check", "--fix", "--dry-run", cwd=tmp_path).returncode == 0


def test_fix_leaves_what_it_cannot_edit_safely(tmp_path: Path) -> None:
    # the value comes through an alias: the text at its position is not the value
    card = (
        HEAD
        + META.format(id="alias")
        + f"x-digest: &digest {OLD_SHA}\n"
        + "files:\n  - {path: data/train.jsonl, sha256: *digest}\n"
        + APPROVED
    )
    write_tree(tmp_path, {"card.yaml": card, "data/train.jsonl": DATA})
    proc = run_cli("check", "--fix", cwd=tmp_path)
    assert proc.returncode == 1
    assert "nothing to fix" in proc.stderr
    assert (tmp_path / "card.yaml").read_text(encoding="utf-8") == card
    assert "SG107" in proc.stdout


def test_fix_keeps_a_hex_digest_that_yaml_would_read_as_a_number_a_string(
    tmp_path: Path,
) -> None:
    from synthgov.app.fix import _render

    assert _render("abc", "8e586970") == '"8e586970"'
    assert _render("abc", "12345") == '"12345"'
    assert _render("abc", "2279b01e") == "2279b01e"
    assert _render("'abc'", "8e586970") == "'8e586970'"
    assert _render("7", 41) == "41"


def test_dry_run_needs_fix(tmp_path: Path) -> None:
    proc = run_cli("check", "--dry-run", cwd=tmp_path)
    assert proc.returncode == 2 and "--dry-run goes with --fix" in proc.stderr
