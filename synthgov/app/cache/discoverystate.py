"""What the file list of a discovery depends on, so that a later run may reuse the list
without discovering again (see :mod:`synthgov.app.cache.runcache`).

The state is a tuple of ``(kind, path, value)`` (:mod:`synthgov.app.cache.filestate`),
taken before the discovery it describes: every folder discovery walks, with its signature
(which changes when an entry is added, removed or renamed in it) and its names (which tell
whether that changed anything discovery sees: an editor's save by rename does not); whether
each ancestor has a ``.git`` (which switches discovery to ``git ls-files``); and for git
work trees the paths git tracks (a ``git add`` rewrites git's index, not those),
``info/exclude``, every ``.gitignore`` on the way and the user's git configuration. Folders
git ignores entirely are not walked. A folder or index changed within the racy window keeps
no signature, so the slower check (its names, the tracked paths) decides next time.
Anything this state cannot capture safely (an ignore file named in the git configuration,
git failing, an unreadable folder or ``.git``) means no state: every run discovers.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from synthgov.app.cache.packedstate import PackedState

from synthgov.app.cache.filestate import dir_signature, presence, signature, walked_digest

#: git configuration files that can name ignore rules (core.excludesFile) or include others
_GIT_CONFIGS = ("/etc/gitconfig", "~/.gitconfig", "{xdg}/git/config", "{xdg}/git/ignore")

Entry = tuple[str, str, Any]


def discovery_state(roots: Sequence[str], racy_from: int) -> PackedState | None:
    """What the file list of a discovery under ``roots`` depends on, taken BEFORE that
    discovery (so that anything changed while it runs shows as a change next time), or
    None when that cannot be captured safely (then every run discovers)."""
    from synthgov.app.cache.packedstate import PackedState

    state: list[Entry] = []
    for root in roots:
        part = _root_state(root, racy_from)
        if part is None:
            return None
        state.extend(part)
    return PackedState.of(state)


def _root_state(root: str, racy_from: int) -> list[Entry] | None:
    """The state of one root: its ancestors' ``.git``, git's inputs, the folders walked."""
    from synthgov.repo.discovery import git_toplevel

    if not os.path.isdir(root):
        return None
    state = _ancestor_dotgits(root)
    top = git_toplevel(root)
    ignored: set[str] = set()
    if top is not None:
        inputs = _git_inputs(root, top, racy_from)
        found = _ignored_folders(root) if inputs is not None else None
        if inputs is None or found is None:
            return None
        state.extend(inputs)
        ignored = found
    walked = _walked_folders(root, top is not None, ignored, racy_from)
    if walked is None:
        return None
    state.extend(walked)
    return state


def _ancestor_dotgits(root: str) -> list[Entry]:
    """The ``.git`` of ``root`` and of every folder above it (present or not)."""
    state: list[Entry] = []
    probe = root
    while True:
        dotgit = os.path.join(probe, ".git")
        state.append(("present", dotgit, presence(dotgit)))
        parent = os.path.dirname(probe)
        if parent == probe:
            return state
        probe = parent


def _git_inputs(root: str, top: str, racy_from: int) -> list[Entry] | None:
    """The files git reads to list the work tree at ``top``: the paths it tracks under
    ``root`` (the index's signature, then the paths: a ``git add`` in between shows as a
    change), its configuration and ``info/exclude``, the user's configuration, and the
    ``.gitignore`` files from ``root``'s parent up to ``top``; None when one of them cannot
    be followed."""
    from synthgov.app.cache.filestate import tracked_digest

    git_dir = _git_dir(top)
    if git_dir is None:
        return None
    index = os.path.join(git_dir, "index")
    found = signature(index)
    sig = _unless_racy(found, found[1] if found else 0, racy_from)
    digest = tracked_digest(root)
    if digest is None:
        return None
    state: list[Entry] = [("tracked", root, (index, sig, digest))]
    for name in ("config", os.path.join("info", "exclude")):
        path = os.path.join(git_dir, name)
        state.append(("file", path, signature(path)))
    user = _user_git_configs()
    if user is None:
        return None
    state.extend(user)
    probe = root
    while probe != top and os.path.dirname(probe) != probe:
        probe = os.path.dirname(probe)
        path = os.path.join(probe, ".gitignore")
        state.append(("file", path, signature(path)))
    return state


def _unless_racy(sig: Any, mtime_ns: int, racy_from: int) -> Any:
    """A signature, or None when it was modified within the racy window (a change in the
    same clock tick would keep it): the slower check (names, tracked paths) then decides."""
    return None if sig is None or mtime_ns >= racy_from else sig


def _user_git_configs() -> list[Entry] | None:
    """The system's and user's git configuration files; None when one of them names ignore
    rules or includes files this state cannot see."""
    state: list[Entry] = []
    for template in _GIT_CONFIGS:
        path = os.path.expanduser(template.format(xdg=_xdg_config()))
        state.append(("file", path, signature(path)))
        try:
            with open(path, "rb") as handle:
                text = handle.read().lower()
        except OSError:
            continue
        if b"excludesfile" in text or b"include" in text:
            return None
    return state


def _ignored_folders(root: str) -> set[str] | None:
    """The folders under ``root`` that git ignores entirely (absolute), or None when git
    cannot say."""
    from synthgov.repo.gitsafe import git_output

    listing = ("ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory")
    out = git_output(root, *listing, "--", ".")
    if out is None:
        return None
    return {
        os.path.normpath(os.path.join(root, rel))
        for rel in out.decode("utf-8", "surrogateescape").split("\0")
        if rel.endswith("/")
    }


def _walked_folders(
    root: str, in_git: bool, ignored: set[str], racy_from: int
) -> list[Entry] | None:
    """Every folder discovery walks under ``root`` with its names (and in a git work tree
    every ``.gitignore`` in them); None when one cannot be read. A folder changed within
    the racy window keeps no signature: its names decide next time."""
    from synthgov.repo.discovery import SKIP_DIRS

    state: list[Entry] = []
    for folder, dirnames, filenames in os.walk(root, followlinks=False):
        sig = dir_signature(folder)
        if sig is None:
            return None
        names = sorted([*("d/" + d for d in dirnames), *("f/" + f for f in filenames)])
        state.append(("dir", folder, (_unless_racy(sig, sig[0], racy_from), walked_digest(names))))
        if not in_git:
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            continue
        dirnames[:] = sorted(
            d for d in dirnames if d != ".git" and os.path.join(folder, d) not in ignored
        )
        if ".gitignore" in filenames:
            path = os.path.join(folder, ".gitignore")
            state.append(("file", path, signature(path)))
    return state


def _xdg_config() -> str:
    base = os.environ.get("XDG_CONFIG_HOME", "").strip()
    return base if os.path.isabs(base) else os.path.join(os.path.expanduser("~"), ".config")


def _git_dir(top: str) -> str | None:
    dotgit = os.path.join(top, ".git")
    if os.path.isdir(dotgit):
        return dotgit
    try:
        with open(dotgit, encoding="utf-8") as handle:
            first = handle.readline().strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not first.startswith("gitdir:"):
        return None
    return os.path.normpath(os.path.join(top, first[len("gitdir:") :].strip()))
