"""Policy sources: what an ``extends`` (or ``policies:``) entry names, and reading it.

An entry is ``builtin:NAME`` (a pack shipped in ``synthgov/packs``), a file path (relative
to the file that names it), or the name of a pack a plugin registers (a mapping, or a path to
a YAML file). Each is read into a :class:`PolicyLayer`: its data and positions, so that an
error names the file and line. Reading goes through a ``reader`` callable, so that policies
can come from a git ref (``--policy-from-ref``). Merging the layers is :mod:`.resolve`'s.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from synthgov.core.errors import PolicyError
from synthgov.core.types import Pointer, Position

Reader = Callable[[str], bytes | None]
BUILTIN_PREFIX = "builtin:"


def default_reader(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


@dataclass(eq=False, repr=False)
class PolicyLayer:
    """One policy file or pack, as read, before merging."""

    label: str  # how errors name the file
    data: Mapping[str, Any]
    positions: Mapping[Pointer, Position]
    base_dir: str | None  # for relative extends; None for packs from plugins or builtins

    def line(self, pointer: Pointer) -> int:
        """The line of ``pointer``, or of its nearest ancestor that has one (else 1)."""
        probe = tuple(pointer)
        while True:
            pos = self.positions.get(probe)
            if pos is not None:
                return pos.line
            if not probe:
                return 1
            probe = probe[:-1]


#: a policy read for an entry, and how the resolved policy records it: the layer, its name in
#: ``ResolvedPolicy.names`` (``builtin:NAME``, the file as displayed, the pack name) and, for a
#: file entry, the path read (``ResolvedPolicy.files``). A tuple, not a dataclass: this module
#: is on every run's start-up path, and building a dataclass costs a few hundred microseconds.
Loaded = tuple[PolicyLayer, str, str | None]


class Sources:
    """Where policy entries are read from: plugin packs (name -> mapping or path), the
    ``reader`` of files, and how a file path is ``display``-ed in errors and names."""

    __slots__ = ("display", "packs", "reader")

    def __init__(
        self, packs: Mapping[str, Any], reader: Reader, display: Callable[[str], str]
    ) -> None:
        self.packs = packs
        self.reader = reader
        self.display = display


def looks_like_path(ref: str) -> bool:
    return (
        ref.startswith((".", "/", "~"))
        or "/" in ref
        or os.sep in ref
        or ref.endswith((".yaml", ".yml", ".json"))
    )


def layer_key(ref: str, referrer: PolicyLayer) -> str:
    """What a reference names, without reading it (so a policy is read once)."""
    if ref.startswith(BUILTIN_PREFIX):
        return ref
    if looks_like_path(ref) and referrer.base_dir is not None:
        return "file:" + os.path.normpath(os.path.join(referrer.base_dir, ref))
    return "name:" + ref


def load_layer(ref: str, referrer: PolicyLayer, pointer: Pointer, sources: Sources) -> Loaded:
    """Read the policy ``ref`` names; :class:`PolicyError` at the referrer's line if none."""
    line = referrer.line(pointer)
    if ref.startswith(BUILTIN_PREFIX):
        return _builtin(ref, referrer.label, line), ref, None
    if looks_like_path(ref):
        return _file(ref, referrer, line, sources)
    if ref in sources.packs:
        return _pack(ref, sources.packs[ref], referrer.label, line, sources.reader), ref, None
    raise PolicyError(
        referrer.label,
        line,
        f"policy {ref!r} resolves to nothing: not builtin:NAME, not a file path, "
        "and no installed plugin registers a pack of that name",
    )


def _builtin(ref: str, referrer: str, line: int) -> PolicyLayer:
    from synthgov.core import resources

    name = ref[len(BUILTIN_PREFIX) :]
    raw = resources.builtin_pack_bytes(name) if name.replace("-", "").isalnum() else None
    if raw is None:
        known = ", ".join(f"builtin:{n}" for n in resources.builtin_pack_names())
        raise PolicyError(referrer, line, f"unknown built-in policy {ref!r} (known: {known})")
    return parse_layer(raw, ref, None)


def _file(ref: str, referrer: PolicyLayer, line: int, sources: Sources) -> Loaded:
    if referrer.base_dir is None:
        raise PolicyError(referrer.label, line, f"cannot resolve relative path {ref!r} from here")
    path = os.path.normpath(os.path.join(referrer.base_dir, ref))
    raw = sources.reader(path)
    if raw is None:
        raise PolicyError(referrer.label, line, f"policy file {ref!r} not found")
    label = sources.display(path)
    return parse_layer(raw, label, os.path.dirname(path)), label, path


def _pack(ref: str, pack: Any, referrer: str, line: int, reader: Reader) -> PolicyLayer:
    if isinstance(pack, Mapping):
        return PolicyLayer(f"{ref} (plugin pack)", pack, {}, None)
    path = os.fspath(pack)
    raw = reader(path)
    if raw is None:
        raise PolicyError(referrer, line, f"plugin pack {ref!r}: {path} not found")
    return parse_layer(raw, f"{ref} ({path})", os.path.dirname(path))


def parse_layer(raw: bytes, label: str, base_dir: str | None) -> PolicyLayer:
    """A policy's YAML, which must be a mapping without duplicate keys."""
    from synthgov.repo.parsing.safeyaml import load_yaml

    parsed = load_yaml(raw)
    if not parsed.ok:
        problem = parsed.problems[0]
        raise PolicyError(label, problem.line, problem.message)
    dup = next((p for p in parsed.problems if p.rule == "SG003"), None)
    if dup is not None:
        raise PolicyError(label, dup.line, dup.message)
    if not isinstance(parsed.data, Mapping):
        raise PolicyError(label, 1, "a policy must be a YAML mapping")
    return PolicyLayer(label, parsed.data, parsed.positions, base_dir)
