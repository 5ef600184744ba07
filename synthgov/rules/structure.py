"""SG001-SG006: structure and references."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from synthgov.core.types import (
    DATASET_CARD,
    DOCUMENT_KINDS,
    PIPELINE,
    Document,
    Issue,
    Rule,
    RuleDoc,
)
from synthgov.engine.context import RuleContext


class ParseError(Rule):
    id = "SG001"
    name = "parse-error"
    # Art. 10: the records that the governance practices of Art. 10(2) rest on
    references = ("EU AI Act Art. 10(2)",)
    kinds = frozenset({"*"})
    engine_managed = True
    doc = RuleDoc(
        summary="A file that a loader claims cannot be parsed.",
        hint="fix the file at this position; nothing else in it is checked until it parses",
        description=(
            "Raised while reading a file: invalid YAML or JSON, text that is not UTF-8, a file "
            "larger than the size limit, nesting deeper than the depth limit, an alias bomb, or "
            "a YAML tag that would construct a program object. Nothing in the file is checked "
            "further, so fix this first."
        ),
        bad="apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: faq\n",
        good="apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {id: faq}\n",
    )


class SchemaViolation(Rule):
    id = "SG002"
    name = "schema-violation"
    # Art. 10: the records that the governance practices of Art. 10(2) rest on
    references = ("EU AI Act Art. 10(2)",)
    kinds = frozenset({"*"})
    doc = RuleDoc(
        summary="A document breaks its JSON Schema.",
        description=(
            "One finding per schema error, at the path of the error. Unknown keys are "
            "violations so that typos are caught (`licence:` for `license:`); keys that start "
            "with `x-` are allowed anywhere for extensions. Print a schema with "
            "`synthgov schema DatasetCard`."
        ),
        bad="metadata:\n  id: faq\n  licence: cc-by-4.0\n",
        good="metadata:\n  id: faq\n  license: cc-by-4.0\n",
    )

    def __init__(self) -> None:
        self._validators: dict[str, Any] = {}

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        if not doc.native:
            return
        if doc.kind not in DOCUMENT_KINDS:
            yield Issue(
                ("kind",),
                f"unknown kind {doc.data.get('kind')!r}: expected DatasetCard or Pipeline",
                "set kind: DatasetCard or kind: Pipeline",
                value=doc.data.get("kind"),
            )
            return
        from synthgov.policy.schemacheck import iter_schema_errors

        for err in iter_schema_errors(self._validator(doc.kind), doc.data):
            hint = (
                "remove or rename the key; prefix extension keys with x-"
                if err.keyword == "additionalProperties"
                else f"see `synthgov schema {doc.kind}`"
            )
            yield Issue(err.pointer, err.message, hint, value=doc.get(err.pointer))

    def _validator(self, kind: str) -> Any:
        if kind not in self._validators:
            from synthgov.core import resources
            from synthgov.policy.schemacheck import compile_schema

            self._validators[kind] = compile_schema(resources.schema(kind), lazy=True)
        return self._validators[kind]


class DuplicateKey(Rule):
    id = "SG003"
    name = "duplicate-key"
    # Art. 10: the records that the governance practices of Art. 10(2) rest on
    references = ("EU AI Act Art. 10(2)",)
    kinds = frozenset({"*"})
    engine_managed = True
    doc = RuleDoc(
        summary="A mapping repeats a key.",
        hint="keep one of the two keys: YAML parsers silently drop the first value",
        description=(
            "YAML parsers silently keep the last of two equal keys, so one of the values is "
            "lost without a word. The finding points at the repeated key."
        ),
        bad="metadata:\n  license: mit\n  license: proprietary\n",
        good="metadata:\n  license: mit\n",
    )


def dataset_references(doc: Document) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every (pointer, dataset id) a document names as a dataset."""
    data = doc.data
    if doc.kind == DATASET_CARD:
        for i, src in enumerate(_list(data.get("sources"))):
            if isinstance(src, Mapping) and isinstance(src.get("dataset"), str):
                yield ("sources", i, "dataset"), src["dataset"]
        for i, check in enumerate(_list(doc.get(("validation", "contamination")))):
            if not isinstance(check, Mapping):
                continue
            against = check.get("against")
            if isinstance(against, str):
                yield ("validation", "contamination", i, "against"), against
            for j, ds in enumerate(_list(against)):
                if isinstance(ds, str):
                    yield ("validation", "contamination", i, "against", j), ds
    elif doc.kind == PIPELINE:
        for i, stage in enumerate(_list(data.get("stages"))):
            if not isinstance(stage, Mapping):
                continue
            for key in ("inputs", "outputs"):
                value = stage.get(key)
                if isinstance(value, str):
                    yield ("stages", i, key), value
                for j, ds in enumerate(_list(value)):
                    if isinstance(ds, str):
                        yield ("stages", i, key, j), ds


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


class UnresolvedReference(Rule):
    id = "SG004"
    name = "unresolved-reference"
    # Art. 10: a dataset named as a source or stage input must be documented: origin of data
    references = ("EU AI Act Art. 10(2)(b)",)
    doc = RuleDoc(
        summary="A dataset id in sources, inputs, outputs or contamination names no card.",
        description=(
            "Lineage is only as good as its links: every dataset a card draws on, every stage "
            "input and output, and every dataset a contamination check compares against must be "
            "a card in the repository (by `metadata.id`). External data belongs in `sources` "
            "with `name`, `url` and `license` instead of `dataset`."
        ),
        bad="sources:\n  - {dataset: tickets-2023}   # no card has this id\n",
        good="sources:\n  - {dataset: tickets-2024}   # datasets/tickets/card.yaml\n",
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        for pointer, ds_id in dataset_references(doc):
            if ctx.card(ds_id) is None:
                yield Issue(
                    pointer,
                    f"dataset {ds_id!r} names no dataset card in this repository",
                    "add a card with this metadata.id, fix the id, or describe external data "
                    "with name/url/license instead of dataset",
                    value=ds_id,
                )


class DuplicateId(Rule):
    id = "SG005"
    name = "duplicate-id"
    # Art. 10: the records that the governance practices of Art. 10(2) rest on
    references = ("EU AI Act Art. 10(2)",)
    doc = RuleDoc(
        summary="Two documents declare the same id.",
        description=(
            "Ids link cards and pipelines into the lineage graph; two documents with one id "
            "make every link to it ambiguous. Each copy is reported, naming the other."
        ),
        bad="# datasets/a/card.yaml and datasets/b/card.yaml both say\nmetadata: {id: faq}\n",
        good="metadata: {id: faq-v2}\n",
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        if not doc.id:
            return
        same = ctx.by_id.get(doc.id, [])
        if len(same) < 2:
            return
        others = [o for o in same if o is not doc]
        where = ", ".join(f"{o.path}:{o.position(('metadata', 'id')).line}" for o in others[:3])
        yield Issue(
            ("metadata", "id"),
            f"id {doc.id!r} is also declared by {where}",
            "give every card and pipeline its own metadata.id",
            value=doc.id,
        )


class LineageCycle(Rule):
    id = "SG006"
    name = "lineage-cycle"
    # Art. 10: the records that the governance practices of Art. 10(2) rest on
    references = ("EU AI Act Art. 10(2)(b)",)
    doc = RuleDoc(
        summary="The lineage graph has a cycle.",
        description=(
            "A dataset cannot be derived from itself, directly or through other datasets or "
            "pipeline stages. The finding points at each declaration that closes the loop."
        ),
        bad="# a.yaml: sources: [{dataset: b}]\n# b.yaml: sources: [{dataset: a}]\n",
        good=(
            "# a.yaml: sources: [{dataset: b}]\n# b.yaml: sources: [{name: crawl, license: mit}]\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        if not doc.id:
            return
        for edge in ctx.graph.cycle_edges():
            if edge.doc is not doc:
                continue
            src = edge.src.split(":", 1)[1]
            dst = edge.dst.split(":", 1)[1]
            yield Issue(
                edge.pointer,
                f"lineage cycle: {dst} derives from {src}, which derives back from {dst}",
                "break the loop: a dataset cannot be its own ancestor",
                value=f"{src}->{dst}",
                related=(edge.src, edge.dst),
            )


RULES = [ParseError, SchemaViolation, DuplicateKey, UnresolvedReference, DuplicateId, LineageCycle]
