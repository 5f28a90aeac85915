"""The OpenAPI document as the API really behaves: errors are problem details, staff routes need a bearer token.

FastAPI documents validation errors as its own ``HTTPValidationError`` JSON; Peel answers every error as
``application/problem+json`` (RFC 9457), so the document is rewritten to say so, and each staff operation
declares the bearer scheme and the 401/403 answers it can give.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from peel.identity import policy
from peel.web.deps import app_routes

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"type": "string"}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
STAFF_ERRORS = {
    "401": "Not signed in, or the session has ended",
    "403": "Your role, or your relation to the record, does not allow this",
    "503": "The audit record could not be written, so nothing was done",
}
ALWAYS = {"422": "The input is not valid; nothing was changed"}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": PROBLEM_REF}}}


def document(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Problem"] = PROBLEM_SCHEMA
    components["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    staff = {
        (info.path, method.lower())
        for info in app_routes(app)
        for method in info.methods
        if info.action not in policy.PUBLIC_ACTIONS
    }
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, text in ALWAYS.items():
                responses[code] = _problem(text)
            if (path, method) in staff:
                operation["security"] = [{"bearer": []}]
                for code, text in STAFF_ERRORS.items():
                    responses.setdefault(code, _problem(text))
    return schema


def install(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
