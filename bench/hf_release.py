"""How synthgov judges a whole release of Hugging Face dataset cards (issue 13).

    python bench/hf_release.py GIT_DIR [COMMIT]

GIT_DIR is a clone (or bare mirror) of ``huggingface/datasets``; COMMIT defaults to
d7dfbc83d68e87ba002c5eb2555f7a932e59038a, the last commit with the in-repository cards
``datasets/<name>/README.md``. The cards are written to a temporary folder as
``<name>/README.md`` (so same-tree sources link up), checked with ``synthgov check --format
json``, and loaded again to read each card's synthetic status. Prints a Markdown report: the
share of cards judged declared / suspected / none, the evidence behind the suspected ones and
the 10 most common findings. Nothing is vendored: the cards are read from git at run time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

RELEASE = "d7dfbc83d68e87ba002c5eb2555f7a932e59038a"


def export_cards(git_dir: str, commit: str, into: Path) -> int:
    names = subprocess.run(
        ["git", "-C", git_dir, "ls-tree", "--name-only", f"{commit}:datasets"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    count = 0
    for name in names:
        shown = subprocess.run(
            ["git", "-C", git_dir, "show", f"{commit}:datasets/{name}/README.md"],
            capture_output=True,
        )
        if shown.returncode != 0:
            continue  # a dataset folder without a card
        (into / name).mkdir()
        (into / name / "README.md").write_bytes(shown.stdout)
        count += 1
    return count


def statuses(root: Path) -> tuple[Counter[str], Counter[str]]:
    from synthgov.app.check.runner import load_one
    from synthgov.lineage.synthetic import synthetic_status
    from synthgov.plugins.manager import load_registry
    from synthgov.repo.parsing.limits import Limits

    registry = load_registry(entry_points=False)
    status: Counter[str] = Counter()
    why: Counter[str] = Counter()
    for readme in sorted(root.glob("*/README.md")):
        result = load_one(str(readme), readme.parent.name, registry.loaders, Limits())
        for doc in result.documents if result is not None else ():
            judged = synthetic_status(doc)
            status[judged.status] += 1
            if judged.status == "suspected":
                for evidence in judged.evidence:
                    why[evidence.reason.split(" (")[0].split('"')[0].strip()] += 1
    return status, why


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    git_dir, commit = argv[0], argv[1] if len(argv) == 2 else RELEASE
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "cards"
        root.mkdir()
        cards = export_cards(git_dir, commit, root)
        proc = subprocess.run(
            [sys.executable, "-m", "synthgov", "check", "cards", "--format", "json"],
            cwd=tmp,
            capture_output=True,
            text=True,
        )
        if proc.returncode not in (0, 1):
            print(proc.stderr, file=sys.stderr)
            return 2
        report = json.loads(proc.stdout)
        status, why = statuses(root)
    documents = sum(status.values())
    print(f"# huggingface/datasets @ {commit[:12]}: {cards} cards, {documents} documents\n")
    print("| status | cards | share |\n|---|---|---|")
    for name in ("declared", "suspected", "none"):
        print(f"| {name} | {status[name]} | {status[name] / max(documents, 1):.1%} |")
    print("\nEvidence of the suspected cards (a card may have several):\n")
    for reason, n in why.most_common():
        print(f"- {reason}: {n}")
    print("\n| rule | findings |\n|---|---|")
    for rule, n in Counter(f["rule"] for f in report["findings"]).most_common(10):
        print(f"| {rule} | {n} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
