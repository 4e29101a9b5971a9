"""The tus protocol as any client sees it: creation, offsets, checksums, limits and refusals."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest

from server.app import create_app
from server.media import service
from server.media.models import MediaBlob, Upload
from tests.client import GqlClient
from tests.factories import make_photo, make_user, make_work_order
from tests.server.media.helpers import (
    OFFSET_TYPE,
    checksum,
    create,
    jpeg,
    metadata,
    patch,
    sha,
    tus_headers,
    upload,
)


@pytest.fixture
async def tech(as_user: Any) -> GqlClient:
    return await as_user(await make_user())  # type: ignore[no-any-return]


async def test_options_advertises_version_extensions_and_limits(client: GqlClient) -> None:
    response = await client.http.options("/uploads/")
    assert response.status_code == 204
    assert response.headers["tus-version"] == "1.0.0"
    extensions = set(response.headers["tus-extension"].split(","))
    assert {"creation", "checksum", "termination"} <= extensions
    assert "sha256" in response.headers["tus-checksum-algorithm"].split(",")
    assert int(response.headers["tus-max-size"]) == 25 * 1024 * 1024


async def test_upload_in_two_patches_reports_offsets(tech: GqlClient) -> None:
    data = jpeg()
    created = await create(tech.http, tech.token, data)
    assert created.status_code == 201
    location = created.headers["location"]
    assert location.startswith("http://testserver/uploads/")
    assert "upload-expires" in created.headers
    first = await patch(tech.http, tech.token, location, data[:1000], 0)
    assert (first.status_code, first.headers["upload-offset"]) == (204, "1000")
    head = await tech.http.head(location, headers=tus_headers(tech.token))
    assert head.headers["upload-offset"] == "1000"
    assert head.headers["upload-length"] == str(len(data))
    assert head.headers["cache-control"] == "no-store"
    rest = await patch(tech.http, tech.token, location, data[1000:], 1000)
    assert (rest.status_code, rest.headers["upload-offset"]) == (204, str(len(data)))
    assert await MediaBlob.exists(sha256=sha(data))


async def test_creation_with_upload_stores_the_file_in_one_request(tech: GqlClient) -> None:
    data = jpeg(seed=3)
    headers = tus_headers(
        tech.token,
        **{"Upload-Length": str(len(data)), "Content-Type": OFFSET_TYPE},
        **{"Upload-Metadata": metadata(data)},
    )
    response = await tech.http.post("/uploads/", headers=headers, content=data)
    assert response.status_code == 201
    assert response.headers["upload-offset"] == str(len(data))
    assert await MediaBlob.exists(sha256=sha(data))


async def test_wrong_offset_is_a_conflict(tech: GqlClient) -> None:
    data = jpeg()
    location = (await create(tech.http, tech.token, data)).headers["location"]
    response = await patch(tech.http, tech.token, location, data[5:], 5)
    assert response.status_code == 409
    assert response.json()["code"] == "OFFSET_MISMATCH"


async def test_checksum_mismatch_is_460_and_the_chunk_can_be_sent_again(tech: GqlClient) -> None:
    data = jpeg()
    location = (await create(tech.http, tech.token, data)).headers["location"]
    bad = await patch(
        tech.http, tech.token, location, data[:500], 0, **{"Upload-Checksum": checksum(b"other bytes")}
    )
    assert bad.status_code == 460
    assert bad.json()["code"] == "CHECKSUM_MISMATCH"
    head = await tech.http.head(location, headers=tus_headers(tech.token))
    assert head.headers["upload-offset"] == "0"
    good = await patch(tech.http, tech.token, location, data, 0, **{"Upload-Checksum": checksum(data)})
    assert good.status_code == 204
    sha1 = await patch(
        tech.http, tech.token, location, b"", len(data), **{"Upload-Checksum": checksum(b"", "sha1")}
    )
    assert sha1.status_code == 204


async def test_unknown_checksum_algorithm_is_refused(tech: GqlClient) -> None:
    data = jpeg()
    location = (await create(tech.http, tech.token, data)).headers["location"]
    response = await patch(tech.http, tech.token, location, data, 0, **{"Upload-Checksum": "md5 AAAA"})
    assert response.status_code == 400


async def test_wrong_final_hash_is_422_and_the_upload_is_discarded(tech: GqlClient) -> None:
    data = jpeg()
    other = data[:-10] + bytes([data[-10] ^ 1]) + data[-9:]  # one bit flipped in transit
    location = (await create(tech.http, tech.token, data)).headers["location"]
    response = await patch(tech.http, tech.token, location, other, 0)
    assert response.status_code == 422
    assert response.json()["code"] == "HASH_MISMATCH"
    assert not await MediaBlob.exists(sha256=sha(data))
    assert (await tech.http.head(location, headers=tus_headers(tech.token))).status_code == 404


async def test_declared_length_above_the_limit_is_413(tech: GqlClient) -> None:
    response = await create(tech.http, tech.token, b"x", length=25 * 1024 * 1024 + 1)
    assert response.status_code == 413
    assert response.json()["code"] == "TOO_LARGE"


async def test_body_longer_than_declared_is_413_and_nothing_is_kept(tech: GqlClient) -> None:
    data = jpeg()
    location = (await create(tech.http, tech.token, data)).headers["location"]
    too_long = await patch(tech.http, tech.token, location, data + b"extra", 0)
    assert too_long.status_code == 413

    async def body() -> Any:  # no Content-Length: the limit must hold while streaming
        yield data[:1000]
        yield data[1000:] + b"more"

    headers = tus_headers(tech.token, **{"Upload-Offset": "0", "Content-Type": OFFSET_TYPE})
    streamed = await tech.http.patch(location, content=body(), headers=headers)
    assert streamed.status_code == 413
    head = await tech.http.head(location, headers=tus_headers(tech.token))
    assert head.headers["upload-offset"] == "0"


async def test_quota_is_checked_before_any_byte_is_sent(db: Any) -> None:
    small = dataclasses.replace(db, upload_quota_bytes=3000)
    app = create_app(small, manage_db=False)
    user = await make_user()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        c = GqlClient(app)
        await c.login(user.username)
        first = await create(http, c.token, b"a" * 2000)
        assert first.status_code == 201
        parts = set(service.upload_dir(small).glob("*.part"))
        second = await create(http, c.token, b"b" * 2000)
        assert second.status_code == 413
        assert second.json()["code"] == "QUOTA_EXCEEDED"
        assert "2000 in use" in second.json()["message"]
        assert set(service.upload_dir(small).glob("*.part")) == parts  # nothing left behind
        assert await Upload.all().count() == 1
        await c.aclose()


async def test_bytes_that_are_no_image_are_415(tech: GqlClient) -> None:
    data = b"%PDF-1.7 " + b"0" * 2000
    response = await upload(tech.http, tech.token, data, filetype="image/jpeg")
    assert response.status_code == 415
    assert not await Upload.exists(sha256=sha(data))


async def test_a_jpeg_header_on_garbage_is_415(tech: GqlClient) -> None:
    data = b"\xff\xd8\xff\xe0" + b"\x00" * 3000
    response = await upload(tech.http, tech.token, data)
    assert response.status_code == 415


async def test_declared_type_outside_the_list_is_refused_at_creation(tech: GqlClient) -> None:
    response = await create(tech.http, tech.token, jpeg(), filetype="application/pdf")
    assert response.status_code == 415


async def test_multipart_bodies_are_refused(tech: GqlClient) -> None:
    response = await tech.http.post(
        "/uploads/",
        headers=tus_headers(tech.token, **{"Upload-Length": "10"}),
        files={"file": ("a.jpg", b"0123456789", "image/jpeg")},
    )
    assert response.status_code == 415
    assert response.json()["code"] == "FORM_REFUSED"


async def test_without_a_token_every_request_is_401(client: GqlClient, tech: GqlClient) -> None:
    data = jpeg()
    assert (await create(client.http, None, data)).status_code == 401
    location = (await create(tech.http, tech.token, data)).headers["location"]
    unauthenticated = await patch(client.http, None, location, data, 0)
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["www-authenticate"] == "Bearer"
    cookie_only = await client.http.head(location, headers=tus_headers(None, Cookie="session=x"))
    assert cookie_only.status_code == 401


async def test_missing_tus_resumable_is_412(tech: GqlClient) -> None:
    response = await tech.http.post("/uploads/", headers={"Authorization": f"Bearer {tech.token}"})
    assert response.status_code == 412
    assert response.headers["tus-version"] == "1.0.0"


async def test_another_users_upload_does_not_exist_for_him(tech: GqlClient, as_user: Any) -> None:
    other = await as_user(await make_user())
    data = jpeg()
    location = (await create(tech.http, tech.token, data)).headers["location"]
    assert (await other.http.head(location, headers=tus_headers(other.token))).status_code == 404
    assert (await patch(other.http, other.token, location, data, 0)).status_code == 404
    assert (await tech.http.head(location + "x", headers=tus_headers(tech.token))).status_code == 404


async def test_termination_deletes_the_upload(tech: GqlClient) -> None:
    data = jpeg()
    location = (await create(tech.http, tech.token, data)).headers["location"]
    await patch(tech.http, tech.token, location, data[:100], 0)
    response = await tech.http.delete(location, headers=tus_headers(tech.token))
    assert response.status_code == 204
    assert (await tech.http.head(location, headers=tus_headers(tech.token))).status_code == 404
    assert await Upload.all().count() == 0


async def test_same_bytes_twice_make_one_blob(tech: GqlClient, as_user: Any) -> None:
    data = jpeg(seed=5)
    assert (await upload(tech.http, tech.token, data)).status_code == 204
    other = await as_user(await make_user())
    assert (await upload(other.http, other.token, data)).status_code == 204
    assert await MediaBlob.filter(sha256=sha(data)).count() == 1


async def test_a_finished_upload_reports_its_full_offset(tech: GqlClient) -> None:
    data = jpeg()
    location = (await create(tech.http, tech.token, data)).headers["location"]
    await patch(tech.http, tech.token, location, data, 0)
    head = await tech.http.head(location, headers=tus_headers(tech.token))
    assert head.headers["upload-offset"] == str(len(data))


async def test_a_named_photo_record_must_be_visible_and_name_the_same_bytes(as_user: Any) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    photo = await make_photo(order, data=jpeg(seed=50))
    device = await as_user(tech)
    other = jpeg(seed=51)
    conflict = await create(device.http, device.token, other, photoId=str(photo.id))
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "HASH_CONFLICT"
    stranger = await as_user(await make_user())
    hidden = await create(stranger.http, stranger.token, jpeg(seed=50), photoId=str(photo.id))
    assert hidden.status_code == 404
    assert (await create(device.http, device.token, jpeg(seed=50), photoId=str(photo.id))).status_code == 201
