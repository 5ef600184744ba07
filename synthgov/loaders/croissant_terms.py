"""The Croissant vocabulary read leniently: terms however a file spells them, and values.

A key may be compact (``prov:wasDerivedFrom``, ``rai:dataLimitations``, ``sc:license``), a
full IRI (``http://www.w3.org/ns/prov#wasDerivedFrom``) or bare (``license``): :func:`term`
gives the one spelling the adapter works with. License strings and URLs become ids.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from synthgov.core.lazyre import LazyRegex
from synthgov.core.types import Pointer

__all__ = ["first_of", "joined_text", "license_id", "listed", "term", "term_keys"]

_PREFIXES = (
    ("http://www.w3.org/ns/prov#", "prov:"),
    ("https://www.w3.org/ns/prov#", "prov:"),
    ("http://mlcommons.org/croissant/rai/", "rai:"),
    ("http://mlcommons.org/croissant/", ""),
    ("https://schema.org/", ""),
    ("http://schema.org/", ""),
    ("sc:", ""),
    ("schema:", ""),
    ("cr:", ""),
    ("dct:", ""),
)

_LICENSE_URL = LazyRegex(
    r"^https?://(?:choosealicense\.com/licenses|spdx\.org/licenses|opensource\.org/licenses?)"
    r"/(?P<id>[A-Za-z0-9.+-]+?)(?:\.html)?/?$",
    re.I,
)

_CC_URL = LazyRegex(
    r"^https?://creativecommons\.org/licenses/(?P<kind>[a-z-]+)/(?P<ver>\d\.\d)/?", re.I
)


def term(key: str) -> str:
    """A key without its vocabulary: ``prov:wasDerivedFrom``, ``rai:dataBiases``, ``license``."""
    low = key.lower()
    for prefix, short in _PREFIXES:
        if low.startswith(prefix):
            return short + key[len(prefix) :]
    return key


def term_keys(node: Mapping[str, Any]) -> dict[str, str]:
    """Normalised term -> the key as written (first spelling wins)."""
    found: dict[str, str] = {}
    for key in node:
        if isinstance(key, str):
            found.setdefault(term(key), key)
    return found


def first_of(
    node: Mapping[str, Any], names: dict[str, str], *wanted: str
) -> tuple[str, Any] | None:
    """The first of the ``wanted`` terms that ``node`` sets (not null): (key as written,
    value); ``names`` is :func:`term_keys` of ``node``."""
    for name in wanted:
        key = names.get(name)
        if key is not None and node.get(key) is not None:
            return key, node[key]
    return None


def license_id(value: str) -> str:
    """A license id from a license string or URL (``cc-by-sa-4.0``); other text unchanged."""
    text = value.strip()
    found = _LICENSE_URL.match(text)
    if found:
        return found.group("id").lower()
    cc = _CC_URL.match(text)
    if cc:
        return f"cc-{cc.group('kind').lower()}-{cc.group('ver')}"
    return text


def joined_text(value: Any) -> str:
    """A string, or the strings of a list joined with ``; ``; anything else is empty."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return "; ".join(v.strip() for v in value if isinstance(v, str) and v.strip())
    return ""


def listed(value: Any, pointer: Pointer) -> Iterator[tuple[Pointer, Any]]:
    """(pointer, item) of each item of a list, or of a single value (none for null)."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield (*pointer, i), item
    elif value is not None:
        yield pointer, value
