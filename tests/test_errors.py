"""One error tree (issue 12): every input problem is a SynthgovError, exit 2 from the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from synthgov.app import baseline as baselinefile
from synthgov.app.gitdiff import GitError
from synthgov.cli import main as cli
from synthgov.core import errors
from synthgov.core.errors import (
    BaselineError,
    ConfigError,
    PluginError,
    PolicyError,
    RegistryError,
    SynthgovError,
)
from synthgov.policy import config


def test_the_tree() -> None:
    for cls in (ConfigError, BaselineError, GitError):
        assert issubclass(cls, PolicyError)
    for cls in (PolicyError, PluginError, RegistryError):
        assert issubclass(cls, SynthgovError)
    assert issubclass(RegistryError, ValueError)  # callers that catch ValueError still do
    assert not issubclass(SynthgovError, ValueError)


def test_the_old_import_paths_name_the_same_classes() -> None:
    from synthgov.models.registry import RegistryError as FromRegistry
    from synthgov.plugins.manager import PluginError as FromPlugins
    from synthgov.policy.resolve import PolicyError as FromPolicy

    assert (FromPolicy, FromPlugins, FromRegistry) == (PolicyError, PluginError, RegistryError)


def test_a_bad_config_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "synthgov.yaml"
    path.write_text("fail_on: sometimes\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        config.load_config(str(path), cwd=str(tmp_path))
    assert info.value.path.endswith("synthgov.yaml")
    assert str(info.value).startswith(info.value.path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        (json.dumps({"version": 99, "findings": []}), "not a synthgov baseline"),
        (json.dumps({"version": 1, "findings": [{"rule": "SG101"}]}), "lacks rule, path"),
    ],
)
def test_a_bad_baseline_is_a_baseline_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BaselineError, match=message):
        baselinefile.load(str(path), "baseline.json")


def test_exit_codes_are_mapped_in_one_place() -> None:
    assert cli.exit_code_for(ConfigError("synthgov.yaml", 3, "bad")) == cli.EXIT_ERROR
    assert cli.exit_code_for(PluginError("two plugins register SG101")) == cli.EXIT_ERROR
    assert cli.exit_code_for(RegistryError("bad entry")) == cli.EXIT_ERROR
    assert cli.exit_code_for(ValueError("not ours")) is None


def test_an_escaping_synthgov_error_is_one_line_and_exit_2() -> None:
    # a group of the CLI's own class, with one command that lets a SynthgovError escape
    @click.group(cls=cli.SynthgovGroup)
    def group() -> None:
        pass

    @group.command()
    def boom() -> None:
        raise errors.BaselineError("base.json", None, "baseline has no findings list")

    @group.command()
    def other() -> None:
        raise ValueError("a bug, not an input problem")

    result = CliRunner().invoke(group, ["boom"])
    assert result.exit_code == cli.EXIT_ERROR
    assert result.output == "synthgov: error: base.json: baseline has no findings list\n"
    # anything else is not swallowed: a bug stays visible
    result = CliRunner().invoke(group, ["other"])
    assert isinstance(result.exception, ValueError)
