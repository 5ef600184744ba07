"""Git access for diff mode and ``--policy-from-ref`` (SPEC section 11), through GitPython.

Imported only when one of those options is given: GitPython costs about 60 ms of import,
which no ordinary ``check`` should pay. Safety rules, since refs and paths may come from a
pull request or CI metadata:

- a ref is resolved to a commit once (GitPython's own parser reads the refs and the object
  database; ``git rev-parse --verify --end-of-options REF^{commit}`` is the fallback for
  syntax it lacks); a ref that starts with ``-`` or holds control characters is refused.
  Every later git command sees only the 40-hex id, never the user's string;
- paths come after ``--``; diffs use ``--no-ext-diff --no-textconv -z``, and every git
  process GitPython starts (the persistent ``cat-file`` ones included) carries
  :data:`synthgov.repo.gitsafe.SAFE_OPTIONS` (no fsmonitor, no hooks), so no repository
  configuration runs a program;
- nothing is ever cloned or fetched, and GitPython's ``allow_unsafe_*`` switches stay off.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from synthgov.core.errors import PolicyError


class GitError(PolicyError):
    """A git problem in diff mode or with ``--policy-from-ref``: exit 2, one line."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(option, None, message)


@dataclass(frozen=True)
class Changes:
    """What changed between the merge base of a ref with HEAD and the working tree."""

    base: str  # the ref as the user gave it (for messages)
    merge_base: str  # 40-hex commit id
    changed: frozenset[str]  # absolute paths (real, and as spelled from cwd): modified,
    # added, deleted, untracked
    root: str = ""  # the work tree root as spelled from the working directory
    names: tuple[str, ...] = ()  # changed paths relative to the root, '/' separators


def open_repo(cwd: str, option: str) -> Any:
    """The git repository that contains ``cwd`` (GitError when there is none)."""
    try:
        import git
    except ImportError as exc:  # pragma: no cover - GitPython is a dependency
        raise GitError(option, f"GitPython is not available: {exc}") from None
    try:
        repo = git.Repo(cwd, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitError(option, f"{cwd} is not inside a git repository") from None
    except git.GitError as exc:
        raise GitError(option, f"cannot open the git repository: {_one_line(exc)}") from None
    from synthgov.repo.gitsafe import SAFE_CONFIG

    # before any git process is started for this repository (opening it starts none)
    repo.git.set_persistent_git_options(c=[f"{key}={value}" for key, value in SAFE_CONFIG])
    if repo.bare or not repo.working_tree_dir:
        raise GitError(option, "the git repository has no working tree")
    return repo


def repo_root(repo: Any) -> str:
    return os.path.realpath(str(repo.working_tree_dir))


def resolve_commit(repo: Any, ref: str, option: str) -> str:
    """The 40-hex id of the commit ``ref`` names; GitError when it names none."""
    if not isinstance(ref, str) or not ref.strip():
        raise GitError(option, "an empty git ref")
    if ref.startswith("-") or any(ord(c) < 32 or c == "\x7f" for c in ref) or len(ref) > 1024:
        raise GitError(option, f"{ref!r} is not a valid git ref")
    spec = f"{ref}^{{commit}}"
    try:
        return str(repo.rev_parse(spec).hexsha)
    except Exception:  # noqa: BLE001 - GitPython's parser lacks some syntax; ask git itself
        pass
    try:
        out = repo.git.rev_parse("--verify", "--quiet", "--end-of-options", spec)
    except Exception:  # noqa: BLE001 - any failure means "not a commit here"
        out = ""
    sha = out.strip()
    if len(sha) < 40 or any(c not in "0123456789abcdef" for c in sha):
        raise GitError(option, f"{ref!r} does not name a commit in this repository")
    return sha


def _shallow_hint(repo: Any) -> str:
    """How to fix a shallow clone (CI checkouts fetch one commit by default), or ''."""
    try:
        shallow = os.path.exists(os.path.join(str(repo.common_dir), "shallow"))
    except Exception:  # noqa: BLE001 - no hint then
        return ""
    if not shallow:
        return ""
    return (
        ": this is a shallow clone, so the history that links them is missing; fetch it "
        "(GitHub Actions: actions/checkout with `fetch-depth: 0`; GitLab: GIT_DEPTH: 0; "
        "locally: git fetch --unshallow)"
    )


def changes_since(cwd: str, ref: str, option: str = "--diff-base") -> Changes:
    """Files changed since the merge base of ``ref`` and HEAD (working tree included)."""
    repo = open_repo(cwd, option)
    root = repo_root(repo)
    try:
        base = resolve_commit(repo, ref, option)
    except GitError as exc:
        hint = _shallow_hint(repo)
        if not hint:
            raise
        raise GitError(option, f"{exc.message}{hint}") from None
    head = _head(repo, option)
    try:
        bases = repo.merge_base(base, head)
    except Exception as exc:  # noqa: BLE001 - git failures become one line
        raise GitError(option, f"cannot find the merge base of {ref!r}: {_one_line(exc)}") from None
    if not bases:
        raise GitError(option, f"{ref!r} and HEAD have no common history{_shallow_hint(repo)}")
    merge_base = str(bases[0].hexsha)
    try:
        g = repo.git
        diff = g.diff(
            "--name-only",
            "-z",
            "--no-renames",
            "--no-ext-diff",
            "--no-textconv",
            merge_base,
            "--",
        )
        g = repo.git
        untracked = g.ls_files("-z", "--others", "--exclude-standard", "--")
    except Exception as exc:  # noqa: BLE001
        raise GitError(option, f"git diff failed: {_one_line(exc)}") from None
    names = [n for n in (*diff.split("\0"), *untracked.split("\0")) if n]
    # the root as git resolved it, and as the working directory spells it (through symlinks),
    # so that membership tests need no realpath() per document
    spelled = _spelled_root(cwd, root)
    changed = frozenset(
        os.path.normpath(os.path.join(r, n)) for r in {root, spelled} for n in names
    )
    return Changes(ref, merge_base, changed, spelled, tuple(sorted(set(names))))


def _spelled_root(cwd: str, real_root: str) -> str:
    """The work tree root as an ancestor of ``cwd`` without resolving symlinks."""
    probe = os.path.abspath(cwd)
    while True:
        if os.path.realpath(probe) == real_root:
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            return real_root
        probe = parent


def _head(repo: Any, option: str) -> str:
    try:
        return str(repo.head.commit.hexsha)
    except Exception:  # noqa: BLE001 - unborn HEAD
        raise GitError(option, "the repository has no commit yet (HEAD is unborn)") from None


_SYMLINK_MODE = 0o120000
_MAX_SYMLINK_HOPS = 40


@dataclass(frozen=True)
class RefFiles:
    """Reads files (policies, config, baselines) as they are in a commit, not the work tree.

    A path inside the repository is mapped to the tree of the commit *lexically* (never
    through the work tree's symlinks, which the change under review controls) and looked up
    there; a symlink blob in that tree is followed only within the tree, and one that leaves
    it is an error. A path outside the repository is read from disk, unless it resolves into
    the work tree (then it is an error too).
    """

    ref: str
    commit: str
    root: str  # real path of the working tree root
    tree: Any = None  # the commit's tree (GitPython object)
    spelled: str = ""  # the root as the working directory spells it (through symlinks)

    def _roots(self) -> tuple[str, ...]:
        return (
            (self.root, self.spelled)
            if self.spelled and self.spelled != self.root
            else (self.root,)
        )

    def relative(self, path: str) -> str | None:
        """``path`` relative to the repository root, '/' separators, or None when it lies
        outside (no symlink is resolved below the root)."""
        full = os.path.abspath(path)
        for root in self._roots():
            if full == root:
                return ""
            if full.startswith(root.rstrip(os.sep) + os.sep):
                return os.path.relpath(full, root).replace(os.sep, "/")
        return None

    def read(self, path: str) -> bytes | None:
        """The file's bytes at the ref; files outside the repository come from disk."""
        rel = self.relative(path)
        if rel is None:
            real = os.path.realpath(path)
            if any(real == r or real.startswith(r + os.sep) for r in self._roots()):
                raise GitError(
                    "--policy-from-ref",
                    f"{path} resolves into the working tree through a symlink; name it by its "
                    "path inside the repository",
                )
            from synthgov.policy.resolve import default_reader

            return default_reader(path)
        return self.read_rel(rel) if rel else None

    def read_rel(self, rel: str) -> bytes | None:
        """The blob at ``rel`` in the commit's tree, following symlinks inside the tree
        only; None when there is no such file."""
        pending = list(reversed(rel.split("/")))
        done: list[str] = []
        hops = 0
        while pending:
            name = pending.pop()
            if name in ("", "."):
                continue
            if name == "..":
                if not done:
                    raise self._escape(rel)
                done.pop()
                continue
            try:
                obj = self.tree / "/".join((*done, name))
            except (KeyError, ValueError, TypeError):
                return None
            kind = getattr(obj, "type", None)
            if kind == "blob" and (int(getattr(obj, "mode", 0)) & 0o170000) == _SYMLINK_MODE:
                hops += 1
                if hops > _MAX_SYMLINK_HOPS:
                    raise GitError(
                        "--policy-from-ref", f"{rel} at {self.ref}: too many levels of symlinks"
                    )
                target = _blob_bytes(obj)
                if target is None:
                    return None
                text = target.decode("utf-8", "surrogateescape")
                if text.startswith("/"):
                    raise self._escape(rel)
                pending.extend(reversed(text.split("/")))
                continue
            if kind == "tree":
                if not pending:
                    return None  # a folder, not a file
                done.append(name)
                continue
            if kind == "blob" and not pending:
                return _blob_bytes(obj)
            return None  # a file used as a folder, or a submodule
        return None

    def _escape(self, rel: str) -> GitError:
        return GitError(
            "--policy-from-ref",
            f"{rel} at {self.ref} is a symlink that leaves the repository; "
            "the gate reads only files inside the tree of the ref",
        )

    def find_config(self, start: str) -> str | None:
        """The config file that ``find_config`` would find, looked up in the ref's tree."""
        from synthgov.policy.config import CONFIG_NAMES, find_config

        probe = os.path.abspath(start)
        while True:
            rel = self.relative(probe)
            if rel is None:
                break
            for name in CONFIG_NAMES:
                candidate = f"{rel}/{name}" if rel else name
                if self.read_rel(candidate) is not None:
                    return os.path.join(probe, name)
            candidate = f"{rel}/pyproject.toml" if rel else "pyproject.toml"
            raw = self.read_rel(candidate)
            if raw is not None and b"[tool.synthgov]" in raw:
                return os.path.join(probe, "pyproject.toml")
            if rel == "":
                break
            probe = os.path.dirname(probe)
        # above the repository: no file there is part of the change under review
        parent = os.path.dirname(probe)
        return find_config(parent) if parent != probe else None


def ref_files(cwd: str, ref: str, option: str = "--policy-from-ref") -> RefFiles:
    repo = open_repo(cwd, option)
    sha = resolve_commit(repo, ref, option)
    try:
        tree = repo.commit(sha).tree
    except Exception as exc:  # noqa: BLE001
        raise GitError(option, f"cannot read commit {sha[:12]}: {_one_line(exc)}") from None
    root = repo_root(repo)
    return RefFiles(ref, sha, root, tree, _spelled_root(cwd, root))


def _blob_bytes(obj: Any) -> bytes | None:
    try:
        return bytes(obj.data_stream.read())
    except Exception:  # noqa: BLE001 - unreadable object: treat as absent
        return None


def blobs_at(cwd: str, commit: str, paths: list[str]) -> dict[str, bytes | None]:
    """The bytes of each file (absolute path) at ``commit`` (40 hex), None when it is not a
    regular file there; mapped lexically, never through the work tree's symlinks."""
    repo = open_repo(cwd, "--diff-base")
    root = repo_root(repo)
    files = RefFiles(commit, commit, root, repo.commit(commit).tree, _spelled_root(cwd, root))
    out: dict[str, bytes | None] = {}
    for path in paths:
        rel = files.relative(path)
        obj = None
        if rel:
            try:
                obj = files.tree / rel
            except (KeyError, ValueError, TypeError):
                obj = None
        regular = (
            obj is not None
            and getattr(obj, "type", None) == "blob"
            and (int(obj.mode) & 0o170000) == 0o100000
        )
        out[path] = _blob_bytes(obj) if regular else None
    return out


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
