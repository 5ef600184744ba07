"""SG201-SG204: model diversity ("model inbreeding") across cards, pipelines and the registry.

Roles come from :mod:`synthgov.lineage.roles`; relatedness from the model registry under
``settings.diversity.compare``. Every message tells the whole chain in words, names both
models and what they share, and gives the ``file:line`` of the far end of the chain. The
judges and evaluators are compared with the generators here; the sources of a dataset's
rows (concentration, depth, self-distillation) are in :mod:`synthgov.rules.diversity_data`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from synthgov.core.types import (
    DATASET_CARD,
    PIPELINE,
    Document,
    Issue,
    Rule,
    RuleDoc,
    Severity,
)
from synthgov.engine.context import RuleContext
from synthgov.lineage.graph import LineageGraph, dataset_node
from synthgov.lineage.roles import (
    Comparator,
    DataUse,
    ModelUse,
    PipelineRoles,
    card_checkers,
    comparator,
    generators,
    pipeline_roles,
)
from synthgov.rules.evidence import Hit, also_related, graph_nodes, related_uses


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
                hits = related_uses(cmp, checker, gens)
                if hits:
                    yield self._issue(cmp, checker, hits, doc.id, "the data it", None)
            return
        roles = _roles(doc, ctx)
        if roles is None:
            return
        for check in (*roles.judges, *roles.filters):
            what = "the evaluation data it" if check.model.role == "judge" else "the data it"
            for data in _unique_inputs(check.inputs):
                hits = related_uses(cmp, check.model, generators(graph, data.dataset))
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
            f"{what} {verb}{where} ({gen.where}){also_related(hits)}"
        )
        return Issue(
            checker.pointer,
            message,
            f"use a {checker.role} of a lineage that generated none of {dataset}, "
            "or waive this finding with a reason",
            value=f"{checker.model}|{gen.model}|{dataset}",
            related=graph_nodes(
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
                    related=graph_nodes(
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
                hits = related_uses(cmp, judge, generators(ctx.graph, train.dataset))
                if not hits:
                    continue
                gen, shared = hits[0]
                message = (
                    f"judge {judge.model} {cmp.phrase(shared)} with "
                    f"{gen.model}, which {gen.produced(train.dataset)}, the training data of "
                    f"pipeline {roles.pipeline} ({gen.where}){also_related(hits)}"
                )
                yield Issue(
                    judge.pointer,
                    message,
                    "judge with a model of another lineage than every generator of the "
                    "training data",
                    value=f"{judge.model}|{gen.model}|{train.dataset}",
                    related=graph_nodes(
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
                related=graph_nodes(judge.nodes(), [base.node, roles.node]),
            )


RULES = [JudgeOwnData, TrainEvalSameLineage, JudgeTrainedStyle, SelfJudging]
