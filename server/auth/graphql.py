from __future__ import annotations

from datetime import datetime

import strawberry

from server.auth import service
from server.auth.models import Device, User
from server.core.roles import STAFF, Role
from server.graphql.context import Info
from server.graphql.ids import parse_id
from server.graphql.pagination import Connection, paginate

RoleEnum = strawberry.enum(Role, name="Role")


@strawberry.type(name="User")
class UserType:
    id: strawberry.ID
    username: str
    display_name: str
    role: RoleEnum  # type: ignore[valid-type]
    phone: str
    email: str
    locale: str
    skills: list[str]
    territory: str
    active: bool

    @classmethod
    def from_model(cls, user: User) -> UserType:
        return cls(
            id=strawberry.ID(str(user.id)),
            username=user.username,
            display_name=user.display_name,
            role=user.role,
            phone=user.phone,
            email=user.email,
            locale=user.locale,
            skills=list(user.skills),
            territory=user.territory,
            active=user.active,
        )


@strawberry.type(name="Device")
class DeviceType:
    id: strawberry.ID
    user_id: strawberry.ID
    name: str
    user_agent: str
    last_seen_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_model(cls, device: Device) -> DeviceType:
        return cls(
            id=strawberry.ID(str(device.id)),
            user_id=strawberry.ID(str(device.user_id)),  # type: ignore[attr-defined]
            name=device.name,
            user_agent=device.user_agent,
            last_seen_at=device.last_seen_at,
            revoked_at=device.revoked_at,
        )


@strawberry.type
class AuthPayload:
    access_token: str
    refresh_token: str
    access_expires_at: datetime
    refresh_expires_at: datetime
    device_id: strawberry.ID
    user: UserType

    @classmethod
    def from_pair(cls, pair: service.TokenPair) -> AuthPayload:
        return cls(
            access_token=pair.access_token,
            refresh_token=pair.refresh_token,
            access_expires_at=pair.access_expires_at,
            refresh_expires_at=pair.refresh_expires_at,
            device_id=strawberry.ID(str(pair.device_id)),
            user=UserType.from_model(pair.user),
        )


@strawberry.input
class CreateUserInput:
    username: str
    display_name: str
    role: RoleEnum  # type: ignore[valid-type]
    password: str
    phone: str = ""
    email: str = ""
    locale: str = "zh-CN"
    skills: list[str] = strawberry.field(default_factory=list)
    territory: str = ""


@strawberry.input
class UpdateUserInput:
    display_name: str | None = None
    phone: str | None = None
    email: str | None = None
    locale: str | None = None
    skills: list[str] | None = None
    territory: str | None = None
    active: bool | None = None
    password: str | None = None


@strawberry.type
class Query:
    @strawberry.field
    async def me(self, info: Info) -> UserType:
        actor = info.context.require()
        return UserType.from_model(await User.get(id=actor.user_id))

    @strawberry.field
    async def users(
        self,
        info: Info,
        first: int | None = 50,
        after: str | None = None,
        role: RoleEnum | None = None,  # type: ignore[valid-type]
    ) -> Connection[UserType]:
        info.context.require(*STAFF)
        query = User.all() if role is None else User.filter(role=role)
        return await paginate(query, first=first, after=after, to_node=UserType.from_model)

    @strawberry.field
    async def devices(self, info: Info, user_id: strawberry.ID | None = None) -> list[DeviceType]:
        actor = info.context.require()
        if not actor.is_staff or actor.role is not Role.ADMIN:
            user_id = strawberry.ID(str(actor.user_id))
        query = Device.all() if user_id is None else Device.filter(user_id=parse_id(user_id))
        return [DeviceType.from_model(d) for d in await query.order_by("-last_seen_at")]


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def login(
        self,
        info: Info,
        username: str,
        password: str,
        device_id: strawberry.ID | None = None,
        device_name: str = "",
    ) -> AuthPayload:
        ctx = info.context
        pair = await service.login(
            settings=ctx.settings,
            secrets=ctx.secrets,
            limiter=ctx.limiter,
            username=username,
            password=password,
            ip=ctx.client_ip,
            device_id=parse_id(device_id) if device_id else None,
            device_name=device_name,
            user_agent=ctx.user_agent,
        )
        return AuthPayload.from_pair(pair)

    @strawberry.mutation
    async def refresh_session(self, info: Info, refresh_token: str) -> AuthPayload:
        ctx = info.context
        pair = await service.refresh(settings=ctx.settings, secrets=ctx.secrets, refresh_token=refresh_token)
        return AuthPayload.from_pair(pair)

    @strawberry.mutation
    async def logout(self, refresh_token: str) -> bool:
        await service.logout(refresh_token=refresh_token)
        return True

    @strawberry.mutation
    async def create_user(self, info: Info, input: CreateUserInput) -> UserType:
        actor = info.context.require(Role.ADMIN)
        user = await service.create_user(
            actor=actor,
            username=input.username,
            display_name=input.display_name,
            role=Role(input.role),
            password=input.password,
            phone=input.phone,
            email=input.email,
            locale=input.locale,
            skills=input.skills,
            territory=input.territory,
        )
        return UserType.from_model(user)

    @strawberry.mutation
    async def update_user(self, info: Info, id: strawberry.ID, input: UpdateUserInput) -> UserType:
        actor = info.context.require(Role.ADMIN)
        user = await service.update_user(
            actor=actor,
            user_id=parse_id(id),
            changes={k: v for k, v in vars(input).items() if v is not None and k != "password"},
            password=input.password,
        )
        return UserType.from_model(user)

    @strawberry.mutation
    async def revoke_device(self, info: Info, id: strawberry.ID) -> DeviceType:
        actor = info.context.require(Role.ADMIN)
        return DeviceType.from_model(await service.revoke_device(actor=actor, device_id=parse_id(id)))
