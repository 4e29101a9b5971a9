"""GET /reports/work-orders/<work order id>.pdf?lang=zh-CN|en: the service report as a PDF.

Needs `Authorization: Bearer <access token>`. The desk, supervisors, admins and the technician
the order is assigned to may download it; for anyone else the order does not exist (404).
Without `lang` the report is in the customer's language. Errors are JSON `{"code", "message"}`.
"""

from __future__ import annotations

import uuid

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from server.auth.http import bearer_actor, error_response
from server.core.errors import DomainError, NotFound
from server.reports import data
from server.reports.service_report import render_report

REPORT_PATH = "/reports/work-orders/{work_order_id}.pdf"
PARAMETERS = frozenset({"lang"})


def report_url(work_order_id: uuid.UUID | str, lang: str | None = None) -> str:
    path = REPORT_PATH.format(work_order_id=work_order_id)
    return path if lang is None else f"{path}?lang={lang}"


async def service_report(request: Request) -> Response:
    try:
        actor = await bearer_actor(
            request, settings=request.app.state.settings, secrets=request.app.state.secrets
        )
        unknown = sorted(set(request.query_params) - PARAMETERS)
        if unknown:
            raise DomainError(
                f"Unknown parameter {unknown[0]!r}; this address takes lang.", code=data.BAD_PARAMETER
            )
        report = await data.gather(
            actor=actor,
            work_order_id=_id(request.path_params["work_order_id"]),
            lang=request.query_params.get("lang"),
            media=request.app.state.media,
        )
        body = await run_in_threadpool(render_report, report)
    except DomainError as exc:
        return error_response(exc, {"Cache-Control": "no-store"})
    headers = {
        # The record may still change (a re-sign, a call-back): never reuse a stored copy.
        "Cache-Control": "private, no-store",
        "Content-Disposition": f'inline; filename="service-report-{report.number}.pdf"',
    }
    return Response(body, media_type="application/pdf", headers=headers)


def _id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise NotFound("No such work order.") from None


ROUTES = [Route(REPORT_PATH, service_report, methods=["GET"])]
