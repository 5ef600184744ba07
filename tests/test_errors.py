"""One error tree (issue 12): every input problem is a SynthgovError, exit 2 from the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from synthgov.app import baseline as baselinefile
from synthgov.app.check.gitdiff import GitError
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


def test_a_returned_exit_code_ends_the_process_with_it() -> None:
    @click.group(cls=cli.SynthgovGroup)
    def group() -> None:
        pass

    @group.command()
    def findings() -> int:
        return cli.EXIT_FINDINGS

    @group.command()
    def usage() -> int:
        raise errors.UsageError("--dry-run goes with --fix")

    assert CliRunner().invoke(group, ["findings"]).exit_code == cli.EXIT_FINDINGS
    result = CliRunner().invoke(group, ["usage"])
    assert (result.exit_code, result.output) == (2, "synthgov: error: --dry-run goes with --fix\n")
    assert cli.exit_code_for(errors.UsageError("x")) == cli.EXIT_ERROR


CLI_ROOT = Path(__file__).resolve().parent.parent / "synthgov" / "cli"
EXITING = {"main.py", "console.py"}  # the group's exit-code mapping; the process entry point


def test_only_the_group_and_the_entry_point_exit() -> None:
    """Commands return their exit code or raise a SynthgovError; none exits by itself,
    prints its own error line or raises click's exceptions with an ad-hoc code."""
    import ast

    stray = []
    for path in sorted(CLI_ROOT.glob("*.py")):
        if path.name in EXITING:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in ("exit", "_exit", "abort"):
                stray.append(f"{path.name}:{node.lineno}: .{node.attr}")
            if isinstance(node, ast.Name) and node.id in ("SystemExit", "ClickException"):
                stray.append(f"{path.name}:{node.lineno}: {node.id}")
            if isinstance(node, ast.Constant) and "synthgov: error" in str(node.value):
                stray.append(f"{path.name}:{node.lineno}: an error line of its own")
    assert not stray, stray
    assert {p.name for p in CLI_ROOT.glob("*.py")} - EXITING  # the walk saw the commands


def test_every_command_returns_through_the_group() -> None:
    group = cli.main
    ctx = click.Context(group)
    names = group.list_commands(ctx)
    assert names == sorted(cli.COMMANDS) and "check" in names and "verify" in names
    for name in names:
        command = group.get_command(ctx, name)
        assert isinstance(command, click.Command), name
        assert command.name == name, (name, command.name)
    assert group.get_command(ctx, "nope") is None
