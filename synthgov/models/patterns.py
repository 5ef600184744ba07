"""Registry ``match`` patterns: globs and regular expressions, compiled on first use.

Each pattern keeps a *needle*, a literal every match contains, so that a lookup compiles
only the few expressions whose needle occurs in the id (see :class:`LazyPattern`).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from typing import Any

_REGEX_ONLY_CHARS = frozenset("^$+(){}|\\")
NEEDLES_KEY = "x-needles"  # kept by the snapshot of the built-in registry


class LazyPattern:
    """A ``match`` item, compiled on first use (case-insensitive, searched).

    Compiling the ~250 built-in expressions costs about 40 ms, more than a one-card check
    spends on anything else, and a lookup usually needs a handful of them. So each pattern
    keeps a *needle*: a literal that every match contains (found by :func:`_regex_needle`
    or :func:`_glob_needle`), and compiles only when an id contains it. Config and plugin
    patterns are compiled when the registry is built, so a bad one fails closed there.
    """

    __slots__ = ("_compiled", "_needle", "pattern")

    def __init__(self, expr: str, needle: str = "") -> None:
        self.pattern = expr
        self._needle = needle
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, re.IGNORECASE)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        needle = self._needle
        # non-ASCII ids: case folding is subtler (K matches the Kelvin sign), just compile
        if needle and text.isascii() and needle not in text.lower():
            return None
        return self.compiled().search(text)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"


_LITERAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:/@ ")
_QUANTIFIERS = frozenset("?*{")


class _NoNeedle(Exception):
    """No literal is certain to be in every match: the expression is always compiled."""


class _Runs:
    """Runs of plain characters read so far: the longest finished one and the current one."""

    __slots__ = ("best", "run")

    def __init__(self) -> None:
        self.best = ""
        self.run = ""

    def end(self) -> None:
        if len(self.run) > len(self.best):
            self.best = self.run
        self.run = ""


def _regex_needle(expr: str) -> str:
    """The longest literal that every match of ``expr`` contains, lower-cased; "" when there
    is none to be sure of (then the expression is always compiled).

    Only characters outside groups and classes count, and a run of them ends at anything
    that is not a plain character: a class, a group, an escape such as ``\\d``, an anchor,
    ``.``, or a quantifier (``a?``, ``a*`` and ``a{0,2}`` drop the ``a``; ``a+`` keeps it
    but ends the run). A top-level ``|`` or a ``(?`` other than ``(?:`` (look-arounds,
    inline flags) gives up."""
    runs = _Runs()
    depth, i = 0, 0
    try:
        while i < len(expr):
            if expr[i] == "\\":
                i = _escape(expr, i, depth, runs)
            elif expr[i] == "[":
                i = _class_end(expr, i)
                runs.end()
            else:
                depth = _nesting(expr, i, depth)
                i = _plain(expr, i, depth, runs) + 1
    except _NoNeedle:
        return ""
    runs.end()
    return runs.best if runs.best.isascii() else ""


def _escape(expr: str, i: int, depth: int, runs: _Runs) -> int:
    """Read the escape at ``i``; the index after it."""
    nxt = expr[i + 1 : i + 2]
    after = i + 2
    if depth > 0 or not nxt or nxt.isalnum() or expr[after : after + 1] in _QUANTIFIERS:
        runs.end()  # a class (\\d), an anchor, or optional
    else:
        runs.run += nxt.lower()  # an escaped punctuation character such as \\. or \\-
    return after


def _class_end(expr: str, i: int) -> int:
    """The index after the character class that starts at ``i`` (``[^]...]`` included)."""
    j, n = i + 1, len(expr)
    if j < n and expr[j] == "^":
        j += 1
    if j < n and expr[j] == "]":
        j += 1
    while j < n and expr[j] != "]":
        j += 2 if expr[j] == "\\" else 1
    if j >= n:
        raise _NoNeedle
    return j + 1


def _nesting(expr: str, i: int, depth: int) -> int:
    """The group depth after the character at ``i``."""
    c = expr[i]
    if c == "(":
        if expr.startswith("(?", i) and not expr.startswith("(?:", i):
            raise _NoNeedle  # a look-around or inline flags
        return depth + 1
    if c == ")":
        if depth == 0:
            raise _NoNeedle
        return depth - 1
    if c == "|" and depth == 0:
        raise _NoNeedle  # alternatives at the top: no literal is in all of them
    return depth


def _plain(expr: str, i: int, depth: int, runs: _Runs) -> int:
    """Read the character at ``i`` (not an escape or class); the index of the last one read."""
    c = expr[i]
    if depth > 0 or c in "()|^$.+":
        runs.end()
    elif c in _QUANTIFIERS:
        runs.end()  # the quantified character was left out
        if c == "{":
            return _repeat_end(expr, i)
    elif c in _LITERAL or c in "!\"#%&',;<=>`~":
        if expr[i + 1 : i + 2] in _QUANTIFIERS:
            runs.end()
        else:
            runs.run += c.lower()
    else:
        runs.end()
    return i


def _repeat_end(expr: str, i: int) -> int:
    """The index of the ``}`` closing the repetition ``{m,n}`` that starts at ``i``."""
    close = expr.find("}", i)
    body = expr[i + 1 : close] if close > 0 else ""
    if not body or body.count(",") > 1 or not body.replace(",", "").isdigit():
        raise _NoNeedle  # a literal brace: read no further than Python would
    return close


def _glob_needle(glob: str) -> str:
    """The longest literal stretch of a glob (between ``*``, ``?`` and ``[...]``), lower-cased."""
    best, run, i = "", "", 0
    while i < len(glob):
        c = glob[i]
        if c in "*?":
            best, run = (run if len(run) > len(best) else best), ""
        elif c == "[":  # a set, read as fnmatch does: [!...], a leading ] is a member
            j = i + 1
            if j < len(glob) and glob[j] == "!":
                j += 1
            if j < len(glob) and glob[j] == "]":
                j += 1
            close = glob.find("]", j)
            if close < 0:  # fnmatch reads an unclosed [ as a literal
                run += c
            else:
                best, run = (run if len(run) > len(best) else best), ""
                i = close
        else:
            run += c
        i += 1
    best = run if len(run) > len(best) else best
    return best.lower() if best.isascii() else ""


def compile_pattern(text: str, needle: str | None = None) -> LazyPattern:
    """One ``match`` item: ``re:``/leading ``^``/regex metacharacters -> regular
    expression (searched); ``glob:`` or anything else -> glob on the whole id.

    The expression is compiled on first use (:meth:`LazyPattern.compiled` forces it).
    ``needle`` is :func:`pattern_needle` of ``text`` when the caller kept it."""
    if text.startswith("re:"):
        expr = text[3:]
    elif text.startswith("glob:"):
        expr = r"\A" + fnmatch.translate(text[5:])
    elif text.startswith("^") or any(c in _REGEX_ONLY_CHARS for c in text):
        expr = text
    else:
        expr = r"\A" + fnmatch.translate(text)
    return LazyPattern(expr, pattern_needle(text) if needle is None else needle)


def pattern_needle(text: str) -> str:
    """The needle of one ``match`` item (see :class:`LazyPattern`)."""
    if text.startswith("re:"):
        return _regex_needle(text[3:])
    if text.startswith("glob:"):
        return _glob_needle(text[5:])
    if text.startswith("^") or any(c in _REGEX_ONLY_CHARS for c in text):
        return _regex_needle(text)
    return _glob_needle(text)


def _with_needles(data: Any) -> Any:
    """The built-in registry data with each entry's needles (``x-needles``), so that the
    JSON snapshot keeps them and a run does not work them out again (~5 ms)."""
    for entry in data.get("models") or [] if isinstance(data, Mapping) else []:
        match = entry.get("match") if isinstance(entry, dict) else None
        items = [match] if isinstance(match, str) else match
        if isinstance(items, list) and all(isinstance(i, str) for i in items):
            entry[NEEDLES_KEY] = [pattern_needle(i) for i in items]
    return data
