"""SG205-SG207: model diversity of where the data comes from.

How much of a dataset one lineage wrote (SG205), how many generations of synthetic data
lie under it (SG206), and whether a model is trained on its own lineage's outputs (SG207).
The comparisons between judges, evaluators and generators are in
:mod:`synthgov.rules.diversity`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from synthgov.core.types import (
    DATASET_CARD,
    PIPELINE,
    Document,
    Issue,
    Pointer,
    Rule,
    RuleDoc,
    Severity,
)
from synthgov.engine.context import RuleContext
from synthgov.lineage.graph import OUTPUT, SOURCE, Edge, LineageGraph, dataset_node
from synthgov.lineage.roles import (
    Comparator,
    ModelUse,
    card_generation_uses,
    comparator,
    generators,
    pipeline_roles,
)
from synthgov.rules.evidence import also_related, at, graph_nodes, related_uses


class GeneratorConcentration(Rule):
    id = "SG205"
    name = "generator-concentration"
    # Art. 10(2)(f): examination for possible biases, also where outputs feed future inputs
    references = ("EU AI Act Art. 10(2)(f)",)
    severity = Severity.INFO
    kinds = frozenset({DATASET_CARD})
    synthetic_only = True
    parameters = {
        "type": "object",
        "properties": {
            "max_share": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "default": 0.8,
                "description": "Largest share of the synthetic rows one lineage may produce.",
            }
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary="One lineage produced more than `max_share` of a dataset's synthetic rows.",
        description=(
            "Data from a single lineage carries that lineage's style, topics and biases; mixing "
            "generators of different lineages makes the data more diverse. Shares are computed "
            "from the `rows` of the card's generation uses of role generator or paraphraser, "
            "compared with the synthetic rows (`composition`); when every such use is of one "
            "lineage, that lineage produced all of them. A model derived from others counts for "
            "each lineage it belongs to. Info by default: a signal, not a defect."
        ),
        bad=(
            "composition: {total_rows: 2000, synthetic_rows: 2000}\ngeneration:\n"
            "  - {model: gpt-4o-2024-08-06, role: generator, rows: 1800}\n"
            "  - {model: claude-3-5-sonnet-20240620, role: generator, rows: 200}\n"
        ),
        good=(
            "composition: {total_rows: 2000, synthetic_rows: 2000}\ngeneration:\n"
            "  - {model: gpt-4o-2024-08-06, role: generator, rows: 1000}\n"
            "  - {model: claude-3-5-sonnet-20240620, role: generator, rows: 1000}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        uses = card_generation_uses(ctx.graph, doc)
        if not uses:
            return
        cmp = comparator(ctx)
        max_share = float(ctx.params.get("max_share", 0.8))
        rows = [u.rows if _count(u.rows) else None for u in uses]
        declared = _synthetic_rows(doc)
        total = declared if declared else sum(r for r in rows if r is not None)
        over = _over_share(_group_members(uses, cmp), rows, total, max_share)
        what = "provider" if cmp.compare == "provider" else "lineage"
        for ids, groups in sorted(over.items()):
            names = groups[0] if len(groups) == 1 else " and ".join(groups)
            label = f"{what}{'s' if len(groups) > 1 else ''} {names}"
            models = ", ".join(dict.fromkeys(uses[i].model for i in ids))
            share_text, amount = _amount(ids, rows, total)
            first = uses[ids[0]]
            yield Issue(
                tuple(first.pointer[:-1]) if first.pointer[-1:] == ("model",) else first.pointer,
                f"{label} produced {amount} of dataset {doc.id} (through {models}), more "
                f"than max_share {max_share:.0%}",
                "add generators of other lineages (and their rows), or raise max_share for "
                "this dataset in the policy",
                value=f"{names}:{share_text}",
                related=graph_nodes([dataset_node(doc.id or "")], *(uses[i].nodes() for i in ids)),
            )


def _group_members(uses: Sequence[ModelUse], cmp: Comparator) -> dict[str, list[int]]:
    """Lineage (or provider) -> the indexes of the uses that belong to it."""
    members: dict[str, list[int]] = {}
    for i, use in enumerate(uses):
        for group in cmp.groups(use):
            members.setdefault(group, []).append(i)
    return members


def _over_share(
    members: dict[str, list[int]], rows: list[Any], total: float, max_share: float
) -> dict[tuple[int, ...], list[str]]:
    """The groups whose share of the rows exceeds ``max_share``, keyed by their uses: groups
    contributed by the same uses are one finding ("lineages hermes and llama")."""
    found: dict[tuple[int, ...], list[str]] = {}
    for group, idx in sorted(members.items()):
        everything = len(idx) == len(rows)
        if not everything and not total:
            continue  # a partial share of an unknown number of rows
        share = 1.0 if everything else sum(rows[i] or 0 for i in idx) / total
        if share > max_share:
            found.setdefault(tuple(idx), []).append(group)
    return found


def _amount(ids: tuple[int, ...], rows: list[Any], total: float) -> tuple[str, str]:
    """(the share as a percentage, how much of the rows the uses ``ids`` produced)."""
    if len(ids) == len(rows):
        return "100%", f"all {total:g} synthetic rows" if total else "all synthetic rows"
    produced = sum(rows[i] or 0 for i in ids)
    share_text = f"{produced / total:.0%}"
    return share_text, f"{produced:g} of {total:g} synthetic rows ({share_text})"


def _count(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def _synthetic_rows(doc: Document) -> float | None:
    rows = doc.get(("composition", "synthetic_rows"))
    if _count(rows) and rows > 0:
        return float(rows)
    frac = doc.get(("composition", "synthetic_fraction"))
    total = doc.get(("composition", "total_rows"))
    if _count(frac) and frac > 0 and _count(total) and total > 0:
        return float(frac) * float(total)
    return None


class SyntheticDepth(Rule):
    id = "SG206"
    name = "synthetic-depth"
    # Art. 10(2)(f): examination for possible biases, also where outputs feed future inputs
    references = ("EU AI Act Art. 10(2)(f)",)
    severity = Severity.WARNING
    kinds = frozenset({DATASET_CARD})
    synthetic_only = True
    parameters = {
        "type": "object",
        "properties": {
            "max_depth": {
                "type": "integer",
                "minimum": 0,
                "default": 2,
                "description": "Largest synthetic depth allowed (real data is 0).",
            }
        },
        "additionalProperties": False,
    }
    doc = RuleDoc(
        summary="Synthetic depth exceeds `max_depth`.",
        description=(
            "Models trained on the outputs of models trained on model outputs lose the tails "
            "of the real distribution (model collapse). A dataset's synthetic depth is 0 for "
            "real data and 1 + the largest depth among its sources for synthetic data; sources "
            "are `sources[].dataset` and the inputs of the pipeline stages that output the "
            "dataset. The finding points at the source through which the depth grows and "
            "spells out the chain (its first five steps; the rest of a longer chain is "
            "counted)."
        ),
        bad=(
            "# tickets (real) -> gen1 -> gen2 -> gen3\nmetadata: {id: gen3}\n"
            "sources: [{dataset: gen2}]\ngeneration: [{model: gpt-4o-2024-08-06}]\n"
        ),
        good=(
            "# tickets (real) -> gen1 -> gen2\nmetadata: {id: gen3}\n"
            "sources: [{dataset: tickets}]\ngeneration: [{model: gpt-4o-2024-08-06}]\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        if not doc.id:
            return
        graph = ctx.graph
        max_depth = int(ctx.params.get("max_depth", 2))
        me = dataset_node(doc.id)
        depth = graph.synthetic_depth(me)
        if depth <= max_depth:
            return
        chain = _deepest_chain(graph, me, MAX_CHAIN_STEPS)
        if not chain:
            return
        steps: list[str] = []
        related: list[str] = [me]
        for parent, edge in chain:
            name = parent.split(":", 1)[1]
            parent_depth = graph.synthetic_depth(parent)
            how = ""
            if edge.kind == OUTPUT:
                stage = edge.src.split(":", 1)[1]
                how = f" by stage {stage.partition('/')[2]} of pipeline {stage.partition('/')[0]}"
                how += f" ({at(edge.doc, edge.pointer)})"
                related.append(edge.src)
            state = "real data" if parent_depth == 0 else f"depth {parent_depth}"
            steps.append(f"generated from {name} ({state}){how}")
            related.append(parent)
        message = (
            f"synthetic depth {depth} exceeds max_depth {max_depth}: {doc.id} was "
            + ", which was ".join(steps)
        )
        rest = graph.synthetic_depth(chain[-1][0])
        if len(chain) == MAX_CHAIN_STEPS and rest > 0:
            # the message stays short however long the chain: a 6,000-card chain would
            # otherwise spell 6,000 steps in each of its 6,000 findings
            message += f", and so on through {rest:,} more generation(s) down to real data"
        yield Issue(
            _source_pointer(doc, chain[0]),
            message,
            "generate from real data or a shallower source, or raise max_depth for this dataset",
            value=f"{doc.id}:{depth}",
            related=tuple(dict.fromkeys(related)),
        )


#: SG206 spells out at most this many steps of the chain (and counts the rest)
MAX_CHAIN_STEPS = 5


def _deepest_chain(graph: LineageGraph, start: str, limit: int) -> list[tuple[str, Edge]]:
    """(parent, edge) steps from ``start`` through its deepest parent towards real data, at
    most ``limit`` of them (each finding then costs the same, however long the chain)."""
    chain: list[tuple[str, Edge]] = []
    seen = {start}
    current = start
    while graph.synthetic_depth(current) > 0 and len(chain) < limit:
        options = [(p, e) for p, e in graph.derivations_into(current) if p not in seen]
        if not options:
            break
        parent, edge = min(options, key=lambda pe: (-graph.synthetic_depth(pe[0]), pe[0]))
        chain.append((parent, edge))
        seen.add(parent)
        current = parent
    return chain


def _source_pointer(doc: Document, step: tuple[str, Edge]) -> Pointer:
    parent, edge = step
    if edge.kind == SOURCE and edge.doc is doc:
        return edge.pointer
    sources = doc.data.get("sources")
    if isinstance(sources, list):
        name = parent.split(":", 1)[1]
        for i, src in enumerate(sources):
            if isinstance(src, dict) and src.get("dataset") == name:
                return ("sources", i, "dataset")
    return ("metadata", "id")


class SelfDistillation(Rule):
    id = "SG207"
    name = "self-distillation"
    # Art. 10(2)(f): examination for possible biases, also where outputs feed future inputs
    references = ("EU AI Act Art. 10(2)(f)",)
    severity = Severity.WARNING
    kinds = frozenset({PIPELINE})
    doc = RuleDoc(
        summary="Training data generated by a model related to the primary model's base.",
        description=(
            "Training a model on data written by its own lineage (a Llama 3.1 8B base trained "
            "on Llama 3.1 405B outputs) reinforces what the lineage already does, errors "
            "included, and adds little new signal. Deliberate distillation is legitimate: "
            "waive the finding on the pipeline with a reason. Training data are the inputs of "
            "`train` stages; the finding points at the input."
        ),
        bad=(
            "primary_model:\n  id: acme/bot\n  base: {id: meta-llama/Llama-3.1-8B-Instruct, "
            "revision: 0e9e39f2}\nstages:\n  - {id: gen, type: generate, model: "
            "{id: meta-llama/Llama-3.1-405B-Instruct, revision: be673f3}, outputs: [train-set]}\n"
            "  - {id: train, type: train, inputs: [train-set]}\n"
        ),
        good=(
            "primary_model:\n  id: acme/bot\n  base: {id: meta-llama/Llama-3.1-8B-Instruct, "
            "revision: 0e9e39f2}\nstages:\n  - {id: gen, type: generate, model: "
            "claude-3-5-sonnet-20240620, outputs: [train-set]}\n"
            "  - {id: train, type: train, inputs: [train-set]}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        roles = pipeline_roles(ctx.graph, doc)
        if roles is None or roles.base is None:
            return
        cmp = comparator(ctx)
        base = roles.base
        primary = f" {roles.primary}" if roles.primary else ""
        for train in roles.training:
            hits = related_uses(cmp, base, generators(ctx.graph, train.dataset))
            if not hits:
                continue
            gen, shared = hits[0]
            message = (
                f"training data {train.dataset} was {gen.verb} by "
                f"{gen.model} ({gen.where}), which {cmp.phrase(shared)} with {base.model}, "
                f"the base of pipeline {roles.pipeline}'s primary model{primary} "
                f"({base.where}): the model learns from its own lineage's outputs"
                + also_related(hits)
            )
            yield Issue(
                train.pointer,
                message,
                "generate the training data with a model of another lineage than the base, or "
                "waive this finding with the reason for the distillation",
                value=f"{train.dataset}|{gen.model}|{base.model}",
                related=graph_nodes(
                    [train.node, train.stage_node, roles.node, base.node],
                    *(g.nodes() for g, _ in hits),
                ),
            )


RULES = [GeneratorConcentration, SyntheticDepth, SelfDistillation]
