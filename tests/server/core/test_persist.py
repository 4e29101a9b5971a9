"""`persist.held_back`: saves held to the end of a block write exactly what saving each row at
once writes (rows, versions, audit entries), in the same order, and nothing if the block fails."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from tortoise.transactions import in_transaction

import server.reports.facts  # noqa: F401  (registers the save signal of ratings)
from server.audit.models import AuditEntry
from server.core import persist
from server.core.actor import Actor
from server.core.serialize import snapshot
from server.feedback.models import SatisfactionRating
from server.worklog.models import WorkNote
from tests.factories import make_user, make_work_order

SHANGHAI = timezone(timedelta(hours=8))


async def _scene() -> tuple[Actor, Any]:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    return Actor(user_id=tech.id, role=tech.role, device_id=uuid.uuid4()), order


async def _write_day(actor: Actor, order: Any, *, held: bool) -> list[uuid.UUID]:
    """Two new notes, then one of them edited twice: the same saves, held back or not."""
    ids = [uuid.uuid4(), uuid.uuid4()]
    async with in_transaction() as conn:
        block = persist.held_back(conn) if held else _nothing()
        async with block:
            notes = []
            for i, pk in enumerate(ids):
                note = WorkNote(
                    id=pk,
                    work_order_id=order.id,
                    author_id=actor.user_id,
                    body=f"note {i}",
                    written_at=datetime(2026, 11, 23, 10, i, tzinfo=SHANGHAI),
                )
                await persist.save(note, actor=actor, conn=conn)
                notes.append(note)
            for body in ("edited once", "edited twice"):
                before = snapshot(notes[0])
                notes[0].body = body
                await persist.save(notes[0], actor=actor, before=before, conn=conn)
            # Saved without a change of content: audited all the same, since it takes a new version.
            await persist.save(notes[1], actor=actor, before=snapshot(notes[1]), conn=conn)
    return ids


class _nothing:
    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, *exc: object) -> None:
        return None


def _comparable(row: WorkNote) -> dict[str, Any]:
    return {k: v for k, v in snapshot(row).items() if k not in {"id", "version"}}


async def _audit_of(ids: list[uuid.UUID]) -> list[tuple[Any, ...]]:
    entries = await AuditEntry.filter(entity_id__in=[str(i) for i in ids]).order_by("id")
    position = {str(pk): n for n, pk in enumerate(ids)}

    def strip(values: dict[str, Any] | None) -> dict[str, Any] | None:
        return None if values is None else {k: v for k, v in values.items() if k not in {"id", "version"}}

    return [
        (position[e.entity_id], e.entity, e.action, e.actor_id, e.device_id, strip(e.before), strip(e.after))
        for e in entries
    ]


async def test_held_saves_write_what_saving_at_once_writes(db: Any) -> None:
    actor, order = await _scene()
    direct = await _write_day(actor, order, held=False)
    held = await _write_day(actor, order, held=True)
    for a, b in zip(direct, held, strict=True):
        row_a, row_b = await WorkNote.get(id=a), await WorkNote.get(id=b)
        assert _comparable(row_a) == _comparable(row_b)
        assert row_b.version > row_a.version
        assert row_b.updated_at >= row_b.created_at
    assert await _audit_of(held) == await _audit_of(direct)
    assert [entry[2] for entry in await _audit_of(held)] == ["create", "create", "update", "update", "update"]


async def _fail_after_saving(actor: Actor, order: Any, note_id: uuid.UUID) -> None:
    async with in_transaction() as conn, persist.held_back(conn):
        note = WorkNote(
            id=note_id,
            work_order_id=order.id,
            author_id=actor.user_id,
            body="never stored",
            written_at=datetime.now(UTC),
        )
        await persist.save(note, actor=actor, conn=conn)
        raise RuntimeError("the batch failed")


async def test_a_held_block_that_fails_writes_nothing(db: Any) -> None:
    actor, order = await _scene()
    note_id = uuid.uuid4()
    with pytest.raises(RuntimeError, match="the batch failed"):
        await _fail_after_saving(actor, order, note_id)
    assert not await WorkNote.filter(id=note_id).exists()
    assert not await AuditEntry.filter(entity_id=str(note_id)).exists()


async def test_rows_with_save_signals_are_saved_at_once_after_what_was_held(db: Any) -> None:
    actor, order = await _scene()
    note_id = uuid.uuid4()
    async with in_transaction() as conn, persist.held_back(conn):
        note = WorkNote(
            id=note_id,
            work_order_id=order.id,
            author_id=actor.user_id,
            body="held",
            written_at=datetime.now(UTC),
        )
        await persist.save(note, actor=actor, conn=conn)
        assert not await WorkNote.filter(id=note_id).using_db(conn).exists()  # still held
        rating = SatisfactionRating(work_order_id=order.id, score=5)
        await persist.save(rating, actor=actor, conn=conn)
        # The rating's signal ran (it may read what it needs), and the note went first.
        assert await SatisfactionRating.filter(id=rating.id).using_db(conn).exists()
        assert await WorkNote.filter(id=note_id).using_db(conn).exists()
    entries = await AuditEntry.filter(entity_id__in=[str(note_id), str(rating.id)]).order_by("id")
    assert [e.entity for e in entries] == ["work_note", "satisfaction_rating"]
