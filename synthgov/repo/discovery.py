"""Find candidate files: walk the given paths, honour include/exclude and .gitignore.

Inside a git work tree the file list comes from ``git ls-files`` (tracked plus untracked,
not ignored), run as a subprocess with fixed options and paths after ``--``. This keeps
GitPython (about 60 ms of import) out of the common path; see docs/decisions.md.

Which files are candidates is not decided here: the caller passes the file suffixes the
loaders of its plugin registry declare (``suffixes``), so a plugin's format is walked too.
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from synthgov.repo.gitsafe import git_command

_GIT_UNREADABLE = re.compile(r"^warning: could not open directory '(.*)': (.*)$")
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "__pycache__",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".synthgov_cache",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        "_delta_log",  # a Delta table's transaction log (synthgov.verify.delta_log)
    }
)


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class Discovered:
    """The files a run looks at, and what the command line named."""

    files: tuple[str, ...]  # absolute paths, sorted, unique
    explicit: frozenset[str]  # files named on the command line
    missing: tuple[str, ...] = ()  # paths given that do not exist
    #: folders that could not be listed (absolute path, reason): their cards are unseen
    unreadable: tuple[tuple[str, str], ...] = ()
    #: files named on the command line that ``force_exclude`` dropped (absolute, sorted)
    excluded: tuple[str, ...] = ()


def display_path(path: str, cwd: str) -> str:
    rel = os.path.relpath(path, cwd)
    return rel.replace(os.sep, "/")


def discover(
    paths: Sequence[str],
    *,
    cwd: str,
    root: str,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    force_exclude: bool = False,
    suffixes: Sequence[str],
) -> Discovered:
    """The files under ``paths`` whose name ends with one of ``suffixes`` (lower case, as the
    loaders declare them; files named explicitly are taken whatever their suffix);
    ``force_exclude`` applies ``exclude`` to files named explicitly too (ruff's
    ``force-exclude``: pre-commit names every file it checks); the files it drops are
    listed in ``excluded``, so the caller can say so."""
    wanted = _Suffixes.of(suffixes)
    files: set[str] = set()
    explicit: set[str] = set()
    missing: list[str] = []
    excluded: set[str] = set()
    unreadable: dict[str, str] = {}
    for given in paths or (".",):
        path = os.path.abspath(os.path.join(cwd, given))
        if os.path.isdir(path):
            errors: dict[str, str] = {}
            for found in _walk(path, errors, wanted):
                if selected(found, root, include, exclude):
                    files.add(found)
            for folder, reason in errors.items():
                probes = (os.path.join(folder, "x" + suffix) for suffix in wanted.suffixes)
                if any(selected(probe, root, include, exclude) for probe in probes):
                    unreadable[folder] = reason
        elif os.path.lexists(path):
            if force_exclude and exclude and not selected(path, root, (), exclude):
                excluded.add(path)
                continue
            files.add(path)
            explicit.add(path)
        else:
            missing.append(given)
    return Discovered(
        tuple(sorted(files)),
        frozenset(explicit),
        tuple(missing),
        tuple(sorted(unreadable.items())),
        tuple(sorted(excluded - files)),
    )


def selected(path: str, root: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    if not include and not exclude:  # relpath costs ~15 us a file: 0.15 s on 10,000 cards
        return True
    rel = os.path.relpath(path, root).replace(os.sep, "/")
    if include and not any(_match(rel, pattern) for pattern in include):
        return False
    return not any(_match(rel, pattern) for pattern in exclude)


def _match(rel: str, pattern: str) -> bool:
    pattern = pattern.lstrip("./") if pattern.startswith("./") else pattern
    if fnmatch.fnmatchcase(rel, pattern):
        return True
    # a pattern without a slash matches the file name anywhere, like .gitignore
    if "/" not in pattern and fnmatch.fnmatchcase(rel.rsplit("/", 1)[-1], pattern):
        return True
    # "dir" or "dir/" excludes everything below it
    prefix = pattern.rstrip("/")
    return rel.startswith(prefix + "/") and not any(c in prefix for c in "*?[")


def suffix_matcher(suffixes: Sequence[str]) -> Callable[[str], bool]:
    """Whether a path's name ends with one of ``suffixes`` (as discovery decides it)."""
    return _Suffixes.of(suffixes).match


@dataclass(frozen=True, eq=False, repr=False)  # plumbing: no __eq__, __hash__ or __repr__ to build
class _Suffixes:
    """File suffixes to match, lower case; only a name's tail is lowered (10,000 files)."""

    suffixes: tuple[str, ...]
    tail: int  # the longest suffix's length

    @classmethod
    def of(cls, suffixes: Sequence[str]) -> _Suffixes:
        lowered = tuple(s.lower() for s in suffixes)
        return cls(lowered, max((len(s) for s in lowered), default=0))

    def match(self, name: str) -> bool:
        return bool(self.tail) and name[-self.tail :].lower().endswith(self.suffixes)


def _walk(directory: str, errors: dict[str, str], wanted: _Suffixes) -> Iterable[str]:
    """Candidate files below ``directory``; folders that cannot be listed go to ``errors``."""
    listed = _git_ls_files(directory, errors, wanted)
    if listed is not None:
        yield from listed
        return

    def failed(exc: OSError) -> None:
        where = os.path.normpath(exc.filename if exc.filename else directory)
        errors[where] = exc.strerror or type(exc).__name__

    for dirpath, dirnames, filenames in os.walk(directory, onerror=failed, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in filenames:
            if wanted.match(name):
                yield os.path.join(dirpath, name)


def _git_ls_files(directory: str, errors: dict[str, str], wanted: _Suffixes) -> list[str] | None:
    """Files git knows of below ``directory`` with a ``wanted`` suffix (None when it is not
    in a work tree).

    A tracked file that cannot be ``lstat``-ed for another reason than its absence (a
    folder without search permission) stays in the list, so reading it reports why; a
    folder git could not open for untracked files goes to ``errors``.
    """
    if not _inside_git(directory):
        return None
    try:
        proc = subprocess.run(
            git_command(
                "ls-files", "-z", "-t", "--cached", "--others", "--exclude-standard", "--", "."
            ),
            cwd=directory,
            capture_output=True,
            timeout=60,
            check=False,
            env={**os.environ, "LC_ALL": "C"},  # the warning below is parsed in English
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    out = []
    for tagged in proc.stdout.decode("utf-8", "surrogateescape").split("\0"):
        tag, _, rel = tagged.partition(" ")
        if not rel or not wanted.match(rel):  # data files are not looked at here
            continue
        if tag == "?" and _in_tool_folder(rel):
            continue  # untracked, in a folder the walk skips too (a .venv nobody ignored)
        listed = _candidate(os.path.join(directory, rel))
        if listed is not None:
            out.append(listed)
    for line in proc.stderr.decode("utf-8", "surrogateescape").splitlines():
        found = _GIT_UNREADABLE.match(line)
        if found:
            errors[os.path.normpath(os.path.join(directory, found[1]))] = found[2]
    return out


def _candidate(full: str) -> str | None:
    """A listed path as a candidate: None when it is gone from the work tree (still in the
    index) or a folder (a submodule); kept when it cannot be ``lstat``-ed for another
    reason, so that reading it says why."""
    try:
        st = os.lstat(full)
    except FileNotFoundError:
        return None
    except OSError:
        return os.path.normpath(full)
    return None if stat.S_ISDIR(st.st_mode) else os.path.normpath(full)


def _in_tool_folder(rel: str) -> bool:
    """Whether a path relative to the listing lies in a folder of :data:`SKIP_DIRS`."""
    return any(part in SKIP_DIRS for part in rel.split("/")[:-1])


def _inside_git(directory: str) -> bool:
    probe = directory
    while True:
        if os.path.exists(os.path.join(probe, ".git")):
            return True
        parent = os.path.dirname(probe)
        if parent == probe:
            return False
        probe = parent


def git_toplevel(directory: str) -> str | None:
    probe = os.path.abspath(directory)
    while True:
        if os.path.exists(os.path.join(probe, ".git")):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return None
        probe = parent
