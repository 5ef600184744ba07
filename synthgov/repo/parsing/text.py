"""The text of a document: strict UTF-8 decoding, and lines and columns as editors count them.

YAML 1.1 (libyaml, and PyYAML's reader) ends lines at U+0085, U+2028 and U+2029 too;
editors, git and code-scanning annotations count only CR, LF and CRLF. :func:`editor_lines`
converts parser marks to the editor's count when the text has one of the YAML-only breaks.
"""

from __future__ import annotations

import codecs
import re

from synthgov.core.types import FileProblem, Position
from synthgov.repo.parsing.parsed import Parsed

__all__ = ["bad_character", "decode", "editor_lines", "line_col"]

_OTHER_BOMS = (
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
)
_UTF8_HINT = "save the file as UTF-8 (without a byte order mark)"
# Characters YAML does not allow in a stream (YAML 1.1 c-printable), and lone surrogates:
# the complement of [\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff],
# spelled as the few ranges it is (compiling the complement of the large classes took 6 ms
# of every run; tests/test_text.py checks both spellings agree on every code point).
_NOT_PRINTABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)
_YAML_ONLY_BREAKS = re.compile("[\x85\u2028\u2029]")
_YAML_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_EDITOR_BREAKS = re.compile("\r\n|[\n\r]")


def decode(raw: bytes) -> str | FileProblem:
    """Strict UTF-8 text of ``raw``; a UTF-8 BOM is dropped, anything else odd is SG001."""
    for bom, name in _OTHER_BOMS:
        if raw.startswith(bom):
            message = f"not valid UTF-8 text: the file starts with a {name} byte order mark"
            return FileProblem("SG001", message, hint=_UTF8_HINT)
    start = 3 if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return str(memoryview(raw)[start:], "utf-8")
    except UnicodeDecodeError as exc:
        return _invalid_utf8(raw, start + exc.start)


def _invalid_utf8(raw: bytes, offset: int) -> FileProblem:
    # a lone CR breaks a line too, in YAML as in bytes.splitlines()
    parts = raw[:offset].splitlines(keepends=True)
    if not parts or parts[-1].endswith((b"\n", b"\r")):
        line, line_start = len(parts) + 1, offset
    else:
        line, line_start = len(parts), offset - len(parts[-1])
    column = len(raw[line_start:offset].decode("utf-8", "replace")) + 1
    message = (
        f"not valid UTF-8 text: invalid byte 0x{raw[offset]:02x} at offset {offset} (line {line})"
    )
    return FileProblem("SG001", message, line, column, hint=_UTF8_HINT)


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - text.rfind("\n", 0, offset)


def bad_character(text: str, line_offset: int) -> FileProblem | None:
    """SG001 for the first character YAML does not allow in a stream, if any."""
    found = _NOT_PRINTABLE.search(text)
    if found is None:
        return None
    line, column = line_col(text, found.start())
    code = ord(found.group())
    what = "a lone surrogate" if 0xD800 <= code <= 0xDFFF else "a control character"
    message = f"not valid YAML text: {what} U+{code:04X} at line {line + line_offset}"
    return FileProblem("SG001", message, line + line_offset, column)


def editor_lines(parsed: Parsed, text: str, line_offset: int) -> Parsed:
    """Parser marks in the lines and columns an editor shows (only when the text has one of
    the YAML-only line breaks: otherwise they are the same)."""
    if _YAML_ONLY_BREAKS.search(text) is None:
        return parsed
    from bisect import bisect_right

    yaml_starts = [0, *(m.end() for m in _YAML_BREAKS.finditer(text))]
    editor_starts = [0, *(m.end() for m in _EDITOR_BREAKS.finditer(text))]

    def convert(line: int, column: int) -> tuple[int, int]:
        row = line - 1 - line_offset
        if row < 0:
            return line, column
        # libyaml puts the end of an unterminated last line on a line of its own
        index = len(text) if row >= len(yaml_starts) else yaml_starts[row] + column - 1
        index = min(index, len(text))
        editor_row = bisect_right(editor_starts, index) - 1
        return editor_row + 1 + line_offset, index - editor_starts[editor_row] + 1

    positions = {k: Position(*convert(p.line, p.column)) for k, p in parsed.positions.items()}
    problems = tuple(
        FileProblem(p.rule, p.message, *convert(p.line, p.column), p.pointer, p.hint)
        for p in parsed.problems
    )
    return Parsed(parsed.data, positions, problems, parsed.ok)
