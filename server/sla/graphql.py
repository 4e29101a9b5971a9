from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from server.core.roles import Role
from server.graphql.context import Info
from server.graphql.pagination import Connection, paginate
from server.sla import service
from server.sla.models import BusinessCalendarConfig, SlaPolicy


@strawberry.type(name="SlaPolicy")
class SlaPolicyType:
    id: strawberry.ID
    code: str
    name_en: str
    name_zh: str
    respond_minutes: int
    resolve_minutes: int
    calendar_mode: str = strawberry.field(description="5x8 (business hours) or 24x7")
    satisfaction_target: float
    active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, policy: SlaPolicy) -> SlaPolicyType:
        return cls(
            id=strawberry.ID(str(policy.id)),
            code=policy.code,
            name_en=policy.name_en,
            name_zh=policy.name_zh,
            respond_minutes=policy.respond_minutes,
            resolve_minutes=policy.resolve_minutes,
            calendar_mode=policy.calendar_mode,
            satisfaction_target=policy.satisfaction_target,
            active=policy.active,
            created_at=policy.created_at,
            updated_at=policy.updated_at,
        )


@strawberry.type(name="BusinessCalendar")
class BusinessCalendarType:
    id: strawberry.ID
    name: str
    config: JSON = strawberry.field(
        description="Working hours, weekdays, holidays and make-up workdays; each site supplies the zone."
    )
    is_default: bool
    updated_at: datetime

    @classmethod
    def from_model(cls, row: BusinessCalendarConfig) -> BusinessCalendarType:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            config=JSON(row.config),
            is_default=row.is_default,
            updated_at=row.updated_at,
        )


@strawberry.input
class CreateSlaPolicyInput:
    code: str
    name_en: str
    name_zh: str
    respond_minutes: int
    resolve_minutes: int
    calendar_mode: str = "5x8"
    satisfaction_target: float = 0.95
    active: bool = True


@strawberry.input
class UpdateSlaPolicyInput:
    name_en: str | None = strawberry.UNSET
    name_zh: str | None = strawberry.UNSET
    respond_minutes: int | None = strawberry.UNSET
    resolve_minutes: int | None = strawberry.UNSET
    calendar_mode: str | None = strawberry.UNSET
    satisfaction_target: float | None = strawberry.UNSET
    active: bool | None = strawberry.UNSET


@strawberry.type
class Query:
    @strawberry.field
    async def sla_policies(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[SlaPolicyType]:
        query = service.list_policies(actor=info.context.require())
        return await paginate(query, first=first, after=after, to_node=SlaPolicyType.from_model)

    @strawberry.field
    async def business_calendars(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[BusinessCalendarType]:
        query = service.list_calendars(actor=info.context.require())
        return await paginate(query, first=first, after=after, to_node=BusinessCalendarType.from_model)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_sla_policy(self, info: Info, input: CreateSlaPolicyInput) -> SlaPolicyType:
        actor = info.context.require(Role.ADMIN)
        policy = await service.create_policy(actor=actor, **vars(input))
        return SlaPolicyType.from_model(policy)

    @strawberry.mutation
    async def update_sla_policy(self, info: Info, code: str, input: UpdateSlaPolicyInput) -> SlaPolicyType:
        actor = info.context.require(Role.ADMIN)
        changes = {k: v for k, v in vars(input).items() if v is not strawberry.UNSET}
        return SlaPolicyType.from_model(await service.update_policy(actor=actor, code=code, changes=changes))

    @strawberry.mutation
    async def set_business_calendar(
        self, info: Info, name: str, config: JSON, is_default: bool = False
    ) -> BusinessCalendarType:
        actor = info.context.require(Role.ADMIN)
        row = await service.set_calendar(actor=actor, name=name, config=config, is_default=is_default)
        return BusinessCalendarType.from_model(row)
