"""GET /media/<sha256>: who may read a photo, and what the served bytes no longer carry."""

from __future__ import annotations

import io
from typing import Any

from PIL import ExifTags, Image

from server.core.roles import Role
from server.media import service
from server.media.models import Upload
from server.media.runtime import blob_keys
from tests.client import GqlClient
from tests.factories import make_photo, make_user, make_work_order
from tests.server.media.helpers import SERIAL, jpeg, sha, upload


async def _uploaded_photo(as_user: Any, data: bytes) -> tuple[GqlClient, Any]:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    photo = await make_photo(order, data=data)
    device = await as_user(tech)
    assert (await upload(device.http, device.token, data)).status_code == 204
    return device, photo


def _auth(client: GqlClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {client.token}"}


async def test_served_photo_has_no_location_or_serial_and_is_upright(as_user: Any) -> None:
    data = jpeg(400, 200, orientation=6, gps=True)
    assert SERIAL.encode() in data
    device, _ = await _uploaded_photo(as_user, data)
    response = await device.http.get(f"/media/{sha(data)}", headers=_auth(device))
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    served = response.content
    assert SERIAL.encode() not in served
    image = Image.open(io.BytesIO(served))
    exif = image.getexif()
    assert ExifTags.IFD.GPSInfo not in exif
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Orientation not in exif
    assert image.size == (200, 400)  # orientation 6: rotated a quarter turn
    # Rotated clockwise, the white right half of the picture ends up at the bottom.
    assert image.convert("L").getpixel((100, 300)) > 200
    assert image.convert("L").getpixel((100, 100)) < 60


async def test_upright_jpeg_loses_metadata_but_keeps_its_compressed_data(as_user: Any) -> None:
    data = jpeg(400, 200, gps=True)
    device, _ = await _uploaded_photo(as_user, data)
    served = (await device.http.get(f"/media/{sha(data)}", headers=_auth(device))).content
    assert SERIAL.encode() not in served
    assert b"Exif" not in served
    original, cleaned = Image.open(io.BytesIO(data)), Image.open(io.BytesIO(served))
    assert cleaned.size == (400, 200)
    assert original.tobytes() == cleaned.tobytes()  # no re-encoding: identical pixels


async def test_thumbnail_is_made_after_the_upload_without_being_asked(app: Any, as_user: Any) -> None:
    data = jpeg(seed=10)
    await _uploaded_photo(as_user, data)
    await app.state.media.drain()
    _, thumb_key = blob_keys(sha(data))
    assert await app.state.media.store.exists(thumb_key)
    upload = await Upload.get(sha256=sha(data))
    assert not service.part_path(app.state.settings, upload.id).exists()  # deleted once used


async def test_thumbnail_is_a_small_jpeg(as_user: Any) -> None:
    data = jpeg(1200, 600, orientation=6)
    device, _ = await _uploaded_photo(as_user, data)
    response = await device.http.get(f"/media/{sha(data)}/thumb", headers=_auth(device))
    assert response.status_code == 200
    thumb = Image.open(io.BytesIO(response.content))
    assert (thumb.format, thumb.size) == ("JPEG", (160, 320))
    assert response.headers["etag"] == f'"{sha(data)}-thumb"'


async def test_cache_headers_and_conditional_get(as_user: Any) -> None:
    data = jpeg(seed=11)
    device, _ = await _uploaded_photo(as_user, data)
    first = await device.http.get(f"/media/{sha(data)}", headers=_auth(device))
    assert first.headers["etag"] == f'"{sha(data)}"'
    assert "immutable" in first.headers["cache-control"]
    assert "private" in first.headers["cache-control"]
    again = await device.http.get(
        f"/media/{sha(data)}", headers={**_auth(device), "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""


async def test_another_technician_gets_404_and_the_desk_gets_the_photo(as_user: Any) -> None:
    data = jpeg(seed=12)
    await _uploaded_photo(as_user, data)
    stranger = await as_user(await make_user())
    response = await stranger.http.get(f"/media/{sha(data)}", headers=_auth(stranger))
    assert response.status_code == 404
    assert (await stranger.http.get(f"/media/{sha(data)}/thumb", headers=_auth(stranger))).status_code == 404
    desk = await as_user(await make_user(Role.DISPATCHER))
    assert (await desk.http.get(f"/media/{sha(data)}", headers=_auth(desk))).status_code == 200


async def test_uploading_the_bytes_alone_grants_no_access(as_user: Any) -> None:
    data = jpeg(seed=13)
    await _uploaded_photo(as_user, data)
    stranger = await as_user(await make_user())
    assert (await upload(stranger.http, stranger.token, data)).status_code == 204
    assert (await stranger.http.get(f"/media/{sha(data)}", headers=_auth(stranger))).status_code == 404


async def test_a_deleted_photo_no_longer_grants_access(as_user: Any) -> None:
    data = jpeg(seed=14)
    device, photo = await _uploaded_photo(as_user, data)
    photo.deleted = True
    await photo.save()
    assert (await device.http.get(f"/media/{sha(data)}", headers=_auth(device))).status_code == 404


async def test_waiting_photo_is_404_with_its_reason(as_user: Any) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    data = jpeg(seed=15)
    await make_photo(order, data=data)
    device = await as_user(tech)
    response = await device.http.get(f"/media/{sha(data)}", headers=_auth(device))
    assert response.status_code == 404
    assert response.json()["code"] == "WAITING_FOR_UPLOAD"


async def test_without_a_token_it_is_401(client: GqlClient, as_user: Any) -> None:
    data = jpeg(seed=16)
    await _uploaded_photo(as_user, data)
    response = await client.http.get(f"/media/{sha(data)}")
    assert response.status_code == 401
    assert (await client.http.get("/media/not-a-hash")).status_code == 401
