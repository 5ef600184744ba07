"""Custom declarative rules from policies (SPEC section 7): ``require`` and ``expr``.

``require`` (and ``applies_to.when``) are JSON Schemas. ``expr`` is a CEL expression that
must be true for the document; it is parsed and interpreted by cel-python (never Python
``eval``, and never cel-python's transpiler, which does ``exec``). cel-python does not check
names, so :func:`compile_expr` walks the parsed tree itself: every free variable must be the
document (``card`` or ``pipeline``, and ``doc``) and every function a CEL function. The
library is imported only when a policy has an ``expr`` rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from synthgov.core.types import DATASET_CARD, PIPELINE, Document, Issue, Pointer
from synthgov.policy.types import CustomRuleSpec

#: macros that bind a variable: name -> how many leading arguments are variables
_BINDING_MACROS = {"all": 1, "exists": 1, "exists_one": 1, "map": 1, "filter": 1}
#: functions that take an expression, not a value
_SPECIAL_FUNCTIONS = frozenset({"has", "dyn"})
#: type names a CEL expression may mention as values, e.g. ``type(x) == string``
_TYPE_NAMES = frozenset(
    {"bool", "bytes", "double", "duration", "int", "list", "map", "null_type", "string"}
    | {"timestamp", "type", "uint", "dyn"}
)


class ExprError(ValueError):
    """An ``expr`` that does not compile or names an unknown variable."""


def document_variables(kind: str) -> tuple[str, ...]:
    """The names under which a document of ``kind`` is visible to ``expr``."""
    own = {DATASET_CARD: "card", PIPELINE: "pipeline"}.get(kind)
    return (own, "doc") if own else ("doc",)


@dataclass(frozen=True)
class CompiledExpr:
    """A compiled CEL expression of a custom rule."""

    text: str
    variables: tuple[str, ...]
    program: Any  # a celpy Runner (tree-walking interpreter)
    paths: tuple[tuple[str, ...], ...]  # static field paths read from the document
    size: int = 1  # nodes of the parse tree
    nesting: int = 0  # the deepest nesting of comprehension macros (all, exists, map...)
    concats: int = 0  # `+` in comprehension ranges (the only way a range outgrows a list)
    literal: int = 0  # the longest list literal (or argument list) of the expression


#: the most work an ``expr`` may cost on one document, in parse-tree node evaluations
#: (cel-python's interpreter takes about 8 us per node here: about 15 s at the limit)
EXPR_COST_LIMIT = 2_000_000


def expr_cost(compiled: CompiledExpr, data: Any) -> int:
    """An upper bound on the work of ``compiled`` on a document: every comprehension ranges
    over at most the longest list or mapping of the document (times the ``+`` that could
    have joined lists), and nested ones multiply. Deterministic, and computed before the
    expression runs, so a document (written by a pull request) cannot make a policy's
    expression run for minutes."""
    if not compiled.nesting:
        return compiled.size
    width = max(1, _widest(data), compiled.literal) * (1 + compiled.concats)
    return compiled.size * width**compiled.nesting


def _widest(data: Any) -> int:
    best, stack = 0, [data]
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping):
            best = max(best, len(value))
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            best = max(best, len(value))
            stack.extend(value)
    return best


def compile_expr(expr: str, kind: str) -> CompiledExpr:
    """Parse ``expr`` and check its names; :class:`ExprError` says what is wrong and where."""
    if not isinstance(expr, str) or not expr.strip():
        raise ExprError("expr must be a non-empty string")
    try:
        import celpy
        from celpy.celparser import CELParseError
    except ImportError:  # pragma: no cover - cel-python is a dependency of synthgov
        raise ExprError("expr rules need cel-python (a dependency): reinstall synthgov") from None
    variables = document_variables(kind)
    env = celpy.Environment()
    try:
        tree = env.compile(expr)
    except CELParseError as exc:
        raise ExprError(f"expr does not compile: {_parse_message(exc, expr)}") from None
    except Exception as exc:  # noqa: BLE001 - lark raises several types for odd input
        raise ExprError(f"expr does not compile: {_first_line(exc)}") from None
    functions = _function_names()
    checker = _NameChecker(variables, functions)
    checker.visit(tree, frozenset())
    if checker.problem:
        raise ExprError(checker.problem)
    try:
        program = env.program(tree)
    except Exception as exc:  # noqa: BLE001 - celpy raises several types
        raise ExprError(f"expr does not compile: {_first_line(exc)}") from None
    size, nesting, concats, literal = _shape(tree)
    return CompiledExpr(
        expr, variables, program, tuple(checker.paths), size, nesting, concats, literal
    )


def _shape(tree: Any) -> tuple[int, int, int, int]:
    """Nodes, comprehension nesting, ``+`` in comprehension ranges and the longest list
    literal of a parse tree (for :func:`expr_cost`)."""
    from lark import Tree

    size = nesting = concats = literal = 0
    stack: list[tuple[Any, int, bool]] = [(tree, 0, False)]
    while stack:
        node, depth, in_range = stack.pop()
        if not isinstance(node, Tree):
            continue
        size += 1
        nesting = max(nesting, depth)
        if node.data == "addition_add" and in_range:
            concats += 1
        if node.data == "exprlist":
            literal = max(literal, len(node.children))
        if node.data == "member_dot_arg" and len(node.children) > 1:
            if str(node.children[1]) in _BINDING_MACROS:
                stack.append((node.children[0], depth, True))  # the range: outside the loop
                stack.extend((child, depth + 1, in_range) for child in node.children[2:])
                continue
        stack.extend((child, depth, in_range) for child in node.children)
    return size, nesting, concats, literal


def _parse_message(exc: Any, text: str) -> str:
    line, column = getattr(exc, "line", None), getattr(exc, "column", None)
    if not line or not column:
        return "syntax error"
    lines = text.splitlines() or [""]
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    rest = source[column - 1 :].strip()
    near = f"near {rest[:20]!r}" if rest else "at the end of the expression"
    where = f"line {line} column {column}" if len(lines) > 1 else f"column {column}"
    return f"syntax error at {where} of the expression, {near}"


def _first_line(value: Any) -> str:
    text = str(value).strip()
    return text.splitlines()[0] if text else type(value).__name__


def _function_names() -> frozenset[str]:
    from celpy.evaluation import base_functions

    return frozenset(name for name in base_functions if name.isidentifier())


class _NameChecker:
    """Walks a celpy (lark) parse tree; records the first unknown name and the field paths."""

    def __init__(self, variables: tuple[str, ...], functions: frozenset[str]) -> None:
        self.variables = variables
        self.functions = functions
        self.problem: str | None = None
        self.paths: list[tuple[str, ...]] = []

    def _fail(self, node: Any, message: str) -> None:
        if self.problem is None:
            meta = getattr(node, "meta", None)
            column = getattr(meta, "column", None) if meta is not None else None
            where = f" (column {column} of the expression)" if column else ""
            self.problem = message + where

    def visit(self, node: Any, bound: frozenset[str]) -> None:
        from lark import Tree

        if not isinstance(node, Tree) or self.problem:
            return
        rule = node.data
        if rule in ("ident", "dot_ident"):
            self._check_name(node, str(node.children[0]), bound)
            return
        if rule in ("ident_arg", "dot_ident_arg"):
            name = str(node.children[0])
            if name not in self.functions and name not in _SPECIAL_FUNCTIONS:
                self._fail(node, f"unknown function {name}()")
            for child in node.children[1:]:
                self.visit(child, bound)
            return
        if rule == "member_dot_arg":
            self._member_call(node, bound)
            return
        if rule == "member_object":
            self._fail(node, "message construction (Name{...}) is not supported")
            return
        if rule == "member_dot":
            path = _static_path(node)
            if path and path[0] in self.variables and path[0] not in bound:
                self.paths.append(path)
        for child in node.children:
            self.visit(child, bound)

    def _check_name(self, node: Any, name: str, bound: frozenset[str]) -> None:
        if name in bound or name in self.variables or name in _TYPE_NAMES:
            return
        known = " or ".join(self.variables)
        self._fail(node, f"unknown variable {name!r} (the document is {known})")

    def _member_call(self, node: Any, bound: frozenset[str]) -> None:
        from lark import Tree

        target, method = node.children[0], str(node.children[1])
        args = node.children[2] if len(node.children) > 2 else None
        exprs = list(args.children) if isinstance(args, Tree) else []
        self.visit(target, bound)
        if method in _BINDING_MACROS:
            count = _BINDING_MACROS[method]
            names = [_bare_ident(e) for e in exprs[:count]]
            if len(exprs) <= count or any(n is None for n in names):
                self._fail(node, f"{method}() needs a variable name and an expression")
                return
            inner = bound | frozenset(n for n in names if n)
            for expr in exprs[count:]:
                self.visit(expr, inner)
            return
        if method not in self.functions:
            self._fail(node, f"unknown method .{method}()")
            return
        for expr in exprs:
            self.visit(expr, bound)


def _bare_ident(expr: Any) -> str | None:
    """The name when an expression is just an identifier (a macro's variable)."""
    from lark import Tree

    node = expr
    while isinstance(node, Tree) and node.data != "ident":
        trees = [c for c in node.children if isinstance(c, Tree)]
        if len(trees) != 1 or len(node.children) != 1:
            return None
        node = trees[0]
    return str(node.children[0]) if isinstance(node, Tree) else None


def _static_path(node: Any) -> tuple[str, ...] | None:
    """``card.a.b`` -> ("card", "a", "b"); None when the chain is not plain field access."""
    from lark import Tree

    parts: list[str] = []
    while isinstance(node, Tree):
        if node.data == "member_dot":
            parts.append(str(node.children[1]))
            node = node.children[0]
        elif node.data in ("member", "primary") and len(node.children) == 1:
            node = node.children[0]
        elif node.data == "ident":
            parts.append(str(node.children[0]))
            return tuple(reversed(parts))
        else:
            return None
    return None


def evaluate(spec: CustomRuleSpec, doc: Document, cache: dict[str, Any]) -> Iterator[Issue]:
    """Issues of one custom rule on one document (the engine adds severity and position)."""
    from synthgov.policy.schemacheck import compile_schema, is_valid, iter_schema_errors

    if doc.kind != spec.kind:
        return
    data = dict(doc.data)
    if spec.when is not None:
        key = f"{spec.id}:when"
        if key not in cache:
            cache[key] = compile_schema(spec.when, lazy=True)  # checked at load
        if not is_valid(cache[key], data):
            return
    if spec.require is not None:
        key = f"{spec.id}:require"
        if key not in cache:
            cache[key] = compile_schema(spec.require, lazy=True)
        errors = iter_schema_errors(cache[key], data)
        if errors:
            deepest = max(errors, key=lambda e: len(e.pointer))
            pointer: Pointer = _existing(doc, deepest.pointer)
            yield Issue(pointer, spec.message, spec.hint or deepest.message, value=None)
        return
    if spec.expr is not None:
        key = f"{spec.id}:expr"
        if key not in cache:
            cache[key] = compile_expr(spec.expr, spec.kind)
        yield from _evaluate_expr(spec, cache[key], doc)


def _evaluate_expr(spec: CustomRuleSpec, compiled: CompiledExpr, doc: Document) -> Iterator[Issue]:
    """True passes; false fires; an evaluation error fires too, with the reason.

    A field the expression reads but the document lacks is the common case: the finding
    says which field is missing and points at its nearest existing parent. ``has(card.x)``
    makes a field optional.
    """
    from celpy.adapter import json_to_cel
    from celpy.celtypes import BoolType

    cost = expr_cost(compiled, doc.data)
    if cost > EXPR_COST_LIMIT:
        yield Issue(
            (),
            f"{spec.message} (not evaluated: on this document the expression could cost "
            f"{cost:,} steps, over the limit of {EXPR_COST_LIMIT:,}; comprehensions nested "
            f"{compiled.nesting} deep over lists of up to {_widest(doc.data):,} items)",
            spec.hint or "make the lists shorter or the comprehensions less deeply nested",
        )
        return
    value = json_to_cel(_plain(doc.data))
    activation = {name: value for name in compiled.variables}
    try:
        result = compiled.program.evaluate(activation)
    except Exception as exc:  # noqa: BLE001 - CELEvalError and friends: a finding, not a crash
        yield _error_issue(spec, compiled, doc, exc)
        return
    if isinstance(result, BoolType | bool):
        if not result:
            yield Issue(
                _first_field(compiled, doc),
                spec.message,
                spec.hint or f"the expression is false: {compiled.text}",
            )
        return
    yield Issue(
        (),
        f"{spec.message} (the expression gave {type(result).__name__}, not a bool)",
        spec.hint or f"make the expression a condition: {compiled.text}",
    )


_NO_MEMBER = re.compile(r"no such member in mapping: '([^']*)'")
_OVERLOAD_TYPES = re.compile(r"celtypes\.(\w+?)Type\b")


def _error_issue(
    spec: CustomRuleSpec, compiled: CompiledExpr, doc: Document, exc: Exception
) -> Issue:
    args = exc.args
    reason = _first_line(args[0]) if args else type(exc).__name__
    field = None
    if len(args) >= 2 and args[1] is KeyError:
        match = _NO_MEMBER.search(str(args[0]))
        if match:
            field = match.group(1)
        elif len(args) >= 3 and isinstance(args[2], tuple) and args[2]:
            field = str(args[2][0])
    if field is not None:
        shown, pointer = _missing_path(compiled, doc, field) or (f"field {field!r}", ())
        return Issue(
            pointer,
            f"{spec.message} ({shown} is missing)",
            spec.hint or f"add {shown} where the expression reads it, or guard it with has()",
            value=shown,
        )
    types = _OVERLOAD_TYPES.findall(reason) if "no matching overload" in reason else []
    if types:
        names = " and ".join(dict.fromkeys(t.lower() for t in types))
        reason = f"no operator for values of type {names}; convert with double() or int()"
    return Issue(
        (),
        f"{spec.message} (the expression could not be evaluated on this document: {reason})",
        spec.hint or f"check the types the expression expects: {compiled.text}",
    )


def _first_field(compiled: CompiledExpr, doc: Document) -> Pointer:
    """Where a false expression points: the first document field it reads (else the root)."""
    sentinel = object()
    for path in compiled.paths:
        if doc.get(path[1:], sentinel) is not sentinel:
            return path[1:]
    return ()


def _missing_path(compiled: CompiledExpr, doc: Document, field: str) -> tuple[str, Pointer] | None:
    """The first field path of the expression that the document lacks at ``field``."""
    sentinel = object()
    for path in compiled.paths:
        fields = path[1:]
        for depth in range(1, len(fields) + 1):
            if doc.get(fields[:depth], sentinel) is not sentinel:
                continue
            parent = doc.get(fields[: depth - 1], sentinel)
            if fields[depth - 1] == field and isinstance(parent, Mapping):
                return ".".join((path[0], *fields[:depth])), fields[: depth - 1]
            break
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _existing(doc: Document, pointer: Pointer) -> Pointer:
    """The longest prefix of ``pointer`` that exists in the document."""
    probe = tuple(pointer)
    sentinel = object()
    while probe and doc.get(probe, sentinel) is sentinel:
        probe = probe[:-1]
    return probe
