"""Data verification inside a check run (``synthgov verify``, ``check --verify-data``):
measure the data files of the cards in scope with DuckDB or Spark and compare them with
what the cards claim (docs/verify.md)."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

from synthgov.app.check.options import CheckOptions, Setup
from synthgov.app.check.roots import local_files, repository_roots
from synthgov.policy.resolve import PolicyError


def verify_data(options: CheckOptions, setup: Setup, run: Any, scope: set[str] | None) -> Any:
    """Measure the data files of the cards in scope and compare them with the claims."""
    from synthgov.rules.verification import MEASURE_PARAMS
    from synthgov.verify import compare
    from synthgov.verify.measure import display_from, run_verification
    from synthgov.verify.model import MeasureParams

    try:
        import duckdb  # noqa: F401 - the engine's import, checked here for a clear message
    except ImportError:
        raise PolicyError(
            "--verify-data", None, "data verification needs DuckDB: pip install duckdb"
        ) from None
    engine, files = _verify_engine(options, setup)
    policy = setup.policy
    params_by_rule = {
        rule_id: dict(setting.params)
        for rule_id, setting in policy.rules.items()
        if rule_id.startswith("SG5") and setting.enabled
    }
    values: dict[str, Any] = {}
    for name, (rule_id, param) in MEASURE_PARAMS.items():
        rule = setup.registry.rules.get(rule_id)
        default = rule.parameter_defaults().get(param) if rule is not None else None
        setting = policy.rules.get(rule_id)
        value = setting.params.get(param, default) if setting is not None else default
        if value is not None:
            values[name] = tuple(value) if isinstance(value, list) else value
    values.update(_banding(values.get("num_perm", 128), policy))
    params = MeasureParams(**values)
    folder = None
    if options.use_cache and setup.config.cache_enabled:
        from synthgov.app.cache.runcache import cache_dir

        base = cache_dir(setup.config)
        folder = os.path.join(base, "verify") if base else None
    verification = run_verification(
        run.documents,
        scope,
        run.graph,
        files,
        params,
        display_from(options.cwd),
        cache_folder=folder,
        engine=engine,
        progress=options.progress,
    )
    by_path = {d.path: d for d in run.documents}
    claims = {
        path: tuple(compare.claims(by_path[path], dm, params_by_rule))
        for path, dm in verification.datasets.items()
        if scope is None or path in scope
    }
    return replace(verification, claims=claims)


def _banding(num_perm: int, policy: Any) -> dict[str, int]:
    """SG504's LSH banding, resolved once at plan time for every engine: explicit ``bands``,
    else the one its ``threshold`` chooses (synthgov.verify.lsh)."""
    from synthgov.verify.lsh import DEFAULT_THRESHOLD, BandingConflict, resolve_banding

    setting = policy.rules.get("SG504")
    given = setting.params if setting is not None else {}
    try:
        chosen = resolve_banding(
            num_perm, float(given.get("threshold", DEFAULT_THRESHOLD)), given.get("bands")
        )
    except BandingConflict as exc:
        raise PolicyError("SG504", None, str(exc)) from None
    return {"bands": chosen.bands, "rows_per_band": chosen.rows}


def _verify_engine(options: CheckOptions, setup: Setup) -> tuple[Any, Any]:
    """The engine and file access of a verification: DuckDB (None: the default) and local
    files, or Spark (issue 17, synthgov.verify.spark_engine) with storage URIs."""
    raw = setup.config.raw.get("verify") or {}
    name = options.engine or raw.get("engine") or "duckdb"
    if name != "spark":
        return None, local_files(options, setup.config, None)
    from synthgov.verify import spark_engine

    spark = raw.get("spark") or {}
    base = setup.config.root
    uris = {
        os.path.normpath(os.path.join(base, rel)): uri
        for rel, uri in (spark.get("paths") or {}).items()
    }
    settings = spark_engine.SparkSettings(
        master=spark.get("master") or spark_engine.DEFAULT_MASTER,
        conf=dict(spark.get("conf") or {}),
        uris=uris,
    )
    try:
        engine = spark_engine.open_engine(settings)
    except spark_engine.EngineUnavailable as exc:
        raise PolicyError("--engine spark", None, str(exc)) from None
    return engine, spark_engine.SparkFiles(repository_roots(options, setup.config), engine)
