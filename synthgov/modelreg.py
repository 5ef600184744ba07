"""Model registry: which provider and family a model id belongs to, its lineage, whether the id
is pinned, and the terms that govern its outputs (SPEC sections 3.1 and 4).

The built-in data lives in ``synthgov/data/models.yaml`` (its header documents the format).
Nothing here does I/O except :meth:`ModelRegistry.builtin`, which reads that packaged file.
A registry is immutable once built; :meth:`ModelRegistry.extended` returns a new one with
config or plugin entries placed before the existing ones.

Typical use::

    registry = ModelRegistry.builtin().extended(config.get("models", []))
    info = registry.resolve("gpt-4o")            # or {"id": ..., "revision": ...}
    info.pinned, info.pin_reason                 # False, "moving alias (alias of ...)"
    registry.related(info, registry.resolve("o1"), compare="provider")  # frozenset({"openai"})
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from synthgov.lazyre import LazyRegex

FORMAT_VERSION = 1
OUTPUTS_TRAINING = ("allowed", "conditional", "restricted")
UNKNOWN_PROVIDER = "unknown"
UNKNOWN_FAMILY_PREFIX = "unknown:"
COMPARE_MODES = ("lineage", "provider")

_ENTRY_KEYS = frozenset(
    {"match", "provider", "family", "derived_from", "pinned", "alias_of", "terms", "note"}
)
_TERMS_KEYS = frozenset({"name", "outputs_training", "conditions", "source", "read_on", "evidence"})
_FAMILY_KEYS = frozenset({"provider", "description", "derived_from"})
_CACHE_LIMIT = 100_000


class RegistryError(ValueError):
    """Invalid registry data (built-in file, config ``models:`` or a plugin)."""


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class Terms:
    """Whether a provider's terms let its outputs train other models, with the source."""

    id: str
    name: str
    outputs_training: str  # allowed | conditional | restricted
    conditions: str
    source: str  # URL
    read_on: str  # YYYY-MM-DD
    evidence: str = ""  # verified | secondary | unverified


@dataclass(frozen=True)
class Family:
    """A model family: its provider and the families it derives from."""

    id: str
    provider: str
    description: str = ""
    derived_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelEntry:
    """A registry entry: the ids it matches and what they resolve to."""

    patterns: tuple[LazyPattern, ...]
    provider: str
    family: str
    derived_from: tuple[str, ...] = ()
    pinned: bool | None = None  # None: decided from the id (date suffix)
    terms: str | None = None
    source: str = "builtin"
    alias_of: str | None = None
    note: str = ""

    def matches(self, normalized: str) -> bool:
        return any(p.search(normalized) for p in self.patterns)


@dataclass(frozen=True)
class ModelInfo:
    """A model reference resolved against the registry."""

    id: str  # as written
    normalized: str
    known: bool
    provider: str  # "unknown" when neither the registry nor the reference says
    family: str  # "unknown:<normalized id>" for unknown models (their own lineage)
    lineage: frozenset[str]
    pinned: bool
    pin_reason: str
    terms: Terms | None
    revision: str | None = None
    providers: frozenset[str] = frozenset()  # providers of every family in the lineage
    entry_source: str | None = None  # "builtin", "config", ...; None when no entry matched


# --------------------------------------------------------------------------- normalisation

# Router / cloud prefixes that never name a model publisher (LiteLLM and similar clients).
_SERVICE_PREFIXES = frozenset(
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
_ROUTER_PREFIX = "openrouter"
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
    }
)
# Stripped even when neither form is known (no Hub org publishes API models under it).
_STRIP_WHEN_UNSURE = frozenset({"openai"})

_RESOURCE_PATH = re.compile(r"^(?:projects/[^/]+/locations/[^/]+/)?(?:publishers/[^/]+/)?models/")
_ROUTER_SUFFIX = re.compile(r":(?:free|beta|thinking|extended|nitro|floor|online)$")
_BEDROCK = re.compile(
    r"^(?:(?:us|eu|apac|us-gov|global|jp|au|ca)\.)?"
    r"(?:anthropic|meta|mistral|cohere|amazon|ai21|deepseek|qwen|openai|writer)\.(?P<rest>.+)$"
)
_BEDROCK_LEGACY_CLAUDE = LazyRegex(
    r"^claude-(?P<instant>instant-)?v(?P<major>\d)(?::(?P<minor>\d))?$"
)
_BEDROCK_MISTRAL_VERSION = LazyRegex(r"-v0:(\d)$")
_BEDROCK_SUFFIX = LazyRegex(r"-v\d+(?::\d+)?$")
_DATED = re.compile(r"(?:-\d{4}-\d{2}-\d{2}|-\d{8}|-\d{4}|-\d{2}-\d{4}|-00\d)$")
_MOVING_REVISIONS = frozenset({"main", "master", "head", "latest"})


def normalize(model_id: str, is_known: Callable[[str], bool] | None = None) -> str:
    """Normalised form of a model id: lower-case, routing prefixes and suffixes removed.

    Without ``is_known`` only unambiguous routing is removed (plus ``openai/``); with it,
    a prefix that may also be a Hub organisation (``google/``, ``mistralai/``...) is removed
    only when the id without it is known and the id with it is not.
    """
    return _split(model_id, is_known)[0]


def _split(model_id: str, is_known: Callable[[str], bool] | None) -> tuple[str, str | None]:
    """(normalised id, revision given as ``org/name@rev`` or None)."""
    text = _RESOURCE_PATH.sub("", model_id.strip().lower())
    text, via_router = _strip_services(text)
    text = _ROUTER_SUFFIX.sub("", text)
    name, at, suffix = text.rpartition("@")
    if not at:
        name, suffix = text, ""
    name = _strip_vendor(name, is_known, via_router)
    if "/" in name:
        return name, (suffix or None)
    if suffix:  # Vertex AI: claude-3-5-sonnet@20240620 -> claude-3-5-sonnet-20240620
        name = f"{name}-{suffix}"
    return _from_bedrock(name), None


def _strip_services(text: str) -> tuple[str, bool]:
    via_router = False
    while True:
        head, sep, rest = text.partition("/")
        if not sep or not rest:
            return text, via_router
        if head == _ROUTER_PREFIX:
            via_router = True
        elif head not in _SERVICE_PREFIXES:
            return text, via_router
        text = rest


def _strip_vendor(text: str, is_known: Callable[[str], bool] | None, via_router: bool) -> str:
    head, sep, rest = text.partition("/")
    if not sep or not rest or "/" in rest:
        return text
    if head in _VENDOR_PREFIXES:
        return rest
    if not via_router and head not in _AMBIGUOUS_PREFIXES:
        return text
    strip_when_unsure = via_router or head in _STRIP_WHEN_UNSURE
    if is_known is None:
        return rest if strip_when_unsure else text
    if is_known(text):
        return text
    return rest if strip_when_unsure or is_known(rest) else text


def _from_bedrock(text: str) -> str:
    found = _BEDROCK.match(text)
    if found is None:
        return text
    rest = found.group("rest")
    legacy = _BEDROCK_LEGACY_CLAUDE.match(rest)
    if legacy is not None:
        prefix = "claude-instant-" if legacy.group("instant") else "claude-"
        minor = legacy.group("minor")
        return f"{prefix}{legacy.group('major')}" + (f".{minor}" if minor else "")
    rest = _BEDROCK_MISTRAL_VERSION.sub(r"-v0.\1", rest)
    return _BEDROCK_SUFFIX.sub("", rest)


# --------------------------------------------------------------------------- parsing

_REGEX_ONLY_CHARS = frozenset("^$+(){}|\\")
NEEDLES_KEY = "x-needles"  # kept by the snapshot of the built-in registry


class LazyPattern:
    """A ``match`` item, compiled on first use (case-insensitive, searched).

    Compiling the ~250 built-in expressions costs about 40 ms, more than a one-card check
    spends on anything else, and a lookup usually needs a handful of them. So each pattern
    keeps a *needle*: a literal that every match contains (found by :func:`_regex_needle`
    or :func:`_glob_needle`), and compiles only when an id contains it. Config and plugin
    patterns are compiled when the registry is built, so a bad one fails closed there.
    """

    __slots__ = ("_compiled", "_needle", "pattern")

    def __init__(self, expr: str, needle: str = "") -> None:
        self.pattern = expr
        self._needle = needle
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, re.IGNORECASE)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        needle = self._needle
        # non-ASCII ids: case folding is subtler (K matches the Kelvin sign), just compile
        if needle and text.isascii() and needle not in text.lower():
            return None
        return self.compiled().search(text)

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r})"


_LITERAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:/@ ")
_QUANTIFIERS = frozenset("?*{")


def _regex_needle(expr: str) -> str:
    """The longest literal that every match of ``expr`` contains, lower-cased; "" when there
    is none to be sure of (then the expression is always compiled).

    Only characters outside groups and classes count, and a run of them ends at anything
    that is not a plain character: a class, a group, an escape such as ``\\d``, an anchor,
    ``.``, or a quantifier (``a?``, ``a*`` and ``a{0,2}`` drop the ``a``; ``a+`` keeps it
    but ends the run). A top-level ``|`` or a ``(?`` other than ``(?:`` (look-arounds,
    inline flags) gives up."""
    best, run, depth, i, n = "", "", 0, 0, len(expr)

    def longer(a: str, b: str) -> str:
        return b if len(b) > len(a) else a

    while i < n:
        c = expr[i]
        if c == "\\":
            nxt = expr[i + 1 : i + 2]
            i += 2
            if depth > 0 or not nxt or nxt.isalnum() or (i < n and expr[i] in _QUANTIFIERS):
                best, run = longer(best, run), ""  # a class (\\d), an anchor, or optional
            else:
                run += nxt.lower()  # an escaped punctuation character such as \\. or \\-
            continue
        if c == "[":
            j = i + 1
            if j < n and expr[j] == "^":
                j += 1
            if j < n and expr[j] == "]":
                j += 1
            while j < n and expr[j] != "]":
                j += 2 if expr[j] == "\\" else 1
            if j >= n:
                return ""
            i = j + 1
            best, run = longer(best, run), ""
            continue
        if c == "(":
            if expr.startswith("(?", i) and not expr.startswith("(?:", i):
                return ""
            depth += 1
        elif c == ")":
            depth -= 1
            if depth < 0:
                return ""
        elif c == "|" and depth == 0:
            return ""
        if depth > 0 or c in "()|^$.":
            best, run = longer(best, run), ""
        elif c in _QUANTIFIERS:
            best, run = longer(best, run), ""  # the quantified character was left out
            if c == "{":
                close = expr.find("}", i)
                body = expr[i + 1 : close] if close > 0 else ""
                if not body or body.count(",") > 1 or not body.replace(",", "").isdigit():
                    return ""  # a literal brace: read no further than Python would
                i = close
        elif c == "+":
            best, run = longer(best, run), ""
        elif c in _LITERAL or c in "!\"#%&',;<=>`~":
            if i + 1 < n and expr[i + 1] in _QUANTIFIERS:
                best, run = longer(best, run), ""
            else:
                run += c.lower()
        else:
            best, run = longer(best, run), ""
        i += 1
    best = longer(best, run)
    return best if best.isascii() else ""


def _glob_needle(glob: str) -> str:
    """The longest literal stretch of a glob (between ``*``, ``?`` and ``[...]``), lower-cased."""
    best, run, i = "", "", 0
    while i < len(glob):
        c = glob[i]
        if c in "*?":
            best, run = (run if len(run) > len(best) else best), ""
        elif c == "[":  # a set, read as fnmatch does: [!...], a leading ] is a member
            j = i + 1
            if j < len(glob) and glob[j] == "!":
                j += 1
            if j < len(glob) and glob[j] == "]":
                j += 1
            close = glob.find("]", j)
            if close < 0:  # fnmatch reads an unclosed [ as a literal
                run += c
            else:
                best, run = (run if len(run) > len(best) else best), ""
                i = close
        else:
            run += c
        i += 1
    best = run if len(run) > len(best) else best
    return best.lower() if best.isascii() else ""


def compile_pattern(text: str, needle: str | None = None) -> LazyPattern:
    """One ``match`` item: ``re:``/leading ``^``/regex metacharacters -> regular
    expression (searched); ``glob:`` or anything else -> glob on the whole id.

    The expression is compiled on first use (:meth:`LazyPattern.compiled` forces it).
    ``needle`` is :func:`pattern_needle` of ``text`` when the caller kept it."""
    if text.startswith("re:"):
        expr = text[3:]
    elif text.startswith("glob:"):
        expr = r"\A" + fnmatch.translate(text[5:])
    elif text.startswith("^") or any(c in _REGEX_ONLY_CHARS for c in text):
        expr = text
    else:
        expr = r"\A" + fnmatch.translate(text)
    return LazyPattern(expr, pattern_needle(text) if needle is None else needle)


def pattern_needle(text: str) -> str:
    """The needle of one ``match`` item (see :class:`LazyPattern`)."""
    if text.startswith("re:"):
        return _regex_needle(text[3:])
    if text.startswith("glob:"):
        return _glob_needle(text[5:])
    if text.startswith("^") or any(c in _REGEX_ONLY_CHARS for c in text):
        return _regex_needle(text)
    return _glob_needle(text)


def _with_needles(data: Any) -> Any:
    """The built-in registry data with each entry's needles (``x-needles``), so that the
    JSON snapshot keeps them and a run does not work them out again (~5 ms)."""
    for entry in data.get("models") or [] if isinstance(data, Mapping) else []:
        match = entry.get("match") if isinstance(entry, dict) else None
        items = [match] if isinstance(match, str) else match
        if isinstance(items, list) and all(isinstance(i, str) for i in items):
            entry[NEEDLES_KEY] = [pattern_needle(i) for i in items]
    return data


def _str_tuple(value: Any, where: str, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) and i for i in items):
        raise RegistryError(f"{where}: {key} must be a string or a list of strings")
    return tuple(items)


def _opt_str(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RegistryError(f"{where}: {key} must be a string")
    return value


def _check_keys(raw: Any, allowed: frozenset[str], where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise RegistryError(f"{where}: must be a mapping")
    extra = sorted(str(k) for k in raw if k not in allowed and not str(k).startswith("x-"))
    if extra:
        raise RegistryError(f"{where}: unknown key(s) {', '.join(extra)}")
    return raw


def _parse_terms(tid: str, raw: Any, source: str) -> Terms:
    if isinstance(raw, Terms):
        return raw
    where = f"{source}: terms {tid!r}"
    raw = _check_keys(raw, _TERMS_KEYS, where)
    outputs = raw.get("outputs_training")
    if outputs not in OUTPUTS_TRAINING:
        raise RegistryError(
            f"{where}: outputs_training must be one of {', '.join(OUTPUTS_TRAINING)}"
        )
    read_on = raw.get("read_on")
    return Terms(
        id=tid,
        name=_opt_str(raw, "name", where) or tid,
        outputs_training=outputs,
        conditions=(_opt_str(raw, "conditions", where) or "").strip(),
        source=_opt_str(raw, "source", where) or "",
        read_on="" if read_on is None else str(read_on),  # a YAML date object becomes ISO text
        evidence=_opt_str(raw, "evidence", where) or "",
    )


def _parse_family(fid: str, raw: Any, source: str) -> Family:
    if isinstance(raw, Family):
        return raw
    where = f"{source}: family {fid!r}"
    raw = _check_keys(raw if raw is not None else {}, _FAMILY_KEYS, where)
    return Family(
        id=fid,
        provider=_opt_str(raw, "provider", where) or UNKNOWN_PROVIDER,
        description=_opt_str(raw, "description", where) or "",
        derived_from=_str_tuple(raw.get("derived_from"), where, "derived_from"),
    )


def _parse_entry(raw: Any, where: str, source: str, families: Mapping[str, Family]) -> ModelEntry:
    if isinstance(raw, ModelEntry):
        return raw
    raw = _check_keys(raw, _ENTRY_KEYS, where)
    items = _str_tuple(raw.get("match"), where, "match")
    if not items:
        raise RegistryError(f"{where}: match is required")
    needles = raw.get(NEEDLES_KEY) if source == "builtin" else None
    try:
        if isinstance(needles, list) and len(needles) == len(items):  # from the snapshot
            patterns = tuple(
                compile_pattern(i, str(n)) for i, n in zip(items, needles, strict=True)
            )
        else:
            patterns = tuple(compile_pattern(item) for item in items)
        if source != "builtin":  # user patterns: compiled now (fail closed), no pre-check
            patterns = tuple(LazyPattern(p.pattern) for p in patterns)
            for pattern in patterns:
                pattern.compiled()
    except re.error as exc:
        raise RegistryError(f"{where}: invalid pattern: {exc}") from None
    family = _opt_str(raw, "family", where)
    if family is None:
        raise RegistryError(f"{where}: family is required")
    pinned = raw.get("pinned")
    if pinned is not None and not isinstance(pinned, bool):
        raise RegistryError(f"{where}: pinned must be true or false")
    known_family = families.get(family)
    provider = _opt_str(raw, "provider", where) or (
        known_family.provider if known_family else UNKNOWN_PROVIDER
    )
    return ModelEntry(
        patterns=patterns,
        provider=provider,
        family=family,
        derived_from=_str_tuple(raw.get("derived_from"), where, "derived_from"),
        pinned=pinned,
        terms=_opt_str(raw, "terms", where),
        source=source,
        alias_of=_opt_str(raw, "alias_of", where),
        note=(_opt_str(raw, "note", where) or "").strip(),
    )


def _yaml_data(text: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506


def _ref_fields(ref: str | Mapping[str, Any]) -> tuple[str, str | None, str | None, str | None]:
    """(id, revision, provider, family) of a model reference (SPEC 3.1)."""
    if isinstance(ref, str):
        return ref, None, None, None
    if not isinstance(ref, Mapping):
        raise TypeError(f"a model reference is a string or a mapping, not {type(ref).__name__}")

    def text(key: str) -> str | None:
        value = ref.get(key)
        return None if value is None or str(value).strip() == "" else str(value).strip()

    return text("id") or "", text("revision"), text("provider"), text("family")


# --------------------------------------------------------------------------- registry


class ModelRegistry:
    """Ordered model entries (first match wins) plus the terms and families tables."""

    __slots__ = ("_cache", "_entries", "_families", "_known_families", "_read_on", "_terms")

    def __init__(
        self,
        entries: Iterable[ModelEntry],
        terms: Mapping[str, Terms],
        families: Mapping[str, Family],
        read_on: str = "",
    ) -> None:
        self._entries = tuple(entries)
        self._terms = dict(terms)
        self._families = dict(families)
        self._read_on = read_on
        self._known_families = frozenset(self._families) | {e.family for e in self._entries}
        self._validate()
        self._cache: dict[Hashable, ModelInfo] = {}

    # ---- construction

    @classmethod
    def builtin(cls) -> ModelRegistry:
        """The registry shipped in ``synthgov/data/models.yaml``."""
        from synthgov.resources import package_bytes
        from synthgov.snapshot import json_snapshot

        raw = package_bytes("synthgov.data", "models.yaml") or b""
        # building ~50 KB of YAML into objects costs ~20 ms; its JSON snapshot ~1 ms
        data = json_snapshot(
            "registry", raw, lambda: _with_needles(_yaml_data(raw.decode("utf-8")))
        )
        return cls.from_data(data, source="builtin")

    @classmethod
    def from_yaml(cls, text: str, source: str = "builtin") -> ModelRegistry:
        return cls.from_data(_yaml_data(text), source=source)

    @classmethod
    def from_data(cls, data: Any, source: str = "builtin") -> ModelRegistry:
        if not isinstance(data, Mapping):
            raise RegistryError(f"{source}: the registry must be a mapping")
        if data.get("version", FORMAT_VERSION) != FORMAT_VERSION:
            raise RegistryError(f"{source}: unsupported registry version {data.get('version')!r}")
        empty = cls((), {}, {}, read_on=str(data.get("read_on") or ""))
        models = data.get("models") or []
        if not isinstance(models, list):
            raise RegistryError(f"{source}: models must be a list")
        return empty.extended(models, data.get("terms"), source, data.get("families"))

    def extended(
        self,
        entries: Sequence[Mapping[str, Any] | ModelEntry],
        terms: Mapping[str, Any] | None = None,
        source: str = "config",
        families: Mapping[str, Any] | None = None,
    ) -> ModelRegistry:
        """A new registry whose ``entries`` are tried before this one's; ``terms`` and
        ``families`` with an existing id replace it."""
        if isinstance(entries, str | Mapping) or not isinstance(entries, Sequence):
            raise RegistryError(f"{source}: models must be a list of entries")
        for name, table in (("terms", terms), ("families", families)):
            if table is not None and not isinstance(table, Mapping):
                raise RegistryError(f"{source}: {name} must be a mapping")
        merged_families = dict(self._families)
        merged_families.update(
            (str(k), _parse_family(str(k), v, source)) for k, v in (families or {}).items()
        )
        merged_terms = dict(self._terms)
        merged_terms.update(
            (str(k), _parse_terms(str(k), v, source)) for k, v in (terms or {}).items()
        )
        new_entries = [
            _parse_entry(raw, f"{source}: models[{i}]", source, merged_families)
            for i, raw in enumerate(entries)
        ]
        return ModelRegistry(
            (*new_entries, *self._entries), merged_terms, merged_families, self._read_on
        )

    def _validate(self) -> None:
        for fam in self._known_families:
            if fam.startswith(UNKNOWN_FAMILY_PREFIX):
                raise RegistryError(
                    f"family id {fam!r} may not start with {UNKNOWN_FAMILY_PREFIX!r}"
                )
        for family in self._families.values():
            self._check_parents(family.derived_from, f"family {family.id!r}")
        for entry in self._entries:
            where = f"{entry.source}: entry {entry.patterns[0].pattern!r}"
            self._check_parents(entry.derived_from, where)
            if entry.terms is not None and entry.terms not in self._terms:
                raise RegistryError(f"{where}: unknown terms id {entry.terms!r}")

    def _check_parents(self, parents: Iterable[str], where: str) -> None:
        missing = sorted(set(parents) - self._known_families)
        if missing:
            raise RegistryError(f"{where}: derived_from names unknown family {', '.join(missing)}")

    # ---- accessors

    @property
    def entries(self) -> tuple[ModelEntry, ...]:
        return self._entries

    @property
    def terms(self) -> Mapping[str, Terms]:
        return MappingProxyType(self._terms)

    @property
    def families(self) -> Mapping[str, Family]:
        return MappingProxyType(self._families)

    @property
    def read_on(self) -> str:
        return self._read_on

    def __len__(self) -> int:
        return len(self._entries)

    def find_entry(self, normalized: str) -> ModelEntry | None:
        """The first entry matching an already normalised id."""
        for entry in self._entries:
            if entry.matches(normalized):
                return entry
        return None

    def is_known(self, normalized: str) -> bool:
        return self.find_entry(normalized) is not None

    def normalize(self, model_id: str) -> str:
        """:func:`normalize` with this registry deciding ambiguous prefixes."""
        return normalize(model_id, self.is_known)

    def lineage_of(self, families: Iterable[str]) -> frozenset[str]:
        """The given families plus everything reachable through ``derived_from`` (cycle-safe)."""
        seen: set[str] = set()
        stack = list(families)
        while stack:
            fam = stack.pop()
            if fam in seen:
                continue
            seen.add(fam)
            known = self._families.get(fam)
            if known is not None:
                stack.extend(known.derived_from)
        return frozenset(seen)

    # ---- resolution

    def resolve(self, ref: str | Mapping[str, Any]) -> ModelInfo:
        """Resolve a model reference: a string id or ``{id, revision, provider, family}``.

        ``provider`` and ``family`` in the reference override the registry (the matched
        entry's ``derived_from`` is kept). A reference that matches no entry and gives no
        family is unknown; its family is ``unknown:<normalised id>``.
        """
        key = _cache_key(ref)
        info = self._cache.get(key)
        if info is None:
            info = self._resolve(ref)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = info
        return info

    def _resolve(self, ref: str | Mapping[str, Any]) -> ModelInfo:
        raw_id, revision, provider_ref, family_ref = _ref_fields(ref)
        normalized, at_revision = _split(raw_id, self.is_known)
        revision = revision or at_revision
        entry = self.find_entry(normalized) if normalized else None
        family = family_ref or (entry.family if entry else f"{UNKNOWN_FAMILY_PREFIX}{normalized}")
        lineage = self.lineage_of((family, *(entry.derived_from if entry else ())))
        provider = provider_ref or (entry.provider if entry else self._family_provider(family))
        pinned, reason = _pin_status(normalized, revision, entry)
        return ModelInfo(
            id=raw_id,
            normalized=normalized,
            known=entry is not None or family_ref is not None,
            provider=provider,
            family=family,
            lineage=lineage,
            pinned=pinned,
            pin_reason=reason,
            terms=self._terms.get(entry.terms) if entry and entry.terms else None,
            revision=revision if "/" in normalized else None,
            providers=self._providers(provider, lineage),
            entry_source=entry.source if entry else None,
        )

    def _family_provider(self, family: str) -> str:
        known = self._families.get(family)
        return known.provider if known else UNKNOWN_PROVIDER

    def _providers(self, provider: str, lineage: frozenset[str]) -> frozenset[str]:
        found = {provider} | {self._families[f].provider for f in lineage if f in self._families}
        return frozenset(p for p in found if p and p != UNKNOWN_PROVIDER)

    def related(self, a: ModelInfo, b: ModelInfo, compare: str = "lineage") -> frozenset[str]:
        """What two models share: lineages (``compare="lineage"``) or providers
        (``"provider"``); empty means unrelated. See :func:`related`."""
        return related(a, b, compare)


def related(a: ModelInfo, b: ModelInfo, compare: str = "lineage") -> frozenset[str]:
    """Shared lineages, or with ``compare="provider"`` shared providers (the providers of
    every family in each lineage, so provider mode is stricter than lineage mode).

    Unknown models have their own lineage and no provider, so they are related only to a
    reference to the same normalised id; any two references to one id are related.
    """
    if compare == "lineage":
        shared = a.lineage & b.lineage
    elif compare == "provider":
        shared = a.providers & b.providers
    else:
        raise ValueError(f"compare must be one of {', '.join(COMPARE_MODES)}, not {compare!r}")
    if not shared and a.normalized and a.normalized == b.normalized:
        shared = frozenset({a.family})
    return frozenset(shared)


def _pin_status(
    normalized: str, revision: str | None, entry: ModelEntry | None
) -> tuple[bool, str]:
    if "/" in normalized:
        if revision is None:
            return False, "Hub id without revision"
        if revision.lower() in _MOVING_REVISIONS:
            return False, f"Hub id with moving revision {revision!r}"
        return True, f"Hub id pinned to revision {revision}"
    snapshot = _snapshot_kind(normalized)
    if entry is not None and entry.pinned is not None:
        if entry.pinned:
            return True, snapshot or "fixed model version"
        alias = f" (alias of {entry.alias_of})" if entry.alias_of else ""
        return False, f"moving alias{alias}"
    if snapshot:
        return True, snapshot
    return False, "moving alias (no date or version suffix)"


def _snapshot_kind(normalized: str) -> str | None:
    found = _DATED.search(normalized)
    if found is None:
        return None
    return "versioned snapshot" if found.group().startswith("-00") else "dated snapshot"


def _cache_key(ref: str | Mapping[str, Any]) -> Hashable:
    if isinstance(ref, str):
        return ref
    return ("\0ref", *_ref_fields(ref))
