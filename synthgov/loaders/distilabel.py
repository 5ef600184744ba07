"""distilabel serialized pipelines (``pipeline.yaml``), any version (SPEC section 3.4).

distilabel dumps ``{distilabel: {version}, pipeline: {name, description, steps: [{step: {...,
llm: {..., type_info: {module, name}}, type_info: {module, name}}, name}], connections}}``.
Module paths changed between versions (``distilabel.llm.openai``, ``distilabel.llms.openai``,
``distilabel.models.llms.openai``; ``distilabel.steps.task.*``, ``distilabel.steps.tasks.*``),
so only class names (``type_info.name``) are matched.

Each step with an ``llm`` becomes a native Pipeline stage:

* ``id``: the step name; ``type``: from the task class (:func:`stage_type`): generation tasks
  are ``generate``, rating and judging tasks (UltraFeedback, PrometheusEval, scorers, ...)
  are ``evaluate``, classification and labelling tasks are ``label``, filters ``filter``;
* ``model``: the model id from ``llm.model``, ``model_id``, ``tokenizer_id``,
  ``endpoint_name`` or ``model_path`` (first present), with ``revision`` when the LLM records
  one, and ``provider`` when the LLM class is a vendor's own API client used at the vendor's
  address (``OpenAILLM`` -> openai, ``AnthropicLLM`` -> anthropic, ...);
* ``x-distilabel``: the task and LLM class names and the generation kwargs.

Steps without an LLM (loaders, pushers, formatters) are not stages. The pipeline id is
``<folder>-distilabel`` (the dataset repository the file was pushed to), so it cannot clash
with the card of that dataset; ``pipeline.name`` becomes ``metadata.name``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from synthgov.core.lazyre import LazyRegex
from synthgov.core.types import PIPELINE, FileProblem, LoadResult, Pointer, Position
from synthgov.loaders.adapting import Mapped, folder_name
from synthgov.repo.parsing.limits import Limits

NAME = "distilabel"
_TOP_KEY = LazyRegex(rb"^distilabel[ \t]*:", re.M)
_PIPELINE_KEY = LazyRegex(rb"^pipeline[ \t]*:", re.M)
MODEL_KEYS = ("model", "model_id", "tokenizer_id", "endpoint_name", "model_path")

# task class name -> stage type, for the tasks distilabel ships
KNOWN_TASKS = {
    "UltraFeedback": "evaluate",
    "PrometheusEval": "evaluate",
    "QualityScorer": "evaluate",
    "ComplexityScorer": "evaluate",
    "InstructionComplexityScorer": "evaluate",
    "PairRM": "evaluate",
    "RewardModelScore": "evaluate",
    "MathShepherdCompleter": "label",
    "TextClassification": "label",
    "ArgillaLabeller": "label",
    "APIGenSemanticChecker": "filter",
    "CLAIR": "generate",
}
_TYPE_PATTERNS = (
    (LazyRegex(r"Judge|Eval|Scor|Rat(e|ing)|Reward|Critic|Feedback|Preference|Rank"), "evaluate"),
    (LazyRegex(r"Label|Classif|Annotat|Tagg"), "label"),
    (LazyRegex(r"Filter|Checker|Dedup"), "filter"),
)
# vendor API clients: (provider, a fragment of the vendor's default address)
VENDOR_LLMS = {
    "OpenAILLM": ("openai", "api.openai.com"),
    "AzureOpenAILLM": ("openai", "openai.azure.com"),
    "AnthropicLLM": ("anthropic", "anthropic.com"),
    "MistralLLM": ("mistral", "mistral.ai"),
    "CohereLLM": ("cohere", "cohere"),
    "VertexAILLM": ("google", "googleapis.com"),
    "GeminiLLM": ("google", "googleapis.com"),
}


def stage_type(task_class: str) -> str:
    """The native stage type of a distilabel task class name."""
    known = KNOWN_TASKS.get(task_class)
    if known is not None:
        return known
    for pattern, kind in _TYPE_PATTERNS:
        if pattern.search(task_class):
            return kind
    return "generate"


class DistilabelLoader:
    name = NAME
    suffixes = (".yaml", ".yml")  # the files discovery offers this loader

    def sniff(self, path: str, head: bytes) -> bool:
        return (
            path.lower().endswith((".yaml", ".yml"))
            and _TOP_KEY.search(head) is not None
            and _PIPELINE_KEY.search(head) is not None
        )

    def classify(self, path: str, data: Any) -> bool:
        """Claim parsed YAML with top-level ``distilabel`` and ``pipeline`` keys, however
        they were written (quoted, flow style, after a long comment)."""
        return (
            path.lower().endswith((".yaml", ".yml"))
            and isinstance(data, Mapping)
            and "distilabel" in data
            and "pipeline" in data
        )

    def load(self, path: str, raw: bytes, display_path: str, limits: Limits) -> LoadResult:
        from synthgov.loaders.native import to_document
        from synthgov.repo.parsing.safeyaml import load_yaml

        parsed = load_yaml(raw, limits)
        problems = tuple(parsed.problems)
        if not parsed.ok:
            return LoadResult((), problems)
        data = parsed.data
        pipeline = data.get("pipeline") if isinstance(data, Mapping) else None
        if not isinstance(pipeline, Mapping):
            at = parsed.positions.get(("pipeline",), Position(1, 1))
            problem = FileProblem(
                "SG001",
                "not a distilabel pipeline: expected a `pipeline:` mapping with `steps`",
                at.line,
                at.column,
            )
            return LoadResult((), (*problems, problem))
        mapped = map_pipeline(data, parsed.positions, path)
        return to_document(
            mapped.data,
            mapped.positions,
            path,
            display_path,
            problems,
            source_format=NAME,
            native=False,
        )


def _class_name(node: Any) -> str:
    info = node.get("type_info") if isinstance(node, Mapping) else None
    name = info.get("name") if isinstance(info, Mapping) else None
    return name if isinstance(name, str) else ""


def map_pipeline(
    data: Mapping[str, Any], positions: Mapping[Pointer, Position], path: str
) -> Mapped:
    pipeline = data["pipeline"]
    out = Mapped(PIPELINE, positions.get(()))
    out.put(("metadata",), {}, positions.get(("pipeline",)))
    out.put(("metadata", "id"), f"{folder_name(path)}-distilabel", positions.get(("pipeline",)))
    for key in ("name", "description"):
        value = pipeline.get(key)
        if isinstance(value, str) and value.strip():
            out.put(("metadata", key), value.strip(), positions.get(("pipeline", key)))
    version = data.get("distilabel")
    if isinstance(version, Mapping):
        version = version.get("version")
    out.put(("x-distilabel",), {"version": str(version) if version is not None else None})
    out.put(("stages",), [], positions.get(("pipeline", "steps")))
    steps = pipeline.get("steps")
    for i, item in enumerate(steps if isinstance(steps, list) else []):
        step = item.get("step") if isinstance(item, Mapping) else None
        if not isinstance(step, Mapping) or not isinstance(step.get("llm"), Mapping):
            continue
        _map_step(out, positions, ("pipeline", "steps", i, "step"), step, item)
    if card_beside(path):
        # distilabel pushes README.md and pipeline.yaml to the same dataset repository: every
        # step with a model wrote (or rated) that dataset, whose card id is the folder name
        dataset = folder_name(path)
        for k in range(len(out.data["stages"])):
            out.put(("stages", k, "outputs"), [dataset], out.positions.get(("stages", k)))
    return out


def card_beside(path: str) -> bool:
    """Whether a Hugging Face card (README.md with front matter) sits beside the pipeline."""
    try:
        with open(os.path.join(os.path.dirname(path), "README.md"), "rb") as handle:
            head = handle.read(64)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"---")


def _map_step(
    out: Mapped,
    positions: Mapping[Pointer, Position],
    base: Pointer,
    step: Mapping[str, Any],
    item: Mapping[str, Any],
) -> None:
    llm = step["llm"]
    llm_ptr = (*base, "llm")
    name = step.get("name") if isinstance(step.get("name"), str) else item.get("name")
    task = _class_name(step)
    llm_class = _class_name(llm)
    k = len(out.data["stages"])
    stage_ptr: Pointer = ("stages", k)
    out.put(stage_ptr, {}, positions.get(base[:-1]) or positions.get(base))
    out.put((*stage_ptr, "id"), str(name or f"step-{k + 1}"), positions.get((*base, "name")))
    out.put((*stage_ptr, "type"), stage_type(task), positions.get((*base, "type_info", "name")))
    ref, ref_key = model_ref(llm, llm_class)
    if ref is not None and ref_key is not None:
        out.put((*stage_ptr, "model"), ref, positions.get((*llm_ptr, ref_key)))
        if isinstance(ref, dict):
            out.positions[(*stage_ptr, "model", "id")] = positions.get(
                (*llm_ptr, ref_key)
            ) or Position(1, 1)
    extra: dict[str, Any] = {"task": task, "llm": llm_class}
    kwargs = llm.get("generation_kwargs")
    if isinstance(kwargs, Mapping) and kwargs:
        extra["generation_kwargs"] = dict(kwargs)
    for key in ("num_generations", "group_generations"):
        if key in step:
            extra[key] = step[key]
    out.put((*stage_ptr, "x-distilabel"), extra, positions.get(base))


def model_ref(llm: Mapping[str, Any], llm_class: str) -> tuple[Any, str | None]:
    """The native model reference of an LLM block and the key it came from."""
    key = next(
        (k for k in MODEL_KEYS if isinstance(llm.get(k), str) and llm[k].strip()),
        None,
    )
    if key is None:
        return None, None
    model_id = llm[key].strip()
    ref: dict[str, Any] = {"id": model_id}
    revision = llm.get("revision")
    if isinstance(revision, str) and revision.strip():
        ref["revision"] = revision.strip()
    vendor = VENDOR_LLMS.get(llm_class)
    if vendor is not None:
        base_url = llm.get("base_url") or llm.get("endpoint") or ""
        if not isinstance(base_url, str) or not base_url or vendor[1] in base_url:
            ref["provider"] = vendor[0]
    return (ref if len(ref) > 1 else model_id), key
