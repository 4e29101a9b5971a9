"""GraphQL types of the work order domain: the work order, its SLA state and the board."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Any

import strawberry

from server.appointments.models import Appointment
from server.assets.graphql import AssetType
from server.auth.graphql import UserType
from server.auth.models import User
from server.customers.graphql import CustomerType, SiteType
from server.customers.models import Customer, Site
from server.graphql.context import Info
from server.graphql.ids import to_id, to_opt_id
from server.graphql.pagination import Connection, paginate
from server.sla import DeskTimer, SlaState
from server.workorders import board as board_module
from server.workorders import scope
from server.workorders.lifecycle import HoldReason, allowed_targets
from server.workorders.models import SourceChannel, Status, WorkOrder
from server.workorders.sla_state import SlaContext, desk_timers, load_sla_context, pause_records, sla_for

WorkOrderStatusEnum = strawberry.enum(Status, name="WorkOrderStatus")
SourceChannelEnum = strawberry.enum(SourceChannel, name="SourceChannel")
HoldReasonEnum = strawberry.enum(HoldReason, name="HoldReason")


class SlaSource:
    """Loads the SLA policies and calendar once for every order of one response."""

    def __init__(self, context: SlaContext | None = None) -> None:
        self._context = context
        self._lock = asyncio.Lock()

    async def context(self) -> SlaContext:
        async with self._lock:
            if self._context is None:
                self._context = await load_sla_context()
            return self._context


@strawberry.type(name="SlaState")
class SlaStateType:
    tier_code: str
    as_of: datetime
    respond_by: datetime
    resolve_by: datetime
    respond_left_seconds: int
    resolve_left_seconds: int
    respond_breached: bool
    resolve_breached: bool
    responded_at: datetime | None
    resolved_at: datetime | None
    paused_now: bool
    paused_seconds: int

    @classmethod
    def from_state(cls, state: SlaState) -> SlaStateType:
        return cls(
            tier_code=state.tier_code,
            as_of=state.as_of,
            respond_by=state.respond_by,
            resolve_by=state.resolve_by,
            respond_left_seconds=round(state.respond_left.total_seconds()),
            resolve_left_seconds=round(state.resolve_left.total_seconds()),
            respond_breached=state.respond_breached,
            resolve_breached=state.resolve_breached,
            responded_at=state.responded_at,
            resolved_at=state.resolved_at,
            paused_now=state.paused_now,
            paused_seconds=round(state.paused_total.total_seconds()),
        )


@strawberry.type(name="DeskTimer")
class DeskTimerType:
    name: str  # dispatch | redispatch | escalation
    started_at: datetime
    due_at: datetime
    met_at: datetime | None
    breached: bool
    left_seconds: int

    @classmethod
    def from_timer(cls, timer: DeskTimer) -> DeskTimerType:
        return cls(
            name=timer.name,
            started_at=timer.started_at,
            due_at=timer.due_at,
            met_at=timer.met_at,
            breached=timer.breached,
            left_seconds=round(timer.left.total_seconds()),
        )


@strawberry.type(name="WorkOrderPause")
class PauseType:
    start: datetime
    end: datetime | None
    reason: str


@strawberry.type(name="PartUsed")
class PartUsedType:
    name: str
    part_no: str
    quantity: int


@strawberry.type(name="WorkOrder")
class WorkOrderType:
    id: strawberry.ID
    number: str
    customer_id: strawberry.ID
    site_id: strawberry.ID
    source_channel: SourceChannelEnum  # type: ignore[valid-type]
    symptom: str
    fault_level: int
    sla_tier: str
    status: WorkOrderStatusEnum  # type: ignore[valid-type]
    status_before_hold: WorkOrderStatusEnum | None  # type: ignore[valid-type]
    hold_reason: str
    pauses: list[PauseType]
    assigned_to_id: strawberry.ID | None
    received_by_id: strawberry.ID | None
    scheduled_date: date | None
    received_at: datetime
    dispatched_at: datetime | None
    accepted_at: datetime | None
    responded_at: datetime | None
    arrived_at: datetime | None
    work_done_at: datetime | None
    signed_at: datetime | None
    called_back_at: datetime | None
    closed_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str
    late_reported_at: datetime | None
    late_reason: str
    redispatched_at: datetime | None
    escalation_raised_at: datetime | None
    escalated_at: datetime | None
    escalation_note: str
    next_visit_date: date | None
    cannot_finish_reason: str
    parts_used: list[PartUsedType]
    progress_note: str
    resolution: str
    cause_category: str
    seal_broken: bool
    version: int
    deleted: bool
    created_at: datetime
    updated_at: datetime
    _order: strawberry.Private[WorkOrder]
    _sla_source: strawberry.Private[SlaSource]

    @classmethod
    def from_model(cls, order: WorkOrder, *, sla_source: SlaSource | None = None) -> WorkOrderType:
        o: Any = order  # foreign key ids are not declared on the model class
        return cls(
            id=to_id(order.id),
            number=order.number,
            customer_id=to_id(o.customer_id),
            site_id=to_id(o.site_id),
            source_channel=order.source_channel,
            symptom=order.symptom,
            fault_level=order.fault_level,
            sla_tier=order.sla_tier,
            status=order.status,
            status_before_hold=Status(order.status_before_hold) if order.status_before_hold else None,
            hold_reason=order.hold_reason,
            pauses=[PauseType(start=p.start, end=p.end, reason=why) for p, why in pause_records(order)],
            assigned_to_id=to_opt_id(o.assigned_to_id),
            received_by_id=to_opt_id(o.received_by_id),
            scheduled_date=order.scheduled_date,
            received_at=order.received_at,
            dispatched_at=order.dispatched_at,
            accepted_at=order.accepted_at,
            responded_at=order.responded_at,
            arrived_at=order.arrived_at,
            work_done_at=order.work_done_at,
            signed_at=order.signed_at,
            called_back_at=order.called_back_at,
            closed_at=order.closed_at,
            cancelled_at=order.cancelled_at,
            cancel_reason=order.cancel_reason,
            late_reported_at=order.late_reported_at,
            late_reason=order.late_reason,
            redispatched_at=order.redispatched_at,
            escalation_raised_at=order.escalation_raised_at,
            escalated_at=order.escalated_at,
            escalation_note=order.escalation_note,
            next_visit_date=order.next_visit_date,
            cannot_finish_reason=order.cannot_finish_reason,
            parts_used=[
                PartUsedType(name=p["name"], part_no=p.get("part_no", ""), quantity=p["quantity"])
                for p in order.parts_used or []
            ],
            progress_note=order.progress_note,
            resolution=order.resolution,
            cause_category=order.cause_category,
            seal_broken=order.seal_broken,
            version=order.version,
            deleted=order.deleted,
            created_at=order.created_at,
            updated_at=order.updated_at,
            _order=order,
            _sla_source=sla_source or SlaSource(),
        )

    @strawberry.field
    async def sla(self) -> SlaStateType:
        state = await sla_for(self._order, context=await self._sla_source.context())
        return SlaStateType.from_state(state)

    @strawberry.field
    def desk_timers(self) -> list[DeskTimerType]:
        return [DeskTimerType.from_timer(t) for t in desk_timers(self._order)]

    # Statuses the signed-in user may move this order to, so the app shows only those buttons.
    @strawberry.field
    def allowed_transitions(self, info: Info) -> list[WorkOrderStatusEnum]:  # type: ignore[valid-type]
        actor = info.context.require()
        held = Status(self._order.status_before_hold) if self._order.status_before_hold else None
        return list(allowed_targets(current=self._order.status, role=actor.role, held_from=held))

    @strawberry.field
    async def asset_ids(self) -> list[strawberry.ID]:
        related = self._order.assets
        if related._fetched:  # prefetched with the page: no query per row
            return [to_id(asset.id) for asset in related]
        return [to_id(pk) for pk in await related.all().values_list("id", flat=True)]

    @strawberry.field
    async def customer(self) -> CustomerType:
        # Visible because this order is: the scope lets a technician see what his orders reference.
        return CustomerType.from_model(await Customer.get(id=self.customer_id))

    @strawberry.field
    async def site(self) -> SiteType:
        return SiteType.from_model(await Site.get(id=self.site_id))

    @strawberry.field
    async def assigned_to(self) -> UserType | None:
        if self.assigned_to_id is None:
            return None
        user = await User.get_or_none(id=self.assigned_to_id)
        return None if user is None else UserType.from_model(user)

    @strawberry.field
    async def assets(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[AssetType]:
        actor = info.context.require()
        query = scope.assets_for(actor).filter(work_orders__id=self._order.id)
        return await paginate(query, first=first, after=after, to_node=AssetType.from_model)


@strawberry.type(name="BoardAppointment")
class BoardAppointmentType:
    id: strawberry.ID
    window_start: datetime
    window_end: datetime
    status: str
    confirmed_with_customer: bool

    @classmethod
    def from_model(cls, row: Appointment) -> BoardAppointmentType:
        return cls(
            id=to_id(row.id),
            window_start=row.window_start,
            window_end=row.window_end,
            status=row.status.value,
            confirmed_with_customer=row.confirmed_with_customer,
        )


@strawberry.type(name="BoardFlags")
class BoardFlagsType:
    respond_breached: bool
    resolve_breached: bool
    seal_broken: bool
    late_reported: bool
    escalation_pending: bool
    desk_timer_breached: bool


@strawberry.type(name="BoardCard")
class BoardCardType:
    work_order: WorkOrderType
    sla: SlaStateType
    desk_timers: list[DeskTimerType]
    appointments: list[BoardAppointmentType]
    flags: BoardFlagsType

    @classmethod
    def from_card(cls, card: board_module.BoardCard, source: SlaSource) -> BoardCardType:
        f = card.flags
        return cls(
            work_order=WorkOrderType.from_model(card.order, sla_source=source),
            sla=SlaStateType.from_state(card.sla),
            desk_timers=[DeskTimerType.from_timer(t) for t in card.desk_timers],
            appointments=[BoardAppointmentType.from_model(a) for a in card.appointments],
            flags=BoardFlagsType(
                respond_breached=f.respond_breached,
                resolve_breached=f.resolve_breached,
                seal_broken=f.seal_broken,
                late_reported=f.late_reported,
                escalation_pending=f.escalation_pending,
                desk_timer_breached=f.desk_timer_breached,
            ),
        )


@strawberry.type(name="BoardLane")
class BoardLaneType:
    technician: UserType
    cards: list[BoardCardType]


@strawberry.type(name="Board")
class BoardType:
    date: date
    timezone: str
    as_of: datetime
    unassigned: list[BoardCardType]
    lanes: list[BoardLaneType]

    @classmethod
    def from_board(cls, data: board_module.Board, source: SlaSource) -> BoardType:
        return cls(
            date=data.day,
            timezone=data.tz,
            as_of=data.as_of,
            unassigned=[BoardCardType.from_card(c, source) for c in data.unassigned],
            lanes=[
                BoardLaneType(
                    technician=UserType.from_model(lane.technician),
                    cards=[BoardCardType.from_card(c, source) for c in lane.cards],
                )
                for lane in data.lanes
            ],
        )


@strawberry.input
class PartUsedInput:
    name: str
    quantity: int
    part_no: str = ""


@strawberry.input
class CreateWorkOrderInput:
    customer_id: strawberry.ID
    site_id: strawberry.ID
    symptom: str
    fault_level: int = 3
    sla_tier: str | None = None
    source_channel: SourceChannelEnum = SourceChannel.PHONE  # type: ignore[valid-type]
    asset_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    received_at: datetime | None = None
    scheduled_date: date | None = None
    id: strawberry.ID | None = strawberry.field(
        default=None, description="Client-made UUID; re-sending the same create is harmless."
    )


@strawberry.input
class UpdateWorkOrderInput:
    symptom: str | None = None
    fault_level: int | None = None
    sla_tier: str | None = None
    asset_ids: list[strawberry.ID] | None = None
    progress_note: str | None = None
    parts_used: list[PartUsedInput] | None = None
    resolution: str | None = None
    cause_category: str | None = None
