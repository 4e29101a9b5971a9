"""Customers and their sites: the desk maintains them, every role reads them through its scope."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.assets.models import Asset
from server.core import persist
from server.core.actor import Actor, require
from server.core.errors import Conflict, NotFound, ValidationFailed
from server.core.models import SyncedRecord
from server.core.roles import DESK
from server.core.serialize import snapshot
from server.customers.models import Customer, Site
from server.customers.rules import check_language, normalize_phone
from server.search.service import customer_text_filter
from server.sla.service import check_tier_code
from server.workorders.models import Status, WorkOrder
from server.workorders.scope import customers_for, sites_for

RecordT = TypeVar("RecordT", bound=SyncedRecord)


class CustomerKind(StrEnum):
    HOUSEHOLD = "household"
    BUSINESS = "business"


# A work order in any other state still needs its customer and site.
FINISHED_STATUSES = frozenset({Status.CLOSED, Status.CANCELLED})
CUSTOMER_FIELDS = ("name", "kind", "phone", "alt_phone", "email", "language", "sla_tier", "notes")
SITE_FIELDS = (
    "name",
    "address",
    "city",
    "latitude",
    "longitude",
    "timezone",
    "access_notes",
    "parking_notes",
    "contact_name",
    "contact_phone",
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NOTES_LEN = 4000


# --- reads ----------------------------------------------------------------------------------


def list_customers(*, actor: Actor, text: str | None = None) -> QuerySet[Customer]:
    query = customers_for(require(actor))
    if text and text.strip():
        query = query.filter(customer_text_filter(text))
    return query


async def get_customer(*, actor: Actor, customer_id: uuid.UUID) -> Customer:
    customer = await customers_for(require(actor)).get_or_none(id=customer_id)
    if customer is None:
        raise NotFound("No customer with that id.")
    return customer


def list_sites(*, actor: Actor, customer_id: uuid.UUID | None = None) -> QuerySet[Site]:
    query = sites_for(require(actor))
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    return query


async def get_site(*, actor: Actor, site_id: uuid.UUID) -> Site:
    site = await sites_for(require(actor)).get_or_none(id=site_id)
    if site is None:
        raise NotFound("No site with that id.")
    return site


# --- customer writes ------------------------------------------------------------------------


async def create_customer(
    *,
    actor: Actor,
    name: str,
    phone: str,
    kind: str = CustomerKind.HOUSEHOLD,
    alt_phone: str = "",
    email: str = "",
    language: str = "zh-CN",
    sla_tier: str = "standard",
    notes: str = "",
    customer_id: uuid.UUID | None = None,
) -> Customer:
    require(actor, *DESK)
    values = await _check_customer(
        {
            "name": name,
            "kind": kind,
            "phone": phone,
            "alt_phone": alt_phone,
            "email": email,
            "language": language,
            "sla_tier": sla_tier,
            "notes": notes,
        }
    )
    return await create_once(Customer, actor=actor, record_id=customer_id, values=values, what="customer")


async def update_customer(*, actor: Actor, customer_id: uuid.UUID, changes: Mapping[str, Any]) -> Customer:
    require(actor, *DESK)
    _only(changes, CUSTOMER_FIELDS)
    customer = await get_customer(actor=actor, customer_id=customer_id)
    current = {key: getattr(customer, key) for key in CUSTOMER_FIELDS}
    if "sla_tier" not in changes:
        # A tier retired after the customer was put on it must not block unrelated edits.
        current.pop("sla_tier")
    values = await _check_customer({**current, **changes})
    return await _apply(customer, values, actor=actor)


async def delete_customer(*, actor: Actor, customer_id: uuid.UUID) -> Customer:
    """Soft delete, with the customer's sites and assets; refused while a work order is open."""
    require(actor, *DESK)
    customer = await get_customer(actor=actor, customer_id=customer_id)
    if await _open_orders().filter(customer_id=customer.id).exists():
        raise Conflict("This customer has open work orders; close or cancel them first.", code="IN_USE")
    async with in_transaction() as conn:
        for asset in await Asset.filter(customer_id=customer.id, deleted=False).using_db(conn):
            await soft_delete(asset, actor=actor, conn=conn)
        for site in await Site.filter(customer_id=customer.id, deleted=False).using_db(conn):
            await soft_delete(site, actor=actor, conn=conn)
        await soft_delete(customer, actor=actor, conn=conn)
    return customer


async def _check_customer(values: Mapping[str, Any]) -> dict[str, Any]:
    out = {
        "name": check_text(values["name"], field="name", max_len=200, required=True),
        "kind": _kind(values["kind"]),
        "phone": normalize_phone(check_text(values["phone"], field="phone", max_len=64), field="phone"),
        "alt_phone": optional_phone(values["alt_phone"], field="alt_phone"),
        "email": _email(values["email"]),
        "language": check_language(check_text(values["language"], field="language", max_len=16)),
        "notes": check_text(values["notes"], field="notes", max_len=_NOTES_LEN),
    }
    if "sla_tier" in values:
        out["sla_tier"] = await check_tier_code(check_text(values["sla_tier"], field="sla_tier", max_len=32))
    return out


def _kind(value: object) -> str:
    try:
        return CustomerKind(str(value)).value
    except ValueError:
        raise ValidationFailed("kind: use 'household' or 'business'.", field="kind") from None


def _email(value: object) -> str:
    text = check_text(value, field="email", max_len=255)
    if text and not _EMAIL.match(text):
        raise ValidationFailed(f"email: {text!r} is not an e-mail address.", field="email")
    return text


# --- site writes ----------------------------------------------------------------------------


async def create_site(
    *,
    actor: Actor,
    customer_id: uuid.UUID,
    name: str,
    address: str,
    city: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    timezone: str = "Asia/Shanghai",
    access_notes: str = "",
    parking_notes: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    site_id: uuid.UUID | None = None,
) -> Site:
    require(actor, *DESK)
    customer = await get_customer(actor=actor, customer_id=customer_id)
    values = _check_site(
        {
            "name": name,
            "address": address,
            "city": city,
            "latitude": latitude,
            "longitude": longitude,
            "timezone": timezone,
            "access_notes": access_notes,
            "parking_notes": parking_notes,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
        }
    )
    values["customer_id"] = customer.id
    return await create_once(Site, actor=actor, record_id=site_id, values=values, what="site")


async def update_site(*, actor: Actor, site_id: uuid.UUID, changes: Mapping[str, Any]) -> Site:
    """Every field but the customer: moving a site would split it from its assets' customer."""
    require(actor, *DESK)
    _only(changes, SITE_FIELDS)
    site = await get_site(actor=actor, site_id=site_id)
    current = {key: getattr(site, key) for key in SITE_FIELDS}
    return await _apply(site, _check_site({**current, **changes}), actor=actor)


async def delete_site(*, actor: Actor, site_id: uuid.UUID) -> Site:
    """Soft delete, with the site's assets; refused while a work order at the site is open."""
    require(actor, *DESK)
    site = await get_site(actor=actor, site_id=site_id)
    if await _open_orders().filter(site_id=site.id).exists():
        raise Conflict("This site has open work orders; close or cancel them first.", code="IN_USE")
    async with in_transaction() as conn:
        for asset in await Asset.filter(site_id=site.id, deleted=False).using_db(conn):
            await soft_delete(asset, actor=actor, conn=conn)
        await soft_delete(site, actor=actor, conn=conn)
    return site


def _check_site(values: Mapping[str, Any]) -> dict[str, Any]:
    latitude = _coordinate(values["latitude"], field="latitude", limit=90)
    longitude = _coordinate(values["longitude"], field="longitude", limit=180)
    if (latitude is None) != (longitude is None):
        raise ValidationFailed("latitude and longitude are given together or not at all.", field="latitude")
    return {
        "name": check_text(values["name"], field="name", max_len=200, required=True),
        "address": check_text(values["address"], field="address", max_len=500, required=True),
        "city": check_text(values["city"], field="city", max_len=100),
        "latitude": latitude,
        "longitude": longitude,
        "timezone": check_timezone(values["timezone"]),
        "access_notes": check_text(values["access_notes"], field="access_notes", max_len=_NOTES_LEN),
        "parking_notes": check_text(values["parking_notes"], field="parking_notes", max_len=_NOTES_LEN),
        "contact_name": check_text(values["contact_name"], field="contact_name", max_len=100),
        "contact_phone": optional_phone(values["contact_phone"], field="contact_phone"),
    }


def optional_phone(value: object, *, field: str) -> str:
    """A phone that may be left empty; text with no digits at all is a mistake, not "no phone"."""
    text = check_text(value, field=field, max_len=64)
    phone = normalize_phone(text, field=field, required=False)
    if text and not phone:
        raise ValidationFailed(f"{field}: {text!r} is not a phone number.", field=field)
    return phone


def _coordinate(value: object, *, field: str, limit: int) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not -limit <= value <= limit:
        raise ValidationFailed(f"{field} must be a number between -{limit} and {limit}.", field=field)
    return float(value)


def check_timezone(value: object) -> str:
    name = value.strip() if isinstance(value, str) else ""
    try:
        if name and len(name) <= 64:
            ZoneInfo(name)
            return name
    except (ZoneInfoNotFoundError, ValueError):
        pass
    raise ValidationFailed(
        f"timezone: {value!r} is not an IANA time zone such as 'Asia/Shanghai'.", field="timezone"
    )


# --- shared write helpers -------------------------------------------------------------------


async def create_once(
    model: type[RecordT],
    *,
    actor: Actor,
    record_id: uuid.UUID | None,
    values: Mapping[str, Any],
    what: str,
) -> RecordT:
    """Insert a row; a device replaying a create with the same id and content gets the stored
    row back, with a different content a CONFLICT."""
    if record_id is not None:
        existing = await same_create(model, record_id=record_id, values=values, what=what)
        if existing is not None:
            return existing
    row = model(id=record_id or uuid.uuid4(), **values)
    try:
        await persist.save(row, actor=actor)
    except IntegrityError:
        # Lost a race with the same create arriving twice at once.
        if record_id is None:
            raise
        existing = await same_create(model, record_id=record_id, values=values, what=what)
        if existing is None:
            raise
        return existing
    return row


async def same_create(
    model: type[RecordT], *, record_id: uuid.UUID, values: Mapping[str, Any], what: str
) -> RecordT | None:
    """The stored row with `record_id`, if its content equals `values`; None if there is none."""
    existing = await model.get_or_none(id=record_id)
    if existing is None:
        return None
    if any(getattr(existing, key) != value for key, value in values.items()):
        raise Conflict(f"A different {what} with this id already exists.", code="CONFLICT")
    return existing


async def soft_delete(row: SyncedRecord, *, actor: Actor, conn: BaseDBAsyncClient | None = None) -> None:
    before = snapshot(row)
    row.deleted = True
    await persist.save(row, actor=actor, before=before, action="delete", conn=conn)


async def _apply(row: RecordT, values: Mapping[str, Any], *, actor: Actor) -> RecordT:
    before = snapshot(row)
    for key, value in values.items():
        setattr(row, key, value)
    await persist.save(row, actor=actor, before=before)
    return row


def _only(changes: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationFailed(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")


def _open_orders() -> QuerySet[WorkOrder]:
    return WorkOrder.filter(deleted=False).exclude(status__in=list(FINISHED_STATUSES))


def check_text(value: object, *, field: str, max_len: int, required: bool = False) -> str:
    if not isinstance(value, str):
        raise ValidationFailed(f"{field} must be text.", field=field)
    text = value.strip()
    if required and not text:
        raise ValidationFailed(f"{field} is required.", field=field)
    if len(text) > max_len:
        raise ValidationFailed(f"{field} is longer than {max_len} characters.", field=field)
    return text
