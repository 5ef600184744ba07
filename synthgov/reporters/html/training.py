"""Section 2.5 (synthetic data) of the EU training content summary, from the cards: the
training cards, the generators of the synthetic ones and their modalities."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from synthgov.core.types import DATASET_CARD, Document
from synthgov.reporters.html.records import (
    NOT_RECORDED,
    DatasetView,
    Modality,
    SyntheticGenerator,
    TrainingSummary,
)
from synthgov.reporters.html.values import items, mapping

#: modality words a card's tags may carry, and file formats that imply one
MODALITY_TAGS = {
    "text": "text",
    "image": "image",
    "images": "image",
    "audio": "audio",
    "speech": "audio",
    "video": "video",
    "tabular": "tabular",
    "code": "code",
}
MODALITY_FORMATS = {
    "jsonl": "text",
    "json": "text",
    "txt": "text",
    "csv": "tabular",
    "tsv": "tabular",
    "parquet": "tabular",
    "png": "image",
    "jpg": "image",
    "jpeg": "image",
    "webp": "image",
    "wav": "audio",
    "mp3": "audio",
    "flac": "audio",
    "mp4": "video",
    "webm": "video",
}


def training(documents: Sequence[Document], datasets: Sequence[DatasetView]) -> TrainingSummary:
    """Training cards (purpose training, or no evaluation purpose), the generators of the
    synthetic ones and their modalities (tags first, else the file formats)."""
    training = [
        d for d in datasets if "training" in d.purpose.split(", ") or d.purpose == NOT_RECORDED
    ]
    synthetic = [d for d in training if d.synthetic]
    gens: dict[str, list[Any]] = {}
    for ds in synthetic:
        for gen in ds.generators:
            if gen.role not in ("generator", NOT_RECORDED, "rewriter", "translator"):
                continue
            row = gens.setdefault(gen.model, [gen.known, gen.lineage, set()])
            row[2].add(ds.id)
    docs = {doc.id or doc.path: doc for doc in documents if doc.kind == DATASET_CARD}
    modal: dict[tuple[str, str], int] = Counter()
    unknown = 0
    for ds in synthetic:
        doc = docs.get(ds.id)
        found = _modalities(doc) if doc is not None else None
        if not found:
            unknown += 1
            continue
        source, names = found
        for name in names:
            modal[(name, source)] += 1
    return TrainingSummary(
        training_datasets=len(training),
        synthetic_training=len(synthetic),
        generators=tuple(
            SyntheticGenerator(model, bool(row[0]), str(row[1]), len(row[2]))
            for model, row in sorted(gens.items())
        ),
        modalities=tuple(
            Modality(name, count, source) for (name, source), count in sorted(modal.items())
        ),
        unknown_modality=unknown,
    )


def _modalities(doc: Document) -> tuple[str, tuple[str, ...]] | None:
    tags = items(mapping(doc.data.get("metadata")).get("tags"))
    from_tags = sorted(
        {
            MODALITY_TAGS[t.lower()]
            for t in tags
            if isinstance(t, str) and t.lower() in MODALITY_TAGS
        }
    )
    if from_tags:
        return "tags", tuple(from_tags)
    formats: set[str] = set()
    for raw in items(doc.data.get("files")):
        entry = mapping(raw)
        fmt = entry.get("format")
        if not isinstance(fmt, str):
            path = entry.get("path")
            fmt = path.rsplit(".", 1)[-1] if isinstance(path, str) and "." in path else ""
        if fmt.lower() in MODALITY_FORMATS:
            formats.add(MODALITY_FORMATS[fmt.lower()])
    return ("file formats", tuple(sorted(formats))) if formats else None
