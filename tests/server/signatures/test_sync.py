from __future__ import annotations

from typing import Any

from tortoise.connection import get_connection

from server.core.roles import Role
from server.signatures import service
from server.signatures.content import content_hash, signed_content
from server.signatures.models import Signature
from server.signatures.sync import SIGNATURES
from server.workorders.models import Status, WorkOrder
from tests.factories import actor_of, make_user
from tests.server.signatures.helpers import document, finished_order, signing
from tests.server.syncing.helpers import pull_all, push

COLLECTION = "signatures"


async def _signed(as_user: Any) -> tuple[Any, Any, dict[str, Any], dict[str, Any]]:
    """A technician's client, his order, what his phone pushed, and the master it got back."""
    order, _ = await finished_order()
    client = await as_user(await order.assigned_to)
    sent = document(order, content_hash(await signed_content(order)))
    answer = await push(client, COLLECTION, [{"newDocumentState": sent, "assumedMasterState": None}])
    assert len(answer) == 1
    assert "rejected" not in answer[0]
    return client, order, sent, answer[0]


async def test_a_pushed_signature_comes_back_with_the_server_fields(as_user: Any) -> None:
    client, order, sent, master = await _signed(as_user)
    assert master["id"] == sent["id"]
    assert master["hashMatches"] is True
    assert master["serverHash"] == sent["contentHash"]
    assert len(master["pngSha256"]) == 64
    assert master["technicianId"] == str(order.assigned_to_id)
    assert master["receivedAt"] is not None
    assert master["strokes"] == sent["strokes"]
    docs, _ = await pull_all(client, COLLECTION)
    assert [d["id"] for d in docs] == [sent["id"]]
    assert (await WorkOrder.get(id=order.id)).status is Status.CUSTOMER_SIGNED


async def test_an_edit_push_changes_nothing(as_user: Any) -> None:
    client, _, _, master = await _signed(as_user)
    edited = {**master, "signerName": "Someone else", "strokes": [{"points": [{"x": 1, "y": 1}]}]}
    answer = await push(client, COLLECTION, [{"newDocumentState": edited, "assumedMasterState": master}])
    assert len(answer) == 1
    assert answer[0]["signerName"] == master["signerName"]
    assert answer[0]["version"] == master["version"]
    stored = await Signature.get(id=master["id"])
    assert stored.signer_name == master["signerName"]
    assert stored.strokes == master["strokes"]


async def test_filling_in_a_missing_value_later_is_rejected(as_user: Any) -> None:
    client, _, _, master = await _signed(as_user)
    located = {**master, "latitude": 39.9, "longitude": 116.4}
    answer = await push(client, COLLECTION, [{"newDocumentState": located, "assumedMasterState": master}])
    assert answer[0]["rejected"]["code"] == "IMMUTABLE"
    assert answer[0]["latitude"] is None
    assert (await Signature.get(id=master["id"])).latitude is None


async def test_a_signature_cannot_be_deleted(as_user: Any) -> None:
    client, _, _, master = await _signed(as_user)
    gone = {**master, "deleted": True}
    answer = await push(client, COLLECTION, [{"newDocumentState": gone, "assumedMasterState": master}])
    assert answer[0]["rejected"]["code"] == "IMMUTABLE"
    assert not (await Signature.get(id=master["id"])).deleted


async def test_another_technician_cannot_sign_an_order_not_his(as_user: Any) -> None:
    order, _ = await finished_order()
    other = await as_user(await make_user(Role.TECHNICIAN))
    sent = document(order, "0" * 64)
    answer = await push(other, COLLECTION, [{"newDocumentState": sent, "assumedMasterState": None}])
    assert answer[0]["rejected"]["code"] == "NOT_IN_SCOPE"
    assert not await Signature.filter(work_order_id=order.id).exists()
    docs, _ = await pull_all(other, COLLECTION)
    assert docs == []


async def test_an_invalid_signature_is_rejected_with_its_reason(as_user: Any) -> None:
    order, _ = await finished_order()
    client = await as_user(await order.assigned_to)
    sent = document(order, "0" * 64, consentText="I agree to anything")
    answer = await push(client, COLLECTION, [{"newDocumentState": sent, "assumedMasterState": None}])
    assert answer[0]["rejected"]["code"] == "CONSENT_MISMATCH"
    assert (await WorkOrder.get(id=order.id)).status is Status.WORK_DONE


async def test_the_fast_read_path_matches_the_orm(db: Any, media: Any) -> None:
    order, _ = await finished_order()
    signed = await service.accept_signature(
        actor=actor_of(await order.assigned_to), **signing(order, "0" * 64)
    )
    conn = get_connection("default")
    fast = await SIGNATURES._fetch(Signature.filter(id=signed.id), conn)
    rows = await Signature.filter(id=signed.id).values(*SIGNATURES._columns)
    assert fast == [SIGNATURES.to_doc(rows[0])]
    assert fast[0]["latitude"] == 39.9087
    assert fast[0]["hashMatches"] is False
    assert fast[0]["signerRelation"] == "customer"
    assert await SIGNATURES._document(str(signed.id), conn) == fast[0]
