"""The shell: home page, the force map (roads from the real graph as base layer) and the health check."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import text

from peel.audit.store import chain_head
from peel.identity import policy
from peel.web.deps import Authorize, Ctx, PlatformDep, Public, optional_principal
from peel.workforce import service as workforce

router = APIRouter()


class Health(BaseModel):
    status: str
    database: str
    redis: str
    audit_head_seq: int | None
    audit_head_hash: str | None


@router.get(
    "/healthz",
    response_model=Health,
    dependencies=[Depends(Public("public.health"))],
    responses={503: {"model": Health}},
)
async def healthz(platform: PlatformDep) -> Response:
    """Database, Redis (when configured) and the audit chain head."""
    import asyncio

    def db_check() -> tuple[str, int | None, str | None]:
        try:
            with platform.read_sessions() as session, session.begin():
                session.execute(text("SELECT 1"))
                seq, digest = chain_head(session)
            return "ok", seq, digest
        except Exception as exc:
            return f"error: {type(exc).__name__}", None, None

    database, seq, digest = await asyncio.to_thread(db_check)
    redis_state = "not configured"
    if platform.settings.redis_url:
        try:
            import redis.asyncio as aioredis

            client = aioredis.from_url(platform.settings.redis_url, socket_connect_timeout=2)
            await client.ping()
            await client.aclose()
            redis_state = "ok"
        except Exception as exc:
            redis_state = f"error: {type(exc).__name__}"
    healthy = database == "ok" and redis_state in ("ok", "not configured")
    body = Health(
        status="ok" if healthy else "degraded",
        database=database,
        redis=redis_state,
        audit_head_seq=seq,
        audit_head_hash=digest,
    )
    return JSONResponse(body.model_dump(), status_code=200 if healthy else 503)


@router.get("/", response_class=HTMLResponse, include_in_schema=False, dependencies=[Depends(Public("public.home"))])
def home(request: Request, platform: PlatformDep) -> Response:
    principal = optional_principal(request, platform)
    if principal is None:
        return RedirectResponse("/login", status_code=303)
    return platform.templates.TemplateResponse(
        request,
        "home.html",
        {"principal": principal, "live": policy.may_attempt(principal.role, "events.subscribe")},
    )


@router.get("/map", response_class=HTMLResponse, include_in_schema=False)
def map_page(
    request: Request, platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("map.read"))]
) -> HTMLResponse:
    ctx.uow.commit()
    return platform.templates.TemplateResponse(request, "map.html", {"principal": ctx.principal})


@router.get(
    "/api/v1/map/roads",
    tags=["map"],
    response_class=Response,
    responses={200: {"content": {"application/geo+json": {"schema": {"type": "object"}}}}},
)
def roads(platform: PlatformDep, ctx: Annotated[Ctx, Depends(Authorize("map.read"))]) -> Response:
    """The force area's road network as GeoJSON: the map's base layer (no internet tiles are used)."""
    ctx.uow.commit()
    return Response(
        platform.roads().roads_geojson_bytes(1.0),
        media_type="application/geo+json",
        headers={"Cache-Control": "private, max-age=3600"},
    )


@router.get("/api/v1/map/overlay", tags=["map"])
def overlay(ctx: Annotated[Ctx, Depends(Authorize("map.read"))], platform: PlatformDep) -> dict[str, Any]:
    """Force boundary, stations, units and open incidents the user may see, as GeoJSON."""
    boundary = {
        "type": "Feature",
        "geometry": platform.roads().boundary_geojson(),
        "properties": {"kind": "boundary"},
    }
    features: list[dict[str, Any]] = [boundary]
    for st in workforce.list_stations(ctx.uow):
        features.append(_point(st.lat, st.lon, kind="station", label=st.name))
    if policy.may_attempt(ctx.principal.role, "unit.read"):
        for u in workforce.list_units(ctx.uow, located_only=True):
            features.append(_point(u.lat or 0.0, u.lon or 0.0, kind="unit", label=f"{u.callsign} ({u.status})"))
    if policy.may_attempt(ctx.principal.role, "incident.list"):
        from peel.incidents.service import list_incidents

        for inc in list_incidents(ctx.uow, "open", 300):
            if inc.location is not None:
                label = f"{inc.ref} {inc.category} {inc.grade or ''}".strip()
                features.append(_point(inc.location.lat, inc.location.lon, kind="incident", label=label, ref=inc.ref))
    ctx.uow.commit()
    return {"type": "FeatureCollection", "features": features}


def _point(lat: float, lon: float, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": props}
