"""Docs are checked: every CLI command and every setting is documented."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from headway.cli import app
from headway.conf.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


def command_paths(group, prefix: str = "headway") -> list[str]:
    paths = []
    for name, command in sorted(getattr(group, "commands", {}).items()):
        path = f"{prefix} {name}"
        paths.append(path)
        paths.extend(command_paths(command, path))
    return paths


COMMANDS = command_paths(typer.main.get_command(app))


def test_the_command_tree_is_discovered():
    assert {"headway init", "headway user create", "headway token revoke"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_docs_cli(command):
    assert f"`{command}" in (ROOT / "docs" / "cli.md").read_text(), f"document `{command}` in docs/cli.md"


@pytest.mark.parametrize("setting", SETTINGS)
def test_every_setting_is_in_docs_settings(setting):
    assert f"`{setting}`" in (ROOT / "docs" / "settings.md").read_text()


def test_readme_gives_the_two_commands_and_production_settings():
    readme = (ROOT / "README.md").read_text()
    for needle in ("make demo", "make test", "HEADWAY_SECRET_KEY", "HEADWAY_DATABASE_URL", "HEADWAY_EVENTS_URL",
                   "HEADWAY_HOME", "postgres://"):
        assert needle in readme
