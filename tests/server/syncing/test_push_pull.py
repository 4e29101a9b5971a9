from __future__ import annotations

from typing import Any

from server.worklog.models import WorkNote
from sync.models import SyncConflict, SyncMutation
from tests.factories import make_user, make_work_order
from tests.server.syncing.helpers import applied, note, pull, pull_all, push


async def _tech_with_order(as_user: Any) -> tuple[Any, Any, Any]:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    return tech, order, await as_user(tech)


async def test_push_then_pull_round_trip(db: Any, as_user: Any) -> None:
    _, order, device = await _tech_with_order(as_user)
    doc = note(order.id)
    answer = await push(device, "workNotes", [{"newDocumentState": doc, "assumedMasterState": None}])
    assert applied(answer, doc)
    assert answer[0]["authorId"]  # the device learns the server-filled author at once
    docs, checkpoint = await pull_all(device, "workNotes")
    assert [d["id"] for d in docs] == [doc["id"]]
    assert docs[0]["body"] == doc["body"]
    assert docs[0]["authorId"] is not None  # server-owned, filled by the server
    assert checkpoint["version"] == docs[0]["version"]
    assert (await pull(device, "workNotes", checkpoint))["documents"] == []


async def test_replay_is_applied_once(db: Any, as_user: Any) -> None:
    _, order, device = await _tech_with_order(as_user)
    row = {"newDocumentState": note(order.id), "assumedMasterState": None, "mutationId": "m-1"}
    first = await push(device, "workNotes", [row])
    second = await push(device, "workNotes", [row])  # the first response was "lost"
    assert first == second
    assert await WorkNote.all().count() == 1
    assert await SyncMutation.filter(mutation_id__endswith=":m-1").count() == 1


async def test_replay_without_mutation_id_is_recognised(db: Any, as_user: Any) -> None:
    _, order, device = await _tech_with_order(as_user)
    doc = note(order.id)
    created = await push(device, "workNotes", [{"newDocumentState": doc}])
    edited = {**doc, "body": "Second thought"}
    row = {"newDocumentState": edited, "assumedMasterState": doc}
    assert applied(created, doc)
    assert await push(device, "workNotes", [row]) == await push(device, "workNotes", [row])
    versions = {(await WorkNote.get(id=doc["id"])).version}
    await push(device, "workNotes", [row])
    versions.add((await WorkNote.get(id=doc["id"])).version)
    assert len(versions) == 1  # the replay wrote nothing


async def test_second_edit_before_pull_is_not_a_conflict(db: Any, as_user: Any) -> None:
    _, order, device = await _tech_with_order(as_user)
    v1 = note(order.id)
    await push(device, "workNotes", [{"newDocumentState": v1}])
    v2 = {**v1, "body": "edit two"}
    v3 = {**v1, "body": "edit three"}
    # The device assumes the master is what it last pushed; no pull happened in between.
    assert applied(await push(device, "workNotes", [{"newDocumentState": v2, "assumedMasterState": v1}]), v2)
    assert applied(await push(device, "workNotes", [{"newDocumentState": v3, "assumedMasterState": v2}]), v3)
    assert (await WorkNote.get(id=v1["id"])).body == "edit three"
    assert await SyncConflict.all().count() == 0


async def test_both_sides_changed_technician_field_logs_the_loser(db: Any, as_user: Any) -> None:
    tech, order, phone = await _tech_with_order(as_user)
    tablet = await as_user(tech)  # the same technician on a second device
    base = note(order.id, body="base")
    await push(phone, "workNotes", [{"newDocumentState": base}])
    await push(
        tablet, "workNotes", [{"newDocumentState": {**base, "body": "tablet"}, "assumedMasterState": base}]
    )
    answer = await push(
        phone, "workNotes", [{"newDocumentState": {**base, "body": "phone"}, "assumedMasterState": base}]
    )
    assert applied(answer, {**base, "body": "phone"})  # technician-owned: the later device edit wins
    conflict = await SyncConflict.get(doc_id=base["id"])
    assert (conflict.field, conflict.values, conflict.winner) == (
        "body",
        {"base": "base", "lost": "tablet", "won": "phone"},
        "client",
    )


async def test_immutable_field_conflict_returns_master(db: Any, as_user: Any) -> None:
    tech, order, device = await _tech_with_order(as_user)
    other = await make_work_order(assigned_to=tech)
    doc = note(order.id)
    await push(device, "workNotes", [{"newDocumentState": doc}])
    moved = {**doc, "workOrderId": str(other.id)}
    answer = await push(device, "workNotes", [{"newDocumentState": moved, "assumedMasterState": doc}])
    assert len(answer) == 1
    assert answer[0]["workOrderId"] == str(order.id)
    assert (await WorkNote.get(id=doc["id"])).work_order_id == order.id  # type: ignore[attr-defined]


async def test_rule_violation_rejects_only_that_row(db: Any, as_user: Any) -> None:
    _, order, device = await _tech_with_order(as_user)
    someone_elses = await make_work_order(assigned_to=await make_user())
    good, bad, empty = note(order.id), note(someone_elses.id), note(order.id, body="  ")
    answer = await push(device, "workNotes", [{"newDocumentState": d} for d in (good, bad, empty)])
    codes = {a["id"]: a["rejected"]["code"] for a in answer if "rejected" in a}
    assert codes == {bad["id"]: "NOT_IN_SCOPE", empty["id"]: "VALIDATION_FAILED"}
    assert [n.id for n in await WorkNote.all()] == [__import__("uuid").UUID(good["id"])]


async def test_unknown_fields_are_rejected(db: Any, as_user: Any) -> None:
    _, order, device = await _tech_with_order(as_user)
    answer = await push(device, "workNotes", [{"newDocumentState": {**note(order.id), "hack": 1}}])
    assert answer[0]["rejected"]["code"] == "INVALID_DOCUMENT"


async def test_delete_becomes_a_tombstone(db: Any, as_user: Any) -> None:
    _, order, device = await _tech_with_order(as_user)
    doc = note(order.id)
    await push(device, "workNotes", [{"newDocumentState": doc}])
    _, checkpoint = await pull_all(device, "workNotes")
    await push(
        device, "workNotes", [{"newDocumentState": {**doc, "deleted": True}, "assumedMasterState": doc}]
    )
    docs, _ = await pull_all(device, "workNotes", checkpoint)
    assert [(d["id"], d["deleted"]) for d in docs] == [(doc["id"], True)]


async def test_reference_data_is_scoped_and_read_only(db: Any, as_user: Any) -> None:
    _, order, device = await _tech_with_order(as_user)
    await make_work_order(assigned_to=await make_user())  # another technician's customer
    customers, _ = await pull_all(device, "customers")
    assert [c["id"] for c in customers] == [str(order.customer_id)]
    body = await device.execute("mutation { pushCustomers(rows: []) }")
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_pull_requires_sign_in_and_a_valid_checkpoint(db: Any, client: Any, as_user: Any) -> None:
    assert await client.error_code("{ pullCustomers(limit: 10) { checkpoint } }") == "UNAUTHENTICATED"
    _, _, device = await _tech_with_order(as_user)
    code = await device.error_code('{ pullCustomers(limit: 10, checkpoint: {version: "x"}) { checkpoint } }')
    assert code == "BAD_CHECKPOINT"
