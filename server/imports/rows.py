"""What each import kind reads: its columns (Chinese headers accepted too), the natural key a
row is matched on, and the values it writes.

A row only sets the columns its file has: a column left out of the spreadsheet keeps the stored
value, while an empty cell in a column that is present clears it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.queryset import QuerySet

from server.assets.models import Asset
from server.assets.rules import new_tag_code
from server.customers.models import Customer, Site
from server.customers.rules import normalize_phone
from server.imports import cells
from server.imports.cells import Parser, fail
from server.sla.service import check_tier_code

Row = Mapping[str, str]  # canonical column -> stripped cell, only for columns in the file
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Lookup:
    conn: BaseDBAsyncClient
    tiers: Mapping[str, str]  # accepted SLA tier spelling -> tier code


@dataclass
class Plan:
    model: type[Model]
    key: tuple[str, ...]  # the natural key, to recognise a repeated row in a dry run
    existing: Model | None
    values: dict[str, Any]
    on_create: dict[str, Any] = field(default_factory=dict)  # e.g. a generated tag code


@dataclass(frozen=True)
class KindSpec:
    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    aliases: Mapping[str, str]
    plan: Callable[[Row, Lookup], Awaitable[Plan]]


def parse_values(row: Row, parsers: Mapping[str, Parser], model: type[Model]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column, parser in parsers.items():
        if column in row:
            value = parser(row[column], column)
            cells.check_length(model, column, value)
            values[column] = value
    return values


async def _one(query: QuerySet[M], lk: Lookup, what: str) -> M | None:
    found = await query.using_db(lk.conn).limit(2)
    if len(found) > 1:
        raise fail(what, "several records match; merge them by hand before importing.")
    return found[0] if found else None


async def _customer(row: Row, lk: Lookup) -> Customer:
    phone = normalize_phone(row.get("customer_phone", ""), field="customer_phone")
    customer = await _one(Customer.filter(phone=phone, deleted=False), lk, "customer_phone")
    if customer is None:
        raise fail("customer_phone", f"no customer has the phone {phone}; import the customer first.")
    return customer


async def plan_customer(row: Row, lk: Lookup) -> Plan:
    parsers: dict[str, Parser] = {
        "name": cells.text,
        "phone": cells.phone,
        "alt_phone": cells.optional_phone,
        "email": cells.email,
        "language": cells.language,
        "sla_tier": cells.sla_tier(lk.tiers),
        "kind": cells.customer_kind,
        "notes": cells.text,
    }
    values = parse_values(row, parsers, Customer)
    if "sla_tier" in values:
        values["sla_tier"] = await check_tier_code(values["sla_tier"])
    existing = await _one(Customer.filter(phone=values["phone"], deleted=False), lk, "phone")
    return Plan(Customer, ("customer", values["phone"]), existing, values)


_SITE_PARSERS: dict[str, Parser] = {
    "name": cells.text,
    "address": cells.text,
    "city": cells.text,
    "latitude": cells.coordinate(90),
    "longitude": cells.coordinate(180),
    "timezone": cells.timezone,
    "access_notes": cells.text,
    "parking_notes": cells.text,
    "contact_name": cells.text,
    "contact_phone": cells.optional_phone,
}


async def plan_site(row: Row, lk: Lookup) -> Plan:
    customer = await _customer(row, lk)
    values = parse_values(row, _SITE_PARSERS, Site)
    if (values.get("latitude") is None) != (values.get("longitude") is None):
        raise fail("latitude", "give both latitude and longitude, or neither.")
    values["customer_id"] = customer.id
    query = Site.filter(customer_id=customer.id, name=values["name"], deleted=False)
    existing = await _one(query, lk, "name")
    return Plan(Site, ("site", str(customer.id), values["name"]), existing, values)


_ASSET_PARSERS: dict[str, Parser] = {
    "name": cells.text,
    "tag_code": cells.tag_code,
    "category": cells.text,
    "contract_no": cells.text,
    "serial_no": cells.text,
    "system_serial": cells.text,
    "warranty_end": cells.day,
    "ip_address": cells.ip_address,
    "supplier": cells.text,
    "contact_name": cells.text,
    "contact_phone": cells.optional_phone,
    "responsible_person": cells.text,
    "shared": cells.flag,
}


async def plan_asset(row: Row, lk: Lookup) -> Plan:
    customer = await _customer(row, lk)
    site = await _one(
        Site.filter(customer_id=customer.id, name=row.get("site_name", ""), deleted=False), lk, "site_name"
    )
    if site is None:
        raise fail("site_name", f"customer {customer.phone} has no site named {row.get('site_name')!r}.")
    values = parse_values(row, _ASSET_PARSERS, Asset)
    values.update(site_id=site.id, customer_id=customer.id)
    tag = values.pop("tag_code", "")  # a blank tag cell never clears a printed label's code
    serial = values.get("serial_no", "")
    if tag:
        values["tag_code"] = tag
        existing = await Asset.filter(tag_code=tag).using_db(lk.conn).first()
        if existing is not None and existing.deleted:
            raise fail("tag_code", f"{tag} belonged to a deleted asset; tag codes are never reused.")
        if existing is None and serial:
            other = await _one(Asset.filter(serial_no=serial, deleted=False), lk, "serial_no")
            if other is not None:
                raise fail("serial_no", f"{serial} already belongs to the asset tagged {other.tag_code}.")
        return Plan(Asset, ("asset", "tag", tag), existing, values)
    if not serial:
        raise fail("serial_no", "give a tag_code or a serial_no, so the asset is found again next time.")
    existing = await _one(Asset.filter(serial_no=serial, deleted=False), lk, "serial_no")
    return Plan(Asset, ("asset", "serial", serial), existing, values, on_create={"tag_code": new_tag_code()})


_CUSTOMER_ALIASES = {
    "客户名称": "name",
    "客户": "name",
    "名称": "name",
    "姓名": "name",
    "customer_name": "name",
    "电话": "phone",
    "联系电话": "phone",
    "手机": "phone",
    "手机号": "phone",
    "mobile": "phone",
    "备用电话": "alt_phone",
    "其他电话": "alt_phone",
    "邮箱": "email",
    "电子邮件": "email",
    "e_mail": "email",
    "语言": "language",
    "服务等级": "sla_tier",
    "sla等级": "sla_tier",
    "sla": "sla_tier",
    "客户类型": "kind",
    "类型": "kind",
    "备注": "notes",
}
_SITE_ALIASES = {
    "客户电话": "customer_phone",
    "站点名称": "name",
    "地点名称": "name",
    "名称": "name",
    "site_name": "name",
    "地址": "address",
    "详细地址": "address",
    "城市": "city",
    "纬度": "latitude",
    "lat": "latitude",
    "经度": "longitude",
    "lng": "longitude",
    "lon": "longitude",
    "时区": "timezone",
    "门禁说明": "access_notes",
    "出入说明": "access_notes",
    "停车说明": "parking_notes",
    "联系人": "contact_name",
    "联系电话": "contact_phone",
}
_ASSET_ALIASES = {
    "客户电话": "customer_phone",
    "站点": "site_name",
    "站点名称": "site_name",
    "site": "site_name",
    "资产名称": "name",
    "设备名称": "name",
    "名称": "name",
    "标签码": "tag_code",
    "资产标签": "tag_code",
    "tag": "tag_code",
    "类别": "category",
    "资产类别": "category",
    "合同编号": "contract_no",
    "采购合同号": "contract_no",
    "序列号": "serial_no",
    "产品序列号": "serial_no",
    "serial": "serial_no",
    "系统序列号": "system_serial",
    "保修截止": "warranty_end",
    "保修截止日期": "warranty_end",
    "ip地址": "ip_address",
    "ip": "ip_address",
    "供应商": "supplier",
    "联系人": "contact_name",
    "联系电话": "contact_phone",
    "责任人": "responsible_person",
    "共享": "shared",
    "共享设备": "shared",
}

KINDS: Mapping[str, KindSpec] = {
    "customers": KindSpec(
        name="customers",
        columns=("name", "phone", "alt_phone", "email", "language", "sla_tier", "kind", "notes"),
        required=("name", "phone"),
        aliases=_CUSTOMER_ALIASES,
        plan=plan_customer,
    ),
    "sites": KindSpec(
        name="sites",
        columns=("customer_phone", *_SITE_PARSERS),
        required=("customer_phone", "name", "address"),
        aliases=_SITE_ALIASES,
        plan=plan_site,
    ),
    "assets": KindSpec(
        name="assets",
        columns=("customer_phone", "site_name", *_ASSET_PARSERS),
        required=("customer_phone", "site_name", "name"),
        aliases=_ASSET_ALIASES,
        plan=plan_asset,
    ),
}
