"""Parse speed of the safe loaders on the vendored corpus (issue 12).

    python bench/parse_speed.py                    # tests/corpus, 20 passes, 21 rounds
    python bench/parse_speed.py --against /tmp/old  # A/B against copies of the old modules

Every YAML file and README front matter under ``tests/corpus`` goes through
``load_yaml_text``, every JSON file through ``load_json``, 20 times per round; process time
(the machine is shared), best and median of the rounds. With ``--against DIR`` (a folder
holding ``safeyaml.py`` and ``jsonpos.py`` of another version, importable as top-level
modules), the two versions take turns and must give identical results.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from synthgov.loaders.huggingface import front_matter
from synthgov.repo.parsing import jsonpos, safeyaml

ROOT = Path(__file__).resolve().parent.parent


def _inputs(corpus: Path) -> tuple[list[tuple[str, int]], list[bytes]]:
    texts: list[tuple[str, int]] = []
    raws: list[bytes] = []
    for path in sorted(corpus.rglob("*")):
        suffix = path.suffix.lower()
        if not path.is_file():
            continue
        if suffix in (".yaml", ".yml"):
            decoded = safeyaml.decode(path.read_bytes())
            if isinstance(decoded, str):
                texts.append((decoded, 0))
        elif suffix == ".md":
            found = front_matter(path.read_text(encoding="utf-8", errors="replace"))
            if found is not None:
                texts.append(found)
        elif suffix in (".json", ".jsonld"):
            raws.append(path.read_bytes())
    return texts, raws


def _passes(
    yaml_mod: ModuleType, json_mod: ModuleType, texts: list[tuple[str, int]], raws: list[bytes]
) -> dict[str, Callable[[], None]]:
    def yaml_pass() -> None:
        for _ in range(20):
            for text, offset in texts:
                yaml_mod.load_yaml_text(text, line_offset=offset)

    def json_pass() -> None:
        for _ in range(20):
            for raw in raws:
                json_mod.load_json(raw)

    return {"yaml": yaml_pass, "json": json_pass}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "corpus")
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--against", type=Path, help="folder with old safeyaml.py, jsonpos.py")
    args = parser.parse_args()
    texts, raws = _inputs(args.corpus)
    versions = {"this": _passes(safeyaml, jsonpos, texts, raws)}
    if args.against is not None:
        sys.path.insert(0, str(args.against))
        old_yaml = importlib.import_module("safeyaml")
        old_json = importlib.import_module("jsonpos")
        for text, offset in texts:
            new = safeyaml.load_yaml_text(text, line_offset=offset)
            assert repr(new) == repr(old_yaml.load_yaml_text(text, line_offset=offset))
        for raw in raws:
            assert repr(jsonpos.load_json(raw)) == repr(old_json.load_json(raw))
        versions["other"] = _passes(old_yaml, old_json, texts, raws)
    print(f"{len(texts)} YAML texts, {len(raws)} JSON files, 20 passes a round")
    for kind in ("yaml", "json"):
        times: dict[str, list[float]] = {name: [] for name in versions}
        for round_no in range(args.rounds):
            order = list(versions) if round_no % 2 else list(reversed(versions))
            for name in order:
                started = time.process_time()
                versions[name][kind]()
                times[name].append((time.process_time() - started) * 1000)
        for name, spent in times.items():
            best, median = min(spent), statistics.median(spent)
            print(f"{kind} {name}: best {best:.1f} ms, median {median:.1f} ms")


if __name__ == "__main__":
    main()
