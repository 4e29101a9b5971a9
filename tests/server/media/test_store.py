"""The media stores: a local directory, and an S3-compatible server (moto in server mode on
loopback, spoken to over real HTTP with real signatures)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import httpx
import pytest

from server.app import create_app
from server.core.settings import S3Config
from server.media.store import LocalStore, MediaStore, MissingObject, S3Store, sign_v4
from tests.client import GqlClient
from tests.factories import make_photo, make_user, make_work_order
from tests.server.media.helpers import jpeg, sha, upload

moto_server = pytest.importorskip(
    "moto.server", reason="moto[server] is not installed (pip install -e '.[dev]')"
)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _config(endpoint: str) -> S3Config:
    return S3Config(
        endpoint=endpoint, bucket=f"doorstep-{uuid.uuid4().hex[:8]}", access_key="test", secret_key="test"
    )


async def _roundtrip(store: MediaStore, tmp_path: Path) -> None:
    data = os.urandom(600_000)  # more than one read chunk
    source = tmp_path / "incoming"
    source.write_bytes(data)
    await store.put_file("photos/ab/abcdef", source, content_type="image/jpeg")
    assert not source.exists()  # consumed
    assert await store.exists("photos/ab/abcdef")
    assert not await store.exists("photos/ab/other")
    assert b"".join([chunk async for chunk in store.open("photos/ab/abcdef")]) == data
    await store.delete("photos/ab/abcdef")
    await store.delete("photos/ab/abcdef")  # deleting twice is fine
    assert not await store.exists("photos/ab/abcdef")
    with pytest.raises(MissingObject):
        _ = [chunk async for chunk in store.open("photos/ab/abcdef")]


async def test_local_store_roundtrip(tmp_path: Path) -> None:
    await _roundtrip(LocalStore(tmp_path / "media"), tmp_path)


def test_local_store_refuses_keys_that_leave_its_directory(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    for key in ("../secrets.json", "photos/../../x", "/etc/passwd", ""):
        with pytest.raises(ValueError, match="invalid media key"):
            store.path(key)


async def test_s3_store_roundtrip_against_a_real_server(s3_endpoint: str, tmp_path: Path) -> None:
    store = S3Store(_config(s3_endpoint))
    try:
        await store.ensure_bucket()
        await store.ensure_bucket()  # idempotent
        await _roundtrip(store, tmp_path)
    finally:
        await store.aclose()


def test_signature_matches_the_aws_reference_implementation() -> None:
    botocore_auth = pytest.importorskip("botocore.auth")
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    config = S3Config(
        endpoint="http://127.0.0.1:9000",
        bucket="media",
        access_key="AKIDEXAMPLE",
        secret_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        region="eu-west-1",
    )
    now = dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC)
    body = b"photo bytes"
    digest = hashlib.sha256(body).hexdigest()
    url = "http://127.0.0.1:9000/media/photos/ab/abc"
    ours = sign_v4(
        config, method="PUT", url=url, payload_hash=digest, headers={"content-type": "image/jpeg"}, now=now
    )
    reference = AWSRequest(
        method="PUT",
        url=url,
        data=body,
        headers={"content-type": "image/jpeg", "X-Amz-Content-SHA256": digest},
    )
    with mock.patch.object(botocore_auth, "get_current_datetime", return_value=now.replace(tzinfo=None)):
        botocore_auth.S3SigV4Auth(
            Credentials(config.access_key, config.secret_key), "s3", config.region
        ).add_auth(reference)
    assert ours["authorization"] == reference.headers["Authorization"]


async def test_uploads_and_downloads_go_through_an_s3_store(db: Any, s3_endpoint: str) -> None:
    config = _config(s3_endpoint)
    bucket = S3Store(config)
    await bucket.ensure_bucket()
    app = create_app(dataclasses.replace(db, s3=config), manage_db=False)
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    data = jpeg(seed=41)
    await make_photo(order, data=data)
    device = await GqlClient(app).login(tech.username)
    try:
        assert (await upload(device.http, str(device.token), data)).status_code == 204
        assert await bucket.exists(f"photos/{sha(data)[:2]}/{sha(data)}")
        headers = {"Authorization": f"Bearer {device.token}"}
        response = await device.http.get(f"/media/{sha(data)}", headers=headers)
        assert response.status_code == 200
        assert response.headers["content-length"] == str(len(response.content))
        assert response.content.startswith(b"\xff\xd8")
        thumb = await device.http.get(f"/media/{sha(data)}/thumb", headers=headers)
        assert thumb.status_code == 200
    finally:
        await device.aclose()
        await bucket.aclose()
        await app.state.media.aclose()


async def test_a_missing_object_is_reported_not_hidden(db: Any, s3_endpoint: str) -> None:
    config = _config(s3_endpoint)
    bucket = S3Store(config)
    await bucket.ensure_bucket()
    app = create_app(dataclasses.replace(db, s3=config), manage_db=False)
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    data = jpeg(seed=42)
    await make_photo(order, data=data)
    device = await GqlClient(app).login(tech.username)
    try:
        await upload(device.http, str(device.token), data)
        await bucket.delete(f"photos/{sha(data)[:2]}/{sha(data)}")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            response = await http.get(
                f"/media/{sha(data)}", headers={"Authorization": f"Bearer {device.token}"}
            )
        assert response.status_code == 503
    finally:
        await device.aclose()
        await bucket.aclose()
        await app.state.media.aclose()
