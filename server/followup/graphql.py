from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from server.feedback.graphql import CallbackType
from server.followup import queue, service
from server.followup.models import CallbackPolicy, Complaint, ComplaintStatus
from server.graphql.context import Info
from server.graphql.ids import optional_id, parse_id, to_id, to_opt_id
from server.graphql.pagination import Connection, paginate
from server.workorders.graphql_types import WorkOrderType
from server.workorders.models import WorkOrder

ComplaintStatusEnum = strawberry.enum(ComplaintStatus, name="ComplaintStatus")


@strawberry.type(name="CallbackPolicy")
class CallbackPolicyType:
    sample_share: float
    delay_minutes: int

    @classmethod
    def from_model(cls, policy: CallbackPolicy) -> CallbackPolicyType:
        return cls(sample_share=policy.sample_share, delay_minutes=policy.delay_minutes)


@strawberry.type(name="CallbackQueueEntry")
class CallbackQueueEntryType:
    work_order: WorkOrderType
    due_at: datetime
    failed_attempts: int
    last_attempt_at: datetime | None

    @classmethod
    def from_entry(cls, entry: queue.QueueEntry) -> CallbackQueueEntryType:
        return cls(
            work_order=WorkOrderType.from_model(entry.order),
            due_at=entry.due_at,
            failed_attempts=entry.failed_attempts,
            last_attempt_at=entry.last_attempt_at,
        )


@strawberry.type(name="Complaint")
class ComplaintType:
    id: strawberry.ID
    work_order_id: strawberry.ID
    callback_id: strawberry.ID | None
    owner_id: strawberry.ID | None
    due_date: date
    status: ComplaintStatusEnum  # type: ignore[valid-type]
    text: str
    resolution: str
    resolved_at: datetime | None
    resolved_by_id: strawberry.ID | None
    created_at: datetime

    @classmethod
    def from_model(cls, complaint: Complaint) -> ComplaintType:
        c: Any = complaint  # foreign key ids are not declared on the model class
        return cls(
            id=to_id(complaint.id),
            work_order_id=to_id(c.work_order_id),
            callback_id=to_opt_id(c.callback_id),
            owner_id=to_opt_id(c.owner_id),
            due_date=complaint.due_date,
            status=ComplaintStatus(complaint.status),
            text=complaint.text,
            resolution=complaint.resolution,
            resolved_at=complaint.resolved_at,
            resolved_by_id=to_opt_id(c.resolved_by_id),
            created_at=complaint.created_at,
        )


@strawberry.type(name="CallbackOutcome")
class CallbackOutcomeType:
    callback: CallbackType
    work_order: WorkOrderType
    complaint: ComplaintType | None
    closed: bool
    failed_attempts: int

    @classmethod
    def from_result(cls, result: service.CallbackResult) -> CallbackOutcomeType:
        return cls(
            callback=CallbackType.from_model(result.callback),
            work_order=WorkOrderType.from_model(result.order),
            complaint=None if result.complaint is None else ComplaintType.from_model(result.complaint),
            closed=result.closed,
            failed_attempts=result.failed_attempts,
        )


@strawberry.type
class Query:
    @strawberry.field
    async def callback_queue(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[CallbackQueueEntryType]:
        """Signed orders due for a call-back, oldest signature first."""
        policy = await queue.load_policy()
        orders = await queue.callback_queue(actor=info.context.require(), policy=policy)

        async def node(order: WorkOrder) -> CallbackQueueEntryType:
            return CallbackQueueEntryType.from_entry(await queue.queue_entry(order, policy=policy))

        return await paginate(orders, first=first, after=after, to_node=node, order_field="signed_at")

    @strawberry.field
    async def callback_policy(self, info: Info) -> CallbackPolicyType:
        return CallbackPolicyType.from_model(await service.get_policy(actor=info.context.require()))

    @strawberry.field
    async def complaints(
        self,
        info: Info,
        status: ComplaintStatusEnum | None = None,  # type: ignore[valid-type]
        owner_id: strawberry.ID | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[ComplaintType]:
        query = service.list_complaints(
            actor=info.context.require(),
            status=None if status is None else ComplaintStatus(status),
            owner_id=optional_id(owner_id),
        )
        return await paginate(query, first=first, after=after, to_node=ComplaintType.from_model)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def complete_callback(
        self,
        info: Info,
        work_order_id: strawberry.ID,
        reached: bool,
        satisfaction: int | None = None,
        comment: str = "",
        complaint: bool = False,
        complaint_owner_id: strawberry.ID | None = None,
        complaint_due_date: date | None = None,
        id: strawberry.ID | None = None,
    ) -> CallbackOutcomeType:
        """Record a call-back and apply the closing rules (see server/followup/service.py)."""
        result = await service.complete_callback(
            actor=info.context.require(),
            work_order_id=parse_id(work_order_id),
            reached=reached,
            satisfaction=satisfaction,
            comment=comment,
            complaint=complaint,
            complaint_owner_id=optional_id(complaint_owner_id),
            complaint_due=complaint_due_date,
            id=optional_id(id),
        )
        return CallbackOutcomeType.from_result(result)

    @strawberry.mutation
    async def resolve_complaint(self, info: Info, id: strawberry.ID, resolution: str) -> ComplaintType:
        complaint = await service.resolve_complaint(
            actor=info.context.require(), complaint_id=parse_id(id), resolution=resolution
        )
        return ComplaintType.from_model(complaint)

    @strawberry.mutation
    async def set_callback_policy(
        self, info: Info, sample_share: float, delay_minutes: int
    ) -> CallbackPolicyType:
        policy = await service.set_policy(
            actor=info.context.require(), sample_share=sample_share, delay_minutes=delay_minutes
        )
        return CallbackPolicyType.from_model(policy)
