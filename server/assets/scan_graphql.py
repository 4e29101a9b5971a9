"""Asset scans in GraphQL: read-only. Scans are recorded on devices and arrive through the
`assetScans` sync collection."""

from __future__ import annotations

from datetime import datetime

import strawberry

from server.assets import scans
from server.assets.graphql import AssetType, SealStateEnum
from server.assets.models import AssetScan, SealState
from server.assets.service import get_asset
from server.core.errors import NotFound
from server.graphql.context import Info
from server.graphql.ids import parse_id
from server.graphql.pagination import Connection, paginate


@strawberry.type(name="AssetScan")
class AssetScanType:
    id: strawberry.ID
    asset_id: strawberry.ID
    work_order_id: strawberry.ID
    scanned_by_id: strawberry.ID | None
    scanned_at: datetime
    tag_code: str
    seal_state: SealStateEnum  # type: ignore[valid-type]
    photo_sha256: str | None
    mismatch: bool
    mismatch_note: str
    version: int
    created_at: datetime

    @classmethod
    def from_model(cls, scan: AssetScan) -> AssetScanType:
        scanned_by = scan.scanned_by_id  # type: ignore[attr-defined]
        return cls(
            id=strawberry.ID(str(scan.id)),
            asset_id=strawberry.ID(str(scan.asset_id)),  # type: ignore[attr-defined]
            work_order_id=strawberry.ID(str(scan.work_order_id)),  # type: ignore[attr-defined]
            scanned_by_id=None if scanned_by is None else strawberry.ID(str(scanned_by)),
            scanned_at=scan.scanned_at,
            tag_code=scan.tag_code,
            seal_state=SealState(scan.seal_state),
            photo_sha256=scan.photo_sha256,
            mismatch=scan.mismatch,
            mismatch_note=scan.mismatch_note,
            version=scan.version,
            created_at=scan.created_at,
        )

    @strawberry.field
    async def asset(self, info: Info) -> AssetType | None:
        """Null when the asset is no longer visible to the caller (deleted)."""
        try:
            asset = await get_asset(actor=info.context.require(), asset_id=parse_id(self.asset_id))
        except NotFound:
            return None
        return AssetType.from_model(asset)


@strawberry.type
class Query:
    @strawberry.field
    async def asset_scans(
        self, info: Info, work_order_id: strawberry.ID, first: int | None = 50, after: str | None = None
    ) -> Connection[AssetScanType]:
        """The scans recorded on a work order, oldest first by the device's clock."""
        actor = info.context.require()
        query = await scans.list_scans(actor=actor, work_order_id=parse_id(work_order_id))
        return await paginate(
            query, first=first, after=after, to_node=AssetScanType.from_model, order_field="scanned_at"
        )
