"""Reading values out of documents for the report: every value is checked for its type
first, so a malformed card shows as "not recorded", never as an exception; stable anchors,
rule families and links to source lines."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from synthgov.reporters.html.inputs import AuditInputs
from synthgov.reporters.html.records import NOT_RECORDED

#: rule families by the hundreds digit of a built-in id (SPEC section 6)
FAMILIES = {
    "0": "structure",
    "1": "provenance",
    "2": "model diversity",
    "3": "validation coverage",
    "4": "governance",
}
_ANCHOR = re.compile(r"[^A-Za-z0-9_-]+")


def anchor(prefix: str, name: str) -> str:
    """A stable HTML id for a dataset or pipeline (distinct names stay distinct)."""
    cleaned = _ANCHOR.sub("-", name).strip("-") or "x"
    if cleaned != name:
        cleaned += "-" + format(sum(map(ord, name)) % 65536, "x")
    return f"{prefix}-{cleaned}"


def text(value: Any) -> str:
    """A scalar from a document as text; anything else is not recorded."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | str) and str(value).strip():
        return str(value)
    return NOT_RECORDED


def number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def integer(value: Any) -> int | None:
    found = number(value)
    return int(found) if found is not None and found == int(found) else None


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def model_id(ref: Any) -> str:
    if isinstance(ref, str) and ref.strip():
        return ref.strip()
    if isinstance(ref, Mapping) and isinstance(ref.get("id"), str):
        return ref["id"]
    return NOT_RECORDED


def family(rule: str) -> str:
    if len(rule) == 5 and rule.startswith("SG") and rule[2:].isdigit():
        return FAMILIES.get(rule[2], "other")
    return "custom and plugin rules"


def source_link(inputs: AuditInputs, path: str, line: int) -> str:
    """The URL of ``path:line`` in the repository browser, or "" when none is configured.

    ``repo_url`` is a base URL (GitHub/GitLab style ``/blob/<commit>/<path>#L<line>`` is
    appended) or a template with ``{commit}``, ``{path}`` and ``{line}``.
    """
    base = inputs.repo_url.strip()
    if not base:
        return ""
    from urllib.parse import quote

    rel = "/".join(p for p in (inputs.path_prefix.strip("/"), path) if p)
    commit = inputs.commit or "HEAD"
    if "{path}" in base:
        return (
            base.replace("{commit}", quote(commit))
            .replace("{path}", quote(rel))
            .replace("{line}", str(line))
        )
    return f"{base.rstrip('/')}/blob/{quote(commit)}/{quote(rel)}#L{line}"
