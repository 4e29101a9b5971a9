"""The adapter reads raw rows for speed; the documents and model objects it builds must be exactly
the ones the ORM path builds, for every registered collection, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from tortoise.connection import get_connection

from server.core import persist
from server.core.serialize import snapshot
from server.syncing.adapter import ModelAdapter
from server.syncing.collections import ADAPTERS
from server.worklog.models import TimeEntry, WorkNote
from tests.factories import make_asset, make_user, make_work_order

SHANGHAI = timezone(timedelta(hours=8))


async def _seed() -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    await make_asset(site=order.site, warranty_end=None, ip_address="10.0.0.7")  # type: ignore[arg-type]
    # Whole seconds, another offset, a null: the spellings the fast decoders leave to the ORM.
    await persist.save(
        WorkNote(
            work_order=order,
            author=tech,
            body="光猫已更换",
            written_at=datetime(2026, 11, 23, 10, tzinfo=SHANGHAI),
        ),
        actor=None,
    )
    await persist.save(
        TimeEntry(
            work_order=order,
            technician=tech,
            kind="travel",
            started_at=datetime(2026, 11, 23, 1, 2, 3, 456789, tzinfo=UTC),
            ended_at=None,
        ),
        actor=None,
    )


async def _reference(adapter: ModelAdapter, rows: list[dict[str, Any]], conn: Any) -> list[dict[str, Any]]:
    """The documents as the ORM path builds them: Tortoise's values, `to_doc`, then enrichment."""
    docs = [adapter.to_doc(r) for r in rows]
    if adapter.enrich is not None:
        await adapter.enrich(docs, conn)
    return docs


async def test_documents_match_the_orm_for_every_collection(db: Any) -> None:
    await _seed()
    conn = get_connection("default")
    compared = set()
    for adapter in ADAPTERS:
        fast = await adapter._fetch(adapter.model.all().order_by("id"), conn)
        rows = await adapter.model.all().order_by("id").values(*adapter._columns)
        assert fast == await _reference(adapter, rows, conn), adapter.spec.name
        if fast:
            compared.add(adapter.spec.name)
    assert {"assets", "workNotes", "timeEntries", "workOrders", "customers", "sites"} <= compared


async def test_write_path_reads_match_the_orm(db: Any) -> None:
    await _seed()
    conn = get_connection("default")
    for adapter in ADAPTERS:
        for obj in await adapter.model.all():
            pk = str(obj.pk)
            row = await adapter._row_for_update(pk, conn)
            assert row is not None
            assert snapshot(row) == snapshot(obj), adapter.spec.name
            assert row.updated_at == obj.updated_at  # type: ignore[attr-defined]
            rows = await adapter.model.filter(id=pk).values(*adapter._columns)
            assert [await adapter._document(pk, conn)] == await _reference(adapter, rows, conn)
    assert await ADAPTERS[0]._row_for_update("00000000-0000-0000-0000-000000000000", conn) is None
