from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry

from server.appointments import service
from server.appointments.models import Appointment, AppointmentChange, AppointmentStatus
from server.appointments.service import Initiator, Proposal
from server.graphql.context import Info
from server.graphql.ids import optional_id, parse_id, to_id, to_opt_id
from server.graphql.pagination import Connection, paginate

AppointmentStatusEnum = strawberry.enum(AppointmentStatus, name="AppointmentStatus")
InitiatorEnum = strawberry.enum(Initiator, name="AppointmentInitiator")


@strawberry.type(name="AppointmentChange")
class AppointmentChangeType:
    id: strawberry.ID
    appointment_id: strawberry.ID
    changed_by_id: strawberry.ID | None
    from_start: datetime | None
    from_end: datetime | None
    to_start: datetime
    to_end: datetime
    reason: str
    initiated_by: InitiatorEnum  # type: ignore[valid-type]
    created_at: datetime

    @classmethod
    def from_model(cls, change: AppointmentChange) -> AppointmentChangeType:
        return cls(
            id=to_id(change.id),
            appointment_id=to_id(change.appointment_id),  # type: ignore[attr-defined]
            changed_by_id=to_opt_id(change.changed_by_id),  # type: ignore[attr-defined]
            from_start=change.from_start,
            from_end=change.from_end,
            to_start=change.to_start,
            to_end=change.to_end,
            reason=change.reason,
            initiated_by=Initiator(change.initiated_by),
            created_at=change.created_at,
        )


@strawberry.type(name="Appointment")
class AppointmentType:
    id: strawberry.ID
    work_order_id: strawberry.ID
    technician_id: strawberry.ID | None
    window_start: datetime
    window_end: datetime
    status: AppointmentStatusEnum  # type: ignore[valid-type]
    confirmed_with_customer: bool
    confirmed_by_id: strawberry.ID | None
    confirmed_at: datetime | None
    customer_contact: str
    note: str
    cancel_reason: str
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, appointment: Appointment) -> AppointmentType:
        return cls(
            id=to_id(appointment.id),
            work_order_id=to_id(appointment.work_order_id),  # type: ignore[attr-defined]
            technician_id=to_opt_id(appointment.technician_id),  # type: ignore[attr-defined]
            window_start=appointment.window_start,
            window_end=appointment.window_end,
            status=appointment.status,
            confirmed_with_customer=appointment.confirmed_with_customer,
            confirmed_by_id=to_opt_id(appointment.confirmed_by_id),  # type: ignore[attr-defined]
            confirmed_at=appointment.confirmed_at,
            customer_contact=appointment.customer_contact,
            note=appointment.note,
            cancel_reason=appointment.cancel_reason,
            version=appointment.version,
            created_at=appointment.created_at,
            updated_at=appointment.updated_at,
        )

    @strawberry.field
    async def changes(self) -> list[AppointmentChangeType]:
        rows = await service.changes_of(appointment_id=uuid.UUID(self.id))
        return [AppointmentChangeType.from_model(row) for row in rows]


@strawberry.type
class AppointmentPayload:
    appointment: AppointmentType
    clashes: list[AppointmentType] = strawberry.field(
        description="The technician's other live appointments overlapping this window."
    )

    @classmethod
    def from_proposal(cls, proposal: Proposal) -> AppointmentPayload:
        return cls(
            appointment=AppointmentType.from_model(proposal.appointment),
            clashes=[AppointmentType.from_model(a) for a in proposal.clashes],
        )


@strawberry.type
class Query:
    @strawberry.field
    async def appointments(
        self, info: Info, work_order_id: strawberry.ID, first: int | None = 50, after: str | None = None
    ) -> Connection[AppointmentType]:
        actor = info.context.require()
        query = await service.appointments_of(actor=actor, work_order_id=parse_id(work_order_id))
        return await paginate(query, first=first, after=after, to_node=AppointmentType.from_model)

    @strawberry.field
    async def technician_day(
        self, info: Info, technician_id: strawberry.ID, date: date, timezone: str | None = None
    ) -> list[AppointmentType]:
        actor = info.context.require()
        rows = await service.technician_day(
            actor=actor,
            technician_id=parse_id(technician_id),
            day=date,
            tz=timezone or info.context.settings.default_timezone,
        )
        return [AppointmentType.from_model(row) for row in rows]


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def propose_appointment(
        self,
        info: Info,
        work_order_id: strawberry.ID,
        window_start: datetime,
        window_end: datetime,
        note: str = "",
        id: strawberry.ID | None = None,
    ) -> AppointmentPayload:
        proposal = await service.propose_appointment(
            actor=info.context.require(),
            work_order_id=parse_id(work_order_id),
            window_start=window_start,
            window_end=window_end,
            note=note,
            id=optional_id(id),
        )
        return AppointmentPayload.from_proposal(proposal)

    @strawberry.mutation
    async def confirm_appointment(
        self, info: Info, id: strawberry.ID, customer_contact: str
    ) -> AppointmentType:
        appointment = await service.confirm_appointment(
            actor=info.context.require(), appointment_id=parse_id(id), customer_contact=customer_contact
        )
        return AppointmentType.from_model(appointment)

    @strawberry.mutation
    async def reschedule_appointment(
        self,
        info: Info,
        id: strawberry.ID,
        window_start: datetime,
        window_end: datetime,
        reason: str,
        initiated_by: InitiatorEnum,  # type: ignore[valid-type]
        change_id: strawberry.ID | None = None,
    ) -> AppointmentPayload:
        proposal = await service.reschedule_appointment(
            actor=info.context.require(),
            appointment_id=parse_id(id),
            window_start=window_start,
            window_end=window_end,
            reason=reason,
            initiated_by=Initiator(initiated_by),
            change_id=optional_id(change_id),
        )
        return AppointmentPayload.from_proposal(proposal)

    @strawberry.mutation
    async def cancel_appointment(self, info: Info, id: strawberry.ID, reason: str) -> AppointmentType:
        appointment = await service.cancel_appointment(
            actor=info.context.require(), appointment_id=parse_id(id), reason=reason
        )
        return AppointmentType.from_model(appointment)
