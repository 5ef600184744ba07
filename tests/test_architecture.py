"""Import contracts of the package (issue 12), checked on the source's AST.

The graph has one node per module of ``synthgov`` (a package is its ``__init__``) and an
edge for every ``import`` of another synthgov module, at module level or inside a function
(lazy imports are dependencies too). Imports under ``if TYPE_CHECKING:`` are kept apart:
they never run, so they may point upwards for annotations, but they still may not reach an
I/O module from the engine layer's runtime.

Contracts:

1. no import cycle among modules (runtime imports), except the allowlisted ones below;
2. the engine layer imports no I/O module, directly or through other synthgov modules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "synthgov"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

# The layers, top to bottom. A module may import from its own layer and the layers below,
# never from a layer above (TYPE_CHECKING imports excepted: they never run). The root
# package ``synthgov`` (its version and the lazy ``hookimpl``) sits with the core.
# docs/architecture.md draws the same picture.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("synthgov.cli", "synthgov.__main__"),
    ("synthgov.app", "synthgov.plugins"),
    ("synthgov.rules", "synthgov.reporters", "synthgov.loaders"),
    ("synthgov.engine",),
    ("synthgov.policy", "synthgov.verify"),
    ("synthgov.lineage", "synthgov.models"),
    ("synthgov.repo",),
    ("synthgov.core", "synthgov.data", "synthgov"),
)

# The engine layer: pure evaluation of documents against rules. It receives everything it
# reads (documents, graph, registry, file access) through the run context and does no I/O
# of its own.
ENGINE_LAYER = (
    "synthgov.engine",
    "synthgov.rules",  # and every synthgov.rules.* module
    "synthgov.core.types",
)

# Modules that do I/O (processes, databases, git, the terminal, the file system) or
# orchestrate a run. The engine layer may not import them, not even through another
# synthgov module. Third-party and stdlib names are matched on their top-level package.
IO_THIRD_PARTY = frozenset(
    {"subprocess", "sqlite3", "git", "duckdb", "pyspark", "click", "shutil", "tempfile"}
)
IO_SYNTHGOV = (
    "synthgov.cli",
    "synthgov.app",
    "synthgov.plugins",
    "synthgov.repo.discovery",
    "synthgov.repo.gitsafe",
    "synthgov.repo.files",
    "synthgov.repo.snapshot",
    "synthgov.repo.codecache",
    "synthgov.policy.config",
    "synthgov.verify.duckdb_engine",
    "synthgov.verify.spark_engine",
    "synthgov.verify.cache",
    "synthgov.verify.measure",
)

# Cycles known and accepted: none. An entry would be a set of modules naming the issue that
# removes it; a cycle is tolerated only when all its modules lie in one entry.
ALLOWED_CYCLES: tuple[frozenset[str], ...] = ()

# Edges from the engine layer's reach into an I/O module, known and accepted: none.
ALLOWED_ENGINE_IO: set[tuple[str, str]] = set()

# Imports that point up a layer, known and accepted: none.
ALLOWED_UPWARD: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    line: int
    type_checking: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, guarded: bool = False) -> Iterator[tuple[ast.stmt, bool]]:
    """Every import statement with whether it sits under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, guarded
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from _imports(ast.Module(body=[child], type_ignores=[]), True)
            for child in node.orelse:
                yield from _imports(ast.Module(body=[child], type_ignores=[]), guarded)
        else:
            yield from _imports(node, guarded)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(module: str, path: Path, node: ast.stmt, known: dict[str, Path]) -> list[str]:
    """Imported names as module names: synthgov modules exactly, others by top package."""
    names: list[str] = []
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom):
        base = _resolve(module, path.name == "__init__.py", node)
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            names.append(sub if sub in known else base)
    out = []
    for name in names:
        if name == PACKAGE or name.startswith(PACKAGE + "."):
            # `import synthgov.a.b` depends on synthgov.a.b (the nearest known module)
            while name not in known and "." in name:
                name = name.rsplit(".", 1)[0]
        else:
            name = name.split(".")[0]
        out.append(name)
    return out


def import_graph() -> list[Edge]:
    known = _modules()
    edges = set()
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node, guarded in _imports(tree):
            for target in _targets(module, path, node, known):
                if target != module:
                    edges.add(Edge(module, target, node.lineno, guarded))
    return sorted(edges, key=lambda e: (e.source, e.target, e.line))


def _runtime_adjacency(edges: list[Edge]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for edge in edges:
        if not edge.type_checking and edge.target.startswith(PACKAGE):
            graph.setdefault(edge.source, set()).add(edge.target)
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[tuple[str, ...]]:
    """Tarjan's algorithm (iterative); components of more than one module, sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[tuple[str, ...]] = []
    counter = 0
    nodes = sorted(set(graph) | {t for ts in graph.values() for t in ts})
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(tuple(sorted(component)))
    return sorted(found)


def _in(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _describe(component: tuple[str, ...], edges: list[Edge]) -> str:
    members = set(component)
    inner = [
        f"{e.source} -> {e.target} (line {e.line})"
        for e in edges
        if e.source in members and e.target in members and not e.type_checking
    ]
    return " <-> ".join(component) + ":\n    " + "\n    ".join(inner)


def test_the_graph_sees_lazy_and_type_checking_imports() -> None:
    edges = import_graph()
    # cli imports runner inside its commands (lazily, for start-up time)
    assert any(
        e.source == "synthgov.cli.check" and e.target == "synthgov.app.check.checking"
        for e in edges
    )
    # the graph is not empty and knows every subpackage
    sources = {e.source for e in edges}
    assert {"synthgov.rules.provenance", "synthgov.loaders.dvc", "synthgov.verify.sql"} <= sources


def test_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert strongly_connected(graph) == [("a", "b", "c")]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    edges = import_graph()
    cycles = strongly_connected(_runtime_adjacency(edges))
    new = [c for c in cycles if not any(set(c) <= allowed for allowed in ALLOWED_CYCLES)]
    assert not new, "import cycles:\n" + "\n".join(_describe(c, edges) for c in new)


def _layer(module: str) -> int:
    """Index of module's layer in LAYERS (0 is the top); the longest prefix decides."""
    best, found = -1, len(LAYERS)
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if _in(module, (prefix,)) and len(prefix) > best:
                best, found = len(prefix), index
    return found


def test_every_module_has_a_layer() -> None:
    unplaced = [m for m in _modules() if _layer(m) == len(LAYERS)]
    assert not unplaced, f"modules in no layer: {unplaced}"
    assert _layer("synthgov") == len(LAYERS) - 1
    assert _layer("synthgov.cli.main") == 0 and _layer("synthgov.repo.parsing.safeyaml") == 6


def test_lower_layers_never_import_upper_ones() -> None:
    upward = [
        f"{e.source} (layer {_layer(e.source)}) -> {e.target} (layer {_layer(e.target)}), "
        f"line {e.line}"
        for e in import_graph()
        if e.target.startswith(PACKAGE)
        and not e.type_checking
        and _layer(e.target) < _layer(e.source)
        and (e.source, e.target) not in ALLOWED_UPWARD
    ]
    assert not upward, "imports up a layer:\n" + "\n".join(upward)


def _reachable(start: str, graph: dict[str, set[str]]) -> dict[str, str]:
    """Every module reachable from start at runtime, with the module that imports it."""
    via: dict[str, str] = {}
    todo = [start]
    while todo:
        node = todo.pop()
        for target in sorted(graph.get(node, ())):
            if target not in via and target != start:
                via[target] = node
                todo.append(target)
    return via


def test_engine_layer_imports_no_io() -> None:
    edges = import_graph()
    graph: dict[str, set[str]] = {}
    for edge in edges:
        if not edge.type_checking:
            graph.setdefault(edge.source, set()).add(edge.target)
    problems = []
    engine_modules = sorted(m for m in _modules() if _in(m, ENGINE_LAYER))
    assert len(engine_modules) > len(ENGINE_LAYER)  # the rules package has modules
    for module in engine_modules:
        via = _reachable(module, graph)
        for target in sorted(via):
            if target in IO_THIRD_PARTY or _in(target, IO_SYNTHGOV):
                if (via[target], target) in ALLOWED_ENGINE_IO:
                    continue
                chain = [target]
                while chain[-1] != module:
                    chain.append(via[chain[-1]])
                problems.append(" -> ".join(reversed(chain)))
    assert not problems, "the engine layer reaches I/O:\n" + "\n".join(problems)


def test_format_specific_graph_edges_come_from_loader_hooks() -> None:
    from synthgov.core.types import DATASET_CARD, Document
    from synthgov.lineage.graph import LineageGraph
    from synthgov.lineage.types import SOURCE, Edge, dataset_node
    from synthgov.loaders.dvc import DvcLoader

    a = Document("a.yaml", DATASET_CARD, {"metadata": {"id": "a"}})
    b = Document("b.yaml", DATASET_CARD, {"metadata": {"id": "b"}})

    def linker(docs: object) -> list[Edge]:
        return [Edge(dataset_node("a"), dataset_node("b"), SOURCE, a)]

    assert LineageGraph.build([a, b]).edges == ()
    graph = LineageGraph.build([a, b], linkers=[linker])
    assert [(e.src, e.dst, e.kind) for e in graph.edges] == [("dataset:a", "dataset:b", SOURCE)]
    assert callable(DvcLoader().lineage_edges)  # the DVC loader offers its edges this way
    source = (ROOT / "lineage" / "graph.py").read_text(encoding="utf-8")
    assert "source_format ==" not in source and "loaders.dvc" not in source
