"""Signatures replicate both ways: the customer signs on the technician's phone, usually offline,
and the record is pushed when there is signal. Everything the device sends is fixed once stored;
the server fills in the PNG, its own hash, the receipt time and which signature superseded it."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from server.core.actor import Actor
from server.core.errors import NotFound, ValidationFailed
from server.signatures import service
from server.signatures.models import Signature
from server.syncing.adapter import ModelAdapter
from server.syncing.fields import F, choice, ref, text, when
from server.workorders import scope
from sync.registry import Owner

COLLECTION = "signatures"
FIXED, S = Owner.IMMUTABLE, Owner.SERVER


async def write_signature(
    actor: Actor, values: dict[str, Any], row: Signature | None, changed: set[str], conn: BaseDBAsyncClient
) -> Model:
    if row is not None:
        # Reached only for changes the merge let through (a null set later, a deletion).
        raise ValidationFailed(
            "A signature cannot be changed once it is stored; sign again instead.", code="IMMUTABLE"
        )
    if values.get("deleted"):
        raise ValidationFailed("A signature cannot be created deleted.", code="IMMUTABLE")
    work_order_id = values.get("work_order_id")
    if (
        work_order_id is None
        or not await scope.work_orders_for(actor).using_db(conn).filter(id=work_order_id).exists()
    ):
        raise NotFound("That work order is not assigned to you.", code="NOT_IN_SCOPE")
    return await service.accept_signature(
        actor=actor,
        work_order_id=work_order_id,
        strokes=values.get("strokes"),
        canvas_width=values.get("canvas_width"),
        canvas_height=values.get("canvas_height"),
        signer_name=values.get("signer_name"),
        signer_relation=values.get("signer_relation"),
        consent_text=values.get("consent_text"),
        consent_version=values.get("consent_version"),
        language=values.get("language"),
        signed_at=values.get("signed_at"),
        content_hash=values.get("content_hash"),
        latitude=values.get("latitude"),
        longitude=values.get("longitude"),
        accuracy_m=values.get("accuracy_m"),
        id=values["id"],
        conn=conn,
    )


SIGNATURES = ModelAdapter.build(
    name=COLLECTION,
    model=Signature,
    fields={
        "workOrderId": ref("work_order_id", FIXED),
        "strokes": F("strokes", FIXED),
        "canvasWidth": F("canvas_width", FIXED),
        "canvasHeight": F("canvas_height", FIXED),
        "signerName": text("signer_name", FIXED),
        "signerRelation": choice("signer_relation", FIXED),
        "consentText": text("consent_text", FIXED),
        "consentVersion": F("consent_version", FIXED),
        "language": text("language", FIXED),
        "signedAt": when("signed_at", FIXED),
        "latitude": F("latitude", FIXED),
        "longitude": F("longitude", FIXED),
        "accuracyM": F("accuracy_m", FIXED),
        "contentHash": text("content_hash", FIXED),
        "pngSha256": text("png_sha256", S),
        "receivedAt": when("received_at", S),
        "technicianId": ref("technician_id", S),
        "serverHash": text("server_hash", S),
        "hashMatches": F("hash_matches", S),
        "supersededById": ref("superseded_by_id", S),
    },
    scope=service.signatures_for,
    write=write_signature,
)
