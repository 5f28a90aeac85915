"""Errors become problem-details JSON (RFC 9457) for the API and friendly pages for people, in one place."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from peel.core.errors import DatabaseBusy, NotAuthenticated, PasswordChangeRequired, PeelError, RateLimited
from peel.db.base import Base
from peel.db.integrity import UNSTORABLE, explain
from peel.platform import Platform
from peel.web import security
from peel.web.deps import app_routes

log = logging.getLogger(__name__)
PROBLEM = "application/problem+json"


def wants_page(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/healthz", "/openapi.json")):
        return False
    return "text/html" in request.headers.get("accept", "") or request.method == "POST"


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def page(request: Request, status: int, title: str, detail: str) -> Response:
    platform: Platform = request.app.state.platform
    return platform.templates.TemplateResponse(
        request,
        "error.html",
        {
            "status": status,
            "title": title,
            "detail": detail,
            "principal": getattr(request.state, "principal", None),
        },
        status_code=status,
    )


async def _domain(request: Request, exc: PeelError) -> Response:
    response: Response
    if wants_page(request):
        if isinstance(exc, NotAuthenticated):
            return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
        if isinstance(exc, PasswordChangeRequired) and request.method == "GET":
            return RedirectResponse("/account", status_code=303)  # the one page they may use until it is changed
        response = page(request, exc.status, exc.title, exc.detail[:1].upper() + exc.detail[1:])
    else:
        response = problem(exc.status, exc.title, exc.detail)
    if isinstance(exc, RateLimited | DatabaseBusy):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _validation(request: Request, exc: RequestValidationError) -> Response:
    errors = [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": str(e.get("type", "")),
        }
        for e in exc.errors()
    ]
    detail = "; ".join(f"{'.'.join(e['loc'][1:]) or e['loc'][0]}: {e['msg']}" for e in errors[:5])
    if wants_page(request):
        return page(request, 422, "Please check the form", detail)
    return problem(422, "Invalid input", detail, errors=errors)


async def _http(request: Request, exc: StarletteHTTPException) -> Response:
    title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "Error")
    detail = str(exc.detail) if exc.detail else title
    answer = (
        page(request, exc.status_code, title, detail)
        if wants_page(request)
        else problem(exc.status_code, title, detail)
    )
    # The router's headers belong to the answer: a 405 names the methods the path accepts (``Allow``).
    answer.headers.update(exc.headers or {})
    if exc.status_code == 405:
        routes = ((info.path, info.methods) for info in app_routes(request.app))
        answer.headers["Allow"] = security.allowed_methods(routes, request.url.path)
    return answer


async def _refused(request: Request, exc: IntegrityError | DataError) -> Response:
    # The database refused the write (a missing reference, a duplicate, a value too long): a conflict or
    # bad input, named in words; the transaction it was in has rolled back, so nothing changed.
    return await _domain(request, explain(exc, Base.metadata))


async def _unstorable(request: Request, exc: Exception) -> Response:
    # A number too large for any column type: bad input, refused before anything was stored.
    detail = UNSTORABLE[:1].upper() + UNSTORABLE[1:] + "."
    if wants_page(request):
        return page(request, 422, "Please check the form", detail)
    return problem(422, "Invalid input", detail)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    detail = "Something went wrong on our side; nothing was changed. The error has been logged."
    if wants_page(request):
        return page(request, 500, "Server error", detail)
    return problem(500, "Server error", detail)


def install(app: FastAPI) -> None:
    """Map every error to a problem response (API) or an error page (pages), in one place."""
    app.exception_handler(PeelError)(_domain)
    app.exception_handler(RequestValidationError)(_validation)
    app.exception_handler(StarletteHTTPException)(_http)
    app.exception_handler(IntegrityError)(_refused)
    app.exception_handler(DataError)(_refused)
    app.exception_handler(OverflowError)(_unstorable)
    app.exception_handler(Exception)(_unexpected)
