"""The repository index's parts and packed forms (synthgov/app/index/buckets.py,
packed.py): what is split is what is read back, a lookup reads its bucket only, and a
missing part is an error, not an empty answer."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from synthgov.app.index.buckets import (
    PARTS,
    BucketEntries,
    BucketInverted,
    LazyFiles,
    MissingPart,
    Parts,
    Relative,
    bucket_of,
    split,
)
from synthgov.app.index.packed import Inverted, Overlay, PathTable, pack_signature
from synthgov.app.index.records import LINKS, NAMED, fields_of

SUMMARY = ("a/card.yaml", "DatasetCard", "a", "native", ("dataset:a", "id:a"), ("/r/a/x.jsonl",))


class _Store:
    """The part of the cache store the index's parts use: rows by key, and the reads."""

    def __init__(self, rows: dict[str, object]) -> None:
        self.rows = {k: pickle.dumps(v) for k, v in rows.items()}
        self.reads: list[list[str]] = []

    def get_many(self, table: str, keys: list[str]) -> dict[str, bytes]:
        assert table == PARTS
        self.reads.append(keys)
        return {k: self.rows[k] for k in keys if k in self.rows}


def _index(entries: dict[str, tuple[object, tuple[object, ...]]], files: list[str]) -> _Store:
    parts, buckets, zdict, relative = split(files, entries, LINKS, NAMED, fields_of)
    store = _Store({f"k:b:{name}": part for name, part in parts.items()})
    store.rows["meta"] = pickle.dumps((buckets, zdict, relative.root))
    return store


def _entries(store: _Store) -> tuple[BucketEntries, Parts, int]:
    buckets, zdict, root = pickle.loads(store.rows["meta"])
    parts = Parts(store, "k:b:")
    return BucketEntries(parts, buckets, zdict, Relative(root)), parts, buckets


def test_bucketed_entries_read_back_what_was_split() -> None:
    entries = {
        "/r/a/card.yaml": ((10, 2, 3, 4), (SUMMARY,)),
        "/r/b/card.yaml": (None, ()),  # read again next time: no signature
    }
    read, _parts, _n = _entries(_index(entries, ["/r/a/card.yaml"]))
    assert dict(read.items()) == entries and len(read) == 2
    assert read.packed_signature("/r/a/card.yaml") == pack_signature((10, 2, 3, 4))
    assert read.packed_signature("/r/b/card.yaml") == pack_signature(None)
    assert read.packed_signature("/r/c/card.yaml") is None and "/r/c/card.yaml" not in read
    assert read.listed("/r/a/card.yaml") and not read.listed("/r/b/card.yaml")
    assert pack_signature(None) != pack_signature((-1, -1, -1, 0))


def test_a_lookup_reads_only_its_bucket() -> None:
    paths = [f"/repo/datasets/d{i}/card.yaml" for i in range(400)]
    summary = ("card.yaml", "DatasetCard", "x", "native", ("id:x",), ())
    store = _index({p: ((1, 2, 3, 4), (summary,)) for p in paths}, paths)
    read, parts, buckets = _entries(store)
    assert buckets == 50
    assert read[paths[7]] == ((1, 2, 3, 4), (summary,))
    assert store.reads == [[f"k:b:e{bucket_of(paths[7], buckets)}"]]
    root = Relative(pickle.loads(store.rows["meta"])[2])
    assert root.root == "/repo/datasets/"  # kept relative to it
    holders = BucketInverted(parts, "h", buckets, root)
    assert holders.get("id:x") == sorted(paths)
    assert len(store.reads) == 2  # one more row: the key's bucket
    assert LazyFiles(parts, root)[:2] == paths[:2]


def test_a_missing_part_is_not_an_empty_one() -> None:
    store = _index({"/r/a": ((1, 1, 1, 1), (SUMMARY,))}, ["/r/a"])
    del store.rows["k:b:e0"]
    read, _parts, _n = _entries(store)
    with pytest.raises(MissingPart):
        read.packed_signature("/r/a")


def test_the_delta_overlays_the_base() -> None:
    base, _parts, _n = _entries(
        _index({"/r/a": ((1, 1, 1, 1), (SUMMARY,)), "/r/b": ((2, 2, 2, 2), ())}, ["/r/a"])
    )
    view = Overlay(base, {"/r/b": ((3, 3, 3, 3), (SUMMARY,)), "/r/c": (None, ())})
    assert view["/r/b"] == ((3, 3, 3, 3), (SUMMARY,))
    assert view.packed_signature("/r/b") == pack_signature((3, 3, 3, 3))
    assert view.packed_signature("/r/a") == pack_signature((1, 1, 1, 1))
    assert sorted(view) == ["/r/a", "/r/b", "/r/c"] and len(view) == 3


def test_inverted_maps_move_a_file_between_keys() -> None:
    store = _index(
        {"/a": ((1, 1, 1, 1), (SUMMARY,)), "/b": ((1, 1, 1, 1), (SUMMARY,))}, ["/a", "/b"]
    )
    _read, parts, buckets = _entries(store)
    memory = Inverted.of([("dataset:a", "/a"), ("dataset:a", "/b"), ("id:a", "/a"), ("id:a", "/b")])
    root = Relative(pickle.loads(store.rows["meta"])[2])
    for holders in (BucketInverted(parts, "h", buckets, root), memory):
        assert holders.get("dataset:a") == ["/a", "/b"] and holders.get("id:a") == ["/a", "/b"]
        holders.move("/a", {"dataset:a", "id:a"}, {"k3"})
        assert holders.get("dataset:a") == ["/b"] and holders.get("k3") == ["/a"]
        holders.move("/b", set(), {"dataset:a"})  # already there: once
        assert holders.get("dataset:a") == ["/b"] and holders.get("missing") == []
        holders.move("/new", set(), {"dataset:a"})  # a file new to the index
        assert holders.get("dataset:a") == ["/b", "/new"]
        holders.move("/a", {"k3"}, {"dataset:a"})  # and back
        assert holders.get("dataset:a") == ["/a", "/b", "/new"] and holders.get("k3") == []


def test_a_path_table_pickles_as_one_string() -> None:
    paths = [f"/repo/datasets/d{i}/card.yaml" for i in range(100)]
    table = pickle.loads(pickle.dumps(PathTable.of(paths)))
    assert list(table) == paths and len(table) == 100 and table[3] == paths[3]
    assert list(pickle.loads(pickle.dumps(PathTable.of([])))) == []


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
