"""`peel serve` refuses the development secret key (anyone can read it in the source) unless in demo mode."""

from __future__ import annotations

from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from peel.cli.main import app as cli


class Served:
    """Stands in for uvicorn.run: records that the server would have started, and with what."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, target: str, **options: Any) -> None:
        self.calls.append({"target": target, **options})


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Served:
    fake = Served()
    monkeypatch.setattr(uvicorn, "run", fake)
    monkeypatch.delenv("PEEL_SECRET_KEY", raising=False)
    monkeypatch.chdir("/")  # no .env file with a key
    return fake


def test_it_refuses_the_development_key_and_says_how_to_set_one(served: Served) -> None:
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2
    assert "PEEL_SECRET_KEY" in result.output and "--demo" in result.output
    assert served.calls == []


def test_it_serves_the_demo_with_the_development_key(served: Served) -> None:
    result = CliRunner().invoke(cli, ["serve", "--demo"])
    assert result.exit_code == 0, result.output
    assert len(served.calls) == 1


def test_it_serves_with_a_real_key(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEEL_SECRET_KEY", "k" * 48)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 0, result.output
    assert len(served.calls) == 1


def test_it_refuses_a_short_key(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEEL_SECRET_KEY", "short")
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2 and "at least 32" in result.output
    assert served.calls == []
