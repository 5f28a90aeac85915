"""The header rules on their own: which answers may be stored, Secure cookies, the report's hashed styles, Allow."""

from __future__ import annotations

import base64
import hashlib

from starlette.datastructures import MutableHeaders

from peel.web.security import CONTENT_SECURITY_POLICY, allowed_methods, document_policy, secure_headers


def _headers(path: str, https_only: bool = False, **given: str) -> MutableHeaders:
    headers = MutableHeaders(raw=[(k.replace("_", "-").encode(), v.encode()) for k, v in given.items()])
    secure_headers(path, headers, https_only=https_only)
    return headers


def test_it_forbids_storing_everything_but_static_assets() -> None:
    assert _headers("/people/P-1")["cache-control"] == "no-store"
    assert _headers("/api/v1/people")["pragma"] == "no-cache"
    assert "cache-control" not in _headers("/static/peel.css")
    assert "cache-control" not in _headers("/vendor/leaflet/leaflet.js")
    assert _headers("/static-looking-page")["cache-control"] == "no-store"


def test_it_keeps_a_caching_choice_a_route_made_and_a_stricter_policy() -> None:
    roads = _headers("/api/v1/map/roads", cache_control="private, max-age=3600")
    assert roads["cache-control"] == "private, max-age=3600" and "pragma" not in roads
    report = _headers("/report", content_security_policy="default-src 'none'")
    assert report["content-security-policy"] == "default-src 'none'"
    assert _headers("/")["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_it_marks_every_cookie_secure_only_behind_https() -> None:
    given = {"set_cookie": "peel_session=abc; HttpOnly; Path=/"}
    assert "secure" not in _headers("/login", **given)["set-cookie"].lower()
    secured = _headers("/login", https_only=True, **given)
    assert secured["set-cookie"] == "peel_session=abc; HttpOnly; Path=/; Secure"
    assert secured["strict-transport-security"].startswith("max-age=")
    headers = MutableHeaders()
    headers.append("set-cookie", "a=1; Secure")
    headers.append("set-cookie", 'b=""; Max-Age=0')
    secure_headers("/logout", headers, https_only=True)
    assert headers.getlist("set-cookie") == ["a=1; Secure", 'b=""; Max-Age=0; Secure']


def test_it_allows_only_the_report_s_own_styles_by_hash() -> None:
    style = "body{margin:0}"
    policy = document_policy(f"<html><head><style>{style}</style></head><body><svg></svg></body></html>")
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe" not in policy and "script-src" not in policy
    assert "style-src 'none'" in document_policy("<p>no styles</p>")


def test_it_names_every_method_of_every_route_on_the_path() -> None:
    routes = [("/login", {"GET"}), ("/login", {"POST"}), ("/people/{ref}", {"GET"}), ("/people", {"GET", "POST"})]
    assert allowed_methods(routes, "/login") == "GET, POST"
    assert allowed_methods(routes, "/people/P-1") == "GET"
    assert allowed_methods(routes, "/people/P-1/extra") == ""
