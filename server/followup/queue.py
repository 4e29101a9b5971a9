"""The call-back queue (回访): signed orders the desk should call now, and the job that closes the rest.

An order is due once the customer signed and the policy's delay has passed. Only a share of the
due orders is called back: the order id is hashed to a point in [0, 1) and the order is sampled
when that point is below the share. The decision depends on nothing but the id and the share, so
it is the same on every read, after a restart and on every server. Due orders left out of the
sample are closed by `close_unsampled`, which a periodic job calls.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.core.actor import Actor, require
from server.core.clock import utcnow
from server.core.roles import STAFF, Role
from server.feedback.models import Callback
from server.followup.models import CallbackPolicy
from server.workorders.actions import apply_transition, load_for_update
from server.workorders.models import Status, WorkOrder

POLICY_KEY = "default"
_SAMPLE_SPACE = float(2**64)
# The periodic job acts as a desk user nobody can sign in as; its audit entries carry the nil id.
JOB_ACTOR = Actor(user_id=uuid.UUID(int=0), role=Role.ADMIN, username="followup-job")


@dataclass(frozen=True)
class QueueEntry:
    order: WorkOrder
    due_at: datetime
    failed_attempts: int
    last_attempt_at: datetime | None


def sample_point(order_id: uuid.UUID) -> float:
    """Where the order falls in [0, 1): the first 8 bytes of sha256 of the id's 16 bytes."""
    digest = hashlib.sha256(order_id.bytes).digest()
    return int.from_bytes(digest[:8], "big") / _SAMPLE_SPACE


def is_sampled(order_id: uuid.UUID, share: float) -> bool:
    return sample_point(order_id) < share


async def load_policy() -> CallbackPolicy:
    """The stored policy, or the default one (call every order back an hour after signing)."""
    return await CallbackPolicy.filter(key=POLICY_KEY).first() or CallbackPolicy(key=POLICY_KEY)


def _due(policy: CallbackPolicy, now: datetime) -> QuerySet[WorkOrder]:
    cutoff = now - timedelta(minutes=policy.delay_minutes)
    return WorkOrder.filter(status=Status.CUSTOMER_SIGNED, deleted=False, signed_at__lte=cutoff)


async def _due_ids(policy: CallbackPolicy, *, sampled: bool, now: datetime) -> list[uuid.UUID]:
    ids = [uuid.UUID(str(i)) for i in await _due(policy, now).values_list("id", flat=True)]
    return [i for i in ids if is_sampled(i, policy.sample_share) is sampled]


async def callback_queue(
    *, actor: Actor, policy: CallbackPolicy | None = None, now: datetime | None = None
) -> QuerySet[WorkOrder]:
    """The sampled orders waiting for their call-back; staff only (call-backs concern complaints).
    `policy` saves a read when the caller has loaded it already."""
    require(actor, *STAFF)
    policy = policy or await load_policy()
    return WorkOrder.filter(id__in=await _due_ids(policy, sampled=True, now=now or utcnow()))


async def queue_entry(order: WorkOrder, *, policy: CallbackPolicy) -> QueueEntry:
    failed = Callback.filter(work_order_id=order.id, reached=False)
    last = await failed.order_by("-created_at").first()
    signed = order.signed_at or order.received_at  # always set on a signed order
    return QueueEntry(
        order=order,
        due_at=signed + timedelta(minutes=policy.delay_minutes),
        failed_attempts=await failed.count(),
        last_attempt_at=None if last is None else last.created_at,
    )


async def failed_attempts(work_order_id: uuid.UUID, *, conn: BaseDBAsyncClient) -> int:
    return await Callback.filter(work_order_id=work_order_id, reached=False).using_db(conn).count()


async def close_unsampled(now: datetime | None = None) -> int:
    """Close the due orders left out of the sample; returns how many. Safe to run concurrently:
    each order is re-read under a lock and closed only if it is still waiting."""
    closed = 0
    for order_id in await _due_ids(await load_policy(), sampled=False, now=now or utcnow()):
        async with in_transaction() as conn:
            order = await load_for_update(JOB_ACTOR, order_id, conn=conn)
            if order.status is not Status.CUSTOMER_SIGNED:
                continue
            await apply_transition(order, actor=JOB_ACTOR, target=Status.CLOSED, conn=conn)
            closed += 1
    return closed
