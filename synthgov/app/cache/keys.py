"""What the cache's entries are keyed by (see :mod:`synthgov.app.cache.runcache`): the run key, the
fingerprint of synthgov's and the plugins' code, and which loaders' parses may be kept."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from synthgov.app.cache.filestate import signature
from synthgov.app.cache.store import FORMAT

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.app.check.runner import CheckOptions, Setup

#: where the cache lives, when set (not part of the run key: the cache's own location)
ENV_DIR = "SYNTHGOV_CACHE_DIR"
#: environment variables that can change what a run reports (besides SYNTHGOV_*)
ENV_KEYS = (
    "GITHUB_ACTIONS",
    "GITHUB_EVENT_NAME",
    "GITHUB_BASE_REF",
    "GITHUB_HEAD_REF",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
)
#: loaders known to be pure functions of (path, bytes, display path, limits)
PURE_LOADERS = frozenset({"synthgov.loaders.native.NativeLoader"})
CODE_SUFFIXES = (".py", ".yaml", ".yml", ".json")


def code_fingerprint(objects: Sequence[Any]) -> str:
    """A hash of the signatures of synthgov's code and data files, and of the modules that
    define ``objects`` (plugins' rules, loaders, reporters).

    Installed from a wheel, synthgov's files are those its ``RECORD`` lists, and pip
    rewrites the ``RECORD`` whenever it installs them: its signature stands for them all
    (one ``stat`` instead of walking 30 folders and 240 files, 3 ms of every pre-commit
    call; a file edited by hand inside site-packages goes unseen). A source checkout (an
    editable install, ``PYTHONPATH``) is walked."""
    import synthgov

    package = os.path.dirname(os.path.abspath(synthgov.__file__))
    files: set[str] = set()
    record = _installed_record(package)
    if record is not None:
        files.add(record)
    else:
        files.update(_code_files(package))
    for obj in objects:
        module = sys.modules.get(getattr(obj, "__module__", None) or type(obj).__module__)
        path = getattr(module, "__file__", None)
        if isinstance(path, str):
            files.add(os.path.abspath(path))
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(f"{path}\0{signature(path)}\n".encode())
    return digest.hexdigest()


def _installed_record(package: str) -> str | None:
    """The ``RECORD`` of the distribution installed beside ``package`` that lists its
    ``__init__.py``, if synthgov was installed from a wheel."""
    site = os.path.dirname(package)
    try:
        names = os.listdir(site)
    except OSError:
        return None
    for name in sorted(names):
        if not (name.startswith("synthgov-") and name.endswith(".dist-info")):
            continue
        record = os.path.join(site, name, "RECORD")
        try:
            with open(record, encoding="utf-8") as handle:
                listed = any(line.startswith("synthgov/__init__.py,") for line in handle)
        except (OSError, UnicodeDecodeError):
            continue
        if listed:
            return record
    return None


def _code_files(package: str) -> set[str]:
    """synthgov's code and data files in a source checkout."""
    roots = {package}
    for name in ("synthgov.policies", "synthgov.schemas"):
        module = sys.modules.get(name)
        locations = getattr(getattr(module, "__spec__", None), "submodule_search_locations", None)
        roots.update(os.path.abspath(p) for p in locations or ())
    files: set[str] = set()
    for root in roots:
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            files.update(os.path.join(folder, n) for n in names if n.endswith(CODE_SUFFIXES))
    return files


def loader_name(loader: Any) -> str:
    cls = type(loader)
    return f"{cls.__module__}.{cls.__qualname__}"


def is_pure(loader: Any) -> bool:
    return getattr(loader, "cacheable", None) is True or loader_name(loader) in PURE_LOADERS


def _canonical(value: Any) -> str:
    return repr(value)


def run_key(options: CheckOptions, setup: Setup) -> tuple[str, str]:
    """(run key, code fingerprint) of a run; see :mod:`synthgov.app.cache.runcache`."""
    from synthgov import __version__
    from synthgov.core.dates import today

    registry = setup.registry
    objects = [*registry.rules.values(), *registry.loaders, *registry.reporters.values()]
    code = code_fingerprint(objects)
    env = sorted(
        (k, v)
        for k, v in os.environ.items()
        if (k.startswith("SYNTHGOV_") and k != ENV_DIR) or k in ENV_KEYS
    )
    parts: list[tuple[str, Any]] = [
        ("format", FORMAT),
        ("version", __version__),
        ("python", sys.version),
        ("code", code),
        ("options", replace(options, use_cache=True)),
        ("config", setup.config),
        ("policy", setup.policy),
        ("plugins", registry.plugins),
        ("rules", sorted((rid, loader_name(rule)) for rid, rule in registry.rules.items())),
        ("loaders", [loader_name(ld) for ld in registry.loaders]),
        ("models", (registry.model_entries, sorted(registry.model_terms.items()))),
        ("warnings", setup.warnings),
        ("today", today()),
        ("env", env),
    ]
    digest = hashlib.sha256()
    for label, value in parts:
        digest.update(f"{label}\0{_canonical(value)}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest(), code
