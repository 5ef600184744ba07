"""The characters a YAML stream may not hold (synthgov/repo/parsing/text.py): spelled as the
few ranges they are, they are exactly the complement of YAML 1.1's printable class."""

from __future__ import annotations

import re

from synthgov.repo.parsing.text import _NOT_PRINTABLE, bad_character

PRINTABLE = "\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff"


def test_the_short_spelling_is_the_complement_of_printable() -> None:
    complement = re.compile(f"[^{PRINTABLE}]")
    everything = "".join(map(chr, range(0x110000)))
    assert [m.start() for m in _NOT_PRINTABLE.finditer(everything)] == [
        m.start() for m in complement.finditer(everything)
    ]


def test_a_control_character_is_named_with_its_line() -> None:
    assert bad_character("a: b\n", 0) is None
    found = bad_character("a: b\nc: \x07\n", 0)
    assert found is not None and found.line == 2 and "U+0007" in found.message
    assert bad_character("a: \u2028 \U0001f600\n", 0) is None
