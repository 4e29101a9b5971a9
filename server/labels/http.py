"""Label downloads over plain HTTP (an `<img>` or a print dialog wants a file, not GraphQL).

    GET /labels/assets/<asset id>.png   ?layout=L7160&dpi=300
    GET /labels/assets/<asset id>.svg   ?layout=L7160
    GET /labels/sheet.pdf               ?layout=L7160&site=<id> | customer=<id> | ids=<id>,<id>…  [&skip=N]

`layout` names a label size (see `LAYOUTS`); a single label takes that layout's label size.
Every request needs `Authorization: Bearer <access token>`. A bad parameter gets a 4xx with a JSON
body `{"code", "message"}` saying what to fix (the shape /media answers with too).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.auth.http import bearer_actor, error_response
from server.core.actor import Actor
from server.core.errors import DomainError, NotFound
from server.core.settings import Settings
from server.labels import service
from server.labels.pdf import L7160, LAYOUTS, SheetLayout, render_sheet
from server.labels.png import render_png
from server.labels.svg import render_svg

ASSET_PATH = "/labels/assets/{file}"
SHEET_PATH = "/labels/sheet.pdf"
FORMATS = {"png": "image/png", "svg": "image/svg+xml; charset=utf-8"}
DPI_RANGE = (72, 1200)
BAD_PARAMETER = "BAD_PARAMETER"  # a DomainError with this code answers 400
# Labels show names that may change: the browser may keep one, but must ask again each time.
_CACHE = {"cache-control": "private, no-cache"}


def label_image_url(base_url: str, asset_id: uuid.UUID | str, fmt: str) -> str:
    return f"{base_url.rstrip('/')}{ASSET_PATH.format(file=f'{asset_id}.{fmt}')}"


async def asset_label(request: Request) -> Response:
    async def respond(actor: Actor, settings: Settings) -> Response:
        asset_id, fmt = _asset_file(request.path_params["file"])
        params = _params(request, allowed={"layout", "dpi"} if fmt == "png" else {"layout"})
        layout = _layout(params)
        label = await service.asset_label(actor=actor, asset_id=asset_id, base_url=settings.public_base_url)
        size = {"width_mm": layout.label_width, "height_mm": layout.label_height}
        if fmt == "png":
            body: bytes | str = await run_in_threadpool(render_png, label, dpi=_dpi(params), **size)
        else:
            body = await run_in_threadpool(render_svg, label, **size)
        headers = {**_CACHE, "content-disposition": f'inline; filename="label-{label.tag_code}.{fmt}"'}
        return Response(body, media_type=FORMATS[fmt], headers=headers)

    return await _guarded(request, respond)


async def sheet(request: Request) -> Response:
    async def respond(actor: Actor, settings: Settings) -> Response:
        params = _params(request, allowed={"layout", "site", "customer", "ids", "skip"})
        layout = _layout(params)
        skip = _whole_number(params, "skip", default=0, low=0, high=layout.per_page - 1)
        selection = service.Selection(
            site_id=_optional_id(params.get("site")),
            customer_id=_optional_id(params.get("customer")),
            asset_ids=tuple(_id(part) for part in _id_list(params.get("ids"))),
        )
        base_url = settings.public_base_url
        labels = await service.sheet_labels(actor=actor, selection=selection, base_url=base_url)
        body = await run_in_threadpool(render_sheet, labels, layout, skip=skip)
        headers = {**_CACHE, "content-disposition": 'inline; filename="asset-labels.pdf"'}
        return Response(body, media_type="application/pdf", headers=headers)

    return await _guarded(request, respond)


ROUTES = [
    Route(SHEET_PATH, sheet, methods=["GET"]),
    Route(ASSET_PATH, asset_label, methods=["GET"]),
]


async def _guarded(request: Request, respond: Callable[[Actor, Settings], Awaitable[Response]]) -> Response:
    """Sign the caller in from the Bearer header, then answer; a domain error becomes its 4xx."""
    settings: Settings = request.app.state.settings
    try:
        actor = await bearer_actor(request, settings=settings, secrets=request.app.state.secrets)
        return await respond(actor, settings)
    except DomainError as exc:
        return error_response(exc)


def _asset_file(name: str) -> tuple[uuid.UUID, str]:
    stem, _, fmt = name.rpartition(".")
    if fmt not in FORMATS:
        raise NotFound(f"Labels come as {' or '.join('.' + f for f in FORMATS)}; {name!r} is neither.")
    return _id(stem), fmt


def _params(request: Request, *, allowed: set[str]) -> Mapping[str, str]:
    params = request.query_params
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise DomainError(
            f"Unknown parameter {unknown[0]!r}; this address takes {', '.join(sorted(allowed))}.",
            code=BAD_PARAMETER,
        )
    repeated = sorted(k for k in set(params) if len(params.getlist(k)) > 1)
    if repeated:
        raise DomainError(f"Give {repeated[0]!r} once.", code=BAD_PARAMETER)
    return dict(params)


def _layout(params: Mapping[str, str]) -> SheetLayout:
    name = params.get("layout", L7160.name)
    layout = LAYOUTS.get(name)
    if layout is None:
        known = "; ".join(f"{n} ({lay.description})" for n, lay in LAYOUTS.items())
        raise DomainError(f"Unknown layout {name!r}. Layouts: {known}.", code=BAD_PARAMETER)
    return layout


def _dpi(params: Mapping[str, str]) -> int:
    return _whole_number(params, "dpi", default=300, low=DPI_RANGE[0], high=DPI_RANGE[1])


def _whole_number(params: Mapping[str, str], name: str, *, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise DomainError(f"{name} must be a whole number from {low} to {high}.", code=BAD_PARAMETER)
    return value


def _optional_id(raw: str | None) -> uuid.UUID | None:
    return None if raw is None else _id(raw)


def _id(raw: str) -> uuid.UUID:
    """An id parameter; text that is not a UUID names no record."""
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        raise NotFound(f"{raw!r} is not the id of any record.") from None


def _id_list(raw: str | None) -> list[str]:
    if raw is None:
        return []
    parts = [p for p in raw.split(",") if p.strip()]
    if not parts:
        raise DomainError("ids must list asset ids separated by commas.", code=BAD_PARAMETER)
    return parts
