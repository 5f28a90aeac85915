"""The shape of the code: route and page modules are entry points, never libraries; capabilities plug in by manifest.

import-linter (``make lint``) checks the layer order declared in pyproject.toml; this file checks what it cannot.
"""

from __future__ import annotations

import ast
from pathlib import Path

import peel.capabilities
from peel.core.capability import installed

PEEL = Path(__file__).resolve().parents[2] / "peel"


def _module(path: Path) -> str:
    return ".".join(("peel", *path.relative_to(PEEL).with_suffix("").parts)).removesuffix(".__init__")


def _entry_points() -> set[str]:
    return {name for cap in installed() for name in cap.routers}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_module_imports_a_route_or_page_module() -> None:
    entry = _entry_points()
    offenders = [
        f"{_module(path)} imports {name}"
        for path in sorted(PEEL.rglob("*.py"))
        for name in sorted(_imports(path) & entry)
    ]
    assert not offenders, "move shared code (presenters, helpers) out of route modules:\n" + "\n".join(offenders)


def test_every_route_module_is_declared_by_its_capabilitys_manifest() -> None:
    declared = _entry_points()
    with_router = {
        _module(path)
        for path in PEEL.rglob("*.py")
        if "router = APIRouter(" in path.read_text() and _module(path) != "peel.web.app"
    }
    assert with_router == declared, f"undeclared: {with_router - declared}; absent: {declared - with_router}"


def test_every_installed_capability_lives_in_its_own_folder() -> None:
    for name in peel.capabilities.INSTALLED:
        folder = PEEL.joinpath(*name.split(".")[1:])
        assert (folder / "capability.py").is_file(), f"{name} has no capability.py"
