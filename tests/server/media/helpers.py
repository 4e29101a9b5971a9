"""Images with known metadata, and a minimal tus client over httpx for protocol tests."""

from __future__ import annotations

import base64
import hashlib
import io
import uuid
from typing import Any

import httpx
from PIL import ExifTags, Image

SERIAL = "SN-CAM-0042-ZX"
OFFSET_TYPE = "application/offset+octet-stream"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def jpeg(
    width: int = 400,
    height: int = 200,
    *,
    orientation: int | None = None,
    gps: bool = False,
    seed: int = 0,
    quality: int = 90,
) -> bytes:
    """A JPEG whose left half is black and right half white (so rotation is visible), with
    optional EXIF orientation, GPS position and camera serial number."""
    image = Image.new("RGB", (width, height), (seed % 256, 0, 0))
    image.paste((255, 255, 255), (width // 2, 0, width, height))
    exif = Image.Exif()
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        exif[ExifTags.Base.Make] = "Acme"
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = SERIAL
        position = exif.get_ifd(ExifTags.IFD.GPSInfo)
        position[ExifTags.GPS.GPSLatitudeRef] = "N"
        position[ExifTags.GPS.GPSLatitude] = (30.0, 15.0, 12.5)
        position[ExifTags.GPS.GPSLongitudeRef] = "E"
        position[ExifTags.GPS.GPSLongitude] = (120.0, 9.0, 33.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif)
    return out.getvalue()


def png(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 128, 255, 128)).save(out, "PNG")
    return out.getvalue()


def metadata(data: bytes, **extra: str) -> str:
    values = {"filename": "photo.jpg", "filetype": "image/jpeg", "sha256": sha(data), **extra}
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def tus_headers(token: str | None, **extra: str) -> dict[str, str]:
    headers = {"Tus-Resumable": "1.0.0", **extra}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


async def create(
    http: httpx.AsyncClient, token: str | None, data: bytes, *, length: int | None = None, **meta: str
) -> httpx.Response:
    headers = tus_headers(
        token,
        **{"Upload-Length": str(len(data) if length is None else length)},
        **{"Upload-Metadata": metadata(data, **meta)},
    )
    return await http.post("/uploads/", headers=headers)


async def patch(
    http: httpx.AsyncClient, token: str | None, location: str, body: bytes, offset: int, **extra: str
) -> httpx.Response:
    headers = tus_headers(token, **{"Upload-Offset": str(offset), "Content-Type": OFFSET_TYPE}, **extra)
    return await http.patch(location, content=body, headers=headers)


async def upload(http: httpx.AsyncClient, token: str, data: bytes, **meta: str) -> httpx.Response:
    """Create and send in one PATCH; returns the PATCH response."""
    created = await create(http, token, data, **meta)
    assert created.status_code == 201, created.text
    return await patch(http, token, created.headers["location"], data, 0)


def checksum(body: bytes, algorithm: str = "sha256") -> str:
    return f"{algorithm} {base64.b64encode(hashlib.new(algorithm, body).digest()).decode()}"


def photo_doc(work_order_id: Any, data: bytes, **kw: Any) -> dict[str, Any]:
    """A `photos` document as a device pushes it."""
    doc: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "workOrderId": str(work_order_id),
        "checklistItem": "finish.photo",
        "caption": "ONU after the swap",
        "takenAt": "2026-11-23T02:00:00Z",
        "sha256": sha(data),
        "contentType": "image/jpeg",
        "size": len(data),
        "latitude": 30.25,
        "longitude": 120.16,
        "accuracy": 12.5,
        "deleted": False,
    }
    doc.update(kw)
    return doc


def noisy_jpeg(width: int = 800, height: int = 600, *, quality: int = 92) -> bytes:
    """A JPEG that compresses badly, like a real photo: hundreds of kilobytes."""
    grey = Image.effect_noise((width, height), 80)
    image = Image.merge("RGB", (grey, grey.transpose(Image.Transpose.FLIP_LEFT_RIGHT), grey))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()
