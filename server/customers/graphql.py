from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from server.core.errors import NotFound
from server.core.roles import DESK
from server.customers import service
from server.customers.models import Customer, Site
from server.customers.service import CustomerKind
from server.graphql.context import Info
from server.graphql.ids import optional_id, parse_id
from server.graphql.inputs import given_fields
from server.graphql.pagination import Connection, paginate

if TYPE_CHECKING:
    from server.assets.graphql import AssetType

CustomerKindEnum = strawberry.enum(CustomerKind, name="CustomerKind")
_ASSETS = "server.assets.graphql"


@strawberry.type(name="Customer")
class CustomerType:
    id: strawberry.ID
    name: str
    kind: CustomerKindEnum  # type: ignore[valid-type]
    phone: str
    alt_phone: str
    email: str
    language: str
    sla_tier: str
    notes: str
    version: int
    deleted: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, customer: Customer) -> CustomerType:
        return cls(
            id=strawberry.ID(str(customer.id)),
            name=customer.name,
            kind=CustomerKind(customer.kind),
            phone=customer.phone,
            alt_phone=customer.alt_phone,
            email=customer.email,
            language=customer.language,
            sla_tier=customer.sla_tier,
            notes=customer.notes,
            version=customer.version,
            deleted=customer.deleted,
            created_at=customer.created_at,
            updated_at=customer.updated_at,
        )

    @strawberry.field
    async def sites(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[SiteType]:
        actor = info.context.require()
        query = service.list_sites(actor=actor, customer_id=parse_id(self.id))
        return await paginate(query, first=first, after=after, to_node=SiteType.from_model)

    @strawberry.field
    async def assets(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[Annotated[AssetType, strawberry.lazy(_ASSETS)]]:
        from server.assets import service as assets_service
        from server.assets.graphql import AssetType

        actor = info.context.require()
        query = assets_service.list_assets(actor=actor, customer_id=parse_id(self.id))
        return await paginate(query, first=first, after=after, to_node=AssetType.from_model)


@strawberry.type(name="Site")
class SiteType:
    id: strawberry.ID
    customer_id: strawberry.ID
    name: str
    address: str
    city: str
    latitude: float | None
    longitude: float | None
    timezone: str
    access_notes: str
    parking_notes: str
    contact_name: str
    contact_phone: str
    version: int
    deleted: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, site: Site) -> SiteType:
        return cls(
            id=strawberry.ID(str(site.id)),
            customer_id=strawberry.ID(str(site.customer_id)),  # type: ignore[attr-defined]
            name=site.name,
            address=site.address,
            city=site.city,
            latitude=site.latitude,
            longitude=site.longitude,
            timezone=site.timezone,
            access_notes=site.access_notes,
            parking_notes=site.parking_notes,
            contact_name=site.contact_name,
            contact_phone=site.contact_phone,
            version=site.version,
            deleted=site.deleted,
            created_at=site.created_at,
            updated_at=site.updated_at,
        )

    @strawberry.field
    async def customer(self, info: Info) -> CustomerType | None:
        """Null when the customer is no longer visible (deleted)."""
        return await visible_customer(info, self.customer_id)

    @strawberry.field
    async def assets(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[Annotated[AssetType, strawberry.lazy(_ASSETS)]]:
        from server.assets import service as assets_service
        from server.assets.graphql import AssetType

        actor = info.context.require()
        query = assets_service.list_assets(actor=actor, site_id=parse_id(self.id))
        return await paginate(query, first=first, after=after, to_node=AssetType.from_model)


@strawberry.input
class CreateCustomerInput:
    name: str
    phone: str
    kind: CustomerKindEnum = CustomerKind.HOUSEHOLD  # type: ignore[valid-type]
    alt_phone: str = ""
    email: str = ""
    language: str = "zh-CN"
    sla_tier: str = "standard"
    notes: str = ""
    id: strawberry.ID | None = None


@strawberry.input
class UpdateCustomerInput:
    name: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    kind: CustomerKindEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    alt_phone: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    language: str | None = strawberry.UNSET
    sla_tier: str | None = strawberry.UNSET
    notes: str | None = strawberry.UNSET


@strawberry.input
class CreateSiteInput:
    customer_id: strawberry.ID
    name: str
    address: str
    city: str = ""
    latitude: float | None = None
    longitude: float | None = None
    timezone: str = "Asia/Shanghai"
    access_notes: str = ""
    parking_notes: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    id: strawberry.ID | None = None


@strawberry.input
class UpdateSiteInput:
    """Omitted fields stay as they are; an explicit null clears the coordinates."""

    name: str | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    city: str | None = strawberry.UNSET
    latitude: float | None = strawberry.UNSET
    longitude: float | None = strawberry.UNSET
    timezone: str | None = strawberry.UNSET
    access_notes: str | None = strawberry.UNSET
    parking_notes: str | None = strawberry.UNSET
    contact_name: str | None = strawberry.UNSET
    contact_phone: str | None = strawberry.UNSET


@strawberry.type
class Query:
    @strawberry.field
    async def customers(
        self, info: Info, first: int | None = 50, after: str | None = None, text: str | None = None
    ) -> Connection[CustomerType]:
        query = service.list_customers(actor=info.context.require(), text=text)
        return await paginate(query, first=first, after=after, to_node=CustomerType.from_model)

    @strawberry.field
    async def customer(self, info: Info, id: strawberry.ID) -> CustomerType:
        actor = info.context.require()
        return CustomerType.from_model(await service.get_customer(actor=actor, customer_id=parse_id(id)))

    @strawberry.field
    async def sites(
        self,
        info: Info,
        customer_id: strawberry.ID | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[SiteType]:
        actor = info.context.require()
        query = service.list_sites(actor=actor, customer_id=optional_id(customer_id))
        return await paginate(query, first=first, after=after, to_node=SiteType.from_model)

    @strawberry.field
    async def site(self, info: Info, id: strawberry.ID) -> SiteType:
        actor = info.context.require()
        return SiteType.from_model(await service.get_site(actor=actor, site_id=parse_id(id)))


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_customer(self, info: Info, input: CreateCustomerInput) -> CustomerType:
        actor = info.context.require(*DESK)
        fields = given_fields(input)
        record_id = optional_id(fields.pop("id", None))
        customer = await service.create_customer(actor=actor, customer_id=record_id, **fields)
        return CustomerType.from_model(customer)

    @strawberry.mutation
    async def update_customer(
        self, info: Info, id: strawberry.ID, input: UpdateCustomerInput
    ) -> CustomerType:
        actor = info.context.require(*DESK)
        customer = await service.update_customer(
            actor=actor, customer_id=parse_id(id), changes=given_fields(input)
        )
        return CustomerType.from_model(customer)

    @strawberry.mutation
    async def delete_customer(self, info: Info, id: strawberry.ID) -> CustomerType:
        actor = info.context.require(*DESK)
        return CustomerType.from_model(await service.delete_customer(actor=actor, customer_id=parse_id(id)))

    @strawberry.mutation
    async def create_site(self, info: Info, input: CreateSiteInput) -> SiteType:
        actor = info.context.require(*DESK)
        fields = given_fields(input)
        record_id = optional_id(fields.pop("id", None))
        customer_id = parse_id(fields.pop("customer_id"))
        site = await service.create_site(actor=actor, customer_id=customer_id, site_id=record_id, **fields)
        return SiteType.from_model(site)

    @strawberry.mutation
    async def update_site(self, info: Info, id: strawberry.ID, input: UpdateSiteInput) -> SiteType:
        actor = info.context.require(*DESK)
        return SiteType.from_model(
            await service.update_site(actor=actor, site_id=parse_id(id), changes=given_fields(input))
        )

    @strawberry.mutation
    async def delete_site(self, info: Info, id: strawberry.ID) -> SiteType:
        actor = info.context.require(*DESK)
        return SiteType.from_model(await service.delete_site(actor=actor, site_id=parse_id(id)))


async def visible_customer(info: Info, customer_id: str) -> CustomerType | None:
    try:
        customer = await service.get_customer(actor=info.context.require(), customer_id=parse_id(customer_id))
    except NotFound:
        return None
    return CustomerType.from_model(customer)


async def visible_site(info: Info, site_id: str) -> SiteType | None:
    try:
        site = await service.get_site(actor=info.context.require(), site_id=parse_id(site_id))
    except NotFound:
        return None
    return SiteType.from_model(site)
