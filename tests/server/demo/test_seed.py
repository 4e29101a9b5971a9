from __future__ import annotations

import dataclasses
import stat
from datetime import UTC, datetime
from pathlib import Path

from server.appointments.models import Appointment, AppointmentStatus
from server.assets.models import Asset, SealState
from server.auth.models import User
from server.auth.passwords import verify_password
from server.checklists.models import ChecklistTemplate, StandardPhraseBook
from server.core.clock import set_clock
from server.core.roles import Role
from server.core.settings import Settings
from server.customers.models import Customer, Site
from server.demo import logins_path, seed_demo
from server.sla.models import BusinessCalendarConfig, SlaPolicy
from server.workorders.models import Status, WorkOrder
from tests.factories import make_user

# Main-path timestamps in the order the life cycle sets them.
TIMELINE = (
    "received_at",
    "dispatched_at",
    "accepted_at",
    "arrived_at",
    "work_done_at",
    "signed_at",
    "called_back_at",
    "closed_at",
)
NOW = datetime(2026, 3, 10, 3, 30, tzinfo=UTC)  # 11:30 in Shanghai, a working Tuesday


def demo_settings(db: Settings, tmp_path: Path, password: str | None = None) -> Settings:
    return dataclasses.replace(db, data_dir=tmp_path, demo_password=password)


async def test_seed_creates_the_promised_data(db: Settings, tmp_path: Path) -> None:
    set_clock(lambda: NOW)
    report = await seed_demo(settings=demo_settings(db, tmp_path))

    assert report.seeded
    users = {u.username: u for u in await User.all()}
    assert set(users) == {"admin", "dispatcher", "supervisor", "tech1", "tech2"}
    assert users["tech1"].role is Role.TECHNICIAN
    assert "tech1" in users["tech1"].display_name
    assert await Customer.all().count() == 20
    assert {c.kind for c in await Customer.all()} == {"household", "business"}
    for customer in await Customer.all():
        assert 1 <= await Site.filter(customer_id=customer.id).count() <= 2
    assets = await Asset.all()
    assert len(assets) == 60
    assert {a.category for a in assets} >= {"onu", "router", "set_top_box", "switch", "pc", "printer"}
    assert any(a.seal_state is not SealState.NONE for a in assets)
    assert {p.code for p in await SlaPolicy.all()} == {"standard", "advanced", "vip"}
    assert await BusinessCalendarConfig.filter(is_default=True).count() == 1
    assert await ChecklistTemplate.filter(key="etiquette").exists()
    assert await StandardPhraseBook.exists()
    assert report.counts["assets"] == 60
    assert report.counts["customers"] == 20


async def test_work_orders_cover_every_status_tier_and_level_consistently(
    db: Settings, tmp_path: Path
) -> None:
    set_clock(lambda: NOW)
    await seed_demo(settings=demo_settings(db, tmp_path))
    orders = await WorkOrder.all()
    technicians = {u.id for u in await User.filter(role=Role.TECHNICIAN)}

    assert {o.status for o in orders} == set(Status)
    assert {o.sla_tier for o in orders} == {"standard", "advanced", "vip"}
    assert {o.fault_level for o in orders} == {1, 2, 3}
    for order in orders:
        stamps = [getattr(order, name) for name in TIMELINE if getattr(order, name) is not None]
        assert stamps == sorted(stamps), order.number
        assert stamps[-1] <= NOW, order.number
        if order.status is Status.RECEIVED:
            assert order.assigned_to_id is None  # type: ignore[attr-defined]
        else:
            assert order.assigned_to_id in technicians  # type: ignore[attr-defined]
            assert order.scheduled_date is not None
    by_status = {o.status: o for o in orders}
    held = by_status[Status.ON_HOLD]
    assert held.status_before_hold == "on_site"
    assert held.pauses[0]["end"] is None
    assert by_status[Status.CANNOT_FINISH].next_visit_date is not None
    assert by_status[Status.CANCELLED].cancelled_at is not None
    assert by_status[Status.CLOSED].resolution
    kinds = {a.status for a in await Appointment.all()}
    assert {AppointmentStatus.CONFIRMED, AppointmentStatus.PROPOSED} <= kinds


async def test_seed_is_idempotent_and_keeps_the_generated_password(db: Settings, tmp_path: Path) -> None:
    settings = demo_settings(db, tmp_path)
    first = await seed_demo(settings=settings)
    counts = (await Customer.all().count(), await WorkOrder.all().count(), await User.all().count())

    second = await seed_demo(settings=settings)

    assert not second.seeded
    assert (await Customer.all().count(), await WorkOrder.all().count(), await User.all().count()) == counts
    assert first.logins.password
    assert second.logins.password == first.logins.password
    assert [x.username for x in second.logins.logins] == [
        "admin",
        "dispatcher",
        "supervisor",
        "tech1",
        "tech2",
    ]
    path = logins_path(settings)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.logins.password in path.read_text(encoding="utf-8")
    tech = await User.get(username="tech1")
    assert verify_password(password_hash=tech.password_hash, password=first.logins.password)


async def test_password_from_the_setting_is_used_and_not_written(db: Settings, tmp_path: Path) -> None:
    report = await seed_demo(settings=demo_settings(db, tmp_path, password="demo-pass-2026"))
    assert report.logins.password == "demo-pass-2026"
    assert not logins_path(demo_settings(db, tmp_path)).exists()
    admin = await User.get(username="admin")
    assert verify_password(password_hash=admin.password_hash, password="demo-pass-2026")


async def test_existing_users_block_the_demo(db: Settings, tmp_path: Path) -> None:
    await make_user(Role.ADMIN, username="boss")
    report = await seed_demo(settings=demo_settings(db, tmp_path))
    assert not report.seeded
    assert report.logins.logins == ()
    assert report.logins.lines() == []
    assert await Customer.all().count() == 0
    assert not logins_path(demo_settings(db, tmp_path)).exists()
