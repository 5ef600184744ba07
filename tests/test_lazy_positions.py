"""Positions of documents loaded in batch mode (synthgov.app.check.parallel.LazyPositions):
the same mapping the loader gives, read again from the file on first use; a file that
changed since gives none (line 1), never a wrong line."""

from __future__ import annotations

from pathlib import Path

from synthgov.app.check.parallel import LazyPositions
from synthgov.loaders.native import NativeLoader
from synthgov.repo.parsing.limits import Limits

CARD = (
    "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata:\n  id: a\n  owner: x@example.com\n"
    "generation:\n  - model: gpt-4o-2024-08-06\n    role: generator\n"
)


def _lazy(path: Path) -> tuple[LazyPositions, dict[object, object]]:
    raw = path.read_bytes()
    loader, limits = NativeLoader(), Limits()
    eager = loader.load(str(path), raw, path.name, limits).documents[0].positions
    return LazyPositions(loader, str(path), raw, path.name, limits, 0), dict(eager)


def test_the_positions_are_the_loaders_own(tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    card.write_text(CARD, encoding="utf-8")
    lazy, eager = _lazy(card)
    assert dict(lazy) == eager
    assert lazy[("generation", 0, "model")].line == 7


def test_a_file_changed_since_it_was_read_gives_no_positions(tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    card.write_text(CARD, encoding="utf-8")
    lazy, _ = _lazy(card)
    card.write_text("# a line more\n" + CARD, encoding="utf-8")  # every line moved down
    assert dict(lazy) == {} and lazy.get(("generation", 0, "model")) is None


def test_a_file_of_the_same_length_but_other_bytes_gives_no_positions(tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    card.write_text(CARD, encoding="utf-8")
    lazy, _ = _lazy(card)
    card.write_text(CARD.replace("id: a", "id: b"), encoding="utf-8")
    assert len(lazy) == 0


def test_a_removed_file_gives_no_positions(tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    card.write_text(CARD, encoding="utf-8")
    lazy, _ = _lazy(card)
    card.unlink()
    assert dict(lazy) == {}
