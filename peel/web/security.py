"""Security headers for every answer, in one place: the Content-Security-Policy, browser storage, HSTS, cookies.

The policy allows script, style, images and connections from Peel's own origin only, and no inline script or
style at all: text that reaches a page from a record or an uploaded file can never run, even if a template or a
script slipped. Pages pass server data to scripts through ``data-*`` attributes; scripts build DOM nodes from text.

Staff pages and API answers carry personal data, so browsers and proxies must not keep them (``no-store``):
Back after sign-out then asks the server again, which sends the user to sign in. Only the static assets under
``/static`` and ``/vendor`` may be cached, and an answer whose route chose its own ``Cache-Control`` for data that
holds nothing personal (the OpenStreetMap road network behind the map).

When ``PEEL_COOKIE_SECURE`` is set, Peel is served over HTTPS: browsers are told to use HTTPS only (HSTS) and every
cookie, including one that is being cleared, is marked ``Secure``.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.routing import compile_path

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # Leaflet's controls draw some icons from data: URLs
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
HSTS = "max-age=31536000"  # one year; subdomains are the force's own business, so not included
STATIC_PREFIXES = ("/static/", "/vendor/")
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style>", re.IGNORECASE | re.DOTALL)
_FIXED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def is_static_asset(path: str) -> bool:
    return path.startswith(STATIC_PREFIXES)


def secure_headers(path: str, headers: MutableHeaders, *, https_only: bool) -> None:
    """Add the security headers to one answer's headers for ``path``.

    A route that sets its own, stricter policy (the self-contained back-test report) keeps it.
    """
    for name, value in _FIXED.items():
        headers.setdefault(name, value)
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if not is_static_asset(path):
        headers.setdefault("Cache-Control", "no-store")
    if "no-store" in headers.get("cache-control", ""):
        headers["Pragma"] = "no-cache"  # for HTTP/1.0 proxies, which do not read Cache-Control
    if https_only:
        headers.setdefault("Strict-Transport-Security", HSTS)
        _secure_cookies(headers)


def _secure_cookies(headers: MutableHeaders) -> None:
    cookies = headers.getlist("set-cookie")
    if not cookies or all(_is_secure(cookie) for cookie in cookies):
        return
    del headers["set-cookie"]
    for cookie in cookies:
        headers.append("set-cookie", cookie if _is_secure(cookie) else f"{cookie}; Secure")


def _is_secure(cookie: str) -> bool:
    return any(part.strip().lower() == "secure" for part in cookie.split(";")[1:])


def allowed_methods(routes: Iterable[tuple[str, Iterable[str]]], path: str) -> str:
    """Every method some route accepts on ``path``, for a 405's ``Allow``; ``routes`` are (path template, methods).

    The router names only the first route whose path matches, but a path is often served by two routes (a form's
    GET and POST), and a client told ``Allow: GET`` would never try the POST.
    """
    methods: set[str] = set()
    for template, accepted in routes:
        pattern, _format, _converters = compile_path(template)
        if pattern.match(path):
            methods.update(accepted)
    return ", ".join(sorted(methods))


def document_policy(html: str) -> str:
    """The policy for a self-contained HTML document Peel generated (the back-test report): nothing may load or
    run, and only the document's own ``<style>`` blocks apply, each allowed by its SHA-256 (no 'unsafe-inline')."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"
        for block in _STYLE_BLOCK.findall(html)
    ]
    styles = " ".join(hashes) or "'none'"
    return (
        f"default-src 'none'; style-src {styles}; img-src data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
