"""Access to the files that ship inside the package (policies, schemas, data)."""

from __future__ import annotations

import importlib
import json
import os
from functools import cache
from typing import Any

SCHEMA_FILES = {
    "DatasetCard": "datasetcard.schema.json",
    "Pipeline": "pipeline.schema.json",
    "Policy": "policy.schema.json",
    "Config": "config.schema.json",
    "Report": "report.schema.json",  # the output of check --format json
}


def _folders(package: str) -> list[str]:
    spec = importlib.import_module(package).__spec__
    return list(getattr(spec, "submodule_search_locations", None) or ())


def package_bytes(package: str, name: str) -> bytes | None:
    """A file shipped in ``package``, or None when there is no such file.

    Plain ``open`` on the package folder: ``importlib.resources`` costs about 15 ms of
    imports (pathlib, tempfile, shutil, zipfile...), which every pre-commit call would pay.
    It is still the fallback for packages that are not folders (a zip import)."""
    for folder in _folders(package):
        try:
            with open(os.path.join(folder, name), "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            continue
        except OSError:
            break
    from importlib import resources

    path = resources.files(package).joinpath(name)
    return path.read_bytes() if path.is_file() else None


def package_names(package: str, suffix: str) -> list[str]:
    """Names of the files in ``package`` that end with ``suffix``."""
    names: set[str] = set()
    folders = _folders(package)
    for folder in folders:
        try:
            names.update(n for n in os.listdir(folder) if n.endswith(suffix))
        except OSError:
            continue
    if not folders:
        from importlib import resources

        names.update(p.name for p in resources.files(package).iterdir() if p.name.endswith(suffix))
    return sorted(names)


def schema_text(kind: str) -> str:
    """The JSON Schema of a document kind, as text (raises KeyError for an unknown kind)."""
    name = SCHEMA_FILES[kind]
    raw = package_bytes("synthgov.schemas", name)
    if raw is None:
        raise FileNotFoundError(f"synthgov.schemas/{name} is missing from the installation")
    return raw.decode("utf-8")


@cache
def schema(kind: str) -> dict[str, Any]:
    return json.loads(schema_text(kind))


def builtin_pack_names() -> list[str]:
    return [n[: -len(".yaml")] for n in package_names("synthgov.policies", ".yaml")]


def builtin_pack_bytes(name: str) -> bytes | None:
    return package_bytes("synthgov.policies", f"{name}.yaml")
