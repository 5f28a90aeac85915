"""Security headers on every answer: a strict Content-Security-Policy, no browser storage of staff pages and API
answers, HSTS and Secure cookies behind HTTPS, and 405 answers that say which methods the path accepts."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from peel.web.app import create_app
from tests.conftest import make_settings
from tests.support.staff import PASSWORD, staff

HTML = {"Accept": "text/html"}
PERSON = {
    "forenames": "Mo",
    "surname": "Private",
    "markers": [{"kind": "vulnerability", "code": "mental_health", "note": "crisis history"}],
}


def _directives(policy: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def _person(app: FastAPI, client: TestClient) -> tuple[dict[str, str], str]:
    handler = staff(app, client, "call_handler")
    made = client.post("/api/v1/people", json=PERSON, headers=handler.headers)
    assert made.status_code == 201, made.text
    return handler.headers, str(made.json()["ref"])


def test_it_sends_a_strict_content_security_policy_on_every_page(app: FastAPI, client: TestClient) -> None:
    headers, ref = _person(app, client)
    answers = [
        client.get("/login", headers=HTML),
        client.get("/report", headers=HTML),
        client.get(f"/people/{ref}", headers={**headers, **HTML}),
        client.get("/contact/console", headers={**headers, **HTML}),
        client.get("/people/P-NOPE", headers={**headers, **HTML}),
        client.get("/api/v1/incidents", headers=headers),
    ]
    for answer in answers:
        policy = _directives(answer.headers.get("content-security-policy", ""))
        where = answer.request.url.path
        assert policy.get("default-src") == ["'self'"], where
        assert policy.get("script-src") == ["'self'"], where
        assert policy.get("style-src") == ["'self'"], where
        assert policy.get("object-src") == ["'none'"], where
        assert policy.get("base-uri") == ["'none'"], where
        assert policy.get("frame-ancestors") == ["'none'"], where
        assert policy.get("form-action") == ["'self'"], where
        assert policy.get("connect-src") == ["'self'"], where
        assert set(policy.get("img-src", [])) == {"'self'", "data:"}, where
        assert not any("unsafe" in source for sources in policy.values() for source in sources), where
        assert answer.headers["x-content-type-options"] == "nosniff", where
        assert answer.headers["x-frame-options"] == "DENY", where
        assert answer.headers["referrer-policy"] == "same-origin", where


def test_it_forbids_browsers_to_store_staff_pages_and_api_answers(app: FastAPI, client: TestClient) -> None:
    headers, ref = _person(app, client)
    answers = [
        client.get(f"/people/{ref}", headers={**headers, **HTML}),
        client.get("/people?q=priv", headers={**headers, **HTML}),
        client.get("/incidents", headers={**headers, **HTML}),
        client.get("/", headers={**headers, **HTML}),
        client.get("/login", headers=HTML),
        client.get(f"/api/v1/people/{ref}", headers=headers),
        client.get("/people/P-NOPE", headers={**headers, **HTML}),
        client.get("/healthz"),
    ]
    for answer in answers:
        where = answer.request.url.path
        assert "no-store" in answer.headers.get("cache-control", ""), where
        assert answer.headers.get("pragma") == "no-cache", where


def test_it_lets_browsers_cache_static_assets(client: TestClient) -> None:
    for path in ("/static/peel.css", "/vendor/leaflet/leaflet.js"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert "no-store" not in answer.headers.get("cache-control", ""), path
        assert "content-security-policy" in answer.headers, path


def test_it_names_the_allowed_methods_on_a_405(app: FastAPI, client: TestClient) -> None:
    headers, ref = _person(app, client)
    api = client.delete(f"/api/v1/people/{ref}", headers=headers)
    assert api.status_code == 405
    assert api.headers["content-type"].startswith("application/problem+json")
    assert {m.strip() for m in api.headers["allow"].split(",")} == {"GET"}
    page = client.put("/login", headers=HTML)
    assert page.status_code == 405
    assert {m.strip() for m in page.headers["allow"].split(",")} == {"GET", "POST"}


def test_it_sends_no_hsts_over_plain_http_by_default(client: TestClient) -> None:
    answer = client.get("/login", headers=HTML)
    assert "strict-transport-security" not in answer.headers
    assert "secure" not in answer.headers["set-cookie"].lower()


def test_it_sends_hsts_and_secure_cookies_when_cookie_secure_is_set(database_url: str) -> None:
    secure = create_app(make_settings(database_url, cookie_secure=True))
    with TestClient(secure, base_url="https://testserver") as client:
        staff(secure, client, "call_handler")  # makes the account
        page = client.get("/login", headers=HTML)
        hsts = page.headers.get("strict-transport-security", "")
        assert "max-age=" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 31_536_000
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        signed_in = client.post(
            "/login",
            data={"username": "callhandler", "password": PASSWORD, "csrf_token": csrf},
            follow_redirects=False,
        )
        assert signed_in.status_code == 303, signed_in.text
        token = client.cookies.get("peel_session")
        page = client.get("/", headers=HTML)
        form_csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        signed_out = client.post("/logout", data={"csrf_token": form_csrf}, follow_redirects=False)
        assert token and signed_out.status_code == 303
        cookies = [value for answer in (page, signed_in, signed_out) for value in answer.headers.get_list("set-cookie")]
        cookies += client.get("/login", headers=HTML).headers.get_list("set-cookie")
        assert len(cookies) >= 3
        for cookie in cookies:
            assert "secure" in [part.strip().lower() for part in cookie.split(";")], cookie
