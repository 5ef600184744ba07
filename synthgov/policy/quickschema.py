"""A pure-Python proof that an instance is valid against a JSON Schema (draft 2020-12).

jsonschema-rs validates fast, but importing it costs about 25-30 ms (its module set-up pulls
in ``email.utils``, ``socket``, ``uuid``, ``decimal``...), a tenth of a one-card pre-commit
run. Most documents a pre-commit call sees are valid, and proving that needs no error
messages. :func:`prove_valid` walks the instance against the schema and answers:

- ``True``: the instance is valid, and jsonschema-rs would say so;
- ``False``: it is not valid;
- ``None``: it cannot tell (a keyword, a value or a pattern outside what it models).

Only ``True`` is acted on: :mod:`synthgov.policy.schemacheck` skips jsonschema-rs for it, and asks
jsonschema-rs for the errors in every other case, so every message still comes from one
implementation. The rules followed to keep ``True`` sound (tested against jsonschema-rs on
the shipped schemas with generated and mutated instances, ``tests/test_quickschema.py``):

- the whole instance must be plain JSON data (``dict`` with ``str`` keys, ``list``,
  ``tuple``, ``str`` without lone surrogates, finite ``float``, ``int`` below 2**53 in size,
  ``bool``, ``None``), which jsonschema-rs converts without complaint;
- every keyword must be one it models or an annotation (``format`` is one: draft 2020-12
  does not assert it, and neither does jsonschema-rs by default); unknown keywords, ``$id``
  below the root and ``$ref`` outside the document give ``None``;
- ``pattern`` is matched with :mod:`re` only when that cannot differ from ECMA 262: the
  pattern uses a small common syntax and the string is printable ASCII; and only when it
  cannot cost more than linear time per start position, on a string of at most 2,048
  characters (256 when the pattern is not anchored with ``^``; see
  :func:`synthgov.policy.regexcost.subject_limit`): ``re`` backtracks, and a pull request chooses
  the strings;
- JSON equality for ``enum``, ``const`` and ``uniqueItems`` (``1 == 1.0``, ``true != 1``).

What counts as plain JSON data, JSON equality and JSON types are in :mod:`.jsonvalues`;
this module walks the schema keyword by keyword.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from synthgov.core.lazyre import LazyRegex
from synthgov.policy.jsonvalues import (
    MAX_DEPTH,
    Undecided,
    has_type,
    is_number,
    json_equal,
    plain_json,
)

Verdict = bool | None

_ANNOTATIONS = frozenset(
    {
        "$schema",
        "$comment",
        "$defs",
        "definitions",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "format",
    }
)
_MODELLED = frozenset(
    {
        "type",
        "enum",
        "const",
        "properties",
        "patternProperties",
        "additionalProperties",
        "required",
        "propertyNames",
        "minProperties",
        "maxProperties",
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
        "then",
        "else",
        "$ref",
    }
)
# the syntax shared by Python's re and ECMA 262 for printable ASCII subjects: literals,
# classes, anchors, greedy quantifiers, groups, lookaheads and the escapes below
_PATTERN_SYNTAX = LazyRegex(
    r"(?!.*(?:\[\^?\]|\{,|[*+?}]\+))"  # no empty class, "{,n}" or possessive quantifier
    r"(?:[^\\(]|\\[dDwWsS.\-\\/+*?()\[\]{}|^$]|\((?:\?[:!=]|(?!\?)))*",
    re.DOTALL,
)
_PRINTABLE = LazyRegex(r"[ -~]*")


def prove_valid(schema: Any, instance: Any, patterns: dict[str, Any] | None = None) -> Verdict:
    """True when ``instance`` is valid against ``schema``; False or None otherwise.

    ``patterns`` caches compiled ``pattern`` expressions between calls (keep one per schema).
    """
    try:
        plain_json(instance, 0)
        return _Prover(schema, {} if patterns is None else patterns).check(schema, instance, 0)
    except (Undecided, RecursionError, re.error):
        return None


_APPLICATORS = frozenset({"$ref", "allOf", "anyOf", "oneOf", "not", "if", "then", "else"})


def _any_type(keyword: str, arg: Any, value: Any) -> bool:
    """``type``, ``enum`` and ``const``: keywords that apply to a value of any type."""
    if keyword == "type":
        names = arg if isinstance(arg, list) else [arg]
        return any([has_type(value, name) for name in names])
    if keyword == "enum":
        if not isinstance(arg, list):
            raise Undecided
        return any(json_equal(value, option) for option in arg)
    return json_equal(value, arg)


class _Prover:
    def __init__(self, root: Any, patterns: dict[str, Any]) -> None:
        self.root = root
        self.patterns = patterns

    def check(self, schema: Any, value: Any, depth: int) -> bool:
        """Valid or not; raises Undecided when that cannot be told."""
        if schema is True:
            return True
        if schema is False:
            return False
        if not isinstance(schema, Mapping) or depth > MAX_DEPTH:
            raise Undecided
        if depth and "$id" in schema:
            raise Undecided
        verdict = True
        for keyword, arg in schema.items():
            if keyword in _MODELLED:
                if not self._keyword(keyword, arg, schema, value, depth):
                    verdict = False  # keep going: a later keyword may be unknown
            elif keyword not in _ANNOTATIONS and not (depth == 0 and keyword == "$id"):
                if not keyword.startswith("x-"):
                    raise Undecided
        return verdict

    def _keyword(
        self, keyword: str, arg: Any, schema: Mapping[str, Any], value: Any, d: int
    ) -> bool:
        if keyword in _APPLICATORS:
            return self._applicator(keyword, arg, schema, value, d)
        if keyword in ("type", "enum", "const"):
            return _any_type(keyword, arg, value)
        if type(value) is dict:
            return self._object(keyword, arg, schema, value, d)
        if type(value) is list or type(value) is tuple:
            return self._array(keyword, arg, schema, value, d)
        if type(value) is str:
            return self._string(keyword, arg, value)
        if is_number(value):
            return self._number(keyword, arg, value)
        self._shape(keyword, arg)
        return True

    def _applicator(
        self, keyword: str, arg: Any, schema: Mapping[str, Any], value: Any, d: int
    ) -> bool:
        """A keyword that applies subschemas to the value itself."""
        if keyword == "$ref":
            return self.check(self._resolve(arg), value, d + 1)
        if keyword == "allOf":
            return all([self.check(sub, value, d + 1) for sub in self._list(arg)])
        if keyword == "anyOf":
            return any([self.check(sub, value, d + 1) for sub in self._list(arg)])
        if keyword == "oneOf":
            return sum(self.check(sub, value, d + 1) for sub in self._list(arg)) == 1
        if keyword == "not":
            return not self.check(arg, value, d + 1)
        if keyword == "if":
            branch = schema.get("then" if self.check(arg, value, d + 1) else "else", True)
            return self.check(branch, value, d + 1)
        # "then" and "else" are applied by "if"; without one they are still walked, for
        # unknown keywords
        if "if" not in schema:
            self.check(arg, value, d + 1)
        return True

    def _object(
        self, keyword: str, arg: Any, schema: Mapping[str, Any], value: dict[str, Any], d: int
    ) -> bool:
        if keyword == "properties":
            subs = self._map(arg)
            return all([self.check(subs[k], v, d + 1) for k, v in value.items() if k in subs])
        if keyword == "patternProperties":
            subs = self._map(arg)
            return all(
                [
                    self.check(sub, v, d + 1)
                    for pattern, sub in subs.items()
                    for k, v in value.items()
                    if self._search(pattern, k)
                ]
            )
        if keyword == "additionalProperties":
            named = self._map(schema.get("properties", {}))
            patterns = list(self._map(schema.get("patternProperties", {})))
            rest = [
                v
                for k, v in value.items()
                if k not in named and not any(self._search(p, k) for p in patterns)
            ]
            return all([self.check(arg, v, d + 1) for v in rest])
        if keyword == "required":
            return all(name in value for name in self._list(arg))
        if keyword == "propertyNames":
            return all([self.check(arg, k, d + 1) for k in value])
        if keyword == "minProperties":
            return len(value) >= self._count(arg)
        if keyword == "maxProperties":
            return len(value) <= self._count(arg)
        self._shape(keyword, arg)
        return True

    def _array(self, keyword: str, arg: Any, schema: Mapping[str, Any], value: Any, d: int) -> bool:
        if keyword == "items":
            start = len(self._list(schema["prefixItems"])) if "prefixItems" in schema else 0
            return all([self.check(arg, v, d + 1) for v in value[start:]])
        if keyword == "prefixItems":
            subs = self._list(arg)
            return all([self.check(s, v, d + 1) for s, v in zip(subs, value, strict=False)])
        if keyword == "minItems":
            return len(value) >= self._count(arg)
        if keyword == "maxItems":
            return len(value) <= self._count(arg)
        if keyword == "uniqueItems":
            if type(arg) is not bool:
                raise Undecided
            if not arg:
                return True
            items = list(value)
            return all(
                not json_equal(items[i], items[j])
                for i in range(len(items))
                for j in range(i + 1, len(items))
            )
        self._shape(keyword, arg)
        return True

    def _string(self, keyword: str, arg: Any, value: str) -> bool:
        if keyword == "minLength":
            return len(value) >= self._count(arg)
        if keyword == "maxLength":
            return len(value) <= self._count(arg)
        if keyword == "pattern":
            return self._search(arg, value)
        self._shape(keyword, arg)
        return True

    def _number(self, keyword: str, arg: Any, value: float) -> bool:
        if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if not is_number(arg):
                raise Undecided
            if keyword == "minimum":
                return value >= arg
            if keyword == "maximum":
                return value <= arg
            if keyword == "exclusiveMinimum":
                return value > arg
            return value < arg
        self._shape(keyword, arg)
        return True

    def _shape(self, keyword: str, arg: Any) -> None:
        """A keyword that does not apply to this type still needs a well-formed argument
        (a schema that jsonschema-rs rejects must not pass here)."""
        if keyword in ("properties", "patternProperties"):
            for sub in self._map(arg).values():
                self._schema_like(sub)
            if keyword == "patternProperties":
                for pattern in arg:
                    self._compiled(pattern)
        elif keyword in ("additionalProperties", "propertyNames", "items"):
            self._schema_like(arg)
        elif keyword == "prefixItems":
            for sub in self._list(arg):
                self._schema_like(sub)
        elif keyword == "required":
            if not all(type(name) is str for name in self._list(arg)):
                raise Undecided
        elif keyword == "pattern":
            self._compiled(arg)
        elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if not is_number(arg):
                raise Undecided
        elif keyword == "uniqueItems":
            if type(arg) is not bool:
                raise Undecided
        else:  # the counts
            self._count(arg)

    @staticmethod
    def _schema_like(arg: Any) -> None:
        if not (type(arg) is bool or isinstance(arg, Mapping)):
            raise Undecided

    @staticmethod
    def _list(arg: Any) -> list[Any]:
        if not isinstance(arg, list):
            raise Undecided
        return arg

    @staticmethod
    def _map(arg: Any) -> Mapping[str, Any]:
        if not isinstance(arg, Mapping):
            raise Undecided
        return arg

    @staticmethod
    def _count(arg: Any) -> int:
        if type(arg) is float and arg.is_integer():
            arg = int(arg)
        if type(arg) is not int or arg < 0:
            raise Undecided
        return arg

    def _compiled(self, pattern: Any) -> tuple[Any, int]:
        """The compiled pattern and the longest subject ``re`` may match it against."""
        found = self.patterns.get(pattern) if type(pattern) is str else None
        if found is None:
            if type(pattern) is not str or not _PATTERN_SYNTAX.fullmatch(pattern):
                raise Undecided
            from synthgov.policy.regexcost import subject_limit

            # a pattern re could take exponential time on goes to jsonschema-rs
            limit = subject_limit(pattern)
            found = self.patterns[pattern] = (re.compile(pattern) if limit else None, limit)
        if not found[1]:
            raise Undecided
        return found

    def _search(self, pattern: Any, subject: str) -> bool:
        compiled, limit = self._compiled(pattern)
        if len(subject) > limit or not _PRINTABLE.fullmatch(subject):
            raise Undecided
        return compiled.search(subject) is not None

    def _resolve(self, ref: Any) -> Any:
        if type(ref) is not str or not ref.startswith("#"):
            raise Undecided
        target = self.root
        if ref == "#":
            return target
        if not ref.startswith("#/") or ref == "#/" or "%" in ref:
            raise Undecided
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, Mapping) or part not in target:
                raise Undecided
            target = target[part]
        return target
