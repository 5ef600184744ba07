"""Discovery: .gitignore through git ls-files, include/exclude, context for named files."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from synthgov.app.check.loading import document_suffixes
from synthgov.loaders.builtin import synthgov_register_loaders
from synthgov.repo.discovery import discover as _discover
from synthgov.repo.discovery import display_path, git_toplevel
from tests.conftest import git, run_cli, write_tree

# the file suffixes the built-in loaders declare (discovery walks what the loaders read)
SUFFIXES = document_suffixes(synthgov_register_loaders())


def discover(*args: Any, **kwargs: Any) -> Any:
    return _discover(*args, suffixes=SUFFIXES, **kwargs)


CARD = "apiVersion: synthgov/v1\nkind: DatasetCard\nmetadata: {{id: {id}, owner: a@b.example}}\n"


def _paths(proc) -> set[str]:  # type: ignore[no-untyped-def]
    return {f["path"] for f in json.loads(proc.stdout)["findings"]}


def test_gitignore_is_honoured(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".gitignore": "build/\n",
            "a/card.yaml": CARD.format(id="a") + "x-typo-not-allowed: 1\nbad: 1\n",
            "build/card.yaml": CARD.format(id="b") + "bad: 1\n",
        },
    )
    git(tmp_path, "init", "-q")
    proc = run_cli("check", "--format", "json", "--select", "SG002", cwd=tmp_path)
    assert _paths(proc) == {"a/card.yaml"}


def test_include_and_exclude(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "synthgov.yaml": "include: ['datasets/**']\nexclude: ['datasets/old/*']\n",
            "datasets/new/card.yaml": CARD.format(id="n") + "bad: 1\n",
            "datasets/old/card.yaml": CARD.format(id="o") + "bad: 1\n",
            "elsewhere/card.yaml": CARD.format(id="e") + "bad: 1\n",
        },
    )
    proc = run_cli("check", "--format", "json", "--select", "SG002", cwd=tmp_path)
    assert _paths(proc) == {"datasets/new/card.yaml"}


def test_named_file_gets_repository_context(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "seed/card.yaml": CARD.format(id="seed"),
            "derived/card.yaml": CARD.format(id="derived") + "sources: [{dataset: seed}]\n",
        },
    )
    git(tmp_path, "init", "-q")
    proc = run_cli("check", "--format", "json", "derived/card.yaml", cwd=tmp_path)
    data = json.loads(proc.stdout)
    assert [f for f in data["findings"] if f["rule"] == "SG004"] == []
    assert data["summary"]["documents"] == 1
    assert _paths(proc) <= {"derived/card.yaml"}


def test_python_dash_m_runs(tmp_path: Path) -> None:
    write_tree(tmp_path, {"card.yaml": CARD.format(id="x")})
    proc = run_cli("check", "--select", "SG00", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -- unit level: discover() itself, no CLI ------------------------------------------------------

TREE: dict[str, str | bytes] = {
    "datasets/new/card.yaml": "a",
    "datasets/new/README.md": "b",
    "datasets/new/Data.JSON": "c",
    "datasets/old/card.yml": "d",
    "datasets/old/meta.jsonld": "e",
    "datasets/notes.txt": "not a candidate",
    "datasets/script.py": "not a candidate",
    "node_modules/pkg/card.yaml": "skipped folder",
    ".venv/card.yaml": "skipped folder",
    "top.json": "f",
}


def _found(root: Path, paths: tuple[str, ...] = (), **options: object) -> list[str]:
    found = discover(paths, cwd=str(root), root=str(root), **options)  # type: ignore[arg-type]
    return [display_path(p, str(root)) for p in found.files]


def test_walk_lists_candidates_sorted_and_skips_tool_folders(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    assert git_toplevel(str(tmp_path)) is None  # not a work tree: the walk lists the files
    assert _found(tmp_path) == [
        "datasets/new/Data.JSON",
        "datasets/new/README.md",
        "datasets/new/card.yaml",
        "datasets/old/card.yml",
        "datasets/old/meta.jsonld",
        "top.json",
    ]
    found = discover((), cwd=str(tmp_path), root=str(tmp_path))
    assert all(os.path.isabs(p) for p in found.files) and not found.explicit
    assert found.missing == () and found.unreadable == ()


def test_git_ls_files_honours_gitignore_where_the_walk_does_not(tmp_path: Path) -> None:
    ignore = "datasets/old/\n*.jsonld\nnode_modules/\n.venv/\n"
    write_tree(tmp_path, {**TREE, ".gitignore": ignore})
    walked = _found(tmp_path)
    assert "datasets/old/card.yml" in walked and "datasets/old/meta.jsonld" in walked
    git(tmp_path, "init", "-q")
    assert git_toplevel(str(tmp_path / "datasets")) == str(tmp_path)
    listed = _found(tmp_path)  # untracked files count too, ignored ones do not
    assert listed == [p for p in walked if not p.startswith("datasets/old/")]
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "c")
    (tmp_path / "top.json").unlink()  # deleted in the work tree, still in the index
    assert _found(tmp_path) == [p for p in listed if p != "top.json"]


def test_git_lists_what_git_tracks_even_in_a_tool_folder(tmp_path: Path) -> None:
    """The walk skips node_modules/.venv by name; git lists what is tracked there, and
    skips untracked files there too."""
    write_tree(tmp_path, TREE)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-f", "node_modules/pkg/card.yaml")
    listed = _found(tmp_path)
    assert "node_modules/pkg/card.yaml" in listed  # tracked: someone committed it
    # untracked in a tool folder nobody ignored (a .venv's site-packages): skipped, as the
    # walk skips it
    assert ".venv/card.yaml" not in listed
    git(tmp_path, "add", "-f", ".venv/card.yaml")
    assert ".venv/card.yaml" in _found(tmp_path)


def test_discovery_below_a_subfolder_of_the_work_tree(tmp_path: Path) -> None:
    write_tree(tmp_path, {**TREE, ".gitignore": "*.yml\n"})
    git(tmp_path, "init", "-q")
    found = _found(tmp_path, ("datasets/old",))
    assert found == ["datasets/old/meta.jsonld"]


@pytest.mark.parametrize(
    ("include", "exclude", "expected"),
    [
        (["datasets/**"], [], {"new/Data.JSON", "new/README.md", "new/card.yaml", "old/*"}),
        (["datasets/**"], ["datasets/old/*"], {"new/Data.JSON", "new/README.md", "new/card.yaml"}),
        ([], ["*.md"], {"new/Data.JSON", "new/card.yaml", "old/*", "top.json"}),  # any folder
        ([], ["datasets/old"], {"new/*", "top.json"}),  # a folder excludes what is below it
        ([], ["datasets/old/"], {"new/*", "top.json"}),
        ([], ["./datasets/new/**"], {"old/*", "top.json"}),  # a leading ./ is dropped
        (["*.yaml", "*.yml"], [], {"new/card.yaml", "old/card.yml"}),
        (["datasets/*/card.y*"], [], {"new/card.yaml", "old/card.yml"}),
        ([], ["datasets/o*"], {"new/*", "top.json"}),  # fnmatch's * crosses slashes
        ([], ["datasets/[o]ld"], {"new/*", "old/*", "top.json"}),  # a glob is no folder prefix
    ],
)
def test_include_and_exclude_patterns(
    tmp_path: Path, include: list[str], exclude: list[str], expected: set[str]
) -> None:
    write_tree(tmp_path, TREE)
    every = {
        "new/*": ["datasets/new/Data.JSON", "datasets/new/README.md", "datasets/new/card.yaml"],
        "old/*": ["datasets/old/card.yml", "datasets/old/meta.jsonld"],
    }
    wanted = sorted(
        path
        for name in expected
        for path in every.get(name, ["top.json" if name == "top.json" else f"datasets/{name}"])
    )
    assert _found(tmp_path, include=include, exclude=exclude) == wanted


def test_patterns_are_relative_to_the_root_not_the_cwd(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    found = discover(
        (".",), cwd=str(tmp_path / "datasets"), root=str(tmp_path), exclude=["datasets/old"]
    )
    assert [display_path(p, str(tmp_path)) for p in found.files] == [
        "datasets/new/Data.JSON",
        "datasets/new/README.md",
        "datasets/new/card.yaml",
    ]


def test_named_files_are_explicit_and_kept_unless_forced(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    named = ("datasets/old/card.yml", "datasets/notes.txt", "gone.yaml")
    found = discover(named, cwd=str(tmp_path), root=str(tmp_path), exclude=["datasets/old"])
    old, notes = str(tmp_path / named[0]), str(tmp_path / named[1])
    assert found.files == (notes, old)  # named: any suffix, and exclude does not apply
    assert found.explicit == {old, notes}
    assert found.missing == ("gone.yaml",)
    forced = discover(
        named, cwd=str(tmp_path), root=str(tmp_path), exclude=["datasets/old"], force_exclude=True
    )
    assert forced.files == (notes,) and forced.explicit == {notes}
    assert forced.excluded == (old,)  # dropped, and said: the caller names it on stderr
    assert found.excluded == ()


def test_a_folder_and_a_file_in_it_are_listed_once(tmp_path: Path) -> None:
    write_tree(tmp_path, TREE)
    found = discover(
        ("datasets/new", "datasets/new/card.yaml"), cwd=str(tmp_path), root=str(tmp_path)
    )
    assert len(found.files) == len(set(found.files)) == 3
    assert found.explicit == {str(tmp_path / "datasets/new/card.yaml")}


def test_display_paths_use_forward_slashes_relative_to_the_cwd(tmp_path: Path) -> None:
    assert display_path(str(tmp_path / "a" / "b.yaml"), str(tmp_path)) == "a/b.yaml"
    assert display_path(str(tmp_path / "b.yaml"), str(tmp_path / "a")) == "../b.yaml"
