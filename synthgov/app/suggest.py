"""Fail closed on typos: rule ids and prefixes of ``--select``/``--ignore``, and paths.

Pure functions (no I/O besides listing a folder for path suggestions); the CLI and the
runner turn a :class:`TypoError` into exit code 2 with one line and a "did you mean".
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Sequence


class TypoError(ValueError):
    """An option value that names nothing: an unknown rule id or prefix, a missing path."""


def close_matches(word: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    import difflib

    pool = sorted(set(candidates))
    upper = {c.upper(): c for c in pool}
    # letters typed for digits (O for 0, I or L for 1) first: SG3O2 is SG302, not SG312
    digits = word.upper()[:2] + word.upper()[2:].translate(str.maketrans("OIL", "011"))
    if digits in upper:
        return [upper[digits]]
    found = difflib.get_close_matches(word.upper(), list(upper), n=n, cutoff=0.6)
    return [upper[f] for f in found]


def did_you_mean(matches: Sequence[str]) -> str:
    if not matches:
        return ""
    return f" (did you mean {' or '.join(matches)}?)"


def split_ids(values: Iterable[str]) -> tuple[str, ...]:
    """``--select SG1,SG2``, ``--select "SG1 SG2"`` and repeated options, in order."""
    out: list[str] = []
    for value in values:
        out.extend(part for part in value.replace(",", " ").split() if part)
    return tuple(out)


def resolve_ids(option: str, values: Sequence[str], known: Collection[str]) -> tuple[str, ...]:
    """Each value as the canonical spelling of a rule id or of an id prefix.

    Ids are case-insensitive (``sg302`` is ``SG302``); a value that is neither a known id nor
    the prefix of one raises :class:`TypoError` naming the closest ids.
    """
    by_upper: dict[str, str] = {}
    for rule_id in sorted(known):
        by_upper.setdefault(rule_id.upper(), rule_id)
    out: list[str] = []
    for value in values:
        wanted = value.strip().upper()
        exact = by_upper.get(wanted)
        if exact is not None:
            out.append(exact)
            continue
        prefixed = [rid for up, rid in by_upper.items() if up.startswith(wanted)] if wanted else []
        if prefixed:
            # a prefix keeps the spelling of the ids it selects (case-insensitively)
            out.extend(sorted(prefixed))
            continue
        hint = did_you_mean(close_matches(value, known, n=1))
        raise TypoError(
            f"{option} {value!r}: no rule id is or starts with {value!r}{hint}; "
            "see `synthgov rules`"
        )
    return tuple(dict.fromkeys(out))


def missing_path(given: str, cwd: str) -> str:
    """The error line for a path that does not exist, with a suggestion when one is near."""
    suggestion = _near_path(given, cwd)
    hint = f" (did you mean {suggestion}?)" if suggestion else ""
    return f"{given}: no such file or directory{hint}"


def _near_path(given: str, cwd: str) -> str | None:
    if "\\" in given:  # a Windows-style path: the same path with forward slashes
        posix = given.replace("\\", "/")
        if os.path.lexists(os.path.join(cwd, posix)):
            return posix
    parent, name = os.path.split(given.replace("\\", "/").rstrip("/"))
    folder = os.path.join(cwd, parent) if parent else cwd
    try:
        entries = os.listdir(folder)
    except OSError:
        return None
    import difflib

    found = difflib.get_close_matches(name, sorted(entries), n=1, cutoff=0.6)
    if not found:
        return None
    return f"{parent}/{found[0]}" if parent else found[0]
