"""Generation uses from PROV in a Croissant file: which models did what to the data.

PROV activities come first: what an activity does gives the role (:func:`activity_role`:
generation, paraphrase, filtering, annotation, judging) and its times the date; each model
agent (``prov:wasAssociatedWith``, ``prov:isAssociatedWith``, ``prov:wasAttributedTo``; a
``prov:SoftwareAgent`` or a label naming a model) becomes a use with that role. Agents named
without an activity count only when their label names a model; people, organisations and
tools are not model uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from synthgov.core.lazyre import LazyRegex
from synthgov.core.types import Pointer, Position
from synthgov.loaders.adapting import Mapped, as_strings, iso_date
from synthgov.loaders.croissant_scopes import agents_index, scopes
from synthgov.loaders.croissant_terms import first_of, listed, term_keys

__all__ = ["activity_role", "map_generation"]

_Index = Mapping[str, tuple[Pointer, Mapping[str, Any]]]
_AGENT_TERMS = (
    "prov:wasAssociatedWith",
    "prov:isAssociatedWith",
    "prov:wasAttributedTo",
    "wasAssociatedWith",
)
_LONE_AGENT_TERMS = ("prov:wasAttributedTo", "prov:wasAssociatedWith", "prov:isAssociatedWith")

# an agent label that names a model (family tokens) or a generator
_MODEL_LABEL = LazyRegex(
    r"gpt|claude|llama|mistral|mixtral|gemini|gemma|qwen|phi-?\d|deepseek|falcon|command-?r|"
    r"nemotron|\bt5\b|\bllm\b|generator|language model|\bmodel\b|/",
    re.I,
)


# what a PROV activity does, from its words (first match wins)
_ACTIVITY_ROLES = (
    (LazyRegex(r"judg|\brat(e|ing)\b|\bscor|evaluat|\bgrad(e|ing)\b", re.I), "judge"),
    (
        LazyRegex(
            r"filter|remov|moderat|de-?identif|anonymi|redact|dedup|detox|toxic|\bpii\b|clean",
            re.I,
        ),
        "filter",
    ),
    (LazyRegex(r"label|annotat|classif", re.I), "labeler"),
    (LazyRegex(r"paraphras|rewrit|translat", re.I), "paraphraser"),
    (LazyRegex(r"generat|synthes|distill|augment|simulat", re.I), "generator"),
)


def map_generation(
    data: Mapping[str, Any], positions: Mapping[Pointer, Position], out: Mapped
) -> None:
    """Generation uses from PROV: activities first (what they do gives the role, their
    times the date), then agents named without an activity (only when they name a model)."""
    index = agents_index(data)
    uses = _Uses(out, positions, index)
    places = list(scopes(data))
    for activity_pointer, activity in _activities(places, index):
        role = activity_role(activity)
        for pointer, agent in _agents(activity, activity_pointer, _AGENT_TERMS):
            uses.add(pointer, agent, activity, role)
    for scope_pointer, scope in places:
        for pointer, agent in _agents(scope, scope_pointer, _LONE_AGENT_TERMS):
            uses.add(pointer, agent, None, "generator")


def _activities(
    places: list[tuple[Pointer, Mapping[str, Any]]], index: _Index
) -> Iterator[tuple[Pointer, Mapping[str, Any]]]:
    """The PROV activities (``prov:wasGeneratedBy``) of every scope, references resolved."""
    for scope_pointer, scope in places:
        key = term_keys(scope).get("prov:wasGeneratedBy")
        if key is None:
            continue
        for pointer, activity in listed(scope[key], (*scope_pointer, key)):
            if isinstance(activity, str):
                resolved = index.get(activity)
                activity = None if resolved is None else resolved[1]
            if isinstance(activity, Mapping):
                yield pointer, activity


def _agents(
    node: Mapping[str, Any], pointer: Pointer, wanted: tuple[str, ...]
) -> Iterator[tuple[Pointer, Any]]:
    """(pointer, agent) of each agent ``node`` names under the ``wanted`` terms, in order."""
    names = term_keys(node)
    for name in wanted:
        key = names.get(name)
        if key is not None:
            yield from listed(node[key], (*pointer, key))


def activity_role(activity: Mapping[str, Any]) -> str | None:
    """What a PROV activity does, from its id, type, label and description: ``generator``,
    ``paraphraser``, ``filter``, ``labeler`` or ``judge``; None when it says none of these
    (collection, conversion, publication: their tools are not model uses)."""
    act = term_keys(activity)
    words = " ".join(
        str(activity[act[k]])
        for k in ("@id", "@type", "prov:label", "name", "prov:description", "description")
        if k in act and isinstance(activity[act[k]], str)
    )
    for pattern, role in _ACTIVITY_ROLES:
        if pattern.search(words):
            return role
    return None


class _Uses:
    """The generation uses found so far, written into ``out`` (each model once)."""

    def __init__(self, out: Mapped, positions: Mapping[Pointer, Position], index: _Index) -> None:
        self.out = out
        self.positions = positions
        self.index = index
        self.seen: set[str] = set()

    def add(
        self, pointer: Pointer, agent: Any, activity: Mapping[str, Any] | None, role: str | None
    ) -> None:
        """A use of ``agent`` (a mapping or an ``@id`` reference) if it is a model."""
        found = _resolve_agent(agent, self.index)
        if found is None:
            return
        node, names = found
        label = first_of(node, names, "prov:label", "name", "@id")
        if label is None or not isinstance(label[1], str) or not label[1].strip():
            return
        model = label[1].strip()
        role = _use_role(node, names, model, activity, role)
        if role is None or model in self.seen:
            return
        self.seen.add(model)
        written = pointer if isinstance(agent, str) else (*pointer, label[0])
        at = self.positions.get(written) or self.positions.get(pointer)
        k = self.out.append(("generation",), _use(model, role, activity), at)
        self.out.put(("generation", k, "model"), model, at)
        self.out.positions.setdefault(("generation",), at or Position(1, 1))


def _resolve_agent(agent: Any, index: _Index) -> tuple[Mapping[str, Any], dict[str, str]] | None:
    """The agent node (and its term keys) that ``agent`` is or refers to: an ``@id`` string or
    a bare ``{"@id": ...}`` is looked up in ``index``; None when it names nothing."""
    if isinstance(agent, str):
        resolved = index.get(agent)
        if resolved is None:
            return None
        agent = resolved[1]
    if not isinstance(agent, Mapping):
        return None
    names = term_keys(agent)
    if len(agent) == 1 and "@id" in names:  # a bare reference: resolve it
        resolved = index.get(str(agent[names["@id"]]))
        if resolved is None:
            return None
        agent, names = resolved[1], term_keys(resolved[1])
    return agent, names


def _use_role(
    agent: Mapping[str, Any],
    names: dict[str, str],
    model: str,
    activity: Mapping[str, Any] | None,
    role: str | None,
) -> str | None:
    """The role of the agent labelled ``model`` in ``activity``, or None: not a model use."""
    if activity is None or role is None:
        # a tool, a person or an organisation named without what it did is not a model use
        return (role or "generator") if _MODEL_LABEL.search(model) else None
    types = " ".join(t for _, t in as_strings(agent.get(names.get("@type", "@type")))).lower()
    if "softwareagent" in types or _MODEL_LABEL.search(model):
        return role
    return None  # a person or an organisation: not a model use


def _use(model: str, role: str, activity: Mapping[str, Any] | None) -> dict[str, Any]:
    """The native generation use, dated by the activity's end (else start) time."""
    use: dict[str, Any] = {"model": model, "role": role}
    if activity is not None:
        when = first_of(activity, term_keys(activity), "prov:endedAtTime", "prov:startedAtTime")
        date = iso_date(when[1]) if when is not None else None
        if date:
            use["date"] = date
    return use
