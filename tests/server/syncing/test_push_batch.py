"""A pushed batch is written as one unit (rows read at once, saves held back to its end) and a
replay is answered from the documents' current versions. Neither may change an answer: what a
write returns is what the database then holds, and a replay gets what it got before unless the
document moved on."""

from __future__ import annotations

import uuid
from typing import Any

from tortoise.transactions import in_transaction

from server.audit.models import AuditEntry
from server.core.actor import Actor
from server.core.roles import Role
from server.core.serialize import snapshot
from server.syncing.adapter import ModelAdapter
from server.syncing.collections import ADAPTERS, build_engine
from server.worklog.models import WorkNote
from server.worklog.sync import NOTES, TIME_ENTRIES
from server.workorders import service
from sync.models import SyncMutation
from tests.factories import actor_of, make_user, make_work_order
from tests.server.syncing.helpers import note


async def _tech() -> tuple[Actor, Any]:
    tech = await make_user()
    return actor_of(tech), await make_work_order(assigned_to=tech)


def _entry(order_id: Any, **kw: Any) -> dict[str, Any]:
    doc = {
        "id": str(uuid.uuid4()),
        "workOrderId": str(order_id),
        "technicianId": None,
        "kind": "work",
        "startedAt": "2026-11-23T09:30:00+08:00",  # another offset: stored and read back in UTC
        "endedAt": None,
        "note": "",
        "deleted": False,
    }
    doc.update(kw)
    return doc


async def _write_batch(adapter: ModelAdapter, actor: Actor, docs: list[dict[str, Any]]) -> list[Any]:
    """Writes `docs` in order as one batch, each over the master the batch has reached (as the
    engine does after merging); returns each answer and what the database then holds."""
    async with in_transaction() as conn:
        existing = (await adapter.load(principal=actor, ids=[d["id"] for d in docs], conn=conn)).visible
        masters = dict(existing)
        answers = []
        async with adapter.writing(principal=actor, ids=sorted(masters), conn=conn):
            for doc in docs:
                master = masters.get(doc["id"])
                merged = {**master, **doc} if master is not None else doc
                stored = await adapter.write(principal=actor, document=merged, master=master, conn=conn)
                masters[doc["id"]] = stored
                answers.append(stored)
        held = {d["id"]: await adapter._document(d["id"], conn) for d in docs}
    return [(answer, held[answer["id"]]) for answer in answers]


async def test_held_writes_answer_what_the_database_then_holds(db: Any) -> None:
    actor, order = await _tech()
    assert NOTES.holds_writes
    assert TIME_ENTRIES.holds_writes
    first = note(order.id, writtenAt="2026-11-23T10:00:00+08:00")
    second = note(order.id, writtenAt="2026-11-23T02:00:00.5Z")
    # New rows, and the first one edited twice in the same batch.
    again = {"id": first["id"], "body": "again"}
    results = await _write_batch(NOTES, actor, [first, second, again, {**again, "body": "and again"}])
    (a, _), (b, held_b), (c, _), (d, held_a) = results
    assert (held_a, held_b) == (d, b)
    assert a["version"] < b["version"] < c["version"] < d["version"]
    assert (held_a["body"], held_a["writtenAt"]) == ("and again", "2026-11-23T02:00:00Z")
    assert held_a["authorId"] == str(actor.user_id)
    # Then an edit in a later batch, of a row that now comes from the database.
    [(answer, held)] = await _write_batch(NOTES, actor, [{"id": first["id"], "body": "next day"}])
    assert answer == held
    assert answer["version"] > d["version"]
    entries = await AuditEntry.filter(entity_id=first["id"]).order_by("id")
    assert [e.action for e in entries] == ["create", "update", "update", "update"]
    assert (entries[-1].before or {}).get("body") == "and again"

    entry = _entry(order.id)
    edit = {"id": entry["id"], "endedAt": "2026-11-23T03:00:00Z", "note": "光猫"}
    [_, (edited, held_edited)] = await _write_batch(TIME_ENTRIES, actor, [entry, edit])
    assert held_edited == edited
    assert (edited["startedAt"], edited["technicianId"]) == ("2026-11-23T01:30:00Z", str(actor.user_id))


async def test_a_rejected_row_leaves_nothing_and_the_rest_of_the_batch_is_written(db: Any) -> None:
    actor, order = await _tech()
    engine = build_engine()
    kept = note(order.id)
    await engine.push(collection="workNotes", principal=actor, rows=[{"newDocumentState": kept}])
    [master] = (
        await engine.pull(collection="workNotes", principal=actor, checkpoint=None, limit=10)
    ).documents
    fresh, edit, empty = note(order.id), {**master, "body": "edited"}, {**master, "body": " "}
    rows = [
        {"newDocumentState": fresh, "mutationId": "a"},
        {"newDocumentState": edit, "assumedMasterState": master, "mutationId": "b"},
        {"newDocumentState": empty, "assumedMasterState": edit, "mutationId": "c"},
    ]
    answer = await engine.push(collection="workNotes", principal=actor, rows=rows)
    assert [a["rejected"]["mutationId"] for a in answer if "rejected" in a] == ["c"]
    assert {str(n.id): n.body for n in await WorkNote.all()} == {
        fresh["id"]: fresh["body"],
        kept["id"]: "edited",
    }
    assert [e.action for e in await AuditEntry.filter(entity_id=kept["id"]).order_by("id")] == [
        "create",
        "update",
    ]
    stored = {m.mutation_id.rsplit(":", 1)[-1]: m for m in await SyncMutation.all()}
    assert stored["b"].doc_version == (await WorkNote.get(id=kept["id"])).version
    assert stored["c"].outcome == "rejected"


async def test_a_replay_is_answered_from_the_document_as_it_is_now(db: Any) -> None:
    actor, order = await _tech()
    engine = build_engine()
    doc = note(order.id)
    created = [{"newDocumentState": doc, "mutationId": "create"}]
    first = await engine.push(collection="workNotes", principal=actor, rows=created)
    assert [a["authorId"] for a in first] == [str(actor.user_id)]  # the device lacked the author
    assert await engine.push(collection="workNotes", principal=actor, rows=created) == first
    rejected = [{"newDocumentState": {**doc, "body": ""}, "assumedMasterState": doc, "mutationId": "bad"}]
    refusal = await engine.push(collection="workNotes", principal=actor, rows=rejected)
    assert refusal[0]["rejected"]["code"] == "VALIDATION_FAILED"

    # Someone else's edit moves the document on: the replay answers with the master as it is now.
    desk = actor_of(await make_user(Role.DISPATCHER))
    edited = {**first[0], "body": "the desk's wording"}
    await engine.push(
        collection="workNotes",
        principal=desk,
        rows=[{"newDocumentState": edited, "assumedMasterState": first[0], "mutationId": "desk"}],
    )
    [now] = await engine.push(collection="workNotes", principal=actor, rows=created)
    assert now["body"] == "the desk's wording"
    assert now["version"] > first[0]["version"]
    # A rejection stays one, whatever happened to the document since.
    assert await engine.push(collection="workNotes", principal=actor, rows=rejected) == refusal

    # Out of the technician's scope, the document is answered as it was.
    other = await make_user()
    await service.assign_work_order(actor=desk, work_order_id=order.id, technician_id=other.id)
    assert await engine.push(collection="workNotes", principal=actor, rows=created) == first


async def test_rows_read_for_a_batch_are_the_orms(db: Any) -> None:
    actor, order = await _tech()
    await _write_batch(NOTES, actor, [note(order.id, writtenAt="2026-11-23T10:00:00+08:00")])
    await _write_batch(TIME_ENTRIES, actor, [_entry(order.id, endedAt="2026-11-23T03:00:00.25Z")])
    for adapter in ADAPTERS:
        objs = await adapter.model.all()
        async with in_transaction() as conn:
            rows = await adapter._rows_for_update([str(o.pk) for o in objs] + [str(uuid.uuid4())], conn)
        assert set(rows) == {str(o.pk) for o in objs}, adapter.spec.name
        for obj in objs:
            row = rows[str(obj.pk)]
            assert snapshot(row) == snapshot(obj), adapter.spec.name
            assert (row.created_at, row.updated_at) == (obj.created_at, obj.updated_at)  # type: ignore[attr-defined]
