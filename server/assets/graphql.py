from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from server.assets import service
from server.assets.models import Asset, SealState
from server.core.roles import DESK
from server.customers.graphql import CustomerType, SiteType, visible_customer, visible_site
from server.graphql.context import Info
from server.graphql.ids import optional_id, parse_id
from server.graphql.inputs import given_fields
from server.graphql.pagination import Connection, paginate
from server.labels import http as label_http
from server.labels import qr as label_qr

SealStateEnum = strawberry.enum(SealState, name="SealState")


@strawberry.type(name="Asset")
class AssetType:
    id: strawberry.ID
    tag_code: str
    name: str
    category: str
    customer_id: strawberry.ID
    site_id: strawberry.ID
    contract_no: str
    serial_no: str
    system_serial: str
    warranty_end: date | None
    ip_address: str
    supplier: str
    contact_name: str
    contact_phone: str
    responsible_person: str
    responsible_user_id: strawberry.ID | None
    shared: bool
    seal_state: SealStateEnum  # type: ignore[valid-type]
    notes: str
    version: int
    deleted: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, asset: Asset) -> AssetType:
        responsible = asset.responsible_user_id  # type: ignore[attr-defined]
        return cls(
            id=strawberry.ID(str(asset.id)),
            tag_code=asset.tag_code,
            name=asset.name,
            category=asset.category,
            customer_id=strawberry.ID(str(asset.customer_id)),  # type: ignore[attr-defined]
            site_id=strawberry.ID(str(asset.site_id)),  # type: ignore[attr-defined]
            contract_no=asset.contract_no,
            serial_no=asset.serial_no,
            system_serial=asset.system_serial,
            warranty_end=asset.warranty_end,
            ip_address=asset.ip_address,
            supplier=asset.supplier,
            contact_name=asset.contact_name,
            contact_phone=asset.contact_phone,
            responsible_person=asset.responsible_person,
            responsible_user_id=None if responsible is None else strawberry.ID(str(responsible)),
            shared=asset.shared,
            seal_state=SealState(asset.seal_state),
            notes=asset.notes,
            version=asset.version,
            deleted=asset.deleted,
            created_at=asset.created_at,
            updated_at=asset.updated_at,
        )

    @strawberry.field
    async def site(self, info: Info) -> SiteType | None:
        """Null when the site is not visible to the caller (deleted, or outside his visits)."""
        return await visible_site(info, self.site_id)

    @strawberry.field
    async def customer(self, info: Info) -> CustomerType | None:
        return await visible_customer(info, self.customer_id)

    @strawberry.field
    def tag_url(self, info: Info) -> str:
        """What the QR code on the asset's label holds: opened on a phone, it shows this asset."""
        return label_qr.tag_url(info.context.settings.public_base_url, self.tag_code)

    @strawberry.field
    def label_png_url(self, info: Info) -> str:
        """The label as PNG: GET with the Bearer token; takes `?layout=` and `?dpi=`."""
        return label_http.label_image_url(info.context.settings.public_base_url, self.id, "png")

    @strawberry.field
    def label_svg_url(self, info: Info) -> str:
        """The label as SVG: GET with the Bearer token; takes `?layout=`."""
        return label_http.label_image_url(info.context.settings.public_base_url, self.id, "svg")


@strawberry.input
class CreateAssetInput:
    customer_id: strawberry.ID
    site_id: strawberry.ID
    name: str
    tag_code: str | None = None
    category: str = ""
    contract_no: str = ""
    serial_no: str = ""
    system_serial: str = ""
    warranty_end: date | None = None
    ip_address: str = ""
    supplier: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    responsible_person: str = ""
    responsible_user_id: strawberry.ID | None = None
    shared: bool = False
    seal_state: SealStateEnum = SealState.NONE  # type: ignore[valid-type]
    notes: str = ""
    id: strawberry.ID | None = None


@strawberry.input
class UpdateAssetInput:
    """Omitted fields stay as they are; the tag code is printed on the label and never changes."""

    customer_id: strawberry.ID | None = strawberry.UNSET
    site_id: strawberry.ID | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    category: str | None = strawberry.UNSET
    contract_no: str | None = strawberry.UNSET
    serial_no: str | None = strawberry.UNSET
    system_serial: str | None = strawberry.UNSET
    warranty_end: date | None = strawberry.UNSET
    ip_address: str | None = strawberry.UNSET
    supplier: str | None = strawberry.UNSET
    contact_name: str | None = strawberry.UNSET
    contact_phone: str | None = strawberry.UNSET
    responsible_person: str | None = strawberry.UNSET
    responsible_user_id: strawberry.ID | None = strawberry.UNSET
    shared: bool | None = strawberry.UNSET
    seal_state: SealStateEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    notes: str | None = strawberry.UNSET


_ID_FIELDS = ("customer_id", "site_id", "responsible_user_id")


@strawberry.type
class Query:
    @strawberry.field
    async def assets(
        self,
        info: Info,
        site_id: strawberry.ID | None = None,
        customer_id: strawberry.ID | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[AssetType]:
        query = service.list_assets(
            actor=info.context.require(), site_id=optional_id(site_id), customer_id=optional_id(customer_id)
        )
        return await paginate(query, first=first, after=after, to_node=AssetType.from_model)

    @strawberry.field
    async def asset(self, info: Info, id: strawberry.ID) -> AssetType:
        actor = info.context.require()
        return AssetType.from_model(await service.get_asset(actor=actor, asset_id=parse_id(id)))

    @strawberry.field
    async def asset_by_tag(self, info: Info, tag_code: str) -> AssetType:
        actor = info.context.require()
        return AssetType.from_model(await service.asset_by_tag(actor=actor, tag_code=tag_code))


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_asset(self, info: Info, input: CreateAssetInput) -> AssetType:
        actor = info.context.require(*DESK)
        fields = _with_ids(given_fields(input))
        record_id = fields.pop("id", None)
        asset = await service.create_asset(actor=actor, asset_id=record_id, **fields)
        return AssetType.from_model(asset)

    @strawberry.mutation
    async def update_asset(self, info: Info, id: strawberry.ID, input: UpdateAssetInput) -> AssetType:
        actor = info.context.require(*DESK)
        changes = _with_ids(given_fields(input))
        return AssetType.from_model(
            await service.update_asset(actor=actor, asset_id=parse_id(id), changes=changes)
        )

    @strawberry.mutation
    async def delete_asset(self, info: Info, id: strawberry.ID) -> AssetType:
        actor = info.context.require(*DESK)
        return AssetType.from_model(await service.delete_asset(actor=actor, asset_id=parse_id(id)))

    @strawberry.mutation
    async def set_asset_seal(
        self,
        info: Info,
        id: strawberry.ID,
        state: SealStateEnum,  # type: ignore[valid-type]
    ) -> AssetType:
        actor = info.context.require()
        asset = await service.set_asset_seal(actor=actor, asset_id=parse_id(id), state=SealState(state))
        return AssetType.from_model(asset)


def _with_ids(fields: dict[str, Any]) -> dict[str, Any]:
    """Input ids parsed to UUIDs (a malformed one names no record)."""
    for key in ("id", *_ID_FIELDS):
        value = fields.get(key)
        if isinstance(value, str):
            fields[key] = parse_id(value)
    return fields
