"""Capabilities plug in through their manifest: a new folder touches no central file but the installed list."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import peel.capabilities
from peel.core import capability
from peel.identity import policy
from peel.settings import Settings
from peel.web.app import create_app
from peel.web.deps import app_routes
from tests.support.staff import staff

SAMPLE = "tests.support.sample_capability"


def _reset() -> None:
    capability.installed.cache_clear()
    policy.POLICY.reset()


@pytest.fixture
def with_sample(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(peel.capabilities, "INSTALLED", (*peel.capabilities.INSTALLED, SAMPLE))
    _reset()
    yield
    monkeypatch.undo()
    _reset()


@pytest.fixture
def sample_app(with_sample: None, settings: Settings) -> FastAPI:
    return create_app(settings)


def test_it_serves_a_capability_declared_only_in_its_manifest(sample_app: FastAPI) -> None:
    with TestClient(sample_app) as client:
        supervisor = staff(sample_app, client, "supervisor")
        page = client.get("/sample", headers=supervisor.headers)
        assert page.status_code == 200, page.text
        assert "Sample capability" in page.text  # its own template folder
        assert 'href="/sample"' in page.text  # its navigation link
        officer = staff(sample_app, client, "officer")
        assert client.get("/sample", headers=officer.headers).status_code == 403  # its policy row


def test_its_policy_row_joins_the_one_table(with_sample: None) -> None:
    assert policy.roles_allowed("sample.read") == ["supervisor"]


def test_an_action_declared_twice_is_refused(monkeypatch: pytest.MonkeyPatch, with_sample: None) -> None:
    sample = capability.load([SAMPLE])[0]
    clash = capability.Capability(name="clash", package=SAMPLE, policy={"incident.read": sample.policy["sample.read"]})
    monkeypatch.setattr(capability, "installed", lambda: (clash,))
    policy.POLICY.reset()
    with pytest.raises(RuntimeError, match="declared twice"):
        policy.may_attempt("supervisor", "incident.read")
    policy.POLICY.reset()


def test_every_route_module_in_the_tree_is_declared_by_a_manifest(app: FastAPI) -> None:
    declared = {name for cap in capability.installed() for name in cap.routers}
    served = {info.route.endpoint.__module__ for info in app_routes(app)}
    assert served <= declared | {"peel.web.app"}, served - declared
    assert declared <= served, f"declared routers that serve nothing: {declared - served}"
