"""Gathers what the HTML audit report needs beyond the findings (the I/O side of issue 18).

The git commit and state of the work tree (``git`` as a subprocess, no GitPython: a report
is written often and the commit is all it needs), the digests of the policy files, the
references of the ``eu-ai-act`` pack, what the model registry says about each model, and
the repository URL for source links (``--repo-url`` or ``report.repo_url`` in the config).
The reporter itself (:mod:`synthgov.reporters.html`) reads nothing.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from synthgov.repo.discovery import display_path
from synthgov.reporters.html.inputs import AuditInputs, MeasuredValue, ModelFacts, PolicySource

GIT_TIMEOUT = 20


def parse_timestamp(value: str) -> str:
    """An ISO 8601 date-time as given (normalised), ``now`` for the current UTC time.

    Raises ValueError with a clear message otherwise."""
    if value == "now":
        from datetime import UTC

        return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"--timestamp {value!r} is not an ISO 8601 date-time (e.g. 2026-12-05T10:00:00Z) "
            "or 'now'"
        ) from None
    return parsed.isoformat().replace("+00:00", "Z")


def check_repo_url(value: str) -> str:
    if not value.startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise ValueError(
            f"repository URL {value!r} must be an http(s) URL without spaces "
            "(a base URL, or a template with {commit}, {path} and {line})"
        )
    return value


def _git(cwd: str, *args: str) -> str | None:
    from synthgov.repo.gitsafe import git_command

    try:
        proc = subprocess.run(
            git_command(*args),
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def git_state(cwd: str) -> tuple[str, bool, str]:
    """(commit, dirty, prefix of cwd in the repository); ("", False, "") outside git."""
    head = _git(cwd, "rev-parse", "HEAD")
    if not head:
        return "", False, ""
    status = _git(cwd, "status", "--porcelain", "--untracked-files=no")
    prefix = _git(cwd, "rev-parse", "--show-prefix") or ""
    return head.strip(), bool(status and status.strip()), prefix.strip()


def regulation_map(rules: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """Rule id -> references, as the built-in eu-ai-act pack gives them (derived from the
    rule classes, see synthgov/policy/derived.py)."""
    from synthgov.policy.derived import derive_rules

    derived = derive_rules("references", rules)
    return {rule_id: tuple(entry["references"]) for rule_id, entry in derived.items()}


def policy_sources(setup: Any, cwd: str) -> tuple[PolicySource, ...]:
    from synthgov import __version__

    files = {display_path(p, cwd): p for p in setup.policy.files}
    plugin_of = {
        pack: info for info in setup.registry.plugins for pack in getattr(info, "policies", ())
    }
    out: list[PolicySource] = []
    for name in setup.policy.names or ("builtin:baseline",):
        if name.startswith("builtin:"):
            out.append(PolicySource(name, f"synthgov {__version__}", "builtin"))
        elif name in files:
            out.append(PolicySource(name, _digest(files[name]), "file"))
        elif name in plugin_of:
            info = plugin_of[name]
            out.append(PolicySource(name, f"{info.name} {info.version}".strip(), "plugin"))
        else:
            out.append(PolicySource(name, "", "plugin"))
    return tuple(out)


def _digest(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return "sha256:" + hashlib.sha256(handle.read()).hexdigest()[:12]
    except OSError:
        return "unreadable"


def describer(setup: Any) -> Any:
    """What the run's model registry says about a model reference (built on first use)."""
    from synthgov.app.check.runner import model_registry

    memo: dict[str, Any] = {}

    def describe(ref: Any) -> ModelFacts | None:
        key = repr(ref)
        if key in memo:
            return memo[key]
        if "registry" not in memo:
            memo["registry"] = model_registry(setup)
        try:
            info = memo["registry"].resolve(ref)
        except (TypeError, ValueError):
            memo[key] = None
            return None
        terms = ""
        if info.terms is not None:
            terms = f"{info.terms.name}: outputs for training {info.terms.outputs_training}"
        facts = ModelFacts(
            lineage=", ".join(sorted(info.lineage)) if info.known else "",
            provider=info.provider,
            known=info.known,
            pinned=info.pinned,
            terms=terms,
        )
        memo[key] = facts
        return facts

    return describe


def gather(
    setup: Any,
    result: Any,
    *,
    cwd: str,
    timestamp: str = "",
    repo_url: str = "",
    verification: tuple[MeasuredValue, ...] = (),
) -> AuditInputs:
    config_report = setup.config.raw.get("report") if setup.config.raw else None
    config_report = config_report if isinstance(config_report, Mapping) else {}
    url = repo_url or str(config_report.get("repo_url") or "")
    commit, dirty, prefix = git_state(cwd)
    return AuditInputs(
        documents=tuple(result.documents),
        commit=commit,
        dirty=dirty,
        timestamp=timestamp,
        repo_url=url,
        path_prefix=prefix,
        policies=policy_sources(setup, cwd),
        regulation=regulation_map(setup.registry.rules),
        describe_model=describer(setup),
        review=dict(setup.policy.settings.get("review") or {}),
        verification=verification,
        title=str(config_report.get("title") or ""),
    )


def measured_values(claims: Iterable[Any]) -> tuple[MeasuredValue, ...]:
    """Data verification claims (:class:`synthgov.verify.model.Claim`) as the report's
    declared-vs-measured rows; an unmeasured claim keeps its outcome and says why."""
    rows = []
    for claim in claims:
        unverified = claim.outcome == "unverified"
        note = claim.message if unverified else ""
        if not unverified and claim.tolerance not in (None, 0, ""):
            note = f"tolerance {claim.tolerance}"
        rows.append(
            MeasuredValue(
                dataset=claim.dataset,
                field=claim.claim,
                declared=_shown(claim.declared),
                measured="not measured" if unverified else _shown(claim.measured),
                ok=claim.outcome == "verified",
                note=note,
                outcome=claim.outcome,
            )
        )
    return tuple(rows)


def _shown(value: Any) -> str:
    return "-" if value is None else str(value)


def scope(report: Any, paths: tuple[str, ...], cwd: str) -> Any:
    """Files named on the command line: the report covers their documents and draws their
    lineage (as ``synthgov graph`` does), not the whole repository loaded for context."""
    from dataclasses import replace

    from synthgov.lineage.graph import document_node

    named = {
        display_path(os.path.abspath(os.path.join(cwd, p)), cwd)
        for p in paths
        if os.path.isfile(os.path.join(cwd, p))
    }
    inputs = report.audit
    if not named or inputs is None:
        return report
    kept = tuple(d for d in inputs.documents if d.path in named)
    if not kept:  # data files named: the cards that name them are reported (pre-commit)
        return report
    full = report.graph

    def focused() -> Any:
        graph = full() if full is not None else None
        if graph is None:
            return None
        return graph.focus(n for d in kept if (n := document_node(d)) is not None)

    return replace(report, audit=replace(inputs, documents=kept), graph=focused)
