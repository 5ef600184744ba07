"""The configuration (``synthgov/policy/config.py``), in process: finding ``synthgov.yaml``,
``.synthgov.yaml`` or ``[tool.synthgov]``, reading it, and failing closed with one line that
names the file and line. Files are read through an in-memory reader; only the look-up walks
real (temporary) directories."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path

import pytest

from synthgov.core.errors import ConfigError, PolicyError
from synthgov.policy.config import (
    CONFIG_NAMES,
    DEFAULT_POLICIES,
    Config,
    find_config,
    load_config,
)
from synthgov.repo.parsing.limits import Limits

ROOT = "/repo"


def _reader(files: dict[str, str]) -> Callable[[str], bytes | None]:
    """Read ``files`` (path -> text) from memory; anything else does not exist."""
    data = {path: text.encode("utf-8") for path, text in files.items()}
    return data.get


def _load(text: str, name: str = "synthgov.yaml") -> Config:
    path = f"{ROOT}/{name}"
    return load_config(path, cwd=ROOT, reader=_reader({path: text}))


def _error(text: str, name: str = "synthgov.yaml") -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        _load(text, name)
    return caught.value


# --------------------------------------------------------------------------- finding it


def test_the_names_are_looked_up_in_order() -> None:
    assert CONFIG_NAMES == ("synthgov.yaml", ".synthgov.yaml")


@pytest.mark.parametrize("name", CONFIG_NAMES)
def test_a_config_file_in_the_start_directory_is_found(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text("fail_on: warning\n")
    assert find_config(str(tmp_path)) == str(tmp_path / name)


def test_synthgov_yaml_comes_before_the_hidden_name_and_pyproject(tmp_path: Path) -> None:
    for name in (".synthgov.yaml", "synthgov.yaml"):
        (tmp_path / name).write_text("{}\n")
    (tmp_path / "pyproject.toml").write_text("[tool.synthgov]\nfail_on = 'info'\n")
    assert find_config(str(tmp_path)) == str(tmp_path / "synthgov.yaml")
    (tmp_path / "synthgov.yaml").unlink()
    assert find_config(str(tmp_path)) == str(tmp_path / ".synthgov.yaml")
    (tmp_path / ".synthgov.yaml").unlink()
    assert find_config(str(tmp_path)) == str(tmp_path / "pyproject.toml")


def test_the_look_up_walks_up_and_the_nearest_config_wins(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (tmp_path / "synthgov.yaml").write_text("{}\n")
    assert find_config(str(deep)) == str(tmp_path / "synthgov.yaml")
    (tmp_path / "a" / "pyproject.toml").write_text("[tool.synthgov]\n")
    assert find_config(str(deep)) == str(tmp_path / "a" / "pyproject.toml")


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    sub = tmp_path / "pkg"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    (tmp_path / ".synthgov.yaml").write_text("{}\n")
    assert find_config(str(sub)) == str(tmp_path / ".synthgov.yaml")


def test_a_directory_with_a_config_name_is_not_a_config(tmp_path: Path) -> None:
    (tmp_path / "synthgov.yaml").mkdir()
    (tmp_path / ".synthgov.yaml").write_text("{}\n")
    assert find_config(str(tmp_path)) == str(tmp_path / ".synthgov.yaml")


def test_without_a_config_the_look_up_finds_what_the_parent_finds(tmp_path: Path) -> None:
    empty = tmp_path / "x" / "y"
    empty.mkdir(parents=True)
    found = find_config(str(empty))
    assert found == find_config(str(tmp_path.parent))
    assert found is None or not found.startswith(str(tmp_path))


# --------------------------------------------------------------------------- reading it


def test_no_config_means_the_defaults_rooted_at_the_working_directory() -> None:
    config = load_config(None, cwd=ROOT)
    assert config.path is None and config.root == ROOT
    assert config.policies == DEFAULT_POLICIES == ("builtin:baseline",)
    assert config.fail_on == "error" and config.cache_enabled
    assert astuple(config.limits) == astuple(Limits())


def test_an_empty_file_is_the_defaults_rooted_at_the_file() -> None:
    config = _load("")
    assert config.path == f"{ROOT}/synthgov.yaml" and config.root == ROOT
    assert config.policies == DEFAULT_POLICIES and config.fail_on == "error"


def test_a_yaml_config_is_read_into_its_fields() -> None:
    config = _load(
        "policies: [builtin:baseline, policies/team.yaml]\n"
        "include: ['datasets/**']\n"
        "exclude: ['**/draft/**']\n"
        "fail_on: warning\n"
        "baseline: .synthgov-baseline.json\n"
        "format: sarif\n"
        "cache: {enabled: false, dir: .cache}\n"
        "limits: {max_bytes: 1000, hash_seconds: 2.5}\n"
        "x-team: data-platform\n"
    )
    assert config.policies == ("builtin:baseline", "policies/team.yaml")
    assert config.include == ("datasets/**",) and config.exclude == ("**/draft/**",)
    assert config.fail_on == "warning" and config.format == "sarif"
    assert config.baseline == ".synthgov-baseline.json"
    assert not config.cache_enabled and config.cache_dir == ".cache"
    assert config.limits.max_bytes == 1000 and config.limits.hash_seconds == 2.5
    assert config.limits.max_depth == Limits().max_depth  # not given: the default
    assert config.raw["x-team"] == "data-platform"


def test_the_tool_table_of_pyproject_is_read() -> None:
    config = _load(
        "[project]\nname = 'acme'\n\n[tool.synthgov]\nfail_on = 'info'\n"
        "policies = ['builtin:strict']\n",
        name="pyproject.toml",
    )
    assert config.path == f"{ROOT}/pyproject.toml" and config.root == ROOT
    assert config.fail_on == "info" and config.policies == ("builtin:strict",)


def test_errors_name_the_file_as_the_caller_displays_it() -> None:
    path = f"{ROOT}/synthgov.yaml"
    with pytest.raises(ConfigError) as caught:
        load_config(
            path,
            cwd=ROOT,
            reader=_reader({path: "fail_on: never\n"}),
            display=lambda p: p.removeprefix(ROOT + "/"),
        )
    assert str(caught.value).startswith("synthgov.yaml:1: ")


# --------------------------------------------------------------------------- failing closed


def test_a_config_error_is_a_policy_error() -> None:
    """The CLI maps every PolicyError to exit 2 with its one line."""
    assert isinstance(_error("fail_on: never\n"), PolicyError)


def test_a_missing_config_file_is_an_error_not_the_defaults() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(f"{ROOT}/synthgov.yaml", cwd=ROOT, reader=_reader({}))
    assert str(caught.value) == f"{ROOT}/synthgov.yaml: config file not found or not readable"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        # typos in keys fail closed, at the line of the key
        ("policies: [builtin:baseline]\npolices: [x]\n", 2, "unknown key 'polices'"),
        ("fail_on: error\ncache:\n  enabeld: false\n", 3, "enabeld"),
        ("limits:\n  max_byte: 10\n", 2, "max_byte"),
        ("report:\n  titel: Audit\n", 2, "titel"),
        # typos in values, at the line of the value
        ("format: jsn\n", 1, "format"),
        ("fail_on: errors\n", 1, "fail_on"),
        ("cache:\n  enabled: 'yes'\n", 2, "cache/enabled"),
        ("limits:\n  max_bytes: 0\n", 2, "limits/max_bytes"),
        ("policies: builtin:baseline\n", 1, "policies"),
        ("plugins: ['acme rules']\n", 1, "plugins/0"),
    ],
)
def test_a_schema_violation_is_one_line_with_file_and_line(
    text: str, line: int, words: str
) -> None:
    error = _error(text)
    assert error.line == line
    message = str(error)
    assert message.startswith(f"{ROOT}/synthgov.yaml:{line}: config does not match its schema")
    assert words in message and "\n" not in message


def test_extension_keys_are_not_typos() -> None:
    config = _load("x-owner: data-platform\ncache: {x-note: shared}\n")
    assert config.raw["x-owner"] == "data-platform"


def test_a_duplicate_key_fails_at_its_second_line() -> None:
    error = _error("fail_on: error\nformat: text\nfail_on: info\n")
    assert error.line == 3 and "duplicate key 'fail_on'" in str(error)


def test_a_yaml_syntax_error_is_one_line_with_its_line() -> None:
    error = _error("include:\n  - a\nfail_on: [\n")
    assert error.line is not None and error.line >= 3
    assert "YAML" in str(error) and "\n" not in str(error)


def test_a_config_that_is_not_a_mapping_fails() -> None:
    assert str(_error("- builtin:baseline\n")) == (
        f"{ROOT}/synthgov.yaml:1: the config must be a mapping"
    )


def test_a_typo_in_the_tool_table_fails_closed() -> None:
    error = _error("[tool.synthgov]\nfail_onn = 'warning'\n", name="pyproject.toml")
    assert str(error).startswith(f"{ROOT}/pyproject.toml")
    assert "unknown key 'fail_onn'" in str(error) and "\n" not in str(error)


def test_invalid_toml_is_one_line() -> None:
    error = _error("[tool.synthgov\n", name="pyproject.toml")
    assert str(error).startswith(f"{ROOT}/pyproject.toml: invalid TOML: ")
    assert "\n" not in str(error)
