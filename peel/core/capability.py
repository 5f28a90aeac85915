"""Capabilities as plug-in folders: what a folder adds to Peel, declared in one place inside the folder.

Each capability (``peel/contact``, ``peel/analytics``, later ``peel/dispatch`` …) has a ``capability.py`` whose
``CAPABILITY`` says what it contributes: routers, models, navigation links, templates, job handlers, policy rows
and contributions to other capabilities' extension points (e.g. panels on the incident page). The manifest is
plain data: dotted names, imported only when the app is assembled, so reading a manifest builds nothing.

The installed list lives in ``peel/capabilities.py``; that list is the only central file a new capability edits.
Discovery by name (``importlib``) is deliberate: the layers below (identity's policy table, the database's
metadata) can find what is installed without importing the layers above them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

INSTALLED_MODULE = "peel.capabilities"


@dataclass(frozen=True)
class NavLink:
    """A navigation entry; it is shown only to roles the policy lets attempt ``action``."""

    label: str
    href: str
    action: str
    order: int = 100


@dataclass(frozen=True)
class Capability:
    """What one capability folder adds. Every dotted name is imported at assembly, never at import time.

    * ``routers``: modules exposing ``router`` (an APIRouter), included in the app in this order;
    * ``models``: modules defining SQLAlchemy models (for Alembic and the schema check);
    * ``navigation``: links in the page header;
    * ``templates``: a template folder relative to the package, searched after the shared templates;
    * ``policy``: rows of the one policy table for actions this capability introduces, in the table's format
      (one scope or None per role, columns in ``peel.identity.policy.ROLES`` order);
    * ``public_actions``: actions of routes that need no sign-in;
    * ``jobs``: ``"module:function"`` names, each called with the job registry to register handlers;
    * ``contributes``: extension point → ``"module:function"`` names (e.g. ``"incident.page"``).
    """

    name: str
    package: str
    routers: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    navigation: tuple[NavLink, ...] = ()
    templates: str | None = None
    policy: Mapping[str, tuple[str | None, ...]] = field(default_factory=dict)
    public_actions: frozenset[str] = frozenset()
    jobs: tuple[str, ...] = ()
    contributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def template_dir(self) -> Path | None:
        if self.templates is None:
            return None
        module = importlib.import_module(self.package)
        return Path(module.__file__ or "").parent / self.templates


def resolve(name: str) -> Any:
    """``"package.module:attribute"`` → the attribute; ``"package.module"`` → the module."""
    module_name, _, attribute = name.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def load(names: Sequence[str]) -> tuple[Capability, ...]:
    """The manifests of the named capability packages, refusing duplicates and malformed manifests."""
    out: list[Capability] = []
    for name in names:
        manifest = importlib.import_module(f"{name}.capability")
        cap = getattr(manifest, "CAPABILITY", None)
        if not isinstance(cap, Capability):
            raise RuntimeError(f"{name}.capability defines no CAPABILITY")
        if cap.package != name:
            raise RuntimeError(f"{name}.capability declares package {cap.package!r}")
        out.append(cap)
    seen: set[str] = set()
    for cap in out:
        if cap.name in seen:
            raise RuntimeError(f"capability {cap.name!r} is installed twice")
        seen.add(cap.name)
    return tuple(out)


@cache
def installed() -> tuple[Capability, ...]:
    """The installed capabilities, in the order of ``peel.capabilities.INSTALLED``."""
    names: Sequence[str] = importlib.import_module(INSTALLED_MODULE).INSTALLED
    return load(names)


def contributions(point: str, capabilities: Sequence[Capability] | None = None) -> Iterator[Callable[..., Any]]:
    """The functions contributed to an extension point, in installation order."""
    for cap in installed() if capabilities is None else capabilities:
        for name in cap.contributes.get(point, ()):
            yield resolve(name)
