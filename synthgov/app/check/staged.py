"""``check --staged`` (the pre-commit hook): the repository around the named files is the one
the commit will hold.

Without it, a run's context is the work tree: every governed file discovery finds, tracked
or not, as it is on disk. With it, the context is git's index: the governed files git
tracks, with their staged content (:mod:`synthgov.repo.gitindex`). The files named on the
command line are read from the work tree as always (pre-commit names the staged files,
having stashed their unstaged changes). So:

- a card that exists only untracked on this machine no longer makes a commit pass that CI,
  which sees only what was committed, fails (and the reverse);
- a commit-time run learns what changed from git's index alone, without looking at every
  file and folder of the work tree (issue 15, :mod:`synthgov.app.index.plan`).

Paths git holds as a symbolic link or in conflict have no one staged content to read: they
are read from the work tree, as without ``--staged``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from synthgov.app.check.classify import Unread
from synthgov.app.check.loading import (
    Claim,
    Loaded,
    claim_bytes,
    document_suffixes,
    read_candidate,
    unreadable,
)
from synthgov.core.errors import UsageError
from synthgov.core.types import LoadResult
from synthgov.repo.discovery import display_path, git_toplevel, selected, suffix_matcher
from synthgov.repo.files import LocalFiles
from synthgov.repo.gitblobs import read_staged
from synthgov.repo.gitindex import Staged, is_symlink, read_index
from synthgov.repo.parsing.limits import Limits


class StagedError(UsageError):
    """``--staged`` outside a git work tree, or git's index cannot be read (exit 2)."""


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class StagedFiles:
    """The governed files of git's index under the run's context roots."""

    toplevel: str
    index: Staged
    files: tuple[str, ...]  # absolute paths, sorted: the run's context
    names: dict[str, bytes]  # absolute path -> staged blob name (regular files only)


def governed(
    top: str,
    roots: Sequence[str],
    root: str,
    include: Sequence[str],
    exclude: Sequence[str],
    suffixes: Sequence[str],
) -> Callable[[str], str | None]:
    """path in the index -> its absolute path when the run governs it (a loader's suffix,
    under a context root, selected by the config), else None."""
    wanted = suffix_matcher(suffixes)
    under = tuple(os.path.join(os.path.abspath(r), "") for r in roots)
    prefix = os.path.join(top, "")

    def check(rel: str) -> str | None:
        if not wanted(rel):
            return None
        path = os.path.normpath(prefix + rel)
        if not path.startswith(under) or not selected(path, root, include, exclude):
            return None
        return path

    return check


def toplevel(cwd: str, roots: Sequence[str]) -> str:
    """The work tree of the run's context; StagedError outside one."""
    start = roots[0] if roots else cwd
    top = git_toplevel(start)
    if top is None:
        raise StagedError(f"--staged: {display_path(start, cwd)} is not in a git work tree")
    return top


def staged_files(
    cwd: str,
    roots: Sequence[str],
    root: str,
    include: Sequence[str],
    exclude: Sequence[str],
    suffixes: Sequence[str],
) -> StagedFiles:
    """The context of a ``--staged`` run; StagedError when there is no index to read."""
    top = toplevel(cwd, roots)
    index = read_index(top)
    if index is None:
        raise StagedError(f"--staged: cannot read git's index in {top}")
    files, names = governed_entries(index, governed(top, roots, root, include, exclude, suffixes))
    return StagedFiles(top, index, files, names)


def governed_entries(
    index: Staged, check: Callable[[str], str | None]
) -> tuple[tuple[str, ...], dict[str, bytes]]:
    """The governed files of ``index`` (absolute, sorted: its entries and the paths in
    conflict) and the staged blob name of each regular file among them (a link or a
    conflict has none: it is read from the work tree)."""
    files: list[str] = []
    names: dict[str, bytes] = {}
    for rel, entry in (*index.entries.items(), *((rel, None) for rel in index.unmerged)):
        path = check(rel)
        if path is None:
            continue
        files.append(path)
        if entry is not None and not is_symlink(entry[0]):
            names[path] = entry[1]
    return tuple(sorted(files)), names


def load_staged_run(
    cwd: str,
    roots: Sequence[str],
    config: Any,
    loaders: Sequence[Any],
    suffixes: Sequence[str],
    targets: frozenset[str],
    cache: Any = None,
) -> tuple[list[str], Loaded]:
    """The files of a ``--staged`` run read without the repository index: the targets
    from the work tree and every governed file of git's index as staged."""
    staged = staged_files(cwd, roots, config.root, config.include, config.exclude, suffixes)
    files = sorted({*targets, *staged.files})
    loaded = load_staged(
        files, staged.toplevel, staged.names.get, targets, loaders, cwd, config.limits, cache
    )
    return files, loaded


def load_staged(
    paths: Sequence[str],
    top: str,
    name_of: Callable[[str], bytes | None],
    targets: frozenset[str] | set[str],
    loaders: Sequence[Any],
    cwd: str,
    limits: Limits,
    cache: Any = None,
) -> Loaded:
    """Load ``paths`` (sorted) as a run loads files (through the parse cache, whose keys
    hold the bytes): the staged content of the index's regular files, the others
    (``targets``, links, conflicts) from the work tree."""
    from synthgov.app.check.runstate import load_files

    blob = {p: name_of(p) for p in paths if p not in targets}
    wanted = [(p, name) for p, name in blob.items() if name is not None]
    got = read_staged(top, wanted, limits.max_bytes) if wanted else {}
    suffixes = document_suffixes(loaders)

    def read(path: str) -> Claim | LoadResult | Unread:
        if path not in got:
            return read_candidate(path, loaders, limits, suffixes)
        found = got[path]
        if found is None:
            return unreadable(path, "its staged content is not in git's object store", suffixes)
        return claim_bytes(path, found[0], found[1], loaders, limits)

    def reread(path: str, size: int) -> bytes | None:
        """A staged file's bytes again, for the positions of its documents."""
        if path not in got:
            return LocalFiles().read_bytes(path, size + 1)
        again = read_staged(top, [(path, cast(bytes, blob[path]))], limits.max_bytes)
        found = again.get(path)
        return None if found is None else found[0]

    return load_files(paths, loaders, cwd, limits, cache, read, reread)
