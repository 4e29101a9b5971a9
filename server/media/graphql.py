from __future__ import annotations

from datetime import datetime

import strawberry

from server.graphql.context import Info
from server.graphql.ids import parse_id, to_opt_id
from server.graphql.pagination import Connection, paginate
from server.media import service
from server.media.models import Photo, PhotoStatus

PhotoStatusEnum = strawberry.enum(PhotoStatus, name="PhotoStatus")


@strawberry.type(name="Photo")
class PhotoType:
    id: strawberry.ID
    work_order_id: strawberry.ID
    checklist_item: str
    caption: str
    taken_at: datetime | None
    taken_by_id: strawberry.ID | None
    device_id: strawberry.ID | None
    sha256: str
    content_type: str
    size: int
    width: int | None
    height: int | None
    latitude: float | None
    longitude: float | None
    accuracy: float | None
    status: PhotoStatusEnum  # type: ignore[valid-type]
    created_at: datetime

    @strawberry.field
    def uploaded(self) -> bool:
        """Whether the bytes have arrived and can be shown."""
        return bool(self.status == PhotoStatus.READY)

    @strawberry.field
    def url(self) -> str | None:
        """Where to GET the photo (with the Bearer token); null until uploaded."""
        return f"/media/{self.sha256}" if self.status == PhotoStatus.READY else None

    @strawberry.field
    def thumbnail_url(self) -> str | None:
        """Where to GET a 320-pixel JPEG thumbnail; null until uploaded."""
        return f"/media/{self.sha256}/thumb" if self.status == PhotoStatus.READY else None

    @classmethod
    def from_model(cls, photo: Photo) -> PhotoType:
        return cls(
            id=strawberry.ID(str(photo.id)),
            work_order_id=strawberry.ID(str(photo.work_order_id)),  # type: ignore[attr-defined]
            checklist_item=photo.checklist_item,
            caption=photo.caption,
            taken_at=photo.taken_at,
            taken_by_id=to_opt_id(photo.taken_by_id),  # type: ignore[attr-defined]
            device_id=to_opt_id(photo.device_id),
            sha256=photo.sha256,
            content_type=photo.content_type,
            size=photo.size,
            width=photo.width,
            height=photo.height,
            latitude=photo.latitude,
            longitude=photo.longitude,
            accuracy=photo.accuracy,
            status=photo.status,
            created_at=photo.created_at,
        )


@strawberry.type
class Query:
    @strawberry.field
    async def photos(
        self, info: Info, work_order_id: strawberry.ID, first: int | None = 50, after: str | None = None
    ) -> Connection[PhotoType]:
        actor = info.context.require()
        query = await service.photos_of_work_order(actor=actor, work_order_id=parse_id(work_order_id))
        return await paginate(query, first=first, after=after, to_node=PhotoType.from_model)
