"""What follows a call-back: closing the order, opening a complaint, giving up on an unreachable
customer; and the sampling policy and complaint records behind them.

Closing rules, applied after the call is recorded (server.feedback.service.record_callback):
- reached, satisfaction at least `SATISFIED_FROM` (4 of 5: "satisfied" or "very satisfied") and
  no complaint → the order is closed, unless a complaint on it is still open;
- complaint → a complaint record opens with an owner (the caller unless another is named) and a
  due date (default: `COMPLAINT_WORKING_DAYS` working days on the site's business calendar); the
  order stays called back until the complaint is resolved, which closes it;
- reached but less satisfied, no complaint → called back; the desk decides whether to close;
- not reached → the order stays in the queue; after `MAX_FAILED_ATTEMPTS` unanswered calls it
  is closed with a note on the order saying so.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.auth.models import User
from server.core import persist
from server.core.actor import Actor, require
from server.core.clock import utcnow
from server.core.errors import NotFound, ValidationFailed
from server.core.roles import DESK, STAFF, Role
from server.core.serialize import snapshot
from server.feedback import service as feedback
from server.feedback.models import Callback
from server.followup.models import CallbackPolicy, Complaint, ComplaintStatus
from server.followup.queue import POLICY_KEY, failed_attempts, load_policy
from server.worklog.models import WorkNote
from server.workorders.actions import apply_transition, load_for_update
from server.workorders.models import Status, WorkOrder
from server.workorders.sla_state import load_sla_context, site_timezone

SATISFIED_FROM = 4
MAX_FAILED_ATTEMPTS = 3
COMPLAINT_WORKING_DAYS = 2
MAX_DELAY_MINUTES = 30 * 24 * 60
MAX_RESOLUTION = 4000
POLICY_EDITORS = (Role.SUPERVISOR, Role.ADMIN)
UNREACHABLE_NOTE = "Closed without a call-back: the customer could not be reached in {n} attempts."


@dataclass(frozen=True)
class CallbackResult:
    callback: Callback
    order: WorkOrder
    complaint: Complaint | None
    failed_attempts: int

    @property
    def closed(self) -> bool:
        return self.order.status is Status.CLOSED


# --- call-backs ---------------------------------------------------------------------------------


async def complete_callback(
    *,
    actor: Actor,
    work_order_id: uuid.UUID,
    reached: bool,
    satisfaction: int | None = None,
    comment: str = "",
    complaint: bool = False,
    complaint_owner_id: uuid.UUID | None = None,
    complaint_due: date | None = None,
    id: uuid.UUID | None = None,
) -> CallbackResult:
    """Record the call and apply the closing rules, in one transaction. Re-sending the same call
    (same `id`) repeats nothing: the stored call, complaint and order are returned."""
    require(actor, *DESK)
    if complaint and not reached:
        raise ValidationFailed("A complaint is recorded when the customer was reached.", field="complaint")
    owner = await _complaint_owner(actor, complaint_owner_id) if complaint else None
    async with in_transaction() as conn:
        callback = await feedback.record_callback(
            actor=actor,
            work_order_id=work_order_id,
            reached=reached,
            satisfaction=satisfaction,
            comment=comment,
            complaint=complaint,
            id=id,
        )
        order = await load_for_update(actor, work_order_id, conn=conn)
        opened = None
        if callback.complaint and owner is not None:  # the stored call matches the request
            opened = await _open_complaint(actor, order, callback, owner, complaint_due, conn=conn)
        elif callback.reached and (callback.satisfaction or 0) >= SATISFIED_FROM:
            await _close_if_settled(actor, order, conn=conn)
        failed = await failed_attempts(order.id, conn=conn)
        if not callback.reached and failed >= MAX_FAILED_ATTEMPTS and order.status is Status.CUSTOMER_SIGNED:
            await _close_unreachable(actor, order, failed, conn=conn)
    return CallbackResult(callback=callback, order=order, complaint=opened, failed_attempts=failed)


async def _close_if_settled(actor: Actor, order: WorkOrder, *, conn: BaseDBAsyncClient) -> None:
    if order.status is not Status.CALLED_BACK:
        return
    pending = Complaint.filter(work_order_id=order.id, status=ComplaintStatus.OPEN).using_db(conn)
    if not await pending.exists():
        await apply_transition(order, actor=actor, target=Status.CLOSED, conn=conn)


async def _close_unreachable(actor: Actor, order: WorkOrder, failed: int, *, conn: BaseDBAsyncClient) -> None:
    await apply_transition(order, actor=actor, target=Status.CLOSED, conn=conn)
    note = WorkNote(
        work_order_id=order.id,
        author_id=actor.user_id,
        body=UNREACHABLE_NOTE.format(n=failed),
        written_at=utcnow(),
    )
    await persist.save(note, actor=actor, conn=conn)


# --- complaints ---------------------------------------------------------------------------------


async def _complaint_owner(actor: Actor, owner_id: uuid.UUID | None) -> User:
    user = await User.filter(id=owner_id or actor.user_id, role__in=list(STAFF), active=True).first()
    if user is None:
        raise NotFound("No such staff member to own the complaint.", field="complaintOwnerId")
    return user


async def _open_complaint(
    actor: Actor,
    order: WorkOrder,
    callback: Callback,
    owner: User,
    due: date | None,
    *,
    conn: BaseDBAsyncClient,
) -> Complaint:
    existing = await Complaint.filter(callback_id=callback.id).using_db(conn).first()
    if existing is not None:
        return existing
    tz = await site_timezone(order)
    today = utcnow().astimezone(ZoneInfo(tz)).date()
    if due is not None and due < today:
        raise ValidationFailed("The complaint's due date is in the past.", field="complaintDueDate")
    complaint = Complaint(
        work_order_id=order.id,
        callback_id=callback.id,
        owner_id=owner.id,
        due_date=due or await working_days_after(today, COMPLAINT_WORKING_DAYS, tz=tz),
        text=callback.comment,
    )
    await persist.save(complaint, actor=actor, conn=conn)
    return complaint


async def working_days_after(day: date, count: int, *, tz: str) -> date:
    """The `count`-th working day after `day` on the business calendar (weekends, holidays skipped)."""
    calendar = (await load_sla_context()).calendar(tz)
    found = 0
    while found < count:
        day += timedelta(days=1)
        found += calendar.is_working_day(day)
    return day


def list_complaints(
    *, actor: Actor, status: ComplaintStatus | None = None, owner_id: uuid.UUID | None = None
) -> QuerySet[Complaint]:
    """Complaints are about the technician's work, so only staff read them."""
    require(actor, *STAFF)
    query = Complaint.all()
    if status is not None:
        query = query.filter(status=status)
    if owner_id is not None:
        query = query.filter(owner_id=owner_id)
    return query


async def resolve_complaint(*, actor: Actor, complaint_id: uuid.UUID, resolution: str) -> Complaint:
    """Settle a complaint; the order closes once no complaint on it is open."""
    require(actor, *STAFF)
    text = resolution.strip()
    if not text:
        raise ValidationFailed("Say how the complaint was settled.", field="resolution")
    if len(text) > MAX_RESOLUTION:
        raise ValidationFailed(f"The resolution is at most {MAX_RESOLUTION} characters.", field="resolution")
    async with in_transaction() as conn:
        complaint = await Complaint.filter(id=complaint_id).using_db(conn).select_for_update().first()
        if complaint is None:
            raise NotFound("No such complaint.")
        if complaint.status is ComplaintStatus.RESOLVED:
            return complaint
        before = snapshot(complaint)
        complaint.status = ComplaintStatus.RESOLVED
        complaint.resolution = text
        complaint.resolved_at = utcnow()
        complaint.resolved_by_id = actor.user_id
        await persist.save(complaint, actor=actor, before=before, action="resolve", conn=conn)
        closer = _with_desk_authority(actor)
        order = await load_for_update(closer, complaint.work_order_id, conn=conn)  # type: ignore[attr-defined]
        await _close_if_settled(closer, order, conn=conn)
    return complaint


def _with_desk_authority(actor: Actor) -> Actor:
    # A supervisor who settles a complaint closes the order as part of settling it, although
    # closing is otherwise a desk move; the audit still names him.
    if actor.role in DESK:
        return actor
    return Actor(user_id=actor.user_id, role=Role.ADMIN, username=actor.username, device_id=actor.device_id)


# --- policy -------------------------------------------------------------------------------------


async def get_policy(*, actor: Actor) -> CallbackPolicy:
    require(actor, *STAFF)
    return await load_policy()


async def set_policy(*, actor: Actor, sample_share: float, delay_minutes: int) -> CallbackPolicy:
    require(actor, *POLICY_EDITORS)
    if not 0.0 <= sample_share <= 1.0:
        raise ValidationFailed("The share of orders called back is between 0 and 1.", field="sampleShare")
    if isinstance(delay_minutes, bool) or not 0 <= delay_minutes <= MAX_DELAY_MINUTES:
        raise ValidationFailed(
            f"The delay is 0 to {MAX_DELAY_MINUTES} minutes after the customer signed.", field="delayMinutes"
        )
    try:
        return await _store_policy(actor, sample_share, delay_minutes)
    except IntegrityError:
        # Another editor created the row first: update theirs.
        return await _store_policy(actor, sample_share, delay_minutes)


async def _store_policy(actor: Actor, sample_share: float, delay_minutes: int) -> CallbackPolicy:
    async with in_transaction() as conn:
        policy = await CallbackPolicy.filter(key=POLICY_KEY).using_db(conn).select_for_update().first()
        before = None if policy is None else snapshot(policy)
        policy = policy or CallbackPolicy(key=POLICY_KEY)
        policy.sample_share = float(sample_share)
        policy.delay_minutes = delay_minutes
        await persist.save(policy, actor=actor, before=before, conn=conn)
    return policy
