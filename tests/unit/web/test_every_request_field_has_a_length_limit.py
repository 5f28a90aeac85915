"""Every text a client can send has a bound (a maximum length, a pattern or a fixed set of values), so an
oversize field is refused as a 422 at the edge on both backends, before SQLite would store it unchecked or
PostgreSQL would refuse it."""

from __future__ import annotations

import typing
from enum import Enum
from pathlib import Path

import annotated_types
from fastapi.params import Form, Query
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from peel.settings import Settings
from peel.web.app import create_app
from peel.web.deps import app_routes


def _bounded(info: FieldInfo) -> bool:
    for meta in info.metadata:
        if isinstance(meta, annotated_types.MaxLen):
            return True
        if getattr(meta, "pattern", None):
            return True
    return False


def _types(annotation: object) -> list[object]:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return []
    if not args:
        return [annotation]
    return [t for a in args for t in _types(a)]


def _unbounded(model: type[BaseModel], where: str, seen: set[type]) -> list[str]:
    if model in seen:
        return []
    seen.add(model)
    out = []
    for name, info in model.model_fields.items():
        types = _types(info.annotation)
        for t in types:
            if isinstance(t, type) and issubclass(t, BaseModel):
                out += _unbounded(t, f"{where}.{name}", seen)
        texts = [
            t for t in types if t is str or (isinstance(t, type) and issubclass(t, str) and not issubclass(t, Enum))
        ]
        if texts and not _bounded(info):
            out.append(f"{where}.{name}")
    return out


def test_it_bounds_every_text_field_of_every_request(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", secret_key="k" * 40))
    missing: list[str] = []
    for info in app_routes(app):
        dependant = info.route.dependant
        for param in [*dependant.body_params, *dependant.query_params]:
            annotation = param.field_info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                missing += _unbounded(annotation, f"{info.path}:{annotation.__name__}", set())
            elif str in _types(annotation) and not _bounded(param.field_info):
                kind = (
                    "form"
                    if isinstance(param.field_info, Form)
                    else "query"
                    if isinstance(param.field_info, Query)
                    else "body"
                )
                missing.append(f"{info.path} {kind} {param.name}")
    assert missing == []
