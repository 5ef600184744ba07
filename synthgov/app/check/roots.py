"""Where a run looks: the project folders that give its paths context, and the repository
folders whose files rules may read (with the file access confined to them)."""

from __future__ import annotations

import os
from typing import Any

from synthgov.app.check.options import CheckOptions
from synthgov.policy.config import Config, find_config
from synthgov.repo.discovery import git_toplevel


def context_roots(options: CheckOptions, config: Config) -> list[str]:
    """The project folder of each path of the run: where the documents that give them
    context are found (SPEC section 9: a named file is checked with its repository).

    The folder of the run's config when the path is inside it; else the nearest folder above
    the path with a config of its own (within its git work tree); else the git work tree;
    else the working directory (or the path's own folder when it is outside it).
    """
    roots: set[str] = set()
    for given in options.paths or (".",):
        path = os.path.abspath(os.path.join(options.cwd, given))
        start = path if os.path.isdir(path) else os.path.dirname(path)
        roots.add(_project_root(start, options.cwd, config))
    return sorted(roots)


def _project_root(start: str, cwd: str, config: Config) -> str:
    if config.path and under(start, config.root):
        return config.root
    top = git_toplevel(start)
    found = find_config(start)
    if found is not None and (top is None or under(os.path.dirname(found), top)):
        return os.path.dirname(found)
    if top is not None:
        return top
    return cwd if under(start, cwd) else start


def under(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or lies below it (both absolute)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def covers(options: CheckOptions, root: str) -> bool:
    """Whether the paths of the run (the working directory by default) hold ``root``."""
    for given in options.paths or (".",):
        if under(root, os.path.abspath(os.path.join(options.cwd, given))):
            return True
    return False


def repository_roots(options: CheckOptions, config: Config) -> tuple[str, ...]:
    """The folders whose files rules may read: for each path checked, the git work tree
    that holds it, else the config's folder or the working directory when it lies inside
    them, else the path's own folder (docs/security.md)."""
    roots: set[str] = set()
    cwd = options.cwd
    for given in options.paths or (".",):
        path = os.path.abspath(os.path.join(cwd, given))
        top = git_toplevel(path)
        if top is not None:
            roots.add(top)
            continue
        for candidate in (config.root if config.path else None, cwd):
            if candidate and under(path, os.path.abspath(candidate)):
                roots.add(candidate)
                break
        else:
            roots.add(path if os.path.isdir(path) else os.path.dirname(path))
    return tuple(sorted(roots))


def local_files(options: CheckOptions, config: Config, cache: Any) -> Any:
    """The run's file access: local files under the repository roots (and the baseline the
    operator named), recorded by the result cache when there is one."""
    from synthgov.repo.files import LocalFiles

    limits = config.limits
    baseline = options.baseline  # named by the operator, not by a card
    files = LocalFiles(
        repository_roots(options, config),
        also=(os.path.join(options.cwd, baseline),) if baseline else (),
        max_hash_bytes=limits.max_hash_bytes,
        hash_seconds=limits.hash_seconds,
    )
    return files if cache is None else cache.files(files)
