"""synthgov at an earlier commit against this checkout, side by side in one run.

    python bench/versus.py REF [--sizes 1,1000,10000] [--rounds 5]

REF is any git revision (a sha, a tag, ``HEAD~3``). Both are installed as wheels, each in
its own virtual environment under ``bench/.versus/`` (git-ignored; an environment is reused
while its commit is the same), and run ``synthgov check --no-cache`` on the same generated
repositories (``bench/generate.py``), taking turns in each round (the order alternates), so
that the speed of the machine, which drifts, is shared. It prints the median of each, their
ratio, and the summary each gave: a ratio means "the same work, slower or faster" only when
the summaries agree. One card is the pre-commit case (the card file is named, like
``bench/run.py`` does); the larger sizes check the whole repository.

This is how "the clean path stays within 5 %" is measured against the code before a change
(docs/decisions.md). Needs git, and PyPI the first time (pip installs the dependencies).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from generate import generate_repo  # noqa: E402


def _git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _environment(name: str, source: Path, *, again: bool = False) -> Path:
    """A virtual environment under bench/.versus/NAME with synthgov installed from SOURCE
    (installed ``again`` when it exists: this checkout changes)."""
    env = BENCH / ".versus" / name
    synthgov = env / "bin" / "synthgov"
    pip = [str(env / "bin" / "python"), "-m", "pip", "install", "-q"]
    if not synthgov.exists():
        shutil.rmtree(env, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
        subprocess.run([*pip, str(source)], check=True)
    elif again:
        subprocess.run([*pip, "--no-deps", "--force-reinstall", str(source)], check=True)
    return synthgov


def _earlier(ref: str) -> Path:
    sha = _git("rev-parse", "--verify", f"{ref}^{{commit}}")
    synthgov = BENCH / ".versus" / sha[:12] / "bin" / "synthgov"
    if synthgov.exists():
        return synthgov
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", sha], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        return _environment(sha[:12], Path(tmp))


def _summary(synthgov: Path, cwd: Path, target: list[str]) -> str:
    done = subprocess.run(
        [str(synthgov), "check", "--no-cache", "--format", "json", *target],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    try:
        summary = json.loads(done.stdout)["summary"]
    except (ValueError, KeyError):
        return f"exit {done.returncode}, no JSON"
    return ", ".join(f"{k} {v}" for k, v in summary.items() if k != "waived")


def _timed(synthgov: Path, cwd: Path, target: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [str(synthgov), "check", "--no-cache", "-q", *target],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/versus.py", description=__doc__)
    parser.add_argument("ref", help="the earlier commit (any git revision)")
    parser.add_argument("--sizes", default="1,1000,10000", help="cards per repository")
    parser.add_argument("--rounds", type=int, default=5, help="runs of each, per size")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    tools = {"earlier": _earlier(args.ref), "now": _environment("now", ROOT, again=True)}
    print(f"earlier: {args.ref} ({_git('rev-parse', '--short', args.ref)}); now: this checkout")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            repo = generate_repo(Path(tmp) / f"cards-{size}", size)
            target = [str(repo.cards[0].relative_to(repo.root))] if size == 1 else []
            times: dict[str, list[float]] = {name: [] for name in tools}
            for turn in range(args.rounds):
                names = list(tools) if turn % 2 == 0 else list(tools)[::-1]
                for name in names:
                    times[name].append(_timed(tools[name], repo.root, target))
            then, now = (statistics.median(times[name]) for name in tools)
            line = f"earlier {then:.3f} s, now {now:.3f} s, now/earlier {now / then:.3f}"
            print(f"{size:>6} cards: {line}")
            for name, synthgov in tools.items():
                print(f"{'':>14}{name}: {_summary(synthgov, repo.root, target)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
