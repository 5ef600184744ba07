"""Which ``pattern`` expressions Python's backtracking ``re`` can match in bounded time.

:mod:`synthgov.policy.quickschema` matches a schema's ``pattern`` with :mod:`re`, which backtracks:
``^([a-z0-9_.-]+)+@acme\\.example$`` takes minutes on 40 characters that almost match. A
policy's schema is trusted but the strings come from a pull request, so the proof uses
``re`` only for patterns whose matching cannot blow up, and leaves every other pattern to
jsonschema-rs (whose engine runs such patterns in linear time). The test is
:func:`bounded`, a sufficient condition in the spirit of one-unambiguous expressions:

- the subject is printable ASCII (the proof already requires it), so every atom matches a
  set of those 95 characters;
- wherever the engine has a choice -- a quantifier whose count can vary (``*``, ``+``,
  ``?``, ``{m,n}``) -- what the quantified atom can start with is disjoint from what can
  follow it (the next iteration of an enclosing loop included), and the atom cannot match
  the empty string; so a wrong choice fails on the very next character and the engine
  never explores more than one way to split the subject;
- look-aheads are held to the same rule with anything allowed to follow.

Anything the small parser does not know gives ``False`` (the safe answer). The parser reads
the syntax that :data:`synthgov.policy.quickschema._PATTERN_SYNTAX` admits.
"""

from __future__ import annotations

from typing import Any

ALL = frozenset(chr(c) for c in range(32, 127))
_DIGITS = frozenset("0123456789")
_WORD = _DIGITS | frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_CLASS_ESCAPES = {
    "d": _DIGITS,
    "D": ALL - _DIGITS,
    "w": _WORD,
    "W": ALL - _WORD,
    "s": frozenset(" "),  # the only white space in printable ASCII
    "S": ALL - frozenset(" "),
}
_MAX_PATTERN = 1000


class _Unsupported(Exception):
    """The pattern is outside what this module reads."""


# parse nodes are plain tuples (immutable, and free to define: classes of data cost
# milliseconds to build at import, and this module is on the way to proving a valid card):
#   ("atom", chars) | ("group", branches, lookahead) | ("anchor", is_end)
# an item of a sequence is (node, low, high), high None when unbounded
_Node = tuple[Any, ...]
_Item = tuple[_Node, int, "int | None"]
_Seq = tuple[_Item, ...]


#: the longest subject ``re`` is trusted with: linear time from one start position, but an
#: unanchored search tries every position (quadratic: about 100 ms at 2,048 characters here)
ANCHORED_LIMIT = 2048
UNANCHORED_LIMIT = 256


def bounded(pattern: str) -> bool:
    """True when :mod:`re` matches ``pattern`` against any printable-ASCII string without
    exploring more than one split of it (see the module's documentation)."""
    return subject_limit(pattern) > 0


def subject_limit(pattern: str) -> int:
    """The longest subject :mod:`re` may match ``pattern`` against in bounded time: 0 when
    the pattern could backtrack, :data:`UNANCHORED_LIMIT` when a search must try every
    start position, :data:`ANCHORED_LIMIT` when every alternative starts with ``^``."""
    if len(pattern) > _MAX_PATTERN:
        return 0
    try:
        parser = _Parser(pattern)
        top = parser.alternation()
        if parser.pos != len(pattern):
            return 0
        _check_group(_group(top), frozenset())
    except (_Unsupported, IndexError):
        return 0
    anchored = all(branch and branch[0][0] == ("anchor", False) for branch in top)
    return ANCHORED_LIMIT if anchored else UNANCHORED_LIMIT


def _group(branches: tuple[_Seq, ...], lookahead: bool = False) -> _Node:
    return ("group", branches, lookahead)


def _first(seq: _Seq, follow: frozenset[str]) -> frozenset[str]:
    """The characters a match of ``seq`` then ``follow`` can start with."""
    out: frozenset[str] = frozenset()
    for node, low, _high in seq:
        if node[0] == "anchor":
            if node[1]:
                return out
            continue
        if node[0] == "group" and node[2]:  # a look-ahead consumes nothing
            continue
        out |= _node_first(node)
        if low > 0 and not _nullable_node(node):
            return out
    return out | follow


def _node_first(node: _Node) -> frozenset[str]:
    if node[0] == "atom":
        return node[1]
    out: frozenset[str] = frozenset()
    for branch in node[1]:
        out |= _first(branch, frozenset())
    return out


def _nullable_node(node: _Node) -> bool:
    if node[0] == "atom":
        return False
    if node[0] == "anchor" or node[2]:
        return True
    return any(all(low == 0 or _nullable_node(n) for n, low, _ in b) for b in node[1])


def _check_group(group: _Node, follow: frozenset[str], fixed: bool = False) -> None:
    branches: tuple[_Seq, ...] = group[1]
    if len(branches) > 1:
        if fixed:
            raise _Unsupported
        # alternation: the branches must not start alike (else both are explored)
        seen: frozenset[str] = frozenset()
        for branch in branches:
            first = _first(branch, follow)
            if first & seen:
                raise _Unsupported
            seen |= first
    for branch in branches:
        _check_seq(branch, follow, fixed)


def _check_seq(seq: _Seq, follow: frozenset[str], fixed: bool = False) -> None:
    """Every choice in ``seq`` (followed by something starting with ``follow``) is decided
    by the next character; ``fixed``: no choice at all (inside a look-ahead, which is
    evaluated again at every position it is reached from)."""
    after = follow
    for node, low, high in reversed(seq):
        if node[0] == "anchor":
            after = frozenset() if node[1] else after
            continue
        if node[0] == "group" and node[2]:
            if (low, high) != (1, 1):
                raise _Unsupported
            _check_group(node, ALL, fixed=True)
            continue
        starts = _node_first(node)
        if high is None or high != low:
            if fixed or _nullable_node(node) or starts & after:
                raise _Unsupported
        if node[0] == "group":
            repeats = high is None or high > 1
            _check_group(node, (starts | after) if repeats else after, fixed)
        nullable = low == 0 or _nullable_node(node)
        after = (starts | after) if nullable else starts


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.text = pattern
        self.pos = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def alternation(self) -> tuple[_Seq, ...]:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.pos += 1
            branches.append(self.sequence())
        return tuple(branches)

    def sequence(self) -> _Seq:
        items: list[_Item] = []
        while self.peek() not in ("", "|", ")"):
            node = self.atom()
            low, high = self.quantifier()
            if node[0] == "anchor" and (low, high) != (1, 1):
                raise _Unsupported
            items.append((node, low, high))
        return tuple(items)

    def atom(self) -> _Node:
        ch = self.text[self.pos]
        self.pos += 1
        if ch == "^":
            return ("anchor", False)
        if ch == "$":
            return ("anchor", True)
        if ch == ".":
            return ("atom", ALL)
        if ch == "\\":
            return ("atom", self.escape())
        if ch == "[":
            return ("atom", self.char_class())
        if ch == "(":
            lookahead = False
            if self.text.startswith("?:", self.pos):
                self.pos += 2
            elif self.text.startswith(("?=", "?!"), self.pos):
                self.pos += 2
                lookahead = True
            elif self.peek() == "?":
                raise _Unsupported
            branches = self.alternation()
            if self.peek() != ")":
                raise _Unsupported
            self.pos += 1
            return _group(branches, lookahead)
        if ch in "*+?{)]}|":
            raise _Unsupported
        return ("atom", frozenset(ch))

    def escape(self) -> frozenset[str]:
        ch = self.text[self.pos]
        self.pos += 1
        if ch in _CLASS_ESCAPES:
            return _CLASS_ESCAPES[ch]
        if ch in ".-\\/+*?()[]{}|^$":
            return frozenset(ch)
        raise _Unsupported

    def char_class(self) -> frozenset[str]:
        negate = self.peek() == "^"
        if negate:
            self.pos += 1
        chars: set[str] = set()
        first = True
        while True:
            ch = self.text[self.pos]
            if ch == "]" and not first:
                self.pos += 1
                break
            first = False
            self.pos += 1
            if ch == "\\":
                part = self.escape()
                if len(part) > 1:
                    chars |= part
                    continue
                ch = next(iter(part))
            elif ch == "[":
                raise _Unsupported  # nested sets mean different things in the two engines
            if self.peek() == "-" and self.text[self.pos + 1] != "]":
                self.pos += 1
                end = self.text[self.pos]
                self.pos += 1
                if end == "\\":
                    part = self.escape()
                    if len(part) > 1:
                        raise _Unsupported
                    end = next(iter(part))
                if ord(end) < ord(ch):
                    raise _Unsupported
                chars |= {chr(c) for c in range(ord(ch), ord(end) + 1)}
            else:
                chars.add(ch)
        out = frozenset(chars) & ALL
        return ALL - out if negate else out

    def quantifier(self) -> tuple[int, int | None]:
        ch = self.peek()
        high: int | None
        if ch == "*":
            low, high = 0, None
        elif ch == "+":
            low, high = 1, None
        elif ch == "?":
            low, high = 0, 1
        elif ch == "{":
            close = self.text.find("}", self.pos)
            if close < 0:
                raise _Unsupported
            body = self.text[self.pos + 1 : close]
            parts = body.split(",")
            if len(parts) > 2 or not parts[0].isdigit():
                raise _Unsupported
            low = int(parts[0])
            if len(parts) == 1:
                high = low
            elif parts[1] == "":
                high = None
            elif parts[1].isdigit():
                high = int(parts[1])
            else:
                raise _Unsupported
            if high is not None and high < low:
                raise _Unsupported
            self.pos = close
        else:
            return 1, 1
        self.pos += 1
        if self.peek() == "?":  # lazy: the same choices, in the other order
            self.pos += 1
        if self.peek() in ("*", "+", "?", "{"):
            raise _Unsupported
        return low, high
