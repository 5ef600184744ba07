"""SG201-SG207: model diversity ("model inbreeding") across cards, pipelines and the registry.

Roles come from :mod:`synthgov.lineage.roles`; relatedness from the model registry under
``settings.diversity.compare``. Every message tells the whole chain in words, names both
models and what they share, and gives the ``file:line`` of the far end of the chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
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
    DataUse,
    ModelUse,
    PipelineRoles,
    card_checkers,
    card_generation_uses,
    comparator,
    generators,
    pipeline_roles,
)

Hit = tuple[ModelUse, frozenset[str]]


def _related(cmp: Comparator, use: ModelUse, others: Iterable[ModelUse]) -> list[Hit]:
    """The uses among ``others`` related to ``use``, with what they share."""
    hits: list[Hit] = []
    for other in others:
        shared = cmp.shared(use, other)
        if shared:
            hits.append((other, shared))
    return hits


def _also(hits: Sequence[Hit]) -> str:
    """'; also related: m (file:line), ...' for the hits after the first."""
    rest: list[str] = []
    for other, _ in hits[1:]:
        text = f"{other.model} ({other.where})"
        if text not in rest:
            rest.append(text)
    return f"; also related: {', '.join(rest)}" if rest else ""


def _nodes(*groups: Iterable[str | None]) -> tuple[str, ...]:
    out: list[str] = []
    for group in groups:
        for node in group:
            if node and node not in out:
                out.append(node)
    return tuple(out)


def _unique_inputs(inputs: Iterable[DataUse]) -> list[DataUse]:
    seen: set[str] = set()
    out = []
    for data in inputs:
        if data.dataset not in seen:
            seen.add(data.dataset)
            out.append(data)
    return out


def _roles(doc: Document, ctx: RuleContext) -> PipelineRoles | None:
    return pipeline_roles(ctx.graph, doc)


class JudgeOwnData(Rule):
    id = "SG201"
    name = "judge-own-data"
    # Art. 10(2)(f): examination for possible biases, also where outputs feed future inputs
    references = ("EU AI Act Art. 10(2)(f)",)
    severity = Severity.ERROR
    kinds = frozenset({DATASET_CARD, PIPELINE})
    doc = RuleDoc(
        summary="A judge or filter model is related to a generator of the data it judges or "
        "filters.",
        description=(
            "A model rates text in its own style higher (self-preference), so a judge or filter "
            "of the same lineage as a generator of the data passes what it would have written "
            "and its scores are inflated. On a card: `validation.judge.model` and generation "
            "uses of role judge or filter, against the card's generators and the pipeline "
            "`generate` stages that output the dataset. On a pipeline: the model of each "
            "`evaluate` (or `filter`) stage against the generators of that stage's inputs. "
            "`settings.diversity.compare: provider` compares providers instead of lineages."
        ),
        bad=(
            "generation:\n  - {model: Qwen/Qwen2.5-7B-Instruct, role: generator}\n"
            "validation:\n  judge: {model: Qwen/Qwen2.5-72B-Instruct}\n"
        ),
        good=(
            "generation:\n  - {model: Qwen/Qwen2.5-7B-Instruct, role: generator}\n"
            "validation:\n  judge: {model: claude-3-5-sonnet-20240620}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        cmp = comparator(ctx)
        graph = ctx.graph
        if doc.kind == DATASET_CARD:
            if not doc.id:
                return
            gens = generators(graph, doc.id)
            for checker in card_checkers(graph, doc):
                hits = _related(cmp, checker, gens)
                if hits:
                    yield self._issue(cmp, checker, hits, doc.id, "the data it", None)
            return
        roles = _roles(doc, ctx)
        if roles is None:
            return
        for check in (*roles.judges, *roles.filters):
            what = "the evaluation data it" if check.model.role == "judge" else "the data it"
            for data in _unique_inputs(check.inputs):
                hits = _related(cmp, check.model, generators(graph, data.dataset))
                if hits:
                    yield self._issue(cmp, check.model, hits, data.dataset, what, roles)

    def _issue(
        self,
        cmp: Comparator,
        checker: ModelUse,
        hits: Sequence[Hit],
        dataset: str,
        what: str,
        roles: PipelineRoles | None,
    ) -> Issue:
        gen, shared = hits[0]
        verb = "judges" if checker.role == "judge" else "filters"
        who = f"{checker.role} {checker.model}"
        where = f" in pipeline {roles.pipeline}" if roles else ""
        message = (
            f"{who} {cmp.phrase(shared)} with {gen.model}, which {gen.produced(dataset)}, "
            f"{what} {verb}{where} ({gen.where}){_also(hits)}"
        )
        return Issue(
            checker.pointer,
            message,
            f"use a {checker.role} of a lineage that generated none of {dataset}, "
            "or waive this finding with a reason",
            value=f"{checker.model}|{gen.model}|{dataset}",
            related=_nodes(
                checker.nodes(),
                [dataset_node(dataset)],
                *(g.nodes() for g, _ in hits),
            ),
        )


class TrainEvalSameLineage(Rule):
    id = "SG202"
    name = "train-eval-same-lineage"
    # Art. 10(2)(f): examination for possible biases, also where outputs feed future inputs
    references = ("EU AI Act Art. 10(2)(f)",)
    severity = Severity.ERROR
    kinds = frozenset({PIPELINE})
    doc = RuleDoc(
        summary="A pipeline's evaluation data and training data come from related generators.",
        description=(
            "When one lineage writes both the training data and the test set, the test set "
            "shares the training data's style, phrasing and blind spots, and scores overstate "
            "how well the model generalises. Training data are the inputs of `train` stages, "
            "evaluation data the inputs of `evaluate` stages; a dataset's generators are its "
            "card's generation uses of role generator or paraphraser and the pipeline "
            "`generate` stages that output it. The finding points at the evaluation input."
        ),
        bad=(
            "stages:\n  - {id: gen-train, type: generate, model: gpt-4o-2024-08-06, "
            "outputs: [train-set]}\n  - {id: gen-eval, type: generate, "
            "model: gpt-4o-mini-2024-07-18, outputs: [eval-set]}\n"
            "  - {id: train, type: train, inputs: [train-set]}\n"
            "  - {id: judge, type: evaluate, model: gemini-1.5-pro-002, inputs: [eval-set]}\n"
        ),
        good=(
            "stages:\n  - {id: gen-train, type: generate, model: gpt-4o-2024-08-06, "
            "outputs: [train-set]}\n  - {id: gen-eval, type: generate, "
            "model: claude-3-5-sonnet-20240620, outputs: [eval-set]}\n"
            "  - {id: train, type: train, inputs: [train-set]}\n"
            "  - {id: judge, type: evaluate, model: gemini-1.5-pro-002, inputs: [eval-set]}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        roles = _roles(doc, ctx)
        if roles is None:
            return
        cmp = comparator(ctx)
        graph = ctx.graph
        training = _unique_inputs(roles.training)
        for data in roles.evaluation:
            for train in training:
                found = _first_pair(cmp, graph, data.dataset, train.dataset)
                if found is None:
                    continue
                eval_gen, train_gen, shared, more = found
                message = (
                    f"evaluation data {data.dataset} was "
                    f"{eval_gen.verb} by {eval_gen.model} ({eval_gen.where}), which "
                    f"{cmp.phrase(shared)} with {train_gen.model}, which "
                    f"{train_gen.produced(train.dataset)}, the training data of pipeline "
                    f"{roles.pipeline} ({train_gen.where})"
                    + (f"; {more} more related generator pair(s)" if more else "")
                )
                yield Issue(
                    data.pointer,
                    message,
                    "generate the evaluation data with a model of another lineage than the "
                    "training-data generators",
                    value=f"{data.dataset}|{train.dataset}",
                    related=_nodes(
                        [data.node, data.stage_node, train.stage_node, train.node],
                        eval_gen.nodes(),
                        train_gen.nodes(),
                    ),
                )


def _first_pair(
    cmp: Comparator, graph: LineageGraph, left: str, right: str
) -> tuple[ModelUse, ModelUse, frozenset[str], int] | None:
    """The first related (generator of left, generator of right) pair, and how many more."""
    first: tuple[ModelUse, ModelUse, frozenset[str]] | None = None
    more = 0
    for a in generators(graph, left):
        for b in generators(graph, right):
            shared = cmp.shared(a, b)
            if not shared:
                continue
            if first is None:
                first = (a, b, shared)
            else:
                more += 1
    return None if first is None else (*first, more)


class JudgeTrainedStyle(Rule):
    id = "SG203"
    name = "judge-trained-style"
    # Art. 10(2)(f): examination for possible biases, also where outputs feed future inputs
    references = ("EU AI Act Art. 10(2)(f)",)
    severity = Severity.ERROR
    kinds = frozenset({PIPELINE})
    doc = RuleDoc(
        summary="A pipeline's judge is related to a generator of its training data.",
        description=(
            "A judge prefers its own lineage's style. If that lineage also wrote the training "
            "data, the primary model learned exactly the style the judge rewards, and judged "
            "scores rise without any real improvement. Judges are the models of `evaluate` "
            "stages; training data the inputs of `train` stages. The finding points at the "
            "judge."
        ),
        bad=(
            "stages:\n  - {id: gen, type: generate, model: gpt-4o-2024-05-13, "
            "outputs: [train-set]}\n  - {id: train, type: train, inputs: [train-set]}\n"
            "  - {id: judge, type: evaluate, model: gpt-4o-2024-08-06, inputs: [eval-set]}\n"
        ),
        good=(
            "stages:\n  - {id: gen, type: generate, model: gpt-4o-2024-05-13, "
            "outputs: [train-set]}\n  - {id: train, type: train, inputs: [train-set]}\n"
            "  - {id: judge, type: evaluate, model: claude-3-5-sonnet-20240620, "
            "inputs: [eval-set]}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        roles = _roles(doc, ctx)
        if roles is None:
            return
        cmp = comparator(ctx)
        for check in roles.judges:
            judge = check.model
            for train in _unique_inputs(roles.training):
                hits = _related(cmp, judge, generators(ctx.graph, train.dataset))
                if not hits:
                    continue
                gen, shared = hits[0]
                message = (
                    f"judge {judge.model} {cmp.phrase(shared)} with "
                    f"{gen.model}, which {gen.produced(train.dataset)}, the training data of "
                    f"pipeline {roles.pipeline} ({gen.where}){_also(hits)}"
                )
                yield Issue(
                    judge.pointer,
                    message,
                    "judge with a model of another lineage than every generator of the "
                    "training data",
                    value=f"{judge.model}|{gen.model}|{train.dataset}",
                    related=_nodes(
                        judge.nodes(),
                        [train.stage_node, train.node],
                        *(g.nodes() for g, _ in hits),
                    ),
                )


class SelfJudging(Rule):
    id = "SG204"
    name = "self-judging"
    # Art. 10(2)(f): examination for possible biases, also where outputs feed future inputs
    references = ("EU AI Act Art. 10(2)(f)",)
    severity = Severity.ERROR
    kinds = frozenset({PIPELINE})
    doc = RuleDoc(
        summary="A pipeline's judge is related to the primary model's base.",
        description=(
            "A judge of the primary model's own lineage grades answers that sound like itself "
            "and shares its base model's errors, so it cannot catch them. Judges are the models "
            "of `evaluate` stages; the base is `primary_model.base`. The finding points at the "
            "judge."
        ),
        bad=(
            "primary_model:\n  id: acme/bot\n  base: {id: meta-llama/Llama-3.1-8B-Instruct, "
            "revision: 0e9e39f2}\nstages:\n  - {id: judge, type: evaluate, "
            "model: {id: meta-llama/Llama-3.1-70B-Instruct, revision: 945c8663}, "
            "inputs: [eval-set]}\n"
        ),
        good=(
            "primary_model:\n  id: acme/bot\n  base: {id: meta-llama/Llama-3.1-8B-Instruct, "
            "revision: 0e9e39f2}\nstages:\n  - {id: judge, type: evaluate, "
            "model: gemini-1.5-pro-002, inputs: [eval-set]}\n"
        ),
    )

    def check(self, doc: Document, ctx: RuleContext) -> Iterator[Issue]:
        roles = _roles(doc, ctx)
        if roles is None or roles.base is None:
            return
        cmp = comparator(ctx)
        base = roles.base
        for check in roles.judges:
            judge = check.model
            shared = cmp.shared(judge, base)
            if not shared:
                continue
            primary = f" {roles.primary}" if roles.primary else ""
            message = (
                f"judge {judge.model} {cmp.phrase(shared)} with "
                f"{base.model}, the base of pipeline {roles.pipeline}'s primary model{primary} "
                f"({base.where}): the model is graded by its own kind"
            )
            yield Issue(
                judge.pointer,
                message,
                "judge with a model of another lineage than the primary model's base",
                value=f"{judge.model}|{base.model}",
                related=_nodes(judge.nodes(), [base.node, roles.node]),
            )


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
        members: dict[str, list[int]] = {}
        for i, use in enumerate(uses):
            for group in cmp.groups(use):
                members.setdefault(group, []).append(i)
        # families contributed by the same uses are one finding ("lineages hermes and llama")
        found: dict[tuple[int, ...], list[str]] = {}
        for group, idx in sorted(members.items()):
            if len(idx) < len(uses) and not total:
                continue
            share = 1.0 if len(idx) == len(uses) else sum(rows[i] or 0 for i in idx) / total
            if share > max_share:
                found.setdefault(tuple(idx), []).append(group)
        for ids, groups in sorted(found.items()):
            what = "provider" if cmp.compare == "provider" else "lineage"
            names = groups[0] if len(groups) == 1 else " and ".join(groups)
            label = f"{what}{'s' if len(groups) > 1 else ''} {names}"
            models = ", ".join(dict.fromkeys(uses[i].model for i in ids))
            if len(ids) == len(uses):
                share_text = "100%"
                amount = f"all {total:g} synthetic rows" if total else "all synthetic rows"
            else:
                produced = sum(rows[i] or 0 for i in ids)
                share_text = f"{produced / total:.0%}"
                amount = f"{produced:g} of {total:g} synthetic rows ({share_text})"
            first = uses[ids[0]]
            yield Issue(
                tuple(first.pointer[:-1]) if first.pointer[-1:] == ("model",) else first.pointer,
                f"{label} produced {amount} of dataset {doc.id} (through {models}), more "
                f"than max_share {max_share:.0%}",
                "add generators of other lineages (and their rows), or raise max_share for "
                "this dataset in the policy",
                value=f"{names}:{share_text}",
                related=_nodes([dataset_node(doc.id or "")], *(uses[i].nodes() for i in idx)),
            )


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
                how += f" ({edge.doc.path}:{edge.doc.position(edge.pointer).line})"
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
        roles = _roles(doc, ctx)
        if roles is None or roles.base is None:
            return
        cmp = comparator(ctx)
        base = roles.base
        primary = f" {roles.primary}" if roles.primary else ""
        for train in roles.training:
            hits = _related(cmp, base, generators(ctx.graph, train.dataset))
            if not hits:
                continue
            gen, shared = hits[0]
            message = (
                f"training data {train.dataset} was {gen.verb} by "
                f"{gen.model} ({gen.where}), which {cmp.phrase(shared)} with {base.model}, "
                f"the base of pipeline {roles.pipeline}'s primary model{primary} "
                f"({base.where}): the model learns from its own lineage's outputs" + _also(hits)
            )
            yield Issue(
                train.pointer,
                message,
                "generate the training data with a model of another lineage than the base, or "
                "waive this finding with the reason for the distillation",
                value=f"{train.dataset}|{gen.model}|{base.model}",
                related=_nodes(
                    [train.node, train.stage_node, roles.node, base.node],
                    *(g.nodes() for g, _ in hits),
                ),
            )


RULES = [
    JudgeOwnData,
    TrainEvalSameLineage,
    JudgeTrainedStyle,
    SelfJudging,
    GeneratorConcentration,
    SyntheticDepth,
    SelfDistillation,
]
