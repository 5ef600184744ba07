"""Model ids as providers and routers write them: normalisation, routes, pinning, hints.

A model reference may name the model directly (``gpt-4o-2024-08-06``,
``meta-llama/Llama-3.1-70B-Instruct``) or through a route: a LiteLLM-style client prefix
(``openai/gpt-4o``, ``bedrock/...``, ``azure/<deployment>``, ``fireworks_ai/...``), a
router (``openrouter/anthropic/claude-3.5-sonnet``), a cloud resource path
(``accounts/fireworks/models/...``, ``projects/.../models/...``) or a fine-tune
(``ft:gpt-4o-mini-2024-07-18:acme::abc123``). :func:`parse` reduces each to the normalised
id the registry patterns match, and remembers the route, because what pins a model depends on
where it is served: a Hub repository by a 40-hex commit sha, a Bedrock id by its ``-vN:M``
version, an API alias by a dated snapshot, a host's name by nothing at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from synthgov.core.lazyre import LazyRegex

# Router / cloud prefixes that never name a model publisher (LiteLLM and similar clients).
SERVICE_PREFIXES = frozenset(
    {
        "litellm_proxy",
        "bedrock",
        "bedrock_converse",
        "vertex_ai",
        "vertex_ai_beta",
        "azure",
        "azure_ai",
        "together_ai",
        "fireworks_ai",
        "groq",
        "deepinfra",
        "ollama",
        "ollama_chat",
        "anyscale",
        "hosted_vllm",
        "huggingface",
        "text-completion-openai",
        "sagemaker",
        "watsonx",
        "cerebras",
        "sambanova",
        "nvidia_nim",
        "perplexity",
        "databricks",
    }
)
ROUTER_PREFIX = "openrouter"
# Vendor prefixes that are API routes, not Hub organisations holding these models: stripped.
_VENDOR_PREFIXES = frozenset(
    {"anthropic", "gemini", "mistral", "cohere", "cohere_chat", "xai", "x-ai", "deepseek"}
)
# Prefixes that are both routing vendors and Hub organisations: stripped only when the id
# without them is a known model and the id with them is not (``meta-llama/...`` stays).
_AMBIGUOUS_PREFIXES = frozenset(
    {
        "openai",
        "google",
        "mistralai",
        "meta-llama",
        "meta",
        "qwen",
        "microsoft",
        "nvidia",
        "deepseek-ai",
        "cohereforai",
        "coherelabs",
        "01-ai",
        "tiiuae",
        "nousresearch",
        "allenai",
        "alibaba",
        "amazon",
        "moonshotai",
        "z-ai",
        "zai-org",
        "ibm-granite",
    }
)
# Stripped even when neither form is known (no Hub org publishes API models under it).
_STRIP_WHEN_UNSURE = frozenset({"openai"})

_RESOURCE_PATH = re.compile(r"^(?:projects/[^/]+/locations/[^/]+/)?(?:publishers/[^/]+/)?models/")
_FIREWORKS_PATH = re.compile(r"^accounts/[^/]+/models/")
_ROUTER_SUFFIX = re.compile(r":(?:free|beta|thinking|extended|nitro|floor|online)$")
_BEDROCK = re.compile(
    r"^(?:(?:us|eu|apac|us-gov|global|jp|au|ca)\.)?"
    r"(?P<vendor>anthropic|meta|mistral|cohere|amazon|ai21|deepseek|qwen|openai|writer)"
    r"\.(?P<rest>.+)$"
)
_BEDROCK_LEGACY_CLAUDE = LazyRegex(
    r"^claude-(?P<instant>instant-)?v(?P<major>\d)(?::(?P<minor>\d))?$"
)
_BEDROCK_MISTRAL_VERSION = LazyRegex(r"-v0:(\d)$")
_BEDROCK_SUFFIX = LazyRegex(r"-v\d+(?::\d+)?$")
_FIREWORKS_VERSION = LazyRegex(r"(?<=[a-z])-?v(\d+)p(\d+)")  # llama-v3p1 -> llama-3.1
_FIREWORKS_DOT = LazyRegex(r"(?<=\d)p(?=\d)")  # qwen2p5 -> qwen2.5
_UNDERSCORE_VERSION = LazyRegex(r"(?<=\d)_(?=\d)")  # Llama-3_3-Nemotron -> llama-3.3-nemotron
COMMIT_SHA = LazyRegex(r"^[0-9a-f]{40}$")
_HEX = LazyRegex(r"^[0-9a-f]{7,39}$")
MOVING_REVISIONS = frozenset({"main", "master", "head", "latest"})

# Date-like suffixes of a snapshot id. Full dates are checked for a plausible month and day;
# four digits count as MMDD (OpenAI -0613) or YYMM (Mistral -2407) only for ids a registry
# entry knows, never for unknown ids (an unknown "-2048" is a context length, not a date).
_FULL_DATE = re.compile(r"-(20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])$")
_SHORT_DATE = re.compile(r"-(\d\d)(\d\d)$")
_MONTH_YEAR = re.compile(r"-(0[1-9]|1[0-2])-(20\d\d)$")  # Cohere command-r-08-2024
_NUMBERED = re.compile(r"-00\d$")  # Gemini -001, -002


@dataclass(frozen=True)
class ParsedId:
    """A model id taken apart: what the registry matches and how the id was routed."""

    normalized: str
    revision: str | None = None  # Hub ``org/name@rev``
    route: str | None = None  # bedrock, azure, openrouter, fireworks_ai, openai, vertex_ai, ...
    versioned: bool = False  # the route's own version pin (Bedrock -vN:M, Vertex @date)
    fine_tune_of: str | None = None  # OpenAI ``ft:<base>:...``: the base model id


def normalize(model_id: str, is_known: Callable[[str], bool] | None = None) -> str:
    """Normalised form of a model id: lower-case, routing prefixes and suffixes removed.

    Without ``is_known`` only unambiguous routing is removed (plus ``openai/``); with it,
    a prefix that may also be a Hub organisation (``google/``, ``mistralai/``...) is removed
    only when the id without it is known and the id with it is not.
    """
    return parse(model_id, is_known).normalized


def parse(model_id: str, is_known: Callable[[str], bool] | None = None) -> ParsedId:
    """Take a model id apart (see :class:`ParsedId`)."""
    text = _RESOURCE_PATH.sub("", model_id.strip().lower())
    text, route = _strip_services(text)
    if _FIREWORKS_PATH.match(text):
        text = _FIREWORKS_PATH.sub("", text)
        route = route or "fireworks_ai"
    text = _RESOURCE_PATH.sub("", text)
    if text.startswith("ft:"):  # OpenAI fine-tune: ft:<base>:<org>:<suffix>:<id>
        base = text[3:].split(":", 1)[0]
        inner = parse(base, is_known)
        return ParsedId(inner.normalized, None, "openai", False, base)
    text = _ROUTER_SUFFIX.sub("", text)
    if route == "fireworks_ai":
        text = _FIREWORKS_DOT.sub(".", _FIREWORKS_VERSION.sub(r"-\1.\2", text))
    name, at, suffix = text.rpartition("@")
    if not at:
        name, suffix = text, ""
    name, vendor_route = _strip_vendor(name, is_known, route == ROUTER_PREFIX)
    route = route or vendor_route
    if "_" in name:  # most ids have none: skip the expression
        name = _UNDERSCORE_VERSION.sub(".", name)
    if "/" in name:
        return ParsedId(name, suffix or None, route)
    versioned = False
    if suffix:  # Vertex AI: claude-3-5-sonnet@20240620 -> claude-3-5-sonnet-20240620
        name = f"{name}-{suffix}"
        versioned = True
    bedrock = _from_bedrock(name)
    if bedrock is not None:
        name, bedrock_versioned = bedrock
        return ParsedId(name, None, route or "bedrock", bedrock_versioned)
    return ParsedId(name, None, route, versioned)


def _strip_services(text: str) -> tuple[str, str | None]:
    route: str | None = None
    while True:
        head, sep, rest = text.partition("/")
        if not sep or not rest:
            return text, route
        if head != ROUTER_PREFIX and head not in SERVICE_PREFIXES:
            return text, route
        route = route or _canonical_route(head)
        text = rest


def _canonical_route(head: str) -> str:
    if head.startswith("bedrock"):
        return "bedrock"
    if head.startswith("vertex_ai"):
        return "vertex_ai"
    if head.startswith("ollama"):
        return "ollama"
    return head


def _strip_vendor(
    text: str, is_known: Callable[[str], bool] | None, via_router: bool
) -> tuple[str, str | None]:
    """(id without a vendor prefix, the vendor when one was removed)."""
    head, sep, rest = text.partition("/")
    if not sep or not rest or "/" in rest:
        return text, None
    if head in _VENDOR_PREFIXES:
        return rest, head
    if not via_router and head not in _AMBIGUOUS_PREFIXES:
        return text, None
    strip_when_unsure = via_router or head in _STRIP_WHEN_UNSURE
    if is_known is None:
        return (rest, head) if strip_when_unsure else (text, None)
    if is_known(text):
        return text, None
    return (rest, head) if strip_when_unsure or is_known(rest) else (text, None)


def _from_bedrock(text: str) -> tuple[str, bool] | None:
    """(model id, whether the Bedrock id carries its -vN:M version), or None."""
    found = _BEDROCK.match(text)
    if found is None:
        return None
    vendor, rest = found.group("vendor"), found.group("rest")
    legacy = _BEDROCK_LEGACY_CLAUDE.match(rest)
    if legacy is not None:
        prefix = "claude-instant-" if legacy.group("instant") else "claude-"
        minor = legacy.group("minor")
        return f"{prefix}{legacy.group('major')}" + (f".{minor}" if minor else ""), True
    versioned = _BEDROCK_SUFFIX.search(rest) is not None or (
        _BEDROCK_MISTRAL_VERSION.search(rest) is not None
    )
    rest = _BEDROCK_MISTRAL_VERSION.sub(r"-v0.\1", rest)
    rest = _BEDROCK_SUFFIX.sub("", rest)
    if vendor == "deepseek" and not rest.startswith("deepseek"):
        rest = f"deepseek-{rest}"  # deepseek.r1-v1:0 -> deepseek-r1
    return rest, versioned


# --------------------------------------------------------------------------- pinning


def snapshot_kind(normalized: str, known: bool) -> str | None:
    """ "dated snapshot" / "versioned snapshot" when the id ends like one, else None."""
    if _FULL_DATE.search(normalized):
        return "dated snapshot"
    if not known:
        return None
    if _NUMBERED.search(normalized):
        return "versioned snapshot"
    if _MONTH_YEAR.search(normalized):
        return "dated snapshot"
    short = _SHORT_DATE.search(normalized)
    if short is not None:
        a, b = int(short.group(1)), int(short.group(2))
        if (1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12):  # MMDD or YYMM
            return "dated snapshot"
    return None


def hub_revision_status(revision: str | None) -> tuple[bool, str]:
    """Whether a Hub revision pins the repository: only a full commit sha does."""
    if revision is None:
        return False, "Hub id without revision"
    rev = revision.strip().lower()
    if COMMIT_SHA.match(rev):
        return True, f"Hub id pinned to commit {rev}"
    if rev in MOVING_REVISIONS:
        return False, f"Hub id with moving revision {revision!r}"
    if _HEX.match(rev):
        return False, f"Hub revision {revision!r} is an abbreviated sha (give all 40 hex digits)"
    return False, f"Hub revision {revision!r} is a branch or tag name, not a 40-hex commit sha"


# What pins a model served through a route, as a hint the user can follow.
ROUTE_HINTS: dict[str, str] = {
    "bedrock": (
        "use a versioned Bedrock model id ending in -vN:M "
        "(e.g. bedrock/meta.llama3-1-70b-instruct-v1:0)"
    ),
    "azure": (
        "an Azure deployment name does not say which model version it serves: write the model "
        "and version the deployment runs (e.g. azure/gpt-4o-2024-08-06) and turn off automatic "
        "version upgrades on the deployment"
    ),
    "azure_ai": (
        "write the model and version the Azure AI deployment runs and turn off automatic "
        "version upgrades on the deployment"
    ),
    "openrouter": (
        "OpenRouter passes the provider's id on: use the provider's dated snapshot in the slug "
        "(e.g. openrouter/openai/gpt-4o-2024-08-06)"
    ),
    "vertex_ai": "use a versioned Vertex AI id (model@YYYYMMDD or a -00N version)",
}
# Hosts that serve open weights under their own names (what a name serves can change).
HOSTS = frozenset(
    {
        "together_ai",
        "fireworks_ai",
        "groq",
        "deepinfra",
        "ollama",
        "anyscale",
        "hosted_vllm",
        "huggingface",
        "sagemaker",
        "watsonx",
        "cerebras",
        "sambanova",
        "nvidia_nim",
        "perplexity",
        "databricks",
    }
)
HOSTED_HINT = (
    "{route} can change what a model name serves: record the weights it serves as a Hugging "
    "Face repository pinned to a commit (model: {{id: <org/name>, revision: <40-hex sha>}}), "
    "or waive this finding with the host's version on record"
)
HUB_HINT = "pin the repository: model: {{id: {id}, revision: <40-hex commit sha>}}"


def pin_hint(parsed: ParsedId, written: str, alias_of: str | None, known: bool = True) -> str:
    """How to pin a reference that is not pinned: a step that can be followed."""
    route = parsed.route
    if "/" in parsed.normalized and route is None:
        return HUB_HINT.format(id=written.split("@", 1)[0])
    if alias_of:
        target = alias_of
        if route in ("openai", "anthropic", "gemini", "mistral", "xai", "deepseek", "azure"):
            target = f"{route}/{alias_of}"
        text = f"use the snapshot {target} instead of the moving alias"
        extra = ROUTE_HINTS.get(route or "")
        return f"{text}; {extra}" if extra and route not in ("openai", "azure") else text
    if route in ROUTE_HINTS:
        return ROUTE_HINTS[route]
    if route in HOSTS:
        return HOSTED_HINT.format(route=route)
    if not known:
        return (
            "name a dated snapshot of the model, or add a models: entry in synthgov.yaml "
            "saying whether this id is pinned"
        )
    return "use a dated snapshot instead of the moving alias (see `synthgov models <id>`)"
