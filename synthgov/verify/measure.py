"""One verification run: the cards in scope -> their data files -> measures (cached per
file) -> dataset measures (duplicates, near duplicates, contamination)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from synthgov.core.types import DATASET_CARD, PIPELINE, Document
from synthgov.verify.cache import MeasureCache, code_version
from synthgov.verify.inputs import card_files
from synthgov.verify.model import DatasetMeasure, FileResult, MeasureParams, Verification

Progress = Callable[[int, int, str], None]


def contamination_pairs(documents: Sequence[Document], graph: Any) -> dict[str, set[str]]:
    """Evaluation dataset id -> the ids of training datasets it must not overlap, from the
    cards' contamination checks (``against``) and the pipelines' train/evaluate inputs."""
    pairs: dict[str, set[str]] = {}
    for evaluation, training in (
        *_declared_pairs(documents),
        *_pipeline_pairs(documents, graph),
    ):
        pairs.setdefault(evaluation, set()).add(training)
    return pairs


def _declared_pairs(documents: Sequence[Document]) -> Iterator[tuple[str, str]]:
    """(evaluation, training) from the cards' contamination checks: the card is the
    evaluation side when its purpose says so, else the training side."""
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
                yield (doc.id, other) if is_eval else (other, doc.id)


def _pipeline_pairs(documents: Sequence[Document], graph: Any) -> Iterator[tuple[str, str]]:
    """(evaluation, training) from what each pipeline trains and evaluates on."""
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
                    yield ev.dataset, tr.dataset


@dataclass(frozen=True)
class Plan:
    """The cards a run measures: those in scope and those their contamination pairs need."""

    by_id: Mapping[str, Document]
    #: display path -> card, for every card measured
    needed: Mapping[str, Document]
    #: evaluation dataset id -> the ids of the training datasets measured against it
    evals: Mapping[str, set[str]]

    @property
    def eval_paths(self) -> set[str]:
        return {self.by_id[e].path for e in self.evals}

    def trains_of(self) -> dict[str, set[str]]:
        """Training card path -> the paths of the evaluation cards it is compared with."""
        out: dict[str, set[str]] = {}
        for e, trains in self.evals.items():
            for t in trains:
                out.setdefault(self.by_id[t].path, set()).add(self.by_id[e].path)
        return out


def plan(documents: Sequence[Document], scope: Iterable[str] | None, graph: Any) -> Plan:
    """The cards in ``scope`` (display paths; None: every card) and their pairs."""
    cards = [d for d in documents if d.kind == DATASET_CARD]
    wanted = set(scope) if scope is not None else {d.path for d in cards}
    by_id = {d.id: d for d in cards if d.id}
    in_scope = [d for d in cards if d.path in wanted]
    evals = _pairs_in_scope(
        contamination_pairs(documents, graph), by_id, {d.id for d in in_scope if d.id}
    )
    needed = {d.path: d for d in in_scope}
    for e, trains in evals.items():
        for ds in (e, *trains):
            needed.setdefault(by_id[ds].path, by_id[ds])
    return Plan(by_id, needed, evals)


def _pairs_in_scope(
    pairs: Mapping[str, set[str]], by_id: Mapping[str, Document], ids_in_scope: set[str]
) -> dict[str, set[str]]:
    """The pairs with a card on both sides and a side in scope."""
    evals = {
        e: {t for t in trains if t in by_id}
        for e, trains in pairs.items()
        if e in by_id and (e in ids_in_scope or trains & ids_in_scope)
    }
    return {e: t for e, t in evals.items() if t}


class _Steps:
    """Progress: one step a file, reported as (done, total, label)."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total = total
        self.done = 0
        self.progress = progress

    def __call__(self, label: str) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total, label)


@dataclass(frozen=True)
class _Tools:
    """What measuring a file takes: the engine, the measure cache and file access."""

    engine: Any
    cache: MeasureCache
    files: Any


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
    run = plan(documents, scope, graph)
    if engine is None:
        from synthgov.verify.duckdb_engine import DuckDBEngine

        engine = DuckDBEngine()
    tools = _Tools(engine, MeasureCache(cache_folder, code_version(engine)), files)
    try:
        resolved = {p: card_files(d, files, display) for p, d in sorted(run.needed.items())}
        steps = _Steps(sum(len(r) for r in resolved.values()), progress)
        measured = _measure_cards(run, resolved, params, tools, steps)
        datasets = _dataset_measures(run, measured, engine)
        _add_contamination(run, measured, datasets, engine)
        return Verification(datasets=datasets, params=params, engine=engine.name)
    finally:
        tools.cache.close()
        engine.close()


def _measure_cards(
    run: Plan,
    resolved: Mapping[str, Sequence[FileResult]],
    params: MeasureParams,
    tools: _Tools,
    step: Callable[[str], None],
) -> dict[str, tuple[FileResult, ...]]:
    """Every file of every needed card: evaluation data first (its n-grams are needed),
    then the training data compared with them, then the rest."""
    measured: dict[str, tuple[FileResult, ...]] = {}
    eval_paths = run.eval_paths
    for path in sorted(eval_paths):
        card_params = _for(params, run.needed[path])
        measured[path] = _measure_all(resolved[path], card_params, tools, True, None, step)
    trains_of = run.trains_of()
    for path in sorted(run.needed):
        against = None
        if path in trains_of:
            against = _ngram_union(path, trains_of[path], measured, tools)
        elif path in measured:
            continue
        again = path in measured  # an evaluation set that also trains: count its steps once
        measured[path] = _measure_all(
            resolved[path],
            _for(params, run.needed[path]),
            tools,
            path in eval_paths,
            against,
            (lambda _l: None) if again else step,
        )
    return measured


def _ngram_union(
    path: str,
    evaluations: set[str],
    measured: Mapping[str, tuple[FileResult, ...]],
    tools: _Tools,
) -> tuple[str, str]:
    """The n-grams of the evaluation cards a training card is compared with: (the Parquet
    file, its digest)."""
    dirs = [f.sketch for p in sorted(evaluations) for f in measured[p] if f.sketch]
    union = tools.cache.scratch(f"ngrams-{hashlib.sha256(path.encode()).hexdigest()[:16]}.parquet")
    return union, tools.engine.ngram_union(dirs, union)


def _dataset_measures(
    run: Plan, measured: Mapping[str, tuple[FileResult, ...]], engine: Any
) -> dict[str, DatasetMeasure]:
    datasets: dict[str, DatasetMeasure] = {}
    for path, doc in sorted(run.needed.items()):
        results = measured[path]
        dirs = [f.sketch for f in results if f.sketch]
        datasets[path] = DatasetMeasure(
            card=path,
            dataset=doc.id or path,
            files=results,
            duplicate_rows=engine.duplicate_rows(dirs) if dirs else None,
            near_duplicate_rows=engine.near_duplicate_rows(dirs) if dirs else None,
        )
    return datasets


def _add_contamination(
    run: Plan,
    measured: Mapping[str, tuple[FileResult, ...]],
    datasets: dict[str, DatasetMeasure],
    engine: Any,
) -> None:
    """Give each evaluation dataset the rows its training sets contaminate (known only when
    every one of them was measured in full)."""
    by_id = run.by_id
    for e, trains in sorted(run.evals.items()):
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
    tools: _Tools,
    ngrams: bool,
    against: tuple[str, str] | None,
    step: Callable[[str], None],
) -> tuple[FileResult, ...]:
    """The files of one card: from the cache when they were measured before, else measured
    (on ``WORKERS`` threads when there are several)."""
    out: list[FileResult | None] = [None] * len(results)
    todo: list[tuple[int, FileResult, str]] = []
    for n, res in enumerate(results):
        known = _known(res, params, tools, ngrams, against)
        if isinstance(known, str):
            todo.append((n, res, known))
        else:
            out[n] = known
            step(res.spec.shown)
    for n, done in _measure_files(todo, params, tools, ngrams, against):
        out[n] = done
        step(done.spec.shown)
    return tuple(r for r in out if r is not None)


def _known(
    res: FileResult,
    params: MeasureParams,
    tools: _Tools,
    ngrams: bool,
    against: tuple[str, str] | None,
) -> FileResult | str:
    """The file's result when no measuring is needed (not measurable, unreadable, cached),
    else its cache key."""
    if res.unverified:
        return res
    digest = tools.files.sha256(res.spec.path)
    if digest is None:
        return replace(res, unverified="cannot read the file")
    parts = {
        "engine": tools.engine.name,
        "content": digest,
        "format": [res.spec.format, res.spec.compression],
        "params": params.key(),
        "ngrams": ngrams,
        "against": against[1] if against else None,
    }
    if res.spec.partition:  # a Delta table's file: its partition values are columns too
        parts["partition"] = [list(p) for p in res.spec.partition]
    key = tools.cache.key(parts)
    entry = tools.cache.lookup(key)
    if entry.measure is not None:
        return replace(res, measure=entry.measure, sketch=entry.folder, cached=True)
    return key


def _measure_files(
    todo: Sequence[tuple[int, FileResult, str]],
    params: MeasureParams,
    tools: _Tools,
    ngrams: bool,
    against: tuple[str, str] | None,
) -> Iterator[tuple[int, FileResult]]:
    """Measure and cache each (index, file, cache key), in order."""

    def one(item: tuple[int, FileResult, str]) -> tuple[int, FileResult]:
        n, res, key = item
        staging = tools.cache.staging()
        measure = tools.engine.measure_file(
            res.spec, params, staging, ngrams=ngrams, against=against[0] if against else None
        )
        folder = tools.cache.commit(staging, key, measure)
        return n, replace(res, measure=measure, sketch=folder)

    if len(todo) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            yield from pool.map(one, todo)
    else:
        for item in todo:
            yield one(item)


def display_from(cwd: str) -> Callable[[str], str]:
    from synthgov.repo.discovery import display_path

    def show(path: str) -> str:
        return display_path(path, cwd) if os.path.isabs(path) else path

    return show
