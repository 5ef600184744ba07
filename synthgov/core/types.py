"""Core data types shared by loaders, rules, the engine and reporters.

Everything here is a frozen dataclass or a plain enum; nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.engine.context import RuleContext
    from synthgov.engine.post import PostContext, PostResult

_T = TypeVar("_T")

Pointer = tuple[str | int, ...]
"""A path into a document's data, e.g. ``("validation", "human_review", "sample_size")``."""

DATASET_CARD = "DatasetCard"
PIPELINE = "Pipeline"
DOCUMENT_KINDS = (DATASET_CARD, PIPELINE)


class Severity(IntEnum):
    INFO = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.upper()]
        except (KeyError, AttributeError):
            raise ValueError(f"unknown severity {value!r} (use error, warning or info)") from None


def pointer_to_json(pointer: Pointer) -> str:
    """RFC 6901 JSON pointer text for a pointer tuple ('' for the root)."""
    parts = (str(p).replace("~", "~0").replace("/", "~1") for p in pointer)
    return "".join("/" + p for p in parts)


@dataclass(frozen=True, order=True)
class Position:
    """A line and column in a source file, both 1-based."""

    line: int  # 1-based
    column: int  # 1-based


ORIGIN = Position(1, 1)


@dataclass(frozen=True)
class Document:
    """One governed document (a dataset card or a pipeline), in the native shape.

    ``data`` holds plain JSON types only. ``positions`` maps pointers to the place a finding
    about that pointer should point at (the value for scalars, the key for block collections).
    Adapters (Hugging Face, Croissant, ...) produce the same shape with positions into the
    original file.
    """

    path: str  # display path: relative to the working directory, '/' separators
    kind: str
    data: Mapping[str, Any]
    positions: Mapping[Pointer, Position] = field(default_factory=dict, compare=False)
    source_format: str = "native"
    abs_dir: str = ""  # absolute directory of the file, to resolve relative paths in the card
    native: bool = True  # unknown keys are SG002 only in native documents

    @cached_property
    def id(self) -> str | None:  # asked ~20 times per document per run: kept after the first
        meta = self.data.get("metadata")
        value = meta.get("id") if type(meta) is dict or isinstance(meta, Mapping) else None
        return value if isinstance(value, str) else None

    @property
    def label(self) -> str:
        return self.id or self.path

    def derived(self, compute: Callable[[Document], _T]) -> _T:
        """``compute(self)``, computed once per document: for facts that depend on the
        document alone (it never changes), such as its synthetic status, which several
        rules ask for. Not pickled."""
        memo = self.__dict__.get("_derived")
        if memo is None:
            memo = self.__dict__["_derived"] = {}
        if compute in memo:
            return memo[compute]
        value = memo[compute] = compute(self)
        return value

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_derived", None)
        return state

    def get(self, pointer: Pointer, default: Any = None) -> Any:
        node: Any = self.data
        for part in pointer:
            if type(part) is str:  # the usual case first: plain dicts, string keys
                if (type(node) is dict or isinstance(node, Mapping)) and part in node:
                    node = node[part]
                    continue
                return default
            if isinstance(node, Mapping) and isinstance(part, str) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                return default
        return node

    def position(self, pointer: Pointer) -> Position:
        """The position of ``pointer``, or of its nearest ancestor that has one."""
        probe = tuple(pointer)
        while True:
            pos = self.positions.get(probe)
            if pos is not None:
                return pos
            if not probe:
                return ORIGIN
            probe = probe[:-1]


@dataclass(frozen=True)
class Issue:
    """What a rule yields: where (a pointer into the document) and what is wrong.

    The engine adds rule id, severity, path, line and column.
    """

    pointer: Pointer
    message: str
    hint: str = ""
    value: Any = None  # the offending value; hashed into baselines and fingerprints
    related: tuple[str, ...] = ()  # graph node ids involved (for highlighting)


@dataclass(frozen=True)
class FileProblem:
    """A problem found while reading a file, before any document exists (SG001, SG003)."""

    rule: str
    message: str
    line: int = 1
    column: int = 1
    pointer: Pointer = ()
    hint: str = ""


@dataclass(frozen=True)
class LoadResult:
    """What a loader returns for one file: documents, and problems found while reading."""

    documents: tuple[Document, ...] = ()
    problems: tuple[FileProblem, ...] = ()


@dataclass(frozen=True)
class Finding:
    """A rule's issue placed in a file, with its severity: what reporters print."""

    rule: str
    name: str
    severity: Severity
    path: str
    line: int
    column: int
    pointer: str
    document: str | None
    message: str
    hint: str = ""
    waived: bool = False
    references: tuple[str, ...] = ()
    value: Any = field(default=None, compare=False)
    related: tuple[str, ...] = field(default=(), compare=False)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.rule, self.message)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity.label,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "document": self.document,
            "message": self.message,
            "hint": self.hint,
            "waived": self.waived,
            "references": list(self.references),
        }


@dataclass(frozen=True, eq=False, repr=False)  # read, never compared: no __eq__/__repr__
class RuleDoc:
    """User documentation of a rule, shown by ``synthgov explain``."""

    summary: str
    description: str = ""
    bad: str = ""  # an example violation (YAML)
    good: str = ""  # the same example, fixed
    applies: str = ""  # what the rule applies to, when the kinds alone do not say it
    hint: str = ""  # the default hint for findings that do not bring their own


class Rule:
    """Base class of every rule, built-in or from a plugin.

    Subclasses set the class attributes and implement :meth:`check`, which yields
    :class:`Issue` objects. The engine decides whether the rule applies, which severity it
    has, and where each issue points.
    """

    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    kinds: ClassVar[frozenset[str]] = frozenset(DOCUMENT_KINDS)
    #: only synthetic dataset cards / only evaluation cards (SPEC section 6)
    synthetic_only: ClassVar[bool] = False
    evaluation_only: ClassVar[bool] = False
    #: JSON Schema (an object schema) of the ``with:`` parameters; defaults under "default".
    parameters: ClassVar[Mapping[str, Any]] = {}
    doc: ClassVar[RuleDoc] = RuleDoc(summary="")
    #: "document" rules run per document; "post" rules run after all others (waivers).
    phase: ClassVar[str] = "document"
    #: rules whose findings are produced by loaders or the engine, not by check()
    engine_managed: ClassVar[bool] = False
    #: rules that only make sense in diff mode (SPEC section 11)
    diff_only: ClassVar[bool] = False
    plugin: ClassVar[str] = "synthgov"
    #: regulation clauses a finding of this rule is evidence for (e.g. "EU AI Act Art.
    #: 10(2)(b)"); the builtin:eu-ai-act pack takes them from here, the catalog lists them
    references: ClassVar[tuple[str, ...]] = ()

    def check(self, doc: Document, ctx: RuleContext) -> Iterable[Issue]:
        return iter(())

    @classmethod
    def parameter_defaults(cls) -> dict[str, Any]:
        props = cls.parameters.get("properties", {}) if cls.parameters else {}
        return {k: v["default"] for k, v in props.items() if "default" in v}

    def evaluate_findings(self, findings: Sequence[Finding], ctx: PostContext) -> PostResult:
        """A post rule's entry point: the findings of every other rule -> new issues and the
        indices of the findings it waives (see :mod:`synthgov.engine.post`)."""
        raise NotImplementedError(f"post rule {self.id} does not implement evaluate_findings")


def walk(data: Any, pointer: Pointer = ()) -> Iterator[tuple[Pointer, Any]]:
    """Every (pointer, value) pair in plain JSON data, depth first."""
    yield pointer, data
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from walk(value, (*pointer, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from walk(value, (*pointer, index))
