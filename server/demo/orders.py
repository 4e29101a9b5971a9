"""Demo work orders and appointments: every status, every tier and fault level, today and tomorrow.

Timestamps are laid out as the life cycle would have set them: each order's history is built
forward from receipt with realistic gaps, then shifted so its latest event happened a little
before now. Visits still to come get appointment windows later today or tomorrow.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from server.appointments.models import Appointment, AppointmentChange, AppointmentStatus
from server.auth.models import User
from server.core import persist
from server.customers.models import Customer, Site
from server.demo import data
from server.workorders.models import Status, WorkOrder
from server.workorders.numbering import format_number

MAIN_PATH = (
    Status.RECEIVED,
    Status.DISPATCHED,
    Status.ACCEPTED,
    Status.APPOINTMENT_CONFIRMED,
    Status.EN_ROUTE,
    Status.ON_SITE,
    Status.WORK_DONE,
    Status.CUSTOMER_SIGNED,
    Status.CALLED_BACK,
    Status.CLOSED,
)
# Event reached at each main-path step and the minutes it takes after the step before.
STEPS: tuple[tuple[str, int], ...] = (
    ("received_at", 0),
    ("dispatched_at", 6),
    ("accepted_at", 9),
    ("confirmed", 15),  # the appointment agreed on the phone
    ("left", 60),  # the technician sets off
    ("arrived_at", 35),
    ("work_done_at", 75),
    ("signed_at", 10),
    ("called_back_at", 90),
    ("closed_at", 5),
)
# Side statuses and the main-path status they branched from.
BRANCHED_FROM = {
    Status.ON_HOLD: Status.ON_SITE,
    Status.CANNOT_FINISH: Status.ON_SITE,
    Status.CANCELLED: Status.DISPATCHED,
}
SIDE_EVENT_MINUTES = 40  # from the branch point to the hold / cannot-finish / cancel
VISIBLE = MAIN_PATH.index(Status.EN_ROUTE)
WINDOW = timedelta(hours=2)
DAY_START, DAY_END = time(9), time(18)  # local hours in which visits are booked


class OrderSeeder:
    def __init__(
        self,
        rng: random.Random,
        conn: BaseDBAsyncClient,
        *,
        tz: str,
        now: datetime,
        users: dict[str, User],
    ) -> None:
        self.rng = rng
        self.conn = conn
        self.zone = ZoneInfo(tz)
        self.now = now
        self.users = users
        self.today = now.astimezone(self.zone).date()
        # Seeded in the evening, the day's history still ends when the working day did.
        closing = datetime.combine(self.today, DAY_END, tzinfo=self.zone)
        self.history_end = min(now, closing)
        self.sequence: dict[date, int] = {}

    async def save(self, obj: Model) -> None:
        await persist.save(obj, actor=None, action="seed", conn=self.conn)

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    async def seed(self, customers: list[tuple[Customer, list[Site]]]) -> dict[str, int]:
        by_tier: dict[str, list[tuple[Customer, list[Site]]]] = {}
        for entry in customers:
            by_tier.setdefault(entry[0].sla_tier, []).append(entry)
        taken: dict[str, int] = {}
        appointments = 0
        for index, spec in enumerate(data.ORDERS):
            pool = by_tier[spec.tier]
            customer, sites = pool[taken.get(spec.tier, 0) % len(pool)]
            taken[spec.tier] = taken.get(spec.tier, 0) + 1
            # An order on its way must still be before its window; the others spread over the morning.
            lag = 10 if spec.status is Status.EN_ROUTE else 5 + 7 * index
            order, events = await self._order(spec, customer, sites[index % len(sites)], lag=lag)
            appointments += await self._appointments(spec, order, customer, events)
        return {"work_orders": len(data.ORDERS), "appointments": appointments}

    def _events(self, spec: data.DemoOrder, lag: int) -> dict[str, datetime]:
        """Every event the order has reached, the latest one `lag` minutes ago."""
        base = BRANCHED_FROM.get(spec.status, spec.status)
        reached = MAIN_PATH.index(base)
        offsets: dict[str, int] = {}
        total = 0
        for name, minutes in STEPS[: reached + 1]:
            total += minutes
            offsets[name] = total
        if spec.status in BRANCHED_FROM:
            total += SIDE_EVENT_MINUTES
            offsets["side"] = total
        # A technician on his way is on his way now, whatever the hour.
        end = self.now if spec.status is Status.EN_ROUTE else self.history_end
        start = end - timedelta(minutes=lag + total)
        events = {name: start + timedelta(minutes=m) for name, m in offsets.items()}
        if reached >= VISIBLE:
            # The visit was booked to start when the technician would get there.
            events["window_start"] = events["left"] + timedelta(minutes=30)
        return events

    def _future_window(self, spec: data.DemoOrder) -> datetime:
        """Tomorrow at 09:00 or 14:00; for today the next half hour two hours from now, moved to
        the next morning when that falls outside visiting hours."""
        if spec.tomorrow:
            hour = 9 if self.rng.random() < 0.5 else 14
            return self._at(self.today + timedelta(days=1), time(hour))
        soon = (self.now + timedelta(hours=2)).astimezone(self.zone)
        half_hours = 1 + (soon.minute >= 30)
        soon = soon.replace(minute=0, second=0, microsecond=0) + timedelta(minutes=30 * half_hours)
        if soon.time() < DAY_START:
            return self._at(soon.date(), DAY_START)
        if soon.time() >= DAY_END:
            return self._at(soon.date() + timedelta(days=1), DAY_START)
        return soon.astimezone(self.now.tzinfo)

    def _at(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.zone).astimezone(self.now.tzinfo)

    def _local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def _number(self, received: datetime) -> str:
        day = self._local_day(received)
        self.sequence[day] = self.sequence.get(day, 0) + 1
        return format_number(day, self.sequence[day])

    async def _order(
        self, spec: data.DemoOrder, customer: Customer, site: Site, *, lag: int
    ) -> tuple[WorkOrder, dict[str, datetime]]:
        events = self._events(spec, lag)
        english = customer.language == "en"
        pick = 1 if english else 0
        fields: dict[str, Any] = {
            "id": self._uuid(),
            "number": self._number(events["received_at"]),
            "customer_id": customer.id,
            "site_id": site.id,
            "source_channel": spec.channel,
            "symptom": data.SYMPTOMS[spec.symptom][pick],
            "fault_level": spec.fault_level,
            "sla_tier": customer.sla_tier,
            "status": spec.status,
            "received_by_id": self.users["dispatcher"].id,
            "assigned_to_id": self.users[spec.technician].id if spec.technician else None,
        }
        fields.update({k: v for k, v in events.items() if k.endswith("_at")})
        if "accepted_at" in events:
            fields["responded_at"] = events["accepted_at"]
        if "window_start" not in events and spec.status in {Status.ACCEPTED, Status.APPOINTMENT_CONFIRMED}:
            events["window_start"] = self._future_window(spec)
        fields["scheduled_date"] = self._scheduled_date(spec, events)
        fields.update(self._status_fields(spec, events, pick))
        order = WorkOrder(**fields)
        await self.save(order)
        return order, events

    def _scheduled_date(self, spec: data.DemoOrder, events: dict[str, datetime]) -> date | None:
        if "window_start" in events:
            return self._local_day(events["window_start"])
        if spec.status is Status.RECEIVED:
            return None
        return self.today + timedelta(days=1 if spec.tomorrow else 0)

    def _status_fields(self, spec: data.DemoOrder, events: dict[str, datetime], pick: int) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        reached = MAIN_PATH.index(BRANCHED_FROM.get(spec.status, spec.status))
        if spec.status is Status.ON_SITE or (spec.status in BRANCHED_FROM and reached >= VISIBLE):
            fields["progress_note"] = (
                "光功率 -27dBm 偏低，正在排查分光箱。",
                "Optical power low; checking the splitter.",
            )[pick]
        if reached >= MAIN_PATH.index(Status.WORK_DONE):
            resolution = self.rng.choice(data.RESOLUTIONS)
            fields.update(
                resolution=resolution[pick],
                parts_used=[dict(self.rng.choice(data.PARTS))],
                cause_category=self.rng.choice(("hardware", "line", "customer_side", "third_party")),
            )
        side = events.get("side")
        if spec.status is Status.ON_HOLD and side is not None:
            fields.update(
                status_before_hold=Status.ON_SITE.value,
                hold_reason=data.HOLD_REASON,
                pauses=[{"start": side.isoformat(), "end": None, "reason": data.HOLD_REASON}],
            )
        elif spec.status is Status.CANNOT_FINISH:
            fields.update(
                cannot_finish_reason=data.CANNOT_FINISH_REASON[pick],
                next_visit_date=self.today + timedelta(days=1),
            )
        elif spec.status is Status.CANCELLED and side is not None:
            fields.update(cancelled_at=side, cancel_reason=data.CANCEL_REASON[pick])
        return fields

    async def _appointments(
        self, spec: data.DemoOrder, order: WorkOrder, customer: Customer, events: dict[str, datetime]
    ) -> int:
        start = events.get("window_start")
        if start is None or spec.technician is None:
            return 0
        technician = self.users[spec.technician]
        proposed = spec.status is Status.ACCEPTED
        appointment = Appointment(
            id=self._uuid(),
            work_order_id=order.id,
            technician_id=technician.id,
            window_start=start,
            window_end=start + WINDOW,
            status=AppointmentStatus.PROPOSED if proposed else AppointmentStatus.CONFIRMED,
            confirmed_with_customer=not proposed,
            confirmed_by_id=None if proposed else technician.id,
            confirmed_at=None if proposed else events.get("confirmed", events["accepted_at"]),
            customer_contact=customer.name,
            note="客户希望尽量早一点" if proposed else "",
        )
        await self.save(appointment)
        count = 1
        if spec.status is Status.APPOINTMENT_CONFIRMED and spec.tomorrow and spec.technician == "tech2":
            await self._moved_by_customer(appointment, technician)
        if spec.status is Status.CANNOT_FINISH and order.next_visit_date is not None:
            await self._next_visit(order, technician, customer)
            count += 1
        return count

    async def _moved_by_customer(self, appointment: Appointment, technician: User) -> None:
        # The customer moved the visit from this afternoon to tomorrow: kept as history.
        earlier = appointment.window_start - timedelta(hours=20)
        change = AppointmentChange(
            id=self._uuid(),
            appointment_id=appointment.id,
            changed_by_id=technician.id,
            from_start=earlier,
            from_end=earlier + WINDOW,
            to_start=appointment.window_start,
            to_end=appointment.window_end,
            reason="客户临时有事，改约明天。",
            initiated_by="customer",
        )
        await self.save(change)

    async def _next_visit(self, order: WorkOrder, technician: User, customer: Customer) -> None:
        assert order.next_visit_date is not None
        start = self._at(order.next_visit_date, time(10))
        proposal = Appointment(
            id=self._uuid(),
            work_order_id=order.id,
            technician_id=technician.id,
            window_start=start,
            window_end=start + WINDOW,
            status=AppointmentStatus.PROPOSED,
            customer_contact=customer.name,
            note="备件到货后上门更换。",
        )
        await self.save(proposal)
