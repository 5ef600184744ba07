"""``synthgov init`` in a repository that already has cards: detect the formats, propose an
owner for each card (CODEOWNERS, a Croissant creator's e-mail), adopt Hugging Face cards by
adding a ``synthgov:`` block to their front matter (never a native example card), and offer a
baseline so that day one shows only the findings that matter. No printing here; the CLI
reports what was done.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from synthgov.app.scaffold import CONFIG_FILE, PRE_COMMIT_FILE, PRE_COMMIT_TEXT, other_configs

if TYPE_CHECKING:
    from synthgov.app.check.runner import CheckOptions, Setup
    from synthgov.core.types import Finding

#: a document found by :func:`survey`: (display path, source format, has an owner, card id)
Surveyed = tuple[str, str, bool, str | None]

CODEOWNERS_PLACES = ("CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
BASELINE_FILE = ".synthgov-baseline.json"

ADOPT_CONFIG_TEMPLATE = """\
# synthgov configuration, written by `synthgov init` for an existing repository.
# Found here: {formats}.
policies:
  - builtin:baseline
# Globs (relative to this file) of what to leave out, e.g. policy-test fixtures:
# exclude: ["policy-tests/**"]
fail_on: error
{baseline_line}
"""


@dataclass(frozen=True)
class OwnerProposal:
    """An owner for a document that names none, and where the proposal comes from."""

    path: str  # display path of the document
    owner: str
    evidence: str  # e.g. "CODEOWNERS:3" or "creator.email in the Croissant file"


@dataclass(frozen=True)
class AdoptResult:
    """What ``synthgov init`` did in an existing repository."""

    formats: tuple[tuple[str, int], ...] = ()  # (source format, documents), sorted
    owners: tuple[OwnerProposal, ...] = ()
    adopted: tuple[str, ...] = ()  # Hugging Face READMEs that got a synthgov: block
    skipped: tuple[tuple[str, str], ...] = ()  # (path, why it was not edited)
    written: tuple[str, ...] = ()  # new files
    existing: tuple[str, ...] = ()  # files init would have written, left as they are


def codeowners(directory: str) -> tuple[str, list[tuple[int, str, list[str]]]] | None:
    """The first CODEOWNERS file of the repository: (relative path, [(line, pattern, owners)])."""
    for rel in CODEOWNERS_PLACES:
        try:
            with open(os.path.join(directory, *rel.split("/")), encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        rules = []
        for number, line in enumerate(lines, 1):
            parts = line.split("#", 1)[0].split()
            if len(parts) >= 2:
                rules.append((number, parts[0], parts[1:]))
        return rel, rules
    return None


def codeowner_of(path: str, rules: list[tuple[int, str, list[str]]]) -> tuple[int, str] | None:
    """The owner CODEOWNERS gives ``path`` (the last matching pattern wins, as on GitHub):
    its first e-mail address, else its first team or user handle; with the line number."""
    import fnmatch  # start-up: only a repository with a CODEOWNERS file

    found: tuple[int, list[str]] | None = None
    for number, pattern, owners in rules:
        anchored = pattern.startswith("/")
        pat = pattern.strip("/")
        if pattern.endswith("/"):
            pat += "/**"
        candidates = [path] if anchored or "/" in pat else [path, path.rsplit("/", 1)[-1]]
        if (
            any(
                fnmatch.fnmatchcase(c, pat) or c.startswith(pat.rstrip("*").rstrip("/") + "/")
                for c in candidates
                if pat
            )
            or pat == "*"
        ):
            found = (number, owners)
    if found is None:
        return None
    number, owners = found
    mails = [o for o in owners if "@" in o and not o.startswith("@")]
    return number, (mails or owners)[0]


def croissant_creator(path: str) -> str | None:
    """The first e-mail address of a Croissant file's ``creator``."""
    import json  # start-up: only a repository with Croissant files

    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    creators = data.get("creator", data.get("sc:creator"))
    for creator in creators if isinstance(creators, list) else [creators]:
        if isinstance(creator, dict):
            mail = creator.get("email", creator.get("sc:email"))
            if isinstance(mail, str) and "@" in mail:
                return mail.strip().removeprefix("mailto:")
    return None


def propose_owners(directory: str, documents: list[tuple[str, str, bool]]) -> list[OwnerProposal]:
    """Owners for documents without one: ``documents`` is (display path, format, has owner)."""
    owners_file = codeowners(directory)
    out: list[OwnerProposal] = []
    for path, fmt, has_owner in documents:
        if has_owner:
            continue
        if fmt == "croissant":
            mail = croissant_creator(os.path.join(directory, *path.split("/")))
            if mail:
                out.append(OwnerProposal(path, mail, "creator.email in the Croissant file"))
                continue
        if owners_file is not None:
            got = codeowner_of(path, owners_file[1])
            if got is not None:
                out.append(OwnerProposal(path, got[1], f"{owners_file[0]}:{got[0]}"))
    return out


def synthgov_block(card_id: str, owner: OwnerProposal | None) -> str:
    """The ``synthgov:`` block added to a Hugging Face card's front matter."""
    lines = [
        "# synthgov: what the Hub fields cannot say (see `synthgov schema DatasetCard`)",
        "synthgov:",
        "  metadata:",
        f"    id: {_yaml_scalar(card_id)}",
    ]
    if owner is not None:
        lines.append(f"    owner: {_yaml_scalar(owner.owner)}  # from {owner.evidence}")
    else:
        lines.append("    # owner: <team or person accountable for this data>")
    return "\n".join(lines) + "\n"


def _yaml_scalar(text: str) -> str:
    import json  # start-up: only when a card is adopted

    plain = text.replace("-", "").replace("_", "").replace(".", "").replace("@", "")
    return text if plain.isalnum() and not text[0].isdigit() else json.dumps(text)


def add_synthgov_block(text: str, block: str) -> str | None:
    """``text`` (a README) with ``block`` appended to its front matter; None when the front
    matter cannot take it safely (none, a flow mapping, or a synthgov: key already)."""
    import re  # start-up: only when a card is adopted

    found = re.match(
        r"\A(\ufeff?---[ \t]*(\r\n|\r|\n))(.*?)(\r\n|\r|\n)?(---[ \t]*(\r\n|\r|\n|\Z))", text, re.S
    )
    if found is None:
        return None
    body = found.group(3)
    if body.lstrip().startswith(("{", "[")) or re.search(r"^synthgov[ \t]*:", body, re.M):
        return None
    newline = found.group(2)
    block = block.replace("\n", newline)
    end_of_body = found.start(5)
    sep = "" if body == "" or body.endswith(("\n", "\r")) or found.group(4) else newline
    return text[:end_of_body] + sep + block + text[end_of_body:]


def adopt(directory: str, documents: Sequence[Surveyed], *, baseline: bool) -> AdoptResult:
    """Adopt an existing repository. ``documents``: (display path relative to ``directory``,
    source format, has an owner, card id). Writes the config (unless one exists), the
    pre-commit snippet (unless it exists) and the synthgov: blocks of Hugging Face cards."""
    formats = _count_formats(documents)
    owners = propose_owners(directory, [(p, f, o) for p, f, o, _ in documents])
    by_path = {o.path: o for o in owners}
    adopted: list[str] = []
    skipped: list[tuple[str, str]] = []
    for path, fmt, _, card_id in documents:
        if fmt != "huggingface":
            continue
        why_not = _adopt_card(directory, path, card_id, by_path.get(path))
        if why_not is None:
            adopted.append(path)
        else:
            skipped.append((path, why_not))
    files = {
        CONFIG_FILE: _adopt_config(formats, baseline),
        PRE_COMMIT_FILE: PRE_COMMIT_TEXT,
    }
    written, existing = _write_new_files(directory, files)
    return AdoptResult(
        formats=formats,
        owners=tuple(owners),
        adopted=tuple(adopted),
        skipped=tuple(skipped),
        written=written,
        existing=existing,
    )


def _count_formats(documents: Sequence[Surveyed]) -> tuple[tuple[str, int], ...]:
    """(source format, documents), sorted by format."""
    counts: dict[str, int] = {}
    for _, fmt, _, _ in documents:
        counts[fmt] = counts.get(fmt, 0) + 1
    return tuple(sorted(counts.items()))


def _adopt_card(
    directory: str, path: str, card_id: str | None, owner: OwnerProposal | None
) -> str | None:
    """Add a synthgov: block to one Hugging Face README; why not, when it was left alone."""
    full = os.path.join(directory, *path.split("/"))
    try:
        with open(full, encoding="utf-8", newline="") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot read it: {exc}"
    block = synthgov_block(card_id or os.path.basename(os.path.dirname(full)), owner)
    new = add_synthgov_block(text, block)
    if new is None and _has_block(text):
        return "it has a synthgov: block already"
    if new is None:
        return "its front matter cannot take a synthgov: block safely"
    with open(full, "w", encoding="utf-8", newline="") as handle:
        handle.write(new)
    return None


def _adopt_config(formats: tuple[tuple[str, int], ...], baseline: bool) -> str:
    """The synthgov.yaml of an adopted repository."""
    described = ", ".join(f"{n} {fmt}" for fmt, n in formats) or "no documents"
    baseline_line = (
        f"baseline: {BASELINE_FILE}"
        if baseline
        else f"# baseline: {BASELINE_FILE}   # `synthgov baseline` writes it"
    )
    return ADOPT_CONFIG_TEMPLATE.format(formats=described, baseline_line=baseline_line)


def _write_new_files(
    directory: str, files: Mapping[str, str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Write each file that does not exist (and no config when another config exists):
    (written, left as they are)."""
    written: list[str] = []
    existing: list[str] = [*other_configs(directory)]
    for rel, text in files.items():
        path = os.path.join(directory, rel)
        if os.path.lexists(path) or (rel == CONFIG_FILE and existing):
            existing.append(rel)
            continue
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        written.append(rel)
    return tuple(written), tuple(dict.fromkeys(existing))


def _has_block(text: str) -> bool:
    import re  # start-up: only when a card is adopted

    return re.search(r"^synthgov[ \t]*:", text, re.M) is not None


def survey(cwd: str) -> list[Surveyed]:
    """The documents under ``cwd``, sorted; none when a config is there and broken (init
    then refuses to touch it: the CLI reports the config's error)."""
    # start-up: the runner once init runs (the module is imported by the CLI's init alone)
    from synthgov.app.check.runner import CheckOptions, prepare, run_check
    from synthgov.core.errors import SynthgovError

    options = CheckOptions(cwd=cwd, use_cache=False)
    try:
        result = run_check(options, prepare(options))
    except (ValueError, SynthgovError):
        return []
    found = []
    for doc in result.documents:
        if doc.path.startswith("../"):
            continue
        metadata = doc.data.get("metadata") if isinstance(doc.data, dict) else None
        owner = isinstance(metadata, dict) and bool(metadata.get("owner"))
        found.append((doc.path, doc.source_format, owner, doc.id))
    return sorted(found)


def active_findings(options: CheckOptions, setup: Setup) -> list[Finding]:
    """The findings of a check of the adopted repository that are not waived."""
    # start-up: as in survey
    from synthgov.app.check.checking import run

    checked = run(options, setup)
    return [f for f in checked.report.findings if not f.waived]
