"""The memo of answers per model reference (synthgov.models.refs)."""

from __future__ import annotations

from synthgov.models.refs import RefMemo, ref_fields, ref_key


def test_reference_fields_and_keys() -> None:
    assert ref_fields("gpt-4o") == ("gpt-4o", None, None, None)
    assert ref_fields({"id": " a/b ", "revision": "", "family": "x"}) == ("a/b", None, None, "x")
    assert ref_key({"id": "a", "revision": "r"}) == ref_key({"revision": "r", "id": "a"})
    assert ref_key("a") != ref_key({"id": "a"})


def test_a_mapping_is_found_by_identity_and_by_value() -> None:
    memo: RefMemo[int] = RefMemo(limit=10)
    card_ref, same_fields = {"id": "m", "revision": "1"}, {"id": "m", "revision": "1"}
    assert memo.get(card_ref) is None
    memo.put(card_ref, 1)
    assert memo.get(card_ref) == 1
    assert memo.get(same_fields) == 1  # by value, then remembered by identity
    assert memo.get({"id": "m", "revision": "2"}) is None
    assert memo.get("m") is None  # a string is its own key
    memo.put("m", 2)
    assert memo.get("m") == 2


def test_the_memo_starts_again_past_its_limit() -> None:
    memo: RefMemo[int] = RefMemo(limit=3)
    refs = [{"id": str(i)} for i in range(5)]
    for i, ref in enumerate(refs):
        memo.put(ref, i)
    assert memo.get(refs[4]) == 4
    assert memo.get(refs[0]) is None  # dropped when the limit was reached
