"""The repository index's packed parts (synthgov/app/index/packed.py): what is packed is
what is read back, and they pickle as themselves."""

from __future__ import annotations

import pickle
from pathlib import Path

from synthgov.app.index.packed import Inverted, Overlay, PackedEntries, pack_signature

SUMMARY = ("a/card.yaml", "DatasetCard", "a", "native", ("dataset:a", "id:a"), ("/r/a/x.jsonl",))


def test_packed_entries_round_trip_and_pickle() -> None:
    entries = {
        "/r/a/card.yaml": ((10, 2, 3, 4), (SUMMARY,)),
        "/r/b/card.yaml": (None, ()),  # read again next time: no signature
    }
    packed = pickle.loads(pickle.dumps(PackedEntries.pack(entries)))
    assert isinstance(packed, PackedEntries)
    assert dict(packed.items()) == entries
    assert packed.packed_signature("/r/a/card.yaml") == pack_signature((10, 2, 3, 4))
    assert packed.packed_signature("/r/b/card.yaml") == pack_signature(None)
    assert packed.packed_signature("/r/c/card.yaml") is None and "/r/c/card.yaml" not in packed
    assert pack_signature(None) != pack_signature((-1, -1, -1, 0))


def test_the_delta_overlays_the_base() -> None:
    base = PackedEntries.pack({"/r/a": ((1, 1, 1, 1), (SUMMARY,)), "/r/b": ((2, 2, 2, 2), ())})
    view = Overlay(base, {"/r/b": ((3, 3, 3, 3), (SUMMARY,)), "/r/c": (None, ())})
    assert view["/r/b"] == ((3, 3, 3, 3), (SUMMARY,))
    assert view.packed_signature("/r/b") == pack_signature((3, 3, 3, 3))
    assert view.packed_signature("/r/a") == pack_signature((1, 1, 1, 1))
    assert sorted(view) == ["/r/a", "/r/b", "/r/c"] and len(view) == 3


def test_inverted_moves_a_file_between_keys() -> None:
    table = ["/a", "/b"]
    holders = Inverted.of([("k1", "/a"), ("k1", "/b"), ("k2", "/a")], table)
    holders = pickle.loads(pickle.dumps(holders))
    assert holders.get("k1") == ["/a", "/b"] and holders.get("k2") == ["/a"]
    holders.move("/a", {"k1", "k2"}, {"k3"})
    assert holders.get("k1") == ["/b"] and holders.get("k2") == [] and holders.get("k3") == ["/a"]
    holders.move("/b", set(), {"k1"})  # already there: once
    assert holders.get("k1") == ["/b"] and holders.get("missing") == []
    holders.move("/new", set(), {"k1"})  # a path new to the table
    assert holders.get("k1") == ["/b", "/new"]


def test_an_index_pickles_each_path_once() -> None:
    paths = [f"/repo/datasets/d{i}/card.yaml" for i in range(100)]
    summary = ("card.yaml", "DatasetCard", "x", "native", ("id:x",), ())
    entries = {p: ((1, 2, 3, 4), (summary,)) for p in paths}
    packed = PackedEntries.pack(entries)
    holders = Inverted.of([("id:x", p) for p in paths], packed.paths)
    alone = len(pickle.dumps(packed))
    both = len(pickle.dumps({"entries": packed, "holders": holders}))
    assert both - alone < 100 * 8  # positions, not the paths again


def test_a_packed_state_reads_back_splits_and_checks(tmp_path: Path) -> None:
    from synthgov.app.cache.filestate import (
        all_unchanged,
        check_beside,
        dir_signature,
        names_digest,
        signature,
    )
    from synthgov.app.cache.packedstate import PackedState

    folders = [tmp_path / f"d{i}" for i in range(5)]
    for folder in folders:
        folder.mkdir()
        (folder / "card.yaml").write_text("x")
    note = tmp_path / "note"
    note.write_text("n")
    entries = [("file", str(note), signature(str(note)))]
    entries += [
        ("dir", str(f), (None if i == 2 else dir_signature(str(f)), names_digest(str(f))))
        for i, f in enumerate(folders)
    ]
    state = pickle.loads(pickle.dumps(PackedState.of(entries)))
    assert list(state) == entries and len(state) == 6
    assert list(state[:3]) + list(state[3:]) == entries
    assert all_unchanged(state) and all_unchanged(state[2:4])
    verdict = check_beside(state)
    assert verdict is not None and verdict()
    fresh = folders[3] / ".card.yaml.tmp"  # a save by rename: the names stay
    fresh.write_text("y")
    fresh.replace(folders[3] / "card.yaml")
    assert all_unchanged(state)
    (folders[2] / "new.yaml").write_text("z")  # racy when recorded: its names decide
    assert not all_unchanged(state) and not all_unchanged(state[:4])  # [3] is d2
    assert all_unchanged(state[:3]) and all_unchanged(state[4:])
