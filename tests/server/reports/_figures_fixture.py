"""A hand-computed month for the report tests: twelve orders in October 2026 (Shanghai), with
known times, tiers, visits, appointments, checklists, ratings and call-backs.

Business hours are 09:00-17:00 Shanghai, Monday to Friday; 12-23 October are ordinary workdays.
Minutes below are business minutes. Sites: S1 and S2 belong to customer C1, S3 to C2.

order site tech  tier/lvl respond    resolve                visits  on time  checklist repeat
O1    S1   Alice std/2    30 met     120 met                1       yes      done      yes (O10)
O2    S1   Alice std/1    30 met     60+60=120 met, night   1       yes edge done      yes (O1)
O3    S2   Bob   adv/1    90 missed  300 missed             1       yes      not done  no
O4    S2   Bob   vip/1    20 met     180-60 on hold=120 met cannot finish, late  done  yes (O3)
O5    S3   Alice std/3    180 missed open                   1       yes      not done  no
O6    S3   Bob   std/3    open       open                   0       -        -         no
O7    S3   Alice cancelled
O8    S1   -     std/2    open       open                   0       -        -         yes (O1)
O9    S1   Bob   adv/2    45 met     150 met                2       - (proposed only) done yes (O1)
O10   S1   Alice received and closed 30 September: outside the period
O11   S2   Bob   received 1 November 00:00: outside the period
O12   S2   Alice vip/2    10 met     30+60=90 met, weekend  1       yes      done      yes (O3)

Ratings (4 and 5 satisfy): O1 5, O2 4, O3 2, O9 5 and 4; ignored: O10 1 (September),
O7 1 (cancelled), O12 1 (deleted). Call-backs: O1 reached; O2 not reached, then reached with a
complaint; O3 reached with a complaint; O4 not reached; O9 reached; O10 (ignored) complaint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from server.appointments.models import AppointmentStatus
from server.audit.service import record_change
from server.auth.models import User
from server.checklists.models import ChecklistRun, ChecklistTemplate
from server.checklists.template_format import load_seed_template
from server.core import persist
from server.core.roles import Role
from server.customers.models import Customer, Site
from server.feedback.models import Callback, SatisfactionRating
from server.reports.facts import refresh_stale
from server.reports.figures import Filters
from server.workorders.models import Status, WorkOrder
from tests.factories import make_appointment, make_customer, make_site, make_user, make_work_order

SHANGHAI = ZoneInfo("Asia/Shanghai")
OCTOBER = Filters(start=datetime(2026, 10, 1, tzinfo=SHANGHAI), end=datetime(2026, 11, 1, tzinfo=SHANGHAI))


def sh(day: int, hour: int, minute: int = 0, *, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@dataclass
class Month:
    alice: User
    bob: User
    c1: Customer
    c2: Customer
    s1: Site
    s2: Site
    s3: Site
    orders: dict[str, WorkOrder]


async def _arrivals(order: WorkOrder, count: int) -> None:
    # Each move to on site leaves this audit entry; the facts count visits from them.
    for _ in range(count):
        await record_change(
            conn=WorkOrder._meta.db,
            actor=None,
            entity="work_order",
            entity_id=str(order.id),
            action="to_on_site",
            before=None,
            after=None,
        )


async def _run(order: WorkOrder, template: ChecklistTemplate, *, completed: bool) -> None:
    run = ChecklistRun(
        work_order=order,
        template=template,
        answers={},
        completed_at=order.arrived_at + timedelta(minutes=5) if completed and order.arrived_at else None,
    )
    await persist.save(run, actor=None)


async def _rating(order: WorkOrder, score: int, *, source: str = "device", deleted: bool = False) -> None:
    await persist.save(
        SatisfactionRating(work_order=order, score=score, source=source, deleted=deleted), actor=None
    )


async def _callback(order: WorkOrder, *, reached: bool, complaint: bool = False) -> None:
    satisfaction = 3 if reached else None
    await persist.save(
        Callback(work_order=order, reached=reached, satisfaction=satisfaction, complaint=complaint),
        actor=None,
    )


async def _order(site: Site, tech: User | None, status: Status, **kw: Any) -> WorkOrder:
    return await make_work_order(site=site, assigned_to=tech, status=status, **kw)


async def build_month() -> Month:
    alice = await make_user(Role.TECHNICIAN, display_name="Alice")
    bob = await make_user(Role.TECHNICIAN, display_name="Bob")
    c1, c2 = await make_customer(name="Customer One"), await make_customer(name="Customer Two")
    s1, s2 = await make_site(c1, name="S1"), await make_site(c1, name="S2")
    s3 = await make_site(c2, name="S3")
    o: dict[str, WorkOrder] = {}
    o["O10"] = await _order(
        s1, alice, Status.CLOSED, received_at=sh(30, 10, month=9), responded_at=sh(30, 10, 10, month=9),
        arrived_at=sh(30, 10, 30, month=9), work_done_at=sh(30, 11, month=9), closed_at=sh(30, 12, month=9),
    )  # fmt: skip
    o["O1"] = await _order(
        s1, alice, Status.CLOSED, sla_tier="standard", fault_level=2, received_at=sh(12, 9),
        responded_at=sh(12, 9, 30), arrived_at=sh(12, 10), work_done_at=sh(12, 11), closed_at=sh(12, 15),
    )  # fmt: skip
    o["O2"] = await _order(
        s1, alice, Status.CALLED_BACK, sla_tier="standard", fault_level=1, received_at=sh(13, 16),
        responded_at=sh(13, 16, 30), arrived_at=sh(14, 9, 30), work_done_at=sh(14, 10),
    )  # fmt: skip
    o["O3"] = await _order(
        s2, bob, Status.CLOSED, sla_tier="advanced", fault_level=1, received_at=sh(14, 9),
        responded_at=sh(14, 10, 30), arrived_at=sh(14, 11), work_done_at=sh(14, 14), closed_at=sh(14, 17, 30),
    )  # fmt: skip
    pause = [
        {"start": sh(15, 10, 30).isoformat(), "end": sh(15, 11, 30).isoformat(), "reason": "waiting_parts"}
    ]
    o["O4"] = await _order(
        s2, bob, Status.CUSTOMER_SIGNED, sla_tier="vip", fault_level=1, received_at=sh(15, 9),
        responded_at=sh(15, 9, 20), arrived_at=sh(15, 10), work_done_at=sh(15, 12), pauses=pause,
        cannot_finish_reason="The power supply had to be ordered",
    )  # fmt: skip
    o["O5"] = await _order(
        s3, alice, Status.ON_SITE, sla_tier="standard", fault_level=3, received_at=sh(16, 10),
        responded_at=sh(16, 13), arrived_at=sh(16, 14),
    )  # fmt: skip
    o["O6"] = await _order(
        s3, bob, Status.DISPATCHED, sla_tier="standard", fault_level=3, received_at=sh(19, 9)
    )
    o["O7"] = await _order(
        s3, alice, Status.CANCELLED, received_at=sh(20, 9), cancelled_at=sh(20, 10), cancel_reason="Duplicate"
    )
    o["O8"] = await _order(
        s1, None, Status.RECEIVED, sla_tier="standard", fault_level=2, received_at=sh(21, 9)
    )
    o["O9"] = await _order(
        s1, bob, Status.CALLED_BACK, sla_tier="advanced", fault_level=2, received_at=sh(22, 9),
        responded_at=sh(22, 9, 45), arrived_at=sh(22, 10, 30), work_done_at=sh(22, 11, 30),
    )  # fmt: skip
    o["O11"] = await _order(s2, bob, Status.DISPATCHED, received_at=sh(1, 0, month=11))
    o["O12"] = await _order(
        s2, alice, Status.WORK_DONE, sla_tier="vip", fault_level=2, received_at=sh(23, 16, 30),
        responded_at=sh(23, 16, 40), arrived_at=sh(26, 9, 30), work_done_at=sh(26, 10),
    )  # fmt: skip

    for name in ("O1", "O2", "O3", "O4", "O5", "O10", "O12"):
        await _arrivals(o[name], 1)
    await _arrivals(o["O9"], 2)  # the customer's test failed, so he went back to work

    confirmed = AppointmentStatus.CONFIRMED
    for name, start, end in (
        ("O1", sh(12, 9, 45), sh(12, 10, 30)),
        ("O2", sh(14, 9), sh(14, 9, 30)),
        ("O3", sh(14, 10, 45), sh(14, 11, 15)),
        ("O4", sh(15, 9, 30), sh(15, 9, 50)),
        ("O5", sh(16, 13, 30), sh(16, 14, 30)),
        ("O12", sh(26, 9), sh(26, 10)),
    ):
        hours = (end - start).total_seconds() / 3600
        await make_appointment(o[name], start=start, hours=hours, status=confirmed)
    await make_appointment(o["O9"], start=sh(22, 9), hours=0.25, status=AppointmentStatus.PROPOSED)
    await make_appointment(o["O4"], start=sh(15, 11), hours=1, status=AppointmentStatus.CANCELLED)

    template = ChecklistTemplate(
        key="etiquette",
        title_en="Etiquette",
        title_zh="礼仪",
        document=load_seed_template().to_dict(),
        active=False,
    )
    await persist.save(template, actor=None)
    for name in ("O1", "O2", "O4", "O9", "O12"):
        await _run(o[name], template, completed=True)
    for name in ("O3", "O5"):
        await _run(o[name], template, completed=False)

    for name, score in (("O1", 5), ("O2", 4), ("O3", 2), ("O9", 5), ("O10", 1), ("O7", 1)):
        await _rating(o[name], score)
    await _rating(o["O9"], 4, source="callback")
    await _rating(o["O12"], 1, deleted=True)

    await _callback(o["O1"], reached=True)
    await _callback(o["O2"], reached=False)
    await _callback(o["O2"], reached=True, complaint=True)
    await _callback(o["O3"], reached=True, complaint=True)
    await _callback(o["O4"], reached=False)
    await _callback(o["O9"], reached=True)
    await _callback(o["O10"], reached=True, complaint=True)

    await refresh_stale(actor=None)
    return Month(alice=alice, bob=bob, c1=c1, c2=c2, s1=s1, s2=s2, s3=s3, orders=o)
