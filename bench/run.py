"""synthgov against check-jsonschema, sha256sum and the parse-and-validate floor (SPEC 14).

    python bench/run.py            # the full benchmark (under 10 minutes on 2 cores)
    python bench/run.py --quick    # 1 and 1,000 cards only, fewer runs (about a minute)

What it does, in one process, on the same machine and in the same run:

1. Makes a benchmark virtual environment ``bench/.venv`` (once) with check-jsonschema, a
   benchmark-only dependency, and installs synthgov from this checkout into it as a user
   would (a wheel, not editable), so both tools start from the same interpreter.
2. Generates seeded, deterministic git repositories (``bench/generate.py``) of 1, 1,000 and
   10,000 dataset cards of 2-4 KB plus pipelines, data files and prompts, and one with four
   64 MB data files for checksum verification (while step 1 runs: pip works in its own
   process; nothing else runs while anything is measured).
3. Measures, interleaved (the tools take turns in each round), several rounds each:
   ``synthgov check`` with the baseline pack (``--no-cache``: every run does all the work)
   against ``check-jsonschema --schemafile schemas/datasetcard.schema.json <cards>`` and
   the floor (a bare script: PyYAML's C loader plus jsonschema-rs); a single card in a cold
   process, as pre-commit runs it; a warm re-run of 10,000 unchanged cards with the cache;
   one changed card of 10,000 with the cache (that its output is the ``--no-cache`` one is
   proved by ``tests/test_cache.py`` on 10,000 cards);
   SG107 checksum verification against ``sha256sum`` on the same files; peak memory.
4. Prints a table of medians and ratios with the SPEC 14 targets, and writes everything to
   ``bench/results/<time>.json`` and ``bench/results/latest.json`` (git-ignored).

Peak memory is the largest sum of the proportional set sizes (PSS) of the process and its
children, sampled every 20 ms from /proc, so worker processes count; a peak must hold for two
samples in a row (a sample taken while a worker forks or exits can count shared pages twice).
The kernel's maxrss of the main process is recorded too, and is the peak of a process too short
to be sampled.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCHEMA = ROOT / "schemas" / "datasetcard.schema.json"
VENV = HERE / ".venv"
RESULTS = HERE / "results"
TODAY = "2026-11-25"
CHECK_JSONSCHEMA = "check-jsonschema==0.39.0"

sys.path.insert(0, str(HERE))
from generate import dump_yaml, generate_repo  # noqa: E402

FLOOR = '''"""The floor: parse with PyYAML's C loader, validate with jsonschema-rs, nothing else."""
import json, sys
import jsonschema_rs, yaml

validator = jsonschema_rs.validator_for(json.load(open(sys.argv[1])))
invalid = 0
for path in sys.argv[2:]:
    with open(path, "rb") as handle:
        data = yaml.load(handle, Loader=yaml.CSafeLoader)
    if list(validator.iter_errors(data)):
        invalid += 1
sys.exit(1 if invalid else 0)
'''


# --------------------------------------------------------------------------- measuring


@dataclass
class Sample:
    seconds: float
    exit_code: int
    peak_pss_mb: float
    maxrss_mb: float


@dataclass
class Series:
    label: str
    samples: list[Sample] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def peak_mb(self) -> float:
        """Sampled PSS of the process tree; the kernel's maxrss of the main process when the
        process was too short to be sampled."""
        return max(max(s.peak_pss_mb, s.maxrss_mb) for s in self.samples)

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "median_s": round(self.median, 4),
            "min_s": round(min(s.seconds for s in self.samples), 4),
            "max_s": round(max(s.seconds for s in self.samples), 4),
            "runs": len(self.samples),
            "peak_pss_mb": round(self.peak_mb, 1),
            "maxrss_mb": round(max(s.maxrss_mb for s in self.samples), 1),
            "exit_codes": sorted({s.exit_code for s in self.samples}),
            "samples_s": [round(s.seconds, 4) for s in self.samples],
        }


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(c) for c in handle.read().split())
        except OSError:
            continue
    return found


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree_pss_mb(pid: int) -> float:
    total, stack, seen = 0, [pid], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        total += _pss_kb(current)
        stack.extend(_children(current))
    return total / 1024


def measure(cmd: list[str], cwd: Path, env: dict[str, str], stdout: Any = None) -> Sample:
    """Wall time, exit code and peak memory of one command."""
    peak = [0.0]
    done = threading.Event()
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=stdout or subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )

    def sample() -> None:
        # a peak must hold for two samples in a row: a sample taken while a worker is
        # being forked (or is exiting) can count the pages it shares with its parent twice,
        # once in each process, for an instant (seen as 499 MB for a 260 MB run)
        previous = 0.0
        while not done.wait(0.02):
            current = _tree_pss_mb(proc.pid)
            peak[0] = max(peak[0], min(previous, current))
            previous = current

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Sample(elapsed, proc.returncode, peak[0], usage.ru_maxrss / 1024)


def interleaved(
    commands: dict[str, tuple[list[str], Path]],
    rounds: int,
    env: dict[str, str],
    warmup: bool = True,
    outputs: dict[str, bytes] | None = None,
) -> dict[str, Series]:
    """Each round runs every command once, in a rotated order; one warm-up run first.

    With ``outputs``, the standard output of every command's last run is kept there.
    """
    names = list(commands)
    for name in names if warmup else ():
        cmd, cwd = commands[name]
        measure(cmd, cwd, env)
    series = {name: Series(name) for name in names}
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            cmd, cwd = commands[name]
            if outputs is None:
                series[name].samples.append(measure(cmd, cwd, env))
                continue
            sample, outputs[name] = _measure_output(cmd, cwd, env)
            series[name].samples.append(sample)
    return series


# --------------------------------------------------------------------------- environment


def _run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kwargs)


def bench_venv(reinstall: bool) -> Path:
    """bench/.venv with check-jsonschema and synthgov (a wheel of this checkout)."""
    python = VENV / "bin" / "python"
    if not python.exists():
        print(f"creating {VENV} ...", flush=True)
        _run([sys.executable, "-m", "venv", str(VENV)])
        _run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    if not _version([str(VENV / "bin" / "check-jsonschema"), "--version"]):
        print(f"installing {CHECK_JSONSCHEMA} ...", flush=True)
        _run([str(python), "-m", "pip", "install", "-q", CHECK_JSONSCHEMA])
    if reinstall:
        print("installing synthgov from this checkout (wheel) ...", flush=True)
        _run(
            [str(python), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", str(ROOT)]
        )
        check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True)
        if check.returncode:  # a new venv, or new dependencies: build once more, with them
            _run([str(python), "-m", "pip", "install", "-q", str(ROOT)])
    return python


def _version(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        return ""


def machine() -> dict[str, Any]:
    model = ""
    try:
        with open("/proc/cpuinfo") as handle:
            model = next(
                (line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")),
                "",
            )
    except OSError:
        pass
    commit = _version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    dirty = _version(["git", "-C", str(ROOT), "status", "--porcelain", "--", "synthgov"])
    return {
        "cpu": model,
        "cores": len(os.sched_getaffinity(0)),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "synthgov_commit": commit + ("+dirty" if dirty else ""),
        "load_average_at_start": os.getloadavg(),
    }


# --------------------------------------------------------------------------- scenarios


def _env(work: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "SYNTHGOV_")) and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(
        {
            "SYNTHGOV_TODAY": TODAY,
            "SYNTHGOV_CACHE_DIR": str(work / "cache"),
            "NO_COLOR": "1",
            "XDG_CACHE_HOME": str(work / "xdg"),
        }
    )
    return env


def _rel(paths: list[Path], root: Path) -> list[str]:
    return [str(p.relative_to(root)) for p in paths]


def checksum_repo(root: Path, files: int, size_mb: int) -> list[Path]:
    """A repository of ``files`` cards, each naming one ``size_mb`` MB data file."""
    import hashlib

    root.mkdir(parents=True)
    (root / "synthgov.yaml").write_text("policies: [builtin:baseline]\n")
    data_files = []
    block = os.urandom(1 << 20)
    for i in range(files):
        folder = root / f"ds{i}"
        (folder / "data").mkdir(parents=True)
        data = folder / "data" / "part.bin"
        digest = hashlib.sha256()
        with open(data, "wb") as handle:
            for j in range(size_mb):
                chunk = bytes([i, j]) + block[2:]
                handle.write(chunk)
                digest.update(chunk)
        data_files.append(data)
        card = {
            "apiVersion": "synthgov/v1",
            "kind": "DatasetCard",
            "metadata": {"id": f"blob-{i}", "owner": "x@corp.example"},
            "files": [
                {"path": "data/part.bin", "sha256": digest.hexdigest(), "size": size_mb << 20}
            ],
        }
        (folder / "card.yaml").write_bytes(dump_yaml(card))
    return data_files


def same_output(cmd_a: list[str], cmd_b: list[str], cwd: Path, env: dict[str, str]) -> bool:
    a = subprocess.run(cmd_a, cwd=cwd, env=env, capture_output=True)
    b = subprocess.run(cmd_b, cwd=cwd, env=env, capture_output=True)
    return a.returncode == b.returncode and a.stdout == b.stdout and bool(a.stdout)


def _generate_all(work: Path, sizes: list[int], quick: bool) -> dict[Any, Any]:
    """Every repository of the run, made before anything is measured."""
    made: dict[Any, Any] = {}
    for n in sizes:
        t0 = time.perf_counter()
        made[n] = generate_repo(work / f"repo-{n}", n)
        print(f"generated {n} cards in {time.perf_counter() - t0:.1f} s", flush=True)
    files, size_mb = (2, 16) if quick else (4, 64)
    made["checksum"] = (checksum_repo(work / "checksum", files, size_mb), files, size_mb)
    return made


def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="synthgov-bench-"))
    sizes = [1, 1000] if args.quick else [1, 1000, 10000]
    # the repositories are generated while the benchmark environment is installed (pip runs
    # in its own process); nothing runs beside the measurements themselves
    generated: dict[Any, Any] = {}
    failure: list[BaseException] = []

    def generate() -> None:
        try:
            generated.update(_generate_all(work, sizes, args.quick))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
            failure.append(exc)

    maker = threading.Thread(target=generate, name="generate")
    maker.start()
    try:
        python = Path(args.python) if args.python else bench_venv(not args.no_install)
    finally:
        maker.join()
    if failure:
        raise failure[0]
    cjs = str(python.parent / "check-jsonschema")
    if not Path(cjs).exists():
        cjs = shutil.which("check-jsonschema") or "check-jsonschema"
    env = _env(work)
    floor = work / "floor.py"
    floor.write_text(FLOOR)
    # the console script, as pre-commit and CI call it (check-jsonschema is called the same way)
    synthgov = [str(python.parent / "synthgov")]
    if not Path(synthgov[0]).exists():
        synthgov = [str(python), "-m", "synthgov"]
    results: dict[str, Any] = {
        "machine": machine(),
        "versions": {
            "synthgov": _version([*synthgov, "--version"]),
            "check-jsonschema": _version([cjs, "--version"]),
            "sha256sum": _version(["sha256sum", "--version"]).splitlines()[0:1],
        },
        "scenarios": {},
    }
    # The budget is 10 minutes on 2 cores, and two runs of check-jsonschema on 10,000 cards
    # take six of them: at 1,000 and 10,000 cards each tool runs twice, taking turns round
    # by round, without warm-up runs (a warm-up run at that size is what a measured run would
    # be anyway; the page cache is warm from generating the files, and synthgov's start-up
    # snapshots from the one-card runs).
    rounds = {1: 7, 1000: 2, 10000: 2} if not args.quick else {1: 5, 1000: 2}
    try:
        for n in sizes:
            repo = generated[n]
            cards = _rel(list(repo.cards), repo.root)
            schema_only = [cjs, "--schemafile", str(SCHEMA), *cards]
            bare = [str(python), str(floor), str(SCHEMA), *cards]
            if n == 1:
                commands = {
                    "synthgov": ([*synthgov, "check", "--no-cache", cards[0]], repo.root),
                    "check-jsonschema": (schema_only, repo.root),
                    "floor": (bare, repo.root),
                }
                series = interleaved(commands, rounds[n], env)
                results["scenarios"]["1 card, cold process"] = _scenario(series)
                _progress(series)
                continue
            # JSON output, kept: the cache scenario compares its runs with it
            outputs: dict[str, bytes] = {}
            full = {
                "synthgov": ([*synthgov, "check", "--no-cache", "--format", "json"], repo.root),
                "floor": (bare, repo.root),
            }
            series = interleaved(
                {**full, "check-jsonschema": (schema_only, repo.root)},
                rounds[n],
                env,
                warmup=False,
                outputs=outputs,
            )
            label = f"{n:,} cards (baseline pack, lineage graph)"
            results["scenarios"][label] = _scenario(series)
            _progress(series)
            if n == 10000 or (args.quick and n == 1000):
                results["scenarios"].update(
                    _cache_scenarios(repo, synthgov, env, n, outputs["synthgov"])
                )
        data, files, size_mb = generated["checksum"]
        results["scenarios"].update(
            _checksum_scenario(work, data, files, size_mb, synthgov, env, args.quick)
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    return results


def _progress(series: dict[str, Series]) -> None:
    print("  " + ", ".join(f"{name} {s.median:.3f} s" for name, s in series.items()), flush=True)


def _scenario(series: dict[str, Series]) -> dict[str, Any]:
    return {name: s.to_json() for name, s in series.items()}


def _measure_output(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[Sample, bytes]:
    with tempfile.TemporaryFile() as handle:
        sample = measure(cmd, cwd, env, stdout=handle)
        handle.seek(0)
        return sample, handle.read()


def _cache_scenarios(
    repo: Any, synthgov: list[str], env: dict[str, str], n: int, reference: bytes
) -> dict[str, Any]:
    """``reference``: the output of a measured ``--no-cache`` run on the same repository."""
    out: dict[str, Any] = {}
    root = repo.root
    cached = [*synthgov, "check", "--format", "json"]
    first, first_out = _measure_output(cached, root, env)  # fills the cache
    warm = Series("synthgov (cache hit)")
    warm_outputs = set()
    for _ in range(5):
        sample, output = _measure_output(cached, root, env)
        warm.samples.append(sample)
        warm_outputs.add(output)
    identical = bool(reference) and warm_outputs == {reference} and first_out == reference
    out[f"re-run, {n:,} unchanged cards (cache)"] = {
        "synthgov (first run, fills it)": Series("first", [first]).to_json(),
        "synthgov (cache hit)": warm.to_json(),
        "output identical to --no-cache": identical,
    }
    print(f"  warm re-run {warm.median:.3f} s (first {first.seconds:.2f} s)", flush=True)
    # one card changes: a seed dataset gets a new id, so every card derived from it now
    # names a missing dataset (SG004), and it loses its owner (SG401)
    seed = 7
    old_id = repo.ids[seed]
    card = next(p for p in repo.cards if p.parent.name == old_id)
    text = card.read_text()
    card.write_text(
        text.replace(f"id: {old_id}", "id: renamed-seed").replace("  owner:", "  x-owner:")
    )
    changed, changed_out = _measure_output(cached, root, env)
    again, again_out = _measure_output(cached, root, env)
    # that this output is the one --no-cache gives is what tests/test_cache.py proves on
    # 10,000 cards; another --no-cache run here would cost a sixth of a minute
    findings = json.loads(changed_out)["findings"] if changed_out else []
    dependents = sum(1 for f in findings if f["rule"] == "SG004" and old_id in f["message"])
    card.write_text(text)
    out[f"one card of {n:,} changed (cache)"] = {
        "synthgov (after the change)": Series("changed", [changed]).to_json(),
        "synthgov (next run: cache hit)": Series("again", [again]).to_json(),
        "next run gives the same output": bool(changed_out) and again_out == changed_out,
        "cards reporting the renamed seed (SG004)": dependents,
    }
    print(
        f"  one changed card {changed.seconds:.2f} s, {dependents} dependent cards report it",
        flush=True,
    )
    return out


def _checksum_scenario(
    work: Path,
    data: list[Path],
    files: int,
    size_mb: int,
    synthgov: list[str],
    env: dict[str, str],
    quick: bool,
) -> dict[str, Any]:
    root = work / "checksum"
    total_mb = files * size_mb
    commands = {
        "synthgov": ([*synthgov, "check", "--no-cache", "--select", "SG107"], root),
        "sha256sum": (["sha256sum", *_rel(data, root)], root),
    }
    series = interleaved(commands, 3, env)
    out = _scenario(series)
    for name, s in series.items():
        out[name]["throughput_mb_s"] = round(total_mb / s.median, 1)
    out["data_mb"] = total_mb
    _progress(series)
    return {f"checksum verification, {files} files of {size_mb} MB (SG107)": out}


# --------------------------------------------------------------------------- the table


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    sc = results["scenarios"]
    rows: list[dict[str, Any]] = []

    def add(target: str, value: str, limit: str, met: bool) -> None:
        rows.append({"target": target, "value": value, "limit": limit, "met": met})

    for scenario, limit, what in (
        ("1 card, cold process", 0.4, "single card, cold process vs check-jsonschema"),
        (
            "10,000 cards (baseline pack, lineage graph)",
            0.15,
            "10,000 cards vs check-jsonschema (schema only)",
        ),
    ):
        s = sc.get(scenario)
        if s:
            value = s["synthgov"]["median_s"] / s["check-jsonschema"]["median_s"]
            add(what, f"{value:.3f} x", f"<= {limit} x", value <= limit)
    warm = sc.get("re-run, 10,000 unchanged cards (cache)")
    if warm:
        value = warm["synthgov (cache hit)"]["median_s"]
        met = value < 0.5 and warm["output identical to --no-cache"]
        add("re-run of 10,000 unchanged cards", f"{value:.3f} s", "< 0.5 s", met)
    for name, s in sc.items():
        if name.startswith("checksum"):
            value = s["synthgov"]["throughput_mb_s"] / s["sha256sum"]["throughput_mb_s"]
            add("checksum throughput vs sha256sum", f"{value:.0%}", ">= 80%", value >= 0.8)
    big = sc.get("10,000 cards (baseline pack, lineage graph)")
    if big:
        value = big["synthgov"]["peak_pss_mb"]
        add("peak memory, 10,000 cards", f"{value:.0f} MB", "< 300 MB", value < 300)
    return rows


def table(results: dict[str, Any]) -> str:
    lines = []
    header = (
        f"{'scenario':<46} {'tool':<38} {'median s':>9} {'runs':>4} {'peak MB':>8} {'vs cjs':>7}"
    )
    lines.append(header)
    lines.append("-" * len(header))
    for scenario, tools in results["scenarios"].items():
        base = (
            tools.get("check-jsonschema", {}).get("median_s") if isinstance(tools, dict) else None
        )
        first = True
        for tool, s in tools.items():
            if not isinstance(s, dict) or "median_s" not in s:
                continue
            rel = f"{s['median_s'] / base:.3f}" if base else ""
            extra = f"  ({s['throughput_mb_s']:.0f} MB/s)" if "throughput_mb_s" in s else ""
            lines.append(
                f"{scenario if first else '':<46} {tool + extra:<38} {s['median_s']:>9.3f} "
                f"{s['runs']:>4} {s['peak_pss_mb']:>8.0f} {rel:>7}"
            )
            first = False
        for key, value in tools.items():
            if not isinstance(value, dict):
                lines.append(f"{'':<46} {key}: {value}")
    lines.append("")
    lines.append(f"{'SPEC 14 target':<52} {'measured':>12} {'limit':>12}  met")
    for row in results["targets"]:
        met = "yes" if row["met"] else "NO"
        lines.append(f"{row['target']:<52} {row['value']:>12} {row['limit']:>12}  {met}")
    lines.append(f"\ntotal {results['total_seconds']:.0f} s on {results['machine']['cores']} cores")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 and 1,000 cards, fewer runs")
    parser.add_argument("--python", help="interpreter with synthgov and check-jsonschema")
    parser.add_argument(
        "--no-install", action="store_true", help="use bench/.venv as it is (no reinstall)"
    )
    args = parser.parse_args()
    results = run(args)
    results["targets"] = targets(results)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(results, indent=2, default=lambda o: asdict(o))
    (RESULTS / f"{stamp}.json").write_text(text)
    (RESULTS / "latest.json").write_text(text)
    print()
    print(table(results))
    print(f"\nwritten: {RESULTS / (stamp + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
