"""One injected clock: nothing in Peel reads the wall clock except the clock module and the command line."""

from __future__ import annotations

import ast
from pathlib import Path

PEEL = Path(__file__).resolve().parents[3] / "peel"
# The command line is the edge where a person runs Peel now; everything below it is handed a clock.
ALLOWED = {Path("core/clock.py")}


def _is_cli(path: Path) -> bool:
    return path.parts[0] == "cli" or path.name == "cli.py"


def wall_clock_reads(source: str) -> list[int]:
    """Lines calling ``utcnow()``, ``datetime.now()``/``utcnow()``/``today()`` or ``date.today()``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (isinstance(func, ast.Name) and func.id == "utcnow") or (
            isinstance(func, ast.Attribute)
            and func.attr in {"now", "utcnow", "today"}
            and isinstance(func.value, ast.Name)
            and func.value.id in {"datetime", "date"}
        ):
            found.append(node.lineno)
    return found


def test_it_finds_no_wall_clock_read_outside_the_clock_and_the_command_line() -> None:
    offenders = []
    for path in sorted(PEEL.rglob("*.py")):
        relative = path.relative_to(PEEL)
        if relative in ALLOWED or _is_cli(relative):
            continue
        offenders += [f"peel/{relative}:{line}" for line in wall_clock_reads(path.read_text())]
    assert not offenders, "read time from the injected clock (uow.now(), platform.clock()):\n" + "\n".join(offenders)


def test_it_recognises_each_way_of_reading_the_wall_clock() -> None:
    source = "utcnow()\ndatetime.now(UTC)\ndatetime.utcnow()\ndate.today()\nuow.now()\nclock()\n"
    assert wall_clock_reads(source) == [1, 2, 3, 4]
