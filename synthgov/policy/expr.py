"""CEL ``expr`` of custom rules: compile, check names, and bound the cost on a document.

An ``expr`` must be true for the document; it is parsed and interpreted by cel-python (never
Python ``eval``, and never cel-python's transpiler, which does ``exec``). cel-python does not
check names, so :func:`compile_expr` walks the parsed tree itself: every free variable must
be the document (``card`` or ``pipeline``, and ``doc``) and every function a CEL function.
:func:`expr_cost` bounds the work before an expression runs. The library is imported only
when a policy has an ``expr`` rule; evaluating it is :mod:`.custom`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from synthgov.core.types import DATASET_CARD, PIPELINE

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
    width = max(1, widest(data), compiled.literal) * (1 + compiled.concats)
    return compiled.size * width**compiled.nesting


def widest(data: Any) -> int:
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
        raise ExprError(f"expr does not compile: {first_line(exc)}") from None
    functions = _function_names()
    checker = _NameChecker(variables, functions)
    checker.visit(tree, frozenset())
    if checker.problem:
        raise ExprError(checker.problem)
    try:
        program = env.program(tree)
    except Exception as exc:  # noqa: BLE001 - celpy raises several types
        raise ExprError(f"expr does not compile: {first_line(exc)}") from None
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


def first_line(value: Any) -> str:
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
