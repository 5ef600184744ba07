"""Text from documents, made safe for the places reporters put it.

Card values, file names and messages built from them are untrusted: a pull request writes
them. Printed raw they could forge output (a newline then ``::error file=...::`` is a GitHub
Actions annotation; ``::stop-commands::`` silences the real ones), drive the terminal (ANSI
escapes), hide text (bidirectional overrides) or, in Markdown, ping people, load images and
inject links or HTML. Every reporter passes untrusted text through one of these functions,
so the rules live in one place:

- :func:`printable` (plain text: terminals, CI logs, stderr, annotation data, JUnit): control
  characters, line and paragraph separators, bidirectional controls, non-characters and lone
  surrogates (a file name that is not UTF-8) become visible escapes (``\\n``, ``\\x1b``,
  ``\\u202e``); ordinary text, including non-ASCII letters, is unchanged.
- :func:`command_safe` (a whole output line): a line that a CI runner would read as a
  workflow command (``::`` after leading white space) gets a backslash in front, and the
  older ``##[`` form gets one inside.
- :func:`display_path` (a path at the start of a line): :func:`printable`, and ``./`` in
  front of a name that would start a workflow command (the same file, read safely).
- :func:`markdown_text` / :func:`markdown_code` (Markdown): text with every Markdown and HTML
  construct escaped, ``@`` mentions broken; code spans that the text cannot close.
"""

from __future__ import annotations

#: bidirectional controls (Unicode category Cf): they reorder what a reader sees
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: ASCII punctuation that opens Markdown (CommonMark + GFM) inline constructs anywhere in a
#: line: code, emphasis, links and images, tables, strikethrough, scheme autolinks (``:``);
#: a backslash makes each one a literal character
_MARKDOWN_PUNCT = frozenset("\\`*_[]|~!:")
#: what starts a block construct at the beginning of a line (headings, lists, quotes...)
_BLOCK_START = frozenset("#-+=>0123456789")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def _escape_char(ch: str) -> str:
    import unicodedata

    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a non-UTF-8 file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    category = unicodedata.category(ch)
    if (
        category in ("Cc", "Cs", "Zl", "Zp")
        or ch in _BIDI
        or (code & 0xFFFE) == 0xFFFE  # non-characters U+xFFFE, U+xFFFF
    ):
        return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
    return ch


def printable(text: object, keep_line_breaks: bool = False) -> str:
    """``text`` with nothing that can move the cursor, start a line or fool a reader.

    ``keep_line_breaks`` leaves CR and LF for a caller that encodes them itself (a GitHub
    workflow command's ``%0A``)."""
    s = str(text)
    if s.isprintable():  # the fast path: no Cc, Cf, Cs, Zl, Zp at all
        return s
    if keep_line_breaks:
        return "".join(ch if ch in "\r\n" else _escape_char(ch) for ch in s)
    return "".join(_escape_char(ch) for ch in s)


def command_safe(line: str) -> str:
    """A line that no CI runner reads as a workflow command: ``::name ...::`` after leading
    white space, or the older ``##[name]`` anywhere in the line (the Actions runner still
    parses both)."""
    if "##[" in line:
        line = line.replace("##[", "##\\[")
    return "\\" + line if line.lstrip().startswith("::") else line


def command_safe_lines(text: str) -> str:
    """:func:`command_safe` on every line of ``text`` (line ends kept)."""
    if "::" not in text and "##[" not in text:
        return text
    return "".join(command_safe(line) for line in text.splitlines(keepends=True))


def display_path(path: str) -> str:
    """A path for the start of a line: printable, and never a workflow command."""
    out = printable(path)
    return "./" + out if out.lstrip().startswith("::") else out


def markdown_text(text: object) -> str:
    """Text for Markdown (a table cell, a paragraph): nothing in it is markup.

    Line breaks become ``<br>``; HTML special characters become entities; Markdown
    punctuation is backslash-escaped (no emphasis, links, images, autolinks, tables or
    headings); ``@`` is followed by a zero-width space, so no one is mentioned.
    """
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br>".join(_markdown_line(printable(line)) for line in lines)


def _markdown_line(line: str) -> str:
    out: list[str] = []
    for i, ch in enumerate(line):
        if i == 0 and ch in _BLOCK_START:  # a paragraph stays a paragraph
            out.append(f"&#{ord(ch)};")
            continue
        if ch in _HTML:
            out.append(_HTML[ch])
        elif ch in _MARKDOWN_PUNCT:
            out.append("\\" + ch)
        elif ch == "@":
            out.append("@&#8203;")
        elif ch == "." and line[max(0, i - 3) : i].lower() == "www":  # a www. autolink
            out.append("\\.")
        else:
            out.append(ch)
    return "".join(out)


def longest_run(text: str, ch: str) -> int:
    """The length of the longest run of ``ch`` in ``text``."""
    best = run = 0
    for c in text:
        run = run + 1 if c == ch else 0
        best = max(best, run)
    return best


def markdown_code(text: object, in_table: bool = True) -> str:
    """An inline code span that the text cannot close or break out of.

    The fence is one backtick longer than the longest run of backticks in the text; control
    characters are escaped (so the span stays on one line); in a table, ``|`` is escaped as
    GFM requires (the table is split before code spans are read).
    """
    raw = printable(text)
    if in_table:
        raw = raw.replace("|", "\\|")
    raw = break_old_commands(raw)  # nothing can be escaped in a code span
    fence = "`" * (longest_run(raw, "`") + 1)
    pad = " " if raw.startswith(("`", " ")) or raw.endswith(("`", " ")) or not raw else ""
    return f"{fence}{pad}{raw}{pad}{fence}"


def fence_for(body: str, ch: str = "`") -> str:
    """A code-block fence longer than any run of ``ch`` in ``body`` (at least three)."""
    return ch * max(3, longest_run(body, ch) + 1)


def break_old_commands(text: str) -> str:
    """``##[`` with a zero-width space inside, for text that has no escapes of its own
    (Markdown code spans, Mermaid): the Actions runner finds ``##[name]`` anywhere in a
    line."""
    return text.replace("##[", "#\u200b#[") if "##[" in text else text


def json_wellformed(text: str) -> str:
    """Serialized JSON (``ensure_ascii=False``) that can be written as UTF-8 and printed in
    a CI log.

    Lone surrogates can only come from string values (a file name that is not UTF-8, read
    with ``surrogateescape``); each becomes the six characters of a JSON ``\\xNN``/
    ``\\uXXXX`` escape of a backslash, so the value reads ``\xff`` -- the notation the
    text formats use -- and the file stays valid UTF-8 JSON. ``##[`` (an old-style workflow
    command, which the Actions runner finds anywhere in a line) is written ``##\\u005b``:
    the same value, not a command.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = "".join(
            "\\" + _escape_char(ch) if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text
        )
    return text.replace("##[", "##\\u005b") if "##[" in text else text


def xml_command_safe(text: str) -> str:
    """Serialized XML with ``##[`` written ``##&#91;`` (the same text, not a command)."""
    return text.replace("##[", "##&#91;") if "##[" in text else text
