from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest

from server.core.clock import utcnow
from server.core.errors import DomainError
from server.core.roles import Role
from server.media.models import MediaBlob
from server.media.runtime import MediaRuntime
from server.signatures import service
from server.signatures.content import content_hash, signed_content
from server.signatures.models import Signature
from server.signatures.render import render_png
from server.workorders.models import Status, WorkOrder
from tests.factories import actor_of, make_user
from tests.server.signatures.helpers import SIGNED, finished_order, signing, strokes

WRONG_HASH = "0" * 64


async def _code(awaitable: Any) -> str:
    with pytest.raises(DomainError) as caught:
        await awaitable
    return caught.value.code


async def _bytes(media: MediaRuntime, key: str) -> bytes:
    return b"".join([chunk async for chunk in media.store.open(key)])


async def test_a_signature_is_stored_with_its_png_and_the_order_is_signed(media: MediaRuntime) -> None:
    order, _ = await finished_order()
    tech = actor_of(await order.assigned_to)  # type: ignore[misc]
    right = content_hash(await signed_content(order))
    signature = await service.accept_signature(actor=tech, **signing(order, right))
    stored = await Signature.get(id=signature.id)
    assert stored.hash_matches
    assert stored.server_hash == stored.content_hash == right
    assert stored.technician_id == tech.user_id  # type: ignore[attr-defined]
    assert stored.received_at is not None
    assert stored.superseded_by_id is None
    blob = await MediaBlob.get(sha256=stored.png_sha256)
    png = await _bytes(media, blob.storage_key)
    assert png == render_png(strokes(), canvas_width=400, canvas_height=200)
    assert blob.uploader_id is None  # type: ignore[attr-defined]
    moved = await WorkOrder.get(id=order.id)
    assert moved.status is Status.CUSTOMER_SIGNED
    assert moved.signed_at == SIGNED


async def test_a_mismatch_is_flagged_and_the_signature_kept(media: MediaRuntime) -> None:
    order, _ = await finished_order()
    tech = actor_of(await order.assigned_to)  # type: ignore[misc]
    signature = await service.accept_signature(actor=tech, **signing(order, WRONG_HASH))
    stored = await Signature.get(id=signature.id)
    assert not stored.hash_matches
    assert stored.content_hash == WRONG_HASH
    assert stored.server_hash == content_hash(await signed_content(order))
    assert (await WorkOrder.get(id=order.id)).status is Status.CUSTOMER_SIGNED


async def test_signing_again_supersedes_and_keeps_the_old_record(media: MediaRuntime) -> None:
    order, _ = await finished_order()
    tech = actor_of(await order.assigned_to)  # type: ignore[misc]
    first = await service.accept_signature(actor=tech, **signing(order, WRONG_HASH))
    second = await service.accept_signature(
        actor=tech, **signing(order, WRONG_HASH, signed_at=SIGNED + timedelta(minutes=5), signer_name="王芳")
    )
    # A third one signed before the second arrives late: it is stored, already superseded.
    late = await service.accept_signature(
        actor=tech, **signing(order, WRONG_HASH, signed_at=SIGNED + timedelta(minutes=2))
    )
    rows = {s.id: s for s in await Signature.filter(work_order_id=order.id)}
    assert len(rows) == 3
    assert rows[first.id].superseded_by_id == second.id  # type: ignore[attr-defined]
    assert rows[late.id].superseded_by_id == second.id  # type: ignore[attr-defined]
    assert rows[second.id].superseded_by_id is None  # type: ignore[attr-defined]
    current = await service.current_signature(work_order_id=order.id)
    assert current is not None
    assert current.id == second.id


async def test_only_the_assigned_technician_or_the_desk_may_sign(media: MediaRuntime) -> None:
    order, _ = await finished_order()
    stranger = actor_of(await make_user(Role.TECHNICIAN))
    supervisor = actor_of(await make_user(Role.SUPERVISOR))
    assert await _code(service.accept_signature(actor=stranger, **signing(order, WRONG_HASH))) == "NOT_FOUND"
    assert (
        await _code(service.accept_signature(actor=supervisor, **signing(order, WRONG_HASH))) == "FORBIDDEN"
    )
    assert not await Signature.filter(work_order_id=order.id).exists()
    desk = actor_of(await make_user(Role.DISPATCHER))
    signature = await service.accept_signature(actor=desk, **signing(order, WRONG_HASH))
    # Entered by the desk, the signature still names the technician who did the work.
    assert signature.technician_id == order.assigned_to_id  # type: ignore[attr-defined]


async def test_the_same_id_again_is_idempotent_and_other_content_conflicts(media: MediaRuntime) -> None:
    order, _ = await finished_order()
    tech = actor_of(await order.assigned_to)  # type: ignore[misc]
    sid = uuid.uuid4()
    first = await service.accept_signature(actor=tech, id=sid, **signing(order, WRONG_HASH))
    again = await service.accept_signature(actor=tech, id=sid, **signing(order, WRONG_HASH))
    assert again.id == first.id == sid
    assert await Signature.filter(work_order_id=order.id).count() == 1
    other = signing(order, WRONG_HASH, signer_name="王芳")
    assert await _code(service.accept_signature(actor=tech, id=sid, **other)) == "CONFLICT"


async def test_an_order_not_yet_done_keeps_its_status(media: MediaRuntime) -> None:
    order, _ = await finished_order(status=Status.ON_SITE)
    tech = actor_of(await order.assigned_to)  # type: ignore[misc]
    await service.accept_signature(actor=tech, **signing(order, WRONG_HASH))
    assert (await WorkOrder.get(id=order.id)).status is Status.ON_SITE
    assert await Signature.filter(work_order_id=order.id).count() == 1


async def test_a_phone_clock_in_the_future_is_kept_on_the_signature_not_the_order(
    media: MediaRuntime,
) -> None:
    order, _ = await finished_order()
    tech = actor_of(await order.assigned_to)  # type: ignore[misc]
    ahead = utcnow() + timedelta(days=3)
    signature = await service.accept_signature(actor=tech, **signing(order, WRONG_HASH, signed_at=ahead))
    assert (await Signature.get(id=signature.id)).signed_at == ahead
    moved = await WorkOrder.get(id=order.id)
    assert moved.status is Status.CUSTOMER_SIGNED
    assert moved.signed_at is not None
    assert moved.signed_at < ahead


async def test_bad_strokes_are_refused_before_anything_is_stored(media: MediaRuntime) -> None:
    order, _ = await finished_order()
    tech = actor_of(await order.assigned_to)  # type: ignore[misc]
    code = await _code(service.accept_signature(actor=tech, **signing(order, WRONG_HASH, strokes=[])))
    assert code == "EMPTY_SIGNATURE"
    assert not await Signature.filter(work_order_id=order.id).exists()
    assert (await WorkOrder.get(id=order.id)).status is Status.WORK_DONE
