"""Every setting and every CLI command appears in the README (datasette's rule: undocumented means unfinished)."""

from __future__ import annotations

from pathlib import Path

from peel.cli.main import app
from peel.settings import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_every_setting_is_in_the_readme_table() -> None:
    missing = [name for name in Settings.model_fields if f"`PEEL_{name.upper()}`" not in README]
    assert not missing


def test_every_cli_command_is_in_the_readme() -> None:
    groups = {g.name: g.typer_instance for g in app.registered_groups}
    commands = [f"peel {c.name or c.callback.__name__}" for c in app.registered_commands]  # type: ignore[union-attr]
    for group, sub in groups.items():
        commands += [f"peel {group} {c.name}" for c in sub.registered_commands]  # type: ignore[union-attr]
    missing = [c for c in commands if f"`{c}" not in README]
    assert not missing


def test_the_quick_start_has_exactly_the_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick.splitlines() if line.startswith("make ")]
    assert commands == ["make demo", "make test"]
