"""Guard rail: the access rule is written once. Outside ``peel/identity`` no module may call ``policy.may`` or
``policy.scope_for``, build a ``Relation``, or write its own visibility filter (a condition on a ``restricted``
column, or a sub-query of ``AccessGrant`` rows); they ask ``peel.identity.access`` instead."""

from __future__ import annotations

import ast
from pathlib import Path

PEEL = Path(__file__).resolve().parents[3] / "peel"
IDENTITY = PEEL / "identity"
BANNED_CALLS = {"may", "scope_for", "Relation", "granted_ids"}
BANNED_NAMES = {"AccessGrant", "Scope"}


def offences(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in BANNED_CALLS:
                found.append((node.lineno, f"calls {name}()"))
        if isinstance(node, ast.Call | ast.Compare) and _tests_restricted_column(node):
            found.append((node.lineno, "filters on a restricted column"))
        elif isinstance(node, ast.Name) and node.id in BANNED_NAMES:
            found.append((node.lineno, f"uses {node.id}"))
        elif isinstance(node, ast.Attribute) and node.attr in BANNED_NAMES:
            found.append((node.lineno, f"uses {node.attr}"))
        elif isinstance(node, ast.ImportFrom) and node.module == "peel.identity.policy":
            names = {a.name for a in node.names} & (BANNED_CALLS | BANNED_NAMES)
            if names:
                found.append((node.lineno, f"imports {', '.join(sorted(names))} from the policy"))
    return found


def _column(node: ast.expr) -> bool:
    """``Model.restricted`` (on a capitalised class) is a column; ``record.restricted`` is a record's data."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "restricted"
        and isinstance(node.value, ast.Name)
        and node.value.id[:1].isupper()
    )


def _tests_restricted_column(node: ast.Call | ast.Compare) -> bool:
    """``Model.restricted.is_(False)`` or ``Model.restricted == False``: a hand-written visibility condition.
    Selecting the column as data (e.g. to keep restricted records out of anonymous aggregates) is not one."""
    if isinstance(node, ast.Compare):
        return any(_column(side) for side in [node.left, *node.comparators])
    return isinstance(node.func, ast.Attribute) and _column(node.func.value)


def scan(root: Path) -> list[str]:
    out: list[str] = []
    for path in sorted(root.rglob("*.py")):
        if IDENTITY in path.parents or "migrations" in path.parts:
            continue
        for line, what in offences(ast.parse(path.read_text(), str(path))):
            out.append(f"{path.relative_to(root.parent)}:{line} {what}")
    return out


def test_it_finds_no_access_rule_written_outside_identity() -> None:
    assert scan(PEEL) == []


def test_it_catches_each_kind_of_copied_rule() -> None:
    copied = """
from peel.identity import policy
from peel.people.models import Person
policy.may("officer", "incident.read", policy.Relation())
policy.scope_for("officer", "incident.list")
stmt.where(Person.restricted.is_(False))
select(AccessGrant.object_id)
if policy.scope_for("analyst", "x") is policy.Scope.ALL: pass
"""
    kinds = sorted({what.split()[0] + " " + what.split()[1] for _, what in offences(ast.parse(copied))})
    assert kinds == [
        "calls Relation()",
        "calls may()",
        "calls scope_for()",
        "filters on",
        "uses AccessGrant",
        "uses Scope",
    ]
