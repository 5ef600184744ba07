"""Access to the files that ship inside the package (policies, schemas, data)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

SCHEMA_FILES = {
    "DatasetCard": "datasetcard.schema.json",
    "Pipeline": "pipeline.schema.json",
    "Policy": "policy.schema.json",
    "Config": "config.schema.json",
}


def schema_text(kind: str) -> str:
    """The JSON Schema of a document kind, as text (raises KeyError for an unknown kind)."""
    name = SCHEMA_FILES[kind]
    return resources.files("synthgov.schemas").joinpath(name).read_text(encoding="utf-8")


@cache
def schema(kind: str) -> dict[str, Any]:
    return json.loads(schema_text(kind))


def builtin_pack_names() -> list[str]:
    root = resources.files("synthgov.policies")
    return sorted(p.name[: -len(".yaml")] for p in root.iterdir() if p.name.endswith(".yaml"))


def builtin_pack_bytes(name: str) -> bytes | None:
    path = resources.files("synthgov.policies").joinpath(f"{name}.yaml")
    return path.read_bytes() if path.is_file() else None
