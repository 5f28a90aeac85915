"""Pages: search people, view a person."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from peel.core.errors import InvalidInput
from peel.people import service
from peel.people.presenters import person_out
from peel.web.deps import Authorize, Ctx, PlatformDep

router = APIRouter(include_in_schema=False)


@router.get("/people", response_class=HTMLResponse)
def people_page(
    request: Request,
    platform: PlatformDep,
    ctx: Annotated[Ctx, Depends(Authorize("person.search"))],
    q: Annotated[str, Query(max_length=100)] = "",
) -> HTMLResponse:
    people, message = [], ""
    if q:
        try:
            people = service.search_people(ctx.uow, q)
        except InvalidInput as exc:
            message = exc.detail
    ctx.uow.commit()
    return platform.templates.TemplateResponse(
        request,
        "people/search.html",
        {"principal": ctx.principal, "q": q, "people": people, "message": message},
    )


@router.get("/people/{ref}", response_class=HTMLResponse)
def person_page(
    ref: str, request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("person.read"))]
) -> HTMLResponse:
    person = person_out(service.load_person(ctx.uow, ref))
    ctx.uow.commit()
    return platform.templates.TemplateResponse(
        request, "people/person.html", {"principal": ctx.principal, "person": person}
    )
