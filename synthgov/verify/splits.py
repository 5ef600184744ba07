"""The rows per split a card declares: a Hugging Face card's ``dataset_info.splits[]``
(``name``, ``num_examples``), kept by the adapter under ``x-huggingface`` with the positions
it had in the README. Pure: reads the document only."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from synthgov.core.types import Document, Pointer

BASE: Pointer = ("x-huggingface", "dataset_info")


@dataclass(frozen=True)
class DeclaredSplit:
    """One split's declared rows: where (a pointer into the document), and whether the card
    has several configs (their splits cannot be told apart in one ``data/`` layout)."""

    name: str
    rows: int | None  # None: num_examples absent or not a count
    pointer: Pointer  # num_examples (or the split entry when it is absent)
    configs: int = 1


def declared_splits(doc: Document) -> tuple[DeclaredSplit, ...]:
    """Every split of every config of ``dataset_info``, in card order."""
    info = doc.get(BASE)
    configs: list[tuple[Pointer, Any]] = (
        [((*BASE, i), c) for i, c in enumerate(info)] if isinstance(info, list) else [(BASE, info)]
    )
    configs = [(p, c) for p, c in configs if isinstance(c, Mapping)]
    return tuple(split for base, config in configs for split in _splits(base, config, len(configs)))


def _splits(base: Pointer, config: Mapping[str, Any], configs: int) -> Iterator[DeclaredSplit]:
    splits = config.get("splits")
    items: list[tuple[Pointer, Any, Any]] = []
    if isinstance(splits, list):  # the README form: [{name, num_bytes, num_examples}]
        items = [
            ((*base, "splits", i), s.get("name"), s)
            for i, s in enumerate(splits)
            if isinstance(s, Mapping)
        ]
    elif isinstance(splits, Mapping):  # the dataset_infos.json form: {name: {...}}
        items = [((*base, "splits", k), k, s) for k, s in splits.items() if isinstance(s, Mapping)]
    for at, name, split in items:
        if not isinstance(name, str) or not name.strip():
            continue
        n = split.get("num_examples")
        count = n if isinstance(n, int) and not isinstance(n, bool) and n >= 0 else None
        pointer = (*at, "num_examples") if "num_examples" in split else at
        yield DeclaredSplit(name.strip(), count, pointer, configs)


def split_names(doc: Document) -> tuple[str, ...]:
    """The declared split names, sorted, each once."""
    return tuple(sorted({s.name for s in declared_splits(doc)}))
