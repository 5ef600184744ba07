"""One verification run: the cards in scope -> their data files -> measures (cached per
file) -> dataset measures (duplicates, near duplicates, contamination)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from synthgov.core.types import DATASET_CARD, PIPELINE, Document
from synthgov.verify.cache import MeasureCache
from synthgov.verify.inputs import card_files
from synthgov.verify.model import DatasetMeasure, FileResult, MeasureParams, Verification

Progress = Callable[[int, int, str], None]


def contamination_pairs(documents: Sequence[Document], graph: Any) -> dict[str, set[str]]:
    """Evaluation dataset id -> the ids of training datasets it must not overlap, from the
    cards' contamination checks (``against``) and the pipelines' train/evaluate inputs."""
    pairs: dict[str, set[str]] = {}
    by_id = {d.id: d for d in documents if d.kind == DATASET_CARD and d.id}
    for doc in by_id.values():
        checks = doc.get(("validation", "contamination"))
        purpose = doc.get(("purpose",))
        is_eval = isinstance(purpose, list) and "evaluation" in purpose
        for check in checks if isinstance(checks, list) else []:
            against = check.get("against") if isinstance(check, Mapping) else None
            for other in against if isinstance(against, list) else []:
                if not isinstance(other, str) or doc.id is None or other == doc.id:
                    continue
                if is_eval:
                    pairs.setdefault(doc.id, set()).add(other)
                else:
                    pairs.setdefault(other, set()).add(doc.id)
    from synthgov.lineage.roles import pipeline_roles

    for doc in documents:
        if doc.kind != PIPELINE:
            continue
        roles = pipeline_roles(graph, doc)
        if roles is None:
            continue
        for ev in roles.evaluation:
            for tr in roles.training:
                if ev.dataset != tr.dataset:
                    pairs.setdefault(ev.dataset, set()).add(tr.dataset)
    return pairs


def run_verification(
    documents: Sequence[Document],
    scope: Iterable[str] | None,
    graph: Any,
    files: Any,
    params: MeasureParams,
    display: Callable[[str], str],
    cache_folder: str | None = None,
    engine: Any = None,
    progress: Progress | None = None,
) -> Verification:
    """Measure every card in ``scope`` (display paths; None: every card) and the cards its
    contamination pairs need."""
    cards = [d for d in documents if d.kind == DATASET_CARD]
    wanted = set(scope) if scope is not None else {d.path for d in cards}
    pairs = contamination_pairs(documents, graph)
    by_id = {d.id: d for d in cards if d.id}
    in_scope = [d for d in cards if d.path in wanted]
    ids_in_scope = {d.id for d in in_scope if d.id}
    evals = {
        e: {t for t in trains if t in by_id}
        for e, trains in pairs.items()
        if e in by_id and (e in ids_in_scope or trains & ids_in_scope)
    }
    evals = {e: t for e, t in evals.items() if t}
    needed = {d.path: d for d in in_scope}
    for e, trains in evals.items():
        for ds in (e, *trains):
            needed.setdefault(by_id[ds].path, by_id[ds])
    if engine is None:
        from synthgov.verify.duckdb_engine import DuckDBEngine

        engine = DuckDBEngine()
    cache = MeasureCache(cache_folder)
    try:
        resolved = {p: card_files(d, files, display) for p, d in sorted(needed.items())}
        total = sum(len(r) for r in resolved.values())
        done = [0]

        def step(label: str) -> None:
            done[0] += 1
            if progress is not None:
                progress(done[0], total, label)

        measured: dict[str, tuple[FileResult, ...]] = {}
        eval_paths = {by_id[e].path for e in evals}
        for path in sorted(eval_paths):  # evaluation data first: its n-grams are needed
            measured[path] = _measure_all(
                resolved[path], _for(params, needed[path]), engine, cache, files, True, None, step
            )
        trains_of: dict[str, set[str]] = {}
        for e, trains in evals.items():
            for t in trains:
                trains_of.setdefault(by_id[t].path, set()).add(by_id[e].path)
        for path in sorted(needed):
            against = None
            if path in trains_of:
                dirs = [f.sketch for p in sorted(trains_of[path]) for f in measured[p] if f.sketch]
                union = cache.scratch(
                    f"ngrams-{hashlib.sha256(path.encode()).hexdigest()[:16]}.parquet"
                )
                digest = engine.ngram_union(dirs, union)
                against = (union, digest)
            elif path in measured:
                continue
            again = path in measured  # an evaluation set that also trains: count its steps once
            result = _measure_all(
                resolved[path],
                _for(params, needed[path]),
                engine,
                cache,
                files,
                path in eval_paths,
                against,
                (lambda _l: None) if again else step,
            )
            measured[path] = result
        datasets: dict[str, DatasetMeasure] = {}
        for path, doc in sorted(needed.items()):
            results = measured[path]
            dirs = [f.sketch for f in results if f.sketch]
            dm = DatasetMeasure(
                card=path,
                dataset=doc.id or path,
                files=results,
                duplicate_rows=engine.duplicate_rows(dirs) if dirs else None,
                near_duplicate_rows=engine.near_duplicate_rows(dirs) if dirs else None,
            )
            datasets[path] = dm
        for e, trains in sorted(evals.items()):
            epath = by_id[e].path
            edirs = [f.sketch for f in measured[epath] if f.sketch]
            found: set[int] = set()
            for t in sorted(trains):
                for f in measured[by_id[t].path]:
                    if f.measure is not None:
                        found.update(f.measure.contaminated)
            hit = engine.contaminated_rows(edirs, sorted(found))
            complete = datasets[epath].complete and all(
                datasets[by_id[t].path].complete for t in trains
            )
            info = {e: (hit, datasets[epath].text_rows, tuple(sorted(trains)))} if complete else {}
            datasets[epath] = replace(
                datasets[epath], contamination=info, paired_with=tuple(sorted(trains))
            )
        return Verification(datasets=datasets, params=params, engine=engine.name)
    finally:
        cache.close()
        engine.close()


def _for(params: MeasureParams, doc: Document) -> MeasureParams:
    """The card's parameters: its representation attributes are measured too."""
    attrs = doc.get(("representation", "attributes"))
    names = sorted(
        {a["name"] for a in attrs if isinstance(a, Mapping) and isinstance(a.get("name"), str)}
        if isinstance(attrs, list)
        else set()
    )
    return replace(params, attributes=tuple(names))


WORKERS = 2  # files measured at once (DuckDB releases the GIL while it works)


def _measure_all(
    results: Sequence[FileResult],
    params: MeasureParams,
    engine: Any,
    cache: MeasureCache,
    files: Any,
    ngrams: bool,
    against: tuple[str, str] | None,
    step: Callable[[str], None],
) -> tuple[FileResult, ...]:
    out: list[FileResult | None] = [None] * len(results)
    todo: list[tuple[int, FileResult, str]] = []
    for n, res in enumerate(results):
        if res.unverified:
            out[n] = res
            step(res.spec.shown)
            continue
        digest = files.sha256(res.spec.path)
        if digest is None:
            out[n] = replace(res, unverified="cannot read the file")
            step(res.spec.shown)
            continue
        key = cache.key(
            {
                "engine": engine.name,
                "content": digest,
                "format": [res.spec.format, res.spec.compression],
                "params": params.key(),
                "ngrams": ngrams,
                "against": against[1] if against else None,
            }
        )
        entry = cache.lookup(key)
        if entry.measure is not None:
            out[n] = replace(res, measure=entry.measure, sketch=entry.folder, cached=True)
            step(res.spec.shown)
        else:
            todo.append((n, res, key))

    def one(item: tuple[int, FileResult, str]) -> tuple[int, FileResult]:
        n, res, key = item
        staging = cache.staging()
        measure = engine.measure_file(
            res.spec, params, staging, ngrams=ngrams, against=against[0] if against else None
        )
        folder = cache.commit(staging, key, measure)
        return n, replace(res, measure=measure, sketch=folder)

    if len(todo) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for n, done in pool.map(one, todo):
                out[n] = done
                step(done.spec.shown)
    else:
        for item in todo:
            n, done = one(item)
            out[n] = done
            step(done.spec.shown)
    return tuple(r for r in out if r is not None)


def display_from(cwd: str) -> Callable[[str], str]:
    from synthgov.repo.discovery import display_path

    def show(path: str) -> str:
        return display_path(path, cwd) if os.path.isabs(path) else path

    return show
