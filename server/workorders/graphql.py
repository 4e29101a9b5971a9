"""Work order queries and mutations: thin resolvers over the work order services."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import strawberry

from server.graphql.context import Info
from server.graphql.ids import parse_id
from server.graphql.pagination import Connection, paginate
from server.workorders import board as board_module
from server.workorders import service
from server.workorders.graphql_types import (
    BoardType,
    CreateWorkOrderInput,
    HoldReasonEnum,
    SlaSource,
    UpdateWorkOrderInput,
    WorkOrderStatusEnum,
    WorkOrderType,
)
from server.workorders.lifecycle import HoldReason
from server.workorders.models import SourceChannel, Status, WorkOrder

__all__ = ["Mutation", "Query"]

# What a work order card shows without another round trip per row.
_PREFETCH = ("site", "assets")


def _opt_uuid(value: str | None) -> uuid.UUID | None:
    return None if value is None else parse_id(value)


def _node(order: WorkOrder) -> WorkOrderType:
    return WorkOrderType.from_model(order)


@strawberry.type
class Query:
    @strawberry.field
    async def work_orders(
        self,
        info: Info,
        first: int | None = 50,
        after: str | None = None,
        status: WorkOrderStatusEnum | None = None,  # type: ignore[valid-type]
        technician_id: strawberry.ID | None = None,
        customer_id: strawberry.ID | None = None,
        date: date | None = None,
    ) -> Connection[WorkOrderType]:
        """Work orders the signed-in user may see; `date` is the scheduled date."""
        actor = info.context.require()
        query = service.list_work_orders(
            actor=actor,
            status=None if status is None else Status(status),
            technician_id=_opt_uuid(technician_id),
            customer_id=_opt_uuid(customer_id),
            scheduled_date=date,
        ).prefetch_related(*_PREFETCH)
        source = SlaSource()
        return await paginate(
            query, first=first, after=after, to_node=lambda o: WorkOrderType.from_model(o, sla_source=source)
        )

    @strawberry.field
    async def work_order(self, info: Info, id: strawberry.ID) -> WorkOrderType:
        actor = info.context.require()
        return _node(await service.get_work_order(actor=actor, work_order_id=parse_id(id)))

    @strawberry.field
    async def board(self, info: Info, date: date, timezone: str | None = None) -> BoardType:
        actor = info.context.require()
        data = await board_module.board(actor=actor, day=date, tz=timezone)
        return BoardType.from_board(data, SlaSource())


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_work_order(self, info: Info, input: CreateWorkOrderInput) -> WorkOrderType:
        actor = info.context.require()
        order = await service.create_work_order(
            actor=actor,
            customer_id=parse_id(input.customer_id),
            site_id=parse_id(input.site_id),
            symptom=input.symptom,
            fault_level=input.fault_level,
            sla_tier=input.sla_tier,
            source_channel=SourceChannel(input.source_channel),
            asset_ids=[parse_id(a) for a in input.asset_ids],
            received_at=input.received_at,
            scheduled_date=input.scheduled_date,
            id=_opt_uuid(input.id),
        )
        return _node(order)

    @strawberry.mutation
    async def assign_work_order(
        self, info: Info, id: strawberry.ID, technician_id: strawberry.ID, scheduled_date: date | None = None
    ) -> WorkOrderType:
        actor = info.context.require()
        order = await service.assign_work_order(
            actor=actor,
            work_order_id=parse_id(id),
            technician_id=parse_id(technician_id),
            scheduled_date=scheduled_date,
        )
        return _node(order)

    @strawberry.mutation
    async def transition_work_order(
        self,
        info: Info,
        id: strawberry.ID,
        to: WorkOrderStatusEnum,  # type: ignore[valid-type]
        reason: str = "",
        next_visit_date: date | None = None,
    ) -> WorkOrderType:
        actor = info.context.require()
        order = await service.transition(
            actor=actor,
            work_order_id=parse_id(id),
            target=Status(to),
            reason=reason,
            next_visit_date=next_visit_date,
        )
        return _node(order)

    @strawberry.mutation
    async def hold_work_order(
        self,
        info: Info,
        id: strawberry.ID,
        reason: HoldReasonEnum,  # type: ignore[valid-type]
    ) -> WorkOrderType:
        actor = info.context.require()
        order = await service.hold_work_order(
            actor=actor, work_order_id=parse_id(id), reason=HoldReason(reason)
        )
        return _node(order)

    @strawberry.mutation
    async def resume_work_order(self, info: Info, id: strawberry.ID) -> WorkOrderType:
        actor = info.context.require()
        return _node(await service.resume_work_order(actor=actor, work_order_id=parse_id(id)))

    @strawberry.mutation
    async def report_late(self, info: Info, id: strawberry.ID, reason: str) -> WorkOrderType:
        actor = info.context.require()
        return _node(await service.report_late(actor=actor, work_order_id=parse_id(id), reason=reason))

    @strawberry.mutation
    async def raise_escalation(self, info: Info, id: strawberry.ID, note: str) -> WorkOrderType:
        actor = info.context.require()
        return _node(await service.raise_escalation(actor=actor, work_order_id=parse_id(id), note=note))

    @strawberry.mutation
    async def acknowledge_escalation(self, info: Info, id: strawberry.ID) -> WorkOrderType:
        actor = info.context.require()
        return _node(await service.acknowledge_escalation(actor=actor, work_order_id=parse_id(id)))

    @strawberry.mutation
    async def cancel_work_order(self, info: Info, id: strawberry.ID, reason: str) -> WorkOrderType:
        actor = info.context.require()
        return _node(await service.cancel_work_order(actor=actor, work_order_id=parse_id(id), reason=reason))

    @strawberry.mutation
    async def update_work_order(
        self, info: Info, id: strawberry.ID, input: UpdateWorkOrderInput
    ) -> WorkOrderType:
        actor = info.context.require()
        order = await service.update_work_order(actor=actor, work_order_id=parse_id(id), **_changes(input))
        return _node(order)


def _changes(input: UpdateWorkOrderInput) -> dict[str, Any]:
    """Only the fields the client sent; ids and parts converted to the service's shapes."""
    changes: dict[str, Any] = {k: v for k, v in vars(input).items() if v is not None}
    if "asset_ids" in changes:
        changes["asset_ids"] = [parse_id(a) for a in changes["asset_ids"]]
    if "parts_used" in changes:
        changes["parts_used"] = [
            {"name": p.name, "part_no": p.part_no, "quantity": p.quantity} for p in changes["parts_used"]
        ]
    return changes
