"""Which assets a caller may print labels for, and what goes on each label.

A single label follows the asset's visibility: a technician may reprint the label of an asset at
a site he is sent to, and gets NOT_FOUND for any other. Sheets (bulk printing for a census or a
new installation) are for staff.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from server.assets.models import Asset
from server.assets.service import get_asset, list_assets
from server.core.actor import Actor, require
from server.core.errors import NotFound, ValidationFailed
from server.core.roles import STAFF
from server.customers.service import get_customer, get_site
from server.labels.content import Label
from server.labels.qr import tag_url
from server.workorders.scope import sites_for

# A bigger run is better split by site: one request must not hold a worker for minutes.
MAX_SHEET_LABELS = 2000


@dataclass(frozen=True)
class Selection:
    """Exactly one of: every asset of a site, every asset of a customer, or these assets."""

    site_id: uuid.UUID | None = None
    customer_id: uuid.UUID | None = None
    asset_ids: tuple[uuid.UUID, ...] = ()

    def __post_init__(self) -> None:
        given = sum((self.site_id is not None, self.customer_id is not None, bool(self.asset_ids)))
        if given != 1:
            raise ValidationFailed("Choose the labels by exactly one of: site, customer or a list of assets.")


async def asset_label(*, actor: Actor, asset_id: uuid.UUID, base_url: str) -> Label:
    asset = await get_asset(actor=actor, asset_id=asset_id)
    names = await _site_names(actor, [asset.site_id])  # type: ignore[attr-defined]
    return _label(asset, names, base_url)


async def sheet_labels(*, actor: Actor, selection: Selection, base_url: str) -> list[Label]:
    """The labels of the selected assets: in the order given for a list, otherwise by site, name
    and tag code, so the printed sheets follow a walk through each site."""
    require(actor, *STAFF)
    assets = await _selected(actor, selection)
    if not assets:
        raise ValidationFailed("There are no assets to label in this selection.", code="NOTHING_TO_PRINT")
    if len(assets) > MAX_SHEET_LABELS:
        raise ValidationFailed(
            f"{len(assets)} labels are more than {MAX_SHEET_LABELS} in one sheet; print site by site.",
            code="TOO_MANY_LABELS",
        )
    names = await _site_names(actor, {a.site_id for a in assets})  # type: ignore[attr-defined]
    if not selection.asset_ids:
        assets.sort(key=lambda a: (names.get(a.site_id, ""), a.name, a.tag_code))  # type: ignore[attr-defined]
    return [_label(asset, names, base_url) for asset in assets]


async def _selected(actor: Actor, selection: Selection) -> list[Asset]:
    if selection.site_id is not None:
        await get_site(actor=actor, site_id=selection.site_id)
        return list(await list_assets(actor=actor, site_id=selection.site_id))
    if selection.customer_id is not None:
        await get_customer(actor=actor, customer_id=selection.customer_id)
        return list(await list_assets(actor=actor, customer_id=selection.customer_id))
    wanted = list(dict.fromkeys(selection.asset_ids))
    if len(wanted) > MAX_SHEET_LABELS:
        raise ValidationFailed(f"At most {MAX_SHEET_LABELS} assets per sheet.", code="TOO_MANY_LABELS")
    found = {a.id: a for a in await list_assets(actor=actor).filter(id__in=wanted)}
    missing = [str(i) for i in wanted if i not in found]
    if missing:
        raise NotFound(f"No asset with the id {missing[0]}.", ids=missing)
    return [found[i] for i in wanted]


async def _site_names(actor: Actor, site_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    # Deleted sites too: an asset still standing there still needs its label.
    sites = sites_for(actor, include_deleted=True).filter(id__in=list(site_ids))
    rows = await sites.values_list("id", "name")
    return {uuid.UUID(str(site_id)): str(name) for site_id, name in rows}


def _label(asset: Asset, site_names: dict[uuid.UUID, str], base_url: str) -> Label:
    return Label(
        tag_code=asset.tag_code,
        url=tag_url(base_url, asset.tag_code),
        asset_name=asset.name,
        site_name=site_names.get(asset.site_id, ""),  # type: ignore[attr-defined]
    )
