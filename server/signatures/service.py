"""Customer signatures: accepting one, reading them, and which one is current.

A signature is never refused for a hash mismatch (the customer did sign): the server stores the
device's hash beside its own and flags the difference for the desk. It is immutable once stored;
signing again adds a record and the older one is marked as superseded by it.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from server.core import persist
from server.core.actor import Actor, require
from server.core.clock import utcnow
from server.core.errors import Conflict, NotFound, ValidationFailed
from server.core.roles import DESK, Role
from server.core.serialize import snapshot
from server.media import service as media_service
from server.signatures import content, storage, validation
from server.signatures.models import Signature
from server.signatures.render import output_size, render_png
from server.workorders import scope
from server.workorders.actions import apply_transition, occurred_at, transaction
from server.workorders.models import Status, WorkOrder
from sync.merge import json_equal
from sync.notify import Notifier

# The customer signs on the technician's phone; the desk may enter a paper-signed visit.
WRITERS = (Role.TECHNICIAN, *DESK)
WORK_ORDERS_COLLECTION = "workOrders"
# What the device decides; compared when the same id is sent again.
DEVICE_FIELDS = (
    "work_order_id",
    "strokes",
    "canvas_width",
    "canvas_height",
    "signer_name",
    "signer_relation",
    "consent_text",
    "consent_version",
    "language",
    "signed_at",
    "latitude",
    "longitude",
    "accuracy_m",
    "content_hash",
)


# --- reading ---------------------------------------------------------------------------------


def signatures_for(actor: Actor, *, include_deleted: bool = False) -> QuerySet[Signature]:
    """Signatures on the work orders `actor` may see (tombstones only for replication)."""
    base = Signature.all() if include_deleted else Signature.filter(deleted=False)
    return base.filter(work_order_id__in=Subquery(scope.work_orders_for(actor).values("id")))


async def signatures_of_work_order(*, actor: Actor, work_order_id: uuid.UUID) -> QuerySet[Signature]:
    require(actor)
    if not await scope.work_orders_for(actor).filter(id=work_order_id).exists():
        raise NotFound("No such work order.")
    return signatures_for(actor).filter(work_order_id=work_order_id)


async def get_signature(*, actor: Actor, signature_id: uuid.UUID) -> Signature:
    require(actor)
    signature = await signatures_for(actor).filter(id=signature_id).first()
    if signature is None:
        raise NotFound("No such signature.")
    return signature


async def current_signature(
    *, work_order_id: uuid.UUID, conn: BaseDBAsyncClient | None = None
) -> Signature | None:
    """The signature that stands for the order: not superseded, latest signed."""
    query = Signature.filter(work_order_id=work_order_id, deleted=False, superseded_by_id=None)
    if conn is not None:
        query = query.using_db(conn)
    return await query.order_by("-signed_at", "-received_at").first()


async def _signature_references(actor: Actor, sha256: str) -> bool:
    return await signatures_for(actor).filter(png_sha256=sha256).exists()


# GET /media/<sha256> serves a signature's PNG to whoever may see the signature.
if _signature_references not in media_service.BLOB_READERS:
    media_service.BLOB_READERS.append(_signature_references)


# --- accepting ------------------------------------------------------------------------------


async def accept_signature(
    *,
    actor: Actor,
    work_order_id: uuid.UUID,
    strokes: Any,
    canvas_width: Any,
    canvas_height: Any,
    signer_name: Any,
    signer_relation: Any,
    consent_text: Any,
    consent_version: Any,
    language: Any,
    signed_at: Any,
    content_hash: Any,
    latitude: Any = None,
    longitude: Any = None,
    accuracy_m: Any = None,
    id: uuid.UUID | None = None,
    conn: BaseDBAsyncClient | None = None,
) -> Signature:
    """Store a signature the customer gave on `work_order_id`; sending the same one again (same
    `id`, same content) returns the stored record. A work order whose work is done moves to
    customer_signed."""
    require(actor, *WRITERS)
    width, height = validation.check_canvas(canvas_width, canvas_height)
    name, relation = validation.check_signer(signer_name, signer_relation)
    accepted_consent = validation.check_consent(consent_text, consent_version, language)
    latitude, longitude, accuracy_m = validation.check_position(latitude, longitude, accuracy_m)
    wanted: dict[str, Any] = {
        "work_order_id": work_order_id,
        "strokes": validation.check_strokes(strokes),
        "canvas_width": width,
        "canvas_height": height,
        "signer_name": name,
        "signer_relation": relation,
        "consent_text": accepted_consent.text,
        "consent_version": accepted_consent.version,
        "language": accepted_consent.language,
        "signed_at": validation.check_signed_at(signed_at),
        "latitude": latitude,
        "longitude": longitude,
        "accuracy_m": accuracy_m,
        "content_hash": validation.check_hash(content_hash),
    }
    # Drawn before any lock is taken: the only slow step.
    png = await asyncio.to_thread(render_png, wanted["strokes"], canvas_width=width, canvas_height=height)
    async with transaction(conn) as tx:
        order = await _locked_order(actor, work_order_id, tx)
        if id is not None and (existing := await Signature.filter(id=id).using_db(tx).first()) is not None:
            return _same_or_conflict(existing, wanted)
        signature = Signature(id=id or uuid.uuid4(), **wanted)
        signature.png_sha256 = await storage.store_png(
            png, size=output_size(width, height), actor=actor, conn=tx
        )
        await _stamp_server_fields(signature, order, actor=actor, conn=tx)
        await _supersede(signature, actor=actor, conn=tx)
        if signature.superseded_by_id is None and order.status is Status.WORK_DONE:  # type: ignore[attr-defined]
            await apply_transition(
                order, actor=actor, target=Status.CUSTOMER_SIGNED, conn=tx, at=_plausible(order, signature)
            )
            await Notifier.announce(tx, [WORK_ORDERS_COLLECTION])
    return signature


async def _locked_order(actor: Actor, work_order_id: uuid.UUID, conn: BaseDBAsyncClient) -> WorkOrder:
    # Locked so that two signatures of one order are ordered, and the status move is safe.
    order = (
        await scope.work_orders_for(actor).filter(id=work_order_id).using_db(conn).select_for_update().first()
    )
    if order is None:
        raise NotFound("No such work order.")
    return order


def _same_or_conflict(existing: Signature, wanted: dict[str, Any]) -> Signature:
    for key in DEVICE_FIELDS:
        stored, sent = getattr(existing, key), wanted[key]
        if isinstance(stored, datetime) and isinstance(sent, datetime):
            same = abs((stored - sent).total_seconds()) < 0.001
        elif isinstance(stored, uuid.UUID | str) or isinstance(sent, uuid.UUID | str):
            same = str(stored) == str(sent)
        else:
            same = json_equal(stored, sent)
        if not same:
            raise Conflict("A different signature already uses this id.", field=key)
    return existing


async def _stamp_server_fields(
    signature: Signature, order: WorkOrder, *, actor: Actor, conn: BaseDBAsyncClient
) -> None:
    document = await content.signed_content(order, conn=conn)
    signature.server_hash = content.content_hash(document)
    signature.hash_matches = signature.server_hash == signature.content_hash
    signature.received_at = utcnow()
    signature.technician_id = actor.user_id if actor.is_technician else order.assigned_to_id  # type: ignore[attr-defined]


async def _supersede(signature: Signature, *, actor: Actor, conn: BaseDBAsyncClient) -> None:
    """Save the new record and keep one current signature per order: the one signed last. A
    signature that arrives late (signed before the current one) is stored already superseded."""
    standing = await (
        Signature.filter(work_order_id=signature.work_order_id, deleted=False, superseded_by_id=None)  # type: ignore[attr-defined]
        .using_db(conn)
        .order_by("-signed_at")
    )
    newer = [s for s in standing if s.signed_at > signature.signed_at]
    if newer:
        signature.superseded_by_id = newer[0].id
    await persist.save(signature, actor=actor, conn=conn)
    for old in standing:
        if old.signed_at <= signature.signed_at:
            before = snapshot(old)
            old.superseded_by_id = signature.id
            await persist.save(old, actor=actor, before=before, action="supersede", conn=conn)


def _plausible(order: WorkOrder, signature: Signature) -> datetime | None:
    """The device's signing time for the order's signedAt, unless the phone's clock is off."""
    try:
        return occurred_at(order, signature.signed_at)
    except ValidationFailed:
        return None


async def signed_content_of(*, actor: Actor, work_order_id: uuid.UUID) -> dict[str, Any]:
    """The signed-content document the server would hash for the order right now."""
    require(actor)
    order = await scope.work_orders_for(actor).filter(id=work_order_id).first()
    if order is None:
        raise NotFound("No such work order.")
    return await content.signed_content(order)
