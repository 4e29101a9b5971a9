"""Everything a service report shows, gathered from the records in the reader's language.

Who may read a report is who may see the work order (server/workorders/scope.py): the desk,
supervisors and admins, and the technician it is assigned to; anyone else gets NOT_FOUND.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from server.auth.models import User
from server.checklists.models import ChecklistRun
from server.checklists.runs import answer_values
from server.checklists.template_format import ChecklistItem
from server.checklists.templates import template_doc
from server.core.actor import Actor, require
from server.core.clock import utcnow
from server.core.errors import DomainError, NotFound
from server.customers.models import Customer, Site
from server.media.images import UnreadableImage
from server.media.models import MediaBlob, Photo, PhotoStatus
from server.media.runtime import MediaRuntime
from server.media.store import MissingObject, StoreError
from server.reports.wording import LANGUAGES, Wording
from server.signatures.render import render_png
from server.signatures.service import current_signature
from server.workorders import scope
from server.workorders.models import WorkOrder

MAX_PHOTOS = 24  # a grid of four pages at most; the rest are in the app
BAD_PARAMETER = "BAD_PARAMETER"
log = logging.getLogger("doorstep.reports")


@dataclass(frozen=True)
class PhotoTile:
    caption: str
    image: bytes | None  # a JPEG thumbnail; None when the bytes are not available


@dataclass(frozen=True)
class SignatureBlock:
    signer: str  # name and relation
    signed_at: str
    png: bytes
    consent_text: str
    content_hash: str
    hash_matches: bool


@dataclass(frozen=True)
class ServiceReport:
    words: Wording
    number: str
    status: str
    customer_name: str
    customer_phone: str
    site_name: str
    site_address: str
    symptom: str
    fault_level: str
    sla_tier: str
    times: list[tuple[str, str]]
    assets: list[tuple[str, str, str]]  # name, tag, serial
    resolution: str
    cause: str
    parts: list[tuple[str, str, str]]  # name, part number, quantity
    checklist: list[tuple[str, str]]  # item text, answer
    photos: list[PhotoTile]
    signature: SignatureBlock | None
    desk_person: str
    technician: str
    served_customer: str
    generated_at: str


def report_language(requested: str | None, customer: Customer) -> str:
    """`lang` if given (zh-CN or en), else the customer's language."""
    if requested is None:
        return "en" if customer.language.lower().startswith("en") else "zh-CN"
    if requested not in LANGUAGES:
        raise DomainError(f"lang must be one of {', '.join(LANGUAGES)}.", code=BAD_PARAMETER)
    return requested


async def gather(
    *, actor: Actor, work_order_id: uuid.UUID, lang: str | None, media: MediaRuntime
) -> ServiceReport:
    require(actor)
    order = await scope.work_orders_for(actor).filter(id=work_order_id).first()
    if order is None:
        raise NotFound("No such work order.")
    customer = await Customer.get(id=order.customer_id)  # type: ignore[attr-defined]
    site = await Site.get(id=order.site_id)  # type: ignore[attr-defined]
    words = Wording(report_language(lang, customer), site.timezone)
    signature = await _signature(order, words, media)
    desk, technician = await _names(order.received_by_id, order.assigned_to_id)  # type: ignore[attr-defined]
    return ServiceReport(
        words=words,
        number=order.number,
        status=words.status(order.status.value),
        customer_name=customer.name,
        customer_phone=customer.phone,
        site_name=site.name,
        site_address=" ".join(p for p in (site.city, site.address) if p),
        symptom=order.symptom,
        fault_level=words.fault_level(order.fault_level),
        sla_tier=order.sla_tier,
        times=[
            (words["received"], words.time(order.received_at)),
            (words["arrived"], words.time(order.arrived_at)),
            (words["finished"], words.time(order.work_done_at)),
            (words["signed"], words.time(order.signed_at)),
        ],
        assets=[(a.name, a.tag_code, a.serial_no) for a in await order.assets.all().order_by("name")],
        resolution=order.resolution,
        cause=order.cause_category,
        parts=[
            (str(p.get("name", "")), str(p.get("part_no", "")), str(p.get("quantity", "")))
            for p in order.parts_used or []
        ],
        checklist=await _checklist(order, words),
        photos=await _photos(order, media),
        signature=signature,
        desk_person=desk,
        technician=technician,
        served_customer=signature.signer if signature is not None else customer.name,
        generated_at=words.time(utcnow()),
    )


async def _names(*ids: uuid.UUID | None) -> tuple[str, str]:
    wanted = [i for i in ids if i is not None]
    users = {u.id: u.display_name for u in await User.filter(id__in=wanted)} if wanted else {}
    desk, technician = (users.get(i, "") if i is not None else "" for i in ids)
    return desk, technician


async def _checklist(order: WorkOrder, words: Wording) -> list[tuple[str, str]]:
    run = (
        await ChecklistRun.filter(work_order_id=order.id, deleted=False)
        .order_by("created_at")
        .prefetch_related("template")
        .first()
    )
    if run is None:
        return []
    values = answer_values(run.answers)
    return [
        (item.text.get(words.lang), _answer(item, values.get(item.key), words))
        for item in template_doc(run.template).items()
    ]


def _answer(item: ChecklistItem, value: Any, words: Wording) -> str:
    if value is None or value is False or value == "" or value == []:
        return words["unanswered"]
    if item.evidence == "check":
        return words["yes"]
    if item.evidence == "customer_confirm":
        return words["confirmed"]
    if item.evidence == "photo" and isinstance(value, list):
        return words.format("photo_count", n=len(value))
    return str(value)


async def _photos(order: WorkOrder, media: MediaRuntime) -> list[PhotoTile]:
    photos = (
        await Photo.filter(work_order_id=order.id, deleted=False, status=PhotoStatus.READY)
        .order_by("taken_at", "created_at")
        .limit(MAX_PHOTOS)
    )
    return [PhotoTile(caption=p.caption, image=await _thumbnail(media, p.sha256)) for p in photos]


async def _signature(order: WorkOrder, words: Wording, media: MediaRuntime) -> SignatureBlock | None:
    signature = await current_signature(work_order_id=order.id)
    if signature is None:
        return None
    png = await _stored(media, signature.png_sha256, thumbnail=False)
    if png is None:
        # Rendering is deterministic, so the strokes give back the same picture.
        png = await asyncio.to_thread(
            render_png,
            signature.strokes,
            canvas_width=signature.canvas_width,
            canvas_height=signature.canvas_height,
        )
    return SignatureBlock(
        signer=f"{signature.signer_name} ({words.relation(signature.signer_relation.value)})",
        signed_at=words.time(signature.signed_at),
        png=png,
        consent_text=signature.consent_text,
        content_hash=signature.content_hash,
        hash_matches=signature.hash_matches,
    )


async def _thumbnail(media: MediaRuntime, sha256: str) -> bytes | None:
    return await _stored(media, sha256, thumbnail=True)


async def _stored(media: MediaRuntime, sha256: str, *, thumbnail: bool) -> bytes | None:
    """The bytes of a stored blob (or its thumbnail); None if they cannot be had, so a lost file
    leaves a gap in the report instead of no report."""
    blob = await MediaBlob.get_or_none(sha256=sha256)
    if blob is None:
        return None
    try:
        if thumbnail:
            await media.ensure_thumbnail(blob)
        chunks = [
            chunk async for chunk in media.store.open(blob.thumbnail_key if thumbnail else blob.storage_key)
        ]
    except (MissingObject, StoreError, UnreadableImage, OSError):
        log.warning("media %s is not readable for a report", sha256)
        return None
    return b"".join(chunks)
