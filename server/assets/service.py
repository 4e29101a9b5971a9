"""Assets (devices on a customer's site) and their tags and tamper seals."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from server.assets.models import Asset, SealState
from server.assets.rules import new_tag_code, normalize_tag_code
from server.auth.models import User
from server.core import persist
from server.core.actor import Actor, require
from server.core.errors import Conflict, NotFound, ValidationFailed
from server.core.roles import DESK
from server.core.serialize import snapshot
from server.customers.models import Site
from server.customers.service import check_text, get_site, optional_phone, same_create, soft_delete
from server.workorders.scope import assets_for

# The tag code is printed on the label, so it never changes; re-labelling means a new asset.
ASSET_FIELDS = (
    "name",
    "category",
    "customer_id",
    "site_id",
    "contract_no",
    "serial_no",
    "system_serial",
    "warranty_end",
    "ip_address",
    "supplier",
    "contact_name",
    "contact_phone",
    "responsible_person",
    "responsible_user_id",
    "shared",
    "seal_state",
    "notes",
)
_TAG_ATTEMPTS = 8  # 50-bit codes: a second collision in a row means something else is wrong
_LIMITS = {
    "name": 200,
    "category": 64,
    "contract_no": 64,
    "serial_no": 128,
    "system_serial": 128,
    "supplier": 200,
    "contact_name": 100,
    "responsible_person": 100,
    "notes": 4000,
}


# --- reads ----------------------------------------------------------------------------------


def list_assets(
    *, actor: Actor, site_id: uuid.UUID | None = None, customer_id: uuid.UUID | None = None
) -> QuerySet[Asset]:
    query = assets_for(require(actor))
    if site_id is not None:
        query = query.filter(site_id=site_id)
    if customer_id is not None:
        query = query.filter(customer_id=customer_id)
    return query


async def get_asset(*, actor: Actor, asset_id: uuid.UUID) -> Asset:
    asset = await assets_for(require(actor)).get_or_none(id=asset_id)
    if asset is None:
        raise NotFound("No asset with that id.")
    return asset


async def asset_by_tag(*, actor: Actor, tag_code: str) -> Asset:
    """The asset a scanned or typed tag names; look-alike letters (O/0, I/L/1) are forgiven."""
    asset = await assets_for(require(actor)).get_or_none(tag_code=normalize_tag_code(tag_code))
    if asset is None:
        raise NotFound("No asset with that tag.")
    return asset


# --- writes ---------------------------------------------------------------------------------


async def create_asset(
    *,
    actor: Actor,
    customer_id: uuid.UUID,
    site_id: uuid.UUID,
    name: str,
    tag_code: str | None = None,
    category: str = "",
    contract_no: str = "",
    serial_no: str = "",
    system_serial: str = "",
    warranty_end: date | None = None,
    ip_address: str = "",
    supplier: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    responsible_person: str = "",
    responsible_user_id: uuid.UUID | None = None,
    shared: bool = False,
    seal_state: SealState = SealState.NONE,
    notes: str = "",
    asset_id: uuid.UUID | None = None,
) -> Asset:
    """Create an asset; without `tag_code` a fresh code is drawn (and redrawn on a collision)."""
    require(actor, *DESK)
    values = await _check_asset(
        actor,
        {
            "name": name,
            "category": category,
            "customer_id": customer_id,
            "site_id": site_id,
            "contract_no": contract_no,
            "serial_no": serial_no,
            "system_serial": system_serial,
            "warranty_end": warranty_end,
            "ip_address": ip_address,
            "supplier": supplier,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
            "responsible_person": responsible_person,
            "responsible_user_id": responsible_user_id,
            "shared": shared,
            "seal_state": seal_state,
            "notes": notes,
        },
    )
    given = normalize_tag_code(tag_code) if tag_code and tag_code.strip() else None
    if given is not None:
        values["tag_code"] = given
    if asset_id is not None:
        existing = await same_create(Asset, record_id=asset_id, values=values, what="asset")
        if existing is not None:
            return existing
    return await _insert(actor=actor, asset_id=asset_id or uuid.uuid4(), values=values, given=given)


async def _insert(*, actor: Actor, asset_id: uuid.UUID, values: dict[str, Any], given: str | None) -> Asset:
    for _ in range(_TAG_ATTEMPTS):
        code = given or new_tag_code()
        if await Asset.filter(tag_code=code).exists():
            if given is not None:
                raise _tag_taken(code)
            continue
        asset = Asset(id=asset_id, **{**values, "tag_code": code})
        try:
            await persist.save(asset, actor=actor)
        except IntegrityError:
            # Lost a race: either the same create arrived twice, or another asset took the code.
            existing = await same_create(Asset, record_id=asset_id, values=values, what="asset")
            if existing is not None:
                return existing
            if given is not None:
                raise _tag_taken(code) from None
            continue
        return asset
    raise Conflict("Could not allocate a free tag code; try again.", code="TAG_TAKEN")


async def update_asset(*, actor: Actor, asset_id: uuid.UUID, changes: Mapping[str, Any]) -> Asset:
    require(actor, *DESK)
    unknown = set(changes) - set(ASSET_FIELDS)
    if unknown:
        raise ValidationFailed(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    asset = await get_asset(actor=actor, asset_id=asset_id)
    current = {key: getattr(asset, key) for key in ASSET_FIELDS}
    values = await _check_asset(actor, {**current, **changes})
    before = snapshot(asset)
    for key, value in values.items():
        setattr(asset, key, value)
    await persist.save(asset, actor=actor, before=before)
    return asset


async def delete_asset(*, actor: Actor, asset_id: uuid.UUID) -> Asset:
    require(actor, *DESK)
    asset = await get_asset(actor=actor, asset_id=asset_id)
    await soft_delete(asset, actor=actor)
    return asset


async def set_asset_seal(*, actor: Actor, asset_id: uuid.UUID, state: SealState | str) -> Asset:
    """Record the tamper seal as found or renewed; a technician may do it for assets he can see."""
    asset = await get_asset(actor=actor, asset_id=asset_id)
    seal = _seal(state)
    if asset.seal_state == seal:
        return asset
    before = snapshot(asset)
    asset.seal_state = seal
    await persist.save(asset, actor=actor, before=before, action="set_seal")
    return asset


async def _check_asset(actor: Actor, values: Mapping[str, Any]) -> dict[str, Any]:
    site = await _site_of_customer(actor, site_id=values["site_id"], customer_id=values["customer_id"])
    out: dict[str, Any] = {key: check_text(values[key], field=key, max_len=n) for key, n in _LIMITS.items()}
    if not out["name"]:
        raise ValidationFailed("name is required.", field="name")
    out.update(
        customer_id=site.customer_id,  # type: ignore[attr-defined]
        site_id=site.id,
        warranty_end=_date(values["warranty_end"]),
        ip_address=_ip(values["ip_address"]),
        contact_phone=optional_phone(values["contact_phone"], field="contact_phone"),
        responsible_user_id=await _user(values["responsible_user_id"]),
        shared=_flag(values["shared"]),
        seal_state=_seal(values["seal_state"]),
    )
    return out


async def _site_of_customer(actor: Actor, *, site_id: object, customer_id: object) -> Site:
    if not isinstance(site_id, uuid.UUID) or not isinstance(customer_id, uuid.UUID):
        raise ValidationFailed("site_id and customer_id are required.", field="site_id")
    site = await get_site(actor=actor, site_id=site_id)
    if site.customer_id != customer_id:  # type: ignore[attr-defined]
        raise ValidationFailed("site_id: this site belongs to another customer.", field="site_id")
    return site


async def _user(value: object) -> uuid.UUID | None:
    if value is None:
        return None
    if not isinstance(value, uuid.UUID) or not await User.filter(id=value).exists():
        raise NotFound("No user with that id.", field="responsible_user_id")
    return value


def _date(value: object) -> date | None:
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    raise ValidationFailed("warranty_end must be a date.", field="warranty_end")


def _ip(value: object) -> str:
    text = check_text(value, field="ip_address", max_len=64)
    if text:
        try:
            ipaddress.ip_address(text)
        except ValueError:
            raise ValidationFailed(
                f"ip_address: {text!r} is not an IP address.", field="ip_address"
            ) from None
    return text


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed("shared must be true or false.", field="shared")
    return value


def _seal(value: object) -> SealState:
    try:
        return SealState(str(value))
    except ValueError:
        raise ValidationFailed("seal_state: use none, intact or broken.", field="seal_state") from None


def _tag_taken(code: str) -> Conflict:
    return Conflict(f"The tag code {code} is already in use.", code="TAG_TAKEN", field="tag_code")
