"""The leak sweep: with a restricted person, incident and case in the database, every role calls every GET route
(pages and API, with the restricted refs and ordinary ones in every path parameter), the live stream and its
replay, and no response shows the restricted records' distinctive strings. The owner, who is granted them, is the
control: the same sweep finds the strings in the owner's answers, so the check can fail.
"""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient

from peel.identity.policy import PUBLIC_ACTIONS, may_attempt
from peel.web.deps import RouteInfo, app_routes
from tests.integration.test_restricted_records_do_not_leak import replay
from tests.support import restricted
from tests.support.staff import Staff, every_role

NEVER_ENDING = {"/api/v1/events/stream"}  # read through the in-process stream reader instead
# Searches by a prefix of the name (which finds the person) so that a page echoing the query is not a leak.
PARAMS = {"q": restricted.SURNAME[:-3], "surname": restricted.SURNAME[:-3], "phone": restricted.PHONE}


def values_for(route: RouteInfo, world: restricted.World) -> list[str]:
    """Real ids for the route's path parameter: the restricted record's and an ordinary one's."""
    path = route.path
    if "{" not in path:
        return [path]
    if "/people/" in path:
        refs = [world.person]
    elif "/locations/" in path:
        refs = [world.home]
    elif "/vehicles/" in path:
        refs = [world.vrm]
    elif "/cases/" in path:
        refs = [world.case, world.open_case]
    elif "/incidents/" in path:
        refs = [world.incident, world.open_incident]
    else:
        refs = ["1"]
    return [re.sub(r"\{[^}]+\}", ref, path) for ref in refs]


def audit_first(route: RouteInfo) -> tuple[int, str]:
    # The audit log rightly records what was searched for; read it before the sweep searches for the name.
    return (0 if "audit" in route.path else 1, route.path)


def sweep(client: TestClient, member: Staff, world: restricted.World) -> list[str]:
    """Every leak of a restricted string in the answers to this member."""
    leaks: list[str] = []
    routes = sorted((r for r in app_routes(client.app) if "GET" in r.methods), key=audit_first)  # type: ignore[arg-type]
    for route in routes:
        if route.path in NEVER_ENDING or route.action in PUBLIC_ACTIONS:
            continue
        if not may_attempt(member.role, route.action or ""):
            continue
        for path in values_for(route, world):
            headers = member.headers if path.startswith("/api/") else {**member.headers, "Accept": "text/html"}
            text = client.get(path, headers=headers, params=PARAMS, follow_redirects=False).text
            named = [ref for ref in world.refs if ref not in path and "audit" not in path]
            leaks += [f"{member.role} GET {path}: {w}" for w in (*world.words, *named) if w in text]
    return leaks


def test_no_role_is_shown_a_restricted_record_through_any_get_route_or_the_stream(
    app: FastAPI, client: TestClient
) -> None:
    world = restricted.build(app, client)
    staff = every_role(app, client)
    leaks: list[str] = []
    for member in staff.values():
        leaks += sweep(client, member, world)
        if may_attempt(member.role, "events.subscribe"):
            shown = replay(app, member, "case" if member.role == "prosecutor" else "incident")
            leaks += [f"{member.role} stream: {w}" for w in (*world.words, *world.refs) if w in shown]
    assert not leaks, "\n".join(leaks)
    granted = sweep(client, world.owner, world)
    assert any(restricted.SURNAME in leak for leak in granted)
    assert any(restricted.CASE_TITLE in leak for leak in granted)
    assert any(restricted.HOME in leak for leak in granted)
