"""The analytics package's public surface: every name in ``__all__`` exists and every method is documented."""

from __future__ import annotations

from pathlib import Path

import peel.analytics as analytics
from peel.analytics.methods import METHODS

DOCS = Path(__file__).resolve().parents[3] / "docs" / "analytics.md"


def test_every_public_name_is_importable() -> None:
    missing = [name for name in analytics.__all__ if not hasattr(analytics, name)]
    assert missing == []


def test_every_method_and_cli_command_is_in_the_docs() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name in (*METHODS, "forecast", "backtest", "knox", "check"):
        assert f"`{name}`" in text, name
