"""Configuration (SPEC section 8): find, read and validate ``synthgov.yaml``.

Looked up by walking up from the working directory: ``synthgov.yaml``, ``.synthgov.yaml``,
then ``[tool.synthgov]`` in ``pyproject.toml``; ``--config`` overrides. A bad config is a
:class:`synthgov.core.errors.ConfigError` (a PolicyError: exit 2) naming the file and line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from synthgov.core.errors import ConfigError
from synthgov.repo.parsing.limits import Limits

CONFIG_NAMES = ("synthgov.yaml", ".synthgov.yaml")
DEFAULT_POLICIES = ("builtin:baseline",)
FAIL_LEVELS = ("error", "warning", "info")


@dataclass(frozen=True, eq=False)  # compared by identity; no __eq__ or __hash__ to build
class Config:
    """The configuration of a run: synthgov.yaml, .synthgov.yaml, [tool.synthgov] or defaults."""

    path: str | None  # None: no config file, defaults
    root: str  # directory the config's relative paths are resolved against
    policies: tuple[str, ...] = DEFAULT_POLICIES
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    plugins: tuple[str, ...] = ()
    models: tuple[Mapping[str, Any], ...] = ()
    fail_on: str = "error"
    baseline: str | None = None
    format: str | None = None
    cache_enabled: bool = True
    cache_dir: str | None = None
    limits: Limits = field(default_factory=Limits)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False)


def find_config(start: str) -> str | None:
    probe = os.path.abspath(start)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(probe, name)
            if os.path.isfile(candidate):
                return candidate
        pyproject = os.path.join(probe, "pyproject.toml")
        if os.path.isfile(pyproject) and _has_tool_table(pyproject):
            return pyproject
        parent = os.path.dirname(probe)
        if parent == probe:
            return None
        probe = parent


def _has_tool_table(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            return b"[tool.synthgov]" in handle.read()
    except OSError:
        return False


Reader = Callable[[str], bytes | None]


def load_config(
    path: str | None,
    *,
    cwd: str,
    reader: Reader | None = None,
    display: Callable[[str], str] = lambda p: p,
) -> Config:
    """Read the config at ``path`` (or the defaults when None) and validate it."""
    if path is None:
        return Config(path=None, root=cwd)
    from synthgov.policy.layers import default_reader

    read = reader or default_reader
    raw = read(path)
    label = display(path)
    if raw is None:
        raise ConfigError(label, None, "config file not found or not readable")
    if path.endswith(".toml"):
        data, positions = _load_toml(raw, label)
    else:
        from synthgov.repo.parsing.safeyaml import load_yaml

        parsed = load_yaml(raw)
        if not parsed.ok or any(p.rule == "SG003" for p in parsed.problems):
            problem = parsed.problems[0]
            raise ConfigError(label, problem.line, problem.message)
        data = parsed.data if parsed.data is not None else {}
        positions = parsed.positions
    if not isinstance(data, Mapping):
        raise ConfigError(label, 1, "the config must be a mapping")
    _validate(data, positions, label)
    return _to_config(data, os.path.abspath(path), label)


def _load_toml(raw: bytes, label: str) -> tuple[Any, Mapping[Any, Any]]:
    import tomllib

    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(label, None, f"invalid TOML: {exc}") from None
    table = doc.get("tool", {}).get("synthgov", {})
    return table, {}


def _validate(data: Mapping[str, Any], positions: Mapping[Any, Any], label: str) -> None:
    from synthgov.core import resources
    from synthgov.policy.schemacheck import compile_schema, iter_schema_errors

    errors = iter_schema_errors(compile_schema(resources.schema("Config"), lazy=True), dict(data))
    if not errors:
        return
    err = errors[0]
    probe = tuple(err.pointer)
    line = None
    while True:
        pos = positions.get(probe)
        if pos is not None:
            line = pos.line
            break
        if not probe:
            break
        probe = probe[:-1]
    where = "/".join(str(p) for p in err.pointer) or "(top level)"
    raise ConfigError(label, line, f"config does not match its schema at {where}: {err.message}")


def _to_config(data: Mapping[str, Any], path: str, label: str) -> Config:
    limits_raw = data.get("limits") or {}
    defaults = Limits()
    limits = Limits(
        max_bytes=int(limits_raw.get("max_bytes", defaults.max_bytes)),
        max_depth=int(limits_raw.get("max_depth", defaults.max_depth)),
        max_hash_bytes=int(limits_raw.get("max_hash_bytes", defaults.max_hash_bytes)),
        hash_seconds=float(limits_raw.get("hash_seconds", defaults.hash_seconds)),
    )
    cache = data.get("cache") or {}
    policies = tuple(data.get("policies") or DEFAULT_POLICIES)
    return Config(
        path=path,
        root=os.path.dirname(path),
        policies=policies,
        include=tuple(data.get("include") or ()),
        exclude=tuple(data.get("exclude") or ()),
        plugins=tuple(data.get("plugins") or ()),
        models=tuple(data.get("models") or ()),
        fail_on=str(data.get("fail_on", "error")),
        baseline=data.get("baseline"),
        format=data.get("format"),
        cache_enabled=bool(cache.get("enabled", True)),
        cache_dir=cache.get("dir"),
        limits=limits,
        raw=data,
    )
